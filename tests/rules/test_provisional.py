"""SPEC §5: the month in progress is provisional. The rule (domain/month.py) on the days that
bite, and the chart analysis (rules/charts.py) with the month left out of every centre line,
limit, baseline and runs analysis, checked against an independent computation on the ended
months."""

from __future__ import annotations

import math
from datetime import date

import pytest

from ddcase.domain import Month
from ddcase.domain.marks import PointKind
from ddcase.rules.charts import (
    MonthlyPoint,
    Side,
    analyse_series,
    last_two_ended,
    point_kind,
)

DEC_2026 = Month(2026, 12)


@pytest.mark.parametrize(
    ("today", "month", "provisional", "so_far"),
    [
        (date(2026, 12, 5), Month(2026, 12), True, "so far: 5 of 31 days"),
        (date(2026, 12, 5), Month(2026, 11), False, None),
        (date(2026, 12, 5), Month(2027, 1), True, "so far: 0 of 31 days"),
        # On its last day a month has ended (SPEC: "whose last day is after today").
        (date(2026, 12, 31), Month(2026, 12), False, None),
        (date(2026, 12, 30), Month(2026, 12), True, "so far: 30 of 31 days"),
        (date(2027, 1, 1), Month(2026, 12), False, None),
        (date(2027, 1, 1), Month(2027, 1), True, "so far: 1 of 31 days"),
        (date(2028, 2, 28), Month(2028, 2), True, "so far: 28 of 29 days"),
        (date(2028, 2, 29), Month(2028, 2), False, None),
    ],
)
def test_a_month_is_provisional_while_its_last_day_is_after_today(today, month, provisional, so_far) -> None:
    assert month.is_provisional(today) is provisional
    assert month.so_far_text(today) == so_far


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 5), Month(2026, 11)),
        (date(2026, 12, 1), Month(2026, 11)),
        (date(2026, 12, 31), Month(2026, 12)),
        (date(2027, 1, 1), Month(2026, 12)),
        (date(2028, 2, 29), Month(2028, 2)),
    ],
)
def test_the_last_complete_month(today, expected) -> None:
    assert Month.last_complete(today) == expected


# 13 ended months (a p chart) then December 2026 in progress, far below the rest: on a chart
# that counted it, it would be outside the limits and would move the centre line.
ENDED = [
    (Month(2025, 12), 40, 100),
    (Month(2026, 1), 44, 110),
    (Month(2026, 2), 38, 95),
    (Month(2026, 3), 47, 105),
    (Month(2026, 4), 45, 100),
    (Month(2026, 5), 50, 108),
    (Month(2026, 6), 41, 99),
    (Month(2026, 7), 52, 112),
    (Month(2026, 8), 49, 104),
    (Month(2026, 9), 46, 101),
    (Month(2026, 10), 53, 110),
    (Month(2026, 11), 48, 100),
]
SO_FAR = (DEC_2026, 3, 143)


def _points(today: date) -> list[MonthlyPoint]:
    rows = [*ENDED, SO_FAR]
    return [MonthlyPoint(m, jw, mc, 1, m.is_provisional(today)) for m, jw, mc in rows]


def test_the_month_in_progress_counts_in_no_centre_line_limit_or_runs_analysis() -> None:
    analysis = analyse_series(_points(date(2026, 12, 5)))
    part = analysis.parts[0]
    # Independently: p-bar over the ended months only, and their 3-sigma limits.
    p_bar = sum(jw for _, jw, _ in ENDED) / sum(mc for _, _, mc in ENDED)
    assert str(part.chart) == "p"
    assert part.points == len(ENDED)
    assert part.centre == pytest.approx(p_bar, abs=1e-12)
    for m in analysis.months[:-1]:
        sigma = math.sqrt(p_bar * (1 - p_bar) / m.mutual_clients)
        assert m.lower_limit == pytest.approx(max(0.0, p_bar - 3 * sigma), abs=1e-12)
        assert m.upper_limit == pytest.approx(min(1.0, p_bar + 3 * sigma), abs=1e-12)
        assert m.provisional is False
    december = analysis.months[-1]
    assert december.month == DEC_2026 and december.provisional is True
    assert december.percentage == pytest.approx(300 / 143)
    assert (december.lower_limit, december.upper_limit, december.outside_limits) == (None, None, False)
    assert december.side is None and december.kind is PointKind.PROVISIONAL
    assert DEC_2026 not in part.months_outside_limits
    # Runs analysis: the ended months' sides against p-bar, computed here.
    sides = ["+" if jw / mc > p_bar else "-" for _, jw, mc in ENDED]
    assert part.useful_observations == len(ENDED)
    assert part.crossings == sum(1 for a, b in zip(sides, sides[1:], strict=False) if a != b)
    # The same analysis as the ended months alone.
    alone = analyse_series(_points(date(2026, 12, 5))[:-1]).parts[0]
    for field in ("centre", "useful_observations", "longest_run", "crossings", "runs_signal", "verdict"):
        assert getattr(part, field) == getattr(alone, field), field
    assert "Dec 2026 is in progress" in part.reading


def test_on_new_years_day_december_counts_and_january_is_provisional() -> None:
    rows = [*ENDED, (DEC_2026, 3, 143), (Month(2027, 1), 1, 140)]
    today = date(2027, 1, 1)
    analysis = analyse_series([MonthlyPoint(m, jw, mc, 1, m.is_provisional(today)) for m, jw, mc in rows])
    flags = {m.month: m.provisional for m in analysis.months}
    assert [m for m, p in flags.items() if p] == [Month(2027, 1)]
    december = next(m for m in analysis.months if m.month == DEC_2026)
    assert december.outside_limits and december.kind is PointKind.CONCERN
    p_bar = (sum(jw for _, jw, _ in ENDED) + 3) / (sum(mc for _, _, mc in ENDED) + 143)
    assert analysis.parts[0].centre == pytest.approx(p_bar, abs=1e-12)


def test_a_part_holding_only_the_month_in_progress_says_so() -> None:
    analysis = analyse_series([MonthlyPoint(DEC_2026, 3, 143, 2, True)])
    assert analysis.parts[0].centre is None
    assert analysis.reading.startswith("Only the month in progress")


def test_the_verdict_compares_the_last_two_ended_months() -> None:
    analysis = analyse_series(_points(date(2026, 12, 5)))
    before, last = last_two_ended(analysis.months)  # type: ignore[misc]
    assert (before.month, last.month) == (Month(2026, 10), Month(2026, 11))
    on_new_year = analyse_series(_points(date(2027, 1, 1)))
    before, last = last_two_ended(on_new_year.months)  # type: ignore[misc]
    assert (before.month, last.month) == (Month(2026, 11), DEC_2026)
    assert last_two_ended(analysis.months[-1:]) is None


@pytest.mark.parametrize(
    ("provisional", "breach", "run_side", "kind"),
    [
        (False, None, None, PointKind.COMMON),
        (False, Side.ABOVE, None, PointKind.IMPROVEMENT),
        (False, Side.BELOW, None, PointKind.CONCERN),
        (False, None, Side.ABOVE, PointKind.IMPROVEMENT),
        (False, None, Side.BELOW, PointKind.CONCERN),
        (True, Side.BELOW, None, PointKind.PROVISIONAL),
    ],
)
def test_point_kinds_follow_making_data_count_with_higher_better(provisional, breach, run_side, kind) -> None:
    assert point_kind(provisional, breach, run_side) is kind
