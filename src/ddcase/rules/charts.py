"""The chart of the monthly figure and its signal rules (SPEC §5): pure, exact where SPEC says so.

Two layers:
- generic pieces that work on any series (`median`, `anhoej_limits`, `runs_analysis`, `p_bar`,
  `p_limits`, `limit_breach`), so they can be checked against the published reference series;
- `analyse_series`, the analysis ddcase shows: parts, centre lines, p-chart limits, Anhøj runs
  analysis per part, the months that make each signal, and a plain-English reading.

Proportions are held as `Fraction`, so "exactly on the centre line" and "strictly outside the
limits" are decided without rounding; floats are given beside them for display and JSON.
The method, and the decisions where SPEC is silent, are written up in docs/qi-method.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from itertools import groupby
from operator import itemgetter
from typing import Protocol, TypeVar

from ddcase.domain import DomainError, Month
from ddcase.domain.marks import PointKind
from ddcase.rules.figures import percentage

Number = Fraction | int | float

MIN_USEFUL_FOR_VERDICT = 10
"""SPEC §5: below 10 useful observations the runs analysis says "too few points"."""

MIN_POINTS_FOR_P_CHART = 12
"""SPEC §5: a part gets a p chart by default from 12 points; limits from fewer are trial."""

SIGMA_MULTIPLE = 3
"""SPEC §5: p chart limits are p-bar ± 3 sigma."""

HIGHER_IS_BETTER = True
"""More mutual clients jointly worked is better: a signal above is an improvement."""

_MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class ChartKind(StrEnum):
    """The chart drawn for a part (SPEC §5 and `series --chart run|p`)."""

    RUN = "run"
    P = "p"


class Side(StrEnum):
    """Where a point lies against the centre line, or which limit it breaks."""

    ABOVE = "above"
    BELOW = "below"
    ON = "on"


class Verdict(StrEnum):
    """The runs analysis in words (SPEC §5)."""

    TOO_FEW_POINTS = "too few points"
    RANDOM = "random variation"
    NON_RANDOM = "non-random variation"


# ---------------------------------------------------------------------------------------------
# Generic pieces


def _exact(value: Number) -> Fraction:
    """The exact value of a number; a float converts without rounding."""
    if type(value) is Fraction:
        return value  # already exact (and a Fraction cannot change): not made again
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return Fraction(value)


def compare(value: Fraction, other: Fraction) -> int:
    """The sign of `value` - `other` (-1, 0 or 1), exactly: their numerators crossed with the
    denominators (always positive), as a Fraction's own comparison does, without its two calls
    and its checks of the types (the family's summary compares thousands of points)."""
    difference = value.numerator * other.denominator - other.numerator * value.denominator
    return (difference > 0) - (difference < 0)


def median(values: Iterable[Number]) -> Fraction:
    """SPEC §5: the run chart's centre line is the plain median of the points, computed exactly
    (the mean of the two middle values when their number is even)."""
    ordered = sorted(_exact(value) for value in values)
    if not ordered:
        raise ValueError("the median of no values is undefined")
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def longest_run_limit(useful_observations: int) -> int:
    """SPEC §5: the longest run signals when it is greater than round(log2(n)) + 3.

    Worked in integers: log2(n) is never exactly k + 0.5 for a whole n, and round(log2 n) = k
    exactly when 2^(2k-1) < n^2 < 2^(2k+1), that is k = bit_length(n^2) // 2.
    """
    _check_useful(useful_observations)
    return (useful_observations * useful_observations).bit_length() // 2 + 3


def crossings_limit(useful_observations: int) -> int:
    """SPEC §5: crossings signal when fewer than the smallest k with P(X <= k) >= 0.05,
    X ~ Binomial(n - 1, 0.5) (R's qbinom(0.05, n - 1, 0.5)), computed exactly in integers:
    P(X <= k) >= 1/20 exactly when 20 * sum(C(n-1, i), i <= k) >= 2^(n-1)."""
    _check_useful(useful_observations)
    trials = useful_observations - 1
    total = 1 << trials
    cumulative = 0
    for k in range(trials + 1):
        cumulative += math.comb(trials, k)
        if 20 * cumulative >= total:
            return k
    raise AssertionError("unreachable: the cumulative probability reaches 1")


def anhoej_limits(useful_observations: int) -> tuple[int, int]:
    """SPEC §5: (longest run limit, crossings limit) for n useful observations (n >= 1)."""
    return longest_run_limit(useful_observations), crossings_limit(useful_observations)


def _check_useful(useful_observations: int) -> None:
    if useful_observations < 1:
        raise ValueError(f"Anhøj limits need at least one useful observation, not {useful_observations}")


@dataclass(frozen=True, slots=True)
class Run:
    """A maximal sequence of consecutive useful points on one side of the centre line.

    `indices` are positions in the analysed sequence; points on the centre line and missing
    points between them neither break nor extend the run, and are not listed."""

    side: Side
    indices: tuple[int, ...]

    @property
    def length(self) -> int:
        return len(self.indices)


@dataclass(frozen=True, slots=True)
class RunsAnalysis:
    """The Anhøj runs analysis of one sequence against one centre line (SPEC §5).

    `sides` has one entry per input value: ABOVE, BELOW, ON (exactly on the centre line) or None
    (missing). The limits are None when there are no useful observations; the signals are None
    below MIN_USEFUL_FOR_VERDICT useful observations, when the verdict is "too few points".
    """

    centre: Fraction
    sides: tuple[Side | None, ...]
    useful_observations: int
    runs: tuple[Run, ...]
    longest_run: int
    longest_runs: tuple[Run, ...]
    crossings: int
    longest_run_limit: int | None
    crossings_limit: int | None
    longest_run_signal: bool | None
    crossings_signal: bool | None
    signal: bool | None
    verdict: Verdict


def runs_analysis(values: Sequence[Number | None], centre: Number) -> RunsAnalysis:
    """SPEC §5: the Anhøj runs analysis of `values` (None or NaN = a gap) against `centre`.

    Useful observations are the points not exactly on the centre line (compared exactly). The
    longest run signals when greater than its limit; crossings signal when fewer than theirs.
    Every longest run is reported when several tie.
    """
    exact_centre = _exact(centre)
    sides: list[Side | None] = []
    for value in values:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            sides.append(None)
            continue
        # Compared, not subtracted: no Fraction arithmetic (gcds) a point.
        sign = compare(_exact(value), exact_centre)
        sides.append(Side.ABOVE if sign > 0 else Side.BELOW if sign < 0 else Side.ON)

    off_centre: list[tuple[int, Side]] = [
        (index, side) for index, side in enumerate(sides) if side is Side.ABOVE or side is Side.BELOW
    ]
    runs = [
        Run(side, tuple(index for index, _ in group))
        for side, group in groupby(off_centre, key=itemgetter(1))
    ]

    useful = sum(run.length for run in runs)
    longest = max((run.length for run in runs), default=0)
    crossings = max(len(runs) - 1, 0)
    run_limit, cross_limit = anhoej_limits(useful) if useful else (None, None)
    long_signal: bool | None = None
    cross_signal: bool | None = None
    signal: bool | None = None
    verdict = Verdict.TOO_FEW_POINTS
    if useful >= MIN_USEFUL_FOR_VERDICT:
        assert run_limit is not None and cross_limit is not None
        long_signal = longest > run_limit
        cross_signal = crossings < cross_limit
        signal = long_signal or cross_signal
        verdict = Verdict.NON_RANDOM if signal else Verdict.RANDOM
    return RunsAnalysis(
        centre=exact_centre,
        sides=tuple(sides),
        useful_observations=useful,
        runs=tuple(runs),
        longest_run=longest,
        longest_runs=tuple(run for run in runs if run.length == longest),
        crossings=crossings,
        longest_run_limit=run_limit,
        crossings_limit=cross_limit,
        longest_run_signal=long_signal,
        crossings_signal=cross_signal,
        signal=signal,
        verdict=verdict,
    )


def p_bar(numerators: Iterable[int], denominators: Iterable[int]) -> Fraction:
    """SPEC §5: p-bar = total numerator / total denominator, never a mean of monthly rates."""
    total_numerator = sum(numerators)
    total_denominator = sum(denominators)
    if total_denominator <= 0:
        raise ValueError("p-bar needs a positive total denominator")
    return Fraction(total_numerator, total_denominator)


@dataclass(frozen=True, slots=True)
class PLimits:
    """A month's p chart limits as proportions, clipped to 0..1 (for display)."""

    lower: float
    upper: float


def p_limits(centre: Fraction, size: int) -> PLimits:
    """SPEC §5: p-bar ± 3·sqrt(p-bar(1 - p-bar)/n), clipped to 0..100%."""
    _check_p(centre, size)
    a, b = centre.numerator, centre.denominator
    # The variance as a quotient of whole numbers: the same float as the Fraction's (a true
    # division of integers is correctly rounded either way), without a Fraction's arithmetic.
    sigma = math.sqrt(a * (b - a) / (b * b * size))
    centre_float = float(centre)
    return PLimits(
        lower=max(0.0, centre_float - SIGMA_MULTIPLE * sigma),
        upper=min(1.0, centre_float + SIGMA_MULTIPLE * sigma),
    )


def p_squares(proportion: Fraction, centre: Fraction, size: int) -> tuple[int, int, int]:
    """A p chart point against its centre, in whole numbers, for the exact tests without a
    square root (|p - p-bar| > k·sigma exactly when (p - p-bar)² > k²·sigma²): the sign of
    p - p-bar, (p - p-bar)² and sigma² = p-bar(1 - p-bar)/n, both multiplied by the same
    positive number (with p = x/m and p-bar = a/b: (xb - am)²·n and a(b - a)·m²). Integers, not
    Fractions: the family's summary tests thousands of points."""
    _check_p(centre, size)
    if not isinstance(proportion, Fraction):
        proportion = Fraction(proportion)
    x, m = proportion.numerator, proportion.denominator
    a, b = centre.numerator, centre.denominator
    difference = x * b - a * m
    return (difference > 0) - (difference < 0), difference * difference * size, a * (b - a) * m * m


def limit_breach(proportion: Fraction, centre: Fraction, size: int) -> Side | None:
    """SPEC §5: ABOVE or BELOW when the point is strictly outside its limits, else None.

    Decided exactly, without the square root: |p - p-bar| > 3 sigma exactly when
    (p - p-bar)^2 · n > 9 · p-bar(1 - p-bar) (`p_squares`). Clipping cannot change the answer,
    since a proportion is never above 1 nor below 0.
    """
    side, square, variance = p_squares(proportion, centre, size)
    if square <= SIGMA_MULTIPLE**2 * variance:
        return None
    return Side.ABOVE if side > 0 else Side.BELOW


def _check_p(centre: Fraction, size: int) -> None:
    if not 0 <= centre.numerator <= centre.denominator:
        raise ValueError(f"p-bar must be a proportion, not {centre}")
    if size <= 0:
        raise ValueError(f"a p chart point needs a positive denominator, not {size}")


# ---------------------------------------------------------------------------------------------
# The series ddcase charts


@dataclass(frozen=True, slots=True)
class MonthlyPoint:
    """One month of the figure (SPEC §2): a month with mutual_clients == 0 is a gap.

    `provisional` marks the month in progress (SPEC §5, `Month.is_provisional`): it is shown
    with its figure so far but left out of every centre line, limit, baseline and runs
    analysis, and never judged against the limits."""

    month: Month
    jointly_worked: int
    mutual_clients: int
    definition_version: int = 1
    provisional: bool = False


@dataclass(frozen=True, slots=True)
class MonthRun:
    """A run of consecutive useful months on one side of the centre line (gaps and months on
    the centre line inside it are not listed)."""

    side: Side
    months: tuple[Month, ...]

    @property
    def length(self) -> int:
        return len(self.months)


@dataclass(frozen=True, slots=True)
class MonthAnalysis:
    """One month of the chart; the first eleven fields are the keys of SPEC §5's `months`.

    A gap (no mutual clients) has percentage, proportion, limits and side None; it keeps its
    part and the part's centre, since the centre line runs through it.
    """

    month: Month
    definition_version: int
    mutual_clients: int
    jointly_worked: int
    percentage: float | None
    part: int
    centre: float | None
    lower_limit: float | None
    upper_limit: float | None
    outside_limits: bool
    proportion: Fraction | None
    centre_exact: Fraction | None
    side: Side | None
    limit_breach: Side | None
    in_baseline: bool
    in_longest_run: bool
    provisional: bool = False
    kind: PointKind = PointKind.COMMON

    @property
    def is_gap(self) -> bool:
        return self.mutual_clients == 0

    @property
    def signals(self) -> tuple[str, ...]:
        """The signals this month is part of, in words (for a tooltip or a table)."""
        found = []
        if self.limit_breach is not None:
            found.append(f"{self.limit_breach} the limits")
        if self.kind in (PointKind.IMPROVEMENT, PointKind.CONCERN) and self.in_longest_run:
            found.append(f"in a long run {self.side} the centre line")
        return tuple(found)


@dataclass(frozen=True, slots=True)
class PartAnalysis:
    """One part of the chart; the first eleven fields are the keys of SPEC §5's `parts`
    (`from_` is the JSON key `from`, a Python keyword).

    `runs_signal` is None below MIN_USEFUL_FOR_VERDICT useful observations ("too few points");
    the two limits are None with no useful observations. `trial` is True for p chart limits
    computed from fewer than MIN_POINTS_FOR_P_CHART months. `baseline_months` are the months
    the centre line and limits come from (every month of the part without a baseline).
    """

    part: int
    from_: Month
    to: Month
    chart: ChartKind
    centre: float | None
    useful_observations: int
    longest_run: int
    longest_run_limit: int | None
    crossings: int
    crossings_limit: int | None
    runs_signal: bool | None
    centre_exact: Fraction | None
    points: int
    chart_forced: bool
    trial: bool
    baseline_months: tuple[Month, ...]
    longest_runs: tuple[MonthRun, ...]
    longest_run_signal: bool | None
    crossings_signal: bool | None
    verdict: Verdict
    months_outside_limits: tuple[Month, ...]
    reading: str

    @property
    def longest_run_months(self) -> tuple[Month, ...]:
        """The months of every longest run, in order."""
        return tuple(sorted(month for run in self.longest_runs for month in run.months))


@dataclass(frozen=True, slots=True)
class SeriesAnalysis:
    """The chart analysis of a range of months (SPEC §5): one entry per month, one per part."""

    months: tuple[MonthAnalysis, ...]
    parts: tuple[PartAnalysis, ...]
    reading: str

    @property
    def longest_run_months(self) -> tuple[Month, ...]:
        return tuple(month for part in self.parts for month in part.longest_run_months)

    @property
    def months_outside_limits(self) -> tuple[Month, ...]:
        return tuple(month for part in self.parts for month in part.months_outside_limits)

    @property
    def signal(self) -> bool:
        """True when any part has a runs signal or a month outside its limits."""
        return any(part.runs_signal or part.months_outside_limits for part in self.parts)


def analyse_series(
    points: Sequence[MonthlyPoint],
    *,
    new_part_months: Iterable[Month] = (),
    baseline_months: int | None = None,
    chart: ChartKind | str | None = None,
) -> SeriesAnalysis:
    """SPEC §5: split the months into parts and analyse each one.

    - A new part starts at every change of definition version and at every month in
      `new_part_months` (a declared process change starts a new part at that month; a declared
      month that is missing from the series starts the part at the next month present).
    - A month with no mutual clients is a gap: no point, no limits, not counted anywhere.
    - `chart` forces one kind for every part; otherwise a part with fewer than 12 points gets a
      run chart (centre = median of monthly proportions), one with 12 or more a p chart
      (centre = total jointly worked / total mutual clients, 3-sigma limits per month).
    - `baseline_months` = k: the centre line and limits come from the first k points of each part
      (all of them when the part has fewer) and extend over the rest of it; the runs analysis
      always covers every point of the part.
    """
    _validate(points, baseline_months)
    forced = _chart_kind(chart)
    if not points:
        return SeriesAnalysis(months=(), parts=(), reading="No months to chart.")

    month_rows: list[MonthAnalysis] = []
    part_rows: list[PartAnalysis] = []
    for number, part_points in enumerate(_split_into_parts(points, new_part_months), start=1):
        part, months = _analyse_part(number, part_points, baseline_months, forced)
        part_rows.append(part)
        month_rows.extend(months)
    return SeriesAnalysis(
        months=tuple(month_rows), parts=tuple(part_rows), reading=_series_reading(part_rows)
    )


def _validate(points: Sequence[MonthlyPoint], baseline_months: int | None) -> None:
    for point in points:
        if not 0 <= point.jointly_worked <= point.mutual_clients:
            raise DomainError(
                f"{point.month}: jointly worked ({point.jointly_worked}) must be between 0 and the "
                f"number of mutual clients ({point.mutual_clients})."
            )
    for earlier, later in zip(points, points[1:], strict=False):
        if not earlier.month < later.month:
            raise DomainError(
                f"The months must be in order without repeats: {later.month} follows {earlier.month}."
            )
    if baseline_months is not None and baseline_months < 1:
        raise DomainError(f"A baseline needs at least one month, not {baseline_months}.")


def _chart_kind(chart: ChartKind | str | None) -> ChartKind | None:
    if chart is None:
        return None
    try:
        return ChartKind(chart)
    except ValueError:
        raise DomainError(f"Unknown chart kind {chart!r}: use 'run' or 'p'.") from None


class Dated(Protocol):
    """A point of any monthly chart: its month and the definition version it was counted under."""

    @property
    def month(self) -> Month: ...

    @property
    def definition_version(self) -> int: ...


DatedPoint = TypeVar("DatedPoint", bound=Dated)


def split_into_parts(
    points: Sequence[DatedPoint], new_part_months: Iterable[Month]
) -> list[list[DatedPoint]]:
    """SPEC §5: the parts of any monthly chart (see `analyse_series`); `points` is not empty."""
    return _split_into_parts(points, new_part_months)


def _split_into_parts(
    points: Sequence[DatedPoint], new_part_months: Iterable[Month]
) -> list[list[DatedPoint]]:
    declared = sorted(set(new_part_months))
    parts: list[list[DatedPoint]] = [[points[0]]]
    for previous, point in zip(points, points[1:], strict=False):
        version_changed = point.definition_version != previous.definition_version
        change_declared = any(previous.month < month <= point.month for month in declared)
        if version_changed or change_declared:
            parts.append([])
        parts[-1].append(point)
    return parts


def _default_chart(points: int) -> ChartKind:
    """SPEC §5: a run chart below 12 points in a part, a p chart from 12."""
    return ChartKind.P if points >= MIN_POINTS_FOR_P_CHART else ChartKind.RUN


def _analyse_part(
    number: int,
    part_points: list[MonthlyPoint],
    baseline_months: int | None,
    forced: ChartKind | None,
) -> tuple[PartAnalysis, list[MonthAnalysis]]:
    # The month in progress is drawn but counts nowhere: not in the chart kind, the baseline,
    # the centre line, the limits or the runs analysis (SPEC §5).
    present = [point for point in part_points if point.mutual_clients > 0 and not point.provisional]
    kind = forced if forced is not None else _default_chart(len(present))
    baseline = present[:baseline_months] if baseline_months is not None else present
    baseline_set = {point.month for point in baseline}

    centre: Fraction | None = None
    if baseline:
        if kind is ChartKind.RUN:
            centre = median(Fraction(p.jointly_worked, p.mutual_clients) for p in baseline)
        else:
            centre = p_bar((p.jointly_worked for p in baseline), (p.mutual_clients for p in baseline))

    proportions = [
        Fraction(point.jointly_worked, point.mutual_clients) if point.mutual_clients > 0 else None
        for point in part_points
    ]
    analysed = [None if point.provisional else p for point, p in zip(part_points, proportions, strict=True)]
    runs = runs_analysis(analysed, centre) if centre is not None else None
    longest_runs = (
        tuple(
            MonthRun(run.side, tuple(part_points[i].month for i in run.indices)) for run in runs.longest_runs
        )
        if runs is not None
        else ()
    )
    in_longest_run = {month for run in longest_runs for month in run.months}

    signal_run = (
        {month for run in longest_runs for month in run.months} if runs and runs.longest_run_signal else set()
    )
    months: list[MonthAnalysis] = []
    for index, (point, proportion) in enumerate(zip(part_points, proportions, strict=True)):
        limits: PLimits | None = None
        breach: Side | None = None
        if kind is ChartKind.P and proportion is not None and centre is not None and not point.provisional:
            limits = p_limits(centre, point.mutual_clients)
            breach = limit_breach(proportion, centre, point.mutual_clients)
        side = runs.sides[index] if runs is not None else None
        months.append(
            MonthAnalysis(
                month=point.month,
                definition_version=point.definition_version,
                mutual_clients=point.mutual_clients,
                jointly_worked=point.jointly_worked,
                percentage=percentage(point.jointly_worked, point.mutual_clients),
                part=number,
                centre=float(centre) if centre is not None else None,
                lower_limit=limits.lower if limits is not None else None,
                upper_limit=limits.upper if limits is not None else None,
                outside_limits=breach is not None,
                proportion=proportion,
                centre_exact=centre,
                side=side,
                limit_breach=breach,
                in_baseline=point.month in baseline_set,
                in_longest_run=point.month in in_longest_run,
                provisional=point.provisional,
                kind=point_kind(point.provisional, breach, side if point.month in signal_run else None),
            )
        )

    outside = tuple(month.month for month in months if month.outside_limits)
    trial = kind is ChartKind.P and 0 < len(baseline) < MIN_POINTS_FOR_P_CHART
    part = PartAnalysis(
        part=number,
        from_=part_points[0].month,
        to=part_points[-1].month,
        chart=kind,
        centre=float(centre) if centre is not None else None,
        useful_observations=runs.useful_observations if runs is not None else 0,
        longest_run=runs.longest_run if runs is not None else 0,
        longest_run_limit=runs.longest_run_limit if runs is not None else None,
        crossings=runs.crossings if runs is not None else 0,
        crossings_limit=runs.crossings_limit if runs is not None else None,
        runs_signal=runs.signal if runs is not None else None,
        centre_exact=centre,
        points=len(present),
        chart_forced=forced is not None,
        trial=trial,
        baseline_months=tuple(point.month for point in baseline),
        longest_runs=longest_runs,
        longest_run_signal=runs.longest_run_signal if runs is not None else None,
        crossings_signal=runs.crossings_signal if runs is not None else None,
        verdict=runs.verdict if runs is not None else Verdict.TOO_FEW_POINTS,
        months_outside_limits=outside,
        reading=_part_reading(kind, runs, longest_runs, months, trial, len(baseline)),
    )
    return part, months


def last_two_ended(months: Sequence[MonthAnalysis]) -> tuple[MonthAnalysis, MonthAnalysis] | None:
    """The last ended month of the chart and the month before it, for an "up/down from last
    month" verdict: the month in progress is never compared (SPEC §5). None when the chart
    does not hold two consecutive ended months at its end."""
    ended = [m for m in months if not m.provisional]
    if len(ended) < 2 or ended[-2].month != ended[-1].month.previous():
        return None
    return ended[-2], ended[-1]


def point_kind(provisional: bool, breach: Side | None, signal_run_side: Side | None) -> PointKind:
    """Making Data Count's point type (higher is better here): a point outside its limits or
    in a signalling longest run is special cause, an improvement on the better side and a
    concern on the worse; any other point is common cause; the month in progress is judged
    by nothing (SPEC §5)."""
    if provisional:
        return PointKind.PROVISIONAL
    side = breach or signal_run_side
    if side is None or side is Side.ON:
        return PointKind.COMMON
    better = Side.ABOVE if HIGHER_IS_BETTER else Side.BELOW
    return PointKind.IMPROVEMENT if side is better else PointKind.CONCERN


# ---------------------------------------------------------------------------------------------
# The reading: what a team meeting hears


def month_text(month: Month) -> str:
    """'Apr 2025': English month abbreviations whatever the machine's locale."""
    return f"{_MONTH_ABBREVIATIONS[month.month - 1]} {month.year}"


def month_spans(months: Sequence[Month]) -> str:
    """Consecutive months said as spans: 'Nov 2024 to Mar 2025, Jul 2025'."""
    spans: list[list[Month]] = []
    for month in sorted(months):
        if spans and spans[-1][-1].next() == month:
            spans[-1].append(month)
        else:
            spans.append([month])
    return ", ".join(_span_text(span) for span in spans)


def _span_text(months: Sequence[Month]) -> str:
    if months[0] == months[-1]:
        return month_text(months[0])
    return f"{month_text(months[0])} to {month_text(months[-1])}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _part_reading(
    kind: ChartKind,
    runs: RunsAnalysis | None,
    longest_runs: tuple[MonthRun, ...],
    months: list[MonthAnalysis],
    trial: bool,
    baseline_points: int,
) -> str:
    in_progress = [m.month for m in months if m.provisional and not m.is_gap]
    note = (
        f"{month_spans(in_progress)} is in progress: shown so far (hollow), left out of the analysis."
        if in_progress
        else ""
    )
    if runs is None:
        if in_progress:
            return f"Only the month in progress, so nothing to judge yet. {note}"
        return "No months with mutual clients, so nothing to chart."
    sentences = [_runs_sentence(runs, longest_runs)]
    if kind is ChartKind.P:
        sentences.append(_limits_sentence(months))
        if trial:
            sentences.append(
                f"Trial limits: based on {_plural(baseline_points, 'month')}, "
                f"fewer than the {MIN_POINTS_FOR_P_CHART} needed to fix them."
            )
    if note:
        sentences.append(note)
    return " ".join(sentences)


