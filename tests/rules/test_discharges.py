"""The discharge guard (issue 17): what a discharge is, when the other service counts as
involved, and the monthly measure, at the edges (the 30-day window, a change of worker, month ends)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddcase.domain import ContactKind, ContactMode, Definition, EpisodeFact, EpisodeLine, Month, Outcome
from ddcase.rules.discharges import (
    discharge_of,
    guarded_discharge,
    guarded_endings,
    is_discharge,
    monthly_series,
)
from tests.rules.builders import a_contact, mh, sm

DEFS = [Definition()]


def _with(contact, **workers):  # type: ignore[no-untyped-def]
    return replace(contact, **workers)


def test_an_ending_with_no_next_episode_of_the_side_is_a_discharge():
    ended = sm("2026-01-01", "2026-03-10")
    assert is_discharge(ended, [ended, mh("2026-01-01")])


def test_a_change_of_worker_is_not_a_discharge():
    ended = sm("2026-01-01", "2026-03-10", worker="Kim")
    assert not is_discharge(ended, [ended, sm("2026-03-11", worker="Lee"), mh("2026-01-01")])


def test_an_open_episode_is_not_a_discharge():
    assert not is_discharge(sm("2026-01-01"), [sm("2026-01-01")])


def test_a_discharge_while_the_other_side_is_closed_is_not_guarded():
    ended = sm("2026-01-01", "2026-03-10")
    assert guarded_discharge(ended, [ended, mh("2026-01-01", "2026-03-09")], [], DEFS) is None


def test_the_other_side_ending_the_same_day_is_still_open_on_it():
    ended = sm("2026-01-01", "2026-03-10")
    found = guarded_discharge(ended, [ended, mh("2026-01-01", "2026-03-10")], [], DEFS)
    assert found is not None and found.flagged


@pytest.mark.parametrize(
    ("on", "involved"),
    [
        ("2026-03-10", True),  # the end day itself
        ("2026-02-09", True),  # the 30th day back: 10 Mar - 29 days
        ("2026-02-08", False),  # 31 days up to the end
        ("2026-03-11", False),  # after the end
    ],
)
def test_a_contact_with_the_other_sides_worker_in_the_30_days_up_to_the_end_involves_it(on, involved):
    ended = sm("2026-01-01", "2026-03-10")
    contact = _with(a_contact(on, ContactKind.LIAISON, ContactMode.TELEPHONE), mh_worker="Ann")
    found = guarded_discharge(ended, [ended, mh("2026-01-01")], [contact], DEFS)
    assert found is not None
    assert found.involved is involved
    assert found.other_worker == "Ann" and found.team == "North"


def test_a_contact_naming_only_the_discharging_sides_worker_does_not_involve_the_other():
    ended = sm("2026-01-01", "2026-03-10")
    contact = _with(a_contact("2026-03-01"), sm_worker="Kim")
    found = guarded_discharge(ended, [ended, mh("2026-01-01")], [contact], DEFS)
    assert found is not None and found.flagged


@pytest.mark.parametrize(
    ("outcome", "mode", "written_count", "involved"),
    [
        (Outcome.DID_NOT_ATTEND, ContactMode.FACE_TO_FACE, False, False),
        (Outcome.ATTENDED, ContactMode.EMAIL, False, False),
        (Outcome.ATTENDED, ContactMode.EMAIL, True, True),
    ],
)
def test_only_a_counting_contact_involves_the_other_service(outcome, mode, written_count, involved):
    ended = mh("2026-01-01", "2026-03-10")
    contact = _with(a_contact("2026-03-05", ContactKind.LIAISON, mode, outcome), sm_worker="Kim")
    found = guarded_discharge(
        ended, [ended, sm("2026-01-01")], [contact], [Definition(written_contacts_count=written_count)]
    )
    assert found is not None
    assert found.involved is involved
    assert found.other_worker == "Kim" and found.team == "North"


def test_a_reason_given_involves_the_other_service_but_blank_is_no_reason():
    ended = sm("2026-01-01", "2026-03-10")
    episodes = [ended, mh("2026-01-01")]
    assert guarded_discharge(ended, episodes, [], DEFS, reason="Agreed at the MDT on 9 March").involved
    assert guarded_discharge(ended, episodes, [], DEFS, reason="   ").flagged


def test_the_monthly_measure_counts_discharges_by_their_end_month():
    # Hand-worked: 31 Jan flagged, 1 Feb involved (reason), 28 Feb flagged, 1 Mar involved (contact);
    # a change of worker on 15 Feb and a discharge with the other side closed are not counted.
    found = []
    for ref, end, reason, contact_on in [
        ("A", "2026-01-31", None, None),
        ("B", "2026-02-01", "told the CMHT by phone", None),
        ("C", "2026-02-28", None, "2026-01-28"),  # 32 days before: too early
        ("D", "2026-03-01", None, "2026-02-01"),  # the 29th day back
    ]:
        ended = sm("2025-06-01", end, ref=ref)
        contacts = []
        if contact_on:
            contacts = [_with(a_contact(contact_on, ref=ref), mh_worker="Ann")]
        discharge = guarded_discharge(ended, [ended, mh("2025-06-01", ref=ref)], contacts, DEFS, reason)
        assert discharge is not None
        found.append(discharge)
    months = [Month.parse(m) for m in ("2026-01", "2026-02", "2026-03", "2026-04")]
    series = monthly_series(found, months, today=date(2026, 4, 10))
    assert [(r.numerator, r.denominator, r.provisional) for r in series] == [
        (0, 1, False),
        (1, 2, False),
        (1, 1, False),
        (0, 0, True),
    ]


# ---------------------------------------------- the guard on plain tuples (issue 18)


def _lines(episodes):  # type: ignore[no-untyped-def]
    return [EpisodeLine(*(getattr(e, name) for name in EpisodeLine._fields)) for e in episodes]


def assert_lines_judged_as_episodes(episodes, contacts, first: date, last: date) -> int:  # type: ignore[no-untyped-def]
    """The guard judges a client's episodes read as `EpisodeLine`s (`discharge_notes.
    ending_histories`, an `Episode` made only of each discharge) exactly as the `Episode`s."""
    lines = _lines(episodes)
    assert [line.episode() for line in lines] == episodes
    assert [line.fact() for line in lines] == [EpisodeFact.of(e) for e in episodes]
    found = guarded_endings(episodes, first, last)
    assert [line.episode() for line in guarded_endings(lines, first, last)] == found
    for episode in found:
        assert discharge_of(episode, lines, contacts, DEFS[0], " why ") == discharge_of(
            episode, episodes, contacts, DEFS[0], " why "
        )
        assert discharge_of(episode, lines, contacts, DEFS[0]) == guarded_discharge(
            episode, episodes, contacts, DEFS
        )
    return len(found)


def test_the_guard_reads_plain_tuples_as_episodes_hand_worked():
    # The MH episode ends 10 Mar while SM is open (a discharge, its team and the key worker
    # from the episodes open then); the SM episode's worker changes on 1 Feb (no discharge);
    # a second MH episode ended 1 Jan is outside the range; the call on 1 Mar names the key
    # worker (involved).
    episodes = [
        replace(mh("2025-06-01", "2026-01-01", team="South CMHT"), id=1),
        replace(mh("2026-01-05", "2026-03-10", team="North CMHT", worker="Ann"), id=2),
        replace(sm("2026-01-05", "2026-01-31", worker="Kim"), id=3),
        replace(sm("2026-02-01", worker="Lee"), id=4),
    ]
    call = _with(a_contact("2026-03-01"), sm_worker="Lee")
    assert assert_lines_judged_as_episodes(episodes, [call], date(2026, 1, 2), date(2026, 3, 31)) == 1
    [found] = guarded_endings(_lines(episodes), date(2026, 1, 2), date(2026, 3, 31))
    made = discharge_of(found.episode(), _lines(episodes), [call], DEFS[0])
    assert (made.episode.id, made.team, made.other_worker, made.contact) == (2, "North CMHT", "Lee", call)


_DAY0 = date(2026, 1, 1)
_episode = st.tuples(
    st.sampled_from(["MH", "SM"]),
    st.sampled_from(["ELFT", "CNWL"]),
    st.integers(0, 40),  # start, days after 1 Jan
    st.one_of(st.none(), st.integers(-1, 90)),  # days it lasts (None: open; -1: ends before it starts)
    st.sampled_from([None, "North CMHT", "South CMHT"]),
    st.sampled_from([None, "", "Ann", "Kim"]),
)


@settings(max_examples=300, deadline=None)
@given(
    made=st.lists(_episode, min_size=2, max_size=6),
    calls=st.lists(st.tuples(st.integers(0, 150), st.booleans(), st.booleans()), max_size=4),
    first=st.integers(0, 60),
    days=st.integers(0, 90),
)
def test_the_guard_reads_plain_tuples_as_episodes(made, calls, first, days):
    episodes = []
    for n, (side, org, start, lasts, team, worker) in enumerate(made, start=1):
        begun = _DAY0 + timedelta(days=start)
        end = None if lasts is None else begun + timedelta(days=lasts)
        build = mh if side == "MH" else sm
        episodes.append(build(begun, end, organisation=org, team=team, worker=worker))
        episodes[-1] = replace(episodes[-1], id=n)
    contacts = [
        _with(
            a_contact(_DAY0 + timedelta(days=on)),
            mh_worker="Ann" if to_mh else None,
            sm_worker="Kim" if to_sm else None,
        )
        for on, to_mh, to_sm in calls
    ]
    start = _DAY0 + timedelta(days=first)
    assert_lines_judged_as_episodes(episodes, contacts, start, start + timedelta(days=days))
