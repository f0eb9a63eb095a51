"""The coordinator's to-do list and the workers prefilled on the contact form, through the
services on a real database."""

from __future__ import annotations

from datetime import date

import pytest

from ddcase.domain import (
    Client,
    Contact,
    ContactKind,
    ContactMode,
    Criterion,
    Episode,
    Month,
    Role,
    Worker,
)
from tests.services.hand_worked import DNA, LI, MH, OCT, PHONE, SM, contact, mutual_client, workers


@pytest.fixture
def log(casework):
    """October 2026 (today is 22 Nov 2026: November is next month).
    - RT1 (Ann, Bob): a joint appointment on 5 Oct: jointly worked, and still in November's
      window (2 Sep .. 30 Nov).
    - RT2 (Ann, Bob): missed a joint appointment on 9 Oct, not followed up; the drug and alcohol
      episode ends on 24 Oct, so what is missing is due by then.
    - RT3 (Dee, Kay): missed one on 2 Oct, had one on 20 Oct: jointly worked, followed up.
    - RT4 (Dee, Kay, team South): no contacts at all.
    - RT9 (Ann, Bob): a joint appointment on 20 Aug (in October's window, 3 Aug .. 31 Oct, not in
      November's) and a liaison call on 10 Oct: jointly worked, at risk in November."""
    casework.save_worker(Worker("Ann", "ELFT", MH, Role.CARE_COORDINATOR, "ann@elft.nhs.uk", "020 7946 0001"))
    casework.save_worker(Worker("Bob", "CGL", SM, Role.KEY_WORKER, "bob@cgl.org.uk", "07700 900123"))
    workers(casework, ("Dee", MH), role=Role.CARE_COORDINATOR)
    workers(casework, ("Kay", SM), role=Role.KEY_WORKER)
    mutual_client(casework, "RT1", "Ann", "Bob")
    mutual_client(casework, "RT2", "Ann", "Bob", sm_to=date(2026, 10, 24))
    mutual_client(casework, "RT3", "Dee", "Kay")
    mutual_client(casework, "RT4", "Dee", "Kay", team="South")
    mutual_client(casework, "RT9", "Ann", "Bob")
    contact(casework, "RT1", date(2026, 10, 5))
    contact(casework, "RT2", date(2026, 10, 9), outcome=DNA)
    contact(casework, "RT3", date(2026, 10, 2), outcome=DNA)
    contact(casework, "RT3", date(2026, 10, 20))
    contact(casework, "RT9", date(2026, 8, 20))
    contact(casework, "RT9", date(2026, 10, 10), LI, PHONE)
    return casework


def lists(todo):
    return (
        [(n.client_ref, n.missing, n.due) for n in todo.not_yet],
        [(r.client_ref, r.needs, r.by, r.last_joint) for r in todo.at_risk_next_month],
        [(m.client_ref, m.date, m.followed_up) for m in todo.missed_appointments],
    )


BOTH = (Criterion.JOINT_CONTACT, Criterion.LIAISON)
AT_RISK = ("RT9", Criterion.JOINT_CONTACT, date(2026, 11, 30), date(2026, 8, 20))


def test_everyones_list_ranks_by_the_last_mutual_day(log, figures):
    assert lists(figures.to_do(OCT)) == (
        [("RT2", BOTH, date(2026, 10, 24)), ("RT4", BOTH, date(2026, 10, 31))],
        [AT_RISK],
        [("RT3", date(2026, 10, 2), True), ("RT2", date(2026, 10, 9), False)],
    )


def test_a_coordinators_list_and_a_teams_list(log, figures):
    mine = figures.to_do(OCT, coordinator="Ann")
    assert mine.coordinator == "Ann"
    assert lists(mine) == (
        [("RT2", BOTH, date(2026, 10, 24))],
        [AT_RISK],
        [("RT2", date(2026, 10, 9), False)],
    )
    south = figures.to_do(OCT, team="South")
    assert south.team == "South"
    assert lists(south) == ([("RT4", BOTH, date(2026, 10, 31))], [], [])
    assert lists(figures.to_do(OCT, team="South", coordinator="Ann")) == ([], [], [])


def test_the_other_services_worker_is_reached_from_the_list(log, figures):
    todo = figures.to_do(OCT)
    bob = todo.key_worker(todo.not_yet[0].client)
    assert (bob.name, bob.phone, bob.email) == ("Bob", "07700 900123", "bob@cgl.org.uk")
    kay = todo.key_worker(todo.not_yet[1].client)
    assert (kay.name, kay.phone, kay.email) == ("Kay", None, None)
    assert todo.care_coordinator(todo.not_yet[0].client).phone == "020 7946 0001"


def test_contacts_recorded_next_month_book_the_at_risk_and_follow_up_the_missed(log, figures):
    log.save_contact(Contact("RT9", date(2026, 11, 10), ContactKind.CARE_PLAN_REVIEW, ContactMode.MEETING))
    log.save_contact(Contact("RT2", date(2026, 11, 3), ContactKind.LIAISON, ContactMode.TELEPHONE))
    _, at_risk, missed = lists(figures.to_do(OCT))
    assert at_risk == []
    assert missed == [("RT3", date(2026, 10, 2), True), ("RT2", date(2026, 10, 9), True)]


def test_next_months_definition_judges_next_month(log, figures, monkeypatch):
    from ddcase.domain import Definition
    from ddcase.services import figures as figures_service

    longer = Definition(version=2, first_month=Month(2026, 11), joint_contact_window_days=120)
    monkeypatch.setattr(figures_service, "_definitions", lambda session: [Definition(), longer])
    assert lists(figures.to_do(OCT))[1] == []


def test_the_contact_form_prefills_the_workers_open_on_the_day(log):
    log.save_client(Client("RT5", "CD"))
    log.save_episode(Episode("RT5", MH, "ELFT", date(2025, 1, 1), team="North"))
    workers = log.current_workers(date(2026, 11, 1))
    assert workers["RT1"] == ("Ann", "Bob")
    assert workers["RT5"] == (None, None)
    assert log.current_workers(date(2026, 5, 1))["RT3"] == ("Dee", None)


def test_the_contact_form_and_the_figures_name_the_same_worker_of_two_started_the_same_day(log, figures):
    """Two open, named mental_health episodes (of two organisations) starting on one day: the figures' care coordinator
    is the last recorded (SPEC §2's named_workers reads the episode that speaks for the side), and
    the contact form fills in the same person."""
    log.save_client(Client("RT6", "EF", consent_to_share_on=date(2026, 1, 1)))
    log.save_episode(Episode("RT6", MH, "NELFT", date(2026, 3, 1), team="North", worker="Dee"))
    log.save_episode(Episode("RT6", MH, "ELFT", date(2026, 3, 1), team="North", worker="Ann"))
    log.save_episode(Episode("RT6", SM, "CGL", date(2026, 6, 1), worker="Bob"))
    named = {c.client_ref: c.care_coordinator for c in figures.month(OCT).clients}
    assert named["RT6"] == "Ann"
    assert log.current_workers(OCT.last_day)["RT6"] == ("Ann", "Bob")
