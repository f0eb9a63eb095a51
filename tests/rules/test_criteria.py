"""The criteria of the operational definition (SPEC §2), as the criteria table declares them and
`evaluate` judges them, and which contacts count (SPEC §1 "counting contact")."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddcase.domain import ContactKind, ContactMode, Criterion, Definition, EpisodeFact, Outcome, Service
from ddcase.rules import criteria
from ddcase.rules.figures import MonthRule, evaluate
from tests.rules.builders import DEFAULT, a_client, a_contact, a_history, a_liaison, a_month, day, mh, sm

MARCH = a_month("2026-03")
K = ContactKind
M = ContactMode
ALWAYS_OPEN = [mh("2020-01-01"), sm("2020-01-01")]


def holds(criterion, month, definition=DEFAULT, *, contacts=(), consent_on="2020-01-01"):
    """Whether `criterion` holds in `month` for a client open to both services throughout."""
    history = a_history(a_client(consent_on=consent_on), ALWAYS_OPEN, contacts)
    return evaluate(history, month, definition).holds(criterion)


def consent(consent_on, month):
    return holds(Criterion.CONSENT, month, consent_on=consent_on)


def joint_contact(contacts, month, definition):
    return holds(Criterion.JOINT_CONTACT, month, definition, contacts=contacts)


def liaison(contacts, month, definition):
    return holds(Criterion.LIAISON, month, definition, contacts=contacts)


def named_workers(episodes, on):
    return None not in criteria.named_workers_on(episodes, on)


# --- consent ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("consent_on", "holds"),
    [
        ("2020-01-01", True),
        ("2026-03-01", True),
        ("2026-03-31", True),  # the last day of M
        ("2026-04-01", False),  # the day after
        ("2026-12-31", False),
        (None, False),
    ],
)
def test_consent_on_or_before_the_last_day_of_the_month(consent_on, holds):
    assert consent(day(consent_on) if consent_on else None, MARCH) is holds


def test_consent_after_month_end_fails():
    result = evaluate(
        a_history(a_client(consent_on="2026-04-01"), contacts=[a_contact("2026-03-02")]), MARCH, DEFAULT
    )
    assert result.failed_criteria == (Criterion.CONSENT,)


def test_consent_recorded_in_february_of_a_leap_year_holds_for_february():
    assert consent(day("2024-02-29"), a_month("2024-02"))
    assert not consent(day("2024-03-01"), a_month("2024-02"))


# --- joint_contact: the 90-day window ----------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "contact_on", "counts"),
    [
        # March 2026: D = 31 March, D-89 = 1 January (31 + 28 + 31 = 90 days).
        ("2026-03", "2026-03-31", True),
        ("2026-03", "2026-01-01", True),
        ("2026-03", "2025-12-31", False),
        ("2026-03", "2026-04-01", False),  # after the month end
        ("2026-03", "2026-06-30", False),
        # January 2026, a window across New Year: D-89 = 3 November 2025 (28 + 31 + 31).
        ("2026-01", "2025-11-03", True),
        ("2026-01", "2025-11-02", False),
        ("2026-01", "2025-12-31", True),
        ("2026-01", "2026-02-01", False),
        # March 2024, across a leap day: D-89 = 2 January 2024 (30 + 29 + 31).
        ("2024-03", "2024-01-02", True),
        ("2024-03", "2024-01-01", False),
        ("2024-03", "2024-02-29", True),
        # March 2025 (no leap day): D-89 = 1 January 2025.
        ("2025-03", "2025-01-01", True),
        ("2025-03", "2024-12-31", False),
        # February 2024: D = 29 Feb, D-89 = 2 December 2023 (29 + 31 + 30).
        ("2024-02", "2023-12-02", True),
        ("2024-02", "2023-12-01", False),
    ],
)
def test_joint_contact_within_the_90_days_ending_on_the_last_day_of_the_month(month, contact_on, counts):
    assert joint_contact([a_contact(contact_on)], a_month(month), DEFAULT) is counts


@pytest.mark.parametrize(
    ("window", "contact_on", "counts"),
    [
        (1, "2026-03-31", True),
        (1, "2026-03-30", False),
        (31, "2026-03-01", True),
        (31, "2026-02-28", False),
        (365, "2025-04-01", True),
        (365, "2025-03-31", False),
    ],
)
def test_the_window_length_is_a_parameter(window, contact_on, counts):
    definition = Definition(joint_contact_window_days=window)
    assert joint_contact([a_contact(contact_on)], MARCH, definition) is counts


def test_no_contacts_fails_joint_contact_and_liaison():
    assert not joint_contact([], MARCH, DEFAULT)
    assert not liaison([], MARCH, DEFAULT)


@pytest.mark.parametrize(
    ("dates", "holds"),
    [
        (["2026-03-10"], False),
        (["2026-03-10", "2026-02-10"], True),
        (["2026-03-10", "2026-03-10"], True),  # two contacts on one day are two contacts
        (["2026-03-10", "2025-12-31"], False),  # the second is outside the window
        (["2026-03-10", "2026-04-01"], False),  # the second is after the month
    ],
)
def test_joint_contacts_min_two_needs_two(dates, holds):
    definition = Definition(joint_contacts_min=2)
    assert joint_contact([a_contact(d) for d in dates], MARCH, definition) is holds


# --- liaison: within M -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contact_on", "counts"),
    [
        ("2026-03-01", True),  # the 1st
        ("2026-03-31", True),
        ("2026-02-28", False),  # the last day of the previous month
        ("2026-04-01", False),
        ("2025-03-15", False),  # same month, a year earlier
    ],
)
def test_liaison_only_within_the_month(contact_on, counts):
    assert liaison([a_liaison(contact_on)], MARCH, DEFAULT) is counts


def test_liaison_on_the_29th_of_february_counts_in_a_leap_february():
    assert liaison([a_liaison("2024-02-29")], a_month("2024-02"), DEFAULT)
    assert not liaison([a_liaison("2024-02-29")], a_month("2024-03"), DEFAULT)


def test_liaison_contacts_min_two_needs_two():
    definition = Definition(liaison_contacts_min=2)
    assert not liaison([a_liaison("2026-03-05")], MARCH, definition)
    assert liaison([a_liaison("2026-03-05"), a_contact("2026-03-20")], MARCH, definition)


# --- which contacts count ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "for_joint_contact", "for_liaison"),
    [
        (K.JOINT_APPOINTMENT, True, True),
        (K.CARE_PLAN_REVIEW, True, True),
        (K.LIAISON, False, True),
        (K.INFORMATION_SHARED, False, False),
        (K.OTHER, False, False),
    ],
)
@pytest.mark.parametrize("written_contacts_count", [False, True])
def test_which_kinds_count_for_which_criterion(kind, for_joint_contact, for_liaison, written_contacts_count):
    definition = Definition(written_contacts_count=written_contacts_count)
    contact = a_contact("2026-03-10", kind, M.MEETING)
    assert joint_contact([contact], MARCH, definition) is for_joint_contact
    assert liaison([contact], MARCH, definition) is for_liaison


@pytest.mark.parametrize("kind", list(K))
@pytest.mark.parametrize("mode", list(M))
@pytest.mark.parametrize("outcome", [Outcome.DID_NOT_ATTEND, Outcome.CANCELLED])
def test_missed_and_cancelled_contacts_never_count(kind, mode, outcome):
    definition = Definition(written_contacts_count=True)
    contact = a_contact("2026-03-10", kind, mode, outcome)
    assert not criteria.is_counting(contact, definition)
    assert not joint_contact([contact], MARCH, definition)
    assert not liaison([contact], MARCH, definition)


@pytest.mark.parametrize(
    ("mode", "counts_by_default", "counts_when_written_count"),
    [
        (M.FACE_TO_FACE, True, True),
        (M.VIDEO, True, True),
        (M.TELEPHONE, True, True),
        (M.MEETING, True, True),
        (M.EMAIL, False, True),
        (M.LETTER, False, True),
    ],
)
def test_email_and_letter_count_only_when_written_contacts_count(
    mode, counts_by_default, counts_when_written_count
):
    contact = a_contact("2026-03-10", K.LIAISON, mode)
    assert liaison([contact], MARCH, DEFAULT) is counts_by_default
    assert liaison([contact], MARCH, Definition(written_contacts_count=True)) is counts_when_written_count
    joint = a_contact("2026-03-10", K.CARE_PLAN_REVIEW, mode)
    assert joint_contact([joint], MARCH, DEFAULT) is counts_by_default
    assert joint_contact([joint], MARCH, Definition(written_contacts_count=True)) is counts_when_written_count


def test_a_missed_joint_appointment_stays_in_the_log_but_does_not_make_the_client_jointly_worked():
    history = a_history(
        contacts=[a_contact("2026-03-10", outcome=Outcome.DID_NOT_ATTEND), a_liaison("2026-03-11")]
    )
    result = evaluate(history, MARCH, DEFAULT)
    assert result.failed_criteria == (Criterion.JOINT_CONTACT,)
    assert result.joint_contacts_in_window == 0
    assert result.liaison_contacts_in_month == 1
    assert result.last_joint_contact is None


def test_information_shared_by_letter_never_counts_even_when_written_contacts_count():
    letter = a_contact("2026-03-10", K.INFORMATION_SHARED, M.LETTER)
    for definition in (DEFAULT, Definition(written_contacts_count=True)):
        assert not joint_contact([letter], MARCH, definition)
        assert not liaison([letter], MARCH, definition)


def test_a_joint_appointment_counts_for_both_joint_contact_and_liaison():
    result = evaluate(a_history(contacts=[a_contact("2026-03-10")]), MARCH, DEFAULT)
    assert result.jointly_worked
    assert result.joint_contacts_in_window == 1
    assert result.liaison_contacts_in_month == 1
    assert result.last_joint_contact == day("2026-03-10")


def test_counts_report_what_was_seen_in_the_window_and_the_month():
    contacts = [
        a_contact("2026-01-15", K.CARE_PLAN_REVIEW),
        a_contact("2026-02-20"),
        a_liaison("2026-03-03"),
        a_liaison("2026-03-04", M.EMAIL),  # written: not counted
        a_contact("2026-03-05", outcome=Outcome.CANCELLED),
        a_contact("2026-04-02"),  # after the month
    ]
    result = evaluate(a_history(contacts=contacts), MARCH, DEFAULT)
    assert result.joint_contacts_in_window == 2
    assert result.liaison_contacts_in_month == 1
    assert result.last_joint_contact == day("2026-02-20")
    assert result.jointly_worked


# --- named_workers directly ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("episodes", "on", "holds"),
    [
        ([mh("2025-01-01"), sm("2025-01-01")], "2026-03-31", True),
        ([mh("2025-01-01", worker=None), sm("2025-01-01")], "2026-03-31", False),
        ([mh("2025-01-01"), sm("2025-01-01", worker=None)], "2026-03-31", False),
        ([mh("2025-01-01"), sm("2025-01-01", "2026-03-30")], "2026-03-31", False),  # not open that day
        ([mh("2025-01-01"), sm("2025-01-01", "2026-03-31")], "2026-03-31", True),  # open on its end date
        ([mh("2025-01-01"), mh("2025-01-01", worker="Bob")], "2026-03-31", False),  # both on one side
    ],
)
def test_named_workers_on_the_day(episodes, on, holds):
    assert named_workers(episodes, day(on)) is holds


def test_the_last_joint_contact_is_the_last_in_the_window_not_before_it():
    """SPEC §2's window is what the figures read: a joint appointment before it is not shown as the
    last joint contact, so the month reads the same however far back the contacts were loaded."""
    before_window = a_contact("2025-12-01")  # the 90-day window ending 31 March starts 1 January
    assert evaluate(a_history(contacts=[before_window]), MARCH, DEFAULT).last_joint_contact is None
    in_window = a_contact("2026-01-01")
    result = evaluate(a_history(contacts=[before_window, in_window]), MARCH, DEFAULT)
    assert result.last_joint_contact == day("2026-01-01")
    # A window shorter than the month: the month's own days still count.
    short = Definition(joint_contact_window_days=10)
    first_of_march = a_contact("2026-03-01")
    assert evaluate(a_history(contacts=[first_of_march]), MARCH, short).last_joint_contact == day(
        "2026-03-01"
    )


# --- the criteria table ------------------------------------------------------------------------


def test_the_table_declares_spec_s_criteria_in_order_each_with_its_definition_flag():
    assert [r.name for r in criteria.CRITERIA] == list(Criterion)
    for rule in criteria.CRITERIA:
        assert rule.flag == rule.name.value
        assert all(hasattr(DEFAULT, name) for name in (rule.flag, *rule.parameters))
        assert rule.label and rule.why_not
    some = Definition(consent=False, liaison=False)
    assert (
        MonthRule.of(MARCH, some).enabled
        == some.enabled()
        == (Criterion.NAMED_WORKERS, Criterion.JOINT_CONTACT)
    )


class MadeUp(StrEnum):
    INFORMATION_SHARED = "information_shared"


@dataclass(frozen=True, slots=True)
class WithInformationShared(Definition):
    """A definition with a made-up fifth criterion: information shared this month."""

    information_shared: bool = True
    information_shared_min: int = 1


@pytest.fixture
def information_shared(monkeypatch):
    """The made-up criterion added to the table: the whole of adding a criterion counted from
    contacts, bar the migration and the dialog's field."""
    rule = criteria.CriterionRule(
        MadeUp.INFORMATION_SHARED,
        "information_shared",
        ("information_shared_min",),
        "Information shared",
        "no information shared this month",
        criteria.ContactCount(frozenset({K.INFORMATION_SHARED}), "information_shared_min"),
    )
    monkeypatch.setattr(criteria, "CRITERIA", (*criteria.CRITERIA, rule))
    return WithInformationShared()


