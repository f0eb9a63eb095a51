"""Tools > This is me...: which worker of the directory the person at this computer is, so the
status bar says so and To do opens on their own clients."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from ddcase.domain import Service, Worker
from ddcase.ui.dialogs.form import FormDialog
from ddcase.ui.widgets.picker import Picker


def _label(worker: Worker) -> str:
    role = f", {worker.role.label.lower()}" if worker.role else ""
    return f"{worker.name}{role} ({worker.organisation})"


class WhoAmIDialog(FormDialog):
    def __init__(self, parent: QWidget | None, *, workers: list[Worker], current: Worker | None) -> None:
        super().__init__(parent, self.tr("This is me"))
        explain = QLabel(
            self.tr(
                "Who you are in this log, on this computer: the status bar says it and To do opens "
                "on your own clients. It is kept in your own settings, not in the log."
            )
        )
        explain.setWordWrap(True)
        self.form.addRow(explain)
        self._workers = {(w.service, w.name): w for w in workers}
        self.worker_picker = Picker(self.tr("You are"), self.tr("(nobody in particular)"))
        self.worker_picker.set_choices(
            [
                (_label(w), f"{w.service.value}\t{w.name}")
                for w in sorted(workers, key=lambda w: (w.name.lower(), w.service.value))
            ]
        )
        if current is not None:
            self.worker_picker.select(f"{current.service.value}\t{current.name}")
        self.add_row(self.tr("&You are:"), self.worker_picker)
        self.setMinimumWidth(480)
        self.worker_picker.value_changed.connect(self.revalidate)
        self.revalidate()

    def problems(self) -> list[str]:
        problem = self.worker_picker.problem()
        return [self.tr("You are: %1").replace("%1", problem)] if problem else []

    def draft(self) -> Worker | None:
        value = self.worker_picker.value()
        if not isinstance(value, str):
            return None
        service, name = value.split("\t", 1)
        return self._workers[(Service(service), name)]

    @classmethod
    def ask(
        cls, parent: QWidget | None, *, workers: list[Worker], current: Worker | None
    ) -> tuple[Worker | None] | None:
        """(the worker chosen, or None for nobody in particular), or None when cancelled."""
        dialog = cls(parent, workers=workers, current=current)
        try:
            return (dialog.draft(),) if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
