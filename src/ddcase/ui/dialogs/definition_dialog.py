"""Agree a new version of the operational definition from a month on (SPEC §2)."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QMessageBox, QPushButton, QSpinBox, QWidget

from ddcase.domain import Definition, Month
from ddcase.domain.validation import MAX_LENGTH, check_definition
from ddcase.services.definitions import Rejudged, same_as_text
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


#: The months a draft would judge again, each before and after (the window passes it in).
RejudgedFor = Callable[["DefinitionDraft"], list[Rejudged]]


class DefinitionDialog(FormDialog):
    """`current` is the latest version: the form starts from its criteria and parameters, and the
    same again is refused. `month` is the first month offered by default (next month); a first
    month up to `this_month` re-judges months already shown, so OK then lists them with their
    figures before and after (`rejudged`) and asks to confirm, with "Go back" the default."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        current: Definition,
        first: Month,
        last: Month,
        month: Month | None = None,
        this_month: Month | None = None,
        rejudged: RejudgedFor | None = None,
    ) -> None:
        super().__init__(parent, self.tr("Agree a new definition"))
        self._current = current
        self._this_month = this_month
        self._rejudged = rejudged
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
        self.month_combo.set_current_month(month or first)
        self.rejudge_label = QLabel()
        self.rejudge_label.setWordWrap(True)
        self.rejudge_label.setStyleSheet("color: #8a4b00; font-weight: bold;")
        self.named_workers_check = QCheckBox(self.tr("Both services name a worker"))
        self.consent_check = QCheckBox(self.tr("Consent to share is recorded"))
        self.joint_contact_check = QCheckBox(self.tr("Joint appointment or care plan review in the window"))
        self.liaison_check = QCheckBox(self.tr("Liaison in the month"))
        self.joint_min_spin = _spin(1, 50, current.joint_contacts_min, self.tr(" contacts"))
        self.window_spin = _spin(1, 730, current.joint_contact_window_days, self.tr(" days"))
        self.liaison_min_spin = _spin(1, 50, current.liaison_contacts_min, self.tr(" contacts"))
        self.overlap_spin = _spin(1, 31, current.min_overlap_days, self.tr(" days"))
        self.written_check = QCheckBox(self.tr("Emails and letters count as contacts"))
        self.agreed_in_edit = QLineEdit()
        self.agreed_in_edit.setMaxLength(MAX_LENGTH["agreed_in"])
        self.agreed_in_edit.setPlaceholderText(self.tr("When and where, e.g. team meeting 3 Dec"))
        self.note_edit = QLineEdit()
        self.note_edit.setMaxLength(MAX_LENGTH["note"])
        self.note_edit.setPlaceholderText(self.tr("Why (optional)"))
        self.named_workers_check.setChecked(current.named_workers)
        self.consent_check.setChecked(current.consent)
        self.joint_contact_check.setChecked(current.joint_contact)
        self.liaison_check.setChecked(current.liaison)
        self.written_check.setChecked(current.written_contacts_count)
        self.preview_label = QLabel()
        self.preview_label.setWordWrap(True)
        self.preview_label.setStyleSheet("font-style: italic;")
        self.add_row(self.tr("In force &from:"), self.month_combo)
        self.form.addRow("", self.rejudge_label)
        self.add_row(self.tr("Criteria:"), self.named_workers_check)
        self.add_row("", self.consent_check)
        self.add_row("", self.joint_contact_check)
        self.add_row(self.tr("&Joint contacts needed:"), self.joint_min_spin)
        self.add_row(self.tr("Joint contact &window:"), self.window_spin)
        self.add_row("", self.liaison_check)
        self.add_row(self.tr("&Liaison contacts needed:"), self.liaison_min_spin)
        self.add_row(self.tr("&Minimum mutual days:"), self.overlap_spin)
        self.add_row("", self.written_check)
        self.add_row(self.tr("&Agreed at:"), self.agreed_in_edit)
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
        self.agreed_in_edit.textChanged.connect(self.revalidate)
        self.month_combo.currentIndexChanged.connect(self.revalidate)
        self.revalidate()
        self.month_combo.setFocus()

    def problems(self) -> list[str]:
        definition = self.draft().definition
        problems = []
        if definition.rules() == self._current.rules():
            problems.append(self.tr("Definition: %1").replace("%1", same_as_text(self._current)))
        problems += [problem_text(p) for p in check_definition(definition)]
        if not definition.enabled():
            problems.append(self.tr("Criteria: enable at least one criterion"))
        if self.month_combo.current_month() is None:
            problems.append(self.tr("In force from: choose a month"))
        if not self.agreed_in_edit.text().strip():
            problems.append(self.tr("Agreed at: say when and where the team agreed it"))
        return problems

    def _rejudges(self) -> bool:
        month = self.month_combo.current_month()
        return month is not None and self._this_month is not None and month <= self._this_month

    def revalidate(self) -> None:
        super().revalidate()
        if hasattr(self, "preview_label"):
            self.preview_label.setText(self.draft().definition.plain_words())
            self.joint_min_spin.setEnabled(self.joint_contact_check.isChecked())
            self.window_spin.setEnabled(self.joint_contact_check.isChecked())
            self.liaison_min_spin.setEnabled(self.liaison_check.isChecked())
            month = self.month_combo.current_month()
            if self._rejudges() and month is not None and self._this_month is not None:
                count = self._this_month.index - month.index + 1
                self.rejudge_label.setText(
                    self.tr(
                        "From %1 this judges again %2 month(s) whose figures have been shown. OK "
                        "lists each one's figure before and after, to confirm."
                    )
                    .replace("%1", month.label())
                    .replace("%2", str(count))
                )
            self.rejudge_label.setVisible(self._rejudges())

    def accept(self) -> None:
        """OK with a first month that has begun asks first, listing what it changes."""
        if self.problems():
            return
        if (
            self._rejudges()
            and self._rejudged is not None
            and not self._confirmed(self._rejudged(self.draft()))
        ):
            return
        super().accept()

    def _confirmed(self, months: list[Rejudged]) -> bool:
        box, confirm = self.confirm_box(months)
        box.exec()
        chosen = box.clickedButton() is confirm
        box.deleteLater()
        return chosen

    def confirm_box(self, months: list[Rejudged]) -> tuple[QMessageBox, QPushButton]:
        """The question OK asks when the first month has begun: each month judged again, with
        its figure before and after; "Go back" is the default (Enter) and Escape."""
        lines = []
        for month in months:
            b, a = month.before, month.after
            lines.append(
                self.tr("%1: %2 of %3 becomes %4 of %5")
                .replace("%1", month.month.label() + (self.tr(" (so far)") if month.so_far else ""))
                .replace("%2", str(b.jointly_worked))
                .replace("%3", str(b.mutual_clients))
                .replace("%4", str(a.jointly_worked))
                .replace("%5", str(a.mutual_clients))
                + ("" if month.changed() else self.tr(" (no change)"))
            )
        changed = sum(m.changed() for m in months)
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Judge past months again?"))
        box.setText(
            self.tr(
                "From %1 the new definition judges again %2 month(s) whose figures have been shown; "
                "%3 of them change (every team):"
            )
            .replace("%1", months[0].month.label() if months else "")
            .replace("%2", str(len(months)))
            .replace("%3", str(changed))
        )
        # One line a month, never wrapped mid-figure (a message box's text column is narrow).
        box.setInformativeText(
            "<p style='white-space:pre'>"
            + "<br>".join(html.escape(line) for line in lines)
            + "</p><p>"
            + html.escape(
                self.tr(
                    "A report already printed keeps its figures; the next one of these months "
                    "says what was revised."
                )
            )
            + "</p>"
        )
        go_back = box.addButton(self.tr("Go back"), QMessageBox.ButtonRole.RejectRole)
        confirm = box.addButton(
            self.tr("&Re-judge %1 month(s)").replace("%1", str(len(months))),
            QMessageBox.ButtonRole.AcceptRole,
        )
        box.setDefaultButton(go_back)
        box.setEscapeButton(go_back)
        return box, confirm

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
            agreed_in=self.agreed_in_edit.text().strip() or None,
        )
        month = self.month_combo.current_month()
        return DefinitionDraft(definition, month or Month(1, 1))

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        current: Definition,
        first: Month,
        last: Month,
        month: Month | None = None,
        this_month: Month | None = None,
        rejudged: RejudgedFor | None = None,
    ) -> DefinitionDraft | None:
        dialog = cls(
            parent,
            current=current,
            first=first,
            last=last,
            month=month,
            this_month=this_month,
            rejudged=rejudged,
        )
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
