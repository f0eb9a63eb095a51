"""The discharge guard (issue 17): what a discharge is, when the other service counts as
involved, and the monthly measure, at the edges (the 30-day window, a change of worker, month ends)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from ddcase.domain import ContactKind, ContactMode, Definition, Month, Outcome
from ddcase.rules.discharges import guarded_discharge, is_discharge, monthly_series
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
