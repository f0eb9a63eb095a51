"""The chart of the monthly figure as ReportLab vector graphics (SPEC §5; notes (e) 7-10).

One point a month; the centre line of each part solid, dashed when the part's runs analysis
signals; p chart limits as stepped lines; gaps and parts break the lines; the aim as a dash-dot
line with its value; notes as numbered dotted markers (their text is listed under the chart);
changes of definition version and declared new parts as labelled separators. Each point is
marked in the one colour language of `domain/marks.py` (the screen's too): grey circles for common
cause, blue upward triangles for improvement, orange downward triangles for concern, a hollow
circle for the month in progress, so the chart reads in black and white as well as in colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TypeVar

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth

from ddcase.domain import Annotation, Month
from ddcase.domain.format import percent_text
from ddcase.domain.marks import MARKS, Mark, PointKind, Shape
from ddcase.reports import styles
from ddcase.reports.chart_drawing import ChartDrawing, shared
from ddcase.rules.charts import ChartKind, PartAnalysis, SeriesAnalysis
from ddcase.rules.control_charts import ControlChart

LEFT = 30.0
RIGHT = 66.0
TOP = 38.0
BOTTOM = 50.0
LEGEND_HEIGHT = 14.0
LEGEND_ROW = 9.0
POINT_RADIUS = 2.6
LABEL_SIZE = 7.0


@dataclass(frozen=True, slots=True)
class ChartNote:
    """A note drawn on the chart: its number, month and full text (listed under the chart)."""

    number: int
    month: Month
    text: str
    new_part: bool


def chart_notes(
    analysis: SeriesAnalysis | ControlChart, annotations: Sequence[Annotation]
) -> list[ChartNote]:
    """The notes that fall within the chart's months, numbered in month order."""
    months = {m.month for m in analysis.months}
    shown = sorted((a for a in annotations if a.month in months), key=lambda a: (a.month, a.id or 0))
    return [ChartNote(number, a.month, a.text, a.new_part) for number, a in enumerate(shown, start=1)]


def centre_name(part: PartAnalysis) -> str:
    return "Median" if part.chart is ChartKind.RUN else "Centre"


