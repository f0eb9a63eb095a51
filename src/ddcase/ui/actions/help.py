"""Help > Getting started (F1), Keyboard shortcuts, Open the log's folder, Open the backups
folder (issue 15, item 6). About ddcase stays in ViewActions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from ddcase.ui.actions import make_action
from ddcase.ui.dialogs.help_dialog import GettingStartedDialog, ShortcutsDialog, shortcut_rows
from ddcase.ui.files import open_in_desktop

if TYPE_CHECKING:
    from ddcase.ui.main_window import MainWindow

SERVER_TIP = "A team database on a server has no folder here: its backups are the server's."


class HelpActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        key = QKeySequence.StandardKey
        help_keys = QKeySequence(key.HelpContents)
        self.getting_started_action = make_action(
            window, self.tr("&Getting started"), self.show_getting_started,
            help_keys if not help_keys.isEmpty() else "F1",
            self.tr("The definition, logging a contact, the to-do, the dashboard, the meeting pack"),
        )  # fmt: skip
        self.shortcuts_action = make_action(
            window, self.tr("&Keyboard shortcuts"), self.show_shortcuts, "Ctrl+/",
            self.tr("Every keyboard shortcut, read from the menus themselves"),
        )  # fmt: skip
        self.open_folder_action = make_action(
            window, self.tr("Open the log's &folder"), self._on_open_folder_triggered, None,
            self.tr("Show the folder the log file is in"),
        )  # fmt: skip
        self.open_backups_action = make_action(
            window, self.tr("Open the &backups folder"), self._on_open_backups_triggered, None,
            self.tr("Show the log's checked backups"),
        )  # fmt: skip

    def show_state(self) -> None:
        """Called when the log changes: a team database on a server has no folder to show."""
        on_server = self._log_path() is None
        for action in (self.open_folder_action, self.open_backups_action):
            action.setEnabled(not on_server)
            tip = self.tr(SERVER_TIP) if on_server else action.statusTip()
            action.setToolTip(tip)

    def _log_path(self) -> Path | None:
        return self._window.services().context.db.path

    @Slot()
    def show_getting_started(self) -> None:
        dialog = GettingStartedDialog(self._window)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()

    @Slot()
    def show_shortcuts(self) -> None:
        window = self._window
        dialog = ShortcutsDialog(window, shortcut_rows(window.menuBar(), window.actions()))
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()

    @Slot()
    def _on_open_folder_triggered(self) -> None:
        path = self._log_path()
        if path is None:
            QMessageBox.information(self._window, self.tr("ddcase"), self.tr(SERVER_TIP))
            return
        open_in_desktop(path.parent)

    @Slot()
    def _on_open_backups_triggered(self) -> None:
        path = self._log_path()
        if path is None:
            QMessageBox.information(self._window, self.tr("ddcase"), self.tr(SERVER_TIP))
            return
        folder = self._window.services().backup.folder
        if not folder.is_dir():
            self._window.statusBar().showMessage(
                self.tr("No backups yet: the first is made today. Showing the log's folder."), 10000
            )
            folder = path.parent
        open_in_desktop(folder)