def test_a_made_up_criterion_added_to_the_table_is_judged_and_named(information_shared):
    worked = [a_contact("2026-03-10")]  # jointly worked by SPEC §2's four criteria
    result = evaluate(a_history(contacts=worked), MARCH, information_shared)
    assert result.failed_criteria == (MadeUp.INFORMATION_SHARED,)
    assert result.missing() == ("no information shared this month",)
    assert not result.jointly_worked
    shared = a_contact("2026-03-11", K.INFORMATION_SHARED, M.EMAIL)  # written: does not count
    assert evaluate(a_history(contacts=[*worked, shared]), MARCH, information_shared).failed_criteria
    shared = a_contact("2026-03-11", K.INFORMATION_SHARED, M.TELEPHONE)
    assert evaluate(a_history(contacts=[*worked, shared]), MARCH, information_shared).jointly_worked
    off = replace(information_shared, information_shared=False)
    assert evaluate(a_history(contacts=worked), MARCH, off).jointly_worked


def test_the_contact_form_and_the_figures_choose_the_same_speaking_episode():
    """Of two named episodes of one side started the same day, the last recorded speaks for it,
    in the figures (`judged`) and the contact form (`named_workers_on`) alike: one choice, `speakers`."""
    episodes = [mh("2025-01-01", worker="Dee"), mh("2025-01-01", worker="Ann"), sm("2025-01-01")]
    result = evaluate(a_history(episodes=episodes, contacts=[a_contact("2026-03-10")]), MARCH, DEFAULT)
    assert result.care_coordinator == "Ann"
    assert criteria.named_workers_on(episodes, MARCH.last_day) == ("Ann", "Kim")
    # A named episode speaks before a later-started unnamed one.
    episodes = [mh("2025-01-01", worker="Dee"), mh("2026-01-01", worker=" "), sm("2025-01-01")]
    assert criteria.named_workers_on(episodes, MARCH.last_day) == ("Dee", "Kim")