class RunChart:
    """Builds the Drawing. `aim` is a percentage (0..100) or None."""

    def __init__(
        self,
        analysis: SeriesAnalysis,
        *,
        notes: Sequence[ChartNote] = (),
        aim: float | None = None,
        width: float = 480.0,
        height: float = 250.0,
    ) -> None:
        self.analysis = analysis
        self.months = list(analysis.months)
        self.notes = list(notes)
        self.aim = aim
        self.width = width
        self.height = height
        self.x0 = LEFT
        self.x1 = width - RIGHT
        self.y0 = BOTTOM + LEGEND_HEIGHT
        # Room above the plot for part labels only when there is more than one part.
        self.y1 = height - (TOP if len(analysis.parts) > 1 else TOP - 16)
        self.slot = (self.x1 - self.x0) / max(len(self.months), 1)
        self.font = styles.regular()
        self.bold = styles.bold()
        # A second legend row when the first is full: the plot moves up to make room.
        self.legend_rows = self._legend_places()[-1][3] + 1 if self.months else 1
        self.y0 += LEGEND_ROW * (self.legend_rows - 1)

    # ------------------------------------------------------------------ geometry

    def x(self, index: int) -> float:
        return self.x0 + self.slot * (index + 0.5)

    def y(self, proportion: float) -> float:
        return self.y0 + proportion * (self.y1 - self.y0)

    def _index(self, month: Month) -> int:
        return next(i for i, m in enumerate(self.months) if m.month == month)

    def _part_indexes(self, part: PartAnalysis) -> list[int]:
        return [i for i, m in enumerate(self.months) if m.part == part.part]

    # ------------------------------------------------------------------ drawing

    def drawing(self) -> Drawing:
        d = ChartDrawing(self.width, self.height)
        if not self.months:
            d.add(
                String(
                    self.width / 2,
                    self.height / 2,
                    "No months to chart.",
                    fontName=self.font,
                    fontSize=9,
                    textAnchor="middle",
                    fillColor=styles.MUTED,
                )
            )
            return d
        self._grid(d)
        self._baseline(d)
        self._separators(d)
        self._note_markers(d)
        for part in self.analysis.parts:
            self._limits(d, part)
            self._centre(d, part)
        self._aim(d)
        self._data_line(d)
        self._points(d)
        self._right_labels(d)
        self._month_labels(d)
        self._legend(d)
        return d

    def _text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = LABEL_SIZE,
        anchor: str = "start",
        color: Color = styles.INK,
        bold: bool = False,
    ) -> String:
        return String(
            x,
            y,
            text,
            fontName=self.bold if bold else self.font,
            fontSize=size,
            textAnchor=anchor,
            fillColor=color,
        )

    def _grid(self, d: Drawing) -> None:
        # The same on every chart of this size: shapes kept and drawn once a PDF (`_kept_line`).
        for step in range(0, 101, 20):
            y = self.y(step / 100)
            d.add(_kept_line(self.x0, y, self.x1, y, styles.GRID, 0.5))
            d.add(_kept_text(self.x0 - 4, y - 2.4, f"{step}%", self.font, LABEL_SIZE, "end"))
        d.add(_kept_line(self.x0, self.y0, self.x1, self.y0, styles.MUTED, 0.8))
        d.add(_kept_line(self.x0, self.y0, self.x0, self.y1, styles.MUTED, 0.8))
        for i, month in enumerate(self.months):
            x = self.x(i)
            d.add(_kept_line(x, self.y0, x, self.y0 - 2.5, styles.MUTED, 0.6))
            if month.is_gap:
                # No mutual clients: no point, a light band and a mark so the break is explained.
                d.add(
                    Rect(
                        x - self.slot / 2,
                        self.y0,
                        self.slot,
                        self.y1 - self.y0,
                        fillColor=styles.ZEBRA_FILL,
                        strokeColor=None,
                    )
                )
                d.add(self._text(x, self.y0 + 3, "none", size=5.5, anchor="middle", color=styles.MUTED))

    def _baseline(self, d: Drawing) -> None:
        for part in self.analysis.parts:
            if not part.baseline_months or part.points <= len(part.baseline_months):
                continue
            first, last = self._index(part.baseline_months[0]), self._index(part.baseline_months[-1])
            left, right = self.x(first) - self.slot * 0.4, self.x(last) + self.slot * 0.4
            y = self.y1 - 6
            d.add(Line(left, y, right, y, strokeColor=styles.MUTED, strokeWidth=0.6))
            d.add(Line(left, y - 2, left, y + 2, strokeColor=styles.MUTED, strokeWidth=0.6))
            d.add(Line(right, y - 2, right, y + 2, strokeColor=styles.MUTED, strokeWidth=0.6))
            d.add(
                self._text((left + right) / 2, y + 2, "baseline", size=6, anchor="middle", color=styles.MUTED)
            )

    def _separators(self, d: Drawing) -> None:
        """A solid line between parts, labelled with why the part starts (a change of definition
        version, or a process change the team declared). Labels sit above the note markers and
        step up a row when two would touch."""
        rows_end = [float("-inf"), float("-inf")]
        for part in self.analysis.parts[1:]:
            index = self._part_indexes(part)[0]
            x = self.x(index) - self.slot / 2
            before, first = self.months[index - 1], self.months[index]
            if first.definition_version != before.definition_version:
                label = f"Definition v{first.definition_version}"
            else:
                label = "New part"
            width = stringWidth(label, self.bold, 6.3)
            row = 0 if rows_end[0] < x else 1
            rows_end[row] = x + 2 + width + 4
            top = self.y1 + 15 + 8 * row
            d.add(Line(x, self.y0, x, top + 6, strokeColor=styles.MUTED, strokeWidth=0.9))
            d.add(self._text(x + 2, top, label, size=6.3, color=styles.INK, bold=True))

    def _note_markers(self, d: Drawing) -> None:
        by_month: dict[Month, list[ChartNote]] = {}
        for note in self.notes:
            by_month.setdefault(note.month, []).append(note)
        for month, notes in by_month.items():
            x = self.x(self._index(month))
            d.add(
                Line(
                    x,
                    self.y0,
                    x,
                    self.y1 + 1,
                    strokeColor=styles.NOTE,
                    strokeWidth=0.7,
                    strokeDashArray=[1, 2],
                )
            )
            label = ",".join(str(n.number) for n in notes)
            width = max(stringWidth(label, self.bold, 6.3) + 5, 9)
            d.add(
                Rect(
                    x - width / 2,
                    self.y1 + 1,
                    width,
                    9,
                    rx=2,
                    ry=2,
                    fillColor=styles.WHITE,
                    strokeColor=styles.NOTE,
                    strokeWidth=0.6,
                )
            )
            d.add(self._text(x, self.y1 + 3.3, label, size=6.3, anchor="middle", bold=True))

    def _runs(self, part: PartAnalysis) -> list[list[int]]:
        """The part's months split at gaps: each list is a stretch of consecutive points."""
        stretches: list[list[int]] = [[]]
        for i in self._part_indexes(part):
            if self.months[i].is_gap:
                if stretches[-1]:
                    stretches.append([])
            else:
                stretches[-1].append(i)
        return [s for s in stretches if s]

    def _limits(self, d: Drawing, part: PartAnalysis) -> None:
        if part.chart is not ChartKind.P:
            return
        for stretch in self._runs(part):
            for attribute in ("upper_limit", "lower_limit"):
                points: list[float] = []
                for i in stretch:
                    value = getattr(self.months[i], attribute)
                    if value is None:
                        continue
                    y = self.y(value)
                    points += [self.x(i) - self.slot / 2, y, self.x(i) + self.slot / 2, y]
                if points:
                    d.add(
                        PolyLine(
                            points,
                            strokeColor=styles.LIMIT,
                            strokeWidth=0.7,
                            strokeDashArray=[3, 1.5] if part.trial else None,
                        )
                    )

    def _centre(self, d: Drawing, part: PartAnalysis) -> None:
        if part.centre is None:
            return
        indexes = self._part_indexes(part)
        y = self.y(part.centre)
        signal = bool(part.runs_signal)
        d.add(
            Line(
                self.x(indexes[0]) - self.slot / 2,
                y,
                self.x(indexes[-1]) + self.slot / 2,
                y,
                strokeColor=styles.CENTRE,
                strokeWidth=1.3 if signal else 1.0,
                strokeDashArray=[5, 2.5] if signal else None,
            )
        )

    def _aim(self, d: Drawing) -> None:
        if self.aim is None:
            return
        y = self.y(self.aim / 100)
        d.add(styles.aim_line(self.x0, self.x1, y))

    def _data_line(self, d: Drawing) -> None:
        for part in self.analysis.parts:
            for stretch in self._runs(part):
                ended = [i for i in stretch if not self.months[i].provisional]
                if len(ended) >= 2:
                    points: list[float] = []
                    for i in ended:
                        points += [self.x(i), self.y(float(self.months[i].proportion or 0))]
                    d.add(PolyLine(points, strokeColor=styles.DATA, strokeWidth=0.9))
                # Dotted into the month in progress.
                for before, after in zip(stretch, stretch[1:], strict=False):
                    if self.months[after].provisional:
                        d.add(
                            Line(
                                self.x(before),
                                self.y(float(self.months[before].proportion or 0)),
                                self.x(after),
                                self.y(float(self.months[after].proportion or 0)),
                                strokeColor=styles.DATA,
                                strokeWidth=0.9,
                                strokeDashArray=[1, 1.5],
                            )
                        )

    def _points(self, d: Drawing) -> None:
        for i, month in enumerate(self.months):
            if month.is_gap or month.proportion is None:
                continue
            d.add(point_marker(self.x(i), self.y(float(month.proportion)), MARKS[month.kind]))

    def _right_labels(self, d: Drawing) -> None:
        """The last part's centre line and limits, and the aim, at the right edge (pushed apart
        so they never overlap)."""
        part = self.analysis.parts[-1]
        labels: list[tuple[float, str, Color, bool]] = []
        if part.centre is not None:
            color = styles.INK
            labels.append(
                (self.y(part.centre), f"{centre_name(part)} {percent_text(100 * part.centre)}", color, True)
            )
            present = [
                self.months[i]
                for i in self._part_indexes(part)
                if not self.months[i].is_gap and self.months[i].upper_limit is not None
            ]
            if part.chart is ChartKind.P and present:
                last = present[-1]
                if last.upper_limit is not None and last.lower_limit is not None:
                    labels.append(
                        (
                            self.y(last.upper_limit),
                            f"Upper {percent_text(100 * last.upper_limit)}",
                            styles.MUTED,
                            False,
                        )
                    )
                    labels.append(
                        (
                            self.y(last.lower_limit),
                            f"Lower {percent_text(100 * last.lower_limit)}",
                            styles.MUTED,
                            False,
                        )
                    )
        if self.aim is not None:
            labels.append((self.y(self.aim / 100), f"Aim {percent_text(self.aim)}", styles.AIM, True))
        for y, text, color, strong in spread_labels(labels, gap=8.5, low=self.y0, high=self.y1 + 6):
            d.add(self._text(self.x1 + 4, y - 2.4, text, color=color, bold=strong))
        # Earlier parts: their centre line value above the line's start.
        for earlier in self.analysis.parts[:-1]:
            if earlier.centre is None:
                continue
            start = self._part_indexes(earlier)[0]
            text = f"{centre_name(earlier)} {percent_text(100 * earlier.centre)}"
            x = self.x(start) - self.slot / 2 + 2
            y = self.y(earlier.centre) + 3
            width = stringWidth(text, self.font, 6.3)
            d.add(
                Rect(x - 1, y - 1.5, width + 2, 8, fillColor=styles.WHITE, strokeColor=None, fillOpacity=0.85)
            )
            d.add(self._text(x, y, text, size=6.3, color=styles.INK))

    def _month_labels(self, d: Drawing) -> None:
        last = len(self.months) - 1
        for i, month in enumerate(self.months):
            font = self.bold if i == last else self.font
            d.add(_month_label(month.month.short_label(), self.x(i) + 2.2, self.y0 - 5, font, i == last))

    def legend_labels(self) -> list[str]:
        """The legend's entries: only what the chart shows."""
        return [text for text, _symbol in self._legend_items()]

    def _legend_items(self) -> list[tuple[str, LegendSymbol]]:
        """Each entry's text and what its symbol is (`_kept_symbol` draws it)."""
        shown = {m.kind for m in self.months if not m.is_gap and m.proportion is not None}
        items: list[tuple[str, LegendSymbol]] = [
            (MARKS[kind].label.lower(), kind) for kind in PointKind if kind in shown
        ]
        if any(p.centre is not None for p in self.analysis.parts):
            items.append(("centre line", (styles.CENTRE, None, 1.0)))
        if any(p.runs_signal for p in self.analysis.parts):
            items.append(("dashed: runs signal", (styles.CENTRE, (5, 2.5), 1.3)))
        if any(m.upper_limit is not None for m in self.months):
            items.append(("limits", (styles.LIMIT, None, 0.7)))
        if self.aim is not None:
            items.append(("aim", (styles.AIM, tuple(styles.AIM_DASH), 1.0)))
        if self.notes:
            items.append(("note", "note"))
        return items

    def _legend_places(self) -> list[tuple[str, LegendSymbol, float, int]]:
        """Each legend entry with its x and row, a new row when the drawing's width is full."""
        left = LEFT - 24
        x, row = left, 0
        places: list[tuple[str, LegendSymbol, float, int]] = []
        for text, symbol in self._legend_items():
            width = 17 + stringWidth(text, self.font, 6.5)
            if x + width > self.width and x > left:
                x, row = left, row + 1
            places.append((text, symbol, x, row))
            x += width + 13
        return places or [("", "note", left, 0)]

    def _legend(self, d: Drawing) -> None:
        for text, symbol, x, row in self._legend_places():
            if not text:
                continue
            y = 5.0 + LEGEND_ROW * (self.legend_rows - 1 - row)
            d.add(_kept_symbol(symbol, x, y))
            d.add(_kept_text(x + 17, y, text, self.font, 6.5, "start"))


