"""To do's list of discharges made without the other service (issue 17): shown to the other
side's worker (the coordinator chosen on To do, or everyone), for the month shown and the month
before (a discharge on the 30th still needs following up in the first days of the next month)."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from ddcase.domain import Month
from ddcase.services.registry import Services
from ddcase.ui.models.discharge_model import FlaggedDischargeTableModel
from ddcase.ui.widgets.tables import fit_columns, make_table


class FlaggedDischargesBox(QGroupBox):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.setTitle(self.tr("Discharged without the other service (this month and last)"))
        self.model = FlaggedDischargeTableModel(self)
        self.table_view, _ = make_table(
            self.model,
            self.tr("Discharges without the other service"),
            stretch=FlaggedDischargeTableModel.Column.OTHER_WORKER,
            parent=self,
        )
        fit_columns(self.table_view, {0: 10, 1: 10, 2: 16, 3: 16})
        QVBoxLayout(self).addWidget(self.table_view)

    def refresh(self, month: Month, other_worker: str | None, team: str | None = None) -> None:
        """The flagged discharges of `month` and the month before for `other_worker` (None:
        everyone's) of `team` (None: all teams); hidden when there are none."""
        discharges = self._services.discharges
        rows = discharges.flagged(month.previous(), other_worker, team) + discharges.flagged(
            month, other_worker, team
        )
        self.model.set_rows(rows)
        self.setVisible(bool(rows))
