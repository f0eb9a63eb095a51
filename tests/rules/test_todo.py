"""The month's work list (SPEC §6): not yet jointly worked and due by the last mutual day, at
risk next month, missed joint appointments. Dates worked by hand at the window's edges: the
default window is 90 days, so the window ending 31 Jan 2027 starts on 3 Nov 2026 (31 + 31 + 28
days), the one ending 28 Feb 2026 on 1 Dec 2025 (28 + 31 + 31), the one ending 29 Feb 2028 on
2 Dec 2027 (29 + 31 + 30)."""

from __future__ import annotations

from datetime import date

import pytest

from ddcase.domain import ContactKind, ContactMode, Criterion, Definition, Outcome
from ddcase.rules.figures import month_figures
from ddcase.rules.todo import work_list
from tests.rules.builders import (
    DEFAULT,
    a_client,
    a_contact,
    a_history,
    a_jointly_worked_history,
    a_liaison,
    a_month,
    mh,
    sm,
)

JC, LIAISON, CONSENT = Criterion.JOINT_CONTACT, Criterion.LIAISON, Criterion.CONSENT


def the_list(month, histories, definition=DEFAULT, next_definition=DEFAULT, coordinator=None, team=None):
    figures = month_figures(histories, a_month(month), definition, team)
    return work_list(figures, {h.client.client_ref: h for h in histories}, next_definition, coordinator)


def not_yet_of(month, histories, **kw):
    return [(n.client_ref, n.missing, n.due) for n in the_list(month, histories, **kw).not_yet]


# --- not yet: due by the last mutual day ------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "due"),
    [
        ("2026-12", date(2026, 12, 31)),  # a month of 31 days
        ("2026-02", date(2026, 2, 28)),  # of 28
        ("2028-02", date(2028, 2, 29)),  # 29 February
        ("2026-11", date(2026, 11, 30)),
    ],
)
def test_with_both_episodes_open_the_criteria_are_due_by_the_months_last_day(month, due):
    history = a_history(contacts=[])  # open to both since 2025, no contacts
    assert not_yet_of(month, [history]) == [("C001", (JC, LIAISON), due)]


@pytest.mark.parametrize(
    ("sm_end", "due"),
    [
        ("2026-12-20", date(2026, 12, 20)),  # the episode's last day is the last mutual day
        ("2026-12-30", date(2026, 12, 30)),
        ("2026-12-31", date(2026, 12, 31)),  # ending on the month's last day: the month's end
        ("2027-01-01", date(2026, 12, 31)),  # ending the day after: the month's end
    ],
)
def test_an_episode_due_to_end_brings_the_due_day_forward_to_the_last_mutual_day(sm_end, due):
    history = a_history(episodes=[mh("2025-01-01"), sm("2025-01-01", sm_end)], contacts=[])
    assert not_yet_of("2026-12", [history]) == [("C001", (JC, LIAISON), due)]


def test_a_mental_health_episode_ending_counts_as_much_as_a_substance_misuse_one():
    history = a_history(episodes=[mh("2025-01-01", "2026-02-14"), sm("2025-01-01")], contacts=[])
    assert not_yet_of("2026-02", [history]) == [("C001", (JC, LIAISON), date(2026, 2, 14))]


def test_the_list_is_sorted_by_due_day_then_reference_and_holds_only_those_not_jointly_worked():
    dec = a_month("2026-12")
    histories = [
        a_history(a_client("C3"), [mh("2025-01-01", ref="C3"), sm("2025-01-01", ref="C3")], []),
        a_history(a_client("C2"), [mh("2025-01-01", ref="C2"), sm("2025-01-01", "2026-12-18", ref="C2")], []),
        a_history(a_client("C1", consent_on=None), [mh("2025-01-01", ref="C1"), sm("2025-01-01", ref="C1")]),
        a_jointly_worked_history(dec, "C0"),
        # Mutual for 13 days only: excluded from the month, so not on the list.
        a_history(a_client("C4"), [mh("2025-01-01", ref="C4"), sm("2026-12-19", ref="C4")], []),
    ]
    assert not_yet_of("2026-12", histories) == [
        ("C2", (JC, LIAISON), date(2026, 12, 18)),
        ("C1", (CONSENT, JC, LIAISON), date(2026, 12, 31)),
        ("C3", (JC, LIAISON), date(2026, 12, 31)),
    ]


def test_a_coordinators_list_holds_their_clients_only():
    dec = a_month("2026-12")
    ann = a_history(a_client("C1"), [mh("2025-01-01", ref="C1"), sm("2025-01-01", ref="C1")], [])
    bob = a_history(
        a_client("C2"), [mh("2025-01-01", ref="C2", worker="Bob"), sm("2025-01-01", ref="C2")], []
    )
    assert [n.client_ref for n in the_list("2026-12", [ann, bob], coordinator="Bob").not_yet] == ["C2"]
    assert [n.client_ref for n in the_list("2026-12", [ann, bob]).not_yet] == ["C1", "C2"]
    assert the_list("2026-12", [ann, bob], coordinator="Bob").coordinator == "Bob"
    assert the_list(str(dec), [ann, bob]).month == dec


# --- at risk next month -------------------------------------------------------------------------


def at_risk_of(month, last_joint, *, next_definition=DEFAULT, more=()):
    """A client jointly worked in `month` (a joint appointment on `last_joint`, a liaison call on
    the month's first day): the at-risk entries as (needs, by, last_joint)."""
    m = a_month(month)
    history = a_jointly_worked_history(m, contacts=[a_contact(last_joint), a_liaison(m.first_day), *more])
    result = the_list(month, [history], next_definition=next_definition)
    assert result.not_yet == ()
    return [(r.client_ref, r.needs, r.by, r.last_joint) for r in result.at_risk_next_month]


