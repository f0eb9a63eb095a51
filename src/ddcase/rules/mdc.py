"""The Making Data Count (MDC) reading of a chart (issue 16, SPEC §6): pure, no Qt, no database.

The rules, the labels and their precedence are those of NHSRplotthedots 0.2.2 (`ptd_spc`,
`R/ptd_calculate_point_type.R`, `R/ptd_calculate_assurance_type.R`), the NHS-R package that draws
MDC charts; `../shared/notes/qi-charts.md` section a7 describes them and docs/qi-method.md says
how ddcase uses them. The reading works on any chart: the chart gives, for each point, its value
and a `Zone` (its side of the centre line, whether it is outside the process limits, whether it is
beyond the 2-sigma line); `read_part` applies the four rules to one part's points, in order.

A part's points are the points that count: gaps (no value) and provisional months (the month in
progress) are left out by the caller, exactly as they are left out of the limits.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from ddcase.domain import Month
from ddcase.rules.charts import SeriesAnalysis, compare, p_squares

Number = Fraction | int | float

RUN_LENGTH = 7
"""MDC: 7 points in a row on one side of the centre (shift), or 7 rising or falling (trend)."""

MIN_POINTS_FOR_ICONS = 2
"""Below 2 points in the latest part there are no XmR limits (no moving range), so no icons.

NHSRplotthedots draws icons for any group with limits and only warns below 12 points (trial
limits); ddcase follows it and applies the same minimum to every chart kind (docs/qi-method.md)."""

SHORT_PART_POINTS = 12
"""NHSRplotthedots warns that a group of fewer than 12 points has trial limits."""


class Better(StrEnum):
    """Which direction of a measure is an improvement (SPEC §6 `better`)."""

    HIGHER = "higher"
    LOWER = "lower"

    @property
    def sign(self) -> int:
        return 1 if self is Better.HIGHER else -1


class MdcRule(StrEnum):
    """The MDC rules, named as SPEC §6's `mdc_signals`, in SPEC's order."""

    OUTSIDE_LIMITS = "outside_limits"
    SHIFT = "shift"
    TREND = "trend"
    TWO_OF_THREE = "two_of_three"


class Variation(StrEnum):
    """The variation icon (SPEC §6 `variation`), also each point's type."""

    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "special_cause_improvement"
    CONCERN = "special_cause_concern"


class Assurance(StrEnum):
    """The assurance icon (SPEC §6 `assurance`)."""

    PASS = "pass"
    FAIL = "fail"
    HIT_AND_MISS = "hit_and_miss"


@dataclass(frozen=True, slots=True)
class Zone:
    """Where one point lies on its chart.

    `side` is +1 above the centre line, -1 below, 0 exactly on it. `outside` is True when the
    point is strictly outside its process limits; `close` when it is strictly beyond its 2-sigma
    line but not outside (NHSRplotthedots' `close_to_limits`).
    """

    side: int
    outside: bool
    close: bool


def zone_from_squares(difference: Fraction, variance: Fraction) -> Zone:
    """The zone of a point `difference` = value - centre away from the centre, on a chart whose
    sigma is sqrt(`variance`) (p and c charts): decided without the square root, since
    |d| > k·sigma exactly when d² > k²·variance."""
    return zone_of_squares((difference > 0) - (difference < 0), difference * difference, variance)


def zone_of_squares(side: int, square: Number, variance: Number) -> Zone:
    """The zone of a point on `side` of the centre whose squared distance from it is `square`,
    on a chart whose sigma is sqrt(`variance`) (the two scaled alike, as `charts.p_squares`
    gives them)."""
    outside = square > 9 * variance
    return Zone(side=side, outside=outside, close=not outside and square > 4 * variance)


def zone_between(
    value: Number, centre: Number, lower: Number, upper: Number, near_lower: Number, near_upper: Number
) -> Zone:
    """The zone of a point against explicit lines (XmR): strict comparisons, as NHSRplotthedots."""
    exact = Fraction(value)
    difference = exact - Fraction(centre)
    outside = exact > Fraction(upper) or exact < Fraction(lower)
    close = not outside and (exact < Fraction(near_lower) or exact > Fraction(near_upper))
    return Zone(side=(difference > 0) - (difference < 0), outside=outside, close=close)


@dataclass(frozen=True, slots=True)
class PointReading:
    """The MDC reading of one point.

    `rules` are every rule the point takes part in (SPEC §6 `mdc_signals`, in SPEC's order);
    `label` is NHSRplotthedots' `special_cause_type` for the one rule shown (outside limits, then
    trend, then 2 of 3, then shift), e.g. "Above UCL", "7 Point Trend (Increasing)",
    "2 in 3 Below CL", "7 Points Above CL", "Common Cause"; `direction` is +1 (high), -1 (low) or
    0 (common cause); `variation` is the point's type for the measure's better direction.
    """

    rules: tuple[MdcRule, ...]
    label: str
    direction: int
    variation: Variation


