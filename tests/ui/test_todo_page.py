"""Issue 15 item 4, the To do page that ranks: driven by keystrokes to the focused widget (and a
click to choose a row), with today frozen at the dates that bite: the 5th, the 31st, 1 January
and 29 February. The dates are worked by hand: the 90-day window ending on next month's last day
starts 3 Nov 2026 (for January 2027), 1 Dec 2026 (for February 2027) and 2 Jan 2028 (for March
2028)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from tests.ui.helpers import a_shown_window
from tests.ui.keys import Keyboard, Modal, back_to, freeze_today

from ddcase.domain import Client, Contact, ContactKind, ContactMode, Episode, Outcome, Role, Service, Worker
from ddcase.ui.dialogs.contact_dialog import ContactDialog
from ddcase.ui.models.todo_model import AtRiskTableModel, MissedAppointmentTableModel, ToDoTableModel

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE
TRUST, CGL = "East London NHS Foundation Trust", "CGL Luton"
JA, F2F = ContactKind.JOINT_APPOINTMENT, ContactMode.FACE_TO_FACE
DAY = timedelta(days=1)


def day_text(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def a_log(services, today: date) -> None:  # type: ignore[no-untyped-def]
    freeze_today(services, today)
    casework = services.casework
    casework.save_worker(
        Worker("Ann Smith", TRUST, MH, Role.CARE_COORDINATOR, "ann@nhs.example", "01632 960101")
    )
    casework.save_worker(Worker("Dev Patel", TRUST, MH, Role.CARE_COORDINATOR))
    casework.save_worker(Worker("Bob Jones", CGL, SM, Role.KEY_WORKER, "bob@cgl.example", "01632 960201"))
    casework.save_worker(Worker("Cat Green", CGL, SM, Role.KEY_WORKER, None, "01632 960202"))


def a_client(services, ref, *, cc="Ann Smith", kw="Bob Jones", team="North", sm_end=None, contacts=()):  # type: ignore[no-untyped-def]
    casework = services.casework
    casework.save_client(Client(ref, "AB", consent_to_share_on=date(2025, 1, 1)))
    casework.save_episode(Episode(ref, MH, TRUST, date(2025, 1, 1), team=team, worker=cc))
    casework.save_episode(Episode(ref, SM, CGL, date(2025, 1, 1), sm_end, worker=kw))
    for on, kind, outcome in contacts:
        mode = ContactMode.TELEPHONE if kind is ContactKind.LIAISON else F2F
        casework.save_contact(Contact(ref, on, kind, mode, outcome, mh_worker=cc, sm_worker=kw))


def shown(model, column) -> list[str]:  # type: ignore[no-untyped-def]
    return [model.index(row, int(column)).data() for row in range(model.rowCount())]


def choose_row(qtbot, view, row: int) -> None:  # type: ignore[no-untyped-def]
    index = view.model().index(row, 1)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())


@pytest.fixture
def close_afterwards():
    windows = []
    yield windows.append
    for window in windows:
        window.wait_for_background_work()
        window.close()


@pytest.mark.parametrize(
    ("today", "next_window_first"),
    [
        (date(2026, 12, 5), date(2026, 11, 3)),  # the 5th: the month in progress, due by its end
        (date(2026, 12, 31), date(2026, 11, 3)),  # the 31st: at risk across New Year
        (date(2027, 1, 1), date(2026, 12, 1)),  # 1 January: next month has 28 days
        (date(2028, 2, 29), date(2028, 1, 2)),  # 29 February: due on it; next month of 31 days
    ],
)
def test_the_list_ranks_by_the_due_day_and_says_who_is_at_risk_next_month(
    today, next_window_first, services, settings, qtbot, message_boxes, close_afterwards
):
    a_log(services, today)
    month_end = date(today.year, today.month + 1, 1) - DAY if today.month < 12 else date(today.year, 12, 31)
    coming = month_end + DAY
    next_end = (
        date(coming.year, coming.month + 1, 1) - DAY if coming.month < 12 else date(coming.year, 12, 31)
    )
    a_client(services, "RT1")  # nothing yet: due by the month's end
    if today.day >= 15:
        # The drug and alcohol episode ended yesterday: its last mutual day.
        a_client(services, "RT2", sm_end=today - DAY)
    liaison = (today, ContactKind.LIAISON, Outcome.ATTENDED)
    a_client(services, "RT3", contacts=[(next_window_first, JA, Outcome.ATTENDED), liaison])
    a_client(
        services, "RT4", kw="Cat Green", contacts=[(next_window_first - DAY, JA, Outcome.ATTENDED), liaison]
    )
    window = a_shown_window(services, settings, qtbot)
    close_afterwards(window)
    keys = Keyboard()
    keys.alt("t")
    page = window.todo_page
    assert window.tabs.currentWidget() is page

    refs = shown(page.model, ToDoTableModel.Column.REFERENCE)
    dues = shown(page.model, ToDoTableModel.Column.DUE)
    if today.day >= 15:
        assert list(zip(refs, dues, strict=True)) == [
            ("RT2", day_text(today - DAY)),
            ("RT1", day_text(month_end)),
        ]
    else:
        assert list(zip(refs, dues, strict=True)) == [("RT1", day_text(month_end))]
    assert shown(page.model, ToDoTableModel.Column.PHONE)[-1] == "01632 960201"
    assert shown(page.model, ToDoTableModel.Column.EMAIL)[-1] == "bob@cgl.example"

    assert shown(page.at_risk_model, AtRiskTableModel.Column.REFERENCE) == ["RT4"]
    assert shown(page.at_risk_model, AtRiskTableModel.Column.WHAT) == [
        f"Last joint contact {day_text(next_window_first - DAY)}: book one by {day_text(next_end)}"
    ]
    assert shown(page.at_risk_model, AtRiskTableModel.Column.PHONE) == ["01632 960202"]
    assert shown(page.at_risk_model, AtRiskTableModel.Column.EMAIL) == [""]
    assert (
        page.at_risk_box.title()
        == f"At risk next month (1): a joint contact is needed by {day_text(next_end)}"
    )


@pytest.fixture
def on_the_5th(services, settings, qtbot, message_boxes, close_afterwards):  # type: ignore[no-untyped-def]
    """5 Dec 2026: RT1 (Ann, Bob) missed a joint appointment on 1 Dec; RT5 (Dev, Cat, team South)
    missed one on 3 Dec; neither is followed up."""
    a_log(services, date(2026, 12, 5))
    dna = Outcome.DID_NOT_ATTEND
    a_client(services, "RT1", contacts=[(date(2026, 12, 1), JA, dna)])
    a_client(
        services, "RT5", cc="Dev Patel", kw="Cat Green", team="South", contacts=[(date(2026, 12, 3), JA, dna)]
    )
    window = a_shown_window(services, settings, qtbot)
    close_afterwards(window)
    Keyboard().alt("t")
    return window


def test_a_missed_appointment_is_followed_up_in_a_few_keys(on_the_5th, services, qtbot):
    page = on_the_5th.todo_page
    column = MissedAppointmentTableModel.Column
    assert shown(page.missed_model, column.REFERENCE) == ["RT1", "RT5"]
    assert shown(page.missed_model, column.FOLLOWED_UP) == ["Not yet", "Not yet"]
    assert page.missed_box.title() == "Missed joint appointments (2 to follow up)"
    assert not page.follow_up_button.isEnabled()
    choose_row(qtbot, page.missed_view, 0)
    assert page.follow_up_button.isEnabled()
    keys = Keyboard()
    seen = []

    def accept(dialog) -> None:  # type: ignore[no-untyped-def]
        seen.append((dialog.windowTitle(), dialog.draft()))
        keys.press(Qt.Key.Key_Return)

    modal = Modal([(ContactDialog, accept)])
    keys.alt("g")
    qtbot.waitUntil(lambda: bool(seen) and not modal.steps)  # a button's Alt key clicks a moment later
    modal.done()
    [(title, draft)] = seen
    assert title == "Log a contact"
    assert (draft.client_ref, draft.date, draft.kind, draft.mode) == (
        "RT1",
        date(2026, 12, 5),
        ContactKind.LIAISON,
        ContactMode.TELEPHONE,
    )
    assert (draft.mh_worker, draft.sm_worker, draft.note) == (
        "Ann Smith",
        "Bob Jones",
        "Follow-up of the joint appointment missed on 1 Dec 2026",
    )
    back_to(on_the_5th, qtbot)
    on_the_5th.tabs.setCurrentWidget(on_the_5th.caseload_page)
    on_the_5th.tabs.setCurrentWidget(page)
    assert shown(page.missed_model, column.FOLLOWED_UP) == ["Yes", "Not yet"]
    assert page.missed_box.title() == "Missed joint appointments (1 to follow up)"
    assert len([c for c in services.casework.contacts("RT1") if c.date == date(2026, 12, 5)]) == 1


def test_rebook_writes_to_the_key_worker_or_gives_their_phone(on_the_5th, qtbot, monkeypatch, message_boxes):
    opened = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toString()) or True)
    )
    page = on_the_5th.todo_page
    choose_row(qtbot, page.missed_view, 0)
    Keyboard().alt("b")
    qtbot.waitUntil(lambda: bool(opened))  # a button's Alt key clicks a moment later
    [url] = opened
    assert url == (
        "mailto:bob@cgl.example?subject=Rebooking a joint appointment for RT1"
        "&body=The joint appointment for RT1 on 1 Dec 2026 was missed. When can we book another one%3F"
    )
    choose_row(qtbot, page.missed_view, 1)
    Keyboard().alt("b")
    qtbot.waitUntil(lambda: bool(message_boxes.of("information")))
    assert len(opened) == 1  # Cat Green has no email
    assert message_boxes.of("information") == [
        ("Rebook", "Call Cat Green on 01632 960202 to book another joint appointment for RT5.")
    ]


def test_a_manager_chooses_a_team_and_a_coordinator_by_keyboard(on_the_5th, qtbot):
    page = on_the_5th.todo_page
    assert shown(page.model, ToDoTableModel.Column.REFERENCE) == ["RT1", "RT5"]
    keys = Keyboard()
    keys.alt("e")
    assert keys.focused() is page.team_combo
    keys.type("South")
    assert shown(page.model, ToDoTableModel.Column.REFERENCE) == ["RT5"]
    assert shown(page.missed_model, MissedAppointmentTableModel.Column.REFERENCE) == ["RT5"]
    keys.press(Qt.Key.Key_Home)  # All teams
    keys.alt("r")
    assert keys.focused() is page.coordinator_combo
    keys.type("Ann")
    assert shown(page.model, ToDoTableModel.Column.REFERENCE) == ["RT1"]


def test_a_coordinator_sees_their_own_list_first(on_the_5th, qtbot):
    page = on_the_5th.todo_page
    page.set_whose_list("Dev Patel")
    assert page.coordinator_combo.itemText(0) == "My clients (Dev Patel)"
    assert page.coordinator_combo.currentData() == "Dev Patel"
    assert shown(page.model, ToDoTableModel.Column.REFERENCE) == ["RT5"]
    page.set_whose_list(None)
    assert page.coordinator_combo.currentData() is None
    assert shown(page.model, ToDoTableModel.Column.REFERENCE) == ["RT1", "RT5"]


def test_the_own_list_waits_for_the_page_to_be_read(
    services, settings, qtbot, message_boxes, close_afterwards
):
    from ddcase.ui.pages.todo_page import TodoPage

    a_log(services, date(2026, 12, 5))
    a_client(services, "RT1")
    a_client(services, "RT5", cc="Dev Patel", kw="Cat Green")
    window = a_shown_window(services, settings, qtbot)
    close_afterwards(window)
    assert isinstance(window.todo_page, TodoPage)
    window.todo_page.set_whose_list("Dev Patel")
    Keyboard().alt("t")
    assert shown(window.todo_page.model, ToDoTableModel.Column.REFERENCE) == ["RT5"]
