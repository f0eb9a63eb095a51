"""One client: details, consent, the 12-month strip, episodes in both services and the contacts
log, with the buttons to change them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ddcase.domain import Client, DomainError, Month, NotFoundError
from ddcase.domain.validation import format_nhs_number
from ddcase.services.registry import Services
from ddcase.ui.casework_actions import CaseworkActions
from ddcase.ui.dialogs.history_dialog import HistoryDialog
from ddcase.ui.models.contact_model import ContactTableModel
from ddcase.ui.models.episode_model import EpisodeTableModel
from ddcase.ui.text import date_text
from ddcase.ui.widgets.status_strip import StatusStrip
from ddcase.ui.widgets.tables import fit_columns, make_table, selected_value


class ClientPanel(QWidget):
    log_contact_requested = Signal(str)

    def __init__(self, services: Services, actions: CaseworkActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._actions = actions
        self._client: Client | None = None
        self._month: Month | None = None

        self.title_label = QLabel(self.tr("Choose a client in the list"))
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title_label.setFont(font)
        self.edit_client_button = QPushButton(self.tr("Ed&it client..."))
        self.log_contact_button = QPushButton(self.tr("&Log contact..."))
        self.log_contact_button.setToolTip(self.tr("Log a contact for this client (Ctrl+N)"))
        self.history_button = QPushButton(self.tr("Histor&y..."))
        self.history_button.setToolTip(self.tr("Who created or changed this client's records, and when"))
        self.history_dialog: HistoryDialog | None = None
        title_buttons = QHBoxLayout()
        title_buttons.addWidget(self.log_contact_button)
        title_buttons.addWidget(self.edit_client_button)
        title_buttons.addWidget(self.history_button)
        title_buttons.addStretch(1)

        self.nhs_label = QLabel()
        self.born_label = QLabel()
        self.consent_label = QLabel()
        self.referral_label = QLabel()
        details = QFormLayout()
        details.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for caption, label in (
            (self.tr("NHS number:"), self.nhs_label),
            (self.tr("Date of birth:"), self.born_label),
            (self.tr("Consent to share:"), self.consent_label),
            (self.tr("Referral route:"), self.referral_label),
        ):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            details.addRow(caption, label)

        self.strip = StatusStrip()
        strip_box = QGroupBox(self.tr("Jointly worked, last 12 months"))
        QVBoxLayout(strip_box).addWidget(self.strip)

        self.episode_model = EpisodeTableModel(self)
        self.episode_view, _ = make_table(
            self.episode_model, self.tr("Episodes in both services"), parent=self
        )
        fit_columns(self.episode_view, {0: 16, 1: 24, 2: 16, 3: 16, 4: 11, 5: 11})
        self.add_episode_button = QPushButton(self.tr("Add e&pisode..."))
        self.edit_episode_button = QPushButton(self.tr("Edit episode..."))
        self.change_worker_button = QPushButton(self.tr("Chan&ge worker..."))
        episode_box = QWidget()
        episode_layout = QVBoxLayout(episode_box)
        episode_layout.addWidget(self.episode_view)
        episode_layout.addLayout(
            self._row(self.add_episode_button, self.edit_episode_button, self.change_worker_button)
        )

        self.contact_model = ContactTableModel(self)
        self.contact_view, _ = make_table(
            self.contact_model, self.tr("Contacts log"), stretch=ContactTableModel.Column.NOTE, parent=self
        )
        fit_columns(self.contact_view, {0: 12, 1: 18, 2: 10, 3: 14, 4: 14, 5: 14, 6: 5, 7: 7})
        self.contact_view.sortByColumn(ContactTableModel.Column.DATE, Qt.SortOrder.DescendingOrder)
        self.edit_contact_button = QPushButton(self.tr("Edit contact..."))
        self.delete_contact_button = QPushButton(self.tr("Delete cont&act..."))
        contact_box = QWidget()
        contact_layout = QVBoxLayout(contact_box)
        contact_layout.addWidget(self.contact_view)
        contact_layout.addLayout(self._row(self.edit_contact_button, self.delete_contact_button))

        self.record_tabs = QTabWidget()
        self.record_tabs.addTab(contact_box, self.tr("Contacts"))
        self.record_tabs.addTab(episode_box, self.tr("Episodes in both services"))
        left = QVBoxLayout()
        left.addWidget(self.title_label)
        left.addLayout(title_buttons)
        left.addLayout(details)
        left.addWidget(strip_box)
        left.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 1)
        layout.addWidget(self.record_tabs, 2)

        self.edit_client_button.clicked.connect(self._on_edit_client_button_clicked)
        self.log_contact_button.clicked.connect(self._on_log_contact_button_clicked)
        self.history_button.clicked.connect(self._on_history_button_clicked)
        self.add_episode_button.clicked.connect(self._on_add_episode_button_clicked)
        self.edit_episode_button.clicked.connect(self._on_edit_episode_button_clicked)
        self.change_worker_button.clicked.connect(self._on_change_worker_button_clicked)
        self.edit_contact_button.clicked.connect(self._on_edit_contact_button_clicked)
        self.delete_contact_button.clicked.connect(self._on_delete_contact_button_clicked)
        self.episode_view.doubleClicked.connect(self._on_edit_episode_button_clicked)
        self.contact_view.doubleClicked.connect(self._on_edit_contact_button_clicked)
        self._enable()

    @staticmethod
    def _row(*buttons: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        return row

    def _enable(self) -> None:
        has_client = self._client is not None
        for button in (
            self.edit_client_button,
            self.log_contact_button,
            self.history_button,
            self.add_episode_button,
            self.edit_episode_button,
            self.change_worker_button,
            self.edit_contact_button,
            self.delete_contact_button,
        ):
            button.setEnabled(has_client)

    def client_ref(self) -> str | None:
        return self._client.client_ref if self._client else None

    def show_client(self, client_ref: str | None, month: Month) -> None:
        """Load a client (None clears the panel) as seen from `month`."""
        self._month = month
        if client_ref is None:
            self._clear()
            return
        try:
            history = self._services.casework.history(client_ref)
            strip = self._services.figures.client_months(history, month.plus(-11), month)
        except NotFoundError:
            self._clear()
            return
        except DomainError as error:
            self._clear()
            self.title_label.setText(str(error))
            return
        client = history.client
        self._client = client
        self.title_label.setText(f"{client.client_ref}  ·  {client.initials}")
        self.nhs_label.setText(
            format_nhs_number(client.nhs_number) if client.nhs_number else self.tr("not recorded")
        )
        self.born_label.setText(date_text(client.date_of_birth) or self.tr("not recorded"))
        if client.consent_to_share_on:
            self.consent_label.setText(
                self.tr("recorded on %1").replace("%1", date_text(client.consent_to_share_on))
            )
            self.consent_label.setStyleSheet("")
        else:
            self.consent_label.setText(self.tr("not recorded"))
            self.consent_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.referral_label.setText(
            client.referral_route.label if client.referral_route else self.tr("not recorded")
        )
        self.strip.set_months(strip)
        self.episode_model.set_rows(history.episodes)
        self.contact_model.set_rows(history.contacts)
        self.record_tabs.setTabText(0, self.tr("Contacts (%1)").replace("%1", str(len(history.contacts))))
        self.record_tabs.setTabText(
            1, self.tr("Episodes in both services (%1)").replace("%1", str(len(history.episodes)))
        )
        self._enable()

    def _clear(self) -> None:
        self._client = None
        self.title_label.setText(self.tr("Choose a client in the list"))
        for label in (self.nhs_label, self.born_label, self.consent_label, self.referral_label):
            label.setText("")
        self.strip.set_months([])
        self.episode_model.set_rows([])
        self.contact_model.set_rows([])
        self._enable()

    def _need(self, value: object, what: str) -> bool:
        if value is None:
            self.window().statusBar().showMessage(
                self.tr("Choose %1 in the list first.").replace("%1", what), 4000
            )  # type: ignore[attr-defined]  # window() is typed QWidget; it is the QMainWindow
            return False
        return True

    @Slot()
    def _on_edit_client_button_clicked(self) -> None:
        if self._client is not None:
            self._actions.edit_client(self, self._client)

    @Slot()
    def _on_history_button_clicked(self) -> None:
        if self._client is None:
            return
        client_ref = self._client.client_ref
        try:
            entries = self._services.audit_trail.history(client_ref)
        except DomainError as error:
            QMessageBox.warning(self, self.tr("History not available"), str(error))
            return
        if self.history_dialog is not None:
            self.history_dialog.close()
        # open(), not exec(): window-modal without a nested event loop; deleted when closed
        self.history_dialog = HistoryDialog(self, client_ref=client_ref, entries=entries)
        self.history_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.history_dialog.finished.connect(self._on_history_dialog_finished)
        self.history_dialog.open()

    @Slot()
    def _on_history_dialog_finished(self) -> None:
        self.history_dialog = None

    @Slot()
    def _on_log_contact_button_clicked(self) -> None:
        if self._client is not None:
            self.log_contact_requested.emit(self._client.client_ref)

    @Slot()
    def _on_add_episode_button_clicked(self) -> None:
        if self._client is not None:
            self._actions.save_episode(self, self._client.client_ref)

    @Slot()
    def _on_edit_episode_button_clicked(self) -> None:
        episode = selected_value(self.episode_view)
        if self._client is not None and self._need(episode, self.tr("an episode")):
            self._actions.save_episode(self, self._client.client_ref, episode)

    @Slot()
    def _on_change_worker_button_clicked(self) -> None:
        episode = selected_value(self.episode_view)
        if self._need(episode, self.tr("an episode")):
            self._actions.change_worker(self, episode)

    @Slot()
    def _on_edit_contact_button_clicked(self) -> None:
        contact = selected_value(self.contact_view)
        if self._need(contact, self.tr("a contact")):
            self._actions.edit_contact(self, contact)

    @Slot()
    def _on_delete_contact_button_clicked(self) -> None:
        contact = selected_value(self.contact_view)
        if self._need(contact, self.tr("a contact")):
            self._actions.delete_contact(self, contact)
