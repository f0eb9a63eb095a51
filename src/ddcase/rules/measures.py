"""A measure of the QI family and its SPEC §6 entry for a month (issue 16): pure.

A `Measure` says what is measured (key, name, outcome/process/balancing, unit, which direction is
better, an aim); its monthly series is a list of `MeasureMonth`. `measure_entry` charts the series
up to the month asked, as the measure's unit calls for (a p chart for a proportion, a c chart for a
count, an XmR chart for a value), reads it the Making Data Count way, and gives the month's entry
of `ddcase measures --json`, keys in SPEC's order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from ddcase.domain import DomainError, Month
from ddcase.rules.charts import MonthlyPoint, analyse_series
from ddcase.rules.control_charts import ValuePoint, analyse_c, analyse_xmr
from ddcase.rules.mdc import Assurance, Better, Variation, read_p_chart

Number = Fraction | int | float


class MeasureType(StrEnum):
    OUTCOME = "outcome"
    PROCESS = "process"
    BALANCING = "balancing"


class Unit(StrEnum):
    PROPORTION = "proportion"
    COUNT = "count"
    VALUE = "value"


@dataclass(frozen=True, slots=True)
class Measure:
    """One measure of the family (SPEC §6). `aim` is in the measure's own unit (a proportion
    0..1 for a proportion); None when the team has set none."""

    key: str
    name: str
    type: MeasureType
    unit: Unit
    better: Better
    aim: Number | None = None

    def __post_init__(self) -> None:
        if not self.key.strip():
            raise DomainError("A measure needs a key.")
        if not self.name.strip():
            raise DomainError(f"The measure {self.key} needs a name.")
        for field, kind in (("type", MeasureType), ("unit", Unit), ("better", Better)):
            value = getattr(self, field)
            try:
                object.__setattr__(self, field, kind(value))
            except ValueError:
                choices = ", ".join(member.value for member in kind)
                raise DomainError(
                    f"The measure {self.key}: {field} must be one of {choices}, not {value!r}."
                ) from None
        if self.aim is not None and self.unit is Unit.PROPORTION and not 0 <= Fraction(self.aim) <= 1:
            raise DomainError(
                f"The measure {self.key}: an aim for a proportion is between 0 and 1, not {self.aim}."
            )


@dataclass(frozen=True, slots=True)
class MeasureMonth:
    """One month of a measure. A proportion has `numerator` and `denominator` (a denominator of
    0 or None is a gap); a count or a value has `value` (None is a gap). `provisional` marks the
    month in progress; `definition_version` starts a new part when it changes."""

    month: Month
    numerator: int | None = None
    denominator: int | None = None
    value: Number | None = None
    provisional: bool = False
    definition_version: int = 1


def measure_entry(
    measure: Measure,
    series: Sequence[MeasureMonth],
    month: Month,
    *,
    new_part_months: Iterable[Month] = (),
    baseline_months: int | None = None,
) -> dict[str, Any]:
    """SPEC §6: the measure's entry for `month`, read on its chart of every month up to it.

    - `numerator`, `denominator`: a proportion's counts; a count has its count as `numerator`
      and no denominator; a value has neither.
    - `value`: the proportion (0..1), the count or the value; null for a gap or a month not given.
    - `mdc_signals`: the MDC rules the month's point takes part in (none for a gap or a
      provisional month, which are not read).
    - `variation`, `assurance`: the icons of the chart as it stands at the month, from its latest
      ended month (a provisional month is never read).
    """
    months = [row for row in series if row.month <= month]
    for earlier, later in zip(months, months[1:], strict=False):
        if not earlier.month < later.month:
            raise DomainError(
                f"The months must be in order without repeats: {later.month} follows {earlier.month}."
            )
    row = next((r for r in months if r.month == month), None)

    signals: tuple[str, ...] = ()
    variation: Variation | None
    assurance: Assurance | None
    if measure.unit is Unit.PROPORTION:
        counted = [r for r in months if not r.provisional]
        points = [
            MonthlyPoint(r.month, r.numerator, r.denominator, r.definition_version)
            if r.numerator is not None and r.denominator
            else MonthlyPoint(r.month, 0, 0, r.definition_version)
            for r in counted
        ]
        analysis = analyse_series(
            points, new_part_months=new_part_months, baseline_months=baseline_months, chart="p"
        )
        reading = read_p_chart(analysis, measure.better)
        for analysed, point_reading in zip(analysis.months, reading.readings, strict=True):
            if analysed.month == month and point_reading is not None:
                signals = tuple(rule.value for rule in point_reading.rules)
        variation = reading.variation
        assurance = reading.assurance(measure.aim, measure.better)
    else:
        value_points = [ValuePoint(r.month, r.value, r.definition_version, r.provisional) for r in months]
        if measure.unit is Unit.COUNT:
            chart = analyse_c(
                value_points,
                better=measure.better,
                new_part_months=new_part_months,
                baseline_months=baseline_months,
            )
        else:
            chart = analyse_xmr(
                value_points,
                better=measure.better,
                new_part_months=new_part_months,
                baseline_months=baseline_months,
            )
        signals = next((m.mdc_signals for m in chart.months if m.month == month), ())
        variation = chart.variation
        assurance = chart.assurance(measure.aim)

    numerator: int | None = None
    denominator: int | None = None
    value: float | None = None
    if row is not None:
        if measure.unit is Unit.PROPORTION:
            numerator, denominator = row.numerator, row.denominator
            if row.numerator is not None and row.denominator:
                value = row.numerator / row.denominator
        elif row.value is not None:
            value = float(row.value)
            if measure.unit is Unit.COUNT:
                numerator = int(row.value)
    return {
        "key": measure.key,
        "name": measure.name,
        "type": measure.type.value,
        "unit": measure.unit.value,
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "provisional": bool(row is not None and row.provisional),
        "better": measure.better.value,
        "aim": float(measure.aim) if measure.aim is not None else None,
        "variation": variation.value if variation is not None else None,
        "assurance": assurance.value if assurance is not None else None,
        "mdc_signals": list(signals),
    }
