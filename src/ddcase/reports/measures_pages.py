"""The family of measures in the meeting PDF (issue 16): the summary table (measures × teams,
each with its latest value, aim, the two Making Data Count icons and the rule that fired, in
words) and one chart per measure: a proportion on the main chart's p/run chart (`RunChart`), a
value on an XmR chart and a count on a c chart (`ControlChartDrawing`, below).

The icons are drawn in the one colour language of `domain/marks.py` and always carry a letter
and the words beside them, so they read in greyscale: variation H/L (blue improving, orange
concerning, by the measure's better direction) or a grey "~" for common cause; assurance P (blue,
passing), F (orange, failing) or "?" (grey, hit and miss).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from ddcase.domain import Annotation, Month
from ddcase.domain.marks import BLUE, GREY, MARKS, ORANGE
from ddcase.reports import styles
from ddcase.reports.chart_drawing import ChartDrawing
from ddcase.reports.content import MeasureChart, MeasureRow
from ddcase.reports.plain_table import wrapped
from ddcase.reports.run_chart import ChartNote, RunChart, chart_notes, point_marker
from ddcase.rules.charts import SeriesAnalysis, month_text
from ddcase.rules.control_charts import ControlChart, ControlChartKind
from ddcase.rules.mdc import Variation
from ddcase.rules.measures import (
    ASSURANCE_WORDS,
    VARIATION_SHORT,
    VARIATION_WORDS,
    aim_text,
    number_text,
    rule_words,
    value_text,
)

ICON_SIZE = 11.0


def _p(text: str, style: str = "body") -> Paragraph:
    return styles.paragraph(text, style)


def _e(text: object) -> str:
    return escape(str(text))


def variation_icon(entry: dict[str, Any]) -> Flowable:
    """The variation icon: a circle with H or L (the direction of the special cause) or "~"."""
    variation = entry["variation"]
    high = entry["better"] == "higher"
    if variation == Variation.IMPROVEMENT.value:
        fill, letter = BLUE, "H" if high else "L"
    elif variation == Variation.CONCERN.value:
        fill, letter = ORANGE, "L" if high else "H"
    elif variation == Variation.COMMON_CAUSE.value:
        fill, letter = GREY, "~"
    else:
        fill, letter = None, "–"
    return _Icon(fill, letter)


def assurance_icon(entry: dict[str, Any]) -> Flowable:
    """The assurance icon: P (consistently passing), F (failing) or ? (hit and miss)."""
    assurance = entry["assurance"]
    fill, letter = {"pass": (BLUE, "P"), "fail": (ORANGE, "F"), "hit_and_miss": (GREY, "?")}.get(
        assurance, (None, "–")
    )
    return _Icon(fill, letter)


class _Icon(Flowable):
    """An icon in the summary table: its drawing is made and drawn once per PDF, as a form that
    each row places (a trust's summary has 252 icons, in 8 kinds)."""

    def __init__(self, fill: str | None, letter: str) -> None:
        super().__init__()
        self.fill, self.letter = fill, letter
        self.width = self.height = ICON_SIZE
        # A PDF name: letters and digits only.
        self.form = f"ddcaseIcon{(fill or 'none').lstrip('#')}{ord(letter):x}"

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (ReportLab's names)
        return ICON_SIZE, ICON_SIZE

    def draw(self) -> None:
        canvas = self.canv
        if not canvas.hasForm(self.form):
            canvas.beginForm(self.form)
            renderPDF.draw(icon_drawing(self.fill, self.letter), canvas, 0, 0)
            canvas.endForm()
        canvas.doForm(self.form)


def icon_drawing(fill: str | None, letter: str) -> Drawing:
    """The icon: a circle in the MDC colour (white for none) with its letter."""
    d = Drawing(ICON_SIZE, ICON_SIZE)
    r = ICON_SIZE / 2 - 0.6
    d.add(
        Circle(
            ICON_SIZE / 2,
            ICON_SIZE / 2,
            r,
            fillColor=colors.HexColor(fill) if fill else colors.white,
            strokeColor=styles.INK,
            strokeWidth=0.6,
        )
    )
    d.add(
        String(
            ICON_SIZE / 2,
            ICON_SIZE / 2 - 2.5,
            letter,
            fontName=styles.bold(),
            fontSize=7,
            textAnchor="middle",
            fillColor=colors.white if fill in (BLUE, ORANGE) else styles.INK,
        )
    )
    return d


def summary_page(rows: Sequence[MeasureRow], month_label: str, scope: str) -> list[Flowable]:
    """The summary table: one row per measure and team (the measure named on its first row)."""
    cell = ParagraphStyle("measure_cell", parent=styles.paragraph_styles()["cell"], fontSize=7.2, leading=8.6)
    head = ParagraphStyle(
        "measure_head", parent=styles.paragraph_styles()["cell_head"], fontSize=7.2, leading=8.6
    )
    header = [
        Paragraph(text, head)
        for text in ("Measure", "Team", "Latest", "Aim", "Variation", "", "Assurance", "", "Rule that fired")
    ]
    widths = [104, 70, 62, 28, 15, 52, 15, 56, 102]
    padding = 3

    @cache  # teams, verdicts, aims and rules repeat down the table: each broken once
    def text(value: str, column: int) -> str:
        """Plain text, broken into lines as a Paragraph in `cell` would break it: a Paragraph
        per cell was most of the page's time. Drawn in the same place (the table's FONT)."""
        return wrapped(value, cell.fontName, cell.fontSize, widths[column] - 2 * padding)

    data: list[list[Any]] = [header]
    previous_key = None
    for row in rows:
        e = row.entry
        name = f"{_e(e['name'])}<br/><font size=6.4 color='#595959'>{_e(e['key'])} · {_e(e['type'])}</font>"
        provisional = " (provisional)" if e["provisional"] else ""
        data.append(
            [
                Paragraph(name, cell) if e["key"] != previous_key else "",
                text(row.team, 1),
                text(value_text(e) + provisional, 2),
                text(aim_text(e), 3),
                variation_icon(e),
                text(VARIATION_SHORT[e["variation"]], 5),
                assurance_icon(e),
                text(ASSURANCE_WORDS[e["assurance"]], 7),
                text(rule_words(e, short=True), 8),
            ]
        )
        previous_key = e["key"]
    table = Table(data, colWidths=widths, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), cell.fontName, cell.fontSize, cell.leading),
        ("TEXTCOLOR", (0, 0), (-1, -1), cell.textColor),
        ("BACKGROUND", (0, 0), (-1, 0), styles.HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, styles.MUTED),
        ("SPAN", (4, 0), (5, 0)),
        ("SPAN", (6, 0), (7, 0)),
    ]
    for index, row in enumerate(rows, start=1):
        if index > 1 and row.entry["key"] != rows[index - 2].entry["key"]:
            style.append(("LINEABOVE", (0, index), (-1, index), 0.5, styles.GRID))
    table.setStyle(TableStyle(style))
    return [
        _p("The family of measures", "heading"),
        _p(
            f"{_e(month_label)}, {_e(scope)}: each measure's latest value and aim, read the Making Data "
            "Count way. Variation: H/L special cause (blue improving, orange concerning), ~ common cause. "
            "Assurance against the aim: P consistently passing, F consistently failing, ? hit and miss. "
            "The jointly-worked measure's own verdict stays the Anhøj runs analysis of its chart (next page).",
            "small",
        ),
        Spacer(1, 4),
        table,
    ]