LegendSymbol = PointKind | tuple[Color, tuple[float, ...] | None, float] | str
"""A legend entry's symbol: a point's kind, a line's (colour, dash, width), or "note"."""


@lru_cache(maxsize=4096)
def _kept_line(x1: float, y1: float, x2: float, y2: float, color: Color, width: float) -> Line:
    """A line of the grid, kept for every chart that draws it in this place
    (`chart_drawing.shared`: drawn once a PDF)."""
    return shared(Line(x1, y1, x2, y2, strokeColor=color, strokeWidth=width))


@lru_cache(maxsize=1024)
def _kept_text(x: float, y: float, text: str, font: str, size: float, anchor: str) -> String:
    """A muted label (a grid line's percentage, a legend entry's words): kept as `_kept_line` is."""
    return shared(String(x, y, text, fontName=font, fontSize=size, textAnchor=anchor, fillColor=styles.MUTED))


@lru_cache(maxsize=256)
def _kept_symbol(symbol: LegendSymbol, x: float, y: float) -> Group:
    """A legend entry's symbol placed at `x`, `y`: kept as `_kept_line` is."""
    if isinstance(symbol, PointKind):
        group = _legend_point(symbol)
    elif symbol == "note":
        group = _legend_vertical()
    else:
        color, dash, width = symbol
        group = _legend_line(color, list(dash) if dash else None, width)
    group.translate(x, y)
    return shared(group)


