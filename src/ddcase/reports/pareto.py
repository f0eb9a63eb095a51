"""The reasons mutual clients were not jointly worked, as a Pareto chart: bars largest first and
the cumulative share as a line on a 0-100% scale (vector graphics)."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib.utils import simpleSplit

from ddcase.domain import Criterion
from ddcase.domain.format import percent_text
from ddcase.reports import styles
from ddcase.reports.chart_drawing import ChartDrawing
from ddcase.rules.criteria import label


def pareto_chart(
    reasons: Sequence[tuple[Criterion, int]], *, width: float = 250, height: float = 150
) -> Drawing:
    """`reasons` as MonthFigures.reasons() gives them: (criterion, clients failing it), largest
    first. A client may fail several criteria, so the cumulative line is a share of all reasons."""
    d = ChartDrawing(width, height)
    font = styles.regular()
    if not reasons:
        d.add(
            String(
                width / 2,
                height / 2,
                "Every mutual client was jointly worked.",
                fontName=font,
                fontSize=8,
                textAnchor="middle",
                fillColor=styles.MUTED,
            )
        )
        return d
    left, right, bottom, top = 26.0, 30.0, 30.0, 10.0
    x0, x1, y0, y1 = left, width - right, bottom, height - top
    total = sum(count for _, count in reasons)
    biggest = max(count for _, count in reasons)
    scale_max = _nice_ceiling(biggest)
    slot = (x1 - x0) / len(reasons)

    def y_count(value: float) -> float:
        return y0 + value / scale_max * (y1 - y0)

    def y_share(value: float) -> float:
        return y0 + value * (y1 - y0)

    for tick in _ticks(scale_max):
        y = y_count(tick)
        d.add(Line(x0, y, x1, y, strokeColor=styles.GRID, strokeWidth=0.5))
        d.add(
            String(
                x0 - 3,
                y - 2.3,
                str(tick),
                fontName=font,
                fontSize=6.5,
                textAnchor="end",
                fillColor=styles.MUTED,
            )
        )
    for share in (0, 0.5, 1.0):
        d.add(
            String(
                x1 + 3,
                y_share(share) - 2.3,
                percent_text(100 * share),
                fontName=font,
                fontSize=6.5,
                fillColor=styles.MUTED,
            )
        )
    d.add(Line(x0, y0, x1, y0, strokeColor=styles.MUTED, strokeWidth=0.8))

    cumulative = 0
    line: list[float] = []
    for i, (criterion, count) in enumerate(reasons):
        cx = x0 + slot * (i + 0.5)
        bar = slot * 0.58
        d.add(
            Rect(
                cx - bar / 2,
                y0,
                bar,
                y_count(count) - y0,
                fillColor=styles.BAR_DARK,
                strokeColor=styles.INK,
                strokeWidth=0.5,
            )
        )
        # The count sits inside a tall bar (white on grey), above a short one, clear of the line.
        inside = y_count(count) - y0 > 16
        d.add(
            String(
                cx,
                y_count(count) - 10 if inside else y_count(count) + 2.5,
                str(count),
                fontName=styles.bold(),
                fontSize=7.5,
                textAnchor="middle",
                fillColor=styles.WHITE if inside else styles.INK,
            )
        )
        for row, text in enumerate(simpleSplit(label(criterion), font, 6.6, slot - 4)):
            d.add(
                String(
                    cx,
                    y0 - 9 - row * 7.6,
                    text,
                    fontName=font,
                    fontSize=6.6,
                    textAnchor="middle",
                    fillColor=styles.INK,
                )
            )
        cumulative += count
        line += [cx, y_share(cumulative / total)]
    d.add(PolyLine(line, strokeColor=styles.INK, strokeWidth=0.9, strokeDashArray=[3, 1.5]))
    for i in range(0, len(line), 2):
        d.add(
            Circle(line[i], line[i + 1], 2.0, fillColor=styles.WHITE, strokeColor=styles.INK, strokeWidth=0.8)
        )
    d.add(
        String(
            x1 + 3,
            y1 + 3,
            "cumulative",
            fontName=font,
            fontSize=6,
            textAnchor="middle",
            fillColor=styles.MUTED,
        )
    )
    d.add(
        String(
            x0 - 3, y1 + 3, "clients", fontName=font, fontSize=6, textAnchor="middle", fillColor=styles.MUTED
        )
    )
    return d


def _nice_ceiling(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if value <= step * 5:
            return max(step * -(-value // step), step)
    return value


def _ticks(maximum: int) -> list[int]:
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, maximum) if maximum / s <= 5)
    return list(range(0, maximum + 1, step))
