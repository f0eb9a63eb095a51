"""Log or edit a contact between the services (SPEC §1) in a few keystrokes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from ddcase.domain import (
    JOINT_KINDS,
    Client,
    Contact,
    ContactKind,
    ContactMode,
    Outcome,
    Service,
    Worker,
)
from ddcase.domain.validation import MAX_LENGTH, check_contact
from ddcase.ui.dialogs.form import FormDialog, problem_text
from ddcase.ui.widgets.date_field import DateField
from ddcase.ui.widgets.picker import Picker, worker_picker

EPR_REMINDER = "Do not write clinical notes here: the EPR is the record."

CurrentWorkers = dict[str, tuple[str | None, str | None]]


def client_label(client: Client) -> str:
    return f"{client.client_ref}  {client.initials}"


def _enum_combo(values: Iterable[ContactKind | ContactMode | Outcome], name: str) -> QComboBox:
    combo = QComboBox()
    for value in values:
        combo.addItem(value.label, value.value)
    combo.setAccessibleName(name)
    return combo


class ContactDialog(FormDialog):
    def __init__(
        self,
        parent: QWidget | None,
        *,
        clients: list[Client],
        workers: list[Worker],
        current_workers: CurrentWorkers,
        today: date,
        contact: Contact | None = None,
        client_ref: str | None = None,
    ) -> None:
        # A contact without an id is a new one filled in beforehand (a follow-up from the to-do).
        editing = contact is not None and contact.id is not None
        super().__init__(parent, self.tr("Edit contact") if editing else self.tr("Log a contact"))
        self._today = today
        self._original = contact
        self._current_workers = current_workers
        self._refs = {c.client_ref: c for c in clients}

        self.client_picker = Picker(self.tr("Client"))
        self.client_picker.set_choices([(client_label(c), c.client_ref) for c in clients])
        self.client_picker.lineEdit().setPlaceholderText(self.tr("Type a reference or initials"))
        self.date_edit = DateField(self.tr("Date"), today=today, value=contact.date if contact else today)
        self.kind_combo = _enum_combo(list(ContactKind), self.tr("Kind"))
        self.mode_combo = _enum_combo(list(ContactMode), self.tr("Mode"))
        self.outcome_combo = _enum_combo(list(Outcome), self.tr("Outcome"))
        self.mh_worker_combo = worker_picker(workers, Service.MENTAL_HEALTH, self.tr("Mental health worker"))
        self.sm_worker_combo = worker_picker(
            workers, Service.SUBSTANCE_MISUSE, self.tr("Substance misuse worker")
        )
        self.client_present_check = QCheckBox(self.tr("The client took part"))
        self.duration_spin = QSpinBox()
        self.duration_spin.setRange(0, 24 * 60)
        self.duration_spin.setSingleStep(5)
        self.duration_spin.setSpecialValueText(self.tr("not recorded"))
        self.duration_spin.setSuffix(self.tr(" minutes"))
        self.note_edit = QLineEdit()
        self.note_edit.setMaxLength(MAX_LENGTH["note"])
        self.note_edit.setPlaceholderText(self.tr("A short note, e.g. 'Joint review booked for 3 Dec'"))
        self.reminder_label = QLabel(self.tr(EPR_REMINDER))
        self.reminder_label.setWordWrap(True)
        self.reminder_label.setStyleSheet("color: #8a4b00; font-weight: bold;")
        self.counting_label = QLabel()
        self.counting_label.setWordWrap(True)
        self.counting_label.setStyleSheet("color: #555;")

        self.add_row(self.tr("&Client:"), self.client_picker)
        self.add_row(self.tr("&Date:"), self.date_edit)
        self.add_row(self.tr("&Kind:"), self.kind_combo)
        self.add_row(self.tr("&Mode:"), self.mode_combo)
        self.add_row(self.tr("&Outcome:"), self.outcome_combo)
        self.add_row(self.tr("Mental &health worker:"), self.mh_worker_combo)
        self.add_row(self.tr("&Substance misuse worker:"), self.sm_worker_combo)
        self.add_row("", self.client_present_check)
        self.add_row(self.tr("D&uration:"), self.duration_spin)
        self.add_row(self.tr("&Note:"), self.note_edit)
        self.form.addRow("", self.reminder_label)
        self.extra.addWidget(self.counting_label)
        self.setMinimumWidth(580)

        if contact is not None:
            self._load(contact)
        else:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(ContactKind.JOINT_APPOINTMENT.value))
            self.client_present_check.setChecked(True)
            client = self._refs.get(client_ref or "")
            if client is not None:
                self.client_picker.select(client.client_ref)
                self._prefill_workers(client.client_ref)

        self.client_picker.value_changed.connect(self._on_client_picker_value_changed)
        self.mh_worker_combo.value_changed.connect(self.revalidate)
        self.sm_worker_combo.value_changed.connect(self.revalidate)
        for combo in (self.kind_combo, self.mode_combo, self.outcome_combo):
            combo.currentIndexChanged.connect(self.revalidate)
        self.note_edit.textChanged.connect(self.revalidate)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_changed)
        self.revalidate()
        if contact is None and client_ref in self._refs:
            self.kind_combo.setFocus()
        elif contact is None:
            self.client_picker.setFocus()  # no client chosen: ask for one first

    def _load(self, contact: Contact) -> None:
        self.client_picker.select(contact.client_ref)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(contact.kind.value))
        self.mode_combo.setCurrentIndex(self.mode_combo.findData(contact.mode.value))
        self.outcome_combo.setCurrentIndex(self.outcome_combo.findData(contact.outcome.value))
        self._select(self.mh_worker_combo, contact.mh_worker)
        self._select(self.sm_worker_combo, contact.sm_worker)
        self.client_present_check.setChecked(bool(contact.client_present))
        self.duration_spin.setValue(contact.duration_minutes or 0)
        self.note_edit.setText(contact.note or "")

    @staticmethod
    def _select(picker: Picker, name: str | None) -> None:
        picker.select(name)

    def _prefill_workers(self, client_ref: str) -> None:
        mh, sm = self._current_workers.get(client_ref, (None, None))
        self._select(self.mh_worker_combo, mh)
        self._select(self.sm_worker_combo, sm)

    def _client_ref(self) -> str | None:
        ref = self.client_picker.value()
        return ref if isinstance(ref, str) else None

    @Slot()
    def _on_client_picker_value_changed(self) -> None:
        ref = self._client_ref()
        if ref is not None and self._original is None:
            self._prefill_workers(ref)
        self.revalidate()

    @staticmethod
    def _worker(picker: Picker) -> str | None:
        name = picker.value()
        return name if isinstance(name, str) else None

    @Slot()
    def _on_kind_combo_changed(self) -> None:
        kind = ContactKind(self.kind_combo.currentData())
        if kind in JOINT_KINDS:
            self.client_present_check.setChecked(True)

    def problems(self) -> list[str]:
        if self._client_ref() is None:
            return [self.tr("Client: choose a client from the list (type a reference or initials)")]
        for label, picker in (
            (self.tr("Mental health worker"), self.mh_worker_combo),
            (self.tr("Substance misuse worker"), self.sm_worker_combo),
        ):
            problem = picker.problem()
            if problem:
                return [f"{label}: {problem}"]
        return [problem_text(p) for p in check_contact(self.draft(), self._today)]

    def revalidate(self) -> None:
        super().revalidate()
        if not hasattr(self, "counting_label"):
            return
        mode = ContactMode(self.mode_combo.currentData())
        outcome = Outcome(self.outcome_combo.currentData())
        if outcome is not Outcome.ATTENDED:
            note = self.tr(
                "Not attended: this will not count as joint work, and shows on To do for a follow-up."
            )
        elif mode.is_written:
            note = self.tr(
                "Emails and letters do not count towards joint working under the usual definition."
            )
        else:
            note = ""
        self.counting_label.setText(note)
        self.counting_label.setVisible(bool(note))

    def draft(self) -> Contact:
        duration = self.duration_spin.value()
        day = self.date_edit.date()
        assert day is not None, "draft() is read only once the date is acceptable"
        contact = Contact(
            client_ref=self._client_ref() or self.client_picker.currentText().strip(),
            date=day,
            kind=ContactKind(self.kind_combo.currentData()),
            mode=ContactMode(self.mode_combo.currentData()),
            outcome=Outcome(self.outcome_combo.currentData()),
            mh_worker=self._worker(self.mh_worker_combo),
            sm_worker=self._worker(self.sm_worker_combo),
            client_present=self.client_present_check.isChecked(),
            duration_minutes=duration or None,
            note=self.note_edit.text().strip() or None,
        )
        if self._original is not None:
            contact = replace(contact, id=self._original.id, version=self._original.version)
        return contact

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        clients: list[Client],
        workers: list[Worker],
        current_workers: CurrentWorkers,
        today: date,
        contact: Contact | None = None,
        client_ref: str | None = None,
    ) -> Contact | None:
        dialog = cls(
            parent,
            clients=clients,
            workers=workers,
            current_workers=current_workers,
            today=today,
            contact=contact,
            client_ref=client_ref,
        )
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
