"""The one date field: typing over what it shows, the date written out when you leave it, the
calendar for the mouse, and the reason beside it (issue 12)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget
from tests.ui.keys import focused, press, type_text

from ddcase.ui.widgets.date_field import DateField

TODAY = date(2026, 12, 5)


def _field_after_a_line_edit(qtbot, **kwargs):  # type: ignore[no-untyped-def]
    window = QWidget()
    before = QLineEdit()
    before.setAccessibleName("Before")
    field = DateField("Date", today=TODAY, **kwargs)
    layout = QVBoxLayout(window)
    layout.addWidget(before)
    layout.addWidget(field)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    before.setFocus()
    return window, field


def test_tab_selects_the_shown_date_so_typing_replaces_it_and_leaving_writes_it_out(qtbot):
    _window, field = _field_after_a_line_edit(qtbot, value=TODAY)
    press(Qt.Key.Key_Tab)
    assert focused() is field.line_edit and field.line_edit.selectedText() == "05/12/2026"
    type_text("t")
    assert field.date() == TODAY and field.message_label.text() == "Saturday 5 December 2026"
    type_text("\b-3")
    assert field.date() == date(2026, 12, 2)
    press(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)  # leave the field: back to Before
    assert focused().accessibleName() == "Before"
    assert field.text() == "02/12/2026"


def test_a_refused_date_stays_as_typed_with_the_reason_beside_it(qtbot):
    _window, field = _field_after_a_line_edit(qtbot)
    press(Qt.Key.Key_Tab)
    type_text("31/12/2026")
    press(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert field.text() == "31/12/2026"  # never moved to today or the last day allowed
    assert field.date() is None and field.problem() == "31/12/2026 is in the future"
    assert field.message_label.text() == "31/12/2026 is in the future"


def test_an_optional_field_may_be_blank_and_says_nothing(qtbot):
    _window, field = _field_after_a_line_edit(qtbot, required=False)
    assert field.date() is None and field.problem() is None and field.message_label.text() == ""


def test_the_calendar_offers_no_day_after_today_and_a_day_chosen_is_typed_in(qtbot):
    _window, field = _field_after_a_line_edit(qtbot, value=date(2026, 11, 3))
    assert field.calendar.maximumDate() == QDate(2026, 12, 5)
    field.calendar.clicked.emit(QDate(2026, 11, 15))  # a click on the 15th, as the calendar says it
    assert field.text() == "15/11/2026" and field.date() == date(2026, 11, 15)
