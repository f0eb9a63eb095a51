"""To do (SPEC §6, `FiguresService.to_do`): the month's mutual clients not yet jointly worked,
ranked by the day each is due; the clients at risk next month; the missed joint appointments, to
follow up or rebook; the discharges made without the other service (issue 17). Each row has the
key worker (the other service's) with phone and email. A care coordinator opens it on their own
list (`set_whose_list`); a manager chooses a team."""

from __future__ import annotations

from urllib.parse import quote

from PySide6.QtCore import QModelIndex, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ddcase.domain import Month, Service, available_workers
from ddcase.services.figures import MissedJoint, ToDo
from ddcase.services.registry import Services
from ddcase.ui.models.base import VALUE_ROLE
from ddcase.ui.models.todo_model import AtRiskTableModel, MissedAppointmentTableModel, ToDoTableModel
from ddcase.ui.pages.page import Page
from ddcase.ui.text import date_text
from ddcase.ui.widgets.flagged_discharges import FlaggedDischargesBox
from ddcase.ui.widgets.tables import fit_columns, make_table, selected_value
from ddcase.ui.widgets.team_combo import TeamCombo

EVERYONE = "Everyone"


class ToDoPage(Page):
    client_activated = Signal(str)
    log_contact_requested = Signal(str)
    #: "Log the follow-up" on a missed joint appointment (a `MissedJoint`)
    follow_up_requested = Signal(object)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self._own: str | None = None  # whose list opens first: the user's, when they coordinate
        self._pending_own = False  # the user's list is chosen at the next reading of the directory
        self._todo: ToDo | None = None
        self.team_combo = TeamCombo()
        team_caption = QLabel(self.tr("T&eam:"))
        team_caption.setBuddy(self.team_combo)
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
        top.addWidget(team_caption)
        top.addWidget(self.team_combo)
        top.addSpacing(16)
        top.addWidget(caption)
        top.addWidget(self.coordinator_combo)
        top.addSpacing(16)
        top.addWidget(self.summary_label, 1)

        self.model = ToDoTableModel(self)
        self.table_view, _ = make_table(
            self.model,
            self.tr("Clients not yet jointly worked, by the day each is due"),
            stretch=ToDoTableModel.Column.MISSING,
            parent=self,
        )
        fit_columns(self.table_view, {0: 13, 1: 10, 2: 6, 3: 16, 4: 16, 5: 15, 6: 28})
        self.open_button = QPushButton(self.tr("O&pen client"))
        self.log_contact_button = QPushButton(self.tr("&Log contact..."))
        self.clients_box = QGroupBox(self.tr("Not yet jointly worked this month"))
        clients_layout = QVBoxLayout(self.clients_box)
        clients_layout.addWidget(self.table_view)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.log_contact_button)
        buttons.addStretch(1)
        clients_layout.addLayout(buttons)

        self.at_risk_model = AtRiskTableModel(self)
        self.at_risk_view, _ = make_table(
            self.at_risk_model,
            self.tr("Clients at risk next month"),
            stretch=AtRiskTableModel.Column.WHAT,
            parent=self,
        )
        fit_columns(self.at_risk_view, {0: 13, 1: 10, 2: 6, 3: 16, 4: 16, 5: 15, 6: 28})
        self.at_risk_box = QGroupBox(self.tr("At risk next month"))
        QVBoxLayout(self.at_risk_box).addWidget(self.at_risk_view)

        self.missed_model = MissedAppointmentTableModel(self)
        self.missed_view, _ = make_table(
            self.missed_model,
            self.tr("Missed joint appointments"),
            stretch=MissedAppointmentTableModel.Column.NOTE,
            parent=self,
        )
        fit_columns(self.missed_view, {0: 13, 1: 10, 2: 6, 3: 17, 4: 11, 5: 16, 6: 16, 7: 15, 8: 28})
        self.follow_up_button = QPushButton(self.tr("Lo&g the follow-up..."))
        self.rebook_button = QPushButton(self.tr("Re&book..."))
        self.follow_up_button.setToolTip(
            self.tr("Log the call or message that followed up the missed appointment")
        )
        self.rebook_button.setToolTip(self.tr("Write to the key worker to book another joint appointment"))
        self.missed_box = QGroupBox(self.tr("Missed joint appointments"))
        missed_layout = QVBoxLayout(self.missed_box)
        missed_layout.addWidget(self.missed_view)
        missed_buttons = QHBoxLayout()
        missed_buttons.addWidget(self.follow_up_button)
        missed_buttons.addWidget(self.rebook_button)
        missed_buttons.addStretch(1)
        missed_layout.addLayout(missed_buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.clients_box, 3)
        layout.addWidget(self.at_risk_box, 2)
        layout.addWidget(self.missed_box, 2)
        self.discharges_box = FlaggedDischargesBox(services, self)  # issue 17
        layout.addWidget(self.discharges_box, 1)

        self._last_view: QTableView = self.table_view
        self.team_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.coordinator_combo.currentIndexChanged.connect(self._on_filter_changed)
        for view in (self.table_view, self.at_risk_view, self.missed_view):
            view.doubleClicked.connect(self._on_view_double_clicked)
            view.selectionModel().currentRowChanged.connect(self._on_any_current_row_changed)
            view.selectionModel().selectionChanged.connect(self._on_any_selection_changed)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.log_contact_button.clicked.connect(self._on_log_contact_button_clicked)
        self.follow_up_button.clicked.connect(self._on_follow_up_button_clicked)
        self.rebook_button.clicked.connect(self._on_rebook_button_clicked)
        self._enable_missed_buttons()

    # ------------------------------------------------------------------ whose list

    def set_whose_list(self, coordinator_name: str | None) -> None:
        """Open on `coordinator_name`'s own clients (the user, when they are a care coordinator
        in the directory), listed first among the coordinators; None for everyone's. Applied now
        if the page is showing a month, else when it is next read."""
        self._own = coordinator_name or None
        self._pending_own = True
        if self._month is not None:
            self.refresh(self._month)

    def _fill_choices(self) -> None:
        team = self.team_combo.currentData()
        keep = self.coordinator_combo.currentData()
        if self._pending_own:
            keep, self._pending_own = self._own, False
        self.team_combo.fill(self._services.figures.teams(), team)

        workers = self._services.casework.workers(Service.MENTAL_HEALTH)
        if self._month is not None:  # a leaver is offered for the months they were still here
            workers = available_workers(workers, self._month.first_day, [keep, self._own])
        names = sorted((w.name for w in workers), key=str.lower)
        own = self._own if self._own in names else None
        self.coordinator_combo.blockSignals(True)
        self.coordinator_combo.clear()
        if own is not None:
            self.coordinator_combo.addItem(self.tr("My clients (%1)").replace("%1", own), own)
        self.coordinator_combo.addItem(self.tr(EVERYONE), None)
        for name in names:
            if name != own:
                self.coordinator_combo.addItem(name, name)
        found = self.coordinator_combo.findData(keep) if keep else -1
        self.coordinator_combo.setCurrentIndex(found if found >= 0 else self.coordinator_combo.findData(None))
        self.coordinator_combo.blockSignals(False)

    # ------------------------------------------------------------------ the page

    def title(self) -> str:
        return self.tr("&To do")

    def refresh(self, month: Month) -> None:
        self._month = month
        self._fill_choices()
        todo = self._services.figures.to_do(
            month, self.team_combo.currentData(), self.coordinator_combo.currentData()
        )
        self._todo = todo
        self.model.set_list(todo.not_yet, todo)
        self.at_risk_model.set_list(todo.at_risk_next_month, todo)
        self.missed_model.set_list(todo.missed_appointments, todo)
        self.discharges_box.refresh(  # issue 17
            month, self.coordinator_combo.currentData(), self.team_combo.currentData()
        )
        count = len(todo.not_yet)
        noun = self.tr("client") if count == 1 else self.tr("clients")
        text = self.tr("%1 %2 to work jointly").replace("%1", str(count)).replace("%2", noun)
        if todo.not_yet:
            text += self.tr(", the first by %1").replace("%1", date_text(todo.not_yet[0].due))
        self.summary_label.setText(text)
        coming = month.next()
        self.at_risk_box.setTitle(
            self.tr("At risk next month (%1): a joint contact is needed by %2")
            .replace("%1", str(len(todo.at_risk_next_month)))
            .replace("%2", date_text(coming.last_day))
        )
        waiting = sum(1 for m in todo.missed_appointments if not m.followed_up)
        self.missed_box.setTitle(
            self.tr("Missed joint appointments (%1 to follow up)").replace("%1", str(waiting))
        )
        self._enable_missed_buttons()

    def current_client_ref(self) -> str | None:
        value = selected_value(self._last_view)
        return value.client_ref if value is not None else None

    def current_missed(self) -> MissedJoint | None:
        value = selected_value(self.missed_view)
        return value if isinstance(value, MissedJoint) else None

    def _enable_missed_buttons(self) -> None:
        chosen = self.current_missed() is not None
        self.follow_up_button.setEnabled(chosen)
        self.rebook_button.setEnabled(chosen)

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_filter_changed(self) -> None:
        if self._month is not None:
            self.refresh(self._month)

    @Slot(QModelIndex, QModelIndex)
    def _on_any_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        for view in (self.table_view, self.at_risk_view, self.missed_view):
            if view.model() is current.model():
                self._last_view = view

    @Slot()
    def _on_any_selection_changed(self) -> None:
        self._enable_missed_buttons()

    @Slot(QModelIndex)
    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        value = index.siblingAtColumn(0).data(VALUE_ROLE)
        self.client_activated.emit(value.client_ref)

    @Slot()
    def _on_open_button_clicked(self) -> None:
        ref = self.current_client_ref()
        if ref:
            self.client_activated.emit(ref)

    @Slot()
    def _on_log_contact_button_clicked(self) -> None:
        self.log_contact_requested.emit(self.current_client_ref() or "")

    @Slot()
    def _on_follow_up_button_clicked(self) -> None:
        missed = self.current_missed()
        if missed is not None:
            self.follow_up_requested.emit(missed)

    @Slot()
    def _on_rebook_button_clicked(self) -> None:
        """No contact is logged ahead of its day (SPEC §3), so rebooking is arranged with the key
        worker: an email naming only the client's reference and the day missed, or their phone."""
        missed = self.current_missed()
        if missed is None or self._todo is None:
            return
        worker = self._todo.key_worker(missed.client)
        what = missed.contact.kind.label.lower()
        subject = self.tr("Rebooking a joint appointment for %1").replace("%1", missed.client_ref)
        if worker is not None and worker.email:
            body = (
                self.tr("The %1 for %2 on %3 was missed. When can we book another one?")
                .replace("%1", what)
                .replace("%2", missed.client_ref)
                .replace("%3", date_text(missed.date))
            )
            url = f"mailto:{quote(worker.email, safe='@')}?subject={quote(subject)}&body={quote(body)}"
            if QDesktopServices.openUrl(QUrl(url)):
                return
        if worker is not None and worker.phone:
            text = self.tr("Call %1 on %2 to book another joint appointment for %3.")
            text = text.replace("%1", worker.name).replace("%2", worker.phone)
        elif worker is not None:
            text = self.tr("The workers directory has no email or phone for %1: add them in Workers.")
            text = text.replace("%1", worker.name)
        else:
            text = self.tr("%3 has no key worker named: allocate one to rebook.")
        QMessageBox.information(self, self.tr("Rebook"), text.replace("%3", missed.client_ref))


#: The name another engineer's "who am I" work opens the page by.
TodoPage = ToDoPage
