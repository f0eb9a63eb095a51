"""Mark a worker as left on a date: kept, with every record naming them, for the history and the
figures; no longer offered in the pickers from that day on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtWidgets import QCheckBox, QLabel, QWidget

from ddcase.domain import Worker
from ddcase.ui.dialogs.form import FormDialog
from ddcase.ui.widgets.date_field import DateField
from ddcase.ui.widgets.picker import Picker


def worker_key(worker: Worker) -> str:
    """A picker's value for a worker of either side (names are unique within a side)."""
    return f"{worker.service.value}\t{worker.name}"


def worker_label(worker: Worker) -> str:
    return f"{worker.name} ({worker.organisation})"


@dataclass(frozen=True, slots=True)
class Leaving:
    worker: Worker
    left_on: date | None  # None: back in the team


class LeaverDialog(FormDialog):
    def __init__(
        self, parent: QWidget | None, *, workers: list[Worker], today: date, worker: Worker | None = None
    ) -> None:
        super().__init__(parent, self.tr("Mark as left"))
        explain = QLabel(
            self.tr(
                "A worker who leaves stays in the directory, with every episode and contact that "
                "names them, so the history and the figures stay as they were. From the day they "
                "left, no form offers them."
            )
        )
        explain.setWordWrap(True)
        self.form.addRow(explain)
        self._workers = {worker_key(w): w for w in workers}
        self.worker_picker = Picker(self.tr("Worker"))
        self.worker_picker.set_choices(
            [(worker_label(w), worker_key(w)) for w in sorted(workers, key=lambda w: w.name.lower())]
        )
        self.date_edit = DateField(
            self.tr("Left on"),
            today=today,
            value=(worker.left_on if worker and worker.left_on else today),
            allow_future=True,  # a leaving date known ahead
        )
        self.still_here_check = QCheckBox(self.tr("&Not left after all (offer them again)"))
        self.add_row(self.tr("&Worker:"), self.worker_picker)
        self.add_row(self.tr("&Left on:"), self.date_edit)
        self.form.addRow("", self.still_here_check)
        self.still_here_check.setVisible(bool(worker and worker.left_on))
        if worker is not None:
            self.worker_picker.select(worker_key(worker))
            self.date_edit.setFocus()
        self.setMinimumWidth(520)
        self.worker_picker.value_changed.connect(self._on_worker_picker_value_changed)
        self.still_here_check.toggled.connect(self.revalidate)
        self.revalidate()

    def _chosen(self) -> Worker | None:
        value = self.worker_picker.value()
        return self._workers.get(value) if isinstance(value, str) else None

    def _on_worker_picker_value_changed(self) -> None:
        chosen = self._chosen()
        self.still_here_check.setVisible(bool(chosen and chosen.left_on))
        if chosen is not None and chosen.left_on:
            self.date_edit.set_date(chosen.left_on)
        self.revalidate()

    def problems(self) -> list[str]:
        problem = self.worker_picker.problem()
        if problem:
            return [self.tr("Worker: %1").replace("%1", problem)]
        return []

    def draft(self) -> Leaving:
        worker = self._chosen()
        assert worker is not None, "draft() is read only once a worker is chosen"
        if not self.still_here_check.isHidden() and self.still_here_check.isChecked():
            return Leaving(worker, None)
        return Leaving(worker, self.date_edit.date())

    @classmethod
    def ask(
        cls, parent: QWidget | None, *, workers: list[Worker], today: date, worker: Worker | None = None
    ) -> Leaving | None:
        dialog = cls(parent, workers=workers, today=today, worker=worker)
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


__all__ = ["LeaverDialog", "Leaving", "worker_key", "worker_label"]
