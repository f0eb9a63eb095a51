"""Issue 12, defect 4: screen and paper disagree on colour. One known series drawn by the Qt
chart widget (grabbed to pixels) and by the ReportLab chart (rendered with pdftoppm): each
point's colour read from the pixels is the same on both, follows Making Data Count (grey, blue,
orange, hollow for the month in progress), and nothing is red. Tooltips on every point."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from PySide6.QtCore import QEvent, QPointF
from PySide6.QtGui import QColor, QHelpEvent, QImage
from PySide6.QtWidgets import QApplication, QToolTip

from ddcase.domain import MeasureSettings, Month, month_range
from ddcase.rules.charts import MonthlyPoint, analyse_series
from ddcase.services.figures import Series

FIRST = Month(2024, 12)
TODAY = date(2026, 12, 5)
# Twelve low months, then twelve high (a shift, with months outside the limits on both sides),
# then December 2026 so far.
PAIRS = [(4, 20)] * 6 + [(5, 20)] * 6 + [(12, 20)] * 5 + [(0, 0)] + [(13, 20)] * 5 + [(20, 20), (1, 20)]


def known_series() -> Series:
    months = list(month_range(FIRST, FIRST.plus(len(PAIRS) - 1)))
    assert months[-1] == Month(2026, 12)
    points = [
        MonthlyPoint(m, j, n, 1, m.is_provisional(TODAY)) for m, (j, n) in zip(months, PAIRS, strict=True)
    ]
    return Series(months[0], months[-1], None, (), analyse_series(points), (), MeasureSettings())


def _rgb(color: QColor) -> tuple[int, int, int]:
    return color.red(), color.green(), color.blue()


def _close(a: tuple[int, int, int], b: tuple[int, int, int], tolerance: int = 3) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def _is_red(r: int, g: int, b: int) -> bool:
    return r >= 170 and g <= 90 and b <= 90


@pytest.fixture
def chart(qtbot):
    from ddcase.ui.widgets.run_chart import RunChart

    widget = RunChart()
    qtbot.addWidget(widget)
    widget.resize(1000, 420)
    widget.set_series(known_series())
    widget.show()
    return widget


def screen_colours(chart) -> dict[Month, tuple[int, int, int]]:
    image = chart.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    ratio = image.devicePixelRatio()
    return {
        m.month: _rgb(image.pixelColor(int(p.x() * ratio), int(p.y() * ratio)))
        for m, p in chart.point_positions()
    }


def paper_colours(tmp_path) -> tuple[dict[Month, tuple[int, int, int]], list[tuple[int, int, int]]]:
    from PIL import Image
    from reportlab.graphics import renderPDF

    from ddcase.reports.run_chart import RunChart

    analysis = known_series().analysis
    chart = RunChart(analysis, width=480, height=250)
    pdf = tmp_path / "chart.pdf"
    renderPDF.drawToFile(chart.drawing(), str(pdf))
    subprocess.run(
        ["pdftoppm", "-r", "288", "-png", "-singlefile", str(pdf), str(tmp_path / "chart")], check=True
    )
    image = Image.open(tmp_path / "chart.png").convert("RGB")
    scale = 288 / 72
    height = image.height
    colours = {}
    for i, month in enumerate(analysis.months):
        if month.proportion is None:
            continue
        x, y = chart.x(i) * scale, height - chart.y(float(month.proportion)) * scale
        colours[month.month] = image.getpixel((round(x), round(y)))
    raw = image.tobytes()
    return colours, [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_screen_and_paper_draw_every_point_in_the_same_colour_and_none_red(chart, tmp_path):
    from ddcase.domain.marks import MARKS, PointKind

    analysis = known_series().analysis
    kinds = {m.month: m.kind for m in analysis.months if not m.is_gap}
    assert set(kinds.values()) == set(PointKind)  # the series shows every kind of point
    screen = screen_colours(chart)
    paper, paper_pixels = paper_colours(tmp_path)
    assert screen.keys() == paper.keys() == kinds.keys()
    white = (255, 255, 255)
    for month, kind in kinds.items():
        fill = MARKS[kind].fill
        expected = _rgb(QColor(fill)) if fill else white
        assert _close(screen[month], expected), (month, kind, screen[month], expected)
        assert _close(paper[month], expected), (month, kind, paper[month], expected)
    image = chart.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    screen_red = [
        (x, y)
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if _is_red(*_rgb(image.pixelColor(x, y)))
    ]
    assert screen_red == []
    assert not any(_is_red(*pixel) for pixel in paper_pixels)


def test_the_legends_list_only_what_the_chart_shows(chart):
    from ddcase.reports.run_chart import RunChart as PaperChart

    labels = chart.legend_labels()
    assert labels[:4] == [
        "Common cause",
        "Improvement",
        "Concern",
        "In progress (provisional)",
    ]
    assert "Aim" not in labels and "Note" not in labels
    ended = [p for p in known_series().analysis.months if not p.provisional]
    calm = analyse_series([MonthlyPoint(m.month, 10, 20) for m in ended[:6]])
    chart.set_series(Series(ended[0].month, ended[5].month, None, (), calm, (), MeasureSettings()))
    assert chart.legend_labels() == ["Common cause", "Centre line"]
    assert PaperChart(calm).legend_labels() == ["common cause", "centre line"]


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_every_point_has_a_tooltip(chart, qtbot):
    analysis = known_series().analysis
    positions = dict((m.month, p) for m, p in chart.point_positions())
    assert len(positions) == sum(1 for m in analysis.months if not m.is_gap)
    for month in analysis.months:
        if month.is_gap:
            continue
        text = chart.tooltip_at(positions[month.month])
        assert text is not None and text.startswith(
            f"{month.month.label()}: {month.jointly_worked} of {month.mutual_clients} jointly worked"
        )
        if month.provisional:
            assert "Provisional" in text and "Limits" not in text
        else:
            assert "Limits " in text and "Centre line " in text
        if month.outside_limits:
            assert "Signal: " in text and "the limits" in text
    assert chart.tooltip_at(QPointF(2, 2)) is None
    # The event the hover sends shows the same text.
    november = positions[Month(2026, 11)].toPoint()
    event = QHelpEvent(QEvent.Type.ToolTip, november, chart.mapToGlobal(november))
    QApplication.sendEvent(chart, event)
    qtbot.waitUntil(lambda: QToolTip.isVisible(), timeout=5_000)
    assert QToolTip.text() == chart.tooltip_at(QPointF(november))
    QToolTip.hideText()
