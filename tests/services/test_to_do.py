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
    Outcome,
    Role,
    Service,
    Worker,
)

MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE
OCT = Month(2026, 10)
JA, F2F = ContactKind.JOINT_APPOINTMENT, ContactMode.FACE_TO_FACE


@pytest.fixture
def log(casework):
    """RT1 (Ann) jointly worked; RT2 (Ann) missed a joint appointment on 9 Oct, not followed up;
    RT3 (Dee) missed one on 2 Oct and had one on 20 Oct; RT4 (Dee) no contacts at all."""
    for name, org, side in (("Ann", "ELFT", MH), ("Bob", "CGL", SM), ("Dee", "ELFT", MH)):
        casework.save_worker(Worker(name, org, side, Role.OTHER))
    for ref, worker in (("RT1", "Ann"), ("RT2", "Ann"), ("RT3", "Dee"), ("RT4", "Dee")):
        casework.save_client(Client(ref, "AB", consent_to_share_on=date(2026, 1, 1)))
        casework.save_episode(Episode(ref, MH, "ELFT", date(2025, 1, 1), team="North", worker=worker))
        casework.save_episode(Episode(ref, SM, "CGL", date(2026, 6, 1), worker="Bob"))
    casework.save_contact(Contact("RT1", date(2026, 10, 5), JA, F2F))
    casework.save_contact(Contact("RT2", date(2026, 10, 9), JA, F2F, outcome=Outcome.DID_NOT_ATTEND))
    casework.save_contact(Contact("RT3", date(2026, 10, 2), JA, F2F, outcome=Outcome.DID_NOT_ATTEND))
    casework.save_contact(Contact("RT3", date(2026, 10, 20), JA, F2F))
    return casework


def test_the_to_do_list_holds_the_coordinators_clients_not_jointly_worked(log, figures):
    todo = figures.to_do(OCT, "Ann")
    assert todo.due == date(2026, 10, 31)
    assert [(c.client_ref, c.failed_criteria) for c in todo.clients] == [
        ("RT2", (Criterion.JOINT_CONTACT, Criterion.LIAISON))
    ]


def test_a_missed_joint_appointment_needs_a_follow_up_until_one_is_attended(log, figures):
    everyone = figures.to_do(OCT)
    assert [c.client_ref for c in everyone.clients] == ["RT2", "RT4"]
    assert [(m.contact.client_ref, m.contact.date) for m in everyone.missed] == [("RT2", date(2026, 10, 9))]
    assert everyone.missed[0].care_coordinator == "Ann"


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
