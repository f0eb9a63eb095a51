"""The client's 12-month strip: every label fits its cell, at the narrowest the window allows
(1024x700 put "2025" and "2026" of December and January over each other)."""

from __future__ import annotations

from ddcase.domain import Month
from ddcase.ui.widgets.status_strip import StatusStrip


def _strip(qtbot, width: int) -> StatusStrip:  # type: ignore[no-untyped-def]
    strip = StatusStrip()
    qtbot.addWidget(strip)
    first = Month(2025, 12)
    strip.set_months([(first.plus(n), None) for n in range(12)])
    strip.resize(width, strip.sizeHint().height())
    return strip


def test_years_fit_their_cells_in_a_narrow_window(qtbot) -> None:  # type: ignore[no-untyped-def]
    strip_width = 12 * 28  # minimumSizeHint: what the layout gives it at 1024x700
    strip = _strip(qtbot, strip_width)
    assert strip.width() == strip_width
    december, january = strip._cell(0), strip._cell(1)
    for number, cell in ((0, december), (1, january)):
        text = strip._year_text(Month(2025, 12).plus(number), cell)
        assert strip.fontMetrics().horizontalAdvance(text) <= cell.width(), text
    assert strip._year_text(Month(2025, 12), december) == "\u201925"


def test_years_in_full_where_there_is_room(qtbot) -> None:  # type: ignore[no-untyped-def]
    strip = _strip(qtbot, 12 * 60)
    assert strip._year_text(Month(2026, 1), strip._cell(1)) == "2026"
