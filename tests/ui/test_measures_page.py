"""The Measures page (issue 16): Ctrl+6 opens the family of measures for the month viewed, and a
month's values of the measures entered by hand are typed into a small grid, by keyboard only."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from tests.ui.keys import in_modal, ok_button, press, shown_texts, type_text

from ddcase.domain.measures import ManualMeasure


def open_measures(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window.tabs.currentWidget(), Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.measures_page


def keys(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [reading.key for reading in page.model.rows()]


def test_ctrl_6_shows_the_family_with_its_readings(small_team, window, qtbot, qtmodeltester, tmp_path):
    small_team.manual_measures.define(ManualMeasure("trained", "Staff trained", unit="proportion", aim=0.8))
    open_measures(window, qtbot)
    page = window.measures_page
    qtmodeltester.check(page.model, force_py=True)
    assert keys(page) == [
        "jointly_worked",
        "criterion:named_workers",
        "criterion:consent",
        "criterion:joint_contact",
        "criterion:liaison",
        "discharges_with_other_service",  # issue 17 (no caseload audit here: no audit:... keys)
        "manual:trained",
    ]
    expected = small_team.measures.table(window.month()).json()["measures"][0]
    row = [page.model.index(0, c).data() for c in range(page.model.columnCount())]
    assert row[0] == "Mutual clients jointly worked"
    assert row[2].startswith(
        f"{round(100 * expected['value'])}% ({expected['numerator']}/{expected['denominator']})"
    )
    # The chosen measure's chart is drawn below the table; Down chooses the next one.
    assert page.chart.title() == "Mutual clients jointly worked"
    qtbot.keyClick(page.table_view, Qt.Key.Key_Down)
    assert page.chart.title() == "Named workers (mutual clients)"
    qtbot.keyClick(page.table_view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert page.chart.title() == "Staff trained"
    # A copy of the chart on its own, to look at (grabbing inside the window re-lays it out).
    from ddcase.ui.widgets.measure_chart import MeasureChart

    alone = MeasureChart()
    qtbot.addWidget(alone)
    alone.set_chart(page.chart.title(), page.chart._points, aim=80.0, percent=True)
    alone.resize(640, 240)
    assert alone.grab().save(str(tmp_path / "measure_chart.png"))


def test_a_months_values_are_typed_into_the_grid(small_team, window, qtbot, tmp_path):
    manual = small_team.manual_measures
    manual.define(ManualMeasure("trained", "Staff trained", unit="proportion", aim=0.8))
    manual.define(ManualMeasure("satisfaction", "Satisfaction (mean, 1-5)", type="outcome", unit="value"))
    open_measures(window, qtbot)
    month = window.month()

    def wrong_then_right(dialog) -> None:  # type: ignore[no-untyped-def]
        # The grid lists the measures by name: satisfaction first, then staff trained.
        type_text("4.25")
        press(Qt.Key.Key_Tab)
        type_text("16")
        press(Qt.Key.Key_Tab)
        type_text("15")
        assert not ok_button(dialog).isEnabled()
        assert "Staff trained: 16 is more than the denominator 15" in shown_texts(dialog)
        press(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)  # back to the numerator, selected
        type_text("9")
        assert ok_button(dialog).isEnabled()
        dialog.grab().save(str(tmp_path / "grid.png"))
        press(Qt.Key.Key_Return)

    def alt_e() -> None:
        # A button's Alt key clicks it after a short animation: wait for the grid to come and go.
        with qtbot.waitSignal(window.measures_page.enter_button.clicked, timeout=5000):
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)

    in_modal(qtbot, alt_e, wrong_then_right)
    assert [(v.month, v.numerator, v.denominator) for v in manual.values("trained")] == [(month, 9, 15)]
    assert [(v.month, v.value) for v in manual.values("satisfaction")] == [(month, 4.25)]
    texts = {r.key: window.measures_page.model.display(r, 2) for r in window.measures_page.model.rows()}
    assert texts["manual:trained"].startswith("60% (9/15)")
    assert texts["manual:satisfaction"].startswith("4.25")


def test_teams_side_by_side_share_one_scale(small_team, window, qtbot):
    manual = small_team.manual_measures
    manual.define(ManualMeasure("trained", "Staff trained", unit="proportion"))
    open_measures(window, qtbot)
    page = window.measures_page
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.side_by_side_check.isChecked(), timeout=3000)
    shown = [c for c in page.team_charts if c.isVisibleTo(page)]
    assert [c.title() for c in shown] == [
        "Luton North CMHT: Mutual clients jointly worked",
        "Luton South CMHT: Mutual clients jointly worked",
    ]
    assert not page.chart.isVisibleTo(page)
    assert len({c.value_range() for c in shown}) == 1
    qtbot.keyClick(page.table_view, Qt.Key.Key_Down)
    assert [c.title() for c in shown][0] == "Luton North CMHT: Named workers (mutual clients)"
