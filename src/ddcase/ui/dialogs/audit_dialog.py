"""Define a caseload audit (issue 17): a short name, a title, the team, and any questions beyond
the two built in (one a line, `key = question`)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from ddcase.domain.audits import AuditQuestion, key_problem
from ddcase.ui.dialogs.form import FormDialog


class AuditDialog(FormDialog):
    def __init__(
        self, parent: QWidget | None, *, teams: list[str], taken: set[str], built_in: list[str]
    ) -> None:
        super().__init__(parent, self.tr("New caseload audit"))
        self._taken = taken
        self.slug_edit = QLineEdit()
        self.slug_edit.setPlaceholderText(self.tr("e.g. north-cmht (lower case, no spaces)"))
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("e.g. North CMHT caseload audit"))
        self.team_combo = QComboBox()
        self.team_combo.setEditable(True)
        self.team_combo.addItems(["", *teams])
        self.questions_edit = QPlainTextEdit()
        self.questions_edit.setTabChangesFocus(True)
        self.questions_edit.setPlaceholderText(self.tr("one a line: key = question (optional)"))
        self.questions_edit.setFixedHeight(80)
        self.add_row(self.tr("&Short name:"), self.slug_edit)
        self.add_row(self.tr("&Title:"), self.name_edit)
        self.add_row(self.tr("T&eam:"), self.team_combo)
        built = QLabel(self.tr("Always asked: %1").replace("%1", "; ".join(built_in)))
        built.setWordWrap(True)
        self.form.addRow(built)
        self.add_row(self.tr("&More questions:"), self.questions_edit)
        self.setMinimumWidth(520)
        self.slug_edit.textChanged.connect(self.revalidate)
        self.name_edit.textChanged.connect(self.revalidate)
        self.questions_edit.textChanged.connect(self.revalidate)
        self.revalidate()

    def _questions(self) -> tuple[list[AuditQuestion], list[str]]:
        found, problems = [], []
        for number, line in enumerate(self.questions_edit.toPlainText().splitlines(), start=1):
            if not line.strip():
                continue
            key, sep, text = line.partition("=")
            if not sep or key_problem(key.strip()) or not text.strip():
                problems.append(
                    self.tr("More questions, line %1: write key = question").replace("%1", str(number))
                )
            else:
                found.append(AuditQuestion(key.strip(), text.strip()))
        return found, problems

    def problems(self) -> list[str]:
        slug = self.slug_edit.text().strip()
        if (problem := key_problem(slug)) is not None:
            return [self.tr("Short name: %1").replace("%1", problem)]
        if slug in self._taken:
            return [self.tr("Short name: there is already an audit called %1").replace("%1", slug)]
        if not self.name_edit.text().strip():
            return [self.tr("Title: give the audit a title")]
        return self._questions()[1]

    def draft(self) -> tuple[str, str, str | None, list[AuditQuestion]]:
        return (
            self.slug_edit.text().strip(),
            self.name_edit.text().strip(),
            self.team_combo.currentText().strip() or None,
            self._questions()[0],
        )

    @classmethod
    def ask(
        cls, parent: QWidget | None, *, teams: list[str], taken: set[str], built_in: list[str]
    ) -> tuple[str, str, str | None, list[AuditQuestion]] | None:
        dialog = cls(parent, teams=teams, taken=taken, built_in=built_in)
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
