"""Add or edit an episode: a period during which a client is open to one service (SPEC §1)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QWidget

from ddcase.domain import Episode, Service, Worker
from ddcase.domain.validation import check_episode
from ddcase.ui.dialogs.form import FormDialog, problem_text
from ddcase.ui.widgets.date_field import DateField
from ddcase.ui.widgets.picker import Picker, worker_choices


class EpisodeDialog(FormDialog):
    def __init__(
        self,
        parent: QWidget | None,
        *,
        client_ref: str,
        today: date,
        workers: list[Worker],
        organisations: dict[Service, list[str]],
        teams: list[str],
        episode: Episode | None = None,
    ) -> None:
        super().__init__(parent, self.tr("Edit episode") if episode else self.tr("New episode"))
        self._client_ref = client_ref
        self._today = today
        self._workers = workers
        self._organisations = organisations
        self._original = episode
        self.service_combo = QComboBox()
        for service in Service:
            self.service_combo.addItem(service.label, service.value)
        self.organisation_combo = QComboBox()
        self.organisation_combo.setEditable(True)
        self.team_combo = QComboBox()
        self.team_combo.setEditable(True)
        self.team_combo.addItems([""] + teams)
        # A new episode's worker is chosen, never taken as the form opened (issue 12).
        self.worker_combo = Picker(
            self.tr("Named worker"), self.tr("(unallocated)"), opens_blank=episode is None
        )
        self.worker_combo.lineEdit().setPlaceholderText(self.tr("Choose the worker, or (unallocated)"))
        self.start_edit = DateField(
            self.tr("Start date"), today=today, value=episode.start_date if episode else today
        )
        self.end_edit = DateField(
            self.tr("End date"),
            today=today,
            value=episode.end_date if episode else None,
            required=False,
            placeholder=self.tr("blank while open"),
        )
        self.add_row(self.tr("&Service:"), self.service_combo)
        self.add_row(self.tr("&Organisation:"), self.organisation_combo)
        self.add_row(self.tr("&Team (CMHT):"), self.team_combo)
        self.add_row(self.tr("Named &worker:"), self.worker_combo)
        self.add_row(self.tr("St&art date:"), self.start_edit)
        self.add_row(self.tr("&End date:"), self.end_edit)
        self.setMinimumWidth(460)
        if episode is not None:
            self.service_combo.setCurrentIndex(self.service_combo.findData(episode.service.value))
            self.service_combo.setEnabled(False)
        self._on_service_combo_changed()
        if episode is not None:
            self.organisation_combo.setCurrentText(episode.organisation)
            self.team_combo.setCurrentText(episode.team or "")
            self.worker_combo.select(episode.worker)
        self.service_combo.currentIndexChanged.connect(self._on_service_combo_changed)
        self.organisation_combo.currentTextChanged.connect(self.revalidate)
        self.team_combo.currentTextChanged.connect(self.revalidate)
        self.worker_combo.value_changed.connect(self.revalidate)
        self.revalidate()

    def _service(self) -> Service:
        return Service(self.service_combo.currentData())

    @Slot()
    def _on_service_combo_changed(self) -> None:
        service = self._service()
        self.organisation_combo.clear()
        self.organisation_combo.addItems(self._organisations.get(service, []))
        self.worker_combo.set_choices(worker_choices(self._workers, service))
        self.team_combo.setEnabled(service is Service.MENTAL_HEALTH)
        if service is not Service.MENTAL_HEALTH:
            self.team_combo.setCurrentText("")
        self.revalidate()

    def _worker(self) -> str | None:
        name = self.worker_combo.value()
        return name if isinstance(name, str) else None

    def problems(self) -> list[str]:
        if self._original is None:
            # A new episode's team is chosen, not left as it opened, so Enter alone never saves
            # an episode with no team (issue 12).
            if self._service() is Service.MENTAL_HEALTH and not self.team_combo.currentText().strip():
                return [self.tr("Team (CMHT): type or choose the team")]
        problem = self.worker_combo.problem()
        if problem:
            return [self.tr("Named worker: %1").replace("%1", problem)]
        return [problem_text(p) for p in check_episode(self.draft(), self._today)]

    def draft(self) -> Episode:
        start = self.start_edit.date()
        assert start is not None, "draft() is read only once the dates are acceptable"
        episode = Episode(
            client_ref=self._client_ref,
            service=self._service(),
            organisation=self.organisation_combo.currentText().strip(),
            start_date=start,
            end_date=self.end_edit.date(),
            team=self.team_combo.currentText().strip() or None,
            worker=self._worker(),
        )
        if self._original is not None:
            episode = replace(episode, id=self._original.id, version=self._original.version)
        return episode

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        client_ref: str,
        today: date,
        workers: list[Worker],
        organisations: dict[Service, list[str]],
        teams: list[str],
        episode: Episode | None = None,
    ) -> Episode | None:
        dialog = cls(
            parent,
            client_ref=client_ref,
            today=today,
            workers=workers,
            organisations=organisations,
            teams=teams,
            episode=episode,
        )
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
