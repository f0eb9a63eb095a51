"""Add or edit a note on the chart: a change idea, a PDSA cycle, an event (SPEC §5)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from ddcase.domain import Annotation, Month
from ddcase.domain.validation import MAX_LENGTH, text_problem
from ddcase.ui.dialogs.form import FormDialog
from ddcase.ui.widgets.month_combo import MonthCombo


class NoteDialog(FormDialog):
    def __init__(
        self,
        parent: QWidget | None,
        *,
        first: Month,
        last: Month,
        month: Month,
        team: str | None,
        note: Annotation | None = None,
    ) -> None:
        super().__init__(parent, self.tr("Edit note") if note else self.tr("New note on the chart"))
        self._team = team
        self._original = note
        self.month_combo = MonthCombo()
        self.month_combo.set_months(first, last)
        self.month_combo.set_current_month(note.month if note else month)
        self.text_edit = QLineEdit()
        self.text_edit.setMaxLength(MAX_LENGTH["text"])
        self.text_edit.setPlaceholderText(self.tr("e.g. PDSA 1: weekly joint clinic started"))
        self.new_part_check = QCheckBox(
            self.tr("A change to the process: start a new part of the chart here")
        )
        self.add_row(self.tr("&Month:"), self.month_combo)
        self.add_row(self.tr("&Note:"), self.text_edit)
        self.add_row("", self.new_part_check)
        self.setMinimumWidth(480)
        if note is not None:
            self.text_edit.setText(note.text)
            self.new_part_check.setChecked(note.new_part)
        self.text_edit.textChanged.connect(self.revalidate)
        self.revalidate()

    def problems(self) -> list[str]:
        message = text_problem("text", self.text_edit.text(), required=True)
        return [self.tr("Note: %1").replace("%1", message)] if message else []

    def draft(self) -> Annotation:
        month = self.month_combo.current_month()
        assert month is not None
        note = Annotation(
            month=month,
            text=self.text_edit.text().strip(),
            team=self._team,
            new_part=self.new_part_check.isChecked(),
        )
        if self._original is not None:
            note = replace(
                note, id=self._original.id, version=self._original.version, team=self._original.team
            )
        return note

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        first: Month,
        last: Month,
        month: Month,
        team: str | None,
        note: Annotation | None = None,
    ) -> Annotation | None:
        dialog = cls(parent, first=first, last=last, month=month, team=team, note=note)
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
