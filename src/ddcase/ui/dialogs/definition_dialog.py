"""Agree a new version of the operational definition from a month on (SPEC §2)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QSpinBox, QWidget

from ddcase.domain import Definition, Month
from ddcase.domain.validation import check_definition
from ddcase.ui.dialogs.form import FormDialog, problem_text
from ddcase.ui.widgets.month_combo import MonthCombo


@dataclass(frozen=True, slots=True)
class DefinitionDraft:
    definition: Definition
    first_month: Month


def _spin(low: int, high: int, value: int, suffix: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setSuffix(suffix)
    return spin


class DefinitionDialog(FormDialog):
    def __init__(self, parent: QWidget | None, *, current: Definition, first: Month, last: Month) -> None:
        super().__init__(parent, self.tr("Agree a new definition"))
        intro = QLabel(
            self.tr(
                "The new definition judges the month you choose and every month after it. Earlier "
                "months keep the definition they were judged by, so their figures do not move."
            )
        )
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.month_combo = MonthCombo()
        self.month_combo.set_months(first, last)
        self.month_combo.set_current_month(first)
        self.named_workers_check = QCheckBox(self.tr("Both services name a worker"))
        self.consent_check = QCheckBox(self.tr("Consent to share is recorded"))
        self.joint_contact_check = QCheckBox(self.tr("Joint appointment or care plan review in the window"))
        self.liaison_check = QCheckBox(self.tr("Liaison in the month"))
        self.joint_min_spin = _spin(1, 50, current.joint_contacts_min, self.tr(" contacts"))
        self.window_spin = _spin(1, 730, current.joint_contact_window_days, self.tr(" days"))
        self.liaison_min_spin = _spin(1, 50, current.liaison_contacts_min, self.tr(" contacts"))
        self.overlap_spin = _spin(1, 31, current.min_overlap_days, self.tr(" days"))
        self.written_check = QCheckBox(self.tr("Emails and letters count as contacts"))
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(
            self.tr("Why, and where it was agreed (e.g. the team meeting of 4 Nov)")
        )
        self.named_workers_check.setChecked(current.named_workers)
        self.consent_check.setChecked(current.consent)
        self.joint_contact_check.setChecked(current.joint_contact)
        self.liaison_check.setChecked(current.liaison)
        self.written_check.setChecked(current.written_contacts_count)
        self.preview_label = QLabel()
        self.preview_label.setWordWrap(True)
        self.preview_label.setStyleSheet("font-style: italic;")
        self.add_row(self.tr("In force &from:"), self.month_combo)
        self.add_row(self.tr("Criteria:"), self.named_workers_check)
        self.add_row("", self.consent_check)
        self.add_row("", self.joint_contact_check)
        self.add_row(self.tr("&Joint contacts needed:"), self.joint_min_spin)
        self.add_row(self.tr("Joint contact &window:"), self.window_spin)
        self.add_row("", self.liaison_check)
        self.add_row(self.tr("&Liaison contacts needed:"), self.liaison_min_spin)
        self.add_row(self.tr("&Minimum mutual days:"), self.overlap_spin)
        self.add_row("", self.written_check)
        self.add_row(self.tr("&Note:"), self.note_edit)
        self.form.addRow(self.preview_label)
        self.setMinimumWidth(560)
        for check in (
            self.named_workers_check,
            self.consent_check,
            self.joint_contact_check,
            self.liaison_check,
            self.written_check,
        ):
            check.toggled.connect(self.revalidate)
        for spin in (self.joint_min_spin, self.window_spin, self.liaison_min_spin, self.overlap_spin):
            spin.valueChanged.connect(self.revalidate)
        self.note_edit.textChanged.connect(self.revalidate)
        self.revalidate()

    def problems(self) -> list[str]:
        definition = self.draft().definition
        problems = [problem_text(p) for p in check_definition(definition)]
        if not definition.enabled():
            problems.append(self.tr("Criteria: enable at least one criterion"))
        if self.month_combo.current_month() is None:
            problems.append(self.tr("In force from: choose a month"))
        return problems

    def revalidate(self) -> None:
        super().revalidate()
        if hasattr(self, "preview_label"):
            self.preview_label.setText(self.draft().definition.plain_words())
            self.joint_min_spin.setEnabled(self.joint_contact_check.isChecked())
            self.window_spin.setEnabled(self.joint_contact_check.isChecked())
            self.liaison_min_spin.setEnabled(self.liaison_check.isChecked())

    def draft(self) -> DefinitionDraft:
        definition = Definition(
            named_workers=self.named_workers_check.isChecked(),
            consent=self.consent_check.isChecked(),
            joint_contact=self.joint_contact_check.isChecked(),
            liaison=self.liaison_check.isChecked(),
            joint_contacts_min=self.joint_min_spin.value(),
            joint_contact_window_days=self.window_spin.value(),
            liaison_contacts_min=self.liaison_min_spin.value(),
            min_overlap_days=self.overlap_spin.value(),
            written_contacts_count=self.written_check.isChecked(),
            note=self.note_edit.text().strip() or None,
        )
        month = self.month_combo.current_month()
        return DefinitionDraft(definition, month or Month(1, 1))

    @classmethod
    def ask(
        cls, parent: QWidget | None, *, current: Definition, first: Month, last: Month
    ) -> DefinitionDraft | None:
        dialog = cls(parent, current=current, first=first, last=last)
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
