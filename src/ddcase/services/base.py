"""What every service shares: the database, today's date, and who is using ddcase."""

from __future__ import annotations

import dataclasses
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from ddcase.domain import ConflictError
from ddcase.domain.times import date_time_text

if TYPE_CHECKING:  # `ddcase figures` reads without SQLAlchemy (issue 18): storage when used
    from ddcase.storage.database import Database, Session


@dataclass
class Context:
    """Handed to every service by the composition root (cli.main)."""

    db: Database
    user: str | None = None
    today: Callable[[], date] = date.today
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


def as_record(value: Any) -> dict[str, Any]:
    """A domain value as a plain dict for the audit trail (dates as ISO text, enums as values)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(value):
        item = getattr(value, f.name)
        if isinstance(item, Enum):
            item = item.value
        elif isinstance(item, date):
            item = item.isoformat()
        elif item is not None and not isinstance(item, (str, int, float, bool)):
            item = str(item)
        out[f.name] = item
    return out


def changed_by(context: Context) -> str:
    """Who a change is stamped with: the person using ddcase, else the computer's user name."""
    from ddcase.storage import audit

    return context.user or audit.os_user()


def audit_change(
    context: Context,
    session: Session,
    action: str,
    entity: str,
    key: str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """One entry in the audit trail for a change made through a service, inside the caller's write
    transaction: who made it (the context's user) and when (the context's clock)."""
    from ddcase.storage import audit

    audit.append(
        session,
        action=action,
        entity=entity,
        key=key,
        before=before,
        after=after,
        app_user=context.user,
        at=context.now(),
    )


def check_version(row: Any, expected: int, what: str) -> None:
    """Optimistic locking, said in words: who changed it and when."""
    if row.version != expected:
        who = row.updated_by or "another user"
        when = local_time_text(row.updated_at) if row.updated_at else "a moment ago"
        raise ConflictError(
            f"{what} was changed by {who} on {when}; nothing was saved. Reload it and try again."
        )


def local_time_text(moment: datetime) -> str:
    """'22 Nov 2026 at 10:42 GMT' in UK local time (stored times are UTC; domain/times.py)."""
    return date_time_text(moment, zone=True, naive="utc")


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
