"""Issue 15, item 3: logs as files. The window is opened as `ddcase` opens it (app.open_session
over cli.open_services, the instance lock and the opening checks), then driven by clicks and
typing: "Try the demo" opens the demo's own file beside the log (never filling the log), the DEMO
banner shows, "Leave the demo" goes back in one click; File > New log..., Open log... and Open
recent open other files through the same checks, and a file that cannot be used leaves the log
open as it was."""

from __future__ import annotations

import functools
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from tests.ui.keys import Keyboard

from ddcase.cli import open_services
from ddcase.paths import DEMO_DB_NAME
from ddcase.ui.app import open_session
from ddcase.ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")


def wait_idle(window, qtbot) -> None:
    qtbot.waitUntil(lambda: not window.is_busy(), timeout=120_000)


def clients_in(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("select count(*) from client").fetchone()[0]


@pytest.fixture
def real_log(tmp_path) -> Path:
    return tmp_path / "logs" / "ddcase.sqlite3"


@pytest.fixture
def app_window(real_log, settings, qtbot, message_boxes):
    """The app as `ddcase --db LOG` opens it, on a log that does not exist yet (a first run)."""
    real_log.parent.mkdir()
    session = open_session(str(real_log), functools.partial(open_services, daily_backup=False))
    assert session is not None
    window = MainWindow(session.services, settings, session=session)
    qtbot.addWidget(window)
    window.show()
    window.wait_for_background_work()
    yield window
    window.wait_for_background_work()
    window.close()
    session.close()


def type_in_file_dialog(path: Path) -> None:
    """When Qt's own file dialog is up: type the path over the name offered, Enter."""
    tries: list[int] = []

    def attempt() -> None:
        dialog, focus = QApplication.activeModalWidget(), QApplication.focusWidget()
        if not isinstance(dialog, QFileDialog) or focus is None or not dialog.isAncestorOf(focus):
            tries.append(1)
            if isinstance(dialog, QFileDialog) and focus is None:
                dialog.activateWindow()
            if len(tries) < 300:
                QTimer.singleShot(20, attempt)
            elif dialog is not None:
                dialog.close()
            return
        QTest.keyClick(focus, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(focus, str(path))
        QTest.keyClick(focus, Qt.Key.Key_Return)

    QTimer.singleShot(0, attempt)


def click(widget: QWidget) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_try_the_demo_opens_its_own_file_and_leave_the_demo_comes_back(app_window, real_log, qtbot):
    window = app_window
    assert window.stack.currentWidget() is window.welcome_page
    assert not window.demo_banner.isVisibleTo(window)
    click(window.welcome_page.demo_button)
    assert window.busy_bar.isVisibleTo(window)  # the demo team is built in the background
    wait_idle(window, qtbot)
    demo = real_log.with_name(DEMO_DB_NAME)
    assert window.logs.current_path() == demo
    assert window.stack.currentWidget() is window.tabs and window.caseload_page.proxy.rowCount() > 50
    assert window.demo_banner.isVisibleTo(window) and window.demo_banner.leave_button.isVisibleTo(window)
    assert "DEMO" in window.demo_banner.label.text() and "demo" in window.windowTitle()
    assert clients_in(real_log) == 0  # the user's log was never filled
    # One click back to the user's log: the welcome page, no banner.
    click(window.demo_banner.leave_button)
    wait_idle(window, qtbot)
    assert window.logs.current_path() == real_log
    assert window.stack.currentWidget() is window.welcome_page
    assert not window.demo_banner.isVisibleTo(window)
    assert not window.logs.leave_demo_action.isVisible()
    assert clients_in(real_log) == 0 and clients_in(demo) > 50
    # The demo again: the same file, already filled (not filled twice).
    before = clients_in(demo)
    click(window.welcome_page.demo_button)
    wait_idle(window, qtbot)
    assert window.logs.current_path() == demo and clients_in(demo) == before


def test_new_log_open_log_and_open_recent(app_window, real_log, tmp_path, qtbot, settings):
    window = app_window
    other = tmp_path / "elsewhere" / "north team.sqlite3"
    other.parent.mkdir()
    type_in_file_dialog(other)
    window.logs.new_log_action.trigger()
    wait_idle(window, qtbot)
    assert other.exists() and window.logs.current_path() == other
    assert window.stack.currentWidget() is window.welcome_page  # a new log starts on the welcome page
    # Start the team there by typing, as a person does.
    page = window.welcome_page
    QTest.keyClicks(page.team_name_edit, "North CMHT")
    QTest.keyClicks(page.owner_name_edit, "Ann Smith")
    click(page.start_button)
    assert window.stack.currentWidget() is window.tabs and "North CMHT" in window.windowTitle()
    # Recent logs lists the first log; choosing it opens it again.
    window.logs.recent_menu.aboutToShow.emit()
    entries = [a.text() for a in window.logs.recent_menu.actions()]
    assert entries == [f"&1 {real_log}"]
    window.logs.recent_menu.actions()[0].trigger()
    wait_idle(window, qtbot)
    assert window.logs.current_path() == real_log and window.stack.currentWidget() is window.welcome_page
    # Open log... by typing the file's path: the team log again, as it was left.
    type_in_file_dialog(other)
    window.logs.open_log_action.trigger()
    wait_idle(window, qtbot)
    assert window.logs.current_path() == other and "North CMHT" in window.windowTitle()
    settings.sync()
    assert [Path(p) for p in window.logs.recent()] == [other, real_log]


def test_a_new_log_never_writes_over_a_file(app_window, tmp_path, qtbot, message_boxes):
    window = app_window
    taken = tmp_path / "taken.sqlite3"
    taken.write_bytes(b"something of the user's")
    type_in_file_dialog(taken)
    window.logs.new_log_action.trigger()
    wait_idle(window, qtbot)
    [(title, text)] = message_boxes.of("warning")
    assert title == "New log not started" and "never writes over a log" in text
    assert taken.read_bytes() == b"something of the user's"
    assert window.logs.current_path() != taken


def test_a_file_that_cannot_be_opened_leaves_the_log_open(
    app_window, real_log, tmp_path, qtbot, choice_boxes
):
    window = app_window
    broken = tmp_path / "not a log.sqlite3"
    broken.write_bytes(b"this is not a database" * 100)
    choice_boxes.answers = ["&Keep the log that is open"]
    type_in_file_dialog(broken)
    window.logs.open_log_action.trigger()
    wait_idle(window, qtbot)
    [(title, _text, buttons)] = choice_boxes.shown
    assert title == "ddcase cannot open the database"
    assert "&Keep the log that is open" in buttons and "&Quit" not in buttons
    assert window.logs.current_path() == real_log and window.isVisible()
    assert broken.read_bytes() == b"this is not a database" * 100
    # The log open is still usable: the welcome page starts it.
    assert window.services().team.is_new()


def start_team(window, qtbot, team: str, me: str) -> None:
    """The welcome page, typed into: the team's name, your name (a care coordinator), Enter."""
    page = window.welcome_page
    assert window.stack.currentWidget() is page
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # back from the file dialog
    keys = Keyboard()
    page.team_name_edit.setFocus()
    keys.type(team)
    keys.press(Qt.Key.Key_Tab)
    keys.type(me)
    page.team_name_edit.setFocus()
    keys.press(Qt.Key.Key_Return)  # Enter in the team's name starts the log
    assert window.stack.currentWidget() is window.tabs


def test_who_you_are_follows_the_log_that_is_open(app_window, real_log, tmp_path, qtbot):
    """Who "I" am is remembered by the log's full path (services/who_am_i.py): opening another
    log says who you are in that one, and To do opens on that log's list of yours."""
    window = app_window
    start_team(window, qtbot, "North CMHT", "Carla Turner")
    assert window.team.me_label.text() == "You: Carla Turner, care coordinator, North CMHT"
    # File > New log...: a log of its own, nobody said who they are there yet.
    other = tmp_path / "south.sqlite3"
    type_in_file_dialog(other)
    window.logs.new_log_action.trigger()
    wait_idle(window, qtbot)
    assert window.logs.current_path() == other and window.team.me_label.text() == ""
    start_team(window, qtbot, "South CMHT", "Dev Patel")
    assert window.team.me_label.text() == "You: Dev Patel, care coordinator, South CMHT"
    # Back to the first log (Recent logs), then the second again (Open log..., typed).
    for path, me in ((real_log, "Carla Turner"), (other, "Dev Patel")):
        if path == real_log:
            window.logs.recent_menu.aboutToShow.emit()
            [entry] = window.logs.recent_menu.actions()
            entry.trigger()
        else:
            type_in_file_dialog(path)
            window.logs.open_log_action.trigger()
        wait_idle(window, qtbot)
        assert window.logs.current_path() == path
        assert window.team.me_label.text().startswith(f"You: {me}, care coordinator")
        assert window.who_am_i() is not None and window.who_am_i().name == me
        window.tabs.setCurrentWidget(window.todo_page)
        assert window.todo_page.coordinator_combo.currentData() == me


def test_a_log_opened_with_open_log_signs_its_trail_and_checks_clean(app_window, tmp_path, qtbot, capsys):
    """Every log opened through app.open_session has its trail keeper (services/trail.py): its
    new audit entries are signed with the key kept outside the file ("hmac:<key id>"), and
    `ddcase check` finds nothing wrong with the trail."""
    from tests.safety.helpers import add_clients, make_db

    from ddcase.cli import main

    other = make_db(tmp_path / "other" / "team.sqlite3", ["A1"], with_history=True)
    with sqlite3.connect(other) as db:
        before = db.execute("select max(seq) from audit_event").fetchone()[0]
    window = app_window
    type_in_file_dialog(other)
    window.logs.open_log_action.trigger()
    wait_idle(window, qtbot)
    assert window.logs.current_path() == other
    add_clients(window.services(), ["B1", "B2"], with_history=True)  # through the window's services
    with sqlite3.connect(other) as db:
        new = db.execute(
            "select chain, signature from audit_event where seq > ? order by seq", (before,)
        ).fetchall()
    assert len(new) >= 6
    assert all(chain is not None and chain.startswith("hmac:") and signature for chain, signature in new)
    capsys.readouterr()
    assert main(["--db", str(other), "check"]) == 0, capsys.readouterr()
