"""Issue 15, items 1 and 2: a new team's welcome page fills the directory and the app says who
"I" am; a worker who leaves is marked as left and their caseload moved. Driven by keystrokes to
the focused widget."""

from __future__ import annotations

import json
from datetime import date

import pytest
from PySide6.QtCore import Qt
from tests.ui.keys import Keyboard, Modal, back_to, freeze_today

from ddcase.domain import Service
from ddcase.ui.dialogs.who_am_i_dialog import WhoAmIDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")  # the completer's popup

MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE


def test_the_welcome_page_puts_you_and_the_providers_in_the_directory_and_says_who_you_are(
    services, window, qtbot
):
    from ddcase import paths

    page = window.welcome_page
    assert window.stack.currentWidget() is page
    keys = Keyboard()
    page.team_name_edit.setFocus()
    keys.type("North CMHT")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Carla Turner")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Care")  # the role combo finds "Care coordinator" as one types
    keys.press(Qt.Key.Key_Tab)
    keys.type("ResoLUTiONs")
    keys.press(Qt.Key.Key_Return)
    keys.type("Total Wellbeing Luton")
    page.team_name_edit.setFocus()
    keys.press(Qt.Key.Key_Return)  # Enter in the team's name starts the log

    assert window.stack.currentWidget() is window.tabs
    assert window.tabs.currentWidget() is window.workers_page
    workers = services.casework.workers()
    assert [(w.name, w.organisation, w.service, w.role.value if w.role else None) for w in workers] == [
        ("Carla Turner", "North CMHT", MH, "care_coordinator")
    ]
    assert [w.name for w in window.workers_page.model.rows()] == ["Carla Turner"]
    assert services.casework.organisations(SM) == ["ResoLUTiONs", "Total Wellbeing Luton"]
    assert window.team.me_label.text() == "You: Carla Turner, care coordinator, North CMHT"
    assert window.team.who_am_i is not None and window.team.who_am_i.name == "Carla Turner"

    # Remembered for this computer user, outside the log: a new window over the log says it again.
    remembered = json.loads((paths.config_dir() / "who_am_i.json").read_text(encoding="utf-8"))
    assert remembered["logs"][services.context.db.url] == {"service": "mental_health", "name": "Carla Turner"}
    window.tabs.setCurrentWidget(window.todo_page)
    assert window.todo_page.coordinator_combo.currentData() == "Carla Turner"


def test_a_key_worker_starting_a_log_is_a_worker_of_the_first_provider(services, window, qtbot):
    page = window.welcome_page
    keys = Keyboard()
    page.team_name_edit.setFocus()
    keys.type("Luton dual diagnosis")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Bob Jones")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Key")
    keys.press(Qt.Key.Key_Tab)
    keys.type("ResoLUTiONs")
    page.team_name_edit.setFocus()
    keys.press(Qt.Key.Key_Return)
    assert [(w.name, w.organisation, w.service) for w in services.casework.workers()] == [
        ("Bob Jones", "ResoLUTiONs", SM)
    ]
    assert window.team.me_label.text() == "You: Bob Jones, key worker, ResoLUTiONs"


def test_this_is_me_changes_who_you_are_and_whose_list_to_do_opens_on(
    small_team, services, settings, qtbot, message_boxes
):
    from ddcase.ui.main_window import MainWindow

    freeze_today(services, date(2026, 11, 22))
    window = MainWindow(services, settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    window.wait_for_background_work()
    assert window.team.me_label.text() == ""
    keys = Keyboard()

    def choose_dev(dialog) -> None:  # type: ignore[no-untyped-def]
        keys.type("dev")
        keys.press(Qt.Key.Key_Tab)
        assert dialog.ok_button.isEnabled()
        keys.press(Qt.Key.Key_Return)

    modal = Modal([(WhoAmIDialog, choose_dev)])
    window.team.this_is_me_action.trigger()
    modal.done()
    back_to(window, qtbot)
    assert window.team.me_label.text() == (
        "You: Dev Patel, care coordinator, East London NHS Foundation Trust"
    )
    window.tabs.setCurrentWidget(window.todo_page)
    assert window.todo_page.coordinator_combo.currentData() == "Dev Patel"
    assert [c.client_ref for c in window.todo_page.model.rows()] == ["RT100003", "RT100004"]

    # Another window over the same log, for the same computer user, knows who they are.
    again = MainWindow(services, settings)
    qtbot.addWidget(again)
    again.wait_for_background_work()
    assert again.team.me_label.text().startswith("You: Dev Patel")
    again.close()
    window.close()
