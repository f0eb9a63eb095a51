"""Python's cyclic garbage collector and the window's pool threads (issue 18's threads): a
segmentation fault seen once under load, a pool thread "Garbage-collecting" while the other
read the dashboard's figures. Left to itself, the collector runs in whichever thread allocates
when it is due, and frees there the GUI's objects left in reference cycles, running Qt's
destructors off the GUI thread. While a window lives, it must run on the GUI thread only."""

from __future__ import annotations

import gc
import threading
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QWidget

from ddcase.collector import collector
from ddcase.ui.tasks import BackgroundWork


class _Page(QWidget):
    """A GUI object that only the collector can free: a reference cycle, as a closed window's
    pages and their callbacks make. Says on which thread Qt destroyed it."""

    def __init__(self, freed_on: list[str]) -> None:
        super().__init__()
        self.itself = self
        self.destroyed.connect(
            lambda: freed_on.append(threading.current_thread().name), Qt.ConnectionType.DirectConnection
        )


def test_a_gui_object_left_in_a_cycle_is_freed_on_the_gui_thread_not_in_the_pool(qtbot: Any) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    work = BackgroundWork(host, lambda busy, message: None)
    freed_on: list[str] = []
    gc.collect()  # nothing due on this thread before the pool's work
    page = _Page(freed_on)
    del page
    kept: list[Any] = []
    # A read's allocations in the pool: enough for many collections, were they automatic.
    work.run("Reading", lambda: [[] for _ in range(100_000)], kept.append)
    work.wait()
    assert kept
    qtbot.waitUntil(lambda: bool(freed_on), timeout=10_000)
    assert freed_on == [threading.current_thread().name]


def test_automatic_collection_is_off_while_a_window_lives_and_back_after(qtbot: Any) -> None:
    """Counted by pins: a window an earlier test left open keeps its own."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # earlier tests' closed windows
    pins = collector.pins
    host = QWidget()
    BackgroundWork(host, lambda busy, message: None)
    assert collector.pins == pins + 1
    assert not gc.isenabled()
    host.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the window gone, now
    assert collector.pins == pins
    assert gc.isenabled() == (pins == 0)
