"""Add or edit a worker in the directory: who they are and how to reach them."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from ddcase.domain import Role, Service, Worker
from ddcase.domain.validation import MAX_LENGTH, check_worker
from ddcase.ui.dialogs.form import FormDialog, problem_text


class WorkerDialog(FormDialog):
    def __init__(
        self,
        parent: QWidget | None,
        *,
        organisations: dict[Service, list[str]],
        taken: set[tuple[Service, str]],
        worker: Worker | None = None,
    ) -> None:
        super().__init__(parent, self.tr("Edit worker") if worker else self.tr("New worker"))
        self._organisations = organisations
        self._original = worker
        self._taken = taken - ({(worker.service, worker.name)} if worker else set())
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(MAX_LENGTH["name"])
        self.service_combo = QComboBox()
        for service in Service:
            self.service_combo.addItem(service.label, service.value)
        self.organisation_combo = QComboBox()
        self.organisation_combo.setEditable(True)
        self.role_combo = QComboBox()
        for role in Role:
            self.role_combo.addItem(role.label, role.value)
        self.phone_edit = QLineEdit()
        self.email_edit = QLineEdit()
        self.add_row(self.tr("&Name:"), self.name_edit)
        self.add_row(self.tr("&Service:"), self.service_combo)
        self.add_row(self.tr("&Organisation:"), self.organisation_combo)
        self.add_row(self.tr("&Role:"), self.role_combo)
        self.add_row(self.tr("&Phone:"), self.phone_edit)
        self.add_row(self.tr("&Email:"), self.email_edit)
        self.setMinimumWidth(440)
        if worker is not None:
            self.service_combo.setCurrentIndex(self.service_combo.findData(worker.service.value))
        self._on_service_combo_changed()
        if worker is not None:
            self.name_edit.setText(worker.name)
            self.organisation_combo.setCurrentText(worker.organisation)
            if worker.role:
                self.role_combo.setCurrentIndex(self.role_combo.findData(worker.role.value))
            self.phone_edit.setText(worker.phone or "")
            self.email_edit.setText(worker.email or "")
        self.service_combo.currentIndexChanged.connect(self._on_service_combo_changed)
        for edit in (self.name_edit, self.phone_edit, self.email_edit):
            edit.textChanged.connect(self.revalidate)
        self.organisation_combo.currentTextChanged.connect(self.revalidate)
        self.revalidate()

    def _on_service_combo_changed(self) -> None:
        service = Service(self.service_combo.currentData())
        text = self.organisation_combo.currentText()
        self.organisation_combo.clear()
        self.organisation_combo.addItems(self._organisations.get(service, []))
        if text:
            self.organisation_combo.setCurrentText(text)
        default_role = Role.CARE_COORDINATOR if service is Service.MENTAL_HEALTH else Role.KEY_WORKER
        if self._original is None:
            self.role_combo.setCurrentIndex(self.role_combo.findData(default_role.value))
        self.revalidate()

    def problems(self) -> list[str]:
        draft = self.draft()
        if (draft.service, draft.name) in self._taken:
            return [
                self.tr("Name: there is already a %1 worker called %2")
                .replace("%1", draft.service.label.lower())
                .replace("%2", draft.name)
            ]
        return [problem_text(p) for p in check_worker(draft)]

    def draft(self) -> Worker:
        worker = Worker(
            name=self.name_edit.text().strip(),
            organisation=self.organisation_combo.currentText().strip(),
            service=Service(self.service_combo.currentData()),
            role=Role(self.role_combo.currentData()),
            email=self.email_edit.text().strip() or None,
            phone=self.phone_edit.text().strip() or None,
        )
        if self._original is not None:
            worker = replace(worker, id=self._original.id, version=self._original.version)
        return worker

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        organisations: dict[Service, list[str]],
        taken: set[tuple[Service, str]],
        worker: Worker | None = None,
    ) -> Worker | None:
        dialog = cls(parent, organisations=organisations, taken=taken, worker=worker)
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
