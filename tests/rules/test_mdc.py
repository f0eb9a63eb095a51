"""Making Data Count reading and XmR / c charts (issue 16) against every NHSRplotthedots vector in
tests/reference/qi (notes `qi-charts.md` section c: V9..V15), the qicharts2 I and C chart vectors
(V1, V3, V6), and hand-worked cases of each rule at its edges."""

from __future__ import annotations

import csv
import statistics
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ddcase.domain import DomainError, Month
from ddcase.rules.charts import MonthlyPoint, analyse_series
from ddcase.rules.control_charts import (
    ControlChart,
    Method,
    ValuePoint,
    analyse_c,
    analyse_xmr,
    c_limits,
    moving_ranges,
    xmr_limits,
)
from ddcase.rules.mdc import (
    Assurance,
    Better,
    MdcRule,
    Variation,
    Zone,
    assurance_icon,
    read_p_chart,
    read_part,
    shift_points,
    trend_points,
    two_of_three_points,
    variation_icon,
    zone_between,
    zone_from_squares,
)

REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "qi"
EXACT = {"abs": 1e-9}
START = Month(2021, 1)


def read_csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def monthly(
    values: Sequence[object], start: Month = START, provisional_last: bool = False
) -> list[ValuePoint]:
    points = []
    month = start
    for index, value in enumerate(values):
        last = index == len(values) - 1
        points.append(ValuePoint(month, value, provisional=provisional_last and last))  # type: ignore[arg-type]
        month = month.next()
    return points


def labels(chart: ControlChart) -> list[str]:
    return [m.reading.label if m.reading is not None else "-" for m in chart.months]