def _step(earlier: Fraction, later: Fraction) -> int:
    """The sign of `later` - `earlier`, by comparing them (no Fraction arithmetic)."""
    return compare(later, earlier)


def _exact_all(values: Sequence[Number]) -> list[Fraction]:
    """`values` as Fractions (a Fraction as it is: it cannot change, so it is not made again)."""
    return [value if type(value) is Fraction else Fraction(value) for value in values]


def _runs_of_seven(codes: Sequence[int]) -> list[bool]:
    """True for every point of a run of RUN_LENGTH or more equal, non-zero codes."""
    flagged = [False] * len(codes)
    for end in range(RUN_LENGTH - 1, len(codes)):
        window = codes[end - RUN_LENGTH + 1 : end + 1]
        if window[0] != 0 and all(code == window[0] for code in window):
            for index in range(end - RUN_LENGTH + 1, end + 1):
                flagged[index] = True
    return flagged


def shift_points(sides: Sequence[int]) -> list[bool]:
    """Shift: 7 points in a row strictly on one side of the centre; a point exactly on the centre
    line breaks the run. Every point of the run is flagged."""
    return _runs_of_seven(sides)


def trend_points(values: Sequence[Number]) -> list[bool]:
    """Trend: 7 points each strictly higher (or each strictly lower) than the one before, that is
    6 steps of one sign; equal neighbours break it. Every point of the run is flagged."""
    exact = _exact_all(values)
    flagged = [False] * len(exact)
    steps = [_step(earlier, later) for earlier, later in zip(exact, exact[1:], strict=False)]
    for end in range(RUN_LENGTH - 2, len(steps)):
        window = steps[end - RUN_LENGTH + 2 : end + 1]
        if window[0] != 0 and all(step == window[0] for step in window):
            for index in range(end - RUN_LENGTH + 2, end + 2):
                flagged[index] = True
    return flagged


def two_of_three_points(zones: Sequence[Zone]) -> list[bool]:
    """2 of 3: a window of 3 consecutive points all strictly on one side of the centre with at
    least 2 of them beyond the 2-sigma line (and inside the limits). Only those close points are
    flagged (NHSRplotthedots; points outside the limits do not count, issue #153)."""
    flagged = [False] * len(zones)
    for start in range(len(zones) - 2):
        window = zones[start : start + 3]
        same_side = abs(sum(z.side for z in window)) == 3
        if same_side and sum(z.close for z in window) >= 2:
            for index in range(start, start + 3):
                if zones[index].close:
                    flagged[index] = True
    return flagged


def _trend_directions(values: Sequence[Fraction], in_trend: Sequence[bool]) -> list[int]:
    """NHSRplotthedots: a trend point takes the direction of the step to its right when the next
    point is in a trend too, else the step from its left."""
    directions = []
    for index in range(len(values)):
        if index + 1 < len(values) and in_trend[index] and in_trend[index + 1]:
            directions.append(_step(values[index], values[index + 1]))
        elif index > 0:
            directions.append(_step(values[index - 1], values[index]))
        else:
            directions.append(0)
    return directions


def read_part(
    values: Sequence[Number], zones: Sequence[Zone], better: Better | str
) -> tuple[PointReading, ...]:
    """The MDC reading of one part's points, in month order (gaps and provisional months left out
    by the caller). Rules are applied within the part only."""
    if len(values) != len(zones):
        raise ValueError("one zone is needed for each value")
    direction_of_better = Better(better).sign
    exact = _exact_all(values)
    sides = [z.side for z in zones]
    shift = shift_points(sides)
    trend = trend_points(exact)
    two_of_three = two_of_three_points(zones)
    trend_direction = _trend_directions(exact, trend)

    readings = []
    for index, point_zone in enumerate(zones):
        rules = tuple(
            rule
            for rule, fired in (
                (MdcRule.OUTSIDE_LIMITS, point_zone.outside),
                (MdcRule.SHIFT, shift[index]),
                (MdcRule.TREND, trend[index]),
                (MdcRule.TWO_OF_THREE, two_of_three[index]),
            )
            if fired
        )
        above = point_zone.side > 0
        if point_zone.outside:
            label, direction = ("Above UCL", 1) if point_zone.side == 1 else ("Below LCL", -1)
        elif trend[index]:
            direction = trend_direction[index]
            label = f"7 Point Trend ({'In' if direction == 1 else 'De'}creasing)"
        elif two_of_three[index]:
            label, direction = f"2 in 3 {'Above' if above else 'Below'} CL", 1 if above else -1
        elif shift[index]:
            label, direction = f"7 Points {'Above' if above else 'Below'} CL", 1 if above else -1
        else:
            label, direction = "Common Cause", 0
        oriented = direction * direction_of_better
        variation = (
            Variation.IMPROVEMENT
            if oriented > 0
            else Variation.CONCERN
            if oriented < 0
            else Variation.COMMON_CAUSE
        )
        readings.append(PointReading(rules=rules, label=label, direction=direction, variation=variation))
    return tuple(readings)


