"""Issue 15, items 1 and 2: a new team's welcome page fills the directory and the app says who
"I" am; a worker who leaves is marked as left and their caseload moved. Driven by keystrokes to
the focused widget."""

from __future__ import annotations

import json
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from tests.ui.helpers import a_shown_window
from tests.ui.keys import Keyboard, Modal, back_to, freeze_today

from ddcase.domain import Month, Service, month_range
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
    me = window.who_am_i()
    assert me is not None and (me.name, me.service) == ("Carla Turner", MH)

    # Remembered for this computer user, outside the log: a new window over the log says it again.
    remembered = json.loads((paths.config_dir() / "who_am_i.json").read_text(encoding="utf-8"))
    log = str(services.context.db.path.resolve())
    assert remembered["logs"][log] == {"service": "mental_health", "name": "Carla Turner"}
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


@pytest.fixture
def window_on_the_22nd(small_team, services, settings, qtbot, message_boxes):
    freeze_today(services, date(2026, 11, 22))
    window = a_shown_window(services, settings, qtbot)
    yield window
    window.wait_for_background_work()
    window.close()


def ann_chosen_on_the_workers_page(window, qtbot, keys: Keyboard) -> None:  # type: ignore[no-untyped-def]
    keys.ctrl("4")  # View > Workers
    assert window.tabs.currentWidget() is window.workers_page
    window.workers_page.table_view.setFocus()
    keys.type("Ann")  # the table finds the name as one types
    value = window.workers_page.table_view.currentIndex().siblingAtColumn(0).data()
    assert value == "Ann Smith"


def every_month_figures(services) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from ddcase.services.output import month_json

    return {
        str(m): month_json(services.figures.month(m), provisional=False)
        for m in month_range(Month(2025, 5), Month(2026, 11))
    }


def test_delete_says_why_it_cannot_before_asking(window_on_the_22nd, message_boxes, qtbot):
    window = window_on_the_22nd
    keys = Keyboard()
    ann_chosen_on_the_workers_page(window, qtbot, keys)
    keys.alt("k")  # Delete worker... (Alt+L is the toolbar's Log contact)
    qtbot.waitUntil(lambda: bool(message_boxes.shown))  # a button's Alt+letter clicks it a moment later
    assert message_boxes.of("question") == []  # never asked "Delete Ann Smith?"
    ((title, text),) = message_boxes.of("information")
    assert text.startswith("Ann Smith is named on 5 records: mark them as left instead")


def test_a_leaver_is_marked_then_chosen_clients_move_to_a_colleague_and_no_month_moves(
    window_on_the_22nd, services, message_boxes, qtbot
):
    from ddcase.ui.dialogs.contact_dialog import ContactDialog
    from ddcase.ui.dialogs.leaver_dialog import LeaverDialog
    from ddcase.ui.dialogs.move_caseload_dialog import MoveCaseloadDialog

    window = window_on_the_22nd
    before = every_month_figures(services)
    keys = Keyboard()
    ann_chosen_on_the_workers_page(window, qtbot, keys)
    listed: list[list[str]] = []

    def left_on_the_20th(dialog) -> None:  # type: ignore[no-untyped-def]
        assert dialog.worker_picker.currentText() == "Ann Smith (East London NHS Foundation Trust)"
        keys.type("20/11/2026")  # the focus is on the date: the worker came from the page
        keys.press(Qt.Key.Key_Return)

    def to_dev_but_not_rt100002(dialog) -> None:  # type: ignore[no-untyped-def]
        assert dialog.date_edit.date() == date(2026, 11, 20)  # from the day she left
        keys.type("dev")
        keys.press(Qt.Key.Key_Tab)  # From: 20 Nov, as given
        keys.press(Qt.Key.Key_Tab)
        items = dialog.clients_list
        listed.append([items.item(i).text().split()[0] for i in range(items.count())])
        keys.press(Qt.Key.Key_Down)  # RT100002
        keys.press(Qt.Key.Key_Space)  # unticked
        assert "2 of 3 clients ticked" in dialog.count_label.text()
        keys.press(Qt.Key.Key_Return)

    modal = Modal([(LeaverDialog, left_on_the_20th), (MoveCaseloadDialog, to_dev_but_not_rt100002)])
    keys.alt("r")  # Mark as left...
    qtbot.waitUntil(lambda: not modal.steps and QApplication.activeModalWidget() is None, timeout=10000)
    modal.done()
    back_to(window, qtbot)

    assert listed == [["RT100001", "RT100002", "RT100005"]]
    (question,) = message_boxes.of("question")
    assert "Ann Smith still has 3 open episode(s)" in question[1]
    casework = services.casework
    ann = next(w for w in casework.workers() if w.name == "Ann Smith")
    assert ann.left_on == date(2026, 11, 20)
    for ref in ("RT100001", "RT100005"):
        mh = sorted((e for e in casework.episodes(ref) if e.service is MH), key=lambda e: e.start_date)
        assert [(e.worker, e.start_date, e.end_date) for e in mh][-2:] == [
            ("Ann Smith", mh[0].start_date, date(2026, 11, 19)),
            ("Dev Patel", date(2026, 11, 20), None),
        ]
    assert [e.worker for e in casework.episodes("RT100002") if e.service is MH] == ["Ann Smith"]
    assert "Ann Smith's caseload moved to Dev Patel from 20 Nov 2026: 2 clients" in (
        window.statusBar().currentMessage()
    )
    # The directory keeps her, with the day she left; the figures of every month are as they were.
    window.workers_page.refresh(Month(2026, 11))
    row = window.workers_page.model.row_of(lambda w: w.name == "Ann Smith")
    assert window.workers_page.model.index(row, 6).data() == "20 Nov 2026"
    assert every_month_figures(services) == before

    # Log contact... no longer offers her.
    offered: list[list[str]] = []

    def look(dialog) -> None:  # type: ignore[no-untyped-def]
        combo = dialog.mh_worker_combo
        offered.append([combo.itemText(i) for i in range(combo.count())])
        keys.press(Qt.Key.Key_Escape)

    modal = Modal([(ContactDialog, look)])
    keys.ctrl("n")
    modal.done()
    assert offered and not any("Ann Smith" in label for label in offered[0])
    assert any("Dev Patel" in label for label in offered[0])


def test_move_caseload_from_the_tools_menu_asks_whose_first(window_on_the_22nd, services, qtbot):
    from ddcase.ui.dialogs.move_caseload_dialog import MoveCaseloadDialog

    window = window_on_the_22nd
    tools = [a.text() for a in window.tools_menu.actions() if a.text()]
    assert tools[:3] == ["This is &me...", "Mark worker as &left...", "Move &caseload..."]
    keys = Keyboard()

    def dev_to_ann_from_the_1st(dialog) -> None:  # type: ignore[no-untyped-def]
        keys.type("dev")  # whose caseload: the focus starts there
        keys.press(Qt.Key.Key_Tab)
        keys.type("ann")
        keys.press(Qt.Key.Key_Tab)
        keys.type("1/11/26")
        assert "2 of 2 clients ticked" in dialog.count_label.text()
        assert dialog.current_problems() == []
        keys.press(Qt.Key.Key_Return)
        assert not dialog.isVisible()

    modal = Modal([(MoveCaseloadDialog, dev_to_ann_from_the_1st)])
    window.team.move_caseload_action.trigger()
    modal.done()
    for ref in ("RT100003", "RT100004"):
        assert [(e.worker, e.start_date) for e in services.casework.episodes(ref) if e.service is MH][-1] == (
            "Ann Smith",
            date(2026, 11, 1),
        )
