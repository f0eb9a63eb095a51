"""Issue 15, item 6: Help that helps. F1 opens the getting-started page (offline, from
resources/help/), Ctrl+/ the keyboard shortcuts made from the window's own QActions (so a new
action's keys appear by themselves), and Help opens the log's folder and its backups folder."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from ddcase.ui.dialogs.help_dialog import GettingStartedDialog, ShortcutsDialog


def read_dialog(
    window, qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier, read: Callable[[QWidget], object]
) -> list:
    """Press the keys in the window; when the dialog is up, read it and close it with Escape."""
    seen: list = []
    tries: list[int] = []

    def attempt() -> None:
        dialog, focus = QApplication.activeModalWidget(), QApplication.focusWidget()
        if dialog is None or focus is None or not dialog.isAncestorOf(focus):
            tries.append(1)
            if dialog is not None and focus is None:
                dialog.activateWindow()
            if len(tries) < 300:
                QTimer.singleShot(20, attempt)
            elif dialog is not None:
                dialog.close()
            return
        seen.append(read(dialog))
        QTest.keyClick(focus, Qt.Key.Key_Escape)

    QTimer.singleShot(0, attempt)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # back from a dialog before
    QTest.keyClick(QApplication.focusWidget() or window, key, modifier)
    return seen


def test_f1_opens_the_getting_started_page(small_team, window, qtbot):
    [(kind, text)] = read_dialog(
        window, qtbot, Qt.Key.Key_F1, Qt.KeyboardModifier.NoModifier, lambda d: (type(d), d.text())
    )
    assert kind is GettingStartedDialog
    for heading in (
        "1. What counts: the definition",
        "2. Logging a contact",
        "3. The to-do list",
        "4. The dashboard",
        "5. The meeting pack",
    ):
        assert heading in text
    assert "is missing from this installation" not in text
    assert window.help.getting_started_action in window.help_menu.actions()


def test_the_shortcuts_are_read_from_the_actions_themselves(small_team, window, qtbot):
    ctrl = Qt.KeyboardModifier.ControlModifier
    [rows] = read_dialog(
        window, qtbot, Qt.Key.Key_Slash, ctrl, lambda d: d.rows() if isinstance(d, ShortcutsDialog) else d
    )
    for row in (
        ("File", "Print summary", "Ctrl+P"),
        ("File", "Open log", "Ctrl+O"),
        ("File", "Log contact", "Ctrl+N"),
        ("View", "Clients", "Ctrl+1"),
        ("View", "Definition", "Ctrl+5"),
        ("View", "Previous month", "Alt+Left"),
        ("Help", "Getting started", "F1"),
        ("Help", "Keyboard shortcuts", "Ctrl+/"),
    ):
        assert row in rows
    # Every action of the window with keys is listed, with those keys.
    listed = {(action, keys) for _menu, action, keys in rows}
    for action in window.actions():
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if keys:
            assert (action.text().replace("&", "").removesuffix("..."), keys) in listed
    # An action added later (another menu item) is listed by itself: nothing to keep up to date.
    extra = QAction("Team &roles...", window)
    extra.setShortcut(QKeySequence("Ctrl+Shift+R"))
    window.tools_menu.addAction(extra)
    [rows] = read_dialog(window, qtbot, Qt.Key.Key_Slash, ctrl, lambda d: d.rows())
    assert ("Tools", "Team roles", "Ctrl+Shift+R") in rows


def test_help_opens_the_logs_folder_and_its_backups(small_team, window, qtbot, tmp_path, opened):
    log = small_team.context.db.path
    assert log is not None and log.parent == tmp_path
    window.help.open_folder_action.trigger()
    assert opened == [str(tmp_path)]
    # No backup yet: the log's folder, and the status bar says why.
    window.help.open_backups_action.trigger()
    assert opened[-1] == str(tmp_path)
    assert window.statusBar().currentMessage().startswith("No backups yet")
    small_team.backup.backup()
    window.help.open_backups_action.trigger()
    assert opened[-1] == str(small_team.backup.folder) and small_team.backup.folder.is_dir()