@pytest.mark.parametrize(
    ("month", "window_first", "by"),
    [
        ("2026-12", "2026-11-03", date(2027, 1, 31)),  # next month of 31 days, across New Year
        ("2026-01", "2025-12-01", date(2026, 2, 28)),  # next month of 28 days
        ("2028-01", "2027-12-02", date(2028, 2, 29)),  # next month ends on 29 February
        ("2028-02", "2028-01-02", date(2028, 3, 31)),  # this month ends on 29 February
    ],
)
def test_a_joint_appointment_on_next_months_window_first_day_keeps_the_client_safe(month, window_first, by):
    first = date.fromisoformat(window_first)
    assert at_risk_of(month, first) == []
    the_day_before = date.fromordinal(first.toordinal() - 1)
    assert at_risk_of(month, the_day_before) == [("C001", JC, by, the_day_before)]


def test_the_last_joint_contact_is_the_latest_counting_one():
    late_but_missed = a_contact("2026-11-20", outcome=Outcome.DID_NOT_ATTEND)
    by_email = a_contact("2026-11-25", mode=ContactMode.EMAIL)
    assert at_risk_of("2026-12", "2026-10-14", more=[late_but_missed, by_email]) == [
        ("C001", JC, date(2027, 1, 31), date(2026, 10, 14))
    ]


def test_next_months_definition_judges_next_month():
    assert at_risk_of("2026-12", "2026-10-14", next_definition=Definition(joint_contact=False)) == []
    longer = Definition(version=2, joint_contact_window_days=120)
    assert at_risk_of("2026-12", "2026-10-14", next_definition=longer) == []
    two = Definition(version=2, joint_contacts_min=2)
    assert at_risk_of("2026-12", "2026-12-01", next_definition=two) == [
        ("C001", JC, date(2027, 1, 31), date(2026, 12, 1))
    ]


def test_a_contact_already_booked_next_month_counts():
    assert at_risk_of("2026-12", "2026-10-14", more=[a_contact("2027-01-10")]) == []


def test_only_clients_jointly_worked_this_month_can_be_at_risk():
    history = a_history(contacts=[a_contact("2026-10-14")])  # no liaison in December
    result = the_list("2026-12", [history])
    assert [n.client_ref for n in result.not_yet] == ["C001"]
    assert result.at_risk_next_month == ()


# --- missed joint appointments -------------------------------------------------------------------


def missed_of(month, contacts):
    history = a_history(contacts=contacts)
    return [(m.client_ref, m.date, m.followed_up) for m in the_list(month, [history]).missed_appointments]


def test_missed_joint_appointments_within_the_window_are_listed_with_their_follow_up():
    dna = Outcome.DID_NOT_ATTEND
    contacts = [
        a_contact("2026-10-02", outcome=dna),  # the day before December's window: not listed
        a_contact("2026-10-03", outcome=dna),  # its first day; followed up on 5 Oct
        a_liaison("2026-10-05"),
        a_contact("2026-12-10", ContactKind.CARE_PLAN_REVIEW, outcome=dna),  # followed up the same day
        a_liaison("2026-12-10"),
        a_contact("2026-12-31", outcome=dna),  # the month's last day, not followed up
        a_contact("2026-12-20", outcome=Outcome.CANCELLED),  # cancelled, not missed
        a_contact("2026-12-21", ContactKind.LIAISON, outcome=dna),  # not a joint appointment
    ]
    assert missed_of("2026-12", contacts) == [
        ("C001", date(2026, 10, 3), True),
        ("C001", date(2026, 12, 10), True),
        ("C001", date(2026, 12, 31), False),
    ]


def test_a_missed_appointment_is_not_followed_up_by_another_miss_or_an_email():
    dna = Outcome.DID_NOT_ATTEND
    contacts = [
        a_contact("2027-02-01", outcome=dna),
        a_contact("2027-02-08", outcome=dna),
        a_liaison("2027-02-09", ContactMode.EMAIL),
    ]
    assert missed_of("2027-02", contacts) == [
        ("C001", date(2027, 2, 1), False),
        ("C001", date(2027, 2, 8), False),
    ]


def test_with_joint_contact_judged_from_next_month_only_a_client_with_none_needs_one():
    """December judged without joint_contact, January with it: a client with a liaison call only
    is jointly worked now and at risk, with no joint contact on record."""
    dec = a_month("2026-12")
    history = a_jointly_worked_history(dec, contacts=[a_liaison("2026-12-01")])
    result = the_list("2026-12", [history], definition=Definition(joint_contact=False))
    assert result.not_yet == ()
    [risk] = result.at_risk_next_month
    assert (risk.needs, risk.by, risk.last_joint) == (JC, date(2027, 1, 31), None)
    assert risk.advice() == "No joint contact on record: book one by 31 Jan 2027"


def test_the_advice_names_the_last_joint_contact_and_the_day_to_book_by():
    [risk] = the_list(
        "2026-12",
        [
            a_jointly_worked_history(
                a_month("2026-12"), contacts=[a_contact("2026-10-14"), a_liaison("2026-12-01")]
            )
        ],
    ).at_risk_next_month
    assert risk.advice() == "Last joint contact 14 Oct 2026: book one by 31 Jan 2027"
