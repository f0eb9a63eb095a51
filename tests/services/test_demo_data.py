"""The synthetic demo team: valid, consistent, deterministic, and shaped like a QI project."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddcase.domain import (
    ContactKind,
    ContactMode,
    Criterion,
    Definition,
    ExclusionReason,
    Month,
    Outcome,
    ReferralRoute,
    Role,
    Service,
)
from ddcase.domain.validation import (
    check_client,
    check_contact,
    check_episode,
    check_worker,
    nhs_number_is_valid,
)
from ddcase.rules.figures import ClientHistory, MonthFigures, month_figures
from ddcase.services.demo_data import PROVIDERS, TEAMS, TRUST, DemoData, generate

TODAY = date(2026, 11, 22)
MONTHS = 24


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return generate(1, TODAY)


def histories(data: DemoData) -> list[ClientHistory]:
    episodes = defaultdict(list)
    contacts = defaultdict(list)
    for e in data.episodes:
        episodes[e.client_ref].append(e)
    for c in data.contacts:
        contacts[c.client_ref].append(c)
    return [
        ClientHistory(c, tuple(episodes[c.client_ref]), tuple(contacts[c.client_ref])) for c in data.clients
    ]


@pytest.fixture(scope="module")
def figures(demo: DemoData) -> list[MonthFigures]:
    """The figure for each of the 24 months, oldest first; the last is the partial current month."""
    client_histories = histories(demo)
    current = Month.of(TODAY)
    return [
        month_figures(client_histories, current.plus(i - (MONTHS - 1)), Definition()) for i in range(MONTHS)
    ]


def all_dates(data: DemoData) -> list[date]:
    dates: list[date] = []
    for c in data.clients:
        dates += [d for d in (c.date_of_birth, c.consent_to_share_on) if d is not None]
    for e in data.episodes:
        dates += [d for d in (e.start_date, e.end_date) if d is not None]
    dates += [c.date for c in data.contacts]
    return dates


def problems_in(data: DemoData, today: date) -> list[str]:
    found: list[str] = []
    for w in data.workers:
        found += [f"{w.name}: {p}" for p in check_worker(w)]
    for c in data.clients:
        found += [f"{c.client_ref}: {p}" for p in check_client(c, today)]
    for e in data.episodes:
        found += [f"{e.client_ref} episode: {p}" for p in check_episode(e, today)]
    for c in data.contacts:
        found += [f"{c.client_ref} contact: {p}" for p in check_contact(c, today)]
    return found


def integrity_problems(data: DemoData) -> list[str]:
    """Episode and contact workers must be known workers of the right side (and organisation)."""
    found: list[str] = []
    by_side = {(w.service, w.name): w for w in data.workers}
    refs = {c.client_ref for c in data.clients}
    for e in data.episodes:
        if e.client_ref not in refs:
            found.append(f"episode of unknown client {e.client_ref}")
        if e.worker is not None:
            worker = by_side.get((e.service, e.worker))
            if worker is None or worker.organisation != e.organisation:
                found.append(f"{e.client_ref}: {e.worker} is not a {e.service} worker of {e.organisation}")
    for c in data.contacts:
        if c.client_ref not in refs:
            found.append(f"contact of unknown client {c.client_ref}")
        if c.mh_worker is not None and (Service.MENTAL_HEALTH, c.mh_worker) not in by_side:
            found.append(f"{c.client_ref}: unknown mh_worker {c.mh_worker}")
        if c.sm_worker is not None and (Service.SUBSTANCE_MISUSE, c.sm_worker) not in by_side:
            found.append(f"{c.client_ref}: unknown sm_worker {c.sm_worker}")
    return found


# --- determinism -----------------------------------------------------------------------------------


def test_the_same_seed_gives_identical_data(demo: DemoData) -> None:
    assert generate(1, TODAY) == demo


def test_different_seeds_give_different_data(demo: DemoData) -> None:
    other = generate(2, TODAY)
    assert other.clients != demo.clients
    assert other.contacts != demo.contacts


def test_generate_does_not_touch_the_global_random_generator() -> None:
    import random

    random.seed(123)
    expected = random.random()
    random.seed(123)
    generate(5, TODAY, clients=20, months=6)
    assert random.random() == expected


# --- validity and integrity ------------------------------------------------------------------------


def test_every_value_passes_the_domain_validation(demo: DemoData) -> None:
    assert problems_in(demo, TODAY) == []


def test_episode_and_contact_workers_exist_on_the_right_side(demo: DemoData) -> None:
    assert integrity_problems(demo) == []


def test_workers_are_unique_by_side_and_name(demo: DemoData) -> None:
    keys = [(w.service, w.name) for w in demo.workers]
    assert len(keys) == len(set(keys))


def test_nothing_is_dated_after_today(demo: DemoData) -> None:
    assert max(all_dates(demo)) <= TODAY


def test_no_episode_ends_before_it_starts(demo: DemoData) -> None:
    assert all(e.end_date is None or e.end_date >= e.start_date for e in demo.episodes)


def test_a_change_of_worker_ends_one_episode_and_starts_the_next_the_day_after(demo: DemoData) -> None:
    chains = defaultdict(list)
    for e in demo.episodes:
        chains[(e.client_ref, e.service)].append(e)
    reallocations = 0
    for chain in chains.values():
        chain.sort(key=lambda e: e.start_date)
        assert all(e.end_date is not None for e in chain[:-1])
        for old, new in pairwise(chain):
            assert new.start_date == old.end_date + timedelta(days=1)
            reallocations += 1
    assert reallocations > 100


def test_contacts_are_not_duplicated(demo: DemoData) -> None:
    keys = [c.match_key() for c in demo.contacts]
    assert len(keys) == len(set(keys))


# --- the team --------------------------------------------------------------------------------------


def test_three_cmhts_of_the_trust_with_about_fifteen_care_coordinators(demo: DemoData) -> None:
    coordinators = [w for w in demo.workers if w.role is Role.CARE_COORDINATOR]
    assert 12 <= len(coordinators) <= 18
    assert all(w.service is Service.MENTAL_HEALTH and w.organisation == TRUST for w in coordinators)
    mh_episodes = [e for e in demo.episodes if e.service is Service.MENTAL_HEALTH]
    assert {e.team for e in mh_episodes} == set(TEAMS)
    assert {e.organisation for e in mh_episodes} == {TRUST}


def test_two_providers_with_about_ten_key_workers_and_a_manager_or_two(demo: DemoData) -> None:
    key_workers = [w for w in demo.workers if w.role is Role.KEY_WORKER]
    assert 8 <= len(key_workers) <= 12
    assert all(w.service is Service.SUBSTANCE_MISUSE for w in key_workers)
    assert {w.organisation for w in key_workers} == set(PROVIDERS)
    sm_episodes = [e for e in demo.episodes if e.service is Service.SUBSTANCE_MISUSE]
    assert {e.organisation for e in sm_episodes} == set(PROVIDERS)
    assert all(e.team is None for e in sm_episodes)
    assert 1 <= sum(1 for w in demo.workers if w.role is Role.MANAGER) <= 3


def test_contact_details_are_synthetic(demo: DemoData) -> None:
    for w in demo.workers:
        assert w.email is not None and w.email.endswith(".example")
        assert w.phone is not None and re.fullmatch(r"01632 960\d{3}|07700 900\d{3}", w.phone)
    phones = [w.phone for w in demo.workers]
    assert len(phones) == len(set(phones))


# --- clients ---------------------------------------------------------------------------------------


def test_about_the_requested_number_of_clients_with_unique_refs(demo: DemoData) -> None:
    refs = [c.client_ref for c in demo.clients]
    assert len(refs) == 300
    assert len(set(refs)) == 300
    assert all(re.fullmatch(r"RT\d{6}", r) for r in refs)


def test_nhs_numbers_are_valid_and_from_the_never_issued_test_range(demo: DemoData) -> None:
    numbers = [c.nhs_number for c in demo.clients if c.nhs_number is not None]
    assert len(numbers) > 250
    assert len(numbers) == len(set(numbers))
    assert all(nhs_number_is_valid(n) and n.startswith("999") for n in numbers)


def test_clients_are_adults_aged_18_to_75(demo: DemoData) -> None:
    for c in demo.clients:
        if c.date_of_birth is None:
            continue
        age = (
            TODAY.year
            - c.date_of_birth.year
            - ((TODAY.month, TODAY.day) < (c.date_of_birth.month, c.date_of_birth.day))
        )
        assert 18 <= age <= 75, c
        first_open = min(e.start_date for e in demo.episodes if e.client_ref == c.client_ref)
        assert (first_open - c.date_of_birth).days >= 18 * 365, c


def test_ethnicity_includes_not_stated_and_missing(demo: DemoData) -> None:
    codes = [c.ethnicity for c in demo.clients]
    assert "Z" in codes and None in codes
    assert len({c for c in codes if c}) >= 8


def test_referral_routes_are_spread(demo: DemoData) -> None:
    routes = [c.referral_route for c in demo.clients]
    assert all(routes.count(r) >= 10 for r in ReferralRoute)


def test_consent_is_recorded_for_most_but_not_all(demo: DemoData) -> None:
    consented = sum(1 for c in demo.clients if c.consent_to_share_on is not None)
    assert 0.6 * len(demo.clients) <= consented < len(demo.clients)


# --- contacts --------------------------------------------------------------------------------------


def test_every_kind_mode_and_outcome_occurs(demo: DemoData) -> None:
    assert {c.kind for c in demo.contacts} == set(ContactKind)
    assert {c.mode for c in demo.contacts} == set(ContactMode)
    assert {c.outcome for c in demo.contacts} == set(Outcome)
    attended = sum(1 for c in demo.contacts if c.outcome is Outcome.ATTENDED)
    assert attended > 0.8 * len(demo.contacts)
    assert {c.client_present for c in demo.contacts} >= {True, False}


def test_notes_are_short_and_administrative(demo: DemoData) -> None:
    notes = {c.note for c in demo.contacts if c.note}
    assert "Joint review booked" in notes
    assert all(len(n) <= 60 for n in notes)


def test_the_current_month_has_contacts_up_to_today_only(demo: DemoData) -> None:
    this_month = [c.date for c in demo.contacts if Month.of(c.date) == Month.of(TODAY)]
    assert this_month
    assert max(this_month) <= TODAY


# --- the figures -----------------------------------------------------------------------------------


def test_100_to_180_mutual_clients_each_month(figures: list[MonthFigures]) -> None:
    assert all(100 <= f.mutual_clients <= 180 for f in figures), [f.mutual_clients for f in figures]


def test_the_percentage_rises_after_the_change_idea(figures: list[MonthFigures]) -> None:
    percentages = [f.percentage for f in figures]
    assert None not in percentages
    first = sum(percentages[:3]) / 3
    last_complete = sum(percentages[-4:-1]) / 3
    assert 5 <= first <= 25
    assert 40 <= percentages[-2] <= 70
    assert last_complete >= first + 25


def test_the_percentage_is_noisy_not_a_straight_line(figures: list[MonthFigures]) -> None:
    percentages = [f.percentage for f in figures[:-1]]
    falls = sum(1 for a, b in pairwise(percentages) if b < a)
    assert falls >= 3


def test_every_criterion_fails_for_some_mutual_client_in_the_last_complete_month(
    figures: list[MonthFigures],
) -> None:
    reasons = dict(figures[-2].reasons())
    assert all(reasons.get(c, 0) >= 1 for c in Criterion), reasons


def test_some_clients_are_excluded_for_a_short_overlap(figures: list[MonthFigures]) -> None:
    excluded = [c for f in figures for c in f.excluded]
    assert excluded
    assert {c.excluded for c in excluded} == {ExclusionReason.SHORT_OVERLAP}


# --- any size, any day -----------------------------------------------------------------------------


@pytest.mark.parametrize("today", [date(2028, 2, 29), date(2027, 1, 31), date(2026, 12, 1), date(2030, 3, 1)])
def test_a_small_demo_on_awkward_days_is_valid(today: date) -> None:
    data = generate(7, today, clients=40, months=6)
    assert len(data.clients) == 40
    assert problems_in(data, today) == []
    assert integrity_problems(data) == []
    assert max(all_dates(data)) <= today


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    today=st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)),
    clients=st.integers(min_value=1, max_value=30),
    months=st.integers(min_value=1, max_value=36),
)
def test_any_demo_is_valid_and_nothing_is_after_today(
    seed: int, today: date, clients: int, months: int
) -> None:
    data = generate(seed, today, clients=clients, months=months)
    assert len(data.clients) == clients
    assert problems_in(data, today) == []
    assert integrity_problems(data) == []
    assert max(all_dates(data)) <= today


def test_contacts_fall_on_working_days(demo: DemoData) -> None:
    assert all(c.date.weekday() < 5 for c in demo.contacts)