_WORKERS = st.sampled_from([None, "", "  ", "Ann", "Bob"])


@st.composite
def _two_episodes(draw: st.DrawFn) -> tuple[list[EpisodeFact], date]:
    """Two episodes (one a side, or both of one side), open or closed around a day in March."""
    episodes = []
    for _ in range(2):
        start = date(2026, 3, 1) + timedelta(days=draw(st.integers(-5, 40)))
        end = draw(st.none() | st.integers(0, 30).map(lambda n, s=start: s + timedelta(days=n)))
        service = draw(st.sampled_from(list(Service)))
        organisation = draw(st.sampled_from(["Trust", "Open Road"]))
        episodes.append(EpisodeFact(service, organisation, start, end, "North", draw(_WORKERS)))
    return episodes, date(2026, 3, 1) + timedelta(days=draw(st.integers(0, 40)))


@settings(max_examples=400, deadline=None)
@given(_two_episodes())
def test_the_speakers_of_two_episodes_are_those_of_the_plain_choice(drawn):
    """`speakers` answers a list or tuple of two episodes (one a side, the commonest client)
    without its loop: the same as the loop gives (an iterator goes through it)."""
    episodes, on = drawn
    expected = criteria.speakers(iter(episodes), on)
    assert criteria.speakers(episodes, on) == expected
    assert criteria.speakers(tuple(reversed(episodes)), on) == criteria.speakers(iter(episodes[::-1]), on)
