"""A team's aim (a percentage by a month) and baseline for the chart (SPEC §5)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QLineEdit, QSpinBox, QWidget

from ddcase.domain import MeasureSettings, Month
from ddcase.domain.validation import text_problem
from ddcase.ui.dialogs.form import FormDialog
from ddcase.ui.widgets.month_combo import MonthCombo


class AimDialog(FormDialog):
    def __init__(
        self, parent: QWidget | None, *, settings: MeasureSettings, first: Month, last: Month
    ) -> None:
        scope = settings.team or self.tr("all teams")
        super().__init__(parent, self.tr("Aim and baseline: %1").replace("%1", scope))
        self._original = settings
        self.aim_check = QCheckBox(self.tr("The team has an aim"))
        self.aim_spin = QDoubleSpinBox()
        self.aim_spin.setRange(0, 100)
        self.aim_spin.setDecimals(0)
        self.aim_spin.setSuffix("%")
        self.aim_by_combo = MonthCombo()
        self.aim_by_combo.set_months(first, last)
        self.aim_text_edit = QLineEdit()
        self.aim_text_edit.setPlaceholderText(
            self.tr("e.g. Half of our mutual clients jointly worked by March")
        )
        self.baseline_check = QCheckBox(self.tr("Fix the centre line and limits from a baseline"))
        self.baseline_spin = QSpinBox()
        self.baseline_spin.setRange(1, 60)
        self.baseline_spin.setValue(12)
        self.baseline_spin.setSuffix(self.tr(" months at the start of each part"))
        self.add_row("", self.aim_check)
        self.add_row(self.tr("&Aim:"), self.aim_spin)
        self.add_row(self.tr("&By:"), self.aim_by_combo)
        self.add_row(self.tr("Aim in &words:"), self.aim_text_edit)
        self.add_row("", self.baseline_check)
        self.add_row(self.tr("Base&line:"), self.baseline_spin)
        self.aim_check.setChecked(settings.aim_percentage is not None)
        self.aim_spin.setValue(settings.aim_percentage or 50)
        self.aim_by_combo.set_current_month(settings.aim_by or last)
        self.aim_text_edit.setText(settings.aim_text or "")
        self.baseline_check.setChecked(settings.baseline_months is not None)
        self.baseline_spin.setValue(settings.baseline_months or 12)
        self.aim_check.toggled.connect(self.revalidate)
        self.baseline_check.toggled.connect(self.revalidate)
        self.aim_text_edit.textChanged.connect(self.revalidate)
        self.revalidate()

    def problems(self) -> list[str]:
        message = text_problem("text", self.aim_text_edit.text())
        return [self.tr("Aim in words: %1").replace("%1", message)] if message else []

    def revalidate(self) -> None:
        super().revalidate()
        if hasattr(self, "baseline_spin"):
            for widget in (self.aim_spin, self.aim_by_combo, self.aim_text_edit):
                widget.setEnabled(self.aim_check.isChecked())
            self.baseline_spin.setEnabled(self.baseline_check.isChecked())

    def draft(self) -> MeasureSettings:
        aim = self.aim_check.isChecked()
        return replace(
            self._original,
            aim_percentage=self.aim_spin.value() if aim else None,
            aim_by=self.aim_by_combo.current_month() if aim else None,
            aim_text=(self.aim_text_edit.text().strip() or None) if aim else None,
            baseline_months=self.baseline_spin.value() if self.baseline_check.isChecked() else None,
        )

    @classmethod
    def ask(
        cls, parent: QWidget | None, *, settings: MeasureSettings, first: Month, last: Month
    ) -> MeasureSettings | None:
        dialog = cls(parent, settings=settings, first=first, last=last)
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
