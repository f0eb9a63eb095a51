"""Issue 12, defect 6: finding a client by keyboard took about 15 keys, worker pickers jumped to
the first name starting with the typed letters, and a new mutual client took three dialogs.
Driven by keystrokes to the focused widget, the keys counted; today is frozen at dates that bite."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from tests.ui.helpers import a_shown_window
from tests.ui.keys import Keyboard, Modal, back_to, freeze_today

from ddcase.domain import Role, Service, Worker
from ddcase.ui.dialogs.contact_dialog import ContactDialog
from ddcase.ui.dialogs.mutual_client_dialog import MutualClientDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")  # the completer's popup

MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE
TRUST = "East London NHS Foundation Trust"


def a_window(services, settings, qtbot, day: date):  # type: ignore[no-untyped-def]
    freeze_today(services, day)
    for name in ("Yasmin Mitchell", "Yasmin Akhtar"):
        services.casework.save_worker(Worker(name, TRUST, MH, Role.CARE_COORDINATOR))
    return a_shown_window(services, settings, qtbot)


@pytest.fixture
def window_on_the_5th(small_team, services, settings, qtbot, message_boxes):
    window = a_window(services, settings, qtbot, date(2026, 12, 5))
    yield window
    window.wait_for_background_work()
    window.close()


def test_a_contact_for_any_client_is_six_keys_away(window_on_the_5th, services, qtbot):
    window = window_on_the_5th
    window.caseload_page.table_view.setFocus()
    for ref in ("RT100001", "RT100002", "RT100003", "RT100004"):
        keys = Keyboard()
        opened: list[str | None] = []

        def look_then_close(dialog, opened=opened, keys=keys) -> None:  # type: ignore[no-untyped-def]
            opened.append(dialog.draft().client_ref)
            keys.press(Qt.Key.Key_Escape)

        keys.ctrl("f")
        keys.type(ref[-3:])
        keys.press(Qt.Key.Key_Return)
        modal = Modal([(ContactDialog, look_then_close)])
        keys.ctrl("n")
        modal.done()
        assert opened == [ref]
        assert keys.count - 1 <= 6  # the Escape closing the form is not counted
        back_to(window, qtbot)
    # Up and Down from the search box move the selection; Enter opens the one chosen.
    keys = Keyboard()
    keys.ctrl("f")
    keys.type("RT1")
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_Up):
        keys.press(key)  # the first match, the second, the third, the second
    keys.press(Qt.Key.Key_Return)
    page = window.caseload_page
    shown = [page.proxy.index(row, 0).data() for row in range(3)]
    assert page.current_client_ref() == shown[1] != "RT100004"
    assert keys.focused() is page.table_view


def test_a_worker_is_found_by_any_part_of_the_name_and_the_contact_saved(window_on_the_5th, services, qtbot):
    keys = Keyboard()

    def yasmin_akhtar(dialog) -> None:  # type: ignore[no-untyped-def]
        keys.alt("h")  # Mental health worker
        keys.type("Yasmin A")
        keys.press(Qt.Key.Key_Tab)
        keys.press(Qt.Key.Key_Return)

    window_on_the_5th.caseload_page.table_view.setFocus()
    keys.ctrl("f")
    keys.type("004")
    keys.press(Qt.Key.Key_Return)
    modal = Modal([(ContactDialog, yasmin_akhtar)])
    keys.ctrl("n")
    modal.done()
    contacts = services.casework.contacts("RT100004")
    saved = [c for c in contacts if c.date == date(2026, 12, 5)]
    assert [(c.mh_worker, c.sm_worker) for c in saved] == [("Yasmin Akhtar", "Bob Jones")]


def test_log_contact_with_no_client_chosen_asks_for_the_client_first(window_on_the_5th, services, qtbot):
    keys = Keyboard()
    focused: list[str] = []

    def type_the_client(dialog) -> None:  # type: ignore[no-untyped-def]
        focused.append(keys.focused().accessibleName() or keys.focused().parentWidget().accessibleName())
        keys.type("rt100003")
        keys.press(Qt.Key.Key_Tab)
        keys.press(Qt.Key.Key_Return)

    assert window_on_the_5th.caseload_page.current_client_ref() is None
    window_on_the_5th.caseload_page.table_view.setFocus()
    modal = Modal([(ContactDialog, type_the_client)])
    keys.ctrl("n")
    modal.done()
    assert focused == ["Client"]
    saved = services.casework.contacts("RT100003")
    assert [(c.date, c.mh_worker, c.sm_worker) for c in saved] == [
        (date(2026, 12, 5), "Dev Patel", "Cat Green")
    ]


@pytest.mark.parametrize("today", [date(2027, 1, 1), date(2027, 1, 31)])
def test_a_new_mutual_client_with_both_episodes_is_one_form(
    small_team, services, settings, qtbot, message_boxes, today
):
    window = a_window(services, settings, qtbot, today)
    keys = Keyboard()

    def fill_the_one_form(dialog) -> None:  # type: ignore[no-untyped-def]
        keys.type("RT200001")
        keys.press(Qt.Key.Key_Tab)
        keys.type("ya")
        keys.alt("c")  # consent to share recorded on
        keys.type(today.strftime("%d/%m/%Y"))
        keys.alt("t")  # team
        keys.type("Luton North CMHT")
        keys.alt("o")  # care coordinator
        keys.type("akh")
        keys.alt("p")  # provider
        keys.ctrl("a")
        keys.type("ResoLUTiONs")
        keys.alt("k")  # key worker
        keys.type("bob")
        keys.press(Qt.Key.Key_Tab)
        keys.press(Qt.Key.Key_Return)

    window.caseload_page.table_view.setFocus()
    modal = Modal([(MutualClientDialog, fill_the_one_form)])
    keys.press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    modal.done()
    history = services.casework.history("RT200001")
    assert (history.client.initials, history.client.consent_to_share_on) == ("YA", today)
    assert [(e.service, e.organisation, e.team, e.worker, e.start_date) for e in history.episodes] == [
        (MH, TRUST, "Luton North CMHT", "Yasmin Akhtar", today),
        (SM, "ResoLUTiONs", None, "Bob Jones", today),
    ]
    assert window.caseload_page.current_client_ref() == "RT200001"
    window.wait_for_background_work()
    window.close()
