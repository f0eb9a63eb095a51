"""Tools > Caseload audits (issue 17): define an audit, draw a month's sample, record the answers
client by client. Each slot asks a dialog, then makes service calls; errors are shown, never a
traceback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMessageBox

from ddcase.domain import DomainError
from ddcase.domain.audits import Answer
from ddcase.ui.actions import make_action
from ddcase.ui.dialogs.audit_answers_dialog import AuditAnswersDialog
from ddcase.ui.dialogs.audit_dialog import AuditDialog
from ddcase.ui.dialogs.audit_sample_dialog import AuditSampleDialog

if TYPE_CHECKING:
    from ddcase.ui.main_window import MainWindow

BUILT_IN = ["Asked about substance use in the last 12 months, recorded", "Care plan addresses substance use"]


class AuditActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.new_audit_action = make_action(
            window, self.tr("New caseload &audit..."), self._on_new_audit_triggered, None,
            self.tr("Define a caseload audit: the two built-in questions and any of your own"),
        )  # fmt: skip
        self.draw_sample_action = make_action(
            window, self.tr("&Draw an audit sample..."), self._on_draw_sample_triggered, None,
            self.tr("Paste a caseload list and draw the month's random sample (the seed is kept)"),
        )  # fmt: skip
        self.record_answers_action = make_action(
            window, self.tr("Record audit a&nswers..."), self._on_record_answers_triggered, None,
            self.tr("Answer the audit's questions for each sampled client, by keyboard"),
        )  # fmt: skip

    @property
    def _audits(self):  # type: ignore[no-untyped-def]  # the window's services change after a restore
        return self._window.services().audits

    def actions(self) -> tuple[QAction, ...]:
        return (self.new_audit_action, self.draw_sample_action, self.record_answers_action)

    @Slot()
    def _on_new_audit_triggered(self) -> None:
        window = self._window
        try:
            draft = AuditDialog.ask(
                window,
                teams=window.services().casework.teams(),
                taken={a.slug for a in self._audits.audits()},
                built_in=BUILT_IN,
            )
            if draft is None:
                return
            self._audits.define(*draft)
        except DomainError as error:
            QMessageBox.warning(window, self.tr("Audit not saved"), str(error))

    @Slot()
    def _on_draw_sample_triggered(self) -> None:
        window = self._window
        try:
            month = window.month()
            request = AuditSampleDialog.ask(
                window,
                audits=[(a.slug, a.name) for a in self._audits.audits()],
                first=month.plus(-23),
                month=month,
            )
            if request is None:
                return
            drawn = self._audits.draw(
                request.slug, request.month, request.caseload, request.size, request.seed
            )
        except DomainError as error:
            QMessageBox.warning(window, self.tr("Sample not drawn"), str(error))
            return
        QMessageBox.information(
            window,
            self.tr("Sample drawn"),
            self.tr("%1 of %2 drawn (seed %3, kept with the sample): %4")
            .replace("%1", str(len(drawn.sample)))
            .replace("%2", str(len(drawn.caseload)))
            .replace("%3", str(drawn.seed))
            .replace("%4", ", ".join(c.client_ref for c in drawn.sample)),
        )

    @Slot()
    def _on_record_answers_triggered(self) -> None:
        window = self._window
        audits = self._audits.audits()
        if not audits:
            QMessageBox.information(
                window, self.tr("No audits yet"), self.tr("Define a caseload audit first.")
            )
            return
        names = [a.name for a in audits]
        name, chosen = QInputDialog.getItem(
            window, self.tr("Record audit answers"), self.tr("&Audit:"), names, 0, False
        )
        if not chosen:
            return
        slug = audits[names.index(name)].slug
        try:
            drawn = self._audits.round(slug, window.month())
        except DomainError as error:
            QMessageBox.warning(window, self.tr("No sample"), str(error))
            return

        def save(client_ref: str, answers: dict[str, Answer]) -> str | None:
            try:
                self._audits.answer(slug, drawn.month, client_ref, answers)
            except DomainError as error:
                return str(error)
            return None

        AuditAnswersDialog.ask(window, round_=drawn, save=save)
