"""The chart rules (SPEC §5) against the published reference series in shared/reference/qi
(written up in shared/notes/qi-charts.md, section c: vectors V1..V17) and hand-worked cases."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from fractions import Fraction
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ddcase.domain import DomainError, Month
from ddcase.rules.charts import (
    ChartKind,
    MonthlyPoint,
    SeriesAnalysis,
    Side,
    Verdict,
    analyse_series,
    anhoej_limits,
    compare,
    crossings_limit,
    limit_breach,
    longest_run_limit,
    median,
    month_text,
    p_bar,
    p_limits,
    runs_analysis,
)

APPROX = {"abs": 1e-6}
JANUARY_2024 = Month(2024, 1)


# ---------------------------------------------------------------------------------------------
# Reference data and builders


@cache
def reference_dir() -> Path:
    """The published reference series, kept with the tests (tests/reference/qi; a copy of the
    project's shared/reference/qi, whose README names the source of each file)."""
    return Path(__file__).resolve().parents[1] / "reference" / "qi"


def test_the_kept_reference_data_matches_the_shared_copy_when_present() -> None:
    here = Path(__file__).resolve()
    shared = next(
        (
            f / "shared" / "reference" / "qi"
            for f in here.parents
            if (f / "shared" / "reference" / "qi").is_dir()
        ),
        None,
    )
    if shared is None:
        pytest.skip("shared/reference/qi is not beside this checkout")
    for source in shared.iterdir():
        assert (reference_dir() / source.name).read_bytes() == source.read_bytes(), source.name


def read_reference(name: str) -> list[dict[str, str]]:
    with (reference_dir() / name).open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def month_of(text: str) -> Month:
    return Month.parse(text[:7])


def months_from(start: Month, count: int) -> list[Month]:
    return [start.plus(i) for i in range(count)]


def a_series(
    counts: list[tuple[int, int]],
    *,
    start: Month = JANUARY_2024,
    versions: list[int] | None = None,
) -> list[MonthlyPoint]:
    """Consecutive months from `start`, each (jointly_worked, mutual_clients)."""
    return [
        MonthlyPoint(
            month=start.plus(i),
            jointly_worked=jointly_worked,
            mutual_clients=mutual_clients,
            definition_version=versions[i] if versions else 1,
        )
        for i, (jointly_worked, mutual_clients) in enumerate(counts)
    ]


def synthetic_series() -> list[MonthlyPoint]:
    return [
        MonthlyPoint(month_of(row["month"]), int(row["jointly_worked"]), int(row["mutual_clients"]))
        for row in read_reference("synthetic_jointly_worked_monthly.csv")
    ]


def numbered_series(rows: list[dict[str, str]], count: str, size: str) -> list[MonthlyPoint]:
    """Samples numbered 1.. become consecutive months from Jan 2000 (the rules ignore dates)."""
    return a_series([(int(row[count]), int(row[size])) for row in rows], start=Month(2000, 1))


def summary(analysis: SeriesAnalysis, part: int = 1) -> tuple[object, ...]:
    p = analysis.parts[part - 1]
    return (
        p.useful_observations,
        p.longest_run,
        p.longest_run_limit,
        p.crossings,
        p.crossings_limit,
        p.runs_signal,
    )


def runs_summary(values: Sequence[Fraction | float | None], centre: Fraction | float) -> tuple[object, ...]:
    runs = runs_analysis(values, centre)
    return (
        runs.useful_observations,
        runs.longest_run,
        runs.longest_run_limit,
        runs.crossings,
        runs.crossings_limit,
        runs.signal,
    )


# ---------------------------------------------------------------------------------------------
# Anhøj critical values (notes section b)


@pytest.mark.parametrize(
    "row", read_reference("anhoej_critical_values_10_100.csv"), ids=lambda row: f"n={row['n_useful']}"
)
def test_anhoej_limits_match_the_published_table(row: dict[str, str]) -> None:
    n = int(row["n_useful"])
    assert anhoej_limits(n) == (int(row["longest_run_max"]), int(row["n_crossings_min"]))


@pytest.mark.parametrize(
    ("n", "run_limit", "crossings"),
    [(2, 4, 0), (3, 5, 0), (4, 5, 0), (5, 5, 0), (6, 6, 1), (7, 6, 1), (8, 6, 1), (9, 6, 2), (1, 3, 0)],
)
def test_anhoej_limits_below_ten_match_qicharts2(n: int, run_limit: int, crossings: int) -> None:
    assert anhoej_limits(n) == (run_limit, crossings)


def test_the_run_limit_steps_up_at_12_23_46_and_91() -> None:
    steps = [n for n in range(2, 200) if longest_run_limit(n) > longest_run_limit(n - 1)]
    assert steps == [2, 3, 6, 12, 23, 46, 91, 182]


def test_integer_run_limit_agrees_with_rounding_log2() -> None:
    for n in range(1, 5000):
        assert longest_run_limit(n) == round(math.log2(n)) + 3


def test_crossings_limit_is_the_binomial_five_percent_quantile() -> None:
    for n in (10, 37, 100, 250):
        k = crossings_limit(n)
        cumulative = [sum(math.comb(n - 1, i) for i in range(j + 1)) / 2 ** (n - 1) for j in (k - 1, k)]
        assert cumulative[0] < 0.05 <= cumulative[1]


@pytest.mark.parametrize("n", [0, -1])
def test_anhoej_limits_need_a_useful_observation(n: int) -> None:
    with pytest.raises(ValueError):
        anhoej_limits(n)


# ---------------------------------------------------------------------------------------------
# Generic pieces


def test_median_is_exact_for_odd_and_even_counts() -> None:
    assert median([3, 1, 2]) == 2
    assert median([Fraction(1, 3), Fraction(1, 2)]) == Fraction(5, 12)
    assert median([0.1, 0.2]) == (Fraction(0.1) + Fraction(0.2)) / 2


def test_median_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError):
        median([])