def measure_charts(
    charts: Sequence[MeasureChart], annotations: Sequence[Annotation], width: float
) -> list[Flowable]:
    """One chart per measure, each with what it is and its MDC reading in words, kept together
    on one page (a reading alone at the top of a page says nothing)."""
    out: list[Flowable] = []
    for chart in charts:
        e = chart.entry
        heading = _p(_e(e["name"]), "heading")
        if isinstance(chart.analysis, SeriesAnalysis):
            analysis = chart.analysis
            if not analysis.months:
                continue
            kind = "p chart" if any(p.chart.value == "p" for p in analysis.parts) else "run chart"
            aim = 100 * e["aim"] if e["aim"] is not None else None
            notes = chart_notes(analysis, [*annotations, *chart.marks])
            drawing = RunChart(analysis, notes=notes, aim=aim, width=width, height=200).drawing()
            first, last = analysis.months[0].month, analysis.months[-1].month
        else:
            control = chart.analysis
            if not control.months:
                continue
            kind = "XmR chart" if control.kind is ControlChartKind.XMR else "c chart"
            notes = chart_notes(control, [*annotations, *chart.marks])
            drawing = ControlChartDrawing(
                control, aim=e["aim"], width=width, height=190, notes=notes
            ).drawing()
            first, last = control.months[0].month, control.months[-1].month
        what = _p(
            f"{_e(e['key'])} · {_e(e['type'])} · {_e(e['unit'])} · {_e(e['better'])} is better · {kind}, "
            f"{_e(month_text(first))} to {_e(month_text(last))}",
            "small",
        )
        reading = _p(
            f"Latest: {_e(value_text(e))}; aim {_e(aim_text(e))}. Variation: "
            f"{_e(VARIATION_WORDS[e['variation']])}; assurance: {_e(ASSURANCE_WORDS[e['assurance']])}; "
            f"rule that fired: {_e(rule_words(e))}.",
            "small",
        )
        kept: list[Flowable] = [heading, what, Spacer(1, 2), drawing, reading]
        if chart.marks and notes:  # its own numbering: the notes and the PDSA cycles' starts
            kept.append(
                _p(
                    "Notes on this chart: "
                    + "; ".join(f"<b>{n.number}</b> {_e(month_text(n.month))}: {_e(n.text)}" for n in notes),
                    "small",
                )
            )
        out.append(KeepTogether(kept))
    return out


