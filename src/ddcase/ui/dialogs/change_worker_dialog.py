"""Change an episode's named worker from a date: the old episode ends the day before, a new one
starts on it (SPEC §1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtWidgets import QLabel, QWidget

from ddcase.domain import Episode, Worker
from ddcase.ui.dialogs.form import FormDialog
from ddcase.ui.text import date_text
from ddcase.ui.widgets.date_field import DateField
from ddcase.ui.widgets.picker import Picker, worker_choices


@dataclass(frozen=True, slots=True)
class WorkerChange:
    worker: str | None
    from_date: date


class ChangeWorkerDialog(FormDialog):
    def __init__(
        self, parent: QWidget | None, *, episode: Episode, workers: list[Worker], today: date
    ) -> None:
        super().__init__(parent, self.tr("Change of worker"))
        self._episode = episode
        explain = QLabel(
            self.tr("%1 episode with %2 since %3. The episode ends the day before the new worker starts.")
            .replace("%1", episode.service.label)
            .replace("%2", episode.worker or self.tr("no named worker"))
            .replace("%3", date_text(episode.start_date))
        )
        explain.setWordWrap(True)
        self.form.addRow(explain)
        self.worker_combo = Picker(self.tr("New worker"), self.tr("(unallocated)"), opens_blank=True)
        self.worker_combo.setPlaceholderText(self.tr("Choose the new worker, or (unallocated)"))
        self.worker_combo.lineEdit().setPlaceholderText(self.tr("Choose the new worker, or (unallocated)"))
        self.worker_combo.set_choices(worker_choices(workers, episode.service, leave_out=episode.worker))
        self.date_edit = DateField(self.tr("New worker from"), today=today, value=today)
        self.add_row(self.tr("&New worker:"), self.worker_combo)
        self.add_row(self.tr("&From:"), self.date_edit)
        self.setMinimumWidth(480)
        self.worker_combo.value_changed.connect(self.revalidate)
        self.revalidate()

    def problems(self) -> list[str]:
        problem = self.worker_combo.problem()
        if problem:
            return [self.tr("New worker: %1").replace("%1", problem)]
        day = self.date_edit.date()
        assert day is not None
        if day <= self._episode.start_date:
            return [self.tr("From: the new worker must start after the episode began")]
        if self._episode.end_date is not None and day > self._episode.end_date + timedelta(days=0):
            return [self.tr("From: the episode had already ended by then")]
        return []

    def draft(self) -> WorkerChange:
        day = self.date_edit.date()
        assert day is not None, "draft() is read only once the date is acceptable"
        name = self.worker_combo.value()
        return WorkerChange(name if isinstance(name, str) else None, day)

    @classmethod
    def ask(
        cls, parent: QWidget | None, *, episode: Episode, workers: list[Worker], today: date
    ) -> WorkerChange | None:
        dialog = cls(parent, episode=episode, workers=workers, today=today)
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