def test_p_bar_is_total_over_total_not_a_mean_of_rates() -> None:
    # V14: months alternate 1/4 and 2/11 for a year; the mean of rates would be 0.2159.
    numerators, denominators = [1, 2] * 6, [4, 11] * 6
    assert p_bar(numerators, denominators) == Fraction(18, 90)


def test_p_limits_are_clipped_to_zero_and_one() -> None:
    low = p_limits(Fraction(1, 20), 10)
    high = p_limits(Fraction(19, 20), 10)
    assert low.lower == 0.0 and low.upper == pytest.approx(0.05 + 3 * math.sqrt(0.05 * 0.95 / 10))
    assert high.upper == 1.0


def test_limit_breach_is_strict_and_exact() -> None:
    # p-bar 1/2, n = 36: sigma = 1/12, so the limits are exactly 1/4 and 3/4.
    centre = Fraction(1, 2)
    assert limit_breach(Fraction(27, 36), centre, 36) is None
    assert limit_breach(Fraction(9, 36), centre, 36) is None
    assert limit_breach(Fraction(28, 36), centre, 36) is Side.ABOVE
    assert limit_breach(Fraction(8, 36), centre, 36) is Side.BELOW


def test_a_zero_month_never_signals_low_when_the_lower_limit_is_clipped() -> None:
    assert p_limits(Fraction(1, 10), 5).lower == 0.0
    assert limit_breach(Fraction(0), Fraction(1, 10), 5) is None


def test_runs_analysis_names_every_longest_run_when_tied() -> None:
    values = [1, 1, 1, 0, 0, 0, 1, 0]
    runs = runs_analysis(values, Fraction(1, 2))
    assert runs.longest_run == 3
    assert [(run.side, run.indices) for run in runs.longest_runs] == [
        (Side.ABOVE, (0, 1, 2)),
        (Side.BELOW, (3, 4, 5)),
    ]
    assert runs.crossings == 3


def test_points_on_the_centre_line_neither_break_nor_extend_a_run() -> None:
    runs = runs_analysis([1, 2, 5, 2, 1, 5, 5], 2)
    assert runs.sides == (Side.BELOW, Side.ON, Side.ABOVE, Side.ON, Side.BELOW, Side.ABOVE, Side.ABOVE)
    assert runs.useful_observations == 5
    assert [run.indices for run in runs.runs] == [(0,), (2,), (4,), (5, 6)]


def test_missing_values_are_skipped_by_the_runs_analysis() -> None:
    runs = runs_analysis([1.0, None, float("nan"), 1.0, 0.0], 0.5)
    assert runs.sides == (Side.ABOVE, None, None, Side.ABOVE, Side.BELOW)
    assert runs.longest_runs[0].indices == (0, 3)
    assert runs.crossings == 1


def test_below_ten_useful_points_the_verdict_is_too_few_points() -> None:
    runs = runs_analysis([0, 1] * 4 + [0], Fraction(1, 2))
    assert runs.useful_observations == 9
    assert runs.verdict is Verdict.TOO_FEW_POINTS
    assert runs.signal is None and runs.longest_run_signal is None and runs.crossings_signal is None
    assert (runs.longest_run_limit, runs.crossings_limit) == (6, 2)


def test_with_no_useful_points_there_are_no_limits() -> None:
    runs = runs_analysis([3, 3, 3], 3)
    assert (runs.useful_observations, runs.longest_run, runs.crossings) == (0, 0, 0)
    assert runs.longest_run_limit is None and runs.crossings_limit is None
    assert runs.longest_runs == () and runs.signal is None


@given(st.lists(st.one_of(st.none(), st.integers(0, 4)), max_size=60), st.integers(0, 4))
def test_runs_are_consistent_whatever_the_values(values: list[int | None], centre: int) -> None:
    runs = runs_analysis(values, centre)
    assert runs.useful_observations == sum(1 for v in values if v is not None and v != centre)
    assert sum(run.length for run in runs.runs) == runs.useful_observations
    assert runs.crossings == max(len(runs.runs) - 1, 0)
    assert all(a.side is not b.side for a, b in zip(runs.runs, runs.runs[1:], strict=False))
    assert all(run.length == runs.longest_run for run in runs.longest_runs)
    assert (runs.signal is None) == (runs.useful_observations < 10)


_fractions = st.fractions(min_value=-3, max_value=3, max_denominator=400)
_numbers = st.one_of(
    _fractions,
    st.integers(-3, 3),
    st.floats(-3, 3, allow_nan=False, allow_infinity=False),
    st.sampled_from([Fraction(1, 3), Fraction(2, 6), Fraction(0), 0.5, Fraction(1, 2)]),
)


