"""Issue 12, defect 1: a typed date is the date stored. Log a contact by keyboard on days that
bite (the 5th, the 31st, 1 January, 29 February) and read the contact back through the service."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from tests.ui.every_dialog import every_dialog
from tests.ui.keys import focused, freeze_today, in_modal, ok_button, press, shown_texts, type_text

ALT, CTRL = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def today(request, services):
    day = getattr(request, "param", date(2026, 12, 5))
    freeze_today(services, day)
    return day


def _contact_dates(services, ref: str = "RT100001") -> list[date]:
    return sorted(c.date for c in services.casework.contacts(ref))


def _log_contact_for_first_client(window, qtbot, drive) -> None:  # type: ignore[no-untyped-def]
    assert window.caseload_page.select_client("RT100001")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    in_modal(qtbot, lambda: press(Qt.Key.Key_N, CTRL), drive)
    window.wait_for_background_work()


@pytest.mark.parametrize(
    ("today", "typed", "stored"),
    [
        (date(2026, 12, 5), "15/11/2026", date(2026, 11, 15)),
        (date(2026, 12, 5), "5/12/26", date(2026, 12, 5)),
        (date(2026, 12, 31), "31/12/2026", date(2026, 12, 31)),
        (date(2027, 1, 31), "31/1/27", date(2027, 1, 31)),
        (date(2027, 1, 1), "31/12/2026", date(2026, 12, 31)),
        (date(2027, 1, 1), "y", date(2026, 12, 31)),
        (date(2028, 2, 29), "29/02/2028", date(2028, 2, 29)),
        (date(2028, 2, 29), "-366", date(2027, 2, 28)),
    ],
    indirect=["today"],
)
def test_a_date_typed_in_log_contact_is_the_date_stored(small_team, today, window, qtbot, typed, stored):
    before = _contact_dates(small_team)

    def drive(dialog) -> None:  # type: ignore[no-untyped-def]
        press(Qt.Key.Key_D, ALT)
        type_text(typed)
        press(Qt.Key.Key_Return)

    _log_contact_for_first_client(window, qtbot, drive)
    assert _contact_dates(small_team) == sorted([*before, stored])


def test_alt_d_then_typing_replaces_the_whole_date(small_team, today, window, qtbot):
    seen: list[str] = []

    def drive(dialog) -> None:  # type: ignore[no-untyped-def]
        press(Qt.Key.Key_D, ALT)
        type_text("15/11/2026")
        seen.append(focused().text())
        press(Qt.Key.Key_Return)

    _log_contact_for_first_client(window, qtbot, drive)
    assert seen == ["15/11/2026"]
    assert date(2026, 11, 15) in _contact_dates(small_team)


@pytest.mark.parametrize(
    ("today", "typed", "message"),
    [
        (date(2026, 12, 5), "31/12/2026", "31/12/2026 is in the future"),
        (date(2026, 12, 31), "1/1/2027", "01/01/2027 is in the future"),
        (date(2027, 1, 1), "02/01/2027", "02/01/2027 is in the future"),
        (date(2028, 2, 29), "1/3/28", "01/03/2028 is in the future"),
        (date(2026, 12, 5), "31/04/2026", "31/04/2026 is not a date: April has 30 days"),
        (date(2026, 12, 5), "29/02/2026", "29/02/2026 is not a date: February 2026 has 28 days"),
        (date(2026, 12, 5), "15/13/2026", "15/13/2026 is not a date: there are 12 months"),
        (date(2026, 12, 5), "next tuesday", "Not a date: type DD/MM/YYYY"),
    ],
    indirect=["today"],
)
def test_a_future_date_or_a_non_date_is_refused_beside_the_field(
    small_team, today, window, qtbot, typed, message
):
    before = _contact_dates(small_team)
    seen: list[tuple[list[str], bool]] = []

    def drive(dialog) -> None:  # type: ignore[no-untyped-def]
        press(Qt.Key.Key_D, ALT)
        type_text(typed)
        seen.append((shown_texts(dialog), ok_button(dialog).isEnabled()))
        press(Qt.Key.Key_Return)  # refused: the dialog stays open
        seen.append(([], dialog.isVisible()))

    _log_contact_for_first_client(window, qtbot, drive)
    (texts, ok_enabled), (_, still_open) = seen
    assert message in texts
    assert not ok_enabled and still_open
    assert _contact_dates(small_team) == before


def test_every_date_in_every_dialog_is_the_one_date_field(qtbot, tmp_path):
    from PySide6.QtWidgets import QDateEdit, QLineEdit

    from ddcase.ui.widgets.date_field import DateField

    date_fields = 0
    for dialog in every_dialog(tmp_path):
        qtbot.addWidget(dialog)
        assert dialog.findChildren(QDateEdit) == [], type(dialog).__name__
        for edit in dialog.findChildren(QLineEdit):
            if "date" in edit.accessibleName().lower() or "DD/MM" in edit.placeholderText():
                assert isinstance(edit.parentWidget(), DateField), (
                    type(dialog).__name__,
                    edit.accessibleName(),
                )
                date_fields += 1
    # contact; birth, consent; start, end; change of worker; purge; the new mutual client form:
    # birth, consent and a start date in each service; a leaver's last day; a caseload's move;
    # a PDSA cycle's start and planned end, and (closing it) those and the day it closed
    assert date_fields == 18
