"""PDSA cycles by keyboard alone (issue 16 item 6): from the Measures page, Alt+Y opens the team's
cycles; a cycle is typed in, linked to two measures with Space, closed with its study and act,
and its start is drawn on the linked measures' charts (the Measures page's and the Dashboard's)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import Qt
from tests.ui.helpers import show_dashboard
from tests.ui.keys import Keyboard, Modal, back_to, ok_button, shown_texts
from tests.ui.test_measures_page import open_measures

from ddcase.domain import Month
from ddcase.domain.pdsa import PdsaCycle
from ddcase.ui.dialogs.pdsa_dialog import CycleDialog, PdsaCyclesDialog


@pytest.mark.qt_log_ignore(
    "This plugin does not support", "Negative sizes"
)  # offscreen; definition_page._fit_labels
def test_a_cycle_is_typed_linked_closed_and_drawn_on_its_charts(small_team, window, qtbot, tmp_path):
    open_measures(window, qtbot)
    keys = Keyboard()
    seen: dict[str, object] = {}

    def start_one(dialog: PdsaCyclesDialog) -> None:
        seen["at first"] = dialog.cycles()
        keys.alt("n")

    def type_it(dialog: CycleDialog) -> None:
        keys.type("Joint review slot in the huddle")
        keys.press(Qt.Key.Key_Tab)
        keys.type("Ann Smith")
        keys.press(Qt.Key.Key_Tab)
        keys.type("14/9/26")
        keys.press(Qt.Key.Key_Tab)
        keys.type("18/12/26")
        keys.press(Qt.Key.Key_Tab)  # the measures: none ticked yet, so OK waits
        assert not ok_button(dialog).isEnabled()
        assert "Measures: link the cycle to at least one measure" in shown_texts(dialog)
        keys.press(Qt.Key.Key_Space)  # the first: mutual clients jointly worked
        for _ in range(3):
            keys.press(Qt.Key.Key_Down)  # named workers, consent, joint contact
        keys.press(Qt.Key.Key_Space)
        keys.press(Qt.Key.Key_Tab)
        keys.type("A 15-minute slot each Tuesday")
        keys.press(Qt.Key.Key_Tab)
        keys.type("Up to 55% by December")
        assert ok_button(dialog).isEnabled()
        dialog.grab().save(str(tmp_path / "cycle.png"))
        keys.alt("t")
        keys.press(Qt.Key.Key_Return)

    def close_it(dialog: PdsaCyclesDialog) -> None:
        seen["after adding"] = dialog.cycles()
        keys.alt("l")

    def study_and_act(dialog: CycleDialog) -> None:
        keys.type("Rose to 52%")  # the focus starts on Study
        assert not ok_button(dialog).isEnabled()
        assert "Act: required to close a cycle (what you learned, what next)" in shown_texts(dialog)
        keys.press(Qt.Key.Key_Tab)
        keys.type("Adopt: every Tuesday")
        keys.press(Qt.Key.Key_Tab)  # Closed on: today, as it opens
        keys.press(Qt.Key.Key_Return)

    def look_and_leave(dialog: PdsaCyclesDialog) -> None:
        seen["open after closing"] = dialog.cycles()
        keys.alt("a")  # closed ones too
        qtbot.waitUntil(lambda: len(dialog.cycles()) == 1, timeout=3000)
        keys.press(Qt.Key.Key_Escape)

    modal = Modal(
        [
            (PdsaCyclesDialog, start_one),
            (CycleDialog, type_it),
            (PdsaCyclesDialog, close_it),
            (CycleDialog, study_and_act),
            (PdsaCyclesDialog, look_and_leave),
        ]
    )
    # A button's Alt key clicks it after a short animation: wait for the click (the dialogs run in it).
    with qtbot.waitSignal(window.measures_page.cycles_button.clicked, timeout=5000):
        keys.alt("y")
    modal.done()
    back_to(window, qtbot)

    (cycle,) = small_team.pdsa.cycles()
    assert seen["at first"] == [] and seen["open after closing"] == []
    # As added, before it was closed: open, no study or act yet.
    assert seen["after adding"] == [replace(cycle, study=None, act=None, closed_on=None, version=1)]
    assert (cycle.title, cycle.owner, cycle.start, cycle.end) == (
        "Joint review slot in the huddle",
        "Ann Smith",
        date(2026, 9, 14),
        date(2026, 12, 18),
    )
    assert cycle.measures == ("jointly_worked", "criterion:joint_contact")
    assert (cycle.plan, cycle.prediction) == ("A 15-minute slot each Tuesday", "Up to 55% by December")
    assert (cycle.study, cycle.act) == ("Rose to 52%", "Adopt: every Tuesday")
    assert cycle.closed_on == small_team.context.today()

    # Its start is drawn on the charts of the measures it is linked to, and on no other.
    page = window.measures_page
    assert page.chart.title() == "Mutual clients jointly worked"
    assert [m.month for m in page.chart.cycle_marks_shown()] == [Month(2026, 9)]
    assert (
        "September 2026: PDSA starts: Joint review slot in the huddle" in page.chart.accessibleDescription()
    )
    qtbot.keyClick(page.table_view, Qt.Key.Key_Down)
    assert page.chart.title() == "Named workers (mutual clients)" and page.chart.cycle_marks_shown() == []
    qtbot.keyClick(page.table_view, Qt.Key.Key_Down)
    qtbot.keyClick(page.table_view, Qt.Key.Key_Down)
    assert [m.month for m in page.chart.cycle_marks_shown()] == [Month(2026, 9)]
    show_dashboard(window, qtbot)
    chart = window.dashboard_page.chart
    assert [m.text for m in chart.cycle_marks_shown()] == ["PDSA starts: Joint review slot in the huddle"]
    assert "PDSA cycle starts" in chart.legend_labels()
    assert chart.grab().save(str(tmp_path / "dashboard_chart.png"))


@pytest.mark.qt_log_ignore("This plugin does not support", "Negative sizes")
def test_the_dashboard_draws_the_cycles_and_opens_them_with_alt_y(small_team, window, qtbot):
    from ddcase.domain.pdsa import PdsaCycle

    small_team.pdsa.add(PdsaCycle("Consent at first contact", date(2026, 10, 2), ("criterion:consent",)))
    small_team.pdsa.add(PdsaCycle("Huddle slot", date(2026, 8, 5), ("jointly_worked",), owner="Ann Smith"))
    show_dashboard(window, qtbot)
    chart = window.dashboard_page.chart
    # Only the cycle linked to the jointly-worked measure is on its chart.
    assert [(m.month, m.text) for m in chart.cycle_marks_shown()] == [
        (Month(2026, 8), "PDSA starts: Huddle slot")
    ]
    window.dashboard_page.team_combo.setFocus()
    keys = Keyboard()
    seen: list[list[str]] = []

    def look(dialog: PdsaCyclesDialog) -> None:
        seen.append([c.title for c in dialog.cycles()])
        seen.append([dialog.table.item(0, col).text() for col in range(dialog.table.columnCount())])
        keys.press(Qt.Key.Key_Escape)

    modal = Modal([(PdsaCyclesDialog, look)])
    with qtbot.waitSignal(window.dashboard_page.cycles_button.clicked, timeout=5000):
        keys.alt("y")
    modal.done()
    assert seen == [
        ["Huddle slot", "Consent at first contact"],  # open ones by start
        ["2", "Huddle slot", "5 Aug 2026", "", "jointly_worked", "open"],
    ]


@pytest.mark.parametrize("size", [(1366, 768), (1024, 700)])
def test_every_column_of_the_cycles_is_shown_whole_at_both_window_sizes(qtbot, size) -> None:
    """At 1024x700 the Status column ran off the right edge ("op" of "open"), behind a scroll bar."""
    from PySide6.QtWidgets import QMainWindow

    long_title = "Joint review slot in the weekly CMHT huddle, with the duty worker from each side"
    cycles = [
        PdsaCycle(long_title, date(2026, 8, 14), ("jointly_worked", "criterion:joint_contact"), id=2),
        PdsaCycle(
            "Consent asked at the first joint meeting",
            date(2026, 3, 2),
            ("criterion:consent",),
            end=date(2026, 6, 1),
            study="Asked at 14 of 15 first meetings",
            act="Adopt",
            closed_on=date(2026, 6, 12),
            id=1,
        ),
    ]
    parent = QMainWindow()
    qtbot.addWidget(parent)
    parent.resize(*size)
    parent.show()
    dialog = PdsaCyclesDialog(
        parent,
        load=lambda: cycles,
        save=lambda _action, cycle: cycle,
        measures={"jointly_worked": "Mutual clients jointly worked"},
        today=date(2026, 11, 22),
        team=None,
    )
    dialog.all_check.setChecked(True)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.width() <= parent.width() and dialog.height() <= parent.height()
    table, header = dialog.table, dialog.table.horizontalHeader()
    assert not table.horizontalScrollBar().isVisible()
    metrics = table.fontMetrics()
    for column in range(table.columnCount()):
        right = header.sectionViewportPosition(column) + header.sectionSize(column)
        assert right <= table.viewport().width(), PdsaCyclesDialog.COLUMNS[column]
    for column in (0, 2, 3, 5):  # the short ones are shown on one line, whole
        widest = max(metrics.horizontalAdvance(table.item(r, column).text()) for r in range(table.rowCount()))
        assert header.sectionSize(column) >= widest, PdsaCyclesDialog.COLUMNS[column]
    assert table.item(1, 5).text() == "closed 12 Jun 2026"
