"""XmR (individuals) and c charts for measures that are values or counts (issue 16): pure.

- XmR: the centre line is the mean of the values, the limits mean ± 2.66 × the mean moving range
  as Making Data Count and NHSRplotthedots draw them (`Method.MDC`), or mean ± 3 × AMR / 1.128 as
  qicharts2 `chart = 'i'` does (`Method.QICHARTS2`). Both tools screen the moving ranges by
  default: a moving range of 3.267 × the mean moving range or more is left out and the mean moving
  range worked out again, once (`screen=False` gives the MDC Excel tool's unscreened limits).
- c chart (counts): centre c̄ = mean count, limits c̄ ± 3√c̄, the lower one clipped at 0.

Parts and baselines are those of the p chart (`charts.split_into_parts`, SPEC §5): a new part at
every declared process change (and change of definition version), each with its own centre line
and limits; a baseline of k months takes the centre line and limits from the first k points of
each part. Gaps (no value) and provisional months (the month in progress) are shown but left out
of every centre line, limit, moving range and rule. Each counted point gets the Making Data Count
reading (`rules.mdc`). Arithmetic is exact (`Fraction`); floats are given beside for display.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from ddcase.domain import DomainError, Month
from ddcase.domain.marks import PointKind
from ddcase.rules.charts import split_into_parts
from ddcase.rules.mdc import (
    SHORT_PART_POINTS,
    Assurance,
    Better,
    PointReading,
    Variation,
    Zone,
    assurance_icon,
    read_part,
    variation_icon,
    zone_between,
    zone_from_squares,
)

Number = Fraction | int | float

MDC_LIMIT = Fraction(266, 100)
"""Making Data Count / NHSRplotthedots: process limits at mean ± 2.66 AMR."""

QICHARTS2_LIMIT = Fraction(3) / Fraction(1128, 1000)
"""qicharts2: limits at mean ± 3 sigma, sigma = AMR / d2, d2 = 1.128 (3/d2 = 2.6596...)."""

SCREEN_LIMIT = Fraction(3267, 1000)
"""Both tools: a moving range of D4 × AMR (D4 = 3.267) or more is screened out."""


class Method(StrEnum):
    """Whose XmR constants to use."""

    MDC = "mdc"
    QICHARTS2 = "qicharts2"


class ControlChartKind(StrEnum):
    XMR = "xmr"
    C = "c"


@dataclass(frozen=True, slots=True)
class ValuePoint:
    """One month of a measure that is a value (XmR) or a count (c chart).

    `value` None is a gap (nothing entered). `provisional` marks the month in progress (SPEC §5):
    drawn, left out of everything computed. `definition_version` starts a new part when it
    changes, as on the main chart (1 for measures entered by hand)."""

    month: Month
    value: Number | None
    definition_version: int = 1
    provisional: bool = False

    @property
    def counts(self) -> bool:
        """True for a point that takes part in the centre line, limits and rules."""
        return self.value is not None and not self.provisional


@dataclass(frozen=True, slots=True)
class XmrLimits:
    """The XmR lines of one set of values.

    `moving_ranges` are those used (after screening), `screened_out` those left out;
    `average_moving_range` is the mean of the used ones."""

    centre: Fraction
    average_moving_range: Fraction
    moving_ranges: tuple[Fraction, ...]
    screened_out: tuple[Fraction, ...]
    lower: Fraction
    upper: Fraction
    near_lower: Fraction
    near_upper: Fraction


def _exact(value: Number) -> Fraction:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return Fraction(value)


def moving_ranges(values: Sequence[Number | None]) -> list[Fraction]:
    """|y_i - y_(i-1)| for each pair of neighbours that both have a value: a gap breaks the
    moving range on either side of it (as both tools, where the difference with NA is NA)."""
    return [
        abs(_exact(later) - _exact(earlier))
        for earlier, later in zip(values, values[1:], strict=False)
        if earlier is not None and later is not None
    ]


def xmr_limits(
    values: Sequence[Number | None], *, method: Method | str = Method.MDC, screen: bool = True
) -> XmrLimits | None:
    """The centre line and limits of an XmR chart of `values` (None = a gap), or None when there
    is no moving range (fewer than two neighbouring values).

    Screening keeps the moving ranges strictly below 3.267 × their mean and takes the mean again
    (NHSRplotthedots `screen_outliers`, qicharts2 `qic.screenedmr`). When every moving range is 0
    (all values equal) nothing is screened: the limits close on the mean (the tools give NaN).
    """
    present = [_exact(value) for value in values if value is not None]
    ranges = moving_ranges(values)
    if not ranges:
        return None
    centre = sum(present, Fraction(0)) / len(present)
    average = sum(ranges, Fraction(0)) / len(ranges)
    kept, dropped = ranges, []
    if screen and average > 0:
        kept = [r for r in ranges if r < SCREEN_LIMIT * average]
        dropped = [r for r in ranges if r >= SCREEN_LIMIT * average]
        average = sum(kept, Fraction(0)) / len(kept)
    limit = MDC_LIMIT if Method(method) is Method.MDC else QICHARTS2_LIMIT
    near = limit * 2 / 3
    return XmrLimits(
        centre=centre,
        average_moving_range=average,
        moving_ranges=tuple(kept),
        screened_out=tuple(dropped),
        lower=centre - limit * average,
        upper=centre + limit * average,
        near_lower=centre - near * average,
        near_upper=centre + near * average,
    )


@dataclass(frozen=True, slots=True)
class CLimits:
    """A c chart's lines; limits as floats, the lower ones clipped at 0."""

    centre: Fraction
    lower: float
    upper: float
    near_lower: float
    near_upper: float


