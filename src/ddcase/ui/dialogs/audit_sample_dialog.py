"""Draw a month's sample for a caseload audit (issue 17): paste the caseload list (reference and
initials, one person a line), say how many to sample; the seed is chosen and kept unless one is
given to draw a kept sample again."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from ddcase.domain import DomainError, Month, ValidationError
from ddcase.domain.audits import CaseloadEntry, read_caseload
from ddcase.ui.dialogs.form import FormDialog
from ddcase.ui.widgets.month_combo import MonthCombo


@dataclass(frozen=True, slots=True)
class SampleRequest:
    slug: str
    month: Month
    caseload: list[CaseloadEntry]
    size: int
    seed: int | None


class AuditSampleDialog(FormDialog):
    def __init__(
        self, parent: QWidget | None, *, audits: list[tuple[str, str]], first: Month, month: Month
    ) -> None:
        super().__init__(parent, self.tr("Draw a caseload audit sample"))
        self.audit_combo = QComboBox()
        for slug, name in audits:
            self.audit_combo.addItem(name, slug)
        self.month_combo = MonthCombo()
        self.month_combo.set_months(first, month)
        self.month_combo.set_current_month(month)
        self.caseload_edit = QPlainTextEdit()
        self.caseload_edit.setTabChangesFocus(True)
        self.caseload_edit.setPlaceholderText(
            self.tr("Paste the caseload: one person a line, reference then initials")
        )
        self.size_spin = QSpinBox()
        self.size_spin.setRange(1, 500)
        self.size_spin.setValue(10)
        self.seed_edit = QLineEdit()
        self.seed_edit.setPlaceholderText(self.tr("blank: a new random seed, kept with the sample"))
        self.add_row(self.tr("&Audit:"), self.audit_combo)
        self.add_row(self.tr("&Month:"), self.month_combo)
        self.add_row(self.tr("&Caseload:"), self.caseload_edit)
        self.add_row(self.tr("Sample si&ze:"), self.size_spin)
        self.add_row(self.tr("S&eed:"), self.seed_edit)
        self.setMinimumWidth(520)
        self.caseload_edit.textChanged.connect(self.revalidate)
        self.seed_edit.textChanged.connect(self.revalidate)
        self.revalidate()

    def _read(self) -> tuple[list[CaseloadEntry], str | None]:
        try:
            return read_caseload(self.caseload_edit.toPlainText()), None
        except ValidationError as error:
            return [], self.tr("Caseload, %1").replace("%1", error.problems[0].message)
        except DomainError:
            return [], self.tr("Caseload: paste one person a line, reference then initials")

    def problems(self) -> list[str]:
        if self.audit_combo.currentData() is None:
            return [self.tr("Audit: define an audit first")]
        _, problem = self._read()
        if problem:
            return [problem]
        seed = self.seed_edit.text().strip()
        if seed and (not seed.isdigit() or int(seed) >= 2**31):
            return [self.tr("Seed: a whole number from 0 to 2147483647, or blank")]
        return []

    def draft(self) -> SampleRequest:
        month = self.month_combo.current_month()
        assert month is not None
        seed = self.seed_edit.text().strip()
        return SampleRequest(
            self.audit_combo.currentData(),
            month,
            self._read()[0],
            self.size_spin.value(),
            int(seed) if seed else None,
        )

    @classmethod
    def ask(
        cls, parent: QWidget | None, *, audits: list[tuple[str, str]], first: Month, month: Month
    ) -> SampleRequest | None:
        dialog = cls(parent, audits=audits, first=first, month=month)
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
