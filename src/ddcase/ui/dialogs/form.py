"""What every form dialog shares: a form layout, OK/Cancel, and a line that says why OK is
disabled. Subclasses list their problems in `problems()`; they are checked as the user types."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Slot
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ddcase.domain import FieldProblem
from ddcase.domain.validation import parse_date
from ddcase.ui.text import date_text

FIELD_LABELS = {
    "client_ref": "Reference",
    "initials": "Initials",
    "nhs_number": "NHS number",
    "date_of_birth": "Date of birth",
    "consent_to_share_on": "Consent to share recorded on",
    "ethnicity": "Ethnicity",
    "name": "Name",
    "organisation": "Organisation",
    "email": "Email",
    "phone": "Phone",
    "team": "Team",
    "worker": "Worker",
    "start_date": "Start date",
    "end_date": "End date",
    "date": "Date",
    "mh_worker": "Mental health worker",
    "sm_worker": "Substance misuse worker",
    "note": "Note",
    "duration_minutes": "Duration",
    "text": "Note",
    "min_overlap_days": "Minimum mutual days",
    "joint_contacts_min": "Joint contacts needed",
    "joint_contact_window_days": "Joint contact window",
    "liaison_contacts_min": "Liaison contacts needed",
}


def problem_text(problem: FieldProblem) -> str:
    return f"{FIELD_LABELS.get(problem.field, problem.field)}: {problem.message}"


def optional_date(text: str) -> date | None:
    """A typed date (DD/MM/YYYY or YYYY-MM-DD) or None when blank. Raises ValueError."""
    return parse_date(text) if text.strip() else None


def date_input(accessible_name: str, value: date | None = None) -> QLineEdit:
    """An optional date typed as DD/MM/YYYY."""
    edit = QLineEdit()
    edit.setPlaceholderText("DD/MM/YYYY")
    edit.setAccessibleName(accessible_name)
    if value is not None:
        edit.setText(value.strftime("%d/%m/%Y"))
    return edit


def calendar_input(accessible_name: str, value: date, latest: date) -> QDateEdit:
    edit = QDateEdit(QDate(value.year, value.month, value.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setMaximumDate(QDate(latest.year, latest.month, latest.day))
    edit.setMinimumDate(QDate(1900, 1, 1))
    edit.setAccessibleName(accessible_name)
    return edit


def calendar_date(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


class FormDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #b00020;")
        self.problem_label.setAccessibleName(self.tr("Why OK is not available"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        self.extra = QVBoxLayout()
        layout.addLayout(self.extra)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)

    @property
    def ok_button(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    def add_row(self, label: str, widget: QWidget) -> None:
        """A labelled field; the label is the field's buddy (Alt+letter) and accessible name."""
        self.form.addRow(label, widget)
        if not widget.accessibleName():
            widget.setAccessibleName(label.replace("&", "").rstrip(":"))

    def problems(self) -> list[str]:
        raise NotImplementedError

    @Slot()
    def revalidate(self) -> None:
        problems = self.problems()
        self.ok_button.setEnabled(not problems)
        self.problem_label.setText(problems[0] if problems else "")
        self.problem_label.setVisible(bool(problems))

    def accept(self) -> None:
        if self.problems():  # Enter in a field must not bypass the disabled OK button
            return
        super().accept()


__all__ = ["FormDialog", "calendar_date", "calendar_input", "date_input", "date_text", "optional_date"]