def teams_side_by_side(charts: Sequence[tuple[str, MeasureChart]], width: float) -> list[Flowable]:
    """Each team's jointly-worked chart, short and one above the other, on the same 0-100% scale
    and the same months, so a manager of several teams sees at a glance which one moved."""
    out: list[Flowable] = [
        _p("Teams side by side", "heading"),
        _p(
            "Mutual clients jointly worked, each team on its own chart: the same 0-100% scale and the "
            "same months, one above the other.",
            "small",
        ),
    ]
    for team, chart in charts:
        if not isinstance(chart.analysis, SeriesAnalysis) or not chart.analysis.months:
            continue
        caption = _p(f"<b>{_e(team)}</b>: {_e(value_text(chart.entry))}", "body")
        out.append(KeepTogether([caption, RunChart(chart.analysis, width=width, height=150).drawing()]))
    return out


class ControlChartDrawing:
    """An XmR or c chart: one point a month in the MDC colour language, each part's centre line
    (solid) and process limits (dashed while trial), the aim dash-dot, parts separated, gaps
    left empty and the month in progress hollow."""

    LEFT, RIGHT, TOP, BOTTOM = 36.0, 62.0, 12.0, 30.0

    def __init__(
        self,
        chart: ControlChart,
        *,
        aim: float | None,
        width: float,
        height: float,
        notes: Sequence[ChartNote] = (),
    ) -> None:
        self.chart = chart
        self.notes = list(notes)
        self.months = list(chart.months)
        self.aim = aim
        self.width, self.height = width, height
        self.x0, self.x1 = self.LEFT, width - self.RIGHT
        self.y0, self.y1 = self.BOTTOM, height - self.TOP
        self.slot = (self.x1 - self.x0) / max(len(self.months), 1)
        numbers = [float(m.value) for m in self.months if m.value is not None]
        for m in self.months:
            numbers += [v for v in (m.lower_limit, m.upper_limit, m.centre) if v is not None]
        if aim is not None:
            numbers.append(float(aim))
        low, high = (min(numbers), max(numbers)) if numbers else (0.0, 1.0)
        pad = (high - low) * 0.08 or 1.0
        self.low = max(0.0, low - pad) if chart.kind is ControlChartKind.C else low - pad
        self.high = high + pad

    def x(self, index: int) -> float:
        return self.x0 + self.slot * (index + 0.5)

    def y(self, value: float) -> float:
        return self.y0 + (value - self.low) / (self.high - self.low) * (self.y1 - self.y0)

    def _text(self, x: float, y: float, text: str, anchor: str = "start", size: float = 6.5) -> String:
        return String(
            x, y, text, fontName=styles.regular(), fontSize=size, textAnchor=anchor, fillColor=styles.MUTED
        )

    def drawing(self) -> Drawing:
        d = ChartDrawing(self.width, self.height)
        for step in range(5):
            value = self.low + (self.high - self.low) * step / 4
            y = self.y(value)
            d.add(Line(self.x0, y, self.x1, y, strokeColor=styles.GRID, strokeWidth=0.5))
            d.add(self._text(self.x0 - 3, y - 2.2, number_text(round(value, 2)), anchor="end"))
        d.add(Line(self.x0, self.y0, self.x1, self.y0, strokeColor=styles.MUTED, strokeWidth=0.8))
        for index, month in enumerate(self.months):
            step = max(1, -(-len(self.months) // 12))
            last = len(self.months) - 1
            if index % step == 0 if index != last else (last % step == 0 or last % step >= step / 2 + 1):
                d.add(
                    self._text(
                        self.x(index),
                        self.y0 - 9,
                        month_text(month.month),
                        anchor="middle",
                        size=5.8,
                    )
                )
        for part in self.chart.parts:
            indexes = [i for i, m in enumerate(self.months) if m.part == part.part]
            left, right = self.x(indexes[0]) - self.slot / 2, self.x(indexes[-1]) + self.slot / 2
            if part.part > 1:
                d.add(Line(left, self.y0, left, self.y1, strokeColor=styles.MUTED, strokeWidth=0.9))
                d.add(self._text(left + 2, self.y1 - 7, "New part"))
            if part.centre is None:
                continue
            d.add(
                Line(
                    left,
                    self.y(part.centre),
                    right,
                    self.y(part.centre),
                    strokeColor=styles.CENTRE,
                    strokeWidth=1.0,
                )
            )
            for limit in (part.lower_limit, part.upper_limit):
                if limit is not None:
                    d.add(
                        Line(
                            left,
                            self.y(limit),
                            right,
                            self.y(limit),
                            strokeColor=styles.LIMIT,
                            strokeWidth=0.7,
                            strokeDashArray=[3, 1.5] if part.trial else None,
                        )
                    )
        latest = self.chart.parts[-1] if self.chart.parts else None
        if latest is not None and latest.centre is not None:
            for name, value in (
                ("Upper", latest.upper_limit),
                ("Centre", latest.centre),
                ("Lower", latest.lower_limit),
            ):
                if value is not None:
                    d.add(
                        self._text(self.x1 + 3, self.y(value) - 2.2, f"{name} {number_text(round(value, 2))}")
                    )
        if self.aim is not None:
            y = self.y(float(self.aim))
            d.add(styles.aim_line(self.x0, self.x1, y))
            d.add(
                String(
                    self.x1,
                    y + 2,
                    f"Aim {number_text(float(self.aim))}",
                    fontName=styles.regular(),
                    fontSize=6.5,
                    textAnchor="end",
                    fillColor=styles.AIM,
                )
            )
        stretch: list[float] = []
        for index, month in enumerate(self.months):
            if month.value is None or month.provisional:
                if len(stretch) >= 4:
                    d.add(PolyLine(stretch, strokeColor=styles.DATA, strokeWidth=0.9))
                stretch = []
                continue
            stretch += [self.x(index), self.y(float(month.value))]
        if len(stretch) >= 4:
            d.add(PolyLine(stretch, strokeColor=styles.DATA, strokeWidth=0.9))
        for index, month in enumerate(self.months):
            if month.value is None:
                continue
            d.add(point_marker(self.x(index), self.y(float(month.value)), MARKS[month.point_kind]))
        self._note_markers(d)
        return d

    def _note_markers(self, d: Drawing) -> None:
        """Each note's month (a PDSA cycle's start among them): a dotted line, its number on top."""
        index = {m.month: i for i, m in enumerate(self.months)}
        by_month: dict[Month, list[ChartNote]] = {}
        for note in self.notes:
            if note.month in index:
                by_month.setdefault(note.month, []).append(note)
        for month, notes in by_month.items():
            x = self.x(index[month])
            d.add(
                Line(x, self.y0, x, self.y1, strokeColor=styles.NOTE, strokeWidth=0.7, strokeDashArray=[1, 2])
            )
            label = ",".join(str(n.number) for n in notes)
            d.add(
                String(
                    x,
                    self.y1 + 2,
                    label,
                    fontName=styles.bold(),
                    fontSize=6.3,
                    textAnchor="middle",
                    fillColor=styles.NOTE,
                )
            )