@lru_cache(maxsize=2048)
def _month_label(text: str, x: float, y: float, font: str, last: bool) -> Group:
    """A month's label under the axis, turned 55 degrees; the last month's in ink. One shape
    for every chart with the month at this place (`chart_drawing.shared`: drawn once a PDF)."""
    color = styles.INK if last else styles.MUTED
    label = Group(String(0, 0, text, fontName=font, fontSize=6.6, textAnchor="end", fillColor=color))
    label.translate(x, y)
    label.rotate(55)
    return shared(label)


PointShape = TypeVar("PointShape", Circle, Polygon)


def point_marker(x: float, y: float, mark: Mark, radius: float = POINT_RADIUS) -> Circle | Polygon:
    """A month's point in its mark (domain/marks.py): a circle, or a triangle pointing the way
    of the signal; filled in its colour, or hollow for the month in progress. A shape of its
    own, not in a group: a trust's PDF draws 700 of them, each a copy of its mark's first
    (`_point_made`, made by ReportLab's constructor) placed at `x`, `y`."""
    made = _point_made(mark, radius)
    if isinstance(made, Circle):
        return _placed(made, cx=x, cy=y)
    # ReportLab's y runs upwards: an upward triangle has its apex above the centre.
    r = radius * mark.size
    apex, base = (y + r, y - r * 0.8) if mark.shape is Shape.TRIANGLE_UP else (y - r, y + r * 0.8)
    return _placed(made, points=[x - r, base, x + r, base, x, apex])


