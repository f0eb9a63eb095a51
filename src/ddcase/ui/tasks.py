"""Slow work (the demo, an import or export, a PDF) off the GUI thread, in QThreadPool; the
result comes back by signal to the GUI thread, which alone touches widgets (STYLE §3)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QProgressBar, QWidget

from ddcase.collector import collector
from ddcase.domain import DomainError
from ddcase.paths import log_dir

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
            self._tell(self.signals.failed, error)
            return
        self._tell(self.signals.succeeded, result)

    def _tell(self, signal: Any, value: object) -> None:
        """Emit, unless what was to hear it has gone (the window closed while this ran: its
        signals were deleted with it); the work itself has finished either way."""
        try:
            signal.emit(value)
        except RuntimeError as error:  # "Signal source has been deleted"
            log.info("a background task finished; no one is left to hear it (%s)", error)


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


class GuiCollector(QObject):
    """Python's cyclic garbage collector run on the GUI thread only, while this lives (one per
    window: a child of its `BackgroundWork`). Left to itself the collector runs in whichever
    thread allocates when it is due, mostly a pool thread, and would free there the GUI's objects
    left in reference cycles (a closed window, its pages and actions): Qt's destructors on a pool
    thread while the GUI thread uses Qt, a crash (docs/architecture.md, "Threads"). A timer
    collects what is due instead; a bulk read's pause (`cyclic_gc_paused`) holds it off."""

    INTERVAL_MS = 250

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        collector.pin()
        # Unpinned when Qt destroys this object (its window gone), even if Python never frees it.
        self.destroyed.connect(collector.unpin, Qt.ConnectionType.DirectConnection)
        self._timer = QTimer(self)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(collector.collect_due)
        self._timer.start()


class BackgroundWork(QObject):
    """The window's work in its pool: what the user asked for (`run`: the busy bar, and a failure
    explained) and what they did not (`run_quietly`: a failure only logged). `set_busy(busy,
    message)` hears when the first starts and the last ends."""

    def __init__(self, window: QWidget, set_busy: Callable[[bool, str], None]) -> None:
        super().__init__(window)
        self._window = window
        self._set_busy = set_busy
        self.pool = QThreadPool(self)
        self.collector = GuiCollector(self)  # before any work starts in the pool
        self._tasks: set[Task] = set()
        self._quiet_tasks: set[Task] = set()
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.setAccessibleName(self.tr("Working"))
        self.busy_bar.hide()

    def run(
        self,
        message: str,
        work: Callable[..., Any],
        succeeded: Callable[[Any], None],
        failed: Callable[[Exception], None] | None = None,
        *,
        always: Callable[[], None] | None = None,
        progress: bool = False,
    ) -> None:
        """`progress`: `work` takes a callback (done, total) that moves the busy bar."""
        task = Task(lambda: work(task.report)) if progress else Task(work)
        self._tasks.add(task)
        self._set_busy(True, message)
        if progress:
            task.signals.progress.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)

        def finish() -> None:
            self._tasks.discard(task)
            self.busy_bar.setRange(0, 0)  # back to "working", for whatever runs next
            self._set_busy(bool(self._tasks), "")
            if always is not None:
                always()

        def on_succeeded(result: Any) -> None:
            finish()
            succeeded(result)

        def on_failed(error: Exception) -> None:
            finish()
            if failed is not None and isinstance(error, DomainError):
                failed(error)
            elif isinstance(error, DomainError):
                QMessageBox.warning(self._window, self.tr("Not done"), str(error))
            else:
                QMessageBox.critical(
                    self._window,
                    self.tr("Something went wrong"),
                    self.tr(
                        "Something unexpected went wrong; nothing more was done. The details are in %1."
                    ).replace("%1", str(log_dir() / "ddcase.log")),
                )

        task.signals.succeeded.connect(on_succeeded, Qt.ConnectionType.QueuedConnection)
        task.signals.failed.connect(on_failed, Qt.ConnectionType.QueuedConnection)
        self.pool.start(task)

    def run_quietly(
        self,
        work: Callable[[], Any],
        succeeded: Callable[[Any], None],
        failed: Callable[[], None] | None = None,
    ) -> None:
        """Background work the user did not ask for (the newest backup's check): no busy bar,
        and a failure is only logged."""
        task = Task(work)
        self._quiet_tasks.add(task)

        def on_succeeded(result: Any) -> None:
            self._quiet_tasks.discard(task)
            if shiboken6.isValid(self._window):  # a check that ends after its window has gone
                succeeded(result)

        def on_failed(error: Exception) -> None:
            self._quiet_tasks.discard(task)
            log.warning("background check failed: %s", type(error).__name__)
            if failed is not None:
                failed()

        task.signals.succeeded.connect(on_succeeded, Qt.ConnectionType.QueuedConnection)
        task.signals.failed.connect(on_failed, Qt.ConnectionType.QueuedConnection)
        self.pool.start(task)

    @Slot(int, int)
    def _show_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.busy_bar.setRange(0, 1000)
            self.busy_bar.setValue(min(1000, done * 1000 // total))

    def is_busy(self) -> bool:
        return bool(self._tasks)

    def wait(self) -> None:
        """Wait for the pool, then hand its results (queued signals) to their slots."""
        self.pool.waitForDone()
        QCoreApplication.sendPostedEvents()


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
