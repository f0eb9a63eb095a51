"""Print summary: the team-meeting PDF in one click (issue 15). A meeting reads ended months, so
the month offered first is the last complete one; the month in progress can still be chosen, and
the dialog says its summary will be provisional (SPEC §5). The PDF is saved in the Documents
folder under a name with no identifiers ('ddcase North CMHT 2026-11.pdf'; "Change..." saves it
elsewhere), the follow-up list can be left out (`ddcase report --no-client-list`), and the PDF
opens when saved unless the user says not (remembered by the caller)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QWidget

from ddcase.domain import Month
from ddcase.ui.dialogs.form import FormDialog
from ddcase.ui.files import choose_file
from ddcase.ui.widgets.month_combo import MonthCombo


@dataclass(frozen=True)
class PrintOffer:
    """What the dialog offers, said once for the dialog and its `ask`: the months to choose from
    (`first` to `last`) and the one chosen at first, today (a month in progress is provisional),
    the team, the folder and the file name it suggests, and whether the PDF opens when saved (the
    caller remembers the user's last answer)."""

    first: Month
    last: Month
    month: Month
    today: date
    team: str | None
    folder: Path | None = None
    file_name: Callable[[Month], str] | None = None
    open_when_saved: bool = True


@dataclass(frozen=True)
class PrintChoice:
    """What the dialog was told: the month, where to save (`chosen`: the user named the file, so
    it is used as it is; otherwise a free name in `path`'s folder), and the two options."""

    month: Month
    path: Path
    chosen: bool
    client_list: bool
    open_when_saved: bool


class PrintDialog(FormDialog):
    def __init__(self, parent: QWidget | None, offer: PrintOffer) -> None:
        team = offer.team
        super().__init__(parent, self.tr("Print summary: %1").replace("%1", team or self.tr("all teams")))
        self._today = offer.today
        self._folder = offer.folder or Path.home()
        self._file_name = offer.file_name or (lambda m: f"ddcase {m}.pdf")
        self._chosen: Path | None = None
        self.month_combo = MonthCombo()
        self.month_combo.set_months(offer.first, offer.last)
        self.month_combo.set_current_month(offer.month)
        self.add_row(self.tr("&Month:"), self.month_combo)
        self.path_label = QLabel()
        self.path_label.setWordWrap(True)
        self.path_label.setAccessibleName(self.tr("Save as"))
        self.change_button = QPushButton(self.tr("C&hange..."))
        self.change_button.setAccessibleName(self.tr("Save it somewhere else"))
        where = QWidget()
        row = QHBoxLayout(where)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.path_label, 1)
        row.addWidget(self.change_button)
        self.form.addRow(self.tr("Save as:"), where)
        self.setMinimumWidth(560)
        self.leave_out_check = QCheckBox(
            self.tr("Leave out the &follow-up list (the clients not jointly worked)")
        )
        self.open_check = QCheckBox(self.tr("&Open the PDF when it is saved"))
        self.open_check.setChecked(offer.open_when_saved)
        self.form.addRow("", self.leave_out_check)
        self.form.addRow("", self.open_check)
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_label.setAccessibleName(self.tr("About the month chosen"))
        self.extra.addWidget(self.note_label)
        self.ok_button.setText(self.tr("&Save PDF"))
        self.month_combo.currentIndexChanged.connect(self.revalidate)
        self.change_button.clicked.connect(self._on_change_button_clicked)
        self.revalidate()
        self.month_combo.setFocus()

    def problems(self) -> list[str]:
        return []

    def path(self) -> Path:
        """Where the PDF goes: the file the user named, else the month's name in the folder."""
        if self._chosen is not None:
            return self._chosen
        month = self.month_combo.current_month()
        return self._folder / self._file_name(month or Month.of(self._today))

    def revalidate(self) -> None:
        super().revalidate()
        if not hasattr(self, "note_label"):
            return
        self.path_label.setText(str(self.path()))
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

    @Slot()
    def _on_change_button_clicked(self) -> None:
        chosen = choose_file(
            self, self.tr("Save the summary as PDF"), self.path(), self.tr("PDF files (*.pdf)"), save=True
        )
        if chosen is not None:
            self._chosen = chosen
            self.revalidate()

    def draft(self) -> PrintChoice | None:
        month = self.month_combo.current_month()
        if month is None:
            return None
        return PrintChoice(
            month=month,
            path=self.path(),
            chosen=self._chosen is not None,
            client_list=not self.leave_out_check.isChecked(),
            open_when_saved=self.open_check.isChecked(),
        )

    @classmethod
    def ask(cls, parent: QWidget | None, offer: PrintOffer) -> PrintChoice | None:
        dialog = cls(parent, offer)
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