@given(_fractions, _fractions)
def test_compare_is_the_sign_of_the_fractions_own_comparison(value: Fraction, other: Fraction) -> None:
    assert compare(value, other) == (value > other) - (value < other)


@given(st.lists(st.one_of(st.none(), _numbers), max_size=40), _numbers)
def test_the_runs_sides_are_the_plain_exact_comparisons(values: list[object], centre: float) -> None:
    """The sides compared by crossed whole numbers (`compare`) and the Fractions kept as they are
    are those of a plain comparison of the exact values (fractions, whole numbers, floats)."""
    runs = runs_analysis(values, centre)  # type: ignore[arg-type]
    exact_centre = Fraction(centre)
    plain = [
        None
        if v is None
        else Side.ABOVE
        if Fraction(v) > exact_centre  # type: ignore[arg-type]
        else Side.BELOW
        if Fraction(v) < exact_centre  # type: ignore[arg-type]
        else Side.ON
        for v in values
    ]
    assert list(runs.sides) == plain
    assert runs.centre == exact_centre


@given(st.integers(1, 400), st.data())
def test_limit_breach_agrees_with_the_clipped_float_limits(size: int, data: st.DataObject) -> None:
    total = data.draw(st.integers(1, 5000))
    centre = Fraction(data.draw(st.integers(0, total)), total)
    proportion = Fraction(data.draw(st.integers(0, size)), size)
    limits = p_limits(centre, size)
    value = float(proportion)
    if min(abs(value - limits.lower), abs(value - limits.upper)) > 1e-9:
        expected = Side.ABOVE if value > limits.upper else Side.BELOW if value < limits.lower else None
        assert limit_breach(proportion, centre, size) is expected


# ---------------------------------------------------------------------------------------------
# V1: qicharts2 vignette, set.seed(19); rnorm(24)


def rnorm19(column: str) -> list[float]:
    return [float(row[column]) for row in read_reference("qicharts2_vignette_rnorm_seed19.csv")]


def test_v1_run_chart_of_random_numbers_shows_no_signal() -> None:
    y0 = rnorm19("y0")
    assert float(median(y0)) == pytest.approx(-0.0909573, **APPROX)
    assert runs_summary(y0, median(y0)) == (24, 3, 8, 15, 8, False)


def test_v1_shifted_series_signals_by_crossings_on_the_run_chart() -> None:
    y2 = rnorm19("y2")
    assert float(median(y2)) == pytest.approx(0.8466024, **APPROX)
    runs = runs_analysis(y2, median(y2))
    assert runs_summary(y2, median(y2)) == (24, 6, 8, 6, 8, True)
    assert runs.crossings_signal is True and runs.longest_run_signal is False


def test_v1_shifted_series_against_its_mean_gives_the_vignette_numbers() -> None:
    y2 = rnorm19("y2")
    mean = sum(Fraction(y) for y in y2) / len(y2)
    assert float(mean) == pytest.approx(1.0570913, **APPROX)
    assert runs_summary(y2, mean) == (24, 13, 8, 4, 8, True)


# ---------------------------------------------------------------------------------------------
# V2: qic(1:50)


def test_v2_a_straight_line_signals() -> None:
    values = list(range(1, 51))
    assert median(values) == Fraction(51, 2)
    runs = runs_analysis(values, median(values))
    assert runs_summary(values, median(values)) == (50, 25, 9, 1, 19, True)
    assert [(run.side, run.indices) for run in runs.longest_runs] == [
        (Side.BELOW, tuple(range(25))),
        (Side.ABOVE, tuple(range(25, 50))),
    ]


# ---------------------------------------------------------------------------------------------
# V3: CDI counts per month (counts, so checked with the generic pieces)


def cdi() -> list[int]:
    return [int(row["n"]) for row in read_reference("qicharts2_cdi.csv")]


def test_v3_run_chart_of_all_36_months() -> None:
    counts = cdi()
    assert median(counts) == 17
    assert runs_summary(counts, 17) == (32, 14, 8, 6, 11, True)


def test_v3_baseline_of_24_months_finds_the_long_run_below() -> None:
    counts = cdi()
    frozen = median(counts[:24])
    assert frozen == 19
    runs = runs_analysis(counts, frozen)
    assert runs_summary(counts, frozen) == (31, 15, 8, 8, 11, True)
    (longest,) = runs.longest_runs
    assert longest.side is Side.BELOW and longest.indices[-1] == 35


def test_v3_two_parts_at_month_24() -> None:
    counts = cdi()
    first, second = counts[:24], counts[24:]
    assert median(first) == 19 and median(second) == 6
    assert runs_summary(first, median(first)) == (19, 3, 7, 8, 6, False)
    assert runs_summary(second, median(second)) == (12, 4, 7, 4, 3, False)


def test_v3_runs_against_the_part_1_mean_of_the_c_chart() -> None:
    first = cdi()[:24]
    mean = Fraction(sum(first), len(first))
    assert float(mean) == pytest.approx(18.708333, **APPROX)
    assert runs_summary(first, mean) == (24, 6, 8, 8, 8, False)


# ---------------------------------------------------------------------------------------------
# V4: GTT harmed patients per month (20 records a month)


