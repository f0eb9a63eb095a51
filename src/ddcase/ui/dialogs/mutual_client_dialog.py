"""A new mutual client in one form: the client (as New client asks), consent, and the episode in
each service (SPEC §1), saved together. Editing keeps its separate dialogs."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QWidget

from ddcase.domain import Client, Episode, Service, Worker
from ddcase.domain.validation import check_episode
from ddcase.ui.dialogs.client_dialog import ClientDialog
from ddcase.ui.dialogs.form import problem_text
from ddcase.ui.widgets.date_field import DateField
from ddcase.ui.widgets.picker import Picker, worker_picker


@dataclass(frozen=True, slots=True)
class MutualClientDraft:
    client: Client
    episodes: list[Episode]


@dataclass(frozen=True, slots=True)
class _EpisodeFields:
    """One service's episode in the form: a group that can be unticked when the client is not
    (yet) open to that service."""

    service: Service
    group: QGroupBox
    organisation_combo: QComboBox
    team_combo: QComboBox | None
    worker_picker: Picker
    start_edit: DateField


def _editable_combo(names: list[str], accessible_name: str) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(18)
    combo.addItems(names)
    combo.setAccessibleName(accessible_name)
    return combo


class MutualClientDialog(ClientDialog):
    def __init__(
        self,
        parent: QWidget | None,
        *,
        today: date,
        existing_refs: set[str],
        workers: list[Worker],
        organisations: dict[Service, list[str]],
        teams: list[str],
        nhs_numbers_in_use: Mapping[str, Collection[str]] | None = None,
    ) -> None:
        super().__init__(
            parent, today=today, existing_refs=existing_refs, nhs_numbers_in_use=nhs_numbers_in_use
        )
        self.setWindowTitle(self.tr("New mutual client"))

        mh = QGroupBox(self.tr("Mental health episode (CMHT)"))
        self.mh_organisation_combo = _editable_combo(
            organisations.get(Service.MENTAL_HEALTH, []), self.tr("Mental health organisation")
        )
        self.team_combo = _editable_combo([""] + teams, self.tr("Team (CMHT)"))
        self.care_coordinator_picker = worker_picker(
            workers,
            Service.MENTAL_HEALTH,
            self.tr("Care coordinator"),
            self.tr("(unallocated)"),
            opens_blank=True,
        )
        self.mh_start_edit = DateField(self.tr("Mental health episode start date"), today=today, value=today)
        mh_form = QFormLayout(mh)
        mh_form.addRow(self.tr("Or&ganisation:"), self.mh_organisation_combo)
        mh_form.addRow(self.tr("&Team:"), self.team_combo)
        mh_form.addRow(self.tr("Care c&oordinator:"), self.care_coordinator_picker)
        mh_form.addRow(self.tr("&Start date:"), self.mh_start_edit)

        sm = QGroupBox(self.tr("Drug and alcohol episode"))
        self.provider_combo = _editable_combo(
            organisations.get(Service.SUBSTANCE_MISUSE, []), self.tr("Provider")
        )
        self.key_worker_picker = worker_picker(
            workers,
            Service.SUBSTANCE_MISUSE,
            self.tr("Key worker"),
            self.tr("(unallocated)"),
            opens_blank=True,
        )
        self.sm_start_edit = DateField(
            self.tr("Drug and alcohol episode start date"), today=today, value=today
        )
        sm_form = QFormLayout(sm)
        sm_form.addRow(self.tr("&Provider:"), self.provider_combo)
        sm_form.addRow(self.tr("&Key worker:"), self.key_worker_picker)
        sm_form.addRow(self.tr("St&art date:"), self.sm_start_edit)

        for group in (mh, sm):
            group.setCheckable(True)
            group.setChecked(True)
            group.setToolTip(self.tr("Untick when the client is not open to this service yet"))
            group.toggled.connect(self.revalidate)
        row = QHBoxLayout()
        row.addWidget(mh)
        row.addWidget(sm)
        self.extra.addLayout(row)
        self._episodes = [
            _EpisodeFields(
                Service.MENTAL_HEALTH,
                mh,
                self.mh_organisation_combo,
                self.team_combo,
                self.care_coordinator_picker,
                self.mh_start_edit,
            ),
            _EpisodeFields(
                Service.SUBSTANCE_MISUSE,
                sm,
                self.provider_combo,
                None,
                self.key_worker_picker,
                self.sm_start_edit,
            ),
        ]
        for fields in self._episodes:
            fields.organisation_combo.currentTextChanged.connect(self.revalidate)
            fields.worker_picker.value_changed.connect(self.revalidate)
            fields.start_edit.changed.connect(self.revalidate)
        self.setMinimumWidth(880)
        self.revalidate()
        self.reference_edit.setFocus()

    def problems(self) -> list[str]:
        problems = super().problems()
        if problems or not hasattr(self, "_episodes"):
            return problems
        for fields in self._episodes:
            if not fields.group.isChecked():
                continue
            side = fields.service.label
            date_problem = fields.start_edit.problem()
            if date_problem:
                return [f"{side}: {self.tr('Start date')}: {date_problem}"]
            problem = fields.worker_picker.problem()
            if problem:
                return [f"{side}: {self.tr('Worker')}: {problem}"]
            episode = self._episode(fields)
            found = check_episode(episode, self._today)
            if found:
                return [f"{side}: {problem_text(found[0])}"]
        return []

    def _episode(self, fields: _EpisodeFields) -> Episode:
        worker = fields.worker_picker.value()
        start = fields.start_edit.date()
        assert start is not None, "read only once the dates are acceptable"
        return Episode(
            client_ref=self.reference_edit.text().strip(),
            service=fields.service,
            organisation=fields.organisation_combo.currentText().strip(),
            start_date=start,
            team=(fields.team_combo.currentText().strip() or None) if fields.team_combo else None,
            worker=worker if isinstance(worker, str) else None,
        )

    def mutual_draft(self) -> MutualClientDraft:
        return MutualClientDraft(
            self.draft(), [self._episode(f) for f in self._episodes if f.group.isChecked()]
        )

    @classmethod
    def ask_mutual(
        cls,
        parent: QWidget | None,
        *,
        today: date,
        existing_refs: set[str],
        workers: list[Worker],
        organisations: dict[Service, list[str]],
        teams: list[str],
        nhs_numbers_in_use: Mapping[str, Collection[str]] | None = None,
    ) -> MutualClientDraft | None:
        dialog = cls(
            parent,
            today=today,
            existing_refs=existing_refs,
            workers=workers,
            organisations=organisations,
            teams=teams,
            nhs_numbers_in_use=nhs_numbers_in_use,
        )
        try:
            return dialog.mutual_draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
