"""A measure's SPEC §6 entry for a month (issue 16), on hand-worked series."""

from __future__ import annotations

import json
import math

import pytest

from ddcase.domain import DomainError, Month
from ddcase.rules.measures import Measure, MeasureMonth, measure_entry

JOINT = Measure("jointly_worked", "Mutual clients jointly worked", "outcome", "proportion", "higher", 0.75)  # type: ignore[arg-type]
SCORE = Measure("manual:satisfaction", "Satisfaction with joint care", "outcome", "value", "higher", 4)  # type: ignore[arg-type]
FALLS = Measure("manual:incidents", "Incidents", "balancing", "count", "lower")  # type: ignore[arg-type]

#: SPEC §6: the keys of a measure's entry, in SPEC's order (the CLI's tests check the same)
SPEC_KEYS = [
    "key",
    "name",
    "type",
    "unit",
    "numerator",
    "denominator",
    "value",
    "provisional",
    "better",
    "aim",
    "variation",
    "assurance",
    "mdc_signals",
]


def months(n: int) -> list[Month]:
    out = [Month(2025, 1)]
    for _ in range(n - 1):
        out.append(out[-1].next())
    return out


def proportion_series() -> list[MeasureMonth]:
    """Eleven months of 50/100, then 70/100.

    p̄ = 620/1200 = 31/60; σ² = (31/60)(29/60)/100 = 899/360000; 70/100 is outside since
    (7/10 - 31/60)² · 100 = 121/36 > 9 · 899/3600; UCL = 31/60 + 3·sqrt(899)/600 = 0.66658."""
    series = [MeasureMonth(m, 50, 100) for m in months(11)]
    series.append(MeasureMonth(Month(2025, 12), 70, 100))
    return series


def test_a_proportion_month_outside_its_limits() -> None:
    entry = measure_entry(JOINT, proportion_series(), Month(2025, 12))
    assert list(entry) == SPEC_KEYS
    assert entry == {
        "key": "jointly_worked",
        "name": "Mutual clients jointly worked",
        "type": "outcome",
        "unit": "proportion",
        "numerator": 70,
        "denominator": 100,
        "value": 0.7,
        "provisional": False,
        "better": "higher",
        "aim": 0.75,
        "variation": "special_cause_improvement",
        "assurance": "fail",
        "mdc_signals": ["outside_limits"],
    }
    assert 31 / 60 + 3 * math.sqrt(899) / 600 == pytest.approx(0.66658, abs=1e-5)
    json.dumps(entry)


def test_an_earlier_month_is_read_on_the_chart_as_it_stood() -> None:
    entry = measure_entry(JOINT, proportion_series(), Month(2025, 6))
    # Six months all equal: limits of p̄ = 1/2 ± 0.15, nothing special, aim above the limits.
    assert entry["value"] == 0.5
    assert entry["variation"] == "common_cause"
    assert entry["assurance"] == "fail"
    assert entry["mdc_signals"] == []


def test_the_provisional_month_is_shown_but_not_read() -> None:
    series = [*proportion_series(), MeasureMonth(Month(2026, 1), 1, 20, provisional=True)]
    entry = measure_entry(JOINT, series, Month(2026, 1))
    assert (entry["numerator"], entry["denominator"], entry["value"], entry["provisional"]) == (
        1,
        20,
        0.05,
        True,
    )
    assert entry["mdc_signals"] == []
    # The icons are those of the latest ended month, December.
    assert entry["variation"] == "special_cause_improvement"
    assert entry["assurance"] == "fail"


def test_a_month_without_mutual_clients_is_a_gap() -> None:
    series = [*proportion_series(), MeasureMonth(Month(2026, 1), 0, 0)]
    entry = measure_entry(JOINT, series, Month(2026, 1))
    assert (entry["numerator"], entry["denominator"], entry["value"]) == (0, 0, None)
    assert entry["mdc_signals"] == []
    assert entry["variation"] == "special_cause_improvement"
    # A numerator without a denominator, or the other way round, is a gap too, not 0%.
    for row in (MeasureMonth(Month(2026, 1), None, 40), MeasureMonth(Month(2026, 1), 3, None)):
        entry = measure_entry(JOINT, [*proportion_series(), row], Month(2026, 1))
        assert entry["value"] is None and entry["mdc_signals"] == []
        assert entry["variation"] == "special_cause_improvement"


def test_a_value_measure_on_an_xmr_chart() -> None:
    # Scores 3, 3.5 alternating for 12 months: mean 3.25, AMR 0.5, limits 3.25 ± 1.33.
    series = [MeasureMonth(m, value=3 if i % 2 == 0 else 3.5) for i, m in enumerate(months(12))]
    entry = measure_entry(SCORE, series, Month(2025, 12))
    assert (entry["numerator"], entry["denominator"], entry["value"]) == (None, None, 3.5)
    assert entry["variation"] == "common_cause"
    # Aim 4 is inside 1.92 .. 4.58: hit and miss; an aim of 5 would fail.
    assert entry["assurance"] == "hit_and_miss"
    high = Measure("manual:s", "S", "outcome", "value", "higher", 5)  # type: ignore[arg-type]
    assert measure_entry(high, series, Month(2025, 12))["assurance"] == "fail"
    # A month with no value entered.
    assert measure_entry(SCORE, [*series, MeasureMonth(Month(2026, 1))], Month(2026, 1))["value"] is None
    # A month not in the series at all.
    assert measure_entry(SCORE, series, Month(2027, 1))["value"] is None


def test_a_count_measure_on_a_c_chart_with_a_fall() -> None:
    counts = [20, 18, 22, 19, 21, 20, 18, 22, 19, 21, 20, 20, 2]
    series = [MeasureMonth(m, value=c) for m, c in zip(months(13), counts, strict=True)]
    entry = measure_entry(FALLS, series, Month(2026, 1))
    assert (entry["numerator"], entry["denominator"], entry["value"]) == (2, None, 2.0)
    assert entry["mdc_signals"] == ["outside_limits"]
    assert entry["variation"] == "special_cause_improvement"
    assert entry["aim"] is None and entry["assurance"] is None


def test_a_chart_of_one_point_gives_no_icons() -> None:
    entry = measure_entry(SCORE, [MeasureMonth(Month(2025, 1), value=4)], Month(2025, 1))
    assert entry["variation"] is None and entry["assurance"] is None


def test_measures_refuse_nonsense() -> None:
    with pytest.raises(DomainError, match="unit must be one of"):
        Measure("k", "K", "outcome", "percent", "higher")  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="between 0 and 1"):
        Measure("k", "K", "outcome", "proportion", "higher", 75)  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="needs a name"):
        Measure("k", " ", "outcome", "value", "higher")  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="in order"):
        measure_entry(
            SCORE,
            [MeasureMonth(Month(2025, 2), value=1), MeasureMonth(Month(2025, 1), value=2)],
            Month(2025, 3),
        )