def independent_xmr(values: Sequence[float], screen: bool = True) -> tuple[float, float, float]:
    """The NHSRplotthedots formulas in plain floats, written apart from the code under test."""
    mean = sum(values) / len(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    amr = sum(ranges) / len(ranges)
    if screen:
        kept = [r for r in ranges if r < 3.267 * amr]
        amr = sum(kept) / len(kept)
    return mean, mean - 2.66 * amr, mean + 2.66 * amr


# ---------------------------------------------------------------------------------------------
# V9: outlier screening (NHSRplotthedots vignettes/deviations.Rmd)


def deviations() -> list[int]:
    return [int(row["data"]) for row in read_csv("nhsrplotthedots_deviations_vignette.csv")]


def test_v9_screened_limits_drop_the_two_large_moving_ranges() -> None:
    values = deviations()
    assert values == [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    assert sorted(moving_ranges(values)) == [1] * 15 + [8, 9]
    limits = xmr_limits(values)
    assert limits is not None
    assert limits.centre == Fraction(35, 18)
    assert limits.screened_out == (8, 9)
    assert limits.average_moving_range == 1
    assert float(limits.lower) == pytest.approx(35 / 18 - 2.66, **EXACT)
    assert float(limits.lower) == pytest.approx(-0.7155556, abs=1e-7)
    assert float(limits.upper) == pytest.approx(4.6044444, abs=1e-7)
    chart = analyse_xmr(monthly(values))
    assert labels(chart) == ["Common Cause"] * 4 + ["Above UCL"] + ["Common Cause"] * 13
    assert chart.months[4].reading is not None
    assert chart.months[4].reading.variation is Variation.IMPROVEMENT
    assert chart.months[4].mdc_signals == ("outside_limits",)


def test_v9_unscreened_limits_are_those_of_the_mdc_excel_tool() -> None:
    limits = xmr_limits(deviations(), screen=False)
    assert limits is not None
    assert limits.average_moving_range == Fraction(32, 17)
    assert float(limits.lower) == pytest.approx(35 / 18 - 2.66 * 32 / 17, **EXACT)
    assert float(limits.lower) == pytest.approx(-3.0626144, abs=1e-7)
    assert float(limits.upper) == pytest.approx(6.9515033, abs=1e-7)
    chart = analyse_xmr(monthly(deviations()), screen=False)
    assert labels(chart) == ["Common Cause"] * 4 + ["Above UCL"] + ["Common Cause"] * 13


# ---------------------------------------------------------------------------------------------
# V10: NHSRplotthedots snapshot tests, set.seed(123); rnorm(20)


def rnorm123() -> list[float]:
    return [float(row["y"]) for row in read_csv("nhsrplotthedots_tests_rnorm_seed123.csv")]


def test_v10_limits_as_published_and_all_common_cause() -> None:
    values = rnorm123()
    chart = analyse_xmr(monthly(values))
    part = chart.parts[0]
    mean, lower, upper = independent_xmr(values)
    assert part.centre == pytest.approx(mean, **EXACT)
    assert part.lower_limit == pytest.approx(lower, **EXACT)
    assert part.upper_limit == pytest.approx(upper, **EXACT)
    assert part.centre == pytest.approx(0.1416238, abs=1e-7)
    assert part.lower_limit == pytest.approx(-3.011380, abs=1e-6)
    assert part.upper_limit == pytest.approx(3.294627, abs=1e-6)
    # Point 18 is beyond the 2-sigma line, but alone: common cause.
    assert chart.months[17].zone == Zone(side=-1, outside=False, close=True)
    assert set(labels(chart)) == {"Common Cause"}
    assert chart.variation is Variation.COMMON_CAUSE
    assert chart.assurance(0.5) is Assurance.HIT_AND_MISS
    assert chart.assurance(None) is None


def test_v10_an_outlier_of_10_screened_and_unscreened() -> None:
    values = rnorm123()
    values[14] = 10.0
    screened = analyse_xmr(monthly(values)).parts[0]
    plain = analyse_xmr(monthly(values), screen=False).parts[0]
    for part, screen in ((screened, True), (plain, False)):
        mean, lower, upper = independent_xmr(values, screen)
        assert (part.centre, part.lower_limit, part.upper_limit) == pytest.approx(
            (mean, lower, upper), **EXACT
        )
    assert screened.centre == pytest.approx(0.6694159, abs=1e-7)
    assert (screened.lower_limit, screened.upper_limit) == pytest.approx((-2.383666, 3.722497), abs=1e-6)
    assert (plain.lower_limit, plain.upper_limit) == pytest.approx((-4.596625, 5.935457), abs=1e-6)


def test_v10_rebased_at_the_eleventh_point_gives_two_short_groups() -> None:
    values = rnorm123()
    points = monthly(values)
    chart = analyse_xmr(points, new_part_months=[points[10].month])
    first, second = chart.parts
    assert (first.points, second.points) == (10, 10)
    assert first.trial and second.trial
    for part, chunk in ((first, values[:10]), (second, values[10:])):
        mean, lower, upper = independent_xmr(chunk)
        assert (part.centre, part.lower_limit, part.upper_limit) == pytest.approx(
            (mean, lower, upper), **EXACT
        )
    assert (first.centre, first.lower_limit, first.upper_limit) == pytest.approx(
        (0.0746, -2.60, 2.75), abs=0.005
    )
    assert (second.centre, second.lower_limit, second.upper_limit) == pytest.approx(
        (0.209, -3.28, 3.70), abs=0.005
    )


def test_v10_fixed_after_12_points() -> None:
    values = rnorm123()
    chart = analyse_xmr(monthly(values), baseline_months=12)
    part = chart.parts[0]
    mean, lower, upper = independent_xmr(values[:12])
    assert (part.centre, part.lower_limit, part.upper_limit) == pytest.approx((mean, lower, upper), **EXACT)
    assert (part.centre, part.lower_limit, part.upper_limit) == pytest.approx(
        (0.1941793, -2.607400, 2.995758), abs=1e-6
    )
    assert not part.trial
    assert len(part.baseline_months) == 12


# ---------------------------------------------------------------------------------------------
# V15: the synthetic jointly-worked series, every NHSRplotthedots column of the expected file


def synthetic() -> tuple[list[ValuePoint], list[dict[str, str]]]:
    counts = read_csv("synthetic_jointly_worked_monthly.csv")
    expected = read_csv("synthetic_jointly_worked_monthly_expected.csv")
    points = [
        ValuePoint(
            Month.parse(row["month"][:7]), Fraction(int(row["jointly_worked"]), int(row["mutual_clients"]))
        )
        for row in counts
    ]
    return points, expected


@pytest.mark.parametrize(
    ("prefix", "options"),
    [
        ("ptd", {}),
        ("ptd_rebase13", {"new_part_months": [Month(2023, 4)]}),
        ("ptd_fix12", {"baseline_months": 12}),
    ],
)
def test_v15_every_month_matches_nhsrplotthedots(prefix: str, options: dict[str, object]) -> None:
    points, expected = synthetic()
    chart = analyse_xmr(points, **options)  # type: ignore[arg-type]
    assert len(chart.months) == len(expected) == 30
    for month, row in zip(chart.months, expected, strict=True):
        assert month.month == Month.parse(row["month"][:7])
        assert month.centre == pytest.approx(float(row[f"{prefix}_mean"]), **EXACT)
        assert month.lower_limit == pytest.approx(float(row[f"{prefix}_lpl"]), **EXACT)
        assert month.upper_limit == pytest.approx(float(row[f"{prefix}_upl"]), **EXACT)
        assert month.reading is not None
        assert month.reading.label == row[f"{prefix}_type"], month.month
        if prefix == "ptd":
            assert month.reading.variation.value == row["ptd_point"], month.month


def test_v15_icons_and_rules_named_per_month() -> None:
    points, _ = synthetic()
    chart = analyse_xmr(points)
    assert chart.variation is Variation.IMPROVEMENT
    assert chart.assurance(0.60) is Assurance.HIT_AND_MISS
    # Months 1, 3 and 10 are below the limits and in the 12-month run below the mean.
    assert chart.months[0].mdc_signals == ("outside_limits", "shift")
    assert chart.months[4].mdc_signals == ("shift", "two_of_three")
    assert chart.months[20].mdc_signals == ("shift",)
    rebased = analyse_xmr(points, new_part_months=[Month(2023, 4)])
    assert rebased.variation is Variation.COMMON_CAUSE
    # 12 and 18 points: neither part has trial limits (SPEC §5: trial below 12).
    assert not rebased.parts[0].trial and not rebased.parts[1].trial
    assert rebased.assurance(0.60) is Assurance.HIT_AND_MISS
    assert rebased.assurance(0.80) is Assurance.FAIL
    assert rebased.assurance(0.50) is Assurance.PASS


def test_v15_a_provisional_month_is_drawn_but_not_counted() -> None:
    points, expected = synthetic()
    extra = ValuePoint(Month(2024, 10), Fraction(1, 20), provisional=True)
    chart = analyse_xmr([*points, extra])
    last = chart.months[-1]
    assert last.provisional and last.reading is None and last.zone is None and last.mdc_signals == ()
    assert last.centre == pytest.approx(float(expected[0]["ptd_mean"]), **EXACT)
    assert last.upper_limit == pytest.approx(float(expected[0]["ptd_upl"]), **EXACT)
    assert chart.parts[0].points == 30
    assert chart.latest() == chart.months[-2]
    assert chart.variation is Variation.IMPROVEMENT


# ---------------------------------------------------------------------------------------------
# V11: the NHSRplotthedots rule unit tests


def test_v11_shift_marks() -> None:
    assert shift_points([1] * 6) == [False] * 6
    assert shift_points([1] * 8 + [-1]) == [True] * 8 + [False]
    assert shift_points([-1] * 8 + [1]) == [True] * 8 + [False]


def test_v11_trend_marks() -> None:
    assert trend_points(range(1, 7)) == [False] * 6
    assert trend_points([1, 2, 3, 3, 4, 5, 6]) == [False] * 7
    assert trend_points(range(1, 8)) == [True] * 7
    assert trend_points([2, *range(1, 8), 3]) == [False] + [True] * 7 + [False]
    assert trend_points(range(7, 0, -1)) == [True] * 7


def close_zones(close: Sequence[int], sides: Sequence[int]) -> list[Zone]:
    return [Zone(side=s, outside=False, close=bool(c)) for c, s in zip(close, sides, strict=True)]


def test_v11_two_in_three() -> None:
    for close in ((1, 0, 1), (0, 1, 1), (1, 1, 0)):
        flagged = two_of_three_points(close_zones(close, [1, 1, 1]))
        assert flagged == [bool(c) for c in close]
    assert two_of_three_points(close_zones((0, 0, 1, 0, 1, 0, 0), [1] * 7)) == [
        False,
        False,
        True,
        False,
        True,
        False,
        False,
    ]
    for sides in ((1, 1, -1), (1, -1, 1), (-1, 1, 1)):
        assert not any(two_of_three_points(close_zones((1, 1, 1), sides)))
    assert two_of_three_points(close_zones((1, 0, 0, 1, 1), [1] * 5)) == [False, False, False, True, True]


def test_v11_symmetric_series_with_two_close_points_on_opposite_sides() -> None:
    values: list[float] = [1, -1] * 8
    values[14], values[15] = 5.5, -5.5
    chart = analyse_xmr(monthly(values))
    assert (chart.parts[0].lower_limit, chart.parts[0].upper_limit) == pytest.approx((-6.175, 6.175), **EXACT)
    assert chart.months[14].zone == Zone(1, False, True)
    assert chart.months[15].zone == Zone(-1, False, True)
    assert set(labels(chart)) == {"Common Cause"}


# ---------------------------------------------------------------------------------------------
# V12: trends crossing the limits (issues #167, #200)


def test_v12_an_increasing_trend_across_both_limits() -> None:
    chart = analyse_xmr(monthly(list(range(8))))
    part = chart.parts[0]
    assert (part.centre, part.lower_limit, part.upper_limit) == pytest.approx((3.5, 0.84, 6.16), **EXACT)
    assert labels(chart) == ["Below LCL"] + ["7 Point Trend (Increasing)"] * 6 + ["Above UCL"]
    variations = [m.reading.variation for m in chart.months if m.reading is not None]
    assert variations == [Variation.CONCERN] + [Variation.IMPROVEMENT] * 7
    lower_better = analyse_xmr(monthly(list(range(8))), better=Better.LOWER)
    assert [m.reading.variation for m in lower_better.months if m.reading is not None] == (
        [Variation.IMPROVEMENT] + [Variation.CONCERN] * 7
    )


def test_v12_a_decreasing_trend() -> None:
    chart = analyse_xmr(monthly([0, -1, -2, -3, -4, -5, -6, -7]))
    assert labels(chart) == ["Above UCL"] + ["7 Point Trend (Decreasing)"] * 6 + ["Below LCL"]


def test_v12_up_then_down_ends_in_concern() -> None:
    values = [*range(8), *range(6, 0, -1)]
    chart = analyse_xmr(monthly(values))
    got = labels(chart)
    assert got[0] == "Below LCL"
    assert got[1:7] == ["7 Point Trend (Increasing)"] * 6
    assert got[7] == "Above UCL"
    assert got[8:] == ["7 Point Trend (Decreasing)"] * 6
    assert chart.variation is Variation.CONCERN


# ---------------------------------------------------------------------------------------------
# V13: assurance


def test_v13_assurance() -> None:
    assert assurance_icon(4, 1, 3, Better.HIGHER) is Assurance.FAIL
    assert assurance_icon(4, 5, 7, Better.HIGHER) is Assurance.PASS
    assert assurance_icon(4, 1, 5, Better.HIGHER) is Assurance.HIT_AND_MISS
    assert assurance_icon(4, 1, 3, Better.LOWER) is Assurance.PASS
    assert assurance_icon(4, 5, 7, Better.LOWER) is Assurance.FAIL
    assert assurance_icon(4, 1, 5, "lower") is Assurance.HIT_AND_MISS
    # An aim exactly on a limit is hit and miss (strict comparisons).
    assert assurance_icon(3, 1, 3, Better.HIGHER) is Assurance.HIT_AND_MISS
    assert assurance_icon(1, 1, 3, Better.HIGHER) is Assurance.HIT_AND_MISS
    assert assurance_icon(None, 1, 3, Better.HIGHER) is None
    assert assurance_icon(2, None, None, Better.HIGHER) is None


# ---------------------------------------------------------------------------------------------
# qicharts2 I and C charts (V1, V3, V6)


def test_v1_qicharts2_i_chart() -> None:
    rows = read_csv("qicharts2_vignette_rnorm_seed19.csv")
    published = {
        "y0": (0.1240693, -2.5894943, 2.8376330, []),
        "y1": (0.3341801, -2.3898970, 3.0582572, [21]),
        "y2": (1.0570913, -2.1148842, 4.2290669, []),
    }
    for column, (centre, lower, upper, outside) in published.items():
        values = [float(row[column]) for row in rows]
        chart = analyse_xmr(monthly(values), method=Method.QICHARTS2)
        part = chart.parts[0]
        assert (part.centre, part.lower_limit, part.upper_limit) == pytest.approx(
            (centre, lower, upper), abs=1e-7
        )
        breaches = [i for i, m in enumerate(chart.months) if m.zone is not None and m.zone.outside]
        assert breaches == outside, column


def test_v6_qicharts2_i_chart_of_proportions() -> None:
    rows = read_csv("qicharts2_nhs_accidents.csv")
    values = [Fraction(int(row["r"]), int(row["n"])) for row in rows]
    chart = analyse_xmr(monthly(values), method="qicharts2")
    part = chart.parts[0]
    assert (part.centre, part.lower_limit, part.upper_limit) == pytest.approx(
        (0.9529699, 0.9401254, 0.9658145), abs=1e-7
    )
    assert not any(m.zone is not None and m.zone.outside for m in chart.months)


def test_v3_c_chart_with_a_part_at_month_25() -> None:
    rows = read_csv("qicharts2_cdi.csv")
    points = [ValuePoint(Month.parse(row["month"][:7]), int(row["n"])) for row in rows]
    chart = analyse_c(points, new_part_months=[points[24].month], better=Better.LOWER)
    first, second = chart.parts
    assert (first.centre, first.lower_limit, first.upper_limit) == pytest.approx(
        (18.708333, 5.732394, 31.684273), abs=1e-6
    )
    assert (second.centre, second.lower_limit, second.upper_limit) == pytest.approx(
        (7.083333, 0.0, 15.067693), abs=1e-6
    )
    centre = statistics.mean(int(row["n"]) for row in rows[:24])
    assert first.centre == pytest.approx(centre, **EXACT)
    assert first.upper_limit == pytest.approx(centre + 3 * centre**0.5, **EXACT)


# ---------------------------------------------------------------------------------------------
# Hand-worked edges of each rule


def test_six_in_a_row_above_is_no_shift_seven_is() -> None:
    # Sides of the points: the mean is 0 over a balanced first half.
    assert shift_points([1] * 6 + [-1]) == [False] * 7
    assert shift_points([-1, *([1] * 7)]) == [False] + [True] * 7


def test_a_point_exactly_on_the_centre_breaks_a_shift_and_a_two_of_three() -> None:
    assert shift_points([1, 1, 1, 0, 1, 1, 1, 1]) == [False] * 8
    assert not any(two_of_three_points([Zone(1, False, True), Zone(0, False, False), Zone(1, False, True)]))
    # In a whole chart: the mean is exactly 5, as are months 4 and 16.
    values = [6, 6, 6, 5, 6, 6, 6, 6, 4, 4, 4, 4, 4, 4, 4, 5]
    chart = analyse_xmr(monthly([Fraction(v) for v in values]))
    assert chart.parts[0].centre_exact == 5
    assert chart.months[3].zone is not None and chart.months[3].zone.side == 0
    assert [MdcRule.SHIFT in m.reading.rules for m in chart.months if m.reading is not None] == (
        [False] * 8 + [True] * 7 + [False]
    )


def test_six_rises_make_a_trend_and_five_do_not() -> None:
    assert trend_points([1, 2, 3, 4, 5, 6, 6]) == [False] * 7
    assert trend_points([0, 1, 2, 3, 4, 5, 6]) == [True] * 7
    assert trend_points([Fraction(1, 3), Fraction(1, 2), 1, 2, 3, 4, 5]) == [True] * 7


@given(
    st.lists(
        st.one_of(
            st.fractions(min_value=0, max_value=1, max_denominator=12),
            st.integers(0, 2),
            st.sampled_from([0.5, 0.25, 1.0]),
        ),
        max_size=30,
    )
)
def test_a_trend_is_seven_points_of_six_plain_steps_of_one_sign(values: list[Fraction | int | float]) -> None:
    """The trend's steps compared by crossed whole numbers are those of a plain comparison of
    the exact values: every point of 6 steps in a row of one sign, and none else."""
    exact = [Fraction(v) for v in values]
    steps = [(b > a) - (b < a) for a, b in zip(exact, exact[1:], strict=False)]
    plain = [False] * len(values)
    for end in range(5, len(steps)):
        if steps[end - 5] != 0 and len(set(steps[end - 5 : end + 1])) == 1:
            for index in range(end - 5, end + 2):
                plain[index] = True
    assert trend_points(values) == plain


def test_a_tie_inside_a_trend_breaks_it() -> None:
    assert trend_points([1, 2, 3, 4, 4, 5, 6, 7, 8]) == [False] * 9
    assert trend_points([1, 2, 3, 4, 4, 5, 6, 7, 8, 9, 10]) == [False] * 4 + [True] * 7
    assert trend_points([9, 8, 7, 6, 6, 5, 4, 3, 2]) == [False] * 9


def test_two_of_three_with_the_third_on_the_other_side_is_no_signal() -> None:
    # The window of three must lie wholly on one side, whichever point is the odd one.
    zones = [Zone(1, False, True), Zone(1, False, True), Zone(-1, False, False)]
    assert two_of_three_points(zones) == [False, False, False]
    assert two_of_three_points([*zones, Zone(1, False, False)]) == [False] * 4
    # The same two close points with a third on their own side before them do signal.
    assert two_of_three_points([Zone(1, False, False), *zones]) == [False, True, True, False]
    zones = [Zone(1, False, True), Zone(-1, False, False), Zone(1, False, True)]
    assert two_of_three_points(zones) == [False, False, False]


def test_a_point_outside_the_limits_does_not_count_for_two_of_three() -> None:
    zones = [Zone(1, True, False), Zone(1, False, True), Zone(1, False, False)]
    assert two_of_three_points(zones) == [False, False, False]


def test_exactly_on_a_limit_or_on_the_two_sigma_line_is_inside() -> None:
    assert zone_between(10, 5, 0, 10, 2, 8) == Zone(1, False, True)
    assert zone_between(Fraction(1001, 100), 5, 0, 10, 2, 8) == Zone(1, True, False)
    assert zone_between(0, 5, 0, 10, 2, 8) == Zone(-1, False, True)
    assert zone_between(8, 5, 0, 10, 2, 8) == Zone(1, False, False)
    assert zone_between(5, 5, 0, 10, 2, 8) == Zone(0, False, False)
    # c chart, c-bar 4: limits 4 ± 6 exactly, 2-sigma lines 4 ± 4.
    assert zone_from_squares(Fraction(6), Fraction(4)) == Zone(1, False, True)
    assert zone_from_squares(Fraction(4), Fraction(4)) == Zone(1, False, False)
    assert zone_from_squares(Fraction(61, 10), Fraction(4)) == Zone(1, True, False)


def test_an_xmr_point_exactly_on_its_upper_limit_is_not_outside() -> None:
    # Mean 0 and AMR 1 over the baseline; then a point at exactly 2.66 and one just above.
    chart = analyse_xmr(
        monthly([Fraction(1, 2), Fraction(-1, 2)] * 6 + [Fraction(266, 100), Fraction(2661, 1000)]),
        baseline_months=12,
    )
    assert chart.parts[0].upper_limit_exact == Fraction(266, 100)
    assert chart.months[12].zone == Zone(1, False, True)
    assert chart.months[13].zone == Zone(1, True, False)
    assert chart.months[13].mdc_signals == ("outside_limits",)


def test_precedence_and_direction_of_labels() -> None:
    # Outside beats trend; trend beats 2 of 3 and shift.
    zones = [Zone(1, False, False)] * 6 + [Zone(1, True, False)]
    readings = read_part([1, 2, 3, 4, 5, 6, 7], zones, Better.HIGHER)
    assert [r.label for r in readings] == ["7 Point Trend (Increasing)"] * 6 + ["Above UCL"]
    assert readings[-1].rules == (MdcRule.OUTSIDE_LIMITS, MdcRule.SHIFT, MdcRule.TREND)
    with pytest.raises(ValueError):
        read_part([1], [], Better.HIGHER)


def test_the_peak_between_two_trends_takes_the_direction_of_the_step_after_it() -> None:
    values = [*range(7), *range(5, -1, -1)]
    zones = [Zone((v > 3) - (v < 3), False, False) for v in values]
    readings = read_part(values, zones, Better.HIGHER)
    assert [r.label for r in readings] == ["7 Point Trend (Increasing)"] * 6 + [
        "7 Point Trend (Decreasing)"
    ] * 7
    assert readings[6].rules == (MdcRule.TREND,)
    assert readings[6].variation is Variation.CONCERN


def test_variation_needs_two_points_in_the_latest_part() -> None:
    single = analyse_xmr(monthly([5]))
    assert single.variation is None and single.assurance(3) is None
    assert single.parts[0].centre is None and single.months[0].reading is None
    pair = analyse_xmr(monthly([5, 6]))
    assert pair.variation is Variation.COMMON_CAUSE
    assert variation_icon(()) is None
    empty = analyse_xmr([])
    assert empty.variation is None and empty.latest() is None
    # A new part of one point: no icon, though the earlier part has many.
    points = monthly([1, 2] * 8 + [9])
    assert analyse_xmr(points, new_part_months=[points[-1].month]).variation is None


def test_gaps_break_moving_ranges_and_are_not_read() -> None:
    assert moving_ranges([1, 3, None, 10, 11]) == [2, 1]
    chart = analyse_xmr(monthly([1, 3, None, 10, 11]))
    assert chart.parts[0].centre_exact == Fraction(25, 4)
    assert chart.parts[0].average_moving_range == Fraction(3, 2)
    assert chart.months[2].reading is None and chart.months[2].value is None
    assert chart.parts[0].points == 4


def test_a_moving_range_of_exactly_3_267_times_the_mean_is_screened_out() -> None:
    # Ten moving ranges of 1 and one of x, with x = 3.267 × (10 + x) / 11 exactly.
    x = Fraction(32670, 7733)
    assert x == Fraction(3267, 1000) * (10 + x) / 11
    values = [Fraction(i % 2) for i in range(11)] + [x]
    limits = xmr_limits(values)
    assert limits is not None
    assert limits.screened_out == (x,)
    assert limits.average_moving_range == 1
    # A hair below the screening line, it stays.
    values[-1] = x - Fraction(1, 10**9)
    kept = xmr_limits(values)
    assert kept is not None and kept.screened_out == ()


def test_all_equal_values_close_the_limits_on_the_mean() -> None:
    chart = analyse_xmr(monthly([3] * 8))
    part = chart.parts[0]
    assert part.lower_limit == part.upper_limit == part.centre == 3
    assert set(labels(chart)) == {"Common Cause"}


def test_c_chart_limits_and_refusals() -> None:
    limits = c_limits([4, 4, 4])
    assert limits is not None
    assert (limits.lower, limits.upper, limits.near_lower, limits.near_upper) == (0.0, 10.0, 0.0, 8.0)
    assert c_limits([]) is None
    with pytest.raises(ValueError):
        c_limits([-1])
    with pytest.raises(DomainError):
        analyse_c(monthly([1, Fraction(1, 2)]))
    with pytest.raises(DomainError):
        analyse_xmr([ValuePoint(START, 1), ValuePoint(START, 2)])
    with pytest.raises(DomainError):
        analyse_xmr(monthly([1, 2]), baseline_months=0)


def test_c_chart_reading_of_a_fall_when_lower_is_better() -> None:
    counts = [20, 18, 22, 19, 21, 20, 18, 22, 19, 21, 20, 20, 2]
    chart = analyse_c(monthly(counts), better="lower")
    assert chart.parts[0].centre_exact == Fraction(sum(counts), 13)
    assert chart.months[-1].mdc_signals == ("outside_limits",)
    assert chart.variation is Variation.IMPROVEMENT
    assert chart.assurance(35) is Assurance.PASS
    assert chart.assurance(1) is Assurance.FAIL


# ---------------------------------------------------------------------------------------------
# The MDC reading on the p chart of SPEC §5


def test_v15_p_chart_reading_agrees_with_its_float_limits() -> None:
    counts = read_csv("synthetic_jointly_worked_monthly.csv")
    expected = read_csv("synthetic_jointly_worked_monthly_expected.csv")
    points = [
        MonthlyPoint(Month.parse(r["month"][:7]), int(r["jointly_worked"]), int(r["mutual_clients"]))
        for r in counts
    ]
    analysis = analyse_series(points, new_part_months=[Month(2023, 4)], chart="p")
    reading = read_p_chart(analysis, Better.HIGHER)
    for month, zone_, row, count in zip(analysis.months, reading.zones, expected, counts, strict=True):
        assert zone_ is not None
        p = int(count["jointly_worked"]) / int(count["mutual_clients"])
        centre, upper = float(row["p_part12_cl"]), float(row["p_part12_ucl"])
        sigma = (upper - centre) / 3
        assert month.upper_limit == pytest.approx(upper, **EXACT)
        assert row["p_part12_sigma_signal"] == "FALSE" and not zone_.outside
        assert zone_.close is (abs(p - centre) > 2 * sigma)
        assert zone_.side == (p > centre) - (p < centre)
    # Every month is read within its own part; the last part has no special cause at its end.
    assert all(r is not None for r in reading.readings)
    assert reading.variation is Variation.COMMON_CAUSE
    assert reading.assurance(0.60, "higher") is Assurance.HIT_AND_MISS
    assert reading.assurance(0.95, "higher") is Assurance.FAIL
    assert reading.assurance(None, "higher") is None


def test_p_chart_reading_at_its_exact_limits() -> None:
    # Eleven months at exactly 1/2 of 100 then one more: p-bar moves, so fix a baseline of 11.
    base = [MonthlyPoint(Month(2024, m), 50, 100) for m in range(1, 12)]
    for numerator, outside, close in (
        (65, False, True),
        (66, True, False),
        (60, False, False),
        (61, False, True),
    ):
        analysis = analyse_series(
            [*base, MonthlyPoint(Month(2024, 12), numerator, 100)], chart="p", baseline_months=11
        )
        reading = read_p_chart(analysis, Better.HIGHER)
        assert reading.zones[-1] == Zone(1, outside, close), numerator
    # The month in progress is left out of the reading and the icons.
    analysis = analyse_series([*base, MonthlyPoint(Month(2024, 12), 66, 100)], chart="p", baseline_months=11)
    reading = read_p_chart(analysis, "higher", provisional_months={Month(2024, 12)})
    assert reading.readings[-1] is None and reading.zones[-1] is None
    assert reading.variation is Variation.COMMON_CAUSE
    # A run chart part has no limits, so no MDC reading.
    run = read_p_chart(analyse_series(base, chart="run"), Better.HIGHER)
    assert run.readings == (None,) * 11 and run.variation is None and run.assurance(0.5, "higher") is None
