"""A caseload audit by keyboard (issue 17): Tools > define it, paste a caseload and draw the
month's sample, then answer client by client (Y, N, D and Enter), all kept through the service."""

from __future__ import annotations

from PySide6.QtCore import Qt
from tests.ui.keys import Keyboard, Modal, back_to

from ddcase.domain import Month
from ddcase.domain.audits import Answer
from ddcase.ui.dialogs.audit_answers_dialog import AuditAnswersDialog
from ddcase.ui.dialogs.audit_dialog import AuditDialog
from ddcase.ui.dialogs.audit_sample_dialog import AuditSampleDialog


def test_define_sample_and_answer_by_keyboard(small_team, window, qtbot, message_boxes, monkeypatch):
    services = small_team
    keys = Keyboard()

    def define(dialog) -> None:  # type: ignore[no-untyped-def]
        keys.type("north")
        keys.press(Qt.Key.Key_Tab)
        keys.type("North CMHT caseload")
        keys.press(Qt.Key.Key_Return)

    modal = Modal([(AuditDialog, define)])
    window.audit_actions.new_audit_action.trigger()
    modal.done()
    back_to(window, qtbot)
    assert [q.key for q in services.audits.audit("north").questions] == [
        "substance_use_asked",
        "care_plan_substance_use",
    ]

    def sample(dialog) -> None:  # type: ignore[no-untyped-def]
        keys.alt("c")
        for line in ("RT1 AB", "RT2 CD", "RT3 EF", "RT4 GH", "RT5 JK"):
            keys.type(line)
            keys.press(Qt.Key.Key_Return)  # a new line in the list
        keys.alt("z")
        keys.ctrl("a")
        keys.type("3")
        keys.alt("e")
        keys.type("2024")
        keys.press(Qt.Key.Key_Return)

    modal = Modal([(AuditSampleDialog, sample)])
    window.audit_actions.draw_sample_action.trigger()
    modal.done()
    back_to(window, qtbot)
    drawn = services.audits.round("north", Month(2026, 11))
    assert (drawn.seed, len(drawn.caseload), len(drawn.sample)) == (2024, 5, 3)

    monkeypatch.setattr(
        "ddcase.ui.actions.audits.QInputDialog.getItem", lambda *args, **kwargs: ("North CMHT caseload", True)
    )
    typed = [("y", "n"), ("n", "d"), ("y", "y")]
    seen: list[str] = []

    def answer(dialog) -> None:  # type: ignore[no-untyped-def]
        for first, second in typed:
            seen.append(dialog.current_client_ref())
            keys.type(first)
            keys.press(Qt.Key.Key_Tab)
            keys.type(second)
            keys.press(Qt.Key.Key_Return)

    modal = Modal([(AuditAnswersDialog, answer)])
    window.audit_actions.record_answers_action.trigger()
    modal.done()
    after = services.audits.round("north", Month(2026, 11))
    assert seen == [c.client_ref for c in drawn.sample]
    letters = {"y": Answer.YES, "n": Answer.NO, "d": Answer.NOT_APPLICABLE}
    assert [
        (c.answers["substance_use_asked"], c.answers["care_plan_substance_use"]) for c in after.sample
    ] == [(letters[a], letters[b]) for a, b in typed]
