"""Mutual days and mutual clients (SPEC §1): open to both sides at once, at least
`min_overlap_days` (14) days of the month, else excluded as `short_overlap`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddcase.domain import Criterion, Definition, Episode, ExclusionReason, Service
from ddcase.rules.figures import evaluate, month_figures
from ddcase.rules.mutual import Interval, clipped_intervals, merge, mutual_intervals, mutual_of, overlap_of
from tests.rules.builders import DEFAULT, a_contact, a_history, a_month, day, mh, sm

MARCH = a_month("2026-03")  # 31 days


def day_count(intervals: list[Interval]) -> int:
    """How many days the intervals cover (each inclusive at both ends; they do not overlap)."""
    return sum((end - start).days + 1 for start, end in intervals)


def last_mutual_day(episodes, month=MARCH):
    intervals = mutual_intervals(episodes, month)
    return intervals[-1][1] if intervals else None


@pytest.mark.parametrize(
    ("case", "episodes", "days", "last"),
    [
        ("open to both all month", [mh("2025-06-01"), sm("2025-06-01")], 31, "2026-03-31"),
        (
            "substance misuse ends on the 1st",
            [mh("2025-06-01"), sm("2025-06-01", "2026-03-01")],
            1,
            "2026-03-01",
        ),
        (
            "mental health ends on the 1st",
            [mh("2025-06-01", "2026-03-01"), sm("2025-06-01")],
            1,
            "2026-03-01",
        ),
        ("substance misuse starts on the last day", [mh("2025-06-01"), sm("2026-03-31")], 1, "2026-03-31"),
        ("both start on the last day", [mh("2026-03-31"), sm("2026-03-31", "2026-03-31")], 1, "2026-03-31"),
        ("both start mid-month", [mh("2026-03-10"), sm("2026-03-18")], 14, "2026-03-31"),
        ("a one-day episode inside", [mh("2025-06-01"), sm("2026-03-05", "2026-03-05")], 1, "2026-03-05"),
        (
            "two overlapping episodes on one side are not double counted",
            [mh("2026-03-01", "2026-03-20"), mh("2026-03-10"), sm("2025-06-01")],
            31,
            "2026-03-31",
        ),
        (
            "the same period recorded twice counts once",
            [mh("2025-06-01"), mh("2025-06-01"), sm("2025-06-01"), sm("2025-06-01")],
            31,
            "2026-03-31",
        ),
        (
            "a gap between episodes is not mutual (10 + 11 days)",
            [mh("2026-03-01", "2026-03-10"), mh("2026-03-21"), sm("2025-06-01")],
            21,
            "2026-03-31",
        ),
        (
            "gaps on both sides: only days open to both",
            [mh("2026-03-01", "2026-03-20"), sm("2026-03-05", "2026-03-08"), sm("2026-03-15", "2026-03-25")],
            4 + 6,
            "2026-03-20",
        ),
        (
            "episodes touching at a reallocation leave no gap",
            [mh("2025-06-01", "2026-03-15"), mh("2026-03-16"), sm("2025-06-01")],
            31,
            "2026-03-31",
        ),
        (
            "episodes ending before and starting after the month are clipped",
            [mh("2025-12-01", "2026-04-30"), sm("2026-02-01", "2026-05-31")],
            31,
            "2026-03-31",
        ),
        ("exactly 14 days", [mh("2025-06-01"), sm("2025-06-01", "2026-03-14")], 14, "2026-03-14"),
        ("13 days", [mh("2025-06-01"), sm("2025-06-01", "2026-03-13")], 13, "2026-03-13"),
    ],
)
def test_mutual_days_in_march(case, episodes, days, last):
    assert day_count(mutual_intervals(episodes, MARCH)) == days, case
    assert last_mutual_day(episodes) == day(last), case


@pytest.mark.parametrize(
    ("case", "episodes"),
    [
        ("no episodes", []),
        ("only mental health", [mh("2025-06-01")]),
        ("only substance misuse, two episodes", [sm("2025-06-01", "2026-03-10"), sm("2026-03-11")]),
        ("one side ends the day before the other starts", [mh("2026-03-01", "2026-03-10"), sm("2026-03-11")]),
        ("substance misuse ended in February", [mh("2025-06-01"), sm("2025-06-01", "2026-02-28")]),
        ("substance misuse starts in April", [mh("2025-06-01"), sm("2026-04-01")]),
        ("both sides open, but only outside the month", [mh("2026-04-01"), sm("2026-04-01")]),
    ],
)
def test_no_mutual_day_means_not_judged_at_all(case, episodes):
    assert mutual_intervals(episodes, MARCH) == [], case
    assert evaluate(a_history(episodes=episodes), MARCH, DEFAULT) is None, case


@pytest.mark.parametrize(
    ("month", "days"),
    [("2024-02", 29), ("2026-02", 28), ("2100-02", 28), ("2026-04", 30), ("2026-12", 31)],
)
def test_a_client_open_to_both_all_month_has_every_day_of_it(month, days):
    episodes = [mh("2023-01-01"), sm("2023-01-01")]
    assert day_count(mutual_intervals(episodes, a_month(month))) == days


def test_merge_joins_touching_and_overlapping_intervals():
    d = date.fromisoformat
    assert merge(
        [
            (d("2026-03-20"), d("2026-03-25")),
            (d("2026-03-01"), d("2026-03-05")),
            (d("2026-03-06"), d("2026-03-08")),
            (d("2026-03-02"), d("2026-03-03")),
            (d("2026-03-24"), d("2026-03-28")),
        ]
    ) == [(d("2026-03-01"), d("2026-03-08")), (d("2026-03-20"), d("2026-03-28"))]


@pytest.mark.parametrize(
    ("sm_end", "days", "excluded"),
    [
        ("2026-03-15", 15, None),
        ("2026-03-14", 14, None),
        ("2026-03-13", 13, ExclusionReason.SHORT_OVERLAP),
        ("2026-03-01", 1, ExclusionReason.SHORT_OVERLAP),
    ],
)
def test_fourteen_mutual_days_make_a_mutual_client_and_thirteen_do_not(sm_end, days, excluded):
    result = evaluate(a_history(episodes=[mh("2025-06-01"), sm("2025-06-01", sm_end)]), MARCH, DEFAULT)
    assert result is not None
    assert result.mutual_days == days
    assert result.excluded is excluded


def test_a_short_overlap_is_excluded_with_no_criteria_judged():
    history = a_history(episodes=[mh("2025-06-01"), sm("2025-06-01", "2026-03-13")])
    result = evaluate(history, MARCH, DEFAULT)
    assert result.excluded is ExclusionReason.SHORT_OVERLAP
    assert not result.is_mutual
    assert result.criteria == ()
    assert result.failed_criteria == ()
    assert not result.jointly_worked
    assert result.holds(Criterion.CONSENT) is None


def test_a_short_overlap_is_listed_as_excluded_not_counted():
    short = a_history(episodes=[mh("2025-06-01"), sm("2025-06-01", "2026-03-13")])
    figures = month_figures([short], MARCH, DEFAULT)
    assert figures.mutual_clients == 0
    assert [c.client_ref for c in figures.excluded] == ["C001"]
    assert figures.percentage is None


@pytest.mark.parametrize(("minimum", "excluded"), [(1, False), (10, False), (11, True), (31, True)])
def test_min_overlap_days_is_a_parameter(minimum, excluded):
    history = a_history(episodes=[mh("2026-03-01", "2026-03-10"), sm("2025-06-01")])
    result = evaluate(history, MARCH, Definition(min_overlap_days=minimum))
    assert result.mutual_days == 10
    assert (result.excluded is not None) == excluded


# --- reallocation and the last mutual day -----------------------------------------------------


def test_a_reallocation_mid_month_keeps_the_client_mutual_all_month():
    episodes = [
        mh("2025-06-01", "2026-03-15", worker="Ann"),
        mh("2026-03-16", worker="Bob"),
        sm("2025-06-01"),
    ]
    result = evaluate(a_history(episodes=episodes), MARCH, DEFAULT)
    assert result.mutual_days == 31
    assert result.is_mutual
    assert result.care_coordinator == "Bob"
    assert result.holds(Criterion.NAMED_WORKERS) is True


def test_after_a_reallocation_named_workers_is_judged_on_the_last_mutual_day():
    named_then_unallocated = [
        mh("2025-06-01", "2026-03-15", worker="Ann"),
        mh("2026-03-16", worker=None),
        sm("2025-06-01"),
    ]
    unallocated_then_named = [
        mh("2025-06-01", "2026-03-15", worker=None),
        mh("2026-03-16", worker="Bob"),
        sm("2025-06-01"),
    ]
    first = evaluate(a_history(episodes=named_then_unallocated), MARCH, DEFAULT)
    second = evaluate(a_history(episodes=unallocated_then_named), MARCH, DEFAULT)
    assert first.holds(Criterion.NAMED_WORKERS) is False
    assert first.care_coordinator is None
    assert second.holds(Criterion.NAMED_WORKERS) is True


def test_a_key_worker_leaving_on_the_last_day_counts_as_named_on_that_day():
    episodes = [mh("2025-06-01"), sm("2025-06-01", "2026-03-31", worker="Kim"), sm("2026-04-01", worker=None)]
    result = evaluate(a_history(episodes=episodes), MARCH, DEFAULT)
    assert result.holds(Criterion.NAMED_WORKERS) is True
    assert result.key_worker == "Kim"


def test_a_client_who_stops_being_mutual_is_judged_on_the_last_mutual_day():
    # Substance misuse closes on the 20th; the care coordinator is reallocated to nobody on the
    # 26th. On the last mutual day (20th) both services named a worker.
    episodes = [
        mh("2025-06-01", "2026-03-25", worker="Ann"),
        mh("2026-03-26", worker=None),
        sm("2025-06-01", "2026-03-20", worker="Kim"),
    ]
    result = evaluate(a_history(episodes=episodes), MARCH, DEFAULT)
    assert result.mutual_days == 20
    assert result.holds(Criterion.NAMED_WORKERS) is True
    assert result.care_coordinator == "Ann"
    assert result.key_worker == "Kim"


def test_a_client_who_stops_being_mutual_with_no_coordinator_on_the_last_mutual_day_fails():
    episodes = [
        mh("2025-06-01", "2026-03-10", worker="Ann"),
        mh("2026-03-11", worker=None),
        sm("2025-06-01", "2026-03-20", worker="Kim"),
    ]
    result = evaluate(a_history(episodes=episodes, contacts=[a_contact("2026-03-02")]), MARCH, DEFAULT)
    assert result.mutual_days == 20
    assert result.holds(Criterion.NAMED_WORKERS) is False
    assert result.failed_criteria == (Criterion.NAMED_WORKERS,)


def test_a_worker_named_only_after_the_last_mutual_day_does_not_count():
    episodes = [
        mh("2025-06-01", "2026-03-20", worker=None),
        mh("2026-03-21", worker="Bob"),
        sm("2025-06-01", "2026-03-20"),
    ]
    result = evaluate(a_history(episodes=episodes), MARCH, DEFAULT)
    assert result.holds(Criterion.NAMED_WORKERS) is False


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_blank_worker_is_not_a_named_worker(blank):
    episodes = [mh("2025-06-01"), sm("2025-06-01", worker=blank)]
    result = evaluate(a_history(episodes=episodes), MARCH, DEFAULT)
    assert result.holds(Criterion.NAMED_WORKERS) is False
    assert result.key_worker is None


def test_an_unallocated_episode_beside_a_named_one_on_the_same_side_still_names_a_worker():
    episodes = [mh("2025-06-01", worker="Ann"), mh("2026-03-01", worker=None, team="South"), sm("2025-06-01")]
    result = evaluate(a_history(episodes=episodes), MARCH, DEFAULT)
    assert result.holds(Criterion.NAMED_WORKERS) is True
    assert result.care_coordinator == "Ann"


# --- teams --------------------------------------------------------------------------------------


def test_a_team_move_within_the_month_counts_for_both_teams():
    episodes = [
        mh("2025-06-01", "2026-03-10", team="North"),
        mh("2026-03-11", team="South"),
        sm("2025-06-01"),
    ]
    history = a_history(episodes=episodes)
    assert evaluate(history, MARCH, DEFAULT).teams == ("North", "South")
    assert [c.client_ref for c in month_figures([history], MARCH, DEFAULT, team="North").clients] == ["C001"]
    assert [c.client_ref for c in month_figures([history], MARCH, DEFAULT, team="South").clients] == ["C001"]
    assert month_figures([history], MARCH, DEFAULT, team="East").clients == ()
    assert month_figures([history], MARCH, DEFAULT).mutual_clients == 1


def test_a_team_whose_episode_ended_before_the_first_mutual_day_does_not_count():
    # North closed on the 5th; substance misuse only opened on the 10th.
    episodes = [
        mh("2025-06-01", "2026-03-05", team="North"),
        mh("2026-03-06", team="South"),
        sm("2026-03-10"),
    ]
    history = a_history(episodes=episodes)
    assert evaluate(history, MARCH, DEFAULT).teams == ("South",)
    assert month_figures([history], MARCH, DEFAULT, team="North").mutual_clients == 0


def test_a_team_in_last_month_but_not_this_month_does_not_count():
    episodes = [
        mh("2025-06-01", "2026-02-28", team="North"),
        mh("2026-03-01", team="South"),
        sm("2025-06-01"),
    ]
    history = a_history(episodes=episodes)
    assert evaluate(history, MARCH, DEFAULT).teams == ("South",)
    assert evaluate(history, a_month("2026-02"), DEFAULT).teams == ("North",)


def test_a_short_overlap_is_excluded_for_its_team_only():
    short = a_history(episodes=[mh("2025-06-01", team="North"), sm("2025-06-01", "2026-03-05")])
    assert [c.client_ref for c in month_figures([short], MARCH, DEFAULT, team="North").excluded] == ["C001"]
    assert month_figures([short], MARCH, DEFAULT, team="South").excluded == ()


def _days_open(episodes, first: date, last: date) -> set[date]:
    """The days of first..last on which one of the episodes is open, day by day."""
    days = set()
    for e in episodes:
        d = max(e.start_date, first)
        end = last if e.end_date is None else min(e.end_date, last)
        while d <= end:
            days.add(d)
            d += timedelta(days=1)
    return days


def _runs(days: set[date]) -> list[Interval]:
    """The days as sorted runs of consecutive days."""
    runs: list[Interval] = []
    for d in sorted(days):
        if runs and runs[-1][1] + timedelta(days=1) == d:
            runs[-1] = (runs[-1][0], d)
        else:
            runs.append((d, d))
    return runs


def _episodes(service):
    def made(start: int, length: int | None) -> Episode:
        begins = date(2026, 3, 1) + timedelta(days=start)
        return (mh if service is Service.MENTAL_HEALTH else sm)(
            begins.isoformat(), None if length is None else (begins + timedelta(days=length)).isoformat()
        )

    return st.lists(st.builds(made, st.integers(-40, 70), st.none() | st.integers(0, 60)), max_size=4)


@settings(max_examples=400, deadline=None)
@given(
    _episodes(Service.MENTAL_HEALTH),
    _episodes(Service.SUBSTANCE_MISUSE),
    st.integers(-30, 60),
    st.integers(0, 70),
)
def test_the_mutual_days_are_the_days_open_to_both_day_by_day(mental_health, substance_misuse, start, length):
    """`mutual_of` (and its shortcut for one episode a side, `overlap_of`) and `mutual_intervals`
    give exactly the days on which both sides have an episode open, counted day by day."""
    first = date(2026, 3, 1) + timedelta(days=start)
    last = first + timedelta(days=length)
    expected = _runs(_days_open(mental_health, first, last) & _days_open(substance_misuse, first, last))
    assert mutual_of(mental_health, substance_misuse, first, last) == expected
    if len(mental_health) == 1 and len(substance_misuse) == 1:
        assert overlap_of(substance_misuse[0], mental_health[0], first, last) == expected
    assert mutual_intervals([*substance_misuse, *mental_health], MARCH) == _runs(
        _days_open(mental_health, MARCH.first_day, MARCH.last_day)
        & _days_open(substance_misuse, MARCH.first_day, MARCH.last_day)
    )


@settings(max_examples=400, deadline=None)
@given(
    _episodes(Service.MENTAL_HEALTH),
    st.booleans(),
    st.lists(st.integers(0, 20), max_size=4),
    st.integers(-30, 60),
    st.integers(0, 70),
)
def test_an_episodes_days_merged_as_they_come_are_the_days_open(episodes, in_order, chain, start, length):
    """`clipped_intervals` merges the episodes as they come when each starts on or after the last
    run's start (most clients: recorded one after another), else all at the end: the days on which
    one of them is open, counted day by day, in whatever order they come, and for a chain of
    episodes each starting the day after (or some days after) the one before ends."""
    first = date(2026, 3, 1) + timedelta(days=start)
    last = first + timedelta(days=length)
    if in_order:
        episodes = sorted(episodes, key=lambda e: e.start_date)
    day = date(2026, 2, 20)
    for gap in chain:
        ends = day + timedelta(days=gap * 3)
        episodes.append(mh(day.isoformat(), ends.isoformat()))
        day = ends + timedelta(days=1 + gap % 3)
    assert clipped_intervals(episodes, first, last) == _runs(_days_open(episodes, first, last))
