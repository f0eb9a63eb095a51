"""To do this month: a care coordinator's mutual clients not yet jointly worked, with what is
missing and by when, and the missed joint appointments that need a follow-up."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal, Slot
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ddcase.domain import Month, Service
from ddcase.services.registry import Services
from ddcase.ui.models.base import VALUE_ROLE
from ddcase.ui.models.todo_model import MissedAppointmentTableModel, ToDoTableModel
from ddcase.ui.pages.page import Page
from ddcase.ui.text import date_text
from ddcase.ui.widgets.flagged_discharges import FlaggedDischargesBox
from ddcase.ui.widgets.tables import fit_columns, make_table, selected_value


class ToDoPage(Page):
    client_activated = Signal(str)
    log_contact_requested = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self._default_coordinator: str | None = None  # applied when the directory is next read
        self.coordinator_combo = QComboBox()
        self.coordinator_combo.setAccessibleName(self.tr("Care coordinator"))
        self.coordinator_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        caption = QLabel(self.tr("Care coo&rdinator:"))
        caption.setBuddy(self.coordinator_combo)
        self.summary_label = QLabel()
        font = self.summary_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.summary_label.setFont(font)
        top = QHBoxLayout()
        top.addWidget(caption)
        top.addWidget(self.coordinator_combo)
        top.addSpacing(16)
        top.addWidget(self.summary_label, 1)

        self.model = ToDoTableModel(self)
        self.table_view, _ = make_table(
            self.model,
            self.tr("Clients not yet jointly worked"),
            stretch=ToDoTableModel.Column.MISSING,
            parent=self,
        )
        fit_columns(self.table_view, {0: 10, 1: 6, 2: 16, 3: 16, 5: 12})
        self.open_button = QPushButton(self.tr("O&pen client"))
        self.log_contact_button = QPushButton(self.tr("&Log contact..."))
        clients_box = QGroupBox(self.tr("Mutual clients not yet jointly worked this month"))
        clients_layout = QVBoxLayout(clients_box)
        clients_layout.addWidget(self.table_view)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.log_contact_button)
        buttons.addStretch(1)
        clients_layout.addLayout(buttons)

        self.missed_model = MissedAppointmentTableModel(self)
        self.missed_view, _ = make_table(
            self.missed_model,
            self.tr("Missed joint appointments needing a follow-up"),
            stretch=MissedAppointmentTableModel.Column.NOTE,
            parent=self,
        )
        fit_columns(self.missed_view, {0: 12, 1: 10, 2: 6, 3: 17, 4: 16, 5: 16})
        missed_box = QGroupBox(self.tr("Missed joint appointments needing a follow-up"))
        QVBoxLayout(missed_box).addWidget(self.missed_view)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(clients_box, 3)
        layout.addWidget(missed_box, 1)
        self.discharges_box = FlaggedDischargesBox(services, self)  # issue 17
        layout.addWidget(self.discharges_box, 1)

        self.coordinator_combo.currentIndexChanged.connect(self._on_coordinator_combo_changed)
        self.table_view.doubleClicked.connect(self._on_view_double_clicked)
        self.missed_view.doubleClicked.connect(self._on_view_double_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.log_contact_button.clicked.connect(self._on_log_contact_button_clicked)

    def set_default_coordinator(self, name: str | None) -> None:
        """Start on the user's own list when they are a care coordinator in the directory (from
        the page's next refresh: the directory is not read before the window shows)."""
        self._default_coordinator = name

    def _fill_coordinators(self) -> None:
        keep = self.coordinator_combo.currentData()
        default, self._default_coordinator = self._default_coordinator, None
        self.coordinator_combo.blockSignals(True)
        self.coordinator_combo.clear()
        self.coordinator_combo.addItem(self.tr("Everyone"), None)
        for worker in sorted(
            self._services.casework.workers(Service.MENTAL_HEALTH), key=lambda w: w.name.lower()
        ):
            self.coordinator_combo.addItem(worker.name, worker.name)
        self.coordinator_combo.setCurrentIndex(max(0, self.coordinator_combo.findData(keep)) if keep else 0)
        if default and self.coordinator_combo.findData(default) >= 0:
            self.coordinator_combo.setCurrentIndex(self.coordinator_combo.findData(default))
        self.coordinator_combo.blockSignals(False)

    def title(self) -> str:
        return self.tr("&To do")

    def refresh(self, month: Month) -> None:
        self._month = month
        self._fill_coordinators()
        todo = self._services.figures.to_do(month, self.coordinator_combo.currentData())
        self.model.set_due(todo.due)
        self.model.set_rows(todo.clients)
        self.missed_model.set_rows(todo.missed)
        self.discharges_box.refresh(month, self.coordinator_combo.currentData())
        count = len(todo.clients)
        noun = self.tr("client") if count == 1 else self.tr("clients")
        self.summary_label.setText(
            self.tr("%1 %2 to work jointly by %3")
            .replace("%1", str(count))
            .replace("%2", noun)
            .replace("%3", date_text(todo.due))
        )

    def current_client_ref(self) -> str | None:
        value = selected_value(self.table_view)
        return value.client_ref if value is not None else None

    @Slot()
    def _on_coordinator_combo_changed(self) -> None:
        if self._month is not None:
            self.refresh(self._month)

    @Slot(QModelIndex)
    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        value = index.siblingAtColumn(0).data(VALUE_ROLE)
        ref = getattr(value, "client_ref", None) or value.contact.client_ref
        self.client_activated.emit(ref)

    @Slot()
    def _on_open_button_clicked(self) -> None:
        ref = self.current_client_ref()
        if ref:
            self.client_activated.emit(ref)

    @Slot()
    def _on_log_contact_button_clicked(self) -> None:
        self.log_contact_requested.emit(self.current_client_ref() or "")
