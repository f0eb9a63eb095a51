"""What every form dialog shares: a form layout, OK/Cancel, and a line that says why OK is
disabled. Subclasses list their problems in `problems()`; they are checked as the user types.

The one home of "OK only when the form is valid" (issue 12): a DateField added with `add_row`
is checked by itself (its reason shown beside it), OK and Enter do nothing while any field or
`problems()` has a problem, and the dialog opens with the focus on its first field (or the
widget a subclass gave the focus), never on a button."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ddcase.domain import FieldProblem
from ddcase.ui.widgets.date_field import DateField

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
        self.date_fields: list[DateField] = []

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
        if isinstance(widget, DateField):
            caption = self.form.labelForField(widget)
            if isinstance(caption, QLabel):
                caption.setBuddy(widget.line_edit)
            self.date_fields.append(widget)
            widget.changed.connect(self.revalidate)

    def problems(self) -> list[str]:
        """The form's own problems; called only once every date field holds an acceptable date
        (or is blank and optional), so it may read each one's `date()`."""
        raise NotImplementedError

    def field_problems(self) -> list[str]:
        return [
            f"{field.accessibleName()}: {problem}"
            for field in self.date_fields
            if (problem := field.problem())
        ]

    def current_problems(self) -> list[str]:
        """Why OK is not available now (nothing when it is)."""
        return self.field_problems() or self.problems()

    @Slot()
    def revalidate(self) -> None:
        problems = self.current_problems()
        self.ok_button.setEnabled(not problems)
        self.problem_label.setText(problems[0] if problems else "")
        self.problem_label.setVisible(bool(problems))
        self._grow_to_fit()

    def _grow_to_fit(self) -> None:
        """Taller when a reason appears (beside a field or under the form) in a dialog already
        shown, so no line is cut off; Qt does not grow a window for wrapped text by itself."""
        layout = self.layout()
        if layout is None or not self.isVisible():
            return
        layout.activate()
        needed = (
            layout.totalHeightForWidth(self.width())
            if layout.hasHeightForWidth()
            else layout.totalMinimumSize().height()
        )
        if needed > self.height():
            self.resize(self.width(), needed)

    def accept(self) -> None:
        if self.current_problems():  # Enter in a field must not bypass the disabled OK button
            return
        super().accept()

    def first_field(self) -> QWidget | None:
        """The first field of the form that takes the keyboard: where typing should start."""
        for row in range(self.form.rowCount()):
            for role in (QFormLayout.ItemRole.FieldRole, QFormLayout.ItemRole.SpanningRole):
                item = self.form.itemAt(row, role)
                widget = item.widget() if item is not None else None
                if widget is None:
                    continue
                target = widget.focusProxy() or widget
                if (
                    target.isEnabled()
                    and not target.isHidden()
                    and target.focusPolicy() & Qt.FocusPolicy.TabFocus
                ):
                    return widget
        return None

    def showEvent(self, event: QShowEvent) -> None:
        # The buttons are made before the fields, so Qt's own choice would be OK or Cancel, and
        # the first keystrokes would go nowhere or press it (issue 12).
        if self.focusWidget() is None and (first := self.first_field()) is not None:
            first.setFocus(Qt.FocusReason.TabFocusReason)
        super().showEvent(event)


__all__ = ["DateField", "FormDialog", "problem_text"]
