"""The packaged build's smoke test contract: with DDCASE_SMOKE_QUIT_AFTER_MS=N the app opens its
window as usual and quits with status 0 after N ms; a window that could not be shown exits
non-zero, and promptly (a message box waiting for a click must not hang the build)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ddcase.services.session import SessionLock

SRC = Path(__file__).resolve().parents[2] / "src"


def _environment(tmp_path: Path, quit_after_ms: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        DDCASE_SMOKE_QUIT_AFTER_MS=str(quit_after_ms),
        PYTHONPATH=str(SRC),
        XDG_CONFIG_HOME=str(tmp_path / "config"),  # no settings or logs in the tester's home
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    env.pop("DDCASE_DB", None)
    return env


def _run_app(tmp_path: Path, db: Path, quit_after_ms: int) -> tuple[int, float, str]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "ddcase", "--db", str(db)],
        env=_environment(tmp_path, quit_after_ms),
        capture_output=True,
        text=True,
        timeout=120,
        encoding="utf-8",
    )
    return done.returncode, time.monotonic() - started, done.stderr


def test_the_smoke_variable_opens_the_app_and_quits_cleanly(tmp_path):
    db = tmp_path / "new.sqlite3"
    code, seconds, stderr = _run_app(tmp_path, db, 500)
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert seconds < 60
    assert db.is_file()  # a new database, shown on the welcome page


def test_the_smoke_run_fails_promptly_when_the_window_cannot_be_shown(tmp_path):
    db = tmp_path / "busy.sqlite3"
    lock = SessionLock(db)
    lock.acquire()  # another ddcase has it: the app shows a message instead of its window
    try:
        code, seconds, stderr = _run_app(tmp_path, db, 300)
    finally:
        lock.release()
    assert code != 0
    assert "Traceback" not in stderr
    assert seconds < 60


def test_run_in_process_shows_the_welcome_page_then_quits_with_status_0(
    tmp_path, qapp, settings, monkeypatch
):
    from ddcase.cli import open_services
    from ddcase.ui.app import run
    from ddcase.ui.main_window import MainWindow

    monkeypatch.setenv("DDCASE_SMOKE_QUIT_AFTER_MS", "300")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run() installs the GUI's own
    seen: list[str] = []

    def look() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                seen.append("welcome" if widget.stack.currentWidget() is widget.welcome_page else "pages")
                return
        if time.monotonic() - started < 30:  # the opening window still: the log opens once it has painted
            QTimer.singleShot(20, look)

    started = time.monotonic()
    QTimer.singleShot(100, look)
    assert run(str(tmp_path / "new.sqlite3"), open_services, settings=settings) == 0
    assert seen == ["welcome"]
    assert time.monotonic() - started < 30
    lock = SessionLock(tmp_path / "new.sqlite3")
    lock.acquire()  # released on exit: this would raise AlreadyOpenError otherwise
    lock.release()


_WATCHER = """
import json, sys
from PySide6.QtWidgets import QApplication
from ddcase.ui import app

seen = {}
painted = app.OpeningWindow.paintEvent

def paint(self, event):
    if not seen:  # the opening window's first paint: what has been imported by then
        seen["loaded"] = sorted(
            m for m in sys.modules
            if m.split(".")[0] in ("sqlalchemy", "sqlmodel")
            or m.startswith(("ddcase.services", "ddcase.storage", "ddcase.ui.main_window"))
        )
        seen["text"] = self.opening_label.text()
    painted(self, event)

app.OpeningWindow.paintEvent = paint
opened = app._Start._open

def watch_open(self):
    opened(self)
    seen["main_window_shown"] = self.window is not None and self.window.isVisible()
    seen["opening_hidden"] = not self.opening.isVisible()
    seen["windows"] = [type(w).__name__ for w in QApplication.topLevelWidgets() if w.isVisible()]

app._Start._open = watch_open
from ddcase.cli import main
code = main(["--db", sys.argv[1]])
print(json.dumps({"code": code, **seen}))
"""


def test_the_opening_window_paints_before_the_database_side_is_imported(tmp_path):
    """Issue 18: a window shows at once (the frame saying "Opening the log..."), before
    SQLAlchemy, the services or the pages are imported; then the log opens and the main window
    takes its place."""
    db = tmp_path / "new.sqlite3"
    done = subprocess.run(
        [sys.executable, "-c", _WATCHER, str(db)],
        env=_environment(tmp_path, 300),
        capture_output=True,
        text=True,
        timeout=120,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["code"] == 0
    assert result["text"] == "Opening the log..."
    assert result["loaded"] == [], result["loaded"]
    assert result["main_window_shown"] and result["opening_hidden"]
    assert result["windows"] == ["MainWindow"]


def test_the_opening_window_shows_the_main_windows_menus_greyed_in_the_same_order(window, settings, qtbot):
    """The opening window is the main window's frame (issue 18): the same menu titles, in the
    same order, greyed until the log is open, so nothing jumps when the main window takes its
    place."""
    from ddcase.ui.app import OpeningWindow

    opening = OpeningWindow(settings)
    qtbot.addWidget(opening)
    shown = [action.text() for action in window.menuBar().actions()]
    assert shown == ["&File", "&View", "T&ools", "&Help"]
    assert [action.text() for action in opening.menuBar().actions()] == shown
    assert not any(action.isEnabled() for action in opening.menuBar().actions())


def test_the_opening_window_has_the_main_windows_size_and_least_size(
    services, settings, qtbot, message_boxes
):
    from ddcase.ui.app import OpeningWindow
    from ddcase.ui.main_window import MainWindow

    main = MainWindow(services, settings)
    qtbot.addWidget(main)
    opening = OpeningWindow(settings)
    qtbot.addWidget(opening)
    main.wait_for_background_work()
    assert opening.size() == main.size()
    assert opening.minimumSize() == main.minimumSize()
