"""Ending an episode while the other service is still open (issue 17: never discharged alone):
was the other service involved? A reason says how; without one the discharge is still saved,
but flagged on To do for the other side's worker and in the meeting PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QWidget

from ddcase.domain import Service
from ddcase.domain.validation import MAX_LENGTH
from ddcase.ui.dialogs.form import FormDialog
from ddcase.ui.text import date_text


@dataclass(frozen=True, slots=True)
class DischargeAnswer:
    """The reason the other service counts as involved, or None: discharged without it."""

    reason: str | None


class DischargeDialog(FormDialog):
    def __init__(
        self,
        parent: QWidget | None,
        *,
        client_ref: str,
        service: Service,
        end_date: date,
        other_worker: str | None,
    ) -> None:
        super().__init__(parent, self.tr("Was the other service involved?"))
        other = Service.SUBSTANCE_MISUSE if service is Service.MENTAL_HEALTH else Service.MENTAL_HEALTH
        who = other_worker or self.tr("the %1 service").replace("%1", other.label.lower())
        question = QLabel(
            self.tr(
                "%1 is still open to the %2 service, and no contact with %3 is recorded in the 30 "
                "days up to %4. Say how the other service was involved in ending the %5 episode, "
                "or end it without them: it will be flagged on %3's To do and in the meeting summary."
            )
            .replace("%1", client_ref)
            .replace("%2", other.label.lower())
            .replace("%3", who)
            .replace("%4", date_text(end_date))
            .replace("%5", service.label.lower())
        )
        question.setWordWrap(True)
        self.form.addRow(question)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(MAX_LENGTH["note"])
        self.reason_edit.setPlaceholderText(self.tr("e.g. agreed with Ann Smith at the MDT on 3 Dec"))
        self.alone_check = QCheckBox(self.tr("End it &without the other service (flagged)"))
        self.add_row(self.tr("&How involved:"), self.reason_edit)
        self.add_row("", self.alone_check)
        self.setMinimumWidth(520)
        self.reason_edit.textChanged.connect(self.revalidate)
        self.alone_check.toggled.connect(self.revalidate)
        self.revalidate()

    def problems(self) -> list[str]:
        reason = self.reason_edit.text().strip()
        if reason and self.alone_check.isChecked():
            return [self.tr("Give a reason or end it without the other service, not both")]
        if not reason and not self.alone_check.isChecked():
            return [self.tr("How involved: say how, or tick 'End it without the other service'")]
        return []

    def draft(self) -> DischargeAnswer:
        return DischargeAnswer(self.reason_edit.text().strip() or None)

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        client_ref: str,
        service: Service,
        end_date: date,
        other_worker: str | None,
    ) -> DischargeAnswer | None:
        dialog = cls(
            parent, client_ref=client_ref, service=service, end_date=end_date, other_worker=other_worker
        )
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