def c_limits(counts: Iterable[Number]) -> CLimits | None:
    """c̄ = the mean count; limits c̄ ± 3√c̄ and 2-sigma lines c̄ ± 2√c̄, lower ones clipped at 0.
    None without counts."""
    exact = [_exact(count) for count in counts]
    if not exact:
        return None
    if any(count < 0 for count in exact):
        raise ValueError("a count cannot be negative")
    centre = sum(exact, Fraction(0)) / len(exact)
    sigma = math.sqrt(centre)
    mean = float(centre)
    return CLimits(
        centre=centre,
        lower=max(0.0, mean - 3 * sigma),
        upper=mean + 3 * sigma,
        near_lower=max(0.0, mean - 2 * sigma),
        near_upper=mean + 2 * sigma,
    )


# ---------------------------------------------------------------------------------------------
# The analysis of a measure's months


@dataclass(frozen=True, slots=True)
class ChartMonth:
    """One month of an XmR or c chart.

    A gap has `value` None; a gap or a provisional month has no `zone` nor `reading` (it is not
    read), but keeps its part's lines so the chart can draw them through it."""

    month: Month
    value: Fraction | None
    provisional: bool
    part: int
    centre: float | None
    lower_limit: float | None
    upper_limit: float | None
    near_lower: float | None
    near_upper: float | None
    in_baseline: bool
    zone: Zone | None
    reading: PointReading | None

    @property
    def mdc_signals(self) -> tuple[str, ...]:
        return tuple(rule.value for rule in self.reading.rules) if self.reading is not None else ()

    @property
    def point_kind(self) -> PointKind:
        """How the month's point is marked (`domain.marks`): provisional, the variation it reads,
        or common cause when it is not read. The screens and the PDF both draw it from here."""
        if self.provisional:
            return PointKind.PROVISIONAL
        if self.reading is None:
            return PointKind.COMMON
        return PointKind(self.reading.variation.value)