def gtt() -> list[MonthlyPoint]:
    return [
        MonthlyPoint(month_of(row["month"]), int(row["n.harmed"]), int(row["n"]))
        for row in read_reference("qicharts2_gtt_by_month.csv")
    ]


def test_v4_run_chart() -> None:
    analysis = analyse_series(gtt(), chart="run")
    assert analysis.parts[0].centre_exact == Fraction(7, 20)
    assert summary(analysis) == (13, 6, 7, 3, 3, False)
    assert all(month.lower_limit is None and month.upper_limit is None for month in analysis.months)


def test_v4_p_chart_is_the_default_from_17_months() -> None:
    analysis = analyse_series(gtt())
    part = analysis.parts[0]
    assert part.chart is ChartKind.P and not part.chart_forced and not part.trial
    assert part.centre == pytest.approx(0.3264706, **APPROX)
    assert part.centre_exact == Fraction(111, 340)
    for month in analysis.months:
        assert month.lower_limit == pytest.approx(0.0119084, **APPROX)
        assert month.upper_limit == pytest.approx(0.6410328, **APPROX)
    assert summary(analysis) == (17, 6, 7, 5, 5, False)
    assert part.months_outside_limits == ()


# ---------------------------------------------------------------------------------------------
# V5 and V6: more qicharts2 p charts (CABG readmissions; NHS 4-hour data)


def test_v5_cabg_readmissions_run_and_p_chart() -> None:
    points = [
        MonthlyPoint(month_of(row["month"]), int(row["readmissions"]), int(row["n"]))
        for row in read_reference("qicharts2_cabg_by_month.csv")
    ]
    run = analyse_series(points, chart=ChartKind.RUN)
    assert run.parts[0].centre == pytest.approx(0.2054325, **APPROX)
    assert summary(run) == (36, 4, 8, 23, 13, False)

    p = analyse_series(points)
    assert p.parts[0].centre == pytest.approx(0.2163265, **APPROX)
    lower = [m.lower_limit for m in p.months if m.lower_limit is not None]
    upper = [m.upper_limit for m in p.months if m.upper_limit is not None]
    assert sum(lower) / len(lower) == pytest.approx(0.0563054, **APPROX)
    assert sum(upper) / len(upper) == pytest.approx(0.3763476, **APPROX)
    assert p.months_outside_limits == ()
    assert summary(p) == (36, 5, 8, 19, 13, False)


def test_v6_huge_denominators_put_most_points_outside_the_p_chart_limits() -> None:
    points = numbered_series(read_reference("qicharts2_nhs_accidents.csv"), "r", "n")
    analysis = analyse_series(points)
    assert analysis.parts[0].centre == pytest.approx(0.9528997, **APPROX)
    lower = [m.lower_limit for m in analysis.months if m.lower_limit is not None]
    upper = [m.upper_limit for m in analysis.months if m.upper_limit is not None]
    assert sum(lower) / len(lower) == pytest.approx(0.9516969, **APPROX)
    assert sum(upper) / len(upper) == pytest.approx(0.9541025, **APPROX)
    assert len(analysis.months_outside_limits) == 16
    assert summary(analysis) == (20, 5, 7, 9, 6, False)


# ---------------------------------------------------------------------------------------------
# V7 and V8: Montgomery p charts, limits per point


def test_v7_part_2_limits_per_point_and_runs() -> None:
    rows = read_reference("qicharts2_montgomery_tbl_07_03.csv")
    expected = read_reference("qicharts2_montgomery_tbl_07_03_expected.csv")
    points = numbered_series(rows, "count", "size")
    # Part 2 starts at sample 31 (qicharts2 part = 30); ddcase has no exclusions, so part 1 is
    # checked below against the notes' "phase 1 without exclusions" figures instead.
    analysis = analyse_series(points, new_part_months=[points[30].month])
    part_2 = analysis.parts[1]
    assert part_2.centre_exact == Fraction(351, 3200)
    assert summary(analysis, 2) == (64, 7, 9, 30, 25, False)
    for month, row in zip(analysis.months[30:], expected[30:], strict=True):
        assert month.part == int(row["part"]) == 2
        assert month.centre == pytest.approx(float(row["cl"]), **APPROX)
        assert month.lower_limit == pytest.approx(float(row["lcl"]), **APPROX)
        assert month.upper_limit == pytest.approx(float(row["ucl"]), **APPROX)
        assert month.outside_limits is (row["sigma_signal"] == "TRUE")
        assert month.proportion == pytest.approx(float(row["p"]), **APPROX)


def test_v7_phase_1_without_exclusions() -> None:
    rows = read_reference("qicharts2_montgomery_tbl_07_03.csv")[:30]
    analysis = analyse_series(numbered_series(rows, "count", "size"))
    assert analysis.parts[0].centre_exact == Fraction(347, 1500)
    assert analysis.parts[0].centre == pytest.approx(0.2313333, **APPROX)
    assert analysis.months[0].lower_limit == pytest.approx(0.0524275, **APPROX)
    assert analysis.months[0].upper_limit == pytest.approx(0.4102391, **APPROX)
    assert len(analysis.months_outside_limits) == 2


