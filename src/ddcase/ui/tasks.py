"""Slow work (the demo, an import or export, a PDF) off the GUI thread, in QThreadPool; the
result comes back by signal to the GUI thread, which alone touches widgets (STYLE §3)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QGuiApplication

from ddcase.domain import DomainError

log = logging.getLogger("ddcase")


class TaskSignals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)  # the exception; a DomainError carries a message for the user
    progress = Signal(int, int)  # (done, total), from work that reports how far it has got


class Task(QRunnable):
    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the window keeps it until its signal has been handled
        self.signals = TaskSignals()
        self._work = work

    def report(self, done: int, total: int) -> None:
        """For the work to call, on the pool's thread: the window hears it by signal."""
        self.signals.progress.emit(done, total)

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as error:  # reported to the GUI thread; never lost in the pool
            if not isinstance(error, DomainError):
                log.exception("background task failed")
            self.signals.failed.emit(error)
            return
        self.signals.succeeded.emit(result)


class LatestLoad:
    """A page's loads, the newest winning. `start` reads in a pool and hands the result to
    `shown` on the GUI thread, unless a later load (or `now`, a read on the caller's thread, e.g.
    after an edit) began meanwhile: then it is dropped, so older rows never hide newer ones.
    `failed` hears the newest load's error; `loading(bool)` whether one is still running."""

    def __init__(
        self,
        shown: Callable[[Any], None],
        failed: Callable[[Exception], None],
        loading: Callable[[bool], None],
    ) -> None:
        self._shown = shown
        self._failed = failed
        self._loading = loading
        self._generation = 0  # goes up with every load: an older one's result is dropped
        self._running: Task | None = None

    @property
    def running(self) -> bool:
        return self._running is not None

    def now(self, work: Callable[[], Any]) -> None:
        """Read and show now; a load still running is superseded."""
        self._generation += 1
        self._running = None
        self._shown(work())
        self._loading(False)

    def start(self, work: Callable[[], Any], pool: QThreadPool) -> None:
        """Read in `pool` and show the result when it comes (if no later load began)."""
        self._generation += 1
        generation = self._generation
        task = Task(work)
        self._running = task
        self._loading(True)
        task.signals.succeeded.connect(
            lambda data: self._done(generation, task, data), Qt.ConnectionType.QueuedConnection
        )
        task.signals.failed.connect(
            lambda error: self._fail(generation, task, error), Qt.ConnectionType.QueuedConnection
        )
        pool.start(task)

    def _done(self, generation: int, task: Task, data: Any) -> None:
        if self._running is task:
            self._running = None
        if generation == self._generation:
            self._shown(data)
        self._loading(self._running is not None)

    def _fail(self, generation: int, task: Task, error: Exception) -> None:
        if self._running is task:
            self._running = None
        self._loading(self._running is not None)
        if generation == self._generation:
            self._failed(error)


@contextmanager
def wait_cursor() -> Iterator[None]:
    """The wait cursor while the GUI thread reads and works out a page that can take a moment
    (the to-do list, the caseload after a change of month): the window says it is busy rather than
    seeming stuck. Restored however the work ends."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()
