"""Print summary: which month the team-meeting PDF is for. A meeting reads ended months, so the
month offered first is the last complete one; the month in progress can still be chosen, and
the dialog says its summary will be provisional (SPEC §5)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QWidget

from ddcase.domain import Month
from ddcase.ui.dialogs.form import FormDialog
from ddcase.ui.widgets.month_combo import MonthCombo


class PrintDialog(FormDialog):
    def __init__(
        self,
        parent: QWidget | None,
        *,
        first: Month,
        last: Month,
        month: Month,
        today: date,
        team: str | None,
    ) -> None:
        super().__init__(parent, self.tr("Print summary: %1").replace("%1", team or self.tr("all teams")))
        self._today = today
        self.month_combo = MonthCombo()
        self.month_combo.set_months(first, last)
        self.month_combo.set_current_month(month)
        self.add_row(self.tr("&Month:"), self.month_combo)
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_label.setAccessibleName(self.tr("About the month chosen"))
        self.extra.addWidget(self.note_label)
        self.month_combo.currentIndexChanged.connect(self.revalidate)
        self.revalidate()
        self.month_combo.setFocus()

    def problems(self) -> list[str]:
        return []

    def revalidate(self) -> None:
        super().revalidate()
        if not hasattr(self, "note_label"):
            return
        month = self.month_combo.current_month()
        so_far = month.so_far_text(self._today) if month is not None else None
        if month is None or so_far is None:
            self.note_label.setText("")
            self.note_label.hide()
            return
        self.note_label.setText(
            self.tr("%1 is in progress (%2): its summary will say provisional, and its figure will change.")
            .replace("%1", month.label())
            .replace("%2", so_far)
        )
        self.note_label.show()

    def draft(self) -> Month | None:
        return self.month_combo.current_month()

    @classmethod
    def ask(
        cls, parent: QWidget | None, *, first: Month, last: Month, month: Month, today: date, team: str | None
    ) -> Month | None:
        dialog = cls(parent, first=first, last=last, month=month, today=today, team=team)
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
