"""Tools > Purge old records: the date before which ended care is anonymised. The window shows
how many clients that is and asks again before anything changes."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QWidget

from ddcase.ui.dialogs.form import FormDialog
from ddcase.ui.widgets.date_field import DateField

DEFAULT_YEARS = 8


class PurgeDialog(FormDialog):
    def __init__(self, parent: QWidget | None, *, today: date) -> None:
        super().__init__(parent, self.tr("Purge old records"))
        warning = QLabel(
            self.tr(
                "<b>For the team manager or records lead.</b> Clients whose last episode in either "
                "service ended before this date, with none still open, are anonymised for good: "
                "initials become XX; NHS number, date of birth, ethnicity and every contact note "
                "are cleared. The monthly figures do not change. Use the date your trust's records "
                "retention schedule gives."
            )
        )
        warning.setWordWrap(True)
        self.form.addRow(warning)
        default = date(today.year - DEFAULT_YEARS, today.month, min(today.day, 28))
        self.before_edit = DateField(self.tr("Care ended before"), today=today, value=default)
        self.add_row(self.tr("Care ended &before:"), self.before_edit)
        self.ok_button.setText(self.tr("&Count the clients..."))
        self.revalidate()
        self.resize(520, self.sizeHint().height())

    def problems(self) -> list[str]:
        return []

    def draft(self) -> date:
        day = self.before_edit.date()
        assert day is not None, "draft() is read only once the date is acceptable"
        return day

    @classmethod
    def ask(cls, parent: QWidget | None, *, today: date) -> date | None:
        dialog = cls(parent, today=today)
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
