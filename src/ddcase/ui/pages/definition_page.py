"""The operational definition in force, in plain words, and its history (SPEC §2)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from ddcase.domain import Definition, DomainError, Month
from ddcase.services.registry import Services
from ddcase.ui.dialogs.definition_dialog import DefinitionDialog
from ddcase.ui.models.definition_model import DefinitionTableModel
from ddcase.ui.pages.page import Page
from ddcase.ui.widgets.tables import fit_columns, make_table


class DefinitionPage(Page):
    definition_agreed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.heading_label = QLabel()
        font = self.heading_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.heading_label.setFont(font)
        self.words_label = QLabel()
        self.words_label.setWordWrap(True)
        self.words_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        words_font = self.words_label.font()
        words_font.setPointSizeF(words_font.pointSizeF() * 1.15)
        self.words_label.setFont(words_font)
        self.counting_label = QLabel(
            self.tr(
                "Only counting contacts count: attended, and not by email or letter unless the definition "
                "says so. A missed joint appointment stays in the log as a prompt to follow up."
            )
        )
        self.counting_label.setWordWrap(True)
        self.counting_label.setStyleSheet("color: #555;")
        self.agree_button = QPushButton(self.tr("&Agree a new definition from month..."))
        self.withdraw_button = QPushButton()
        self.withdraw_button.setToolTip(self.tr("A version not yet in force can be withdrawn"))
        self.withdraw_button.hide()
        top = QGroupBox(self.tr("The definition in force"))
        top_layout = QVBoxLayout(top)
        top_layout.addWidget(self.heading_label)
        top_layout.addWidget(self.words_label)
        top_layout.addWidget(self.counting_label)
        row = QHBoxLayout()
        row.addWidget(self.agree_button)
        row.addWidget(self.withdraw_button)
        row.addStretch(1)
        top_layout.addLayout(row)
        self.model = DefinitionTableModel(self)
        self.history_view, _ = make_table(
            self.model,
            self.tr("Definition history"),
            stretch=DefinitionTableModel.Column.DEFINITION,
            parent=self,
        )
        self.history_view.setWordWrap(True)
        fit_columns(self.history_view, {0: 7, 1: 16, 3: 12, 4: 24})
        self.history_view.sortByColumn(DefinitionTableModel.Column.VERSION, Qt.SortOrder.DescendingOrder)
        history = QGroupBox(self.tr("History: each month is judged by the version in force then"))
        QVBoxLayout(history).addWidget(self.history_view)
        layout = QVBoxLayout(self)
        layout.addWidget(top)
        layout.addWidget(history, 1)
        self.agree_button.clicked.connect(self._on_agree_button_clicked)
        self.withdraw_button.clicked.connect(self._on_withdraw_button_clicked)

    def title(self) -> str:
        return self.tr("Defi&nition")

    def refresh(self, month: Month) -> None:
        self._month = month
        versions = self._services.definitions.versions()
        current = self._services.definitions.in_force(month)
        self.heading_label.setText(
            self.tr("Version %1, judging %2").replace("%1", str(current.version)).replace("%2", month.label())
        )
        self.words_label.setText(current.plain_words())
        self.model.set_rows(versions)
        self.history_view.resizeRowsToContents()
        self._fit_labels()
        pending = self._pending()
        self.withdraw_button.setVisible(pending is not None)
        if pending is not None and pending.first_month is not None:
            self.withdraw_button.setText(
                self.tr("W&ithdraw version %1 (from %2)...")
                .replace("%1", str(pending.version))
                .replace("%2", pending.first_month.label())
            )

    def _fit_labels(self) -> None:
        """Wrapped labels get the height their text needs at their width: a layout above a
        stretching table otherwise squeezes them to a line, clipping the definition's words."""
        for label in (self.words_label, self.counting_label):
            # -1 before the label has text (a page built but not yet shown): nothing to fit.
            label.setMinimumHeight(max(0, label.heightForWidth(max(label.width(), 300))))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self._fit_labels)  # once the labels have their new width

    def _pending(self) -> Definition | None:
        """The latest version when it is not yet in force (its first month is still to come)."""
        definitions = self._services.definitions
        latest = definitions.latest()
        if latest.first_month is None or latest.first_month <= definitions.this_month():
            return None
        return latest

    @Slot()
    def _on_agree_button_clicked(self) -> None:
        """The form starts from the latest version, in force from next month: a month that has
        begun is there to choose, and the dialog then shows what it changes and asks."""
        definitions = self._services.definitions
        this_month = definitions.this_month()
        latest = definitions.latest()
        first = this_month.plus(-24)
        if latest.first_month is not None:
            first = max(first, latest.first_month.next())
        draft = DefinitionDialog.ask(
            self,
            current=latest,
            first=first,
            last=max(first, this_month.plus(12)),
            month=max(first, this_month.next()),
            this_month=this_month,
            rejudged=lambda d: definitions.rejudged(d.definition, d.first_month),
        )
        if draft is None:
            return
        try:
            definitions.agree(draft.definition, draft.first_month)
        except DomainError as error:
            QMessageBox.warning(self, self.tr("Definition not agreed"), str(error))
            return
        self.refresh(self._month or this_month)
        self.definition_agreed.emit()
        self.window().statusBar().showMessage(  # type: ignore[attr-defined]  # window() is typed QWidget; it is the QMainWindow
            self.tr("Definition agreed from %1.").replace("%1", draft.first_month.label()), 6000
        )

    @Slot()
    def _on_withdraw_button_clicked(self) -> None:
        pending = self._pending()
        if pending is None or pending.first_month is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Withdraw a definition"),
            self.tr(
                "Withdraw version %1, agreed to start in %2? It has judged no month yet. The audit "
                "trail keeps what it said."
            )
            .replace("%1", str(pending.version))
            .replace("%2", pending.first_month.label()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self._services.definitions.withdraw(pending)
        except DomainError as error:
            QMessageBox.warning(self, self.tr("Definition not withdrawn"), str(error))
            return
        self.refresh(self._month or self._services.definitions.this_month())
        self.definition_agreed.emit()
        self.window().statusBar().showMessage(  # type: ignore[attr-defined]  # as above
            self.tr("Version %1 withdrawn.").replace("%1", str(pending.version)), 6000
        )
