"""PDSA cycles' rules (issue 16 item 6), worked by hand: what makes a cycle right, the mark its
start leaves on each linked chart, and its prediction against what the chart then showed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ddcase.domain import Month
from ddcase.domain.pdsa import PdsaCycle
from ddcase.rules.measures import MeasureMonth
from ddcase.rules.pdsa import cycle_marks, cycle_problems, parse_keys, prediction_check

TODAY = date(2026, 11, 22)
CYCLE = PdsaCycle(
    "Joint review slot in the CMHT huddle",
    date(2026, 9, 14),
    ("jointly_worked", "criterion:joint_contact"),
    plan="Book a 15-minute slot each Tuesday",
    prediction="Joint contacts up from 40% to 55% by December",
    owner="Ann Smith",
    id=1,
)


def fields(cycle: PdsaCycle) -> dict[str, str]:
    return {p.field: p.message for p in cycle_problems(cycle, TODAY)}


def test_a_right_cycle_has_no_problems_and_may_be_planned_ahead():
    assert fields(CYCLE) == {}
    assert fields(replace(CYCLE, start=date(2027, 1, 4))) == {}


def test_each_wrong_field_is_named():
    assert fields(replace(CYCLE, title="  ")) == {"title": "required"}
    assert fields(replace(CYCLE, title="x" * 121)) == {"title": "too long (121 characters; at most 120)"}
    assert fields(replace(CYCLE, plan="x" * 1000)) == {}
    assert fields(replace(CYCLE, plan="x" * 700 + "\x07")) == {"plan": "contains a control character"}
    assert fields(replace(CYCLE, end=date(2026, 9, 13))) == {"end": "before the cycle's start"}
    assert fields(replace(CYCLE, end=date(2026, 9, 14))) == {}  # a one-day test
    assert fields(replace(CYCLE, measures=())) == {"measures": "link the cycle to at least one measure"}
    assert fields(replace(CYCLE, measures=("Jointly worked",))) == {
        "measures": "not a measure's key: Jointly worked"
    }
    assert fields(replace(CYCLE, measures=("manual:x", "manual:x"))) == {"measures": "named twice: manual:x"}


def test_closing_needs_study_and_act_and_a_day_between_start_and_today():
    closed = replace(CYCLE, closed_on=TODAY)
    assert fields(closed) == {
        "study": "required to close a cycle (what you learned, what next)",
        "act": "required to close a cycle (what you learned, what next)",
    }
    closed = replace(closed, study="Rose to 52%", act="Adopt")
    assert fields(closed) == {}
    assert fields(replace(closed, closed_on=date(2026, 11, 23))) == {"closed_on": "in the future"}
    assert fields(replace(closed, closed_on=date(2026, 9, 13))) == {"closed_on": "before the cycle's start"}


def test_keys_are_typed_with_commas_spaces_or_lines():
    assert parse_keys(" jointly_worked, manual:satisfaction\ncriterion:consent ;") == (
        "jointly_worked",
        "manual:satisfaction",
        "criterion:consent",
    )


def test_a_cycle_marks_the_month_of_its_start_on_each_linked_chart_only():
    other = replace(
        CYCLE, title="Consent at first contact", start=date(2026, 7, 1), measures=("criterion:consent",), id=2
    )
    marks = cycle_marks([CYCLE, other], "jointly_worked")
    assert [(m.month, m.text, m.new_part) for m in marks] == [
        (Month(2026, 9), "PDSA starts: Joint review slot in the CMHT huddle", False)
    ]
    assert [m.month for m in cycle_marks([CYCLE, other], "criterion:consent")] == [Month(2026, 7)]
    assert cycle_marks([CYCLE, other], "manual:satisfaction") == []


ENTRY = {
    "key": "jointly_worked",
    "name": "Mutual clients jointly worked",
    "unit": "proportion",
    "value": 0.6,
    "numerator": 12,
    "denominator": 20,
    "provisional": False,
    "variation": "special_cause_improvement",
    "mdc_signals": ["shift"],
}
SERIES = (
    MeasureMonth(Month(2026, 8), 8, 20),
    MeasureMonth(Month(2026, 9), 9, 20),
    MeasureMonth(Month(2026, 10), 12, 20),
)


def test_the_prediction_is_set_against_the_start_month_and_the_latest_with_its_signal():
    check = prediction_check(CYCLE, Month(2026, 10), ENTRY, SERIES)
    # September: 9/20 = 45%; October: 12/20 = 60%; the MDC shift rule fired in October
    assert (check.start_month, check.at_start, check.latest_month, check.latest) == (
        Month(2026, 9),
        "45% (9/20)",
        Month(2026, 10),
        "60% (12/20)",
    )
    assert check.signal == "7 in a row on one side of the centre"
    runs = prediction_check(CYCLE, Month(2026, 10), {**ENTRY, "mdc_signals": []}, SERIES, runs_signal=True)
    assert runs.signal == "Anhøj runs signal"


def test_a_value_measure_a_gap_and_a_cycle_not_started_yet():
    entry = {
        **ENTRY,
        "key": "manual:satisfaction",
        "unit": "value",
        "value": 4.25,
        "numerator": None,
        "denominator": None,
        "mdc_signals": [],
        "variation": None,
    }
    series = (MeasureMonth(Month(2026, 10), value=4.25),)
    check = prediction_check(CYCLE, Month(2026, 10), entry, series)
    assert (check.at_start, check.latest, check.signal) == ("no value", "4.25", "too few points")
    later = prediction_check(replace(CYCLE, start=date(2026, 11, 2)), Month(2026, 10), entry, series)
    assert later.at_start == "not started yet"