@cache
def _point_made(mark: Mark, radius: float) -> Circle | Polygon:
    """A point in `mark` at the origin, as ReportLab's constructor makes it."""
    r = radius * mark.size
    fill, outline = _mark_colours(mark)
    if mark.shape is Shape.CIRCLE:
        return Circle(0, 0, r, fillColor=fill, strokeColor=outline, strokeWidth=0.6)
    return Polygon([0.0] * 6, fillColor=fill, strokeColor=outline, strokeWidth=0.6)


def _placed(made: PointShape, **place: object) -> PointShape:
    """A copy of `made` with `place` (its coordinates) in place of its own: the attributes the
    constructor gave, in its order, without checking each one again (a point's coordinates are
    numbers)."""
    shape = object.__new__(type(made))
    shape.__dict__.update(made.__dict__)
    shape.__dict__.update(place)
    return shape


@cache
def _mark_colours(mark: Mark) -> tuple[Color, Color]:
    """A mark's fill (white when hollow) and outline."""
    return colors.HexColor(mark.fill) if mark.fill else styles.WHITE, colors.HexColor(mark.outline)


def spread_labels(
    labels: list[tuple[float, str, Color, bool]], *, gap: float, low: float, high: float
) -> list[tuple[float, str, Color, bool]]:
    """Move labels apart vertically so no two are closer than `gap`, keeping their order."""
    ordered = sorted(labels, key=lambda item: item[0])
    ys = [float(item[0]) for item in ordered]
    for i in range(1, len(ys)):
        if ys[i] - ys[i - 1] < gap:
            ys[i] = ys[i - 1] + gap
    overflow = ys[-1] - high if ys else 0
    if overflow > 0:
        ys = [y - overflow for y in ys]
        for i in range(len(ys) - 2, -1, -1):
            if ys[i + 1] - ys[i] < gap:
                ys[i] = ys[i + 1] - gap
    return [(max(y, low), text, colour, flag) for y, (_, text, colour, flag) in zip(ys, ordered, strict=True)]


def _legend_point(kind: PointKind) -> Group:
    return Group(point_marker(8, 2.5, MARKS[kind]))


def _legend_line(color: Color, dash: list[float] | None, width: float) -> Group:
    return Group(Line(0, 2.5, 15, 2.5, strokeColor=color, strokeWidth=width, strokeDashArray=dash))


def _legend_vertical() -> Group:
    return Group(Line(7.5, -1, 7.5, 7, strokeColor=styles.NOTE, strokeWidth=0.7, strokeDashArray=[1, 2]))
