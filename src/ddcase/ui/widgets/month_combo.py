"""A month picker: the months from the first of the log to the current one, newest first."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from ddcase.domain import Month, month_range

MONTHS_OFFERED = 36  # the months one may view or print: the current one and the 35 before


class MonthCombo(QComboBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

    def set_months(self, first: Month, last: Month) -> None:
        """Offer first..last, newest first, keeping the current choice when it is still offered."""
        keep = self.current_month()
        self.blockSignals(True)
        self.clear()
        for month in reversed(list(month_range(first, last))):
            self.addItem(month.label(), str(month))
        self.blockSignals(False)
        if keep is not None:
            self.set_current_month(keep)

    def current_month(self) -> Month | None:
        data = self.currentData()
        return Month.parse(data) if data else None

    def set_current_month(self, month: Month) -> None:
        index = self.findData(str(month))
        if index >= 0:
            self.setCurrentIndex(index)