def test_v8_variable_sample_sizes_give_limits_per_point() -> None:
    rows = read_reference("qicharts2_montgomery_tbl_07_04_expected.csv")
    analysis = analyse_series(numbered_series(rows, "count", "size"))
    part = analysis.parts[0]
    assert part.centre_exact == Fraction(234, 2450)
    for month, row in zip(analysis.months, rows, strict=True):
        assert month.centre == pytest.approx(float(row["cl"]), **APPROX)
        assert month.lower_limit == pytest.approx(float(row["lcl"]), **APPROX)
        assert month.upper_limit == pytest.approx(float(row["ucl"]), **APPROX)
    assert part.months_outside_limits == (analysis.months[10].month,)
    assert analysis.months[10].limit_breach is Side.ABOVE
    assert summary(analysis) == (25, 5, 8, 10, 8, False)


# ---------------------------------------------------------------------------------------------
# V15: the synthetic jointly-worked series (change idea from month 13, Apr 2023)

CHANGE = Month(2023, 4)


def synthetic_expected() -> list[dict[str, str]]:
    return read_reference("synthetic_jointly_worked_monthly_expected.csv")


def test_v15_run_chart_of_all_30_months() -> None:
    analysis = analyse_series(synthetic_series(), chart="run")
    part = analysis.parts[0]
    assert part.centre_exact == Fraction(13, 22)
    assert summary(analysis) == (28, 14, 8, 1, 9, True)
    for month, row in zip(analysis.months, synthetic_expected(), strict=True):
        assert month.proportion == pytest.approx(float(row["p"]), **APPROX)
        assert month.centre == pytest.approx(float(row["run_median_all"]), **APPROX)
    assert [run.side for run in part.longest_runs] == [Side.BELOW, Side.ABOVE]
    assert part.longest_runs[0].months[0] == Month(2022, 4)
    assert part.longest_runs[0].months[-1] == Month(2023, 5)


def test_v15_run_charts_in_two_parts() -> None:
    analysis = analyse_series(synthetic_series(), new_part_months=[CHANGE], chart="run")
    first, second = analysis.parts
    assert (first.from_, first.to, second.from_, second.to) == (
        Month(2022, 4),
        Month(2023, 3),
        CHANGE,
        Month(2024, 9),
    )
    assert first.centre == pytest.approx(0.4142857, **APPROX)
    assert summary(analysis, 1) == (12, 2, 7, 10, 3, False)
    assert second.centre_exact == Fraction(5, 8)
    assert summary(analysis, 2) == (15, 2, 7, 11, 4, False)


def test_v15_p_chart_in_two_parts_matches_per_month() -> None:
    analysis = analyse_series(synthetic_series(), new_part_months=[CHANGE])
    assert [part.chart for part in analysis.parts] == [ChartKind.P, ChartKind.P]
    assert analysis.parts[0].centre_exact == Fraction(114, 278)
    assert analysis.parts[1].centre_exact == Fraction(268, 429)
    for month, row in zip(analysis.months, synthetic_expected(), strict=True):
        assert month.centre == pytest.approx(float(row["p_part12_cl"]), **APPROX)
        assert month.lower_limit == pytest.approx(float(row["p_part12_lcl"]), **APPROX)
        assert month.upper_limit == pytest.approx(float(row["p_part12_ucl"]), **APPROX)
        assert month.outside_limits is (row["p_part12_sigma_signal"] == "TRUE")
    assert not any(part.trial for part in analysis.parts)


def test_v15_p_chart_with_a_12_month_baseline() -> None:
    analysis = analyse_series(synthetic_series(), baseline_months=12)
    part = analysis.parts[0]
    assert part.baseline_months == tuple(months_from(Month(2022, 4), 12))
    for month, row in zip(analysis.months, synthetic_expected(), strict=True):
        assert month.centre == pytest.approx(float(row["p_freeze12_cl"]), **APPROX)
        assert month.lower_limit == pytest.approx(float(row["p_freeze12_lcl"]), **APPROX)
        assert month.upper_limit == pytest.approx(float(row["p_freeze12_ucl"]), **APPROX)
        assert month.outside_limits is (row["p_freeze12_sigma_signal"] == "TRUE")
        assert month.in_baseline is (month.month < CHANGE)
    assert part.runs_signal is (synthetic_expected()[0]["p_freeze12_runs_signal"] == "TRUE")


def test_v15_run_chart_with_a_12_month_baseline_finds_18_months_above() -> None:
    analysis = analyse_series(synthetic_series(), baseline_months=12, chart="run")
    part = analysis.parts[0]
    assert part.centre == pytest.approx(0.4142857, **APPROX)
    # The notes give n, the longest run and the signal; the 11 crossings (limit 10) are hand-counted:
    # the 12 baseline months alternate about the frozen median (B A B A B A B AA B A B), then 18 above.
    assert summary(analysis) == (30, 18, 8, 11, 10, True)
    assert part.longest_run_signal is True and part.crossings_signal is False
    (run,) = part.longest_runs
    assert run.side is Side.ABOVE and run.months == tuple(months_from(CHANGE, 18))
    assert part.reading == (
        "A run of 18 months above the centre line (limit 8), Apr 2023 to Sep 2024: "
        "a shift unlikely to be chance."
    )


# ---------------------------------------------------------------------------------------------
# V16: points exactly on the centre line; V17: a month with no mutual clients


