"""Slow work (the demo, an import or export, a PDF) off the GUI thread, in QThreadPool; the
result comes back by signal to the GUI thread, which alone touches widgets (STYLE §3)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, Signal
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
