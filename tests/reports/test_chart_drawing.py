"""The report's charts drawn by `chart_drawing` (issue 18): the same PDF, byte for byte, as
ReportLab's own renderer gives for the same drawing: run and p charts with parts, gaps, notes,
an aim and signals, an XmR chart, a Pareto chart, and a drawing holding shapes the short way
leaves to ReportLab (a widget, a derived value)."""

from __future__ import annotations

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.validators import inherit
from reportlab.pdfgen.canvas import Canvas

from ddcase.domain import Annotation, Criterion, Month
from ddcase.domain.marks import MARKS, Shape
from ddcase.reports import styles
from ddcase.reports.chart_drawing import ChartDrawing, shared
from ddcase.reports.measures_pages import ControlChartDrawing
from ddcase.reports.pareto import pareto_chart
from ddcase.reports.run_chart import RunChart, _mark_colours, chart_notes, point_marker
from ddcase.rules.charts import analyse_series
from ddcase.rules.control_charts import ValuePoint, analyse_xmr
from tests.reports.test_run_chart import SHIFT, points


def _pdf(drawing: Drawing, kind: type[Drawing], *, veiled: bool = False) -> bytes:
    """Two pages with `drawing` placed as a flowable is (`drawOn`), drawn as a `kind`: twice on
    the first (the first time, when `veiled`, on a canvas whose fill is already half
    transparent), once on the second."""
    styles.paragraph_styles()  # the fonts
    object.__setattr__(drawing, "__class__", kind)  # a shape's own __setattr__ would keep it as an attribute
    assert type(drawing) is kind
    canvas = Canvas("chart.pdf", invariant=1, pageCompression=0)
    canvas.saveState()
    if veiled:
        canvas.setFillAlpha(0.5)
    drawing.drawOn(canvas, 40, 400)
    canvas.restoreState()
    drawing.drawOn(canvas, 60, 100)  # the fonts' subsets and the canvas's state carried on
    canvas.showPage()
    drawing.drawOn(canvas, 50, 300)  # and the page's resources
    canvas.showPage()
    return canvas.getpdfdata()


def _same_as_reportlab(drawing: Drawing, *, veiled: bool = False) -> None:
    assert type(drawing) is ChartDrawing
    short = _pdf(drawing, ChartDrawing, veiled=veiled)
    assert short == _pdf(drawing, Drawing, veiled=veiled)
    assert b") Tj" in short  # something was drawn


def test_run_and_p_charts_are_drawn_as_reportlab_draws_them():
    versions = [1] * 14 + [2] * 10
    analysis = analyse_series(points(SHIFT, versions), new_part_months=[Month(2025, 11)])
    notes = chart_notes(analysis, [Annotation(Month(2025, 11), "A new joint clinic", id=2)])
    _same_as_reportlab(RunChart(analysis, notes=notes, aim=80, width=480, height=200).drawing())
    _same_as_reportlab(RunChart(analyse_series(points(SHIFT)), width=483, height=150).drawing())
    _same_as_reportlab(RunChart(analyse_series(points([])), width=300, height=100).drawing())


def test_an_xmr_and_a_pareto_chart_are_drawn_as_reportlab_draws_them():
    months = [Month(2026, m) for m in range(1, 11)]
    chart = analyse_xmr([ValuePoint(m, 3.5 + (m.month % 3) / 2) for m in months])
    notes = chart_notes(chart, [Annotation(Month(2026, 3), "New survey form")])
    _same_as_reportlab(ControlChartDrawing(chart, aim=4.0, width=480, height=190, notes=notes).drawing())
    _same_as_reportlab(pareto_chart([(Criterion.CONSENT, 12), (Criterion.JOINT_CONTACT, 5)]))
    _same_as_reportlab(pareto_chart([]))


def test_shapes_it_does_not_know_are_left_to_reportlab():
    drawing = ChartDrawing(200, 100)
    group = Group(Line(0, 0, 50, 50, strokeColor=colors.red, strokeWidth=2), transform=(1, 0, 0, 1, 10, 5))
    group.add(String(5, 5, "in a moved group", fontName=styles.regular(), fontSize=7))
    drawing.add(group)
    drawing.add(makeMarker("FilledDiamond", x=80, y=40, size=6))  # a widget
    derived = Group(Line(0, 0, 20, 0, strokeColor=colors.blue), String(0, 4, "derived", fontName=inherit))
    drawing.add(derived)
    drawing.add(String(100, 90, "after", textAnchor="middle", fillColor=colors.green))
    _same_as_reportlab(drawing)


def test_a_shared_shape_is_drawn_afresh_where_what_it_inherits_differs():
    """Written again only where it would be drawn the same: here a shape that inherits whether
    to stroke (a stroked string without a stroke colour), and one drawn the first time where its
    transparency was already set (so it set none) and then where it was not."""
    outline = shared(String(10, 10, "outline", fontName=styles.regular(), textRenderMode=1))
    veil = shared(Rect(0, 0, 30, 30, fillColor=colors.Color(0, 0, 1, alpha=0.5), strokeColor=None))
    no_stroke = shared(Line(0, 50, 40, 50, strokeColor=None))
    drawing = ChartDrawing(200, 100)
    drawing.add(Line(0, 0, 10, 0, strokeColor=colors.red))  # stroking on
    drawing.add(outline)  # drawn stroked
    drawing.add(veil)  # the first time on a half transparent canvas
    drawing.add(Line(0, 0, 10, 0, strokeColor=colors.red))
    drawing.add(no_stroke)  # stroking off, after it
    drawing.add(String(10, 80, "after no stroke", fontName=styles.regular(), textRenderMode=1))
    drawing.add(outline)  # not stroked now
    drawing.add(Line(0, 0, 10, 0, strokeColor=colors.red))
    drawing.add(no_stroke)  # written again: stroking off after it as before
    drawing.add(String(10, 90, "again", fontName=styles.regular(), textRenderMode=1))
    _same_as_reportlab(drawing, veiled=True)


def test_a_point_is_the_shape_its_constructor_makes():
    """Each month's point is a copy of its mark's first, placed: the same attributes, values and
    order as ReportLab's constructor gives (the order is the order its state is written in)."""
    for mark in MARKS.values():
        for x, y in [(10.0, 20.0), (101.5625, 77.25)]:
            fill, outline = _mark_colours(mark)
            r = 2.6 * mark.size
            if mark.shape is Shape.CIRCLE:
                made = Circle(x, y, r, fillColor=fill, strokeColor=outline, strokeWidth=0.6)
            else:
                up = mark.shape is Shape.TRIANGLE_UP
                apex, base = (y + r, y - r * 0.8) if up else (y - r, y + r * 0.8)
                made = Polygon(
                    [x - r, base, x + r, base, x, apex], fillColor=fill, strokeColor=outline, strokeWidth=0.6
                )
            placed = point_marker(x, y, mark, radius=2.6)
            assert type(placed) is type(made)
            assert list(placed.__dict__.items()) == list(made.__dict__.items())