def test_v16_months_equal_to_the_median_are_recognised_exactly() -> None:
    analysis = analyse_series(synthetic_series(), chart="run")
    on_line = [month.month for month in analysis.months if month.side is Side.ON]
    assert on_line == [Month(2023, 8), Month(2024, 3)]  # 13/22 both, the median itself
    assert all(month.proportion == Fraction(13, 22) for month in analysis.months if month.side is Side.ON)
    assert not any(month.in_longest_run for month in analysis.months if month.side is Side.ON)


def test_v16_three_months_on_the_part_2_median() -> None:
    analysis = analyse_series(synthetic_series(), new_part_months=[CHANGE], chart="run")
    on_line = [month.month for month in analysis.months if month.side is Side.ON]
    assert len(on_line) == 3 and analysis.parts[1].useful_observations == 15


def test_v17_a_month_with_no_mutual_clients_is_a_gap() -> None:
    points = [MonthlyPoint(p.month, 0, 0) if p.month == Month(2023, 11) else p for p in synthetic_series()]
    analysis = analyse_series(points, new_part_months=[CHANGE])
    gap = analysis.months[19]
    assert gap.month == Month(2023, 11) and gap.is_gap
    assert (gap.percentage, gap.proportion, gap.lower_limit, gap.upper_limit, gap.side) == (None,) * 5
    assert gap.outside_limits is False and gap.part == 2
    part_2 = analysis.parts[1]
    assert part_2.points == 17
    assert part_2.centre == pytest.approx(0.6259169, **APPROX)
    assert part_2.centre_exact == Fraction(256, 409)
    assert summary(analysis, 2) == (17, 2, 7, 11, 5, False)


# ---------------------------------------------------------------------------------------------
# Hand-worked cases


def test_an_empty_series_has_no_parts() -> None:
    analysis = analyse_series([])
    assert analysis.months == () and analysis.parts == ()
    assert analysis.reading == "No months to chart."


def test_one_month_is_a_run_chart_with_too_few_points() -> None:
    analysis = analyse_series(a_series([(3, 10)]))
    part = analysis.parts[0]
    assert part.chart is ChartKind.RUN and part.centre_exact == Fraction(3, 10)
    assert (part.useful_observations, part.longest_run, part.crossings) == (0, 0, 0)
    assert part.longest_run_limit is None and part.runs_signal is None
    assert part.reading == "Too few points (0 useful) for a runs verdict."


def test_two_months_have_two_useful_points_and_no_verdict() -> None:
    analysis = analyse_series(a_series([(1, 10), (3, 10)]))
    part = analysis.parts[0]
    assert part.centre_exact == Fraction(1, 5)
    assert (part.useful_observations, part.longest_run, part.longest_run_limit) == (2, 1, 4)
    assert (part.crossings, part.crossings_limit, part.runs_signal) == (1, 0, None)
    assert part.verdict is Verdict.TOO_FEW_POINTS


def test_a_series_of_gaps_has_nothing_to_chart() -> None:
    analysis = analyse_series(a_series([(0, 0), (0, 0)]))
    part = analysis.parts[0]
    assert part.points == 0 and part.centre is None and part.runs_signal is None
    assert all(month.centre is None and month.percentage is None for month in analysis.months)
    assert part.reading == "No months with mutual clients, so nothing to chart."


def test_all_months_equal_leaves_no_useful_observations() -> None:
    analysis = analyse_series(a_series([(5, 10)] * 14))
    part = analysis.parts[0]
    assert part.chart is ChartKind.P and part.centre_exact == Fraction(1, 2)
    assert part.useful_observations == 0 and part.longest_runs == ()
    assert part.longest_run_limit is None and part.crossings_limit is None and part.runs_signal is None
    assert part.months_outside_limits == ()


def test_ties_on_the_median_do_not_count_and_do_not_break_runs() -> None:
    # Proportions 0.1, 0.5, 0.9, 0.5 ... : the median is 1/2, met exactly by 2/4, 3/6 and 5/10.
    counts = [(1, 10), (2, 4), (9, 10), (3, 6), (9, 10), (9, 10), (5, 10), (9, 10), (1, 10)]
    analysis = analyse_series(a_series(counts))
    part = analysis.parts[0]
    assert part.centre_exact == Fraction(1, 2)
    assert part.useful_observations == 6
    (run,) = part.longest_runs
    assert run.side is Side.ABOVE and run.length == 4
    assert run.months == (Month(2024, 3), Month(2024, 5), Month(2024, 6), Month(2024, 8))


def test_gaps_are_not_counted_anywhere() -> None:
    counts = [(1, 10), (0, 0), (9, 10), (2, 10), (0, 0), (8, 10)]
    analysis = analyse_series(a_series(counts))
    part = analysis.parts[0]
    assert part.points == 4
    assert part.centre_exact == median([Fraction(1, 10), Fraction(9, 10), Fraction(2, 10), Fraction(8, 10)])
    assert part.useful_observations == 4 and part.crossings == 3
    assert [month.percentage for month in analysis.months] == [10.0, None, 90.0, 20.0, None, 80.0]