@dataclass(frozen=True, slots=True)
class ChartPart:
    """One part of an XmR or c chart (`from_` is `from`).

    `points` counts the months that take part (not gaps, not provisional); `trial` is True when
    the centre line rests on fewer than 12 of them (NHSRplotthedots' short-group warning).
    `average_moving_range` and `screened_out` are for XmR charts only; the `_exact` limits are
    Fractions on an XmR chart (floats on a c chart, whose limits are irrational)."""

    part: int
    from_: Month
    to: Month
    centre: float | None
    centre_exact: Fraction | None
    lower_limit: float | None
    upper_limit: float | None
    points: int
    trial: bool
    baseline_months: tuple[Month, ...]
    average_moving_range: Fraction | None
    screened_out: tuple[Fraction, ...]
    lower_limit_exact: Number | None
    upper_limit_exact: Number | None


@dataclass(frozen=True, slots=True)
class ControlChart:
    """An XmR or c chart of a measure with its MDC reading (for `better`)."""

    kind: ControlChartKind
    better: Better
    months: tuple[ChartMonth, ...]
    parts: tuple[ChartPart, ...]

    def latest(self) -> ChartMonth | None:
        """The latest month that counts (not a gap, not provisional)."""
        return next((m for m in reversed(self.months) if m.value is not None and not m.provisional), None)

    @property
    def variation(self) -> Variation | None:
        """The variation icon: the latest point's type, None when its part has fewer than
        2 points (`mdc.MIN_POINTS_FOR_ICONS`: no limits) or no point counts."""
        latest = self.latest()
        if latest is None or latest.reading is None:
            return None
        readings = [m.reading for m in self.months if m.part == latest.part and m.reading is not None]
        return variation_icon(readings)

    def assurance(self, aim: Number | None) -> Assurance | None:
        """The assurance icon for `aim` from the latest read point's limits (None without an aim,
        or when there is no variation icon)."""
        latest = self.latest()
        if aim is None or latest is None or self.variation is None:
            return None
        part = self.parts[latest.part - 1]
        return assurance_icon(aim, part.lower_limit_exact, part.upper_limit_exact, self.better)


def analyse_xmr(
    points: Sequence[ValuePoint],
    *,
    better: Better | str = Better.HIGHER,
    new_part_months: Iterable[Month] = (),
    baseline_months: int | None = None,
    method: Method | str = Method.MDC,
    screen: bool = True,
) -> ControlChart:
    """The XmR chart of a value measure, part by part, with its MDC reading."""
    return _analyse(
        points, ControlChartKind.XMR, Better(better), new_part_months, baseline_months, Method(method), screen
    )


def analyse_c(
    points: Sequence[ValuePoint],
    *,
    better: Better | str = Better.HIGHER,
    new_part_months: Iterable[Month] = (),
    baseline_months: int | None = None,
) -> ControlChart:
    """The c chart of a count measure, part by part, with its MDC reading."""
    for point in points:
        if point.value is not None and (Fraction(point.value) < 0 or Fraction(point.value).denominator != 1):
            raise DomainError(
                f"{point.month}: a count must be a whole number of 0 or more, not {point.value}."
            )
    return _analyse(
        points, ControlChartKind.C, Better(better), new_part_months, baseline_months, Method.MDC, True
    )


def _validate(points: Sequence[ValuePoint], baseline_months: int | None) -> None:
    for earlier, later in zip(points, points[1:], strict=False):
        if not earlier.month < later.month:
            raise DomainError(
                f"The months must be in order without repeats: {later.month} follows {earlier.month}."
            )
    if baseline_months is not None and baseline_months < 1:
        raise DomainError(f"A baseline needs at least one month, not {baseline_months}.")


