"""Pure: what makes a PDSA cycle right (issue 16 item 6), the mark a cycle's start leaves on each
chart it is linked to, and the meeting's check of a cycle's prediction against what the chart
then showed (the measure's value in the cycle's start month against the latest month, with the
signal the chart reads, if any)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ddcase.domain import Annotation, FieldProblem, Month
from ddcase.domain.pdsa import PdsaCycle
from ddcase.domain.validation import EARLIEST_DATE, text_problem
from ddcase.rules.measures import MeasureMonth, Unit, rule_words, value_text

#: A measure's key as SPEC §6 writes them: `jointly_worked`, `criterion:consent`,
#: `manual:staff-trained`, `audit:SLUG:QUESTION`.
MEASURE_KEY = re.compile(r"^[a-z][a-z_]*(:[A-Za-z0-9_.-]+)*$")
#: Text limits (characters): a title is a line; a plan, prediction, study or act a paragraph.
LIMITS = {"title": 120, "owner": 80, "plan": 1000, "prediction": 1000, "study": 1000, "act": 1000}
MARK_PREFIX = "PDSA starts"
MAX_MEASURES = 12


def _text(problems: list[FieldProblem], field: str, value: str | None, *, required: bool = False) -> None:
    if value is None or not value.strip():
        if required:
            problems.append(FieldProblem(field, "required"))
        return
    if len(value) > LIMITS[field]:
        problems.append(FieldProblem(field, f"too long ({len(value)} characters; at most {LIMITS[field]})"))
        return
    # the app's rule for free text (no control characters), a piece at a time
    for piece in (value[i : i + 500] for i in range(0, len(value), 500)):
        message = text_problem("text", piece)
        if message:
            problems.append(FieldProblem(field, message))
            return


def cycle_problems(cycle: PdsaCycle, today: date) -> list[FieldProblem]:
    """What is wrong with a cycle (none when it is right). A cycle may be planned ahead (its
    start in the future); it ends on or after its start; it is linked to at least one measure,
    each named once by its key; a closed cycle has its study and act notes and was closed on a
    day between its start and today."""
    problems: list[FieldProblem] = []
    _text(problems, "title", cycle.title, required=True)
    for field in ("owner", "plan", "prediction", "study", "act"):
        _text(problems, field, getattr(cycle, field))
    if cycle.start < EARLIEST_DATE:
        problems.append(FieldProblem("start", "before 1900"))
    if cycle.end is not None and cycle.end < cycle.start:
        problems.append(FieldProblem("end", "before the cycle's start"))
    if not cycle.measures:
        problems.append(FieldProblem("measures", "link the cycle to at least one measure"))
    elif len(cycle.measures) > MAX_MEASURES:
        problems.append(FieldProblem("measures", f"at most {MAX_MEASURES} measures"))
    bad = [key for key in cycle.measures if not MEASURE_KEY.match(key)]
    if bad:
        problems.append(FieldProblem("measures", f"not a measure's key: {', '.join(bad)}"))
    twice = sorted({key for key in cycle.measures if cycle.measures.count(key) > 1})
    if twice:
        problems.append(FieldProblem("measures", f"named twice: {', '.join(twice)}"))
    if cycle.closed_on is not None:
        if cycle.closed_on < cycle.start:
            problems.append(FieldProblem("closed_on", "before the cycle's start"))
        if cycle.closed_on > today:
            problems.append(FieldProblem("closed_on", "in the future"))
        for field in ("study", "act"):
            if not (getattr(cycle, field) or "").strip():
                problems.append(
                    FieldProblem(field, "required to close a cycle (what you learned, what next)")
                )
    return problems


def parse_keys(text: str) -> tuple[str, ...]:
    """Measure keys as typed: separated by commas, spaces or new lines, in the order given."""
    return tuple(key for key in re.split(r"[\s,;]+", text.strip()) if key)


def mark_text(cycle: PdsaCycle) -> str:
    return f"{MARK_PREFIX}: {cycle.title}"


def cycle_marks(cycles: Iterable[PdsaCycle], key: str) -> list[Annotation]:
    """The marks on the chart of measure `key`: each linked cycle's start month, as a chart note
    (drawn and listed with the team's notes; never a new part)."""
    return [
        Annotation(Month.of(c.start), mark_text(c), team=c.team)
        for c in sorted(cycles, key=lambda c: (c.start, c.id or 0))
        if key in c.measures
    ]


@dataclass(frozen=True, slots=True)
class PredictionCheck:
    """One open cycle's prediction against one linked measure's chart: its value in the cycle's
    start month and in the latest month, and the signal the chart reads in the latest month."""

    cycle: PdsaCycle
    key: str
    name: str
    start_month: Month
    at_start: str
    latest_month: Month
    latest: str
    signal: str


def month_value_text(unit: str, month: MeasureMonth | None) -> str:
    """A month of a measure as shown ('60% (82/137)', '4.5'); 'no value' for a gap or a month off
    the chart."""
    if month is None:
        return "no value"
    if unit == Unit.PROPORTION.value:
        if not month.denominator:
            return "no value"
        value: float | None = (month.numerator or 0) / month.denominator
    else:
        value = None if month.value is None else float(month.value)
    if value is None:
        return "no value"
    return value_text(
        {"value": value, "unit": unit, "numerator": month.numerator, "denominator": month.denominator}
    )


def prediction_check(
    cycle: PdsaCycle,
    latest_month: Month,
    entry: dict[str, Any],
    series: Sequence[MeasureMonth],
    *,
    runs_signal: bool = False,
) -> PredictionCheck:
    """`entry` is the measure's SPEC §6 entry for `latest_month` (its MDC reading) and `series`
    its months as charted; `runs_signal` the Anhøj runs signal of the latest part, for a measure
    read that way (the jointly-worked measure)."""
    by_month = {m.month: m for m in series}
    start_month = Month.of(cycle.start)
    signal = rule_words(entry)
    if runs_signal:
        signal = (
            "Anhøj runs signal" if signal in {"none", "too few points"} else f"Anhøj runs signal; {signal}"
        )
    if start_month > latest_month:
        at_start = "not started yet"
    else:
        at_start = month_value_text(entry["unit"], by_month.get(start_month))
    return PredictionCheck(
        cycle,
        entry["key"],
        entry["name"],
        start_month,
        at_start,
        latest_month,
        month_value_text(entry["unit"], by_month.get(latest_month)),
        signal,
    )