def variation_icon(latest_part: Sequence[PointReading]) -> Variation | None:
    """The variation icon: the type of the latest point (NHSRplotthedots), read within its own
    part; None when that part has fewer than MIN_POINTS_FOR_ICONS points."""
    if len(latest_part) < MIN_POINTS_FOR_ICONS:
        return None
    return latest_part[-1].variation


def assurance_icon(
    aim: Number | None, lower: Number | None, upper: Number | None, better: Better | str
) -> Assurance | None:
    """The assurance icon from the latest point's limits (NHSRplotthedots
    `ptd_calculate_assurance_type`): with higher better, an aim above the upper limit will
    consistently fail, below the lower limit consistently pass, otherwise hit and miss (an aim
    exactly on a limit is hit and miss); mirrored when lower is better. None without an aim or
    without limits."""
    if aim is None or lower is None or upper is None:
        return None
    target = Fraction(aim)
    if target > Fraction(upper):
        return Assurance.FAIL if Better(better) is Better.HIGHER else Assurance.PASS
    if target < Fraction(lower):
        return Assurance.PASS if Better(better) is Better.HIGHER else Assurance.FAIL
    return Assurance.HIT_AND_MISS


# ---------------------------------------------------------------------------------------------
# The reading of the p chart (SPEC §5's chart of a proportion)


@dataclass(frozen=True, slots=True)
class ChartReading:
    """The MDC reading of a chart given by `charts.analyse_series`: one entry per month of the
    analysis (None for a gap, a provisional month, or a month of a run-chart part, which has no
    limits), and the two icons."""

    readings: tuple[PointReading | None, ...]
    zones: tuple[Zone | None, ...]
    variation: Variation | None
    latest_limits: tuple[float, float] | None

    def assurance(self, aim: Number | None, better: Better | str) -> Assurance | None:
        """The assurance icon from the latest point's limits (None without an aim or icons)."""
        if self.variation is None or self.latest_limits is None:
            return None
        return assurance_icon(aim, self.latest_limits[0], self.latest_limits[1], better)


def read_p_chart(
    analysis: SeriesAnalysis, better: Better | str, provisional_months: Collection[Month] = ()
) -> ChartReading:
    """The MDC rules on the p chart's own centre line and limits, part by part: a month is
    outside when strictly beyond p̄ ± 3σ_i, close when strictly beyond p̄ ± 2σ_i, decided exactly
    (σ_i² = p̄(1 - p̄)/n_i). Gaps and provisional months are left out (a month is provisional when
    listed in `provisional_months` or flagged `provisional` by the analysis)."""
    months = analysis.months
    counted = [
        month.proportion is not None
        and month.centre_exact is not None
        and month.lower_limit is not None
        and month.month not in provisional_months
        and not getattr(month, "provisional", False)
        for month in months
    ]
    readings: list[PointReading | None] = [None] * len(months)
    zones: list[Zone | None] = [None] * len(months)
    for part in analysis.parts:
        indices = [i for i, month in enumerate(months) if month.part == part.part and counted[i]]
        part_zones = []
        for i in indices:
            month = months[i]
            assert month.proportion is not None and month.centre_exact is not None
            part_zones.append(
                zone_of_squares(*p_squares(month.proportion, month.centre_exact, month.mutual_clients))
            )
        part_values = [months[i].proportion or Fraction(0) for i in indices]
        for i, point_zone, reading in zip(
            indices, part_zones, read_part(part_values, part_zones, better), strict=True
        ):
            zones[i], readings[i] = point_zone, reading
    latest = next(
        (
            i
            for i in reversed(range(len(months)))
            if months[i].proportion is not None
            and months[i].month not in provisional_months
            and not getattr(months[i], "provisional", False)
        ),
        None,
    )
    variation: Variation | None = None
    limits: tuple[float, float] | None = None
    if latest is not None and readings[latest] is not None:
        latest_part = [
            r for i, r in enumerate(readings) if r is not None and months[i].part == months[latest].part
        ]
        variation = variation_icon(latest_part)
        lower, upper = months[latest].lower_limit, months[latest].upper_limit
        assert lower is not None and upper is not None
        limits = (lower, upper)
    return ChartReading(
        readings=tuple(readings), zones=tuple(zones), variation=variation, latest_limits=limits
    )