def _runs_sentence(runs: RunsAnalysis, longest_runs: tuple[MonthRun, ...]) -> str:
    if runs.verdict is Verdict.TOO_FEW_POINTS:
        return f"Too few points ({runs.useful_observations} useful) for a runs verdict."
    if runs.verdict is Verdict.RANDOM:
        return (
            f"Random variation only: longest run {runs.longest_run} (limit {runs.longest_run_limit}), "
            f"crossings {runs.crossings} (limit {runs.crossings_limit})."
        )
    findings = []
    if runs.longest_run_signal:
        if len(longest_runs) == 1:
            run = longest_runs[0]
            findings.append(
                f"a run of {run.length} months {run.side} the centre line "
                f"(limit {runs.longest_run_limit}), {_span_text(run.months)}"
            )
        else:
            spans = "; ".join(f"{run.side} {_span_text(run.months)}" for run in longest_runs)
            findings.append(
                f"{len(longest_runs)} runs of {runs.longest_run} months on one side of the centre line "
                f"(limit {runs.longest_run_limit}): {spans}"
            )
    if runs.crossings_signal:
        findings.append(
            f"only {_plural(runs.crossings, 'crossing')} of the centre line (limit {runs.crossings_limit})"
        )
    text = ", and ".join(findings)
    return f"{text[0].upper()}{text[1:]}: a shift unlikely to be chance."


def _limits_sentence(months: list[MonthAnalysis]) -> str:
    outside = [month for month in months if month.limit_breach is not None]
    if not outside:
        return "No month outside the limits."
    sides = []
    for side in (Side.ABOVE, Side.BELOW):
        chosen = [month.month for month in outside if month.limit_breach is side]
        if chosen:
            sides.append(f"{side} {month_spans(chosen)}")
    return f"{_plural(len(outside), 'month')} outside the limits: {'; '.join(sides)}."


def _series_reading(parts: list[PartAnalysis]) -> str:
    if len(parts) == 1:
        return parts[0].reading
    return " ".join(
        f"Part {part.part} ({_span_text([part.from_, part.to])}): {part.reading}" for part in parts
    )
