"""Logs as files, like any desktop program (issue 15): File > New log..., Open log..., Open
recent, and the demo in a file of its own (`ddcase-demo.sqlite3` beside the user's log, never
inside it): "Try the demo" on the welcome page opens it (filling it the first time), a DEMO
banner shows while it is open, and "Leave the demo" goes back to the log it came from in one
click. Every log is opened by app.open_session, the one way in (the instance lock, the opening
checks, the way forward when a file cannot be used); the window then rebuilds its pages."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from ddcase.paths import DEFAULT_DB_NAME, data_dir, demo_db, is_demo_file, resolve_db
from ddcase.services.session import DatabaseSession
from ddcase.ui.actions import make_action
from ddcase.ui.files import choose_file
from ddcase.ui.tasks import BackgroundWork

if TYPE_CHECKING:
    from ddcase.ui.main_window import MainWindow

RECENT_SETTING = "logs/recent"
RECENT_COUNT = 8
LOG_FILTER = "ddcase logs (*.sqlite3 *.db);;All files (*)"


class LogActions(QObject):
    def __init__(self, window: MainWindow, work: BackgroundWork, session: DatabaseSession | None) -> None:
        super().__init__(window)
        self._window = window
        self._work = work
        self._session = session
        self._came_from: Path | None = None  # the log "Leave the demo" goes back to
        key = QKeySequence.StandardKey
        self.new_log_action = make_action(
            window, self.tr("New lo&g..."), self._on_new_log_triggered, None,
            self.tr("Start a log in a new file (another team, or a fresh start)"),
        )  # fmt: skip
        self.open_log_action = make_action(
            window, self.tr("&Open log..."), self._on_open_log_triggered, QKeySequence(key.Open),
            self.tr("Open a log file"),
        )  # fmt: skip
        self.recent_menu = QMenu(self.tr("Recen&t logs"), window)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.leave_demo_action = make_action(
            window, self.tr("Leave the &demo"), self.leave_demo, None,
            self.tr("Close the demo team and go back to your own log"),
        )  # fmt: skip
        for action in (self.new_log_action, self.open_log_action, self.leave_demo_action):
            action.setEnabled(session is not None)
        self.remember(self.current_path())

    # ------------------------------------------------------------------ state

    def current_path(self) -> Path | None:
        return self._session.path() if self._session is not None else None

    def in_demo(self) -> bool:
        return is_demo_file(self.current_path())

    def set_busy(self, busy: bool) -> None:
        for action in (self.new_log_action, self.open_log_action, self.leave_demo_action):
            action.setEnabled(not busy and self._session is not None)
        self.recent_menu.setEnabled(not busy and self._session is not None)

    def recent(self) -> list[Path]:
        value = self._window.settings().value(RECENT_SETTING, [])
        if isinstance(value, str):  # an INI file gives a one-item list back as its item
            value = [value]
        return [Path(v) for v in (value or []) if isinstance(v, str) and v]

    def remember(self, path: Path | None) -> None:
        """The log at the top of Recent logs (the demo is never listed: it has its own way in)."""
        if path is None or is_demo_file(path):
            return
        paths = [path, *[p for p in self.recent() if p != path]][:RECENT_COUNT]
        self._window.settings().setValue(RECENT_SETTING, [str(p) for p in paths])

    @Slot()
    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        current = self.current_path()
        shown = [p for p in self.recent() if p != current]
        if not shown:
            empty = self.recent_menu.addAction(self.tr("No other logs yet"))
            empty.setEnabled(False)
            return
        for number, path in enumerate(shown, start=1):
            text = (
                f"&{number} {str(path).replace('&', '&&')}" if number < 10 else str(path).replace("&", "&&")
            )
            action = QAction(text, self.recent_menu)
            action.triggered.connect(lambda _checked=False, p=path: self.open_log(p))
            self.recent_menu.addAction(action)

    # ------------------------------------------------------------------ opening

    def open_log(self, path: Path, *, fill_demo: bool = False) -> bool:
        """Open the log in `path` in this window (created empty when there is none): the one way
        in, app.open_session. False when it was not opened (the log open stays open)."""
        from ddcase.ui.app import open_session  # app starts the window: imported when used

        window, session = self._window, self._session
        if session is None:
            return False
        if window.is_busy():
            QMessageBox.information(
                window, self.tr("ddcase"), self.tr("Wait for the work in progress to finish.")
            )
            return False
        current = self.current_path()
        if current is not None and path.resolve() == current.resolve():
            return True
        opened = open_session(str(path), session.opener, staying=True)
        if opened is None:
            return False
        window.wait_for_background_work()  # a page still reading the old log finishes first
        session.adopt(opened)
        if not self.in_demo():
            self._came_from = None
        self.remember(path)
        window.replace_services(session.services)
        window.statusBar().showMessage(self.tr("Opened %1").replace("%1", str(path)), 8000)
        return True

    @Slot()
    def _on_open_log_triggered(self) -> None:
        current = self.current_path()
        chosen = choose_file(
            self._window,
            self.tr("Open a log"),
            current.parent if current is not None else data_dir(),
            self.tr(LOG_FILTER),
            save=False,
        )
        if chosen is not None:
            self.open_log(chosen)

    @Slot()
    def _on_new_log_triggered(self) -> None:
        current = self.current_path()
        folder = current.parent if current is not None else data_dir()
        dialog_start = folder / self.tr("team log.sqlite3")
        chosen = choose_file(
            self._window,
            self.tr("Start a new log"),
            dialog_start,
            self.tr(LOG_FILTER),
            save=True,
            replace=False,
        )
        if chosen is None:
            return
        if chosen.suffix.lower() not in (".sqlite3", ".db"):
            chosen = chosen.with_name(chosen.name + ".sqlite3")
        if chosen.exists():
            QMessageBox.warning(
                self._window,
                self.tr("New log not started"),
                self.tr("%1 already exists, and ddcase never writes over a log. Open it with Open log..., "
                        "or give the new log another name.").replace("%1", str(chosen)),
            )  # fmt: skip
            return
        if self.open_log(chosen):
            self._window.statusBar().showMessage(
                self.tr("New log %1: start it on the welcome page.").replace("%1", str(chosen)), 10000
            )

    # ------------------------------------------------------------------ the demo

    @Slot()
    def try_demo(self) -> None:
        """The welcome page's "Try the demo": the demo's own file beside this log (filled with the
        demo team the first time), never this log."""
        current = self.current_path()
        if self._session is None:  # a window built without the app's session (a script)
            QMessageBox.information(
                self._window,
                self.tr("ddcase"),
                self.tr("The demo opens in a file of its own when ddcase is started."),
            )
            return
        if not self.in_demo():
            target = demo_db(current)
            came_from = current
            if not self.open_log(target):
                return
            self._came_from = came_from
        services = self._window.services()
        if services.team.is_new():
            self._work.run(
                self.tr("Building the demo team..."), lambda: services.demo.fill(seed=1), self._on_demo_filled
            )
        else:
            self._on_demo_filled(None)

    def _on_demo_filled(self, _summary: Any) -> None:
        window = self._window
        window.start()
        window.tabs.setCurrentWidget(window.caseload_page)
        window.statusBar().showMessage(self.tr("The demo team is ready: nobody in it is real."), 8000)

    @Slot()
    def leave_demo(self) -> None:
        """Back to the log the demo was opened from; else the newest recent log that is still
        there; else the default log (created empty: the welcome page starts it)."""
        if not self.in_demo():
            return
        current = self.current_path()
        candidates = [self._came_from] if self._came_from is not None else []
        candidates += [p for p in self.recent() if p.exists()]
        target = next((p for p in candidates if not is_demo_file(p)), None)
        if target is None:
            target = Path(resolve_db(None))
            if current is not None and (is_demo_file(target) or not target.exists()):
                target = current.with_name(DEFAULT_DB_NAME)  # the user's log, beside the demo
        self.open_log(target)