def test_gaps_are_left_out_of_p_bar_and_the_baseline() -> None:
    counts = [(0, 0), (2, 10), (0, 0), (4, 10), (6, 10)]
    analysis = analyse_series(a_series(counts), chart="p", baseline_months=2)
    part = analysis.parts[0]
    assert part.centre_exact == Fraction(6, 20)
    assert part.baseline_months == (Month(2024, 2), Month(2024, 4))
    assert [month.in_baseline for month in analysis.months] == [False, True, False, True, False]


def test_a_new_definition_version_starts_a_new_part() -> None:
    counts = [(2, 10)] * 3 + [(7, 10)] * 3
    analysis = analyse_series(a_series(counts, versions=[1, 1, 1, 2, 2, 2]))
    assert [(p.part, p.from_, p.to) for p in analysis.parts] == [
        (1, Month(2024, 1), Month(2024, 3)),
        (2, Month(2024, 4), Month(2024, 6)),
    ]
    assert [m.part for m in analysis.months] == [1, 1, 1, 2, 2, 2]
    assert [m.definition_version for m in analysis.months] == [1, 1, 1, 2, 2, 2]
    assert [p.centre_exact for p in analysis.parts] == [Fraction(1, 5), Fraction(7, 10)]


def test_a_version_change_on_a_gap_month_starts_the_part_there() -> None:
    points = a_series([(2, 10), (0, 0), (7, 10)], versions=[1, 2, 2])
    analysis = analyse_series(points)
    assert [m.part for m in analysis.months] == [1, 2, 2]
    assert analysis.parts[1].from_ == Month(2024, 2) and analysis.parts[1].points == 1


def test_a_declared_change_on_a_missing_month_starts_the_next_month_present() -> None:
    points = [MonthlyPoint(Month(2024, 1), 1, 4), MonthlyPoint(Month(2024, 3), 2, 4)]
    analysis = analyse_series(points, new_part_months=[Month(2024, 2), Month(2023, 1), Month(2030, 1)])
    assert [m.part for m in analysis.months] == [1, 2]


def test_a_declared_change_at_the_first_month_changes_nothing() -> None:
    analysis = analyse_series(a_series([(1, 4)] * 3), new_part_months=[Month(2024, 1)])
    assert len(analysis.parts) == 1


def test_p_chart_limits_from_fewer_than_12_months_are_trial() -> None:
    analysis = analyse_series(a_series([(3, 10), (5, 10), (4, 10)] * 3), chart="p")
    part = analysis.parts[0]
    assert part.chart is ChartKind.P and part.chart_forced and part.trial
    assert part.reading.endswith("Trial limits: based on 9 months, fewer than the 12 needed to fix them.")


def test_a_baseline_shorter_than_12_months_gives_trial_limits_even_in_a_long_part() -> None:
    analysis = analyse_series(a_series([(3, 10), (5, 10)] * 10), baseline_months=6)
    part = analysis.parts[0]
    assert part.chart is ChartKind.P and part.trial and len(part.baseline_months) == 6


def test_12_months_give_a_p_chart_with_fixed_limits() -> None:
    part = analyse_series(a_series([(3, 10), (5, 10)] * 6)).parts[0]
    assert part.chart is ChartKind.P and not part.trial


def test_11_months_give_a_run_chart() -> None:
    analysis = analyse_series(a_series([(3, 10), (5, 10)] * 5 + [(3, 10)]))
    part = analysis.parts[0]
    assert part.chart is ChartKind.RUN and not part.trial
    assert all(
        m.lower_limit is None and m.upper_limit is None and not m.outside_limits for m in analysis.months
    )


def test_a_forced_run_chart_has_no_limits_even_with_an_extreme_month() -> None:
    # With 100 mutual clients a month, 95% is far above the upper limit (about 73%).
    counts = [(50, 100)] * 5 + [(60, 100)] * 5 + [(95, 100)] + [(50, 100), (60, 100)] * 3
    run = analyse_series(a_series(counts), chart=ChartKind.RUN)
    assert run.parts[0].chart is ChartKind.RUN and run.months_outside_limits == ()
    p = analyse_series(a_series(counts))
    assert p.parts[0].chart is ChartKind.P and p.months_outside_limits == (Month(2024, 11),)
    assert "1 month outside the limits: above Nov 2024." in p.reading


def test_an_unknown_chart_kind_is_refused() -> None:
    with pytest.raises(DomainError, match="use 'run' or 'p'"):
        analyse_series(a_series([(1, 2)]), chart="xmr")


def test_a_baseline_longer_than_the_part_uses_every_month_of_it() -> None:
    counts = [(2, 10), (4, 10), (6, 10)]
    with_baseline = analyse_series(a_series(counts), baseline_months=12)
    without = analyse_series(a_series(counts))
    assert with_baseline.parts[0].baseline_months == tuple(months_from(Month(2024, 1), 3))
    assert with_baseline.parts[0].centre_exact == without.parts[0].centre_exact == Fraction(2, 5)


def test_the_baseline_restarts_in_each_part() -> None:
    counts = [(1, 10), (2, 10), (9, 10), (5, 10), (6, 10), (1, 10)]
    analysis = analyse_series(
        a_series(counts), new_part_months=[Month(2024, 4)], baseline_months=2, chart="run"
    )
    assert [p.baseline_months for p in analysis.parts] == [
        (Month(2024, 1), Month(2024, 2)),
        (Month(2024, 4), Month(2024, 5)),
    ]
    assert [p.centre_exact for p in analysis.parts] == [Fraction(3, 20), Fraction(11, 20)]


