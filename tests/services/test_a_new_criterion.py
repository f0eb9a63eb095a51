"""A made-up criterion added to the criteria table (tests/rules/test_criteria.py) is judged on
every path of the figures: the month read with its contacts counted in SQL, the series' counts,
the overview and the to-do, on a real database."""

from __future__ import annotations

from datetime import date

from ddcase.domain import Client, Contact, ContactKind, ContactMode, Episode, Month, Role, Service, Worker
from ddcase.services import figures as figures_service
from tests.rules.test_criteria import MadeUp, information_shared  # noqa: F401 (a fixture)

OCT = Month(2026, 10)
MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE


def test_a_made_up_criterion_counts_on_every_path(casework, figures, information_shared, monkeypatch):  # noqa: F811
    monkeypatch.setattr(figures_service, "_definitions", lambda session: [information_shared])
    casework.save_worker(Worker("Ann", "ELFT", MH, Role.OTHER))
    casework.save_worker(Worker("Bob", "CGL", SM, Role.OTHER))
    for ref in ("RT1", "RT2"):
        casework.save_client(Client(ref, "AB", consent_to_share_on=date(2026, 1, 1)))
        casework.save_episode(Episode(ref, MH, "ELFT", date(2025, 1, 1), team="North", worker="Ann"))
        casework.save_episode(Episode(ref, SM, "CGL", date(2026, 6, 1), worker="Bob"))
        casework.save_contact(
            Contact(ref, date(2026, 10, 5), ContactKind.JOINT_APPOINTMENT, ContactMode.VIDEO)
        )
    shared = Contact("RT2", date(2026, 10, 6), ContactKind.INFORMATION_SHARED, ContactMode.TELEPHONE)
    casework.save_contact(shared)
    # Shared in September: not in October.
    casework.save_contact(
        Contact("RT1", date(2026, 9, 30), ContactKind.INFORMATION_SHARED, ContactMode.MEETING)
    )

    month = figures.month(OCT)
    assert [(c.client_ref, c.failed_criteria) for c in month.clients] == [
        ("RT1", (MadeUp.INFORMATION_SHARED,)),
        ("RT2", ()),
    ]
    assert (month.mutual_clients, month.jointly_worked) == (2, 1)
    assert month.reasons() == [(MadeUp.INFORMATION_SHARED, 1)]
    assert figures.counts(Month(2026, 9), OCT) == [figures.month(Month(2026, 9)).counts(), month.counts()]
    assert figures.month(Month(2026, 9)).jointly_worked == 0  # the joint appointments are in October
    overview = figures.overview(OCT, 2)
    assert overview.current == month
    assert overview.series.months[-1] == month.counts()
    assert [c.client_ref for c in figures.to_do(OCT).not_yet] == ["RT1"]
