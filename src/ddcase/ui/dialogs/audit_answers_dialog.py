"""Record a caseload audit's answers client by client (issue 17): one sampled person at a time,
each question answered Yes, No or Does not apply by its first letter; Enter saves the person's
answers (through `save`, so nothing typed is lost) and moves to the next."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QWidget

from ddcase.domain.audits import Answer, AuditRound
from ddcase.ui.dialogs.form import FormDialog

#: saves one person's answers; returns a problem to show, or None when saved
Save = Callable[[str, dict[str, Answer]], str | None]


class _AnswerCombo(QComboBox):
    """Y, N or D chooses at once (a combo's own type-ahead joins letters typed within a moment,
    so a quick "n" after the last person's "y" would find nothing)."""

    LETTERS = {"y": Answer.YES, "n": Answer.NO, "d": Answer.NOT_APPLICABLE}

    def keyPressEvent(self, event: QKeyEvent) -> None:
        answer = self.LETTERS.get(event.text().lower())
        if answer is None or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
            return
        self.setCurrentIndex(self.findData(answer.value))


class AuditAnswersDialog(FormDialog):
    def __init__(self, parent: QWidget | None, *, round_: AuditRound, save: Save) -> None:
        super().__init__(
            parent,
            self.tr("Caseload audit: %1, %2")
            .replace("%1", round_.audit.name)
            .replace("%2", round_.month.label()),
        )
        self._round = round_
        self._save = save
        self._answers = {c.client_ref: dict(c.answers) for c in round_.sample}
        self._index = 0
        self.person_label = QLabel()
        font = self.person_label.font()
        font.setBold(True)
        self.person_label.setFont(font)
        self.form.addRow(self.person_label)
        self.answer_combos: dict[str, QComboBox] = {}
        for number, question in enumerate(round_.audit.questions, start=1):
            combo = _AnswerCombo()
            combo.addItem("", None)
            for answer in Answer:  # each starts with its own letter: Y, N, D
                label = self.tr("Does not apply (N/A)") if answer is Answer.NOT_APPLICABLE else answer.label
                combo.addItem(label, answer.value)
            combo.currentIndexChanged.connect(self.revalidate)
            self.answer_combos[question.key] = combo
            self.add_row(f"&{number}. {question.text}:" if number < 10 else f"{question.text}:", combo)
        self.ok_button.setText(self.tr("&Save and next"))
        self.previous_button = QPushButton(self.tr("&Previous"))
        self.buttons.addButton(self.previous_button, self.buttons.ButtonRole.ActionRole)
        self.previous_button.clicked.connect(self._on_previous_button_clicked)
        self.setMinimumWidth(560)
        self._show_person()

    def _show_person(self) -> None:
        case = self._round.sample[self._index]
        self.person_label.setText(
            self.tr("%1 of %2: %3 %4")
            .replace("%1", str(self._index + 1))
            .replace("%2", str(len(self._round.sample)))
            .replace("%3", case.client_ref)
            .replace("%4", case.initials)
        )
        given = self._answers[case.client_ref]
        for key, combo in self.answer_combos.items():
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(given[key].value)) if key in given else 0)
            combo.blockSignals(False)
        self.previous_button.setEnabled(self._index > 0)
        first = next(iter(self.answer_combos.values()), None)
        if first is not None:
            first.setFocus()
        self.revalidate()

    def current_client_ref(self) -> str:
        return self._round.sample[self._index].client_ref

    def problems(self) -> list[str]:
        if any(combo.currentData() is None for combo in self.answer_combos.values()):
            return [self.tr("Answer every question: Y for yes, N for no, D if it does not apply")]
        return []

    def accept(self) -> None:
        if self.current_problems():
            return
        ref = self.current_client_ref()
        answers = {key: Answer(combo.currentData()) for key, combo in self.answer_combos.items()}
        problem = self._save(ref, answers)
        if problem is not None:
            self.problem_label.setText(problem)
            self.problem_label.setVisible(True)
            return
        self._answers[ref] = answers
        if self._index + 1 >= len(self._round.sample):
            super().accept()
            return
        self._index += 1
        self._show_person()

    @Slot()
    def _on_previous_button_clicked(self) -> None:
        if self._index > 0:
            self._index -= 1
            self._show_person()

    @classmethod
    def ask(cls, parent: QWidget | None, *, round_: AuditRound, save: Save) -> bool:
        """True when every sampled person was answered to the end."""
        dialog = cls(parent, round_=round_, save=save)
        try:
            return dialog.exec() == cls.DialogCode.Accepted
        finally:
            dialog.deleteLater()