@pytest.mark.parametrize("baseline", [0, -3])
def test_a_baseline_needs_a_month(baseline: int) -> None:
    with pytest.raises(DomainError):
        analyse_series(a_series([(1, 2)]), baseline_months=baseline)


@pytest.mark.parametrize(
    "points",
    [
        [MonthlyPoint(Month(2024, 2), 1, 2), MonthlyPoint(Month(2024, 1), 1, 2)],
        [MonthlyPoint(Month(2024, 1), 1, 2), MonthlyPoint(Month(2024, 1), 1, 2)],
        [MonthlyPoint(Month(2024, 1), 3, 2)],
        [MonthlyPoint(Month(2024, 1), -1, 2)],
        [MonthlyPoint(Month(2024, 1), 1, 0)],
    ],
    ids=[
        "out of order",
        "repeated",
        "more jointly worked than mutual",
        "negative",
        "jointly worked in a gap",
    ],
)
def test_impossible_series_are_refused(points: list[MonthlyPoint]) -> None:
    with pytest.raises(DomainError):
        analyse_series(points)


def test_the_percentage_is_unrounded_as_in_spec() -> None:
    (month,) = analyse_series(a_series([(12, 98)])).months
    assert month.percentage == 12.244897959183673


# ---------------------------------------------------------------------------------------------
# The reading


def test_reading_for_random_variation_prints_the_critical_values() -> None:
    analysis = analyse_series(synthetic_series(), new_part_months=[CHANGE], chart="run")
    assert (
        analysis.parts[0].reading == "Random variation only: longest run 2 (limit 7), crossings 10 (limit 3)."
    )
    assert analysis.reading.startswith("Part 1 (Apr 2022 to Mar 2023): Random variation only")
    assert "Part 2 (Apr 2023 to Sep 2024): " in analysis.reading


def test_reading_names_tied_longest_runs() -> None:
    reading = analyse_series(synthetic_series(), chart="run").reading
    assert reading == (
        "2 runs of 14 months on one side of the centre line (limit 8): below Apr 2022 to May 2023; "
        "above Jun 2023 to Sep 2024, and only 1 crossing of the centre line (limit 9): "
        "a shift unlikely to be chance."
    )


def test_reading_for_a_crossings_signal_alone() -> None:
    counts = [(3, 10)] * 3 + [(7, 10)] * 3 + [(3, 10)] * 3 + [(7, 10)] * 3  # 12 useful, 3 crossings
    part = analyse_series(a_series(counts), chart="run").parts[0]
    assert (part.longest_run, part.longest_run_limit, part.crossings, part.crossings_limit) == (3, 7, 3, 3)
    assert part.runs_signal is False
    counts = [(3, 10)] * 4 + [(7, 10)] * 4 + [(3, 10)] * 4 + [(7, 10)] * 4  # 16 useful, 3 < 4
    part = analyse_series(a_series(counts), chart="run").parts[0]
    assert part.crossings_signal is True and part.longest_run_signal is False
    assert part.reading == "Only 3 crossings of the centre line (limit 4): a shift unlikely to be chance."


def test_reading_says_when_there_are_too_few_points() -> None:
    part = analyse_series(a_series([(1, 10), (3, 10)] * 3 + [(2, 10)])).parts[0]
    assert part.reading == "Too few points (6 useful) for a runs verdict."


def test_month_text_is_english_whatever_the_locale() -> None:
    assert month_text(Month(2025, 4)) == "Apr 2025"


@st.composite
def a_point_and_centre(draw):
    """A p chart point x/n against a centre a/b (any proportions, as a part's p-bar may be)."""
    n = draw(st.integers(1, 3000))
    b = draw(st.integers(1, 60000))
    return Fraction(draw(st.integers(0, n)), n), Fraction(draw(st.integers(0, b)), b), n


@given(a_point_and_centre())
def test_the_whole_number_tests_equal_the_fraction_arithmetic(case):
    """`p_squares` (whole numbers, issue 18: the family's summary tests thousands of points) gives
    exactly what the Fraction arithmetic of SPEC §5 gives: the breach of the limits, the MDC
    zone (3 and 2 sigma, strictly) and the limits themselves."""
    from ddcase.rules.charts import SIGMA_MULTIPLE, PLimits, Side, limit_breach, p_limits, p_squares
    from ddcase.rules.mdc import zone_from_squares, zone_of_squares

    proportion, centre, size = case
    difference = proportion - centre
    variance = centre * (1 - centre) / size
    outside = difference * difference * size > SIGMA_MULTIPLE**2 * centre * (1 - centre)
    expected = (Side.ABOVE if difference > 0 else Side.BELOW) if outside else None
    assert limit_breach(proportion, centre, size) == expected
    assert zone_of_squares(*p_squares(proportion, centre, size)) == zone_from_squares(difference, variance)
    sigma = math.sqrt(centre * (1 - centre) / size)
    assert p_limits(centre, size) == PLimits(
        max(0.0, float(centre) - SIGMA_MULTIPLE * sigma), min(1.0, float(centre) + SIGMA_MULTIPLE * sigma)
    )
