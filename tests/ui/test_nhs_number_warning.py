"""Issue 14, hole 8: an NHS number never issued, or already another client's, is warned about
beside the field as it is typed; OK stays available and saving asks first."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from tests.ui.keys import Keyboard, Modal
from tests.ui.test_getting_to_a_client import a_window

from ddcase.domain import Client
from ddcase.ui.dialogs.client_dialog import ClientDialog
from ddcase.ui.dialogs.mutual_client_dialog import MutualClientDialog

TODAY = date(2026, 11, 22)
HELD = "4010234563"  # valid, England's range


def shown_dialog(qtbot, **kwargs) -> ClientDialog:  # type: ignore[no-untyped-def]
    dialog = ClientDialog(None, today=TODAY, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.reference_edit)
    return dialog


def test_another_clients_nhs_number_is_warned_about_and_saving_asks_first(qtbot, message_boxes):
    dialog = shown_dialog(qtbot, existing_refs={"RT1"}, nhs_numbers_in_use={HELD: {"RT1"}})
    keys = Keyboard()
    keys.type("RT2")
    keys.press(Qt.Key.Key_Tab)
    keys.type("cd")
    keys.alt("n")
    keys.type("401 023 4563")
    assert dialog.nhs_warning_label.isVisible()
    assert "401 023 4563 is already recorded for client RT1" in dialog.nhs_warning_label.text()
    assert dialog.ok_button.isEnabled()  # a warning, not a problem

    message_boxes.answer = QMessageBox.StandardButton.No
    keys.press(Qt.Key.Key_Return)
    assert [kind for kind, *_ in message_boxes.shown] == ["question"]
    assert "already recorded for client RT1" in message_boxes.shown[0][2]
    assert dialog.isVisible() and dialog.result() != ClientDialog.DialogCode.Accepted
    assert QApplication.focusWidget() is dialog.nhs_number_edit  # back to the number to check it

    message_boxes.answer = QMessageBox.StandardButton.Yes
    keys.press(Qt.Key.Key_Return)
    assert dialog.result() == ClientDialog.DialogCode.Accepted
    assert dialog.draft().nhs_number == HELD


def test_a_never_issued_number_is_warned_about_and_the_clients_own_number_is_not(qtbot, message_boxes):
    dialog = shown_dialog(
        qtbot,
        existing_refs={"RT1"},
        nhs_numbers_in_use={HELD: {"RT1"}},
        client=Client("RT1", "AB", nhs_number=HELD),
    )
    assert not dialog.nhs_warning_label.isVisible()  # its own number
    keys = Keyboard()
    keys.alt("n")
    keys.ctrl("a")
    keys.type("1111111111")
    assert "all ten digits are the same" in dialog.nhs_warning_label.text()
    keys.ctrl("a")
    keys.type("401 023 4563")
    assert not dialog.nhs_warning_label.isVisible()
    keys.press(Qt.Key.Key_Return)
    assert message_boxes.shown == [] and dialog.result() == ClientDialog.DialogCode.Accepted


def test_the_new_client_form_of_the_app_knows_the_numbers_in_the_log(
    small_team, services, settings, qtbot, message_boxes
):
    services.casework.save_client(Client("RT100009", "ZZ", nhs_number=HELD))
    window = a_window(services, settings, qtbot, TODAY)
    keys = Keyboard()
    seen: list[str] = []

    def type_a_held_number(dialog) -> None:  # type: ignore[no-untyped-def]
        keys.type("RT200001")
        keys.press(Qt.Key.Key_Tab)
        keys.type("ya")
        keys.alt("n")
        keys.type(HELD)
        seen.append(dialog.nhs_warning_label.text())
        keys.press(Qt.Key.Key_Escape)

    window.caseload_page.table_view.setFocus()
    modal = Modal([(MutualClientDialog, type_a_held_number)])
    keys.press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    modal.done()
    assert seen and "already recorded for client RT100009" in seen[0]
    window.wait_for_background_work()
    window.close()
