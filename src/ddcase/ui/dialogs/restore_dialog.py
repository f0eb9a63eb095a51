"""File > Restore from backup: choose one of the database's backups (newest first), or any
backup file. Returns the file chosen; the window asks for confirmation and does the restore."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ddcase.services.backup import BackupFile
from ddcase.ui.models.backup_model import BackupTableModel
from ddcase.ui.widgets.tables import fit_columns, make_table, selected_value


class RestoreDialog(QDialog):
    def __init__(self, parent: QWidget | None, *, backups: list[BackupFile], folder: Path) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Restore from backup"))
        self._folder = folder
        self._chosen: Path | None = None
        heading = QLabel(
            self.tr(
                "Choose the backup to bring back. Anything entered after it was made will not be "
                "in the restored log. The current file is kept aside, not deleted."
            )
        )
        heading.setWordWrap(True)
        self.model = BackupTableModel(self)
        self.model.set_rows(backups)
        self.table_view, _ = make_table(
            self.model, self.tr("Backups, newest first"), stretch=BackupTableModel.Column.KIND, parent=self
        )
        fit_columns(self.table_view, {0: 22, 2: 10})
        self.table_view.sortByColumn(BackupTableModel.Column.MADE, Qt.SortOrder.DescendingOrder)
        table_label = QLabel(self.tr("&Backups in %1:").replace("%1", str(folder)))
        table_label.setBuddy(self.table_view)
        table_label.setWordWrap(True)
        self.empty_label = QLabel(self.tr("There are no backups in that folder yet."))
        self.empty_label.setVisible(not backups)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = self.buttons.addButton(
            self.tr("&Restore this backup..."), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.choose_file_button = QPushButton(self.tr("Choose a &file..."))
        self.choose_file_button.setToolTip(self.tr("Restore a backup file kept somewhere else"))
        self.buttons.addButton(self.choose_file_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.choose_file_button.clicked.connect(self._on_choose_file_button_clicked)
        self.table_view.selectionModel().selectionChanged.connect(self._on_table_view_selection_changed)
        self.table_view.doubleClicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(table_label)
        layout.addWidget(self.table_view, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.buttons)
        self.resize(640, 420)
        if backups:
            self.table_view.selectRow(0)
        self._on_table_view_selection_changed()
        self.table_view.setFocus()

    @Slot()
    def _on_table_view_selection_changed(self) -> None:
        self.restore_button.setEnabled(selected_value(self.table_view) is not None)

    @Slot()
    def _on_choose_file_button_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a backup file"),
            str(self._folder),
            self.tr("ddcase backups (*.sqlite3 *.db);;All files (*)"),
        )
        if path:
            self._chosen = Path(path)
            super().accept()

    def accept(self) -> None:
        if self._chosen is None and selected_value(self.table_view) is None:
            return
        super().accept()

    def draft(self) -> Path | None:
        if self._chosen is not None:
            return self._chosen
        backup = selected_value(self.table_view)
        return None if backup is None else backup.path

    @classmethod
    def ask(cls, parent: QWidget | None, *, backups: list[BackupFile], folder: Path) -> Path | None:
        dialog = cls(parent, backups=backups, folder=folder)
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