def _analyse(
    points: Sequence[ValuePoint],
    kind: ControlChartKind,
    better: Better,
    new_part_months: Iterable[Month],
    baseline_months: int | None,
    method: Method,
    screen: bool,
) -> ControlChart:
    _validate(points, baseline_months)
    if not points:
        return ControlChart(kind=kind, better=better, months=(), parts=())
    months: list[ChartMonth] = []
    parts: list[ChartPart] = []
    for number, part_points in enumerate(split_into_parts(points, new_part_months), start=1):
        part, rows = _analyse_part(number, part_points, kind, better, baseline_months, method, screen)
        parts.append(part)
        months.extend(rows)
    return ControlChart(kind=kind, better=better, months=tuple(months), parts=tuple(parts))


@dataclass(frozen=True, slots=True)
class _Lines:
    centre: Fraction
    lower: Number
    upper: Number
    near_lower: Number
    near_upper: Number


def _analyse_part(
    number: int,
    part_points: list[ValuePoint],
    kind: ControlChartKind,
    better: Better,
    baseline_months: int | None,
    method: Method,
    screen: bool,
) -> tuple[ChartPart, list[ChartMonth]]:
    counted = [point for point in part_points if point.counts]
    baseline = counted[:baseline_months] if baseline_months is not None else counted
    baseline_set = {point.month for point in baseline}

    lines: _Lines | None = None
    average: Fraction | None = None
    screened: tuple[Fraction, ...] = ()
    if kind is ControlChartKind.XMR:
        # Moving ranges between neighbouring months of the baseline: a gap, a provisional month
        # or a month after the baseline breaks them.
        values = [point.value if point.month in baseline_set else None for point in part_points]
        xmr = xmr_limits(values, method=method, screen=screen)
        if xmr is not None:
            lines = _Lines(xmr.centre, xmr.lower, xmr.upper, xmr.near_lower, xmr.near_upper)
            average, screened = xmr.average_moving_range, xmr.screened_out
    else:
        c = c_limits(point.value for point in baseline if point.value is not None)
        if c is not None:
            lines = _Lines(c.centre, c.lower, c.upper, c.near_lower, c.near_upper)

    zones: list[Zone] = []
    if lines is not None:
        for point in counted:
            assert point.value is not None
            if kind is ControlChartKind.XMR:
                zones.append(
                    zone_between(
                        point.value,
                        lines.centre,
                        lines.lower,
                        lines.upper,
                        lines.near_lower,
                        lines.near_upper,
                    )
                )
            else:
                zones.append(zone_from_squares(_exact(point.value) - lines.centre, lines.centre))
    readings = (
        read_part([point.value for point in counted if point.value is not None], zones, better)
        if lines is not None
        else ()
    )
    by_month = {point.month: index for index, point in enumerate(counted)}

    rows = []
    for point in part_points:
        index = by_month.get(point.month)
        read = lines is not None and index is not None
        rows.append(
            ChartMonth(
                month=point.month,
                value=_exact(point.value) if point.value is not None else None,
                provisional=point.provisional,
                part=number,
                centre=float(lines.centre) if lines is not None else None,
                lower_limit=float(lines.lower) if lines is not None else None,
                upper_limit=float(lines.upper) if lines is not None else None,
                near_lower=float(lines.near_lower) if lines is not None else None,
                near_upper=float(lines.near_upper) if lines is not None else None,
                in_baseline=point.month in baseline_set,
                zone=zones[index] if read and index is not None else None,
                reading=readings[index] if read and index is not None else None,
            )
        )
    part = ChartPart(
        part=number,
        from_=part_points[0].month,
        to=part_points[-1].month,
        centre=float(lines.centre) if lines is not None else None,
        centre_exact=lines.centre if lines is not None else None,
        lower_limit=float(lines.lower) if lines is not None else None,
        upper_limit=float(lines.upper) if lines is not None else None,
        points=len(counted),
        trial=lines is not None and len(baseline) < SHORT_PART_POINTS,
        baseline_months=tuple(point.month for point in baseline),
        average_moving_range=average,
        screened_out=screened,
        lower_limit_exact=lines.lower if lines is not None else None,
        upper_limit_exact=lines.upper if lines is not None else None,
    )
    return part, rows
