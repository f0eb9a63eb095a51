"""Every error an import found, listed so the user can fix the files (nothing was written)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from ddcase.domain import ImportProblem


class ImportProblemsDialog(QDialog):
    def __init__(
        self, parent: QWidget | None, problems: list[ImportProblem], total: int | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import rejected"))
        count = len(problems) if total is None else total
        heading = QLabel(
            self.tr("The import found %1 and wrote nothing. Fix the files and import again.").replace(
                "%1", self.tr("1 error") if count == 1 else self.tr("%1 errors").replace("%1", f"{count:,}")
            )
        )
        heading.setWordWrap(True)
        self.problems_edit = QPlainTextEdit("\n".join(str(p) for p in problems))
        self.problems_edit.setReadOnly(True)
        self.problems_edit.setAccessibleName(self.tr("Import errors, one a line"))
        self.problems_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton(self.tr("&Copy the list"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.problems_edit.toPlainText()))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.problems_edit)
        layout.addWidget(buttons)
        self.resize(720, 380)

    @classmethod
    def show_problems(
        cls, parent: QWidget | None, problems: list[ImportProblem], total: int | None = None
    ) -> None:
        dialog = cls(parent, problems, total)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
