"""Issue 12, defect 5: agreeing a definition could rewrite two years by pressing Enter. Driven by
keystrokes to the focused widget, with today frozen on the 5th of December 2026."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from tests.ui.keys import Keyboard, Modal, freeze_today

from ddcase.domain import Contact, ContactKind, ContactMode, Month
from ddcase.ui.dialogs.definition_dialog import DefinitionDialog

FIFTH_OF_DECEMBER = date(2026, 12, 5)
TWO_YEARS = (Month(2024, 12), Month(2026, 12))


@pytest.fixture
def window_on_the_5th(small_team, services, settings, qtbot, message_boxes):
    from ddcase.ui.main_window import MainWindow

    freeze_today(services, FIFTH_OF_DECEMBER)
    window = MainWindow(services, settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.wait_for_background_work()
    window.tabs.setCurrentWidget(window.definition_page)
    yield window
    window.wait_for_background_work()
    window.close()
    window.deleteLater()


def open_the_dialog(window, qtbot, steps) -> None:  # type: ignore[no-untyped-def]
    modal = Modal(steps)
    qtbot.mouseClick(window.definition_page.agree_button, Qt.MouseButton.LeftButton)
    modal.done()


def test_enter_in_the_definition_dialog_never_rejudges_past_months(window_on_the_5th, services, qtbot):
    keys = Keyboard()
    figures_before = services.figures.counts(*TWO_YEARS)
    seen: list[str] = []

    def press_enter_at_once(dialog) -> None:  # type: ignore[no-untyped-def]
        keys.press(Qt.Key.Key_Return)
        if dialog.isVisible():
            seen.append(dialog.problem_label.text())
            keys.press(Qt.Key.Key_Escape)

    # The first time: version 1 is the only one. Enter saves nothing (it would be version 1 again).
    open_the_dialog(window_on_the_5th, qtbot, [(DefinitionDialog, press_enter_at_once)])
    assert [v.version for v in services.definitions.versions()] == [1]
    assert services.figures.counts(*TWO_YEARS) == figures_before
    assert "same as version 1" in seen[0]

    def shorter_window_agreed_at_the_meeting(dialog) -> None:  # type: ignore[no-untyped-def]
        assert dialog.month_combo.current_month() == Month(2027, 1)  # next month
        keys.alt("w")
        keys.ctrl("a")
        keys.type("60")
        keys.alt("a")
        keys.type("team meeting 3 Dec")
        keys.press(Qt.Key.Key_Return)

    open_the_dialog(window_on_the_5th, qtbot, [(DefinitionDialog, shorter_window_agreed_at_the_meeting)])
    versions = services.definitions.versions()
    assert [(v.version, v.first_month) for v in versions] == [(1, None), (2, Month(2027, 1))]
    assert versions[1].joint_contact_window_days == 60
    assert versions[1].agreed_in == "team meeting 3 Dec"
    assert services.figures.counts(*TWO_YEARS) == figures_before  # no month up to now moved

    # The second time the form starts from the latest version (60 days), and the same again is refused.
    def the_same_again(dialog) -> None:  # type: ignore[no-untyped-def]
        assert dialog.window_spin.value() == 60
        keys.alt("a")
        keys.type("team meeting 10 Dec")
        press_enter_at_once(dialog)

    seen.clear()
    open_the_dialog(window_on_the_5th, qtbot, [(DefinitionDialog, the_same_again)])
    assert "same as version 2" in seen[0]
    assert len(services.definitions.versions()) == 2


def test_a_first_month_in_the_past_lists_each_months_figure_before_and_after_and_asks(
    window_on_the_5th, services, qtbot
):
    keys = Keyboard()
    services.casework.save_contact(
        Contact("RT100003", date(2026, 10, 14), ContactKind.LIAISON, ContactMode.TELEPHONE)
    )
    months = [Month(2026, 11), Month(2026, 12)]
    before = {m: services.figures.month(m) for m in months}
    shown: list[str] = []

    def two_liaisons_from_november(dialog) -> None:  # type: ignore[no-untyped-def]
        keys.alt("f")
        keys.press(Qt.Key.Key_Down)  # Dec 2026
        keys.press(Qt.Key.Key_Down)  # Nov 2026
        keys.alt("l")
        keys.ctrl("a")
        keys.type("2")
        keys.alt("a")
        keys.type("team meeting 3 Dec")
        keys.press(Qt.Key.Key_Return)

    def enter_goes_back(box) -> None:  # type: ignore[no-untyped-def]
        shown.append(box.text() + "\n" + box.informativeText())
        keys.press(Qt.Key.Key_Return)

    def enter_again(dialog) -> None:  # type: ignore[no-untyped-def]
        assert [v.version for v in services.definitions.versions()] == [1]  # nothing saved yet
        keys.press(Qt.Key.Key_Return)

    def confirm(box) -> None:  # type: ignore[no-untyped-def]
        keys.alt("r")

    open_the_dialog(
        window_on_the_5th,
        qtbot,
        [
            (DefinitionDialog, two_liaisons_from_november),
            (QMessageBox, enter_goes_back),
            (DefinitionDialog, enter_again),
            (QMessageBox, confirm),
        ],
    )
    versions = services.definitions.versions()
    assert [(v.version, v.first_month, v.liaison_contacts_min) for v in versions][1] == (
        2,
        Month(2026, 11),
        2,
    )
    after = {m: services.figures.month(m) for m in months}
    # RT100001's one joint appointment on 3 Nov no longer makes two liaisons
    assert (before[Month(2026, 11)].jointly_worked, after[Month(2026, 11)].jointly_worked) == (1, 0)
    text = shown[0]
    for month in months:
        b, a = before[month], after[month]
        line = f"{b.jointly_worked} of {b.mutual_clients} becomes {a.jointly_worked} of {a.mutual_clients}"
        assert f"{month.label()}" in text and line in text
    assert "November 2026: 1 of 4 becomes 0 of 4" in text
    assert "October 2026" not in text  # judged by version 1 still


def test_a_version_not_yet_in_force_is_withdrawn_from_the_definition_page(
    window_on_the_5th, services, qtbot, message_boxes
):
    from ddcase.domain import Definition

    page = window_on_the_5th.definition_page
    assert page.withdraw_button.isHidden()
    services.definitions.agree(Definition(liaison=False, agreed_in="team meeting 3 Dec"), Month(2027, 1))
    page.refresh(Month(2026, 12))
    assert not page.withdraw_button.isHidden()
    assert "version 2 (from January 2027)" in page.withdraw_button.text().replace("&", "")
    qtbot.mouseClick(page.withdraw_button, Qt.MouseButton.LeftButton)
    assert "Withdraw version 2" in message_boxes.of("question")[0][1]
    assert [v.version for v in services.definitions.versions()] == [1]
    assert page.withdraw_button.isHidden()


@pytest.mark.parametrize("today", [date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 31)])
def test_the_first_month_offered_is_next_month_on_days_that_bite(
    small_team, services, settings, qtbot, message_boxes, today
):
    from ddcase.ui.main_window import MainWindow

    freeze_today(services, today)
    window = MainWindow(services, settings)
    qtbot.addWidget(window)
    window.show()
    window.wait_for_background_work()
    window.tabs.setCurrentWidget(window.definition_page)
    keys = Keyboard()
    offered: list[Month | None] = []

    def look_then_enter(dialog) -> None:  # type: ignore[no-untyped-def]
        offered.append(dialog.month_combo.current_month())
        assert dialog.rejudge_label.isHidden()
        keys.press(Qt.Key.Key_Return)  # the same as version 1, with nowhere said: refused
        keys.press(Qt.Key.Key_Escape)

    open_the_dialog(window, qtbot, [(DefinitionDialog, look_then_enter)])
    assert offered == [Month.of(today).next()]
    assert len(services.definitions.versions()) == 1
    window.wait_for_background_work()
    window.close()
