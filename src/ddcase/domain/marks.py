"""How a month is marked on the chart, on screen and on paper: one colour language.

NHS England's Making Data Count: grey for common-cause variation, blue for special cause in the
better direction, orange in the worse (higher is better for the jointly-worked figure). Colour is
never the only cue: improvement is an upward triangle, concern a downward one, common cause a
circle, and the month in progress a hollow circle, so the chart reads in greyscale and to
colour-blind readers. No red anywhere (red against orange is the classic confusion).

Declared once here (plain hex colours and shape names, no Qt or ReportLab), read by the Qt chart
widget and by the ReportLab chart; the rule that gives each month its kind is
`rules.charts.point_kind`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PointKind(StrEnum):
    """What a month's point says (Making Data Count's point types, plus the month in progress)."""

    COMMON = "common_cause"
    IMPROVEMENT = "special_cause_improvement"
    CONCERN = "special_cause_concern"
    PROVISIONAL = "provisional"


class Shape(StrEnum):
    CIRCLE = "circle"
    TRIANGLE_UP = "triangle_up"
    TRIANGLE_DOWN = "triangle_down"


@dataclass(frozen=True, slots=True)
class Mark:
    """A point's look: `fill` None means hollow; `size` is relative to a plain point."""

    fill: str | None
    outline: str
    shape: Shape
    size: float
    label: str


GREY = "#A6A6A6"
"""Making Data Count common cause grey."""
BLUE = "#0072C6"
"""Making Data Count improvement blue (its icons' blue; darker than the plot's #00B0F0, so it
prints dark in greyscale, apart from the grey and the orange)."""
ORANGE = "#E46C0A"
"""Making Data Count concern orange."""
OUTLINE = "#3D3D3D"
"""The outline of every point: keeps a light grey point visible on white."""

MARKS: dict[PointKind, Mark] = {
    PointKind.COMMON: Mark(GREY, OUTLINE, Shape.CIRCLE, 1.0, "Common cause"),
    PointKind.IMPROVEMENT: Mark(BLUE, OUTLINE, Shape.TRIANGLE_UP, 1.5, "Improvement"),
    PointKind.CONCERN: Mark(ORANGE, OUTLINE, Shape.TRIANGLE_DOWN, 1.5, "Concern"),
    PointKind.PROVISIONAL: Mark(None, OUTLINE, Shape.CIRCLE, 1.1, "In progress (provisional)"),
}
"""Every kind of point, in the legend's order."""

CENTRE_LINE = "#1A1A1A"
LIMIT_LINE = "#7F7F7F"
DATA_LINE = "#595959"
