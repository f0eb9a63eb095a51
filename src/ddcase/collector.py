"""Where and when Python's cyclic garbage collector runs, for the whole process: paused for a
bulk read (`cyclic_gc_paused`, the services'), pinned to the GUI thread while a window lives
(`ui/tasks.GuiCollector`). A leaf module, like paths.py: it imports nothing of ddcase, so the
opening window can pin the collector before the services are imported."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager


class Collector:
    """Where and when Python's cyclic garbage collector runs: its one home (issue 18's threads).

    The collector runs in whichever thread happens to allocate when it is due. In the app that is
    mostly a pool thread (the figures make hundreds of thousands of values), and what it frees
    there includes the GUI's objects left in reference cycles: a closed window, its pages, their
    actions. Freeing one whose C++ object Python owns runs Qt's destructor on that pool thread,
    while the GUI thread uses Qt: a crash (docs/architecture.md, "Threads"). So the app pins the
    collector to the GUI thread (`pin`: automatic collection off; a GUI timer calls `collect_due`),
    and a bulk read pauses it (`paused`) wherever it runs. All state is behind one lock, since
    the pauses come from several threads at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pauses = 0  # bulk reads running now, in any thread
        self._pins = 0  # GUI timers collecting (one per window); automatic collection off while any
        self._was_enabled = False  # automatic collection was on before the first pause or pin

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No collection while a bulk read and its computation run (in any thread): a trust's
        figures make hundreds of thousands of small values, none in a reference cycle, so
        reference counting frees them all, but their number sets off the collector's passes over
        everything alive, about a third of the figures' time. Pauses overlap across threads: the
        collector comes back on (if it was on) only when the last one ends."""
        self._hold(pauses=1)
        try:
            yield
        finally:
            self._hold(pauses=-1)

    def pin(self) -> None:
        """Automatic collection off until `unpin`: the caller collects (`collect_due`) on its own
        thread, the GUI thread."""
        self._hold(pins=1)

    def unpin(self) -> None:
        self._hold(pins=-1)

    @property
    def pins(self) -> int:
        """How many pins hold automatic collection off now (a window each)."""
        return self._pins

    def _hold(self, *, pauses: int = 0, pins: int = 0) -> None:
        """Count a pause or pin beginning (+1) or ending (-1): automatic collection is off while
        any is held, and back as it was before the first (on, unless something else had it off)
        when the last ends."""
        with self._lock:
            if self._pauses == 0 and self._pins == 0:
                self._was_enabled = gc.isenabled()
            self._pauses += pauses
            self._pins += pins
            if self._pauses or self._pins:
                gc.disable()
            elif self._was_enabled:
                gc.enable()

    def collect_due(self) -> int:
        """Collect on the calling thread what the automatic collector would have by now (its own
        thresholds: the youngest generation, and the older ones when their counts are due), unless
        a bulk read has the collector paused. The number of objects found unreachable."""
        with self._lock:
            if self._pauses:
                return 0
        (young, middle, old), (made, young_runs, middle_runs) = gc.get_threshold(), gc.get_count()
        if young == 0 or made < young:
            return 0
        # The oldest generation due, as the automatic collector picks it (counts of the younger
        # generation's collections since this one's last).
        generation = 2 if middle_runs >= old else 1 if young_runs >= middle else 0
        return gc.collect(generation)


#: The process's one collector policy (a window pins it; the figures pause it).
collector = Collector()


def cyclic_gc_paused() -> AbstractContextManager[None]:
    """Pause Python's cyclic garbage collector for a bulk read and computation (`Collector.paused`)."""
    return collector.paused()
