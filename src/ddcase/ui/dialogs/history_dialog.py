"""A client's history from the audit trail, read-only: who created, changed or deleted what, and
when, with each changed field's old and new value."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from ddcase.domain import AuditEntry
from ddcase.ui.models.audit_model import AuditEntryTableModel, change_lines, what_text, who_text
from ddcase.ui.text import date_time_text
from ddcase.ui.widgets.tables import fit_columns, make_table, selected_value


class HistoryDialog(QDialog):
    def __init__(self, parent: QWidget | None, *, client_ref: str, entries: list[AuditEntry]) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("History of %1").replace("%1", client_ref))
        heading = QLabel(
            self.tr(
                "Everything the audit trail holds about %1, newest first. The trail cannot be "
                "changed: this is a record, not an editor."
            ).replace("%1", client_ref)
        )
        heading.setWordWrap(True)
        self.model = AuditEntryTableModel(self)
        self.model.set_rows(entries)
        self.table_view, _ = make_table(
            self.model,
            self.tr("Audit entries for %1").replace("%1", client_ref),
            stretch=AuditEntryTableModel.Column.CHANGES,
            parent=self,
        )
        fit_columns(self.table_view, {0: 22, 1: 22, 2: 20})
        self.table_view.sortByColumn(AuditEntryTableModel.Column.WHEN, Qt.SortOrder.DescendingOrder)
        self.detail_edit = QPlainTextEdit()
        self.detail_edit.setReadOnly(True)
        self.detail_edit.setAccessibleName(self.tr("The chosen entry in full"))
        self.detail_edit.setMaximumHeight(self.fontMetrics().height() * 9)
        detail_label = QLabel(self.tr("&The chosen entry:"))
        detail_label.setBuddy(self.detail_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table_view, 1)
        layout.addWidget(detail_label)
        layout.addWidget(self.detail_edit)
        layout.addWidget(self.buttons)
        self.resize(960, 480)
        self.table_view.selectionModel().selectionChanged.connect(self._on_table_view_selection_changed)
        if entries:
            self.table_view.selectRow(0)  # the newest: usually what was asked about
        else:
            self.detail_edit.setPlainText(
                self.tr("The audit trail holds nothing about %1.").replace("%1", client_ref)
            )
        self.table_view.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _on_table_view_selection_changed(self) -> None:
        entry = selected_value(self.table_view)
        if entry is None:
            self.detail_edit.clear()
            return
        lines = [
            f"{date_time_text(entry.at)} · {who_text(entry)} · {what_text(entry)}",
            *(change_lines(entry) or [self.tr("(no field changed)")]),
        ]
        self.detail_edit.setPlainText("\n".join(lines))
