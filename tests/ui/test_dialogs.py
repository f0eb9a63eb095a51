"""The dialogs validate as the user types: OK stays disabled with the reason shown."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QLabel

from ddcase.domain import (
    Client,
    ContactKind,
    Definition,
    ImportProblem,
    Month,
    Outcome,
    Role,
    Service,
    Worker,
)
from ddcase.ui.dialogs.client_dialog import ClientDialog
from ddcase.ui.dialogs.contact_dialog import EPR_REMINDER, ContactDialog
from ddcase.ui.dialogs.definition_dialog import DefinitionDialog
from ddcase.ui.dialogs.import_problems_dialog import ImportProblemsDialog
from ddcase.ui.dialogs.worker_dialog import WorkerDialog

TODAY = date(2026, 11, 22)
WORKERS = [
    Worker("Ann Smith", "ELFT", Service.MENTAL_HEALTH, Role.CARE_COORDINATOR),
    Worker("Bob Jones", "ResoLUTiONs", Service.SUBSTANCE_MISUSE, Role.KEY_WORKER),
]


def contact_dialog(qtbot, **kwargs):
    dialog = ContactDialog(
        None,
        clients=[Client("RT100001", "AB"), Client("RT100002", "CD")],
        workers=WORKERS,
        current_workers={"RT100001": ("Ann Smith", "Bob Jones")},
        today=TODAY,
        **kwargs,
    )
    qtbot.addWidget(dialog)
    return dialog


# typing opens the completer's popup, which the offscreen platform cannot raise or grab the keyboard for
@pytest.mark.qt_log_ignore("This plugin does not support")
def test_the_contact_dialog_waits_for_a_client_then_prefills_both_workers(qtbot):
    dialog = contact_dialog(qtbot)
    assert not dialog.ok_button.isEnabled()
    assert "choose a client" in dialog.problem_label.text()
    assert dialog.reminder_label.text() == EPR_REMINDER
    qtbot.keyClicks(dialog.client_picker, "RT100001")
    assert dialog.ok_button.isEnabled()
    draft = dialog.draft()
    assert (draft.client_ref, draft.date, draft.kind) == ("RT100001", TODAY, ContactKind.JOINT_APPOINTMENT)
    assert (draft.mh_worker, draft.sm_worker, draft.client_present) == ("Ann Smith", "Bob Jones", True)


def test_a_missed_appointment_is_explained_before_it_is_saved(qtbot):
    dialog = contact_dialog(qtbot, client_ref="RT100002")
    dialog.outcome_combo.setCurrentIndex(dialog.outcome_combo.findData(Outcome.DID_NOT_ATTEND.value))
    assert "will not count" in dialog.counting_label.text()
    assert dialog.draft().mh_worker is None  # RT100002 has no open episodes


def test_the_client_dialog_refuses_a_bad_nhs_number_and_a_taken_reference(qtbot):
    dialog = ClientDialog(None, today=TODAY, existing_refs={"RT100001"})
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.reference_edit, "RT100001")
    qtbot.keyClicks(dialog.initials_edit, "xy")
    assert "already in the log" in dialog.problem_label.text()
    dialog.reference_edit.setText("RT100002")
    qtbot.keyClicks(dialog.nhs_number_edit, "943 476 5918")
    assert not dialog.ok_button.isEnabled()
    assert "check digit" in dialog.problem_label.text()
    dialog.nhs_number_edit.setText("943 476 5919")
    qtbot.keyClicks(dialog.consent_edit.line_edit, "01/10/2026")
    assert dialog.ok_button.isEnabled()
    draft = dialog.draft()
    assert (draft.initials, draft.nhs_number, draft.consent_to_share_on) == (
        "XY",
        "9434765919",
        date(2026, 10, 1),
    )
    dialog.consent_edit.line_edit.setText("01/12/2026")
    assert "in the future" in dialog.problem_label.text()


def test_the_worker_dialog_checks_the_email_address(qtbot):
    dialog = WorkerDialog(None, organisations={Service.MENTAL_HEALTH: ["ELFT"]}, taken=set())
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name_edit, "Dee Khan")
    qtbot.keyClicks(dialog.email_edit, "dee.khan")
    assert "Email" in dialog.problem_label.text()
    qtbot.keyClicks(dialog.email_edit, "@nhs.example")
    assert dialog.ok_button.isEnabled()
    assert dialog.draft().role is Role.CARE_COORDINATOR


def test_the_definition_dialog_needs_a_criterion_and_previews_the_words(qtbot):
    dialog = DefinitionDialog(None, current=Definition(), first=Month(2026, 12), last=Month(2027, 6))
    qtbot.addWidget(dialog)
    dialog.agreed_in_edit.setText("team meeting 3 Dec")
    dialog.window_spin.setValue(60)
    assert "in the last 60 days" in dialog.preview_label.text()
    for check in (
        dialog.named_workers_check,
        dialog.consent_check,
        dialog.joint_contact_check,
        dialog.liaison_check,
    ):
        check.setChecked(False)
    assert not dialog.ok_button.isEnabled()
    dialog.consent_check.setChecked(True)
    assert dialog.ok_button.isEnabled()
    assert dialog.draft().first_month == Month(2026, 12)


def test_every_import_problem_is_listed(qtbot):
    problems = [
        ImportProblem("clients.csv", 3, "nhs_number", "not valid"),
        ImportProblem("contacts.csv", 9, "kind", "unknown"),
    ]
    dialog = ImportProblemsDialog(None, problems)
    qtbot.addWidget(dialog)
    assert dialog.problems_edit.toPlainText().splitlines() == [
        "clients.csv:3: nhs_number: not valid",
        "contacts.csv:9: kind: unknown",
    ]


def test_the_import_problems_heading_counts_the_problems_not_listed(qtbot):
    problems = [
        ImportProblem("contacts.csv", 2, "date", "no such date"),
        ImportProblem(
            "contacts.csv", 3, "-", "1,004 more problems are not listed (the first of them on this line)"
        ),
    ]
    dialog = ImportProblemsDialog(None, problems, total=1005)
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("found 1,005 errors and wrote nothing" in text for text in texts)
    assert len(dialog.problems_edit.toPlainText().splitlines()) == 2
