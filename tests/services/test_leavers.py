"""Issue 15: people who leave. A worker marked as left is kept with their records and no longer
offered; their caseload moves to a colleague as new episodes (SPEC §1), in one transaction with
one audit entry."""

from __future__ import annotations

from datetime import date

import pytest

from ddcase.domain import (
    Client,
    DomainError,
    Episode,
    Role,
    Service,
    ValidationError,
    Worker,
    available_workers,
)
from ddcase.services.audit_trail import AuditTrailService
from ddcase.services.team import TeamService

MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE
TRUST = "ELFT"


@pytest.fixture
def team(context, casework) -> TeamService:
    """Carla Turner coordinates RT1 (since Jan 2025), RT2 (Jun 2026 to 30 Nov 2026, ended) and
    RT3 (since 15 Nov 2026); Dev Patel is her colleague. Today is 22 Nov 2026."""
    for name in ("Carla Turner", "Dev Patel"):
        casework.save_worker(Worker(name, TRUST, MH, Role.CARE_COORDINATOR))
    for ref, start, end in (
        ("RT1", date(2025, 1, 6), None),
        ("RT2", date(2026, 6, 1), date(2026, 11, 1)),
        ("RT3", date(2026, 11, 15), None),
    ):
        casework.save_client(Client(ref, "AB"))
        casework.save_episode(Episode(ref, MH, TRUST, start, end, team="North CMHT", worker="Carla Turner"))
    return TeamService(context)


def carla(team: TeamService) -> Worker:
    return team.worker_named("Carla Turner")


def test_a_leaver_is_kept_but_no_longer_offered_from_the_day_they_left(team, casework):
    left = team.mark_left(carla(team), date(2026, 11, 20))
    assert left.left_on == date(2026, 11, 20)
    assert [w.name for w in casework.workers(MH)] == ["Carla Turner", "Dev Patel"]
    offered = available_workers(casework.workers(), date(2026, 11, 20))
    assert [w.name for w in offered] == ["Dev Patel"]
    assert [w.name for w in available_workers(casework.workers(), date(2026, 11, 19))] == [
        "Carla Turner",
        "Dev Patel",
    ]
    # A record that already names her keeps her in its picker.
    assert "Carla Turner" in [
        w.name for w in available_workers(casework.workers(), date(2026, 11, 22), ["Carla Turner"])
    ]
    back = team.mark_left(left, None)
    assert back.left_on is None


def test_moving_a_caseload_ends_each_open_episode_and_opens_the_same_with_the_new_worker(team, casework):
    before = len(AuditTrailService(team._context).latest(1000))
    moved = team.move_caseload(carla(team), "Dev Patel", date(2026, 11, 16))
    assert (moved.client_refs, moved.episodes) == (("RT1", "RT3"), 2)
    rt1 = sorted(casework.episodes("RT1"), key=lambda e: e.start_date)
    assert [(e.worker, e.start_date, e.end_date, e.team) for e in rt1] == [
        ("Carla Turner", date(2025, 1, 6), date(2026, 11, 15), "North CMHT"),
        ("Dev Patel", date(2026, 11, 16), None, "North CMHT"),
    ]
    # RT3 began with Carla the day before: one day with her, then Dev.
    rt3 = sorted(casework.episodes("RT3"), key=lambda e: e.start_date)
    assert [(e.worker, e.start_date, e.end_date) for e in rt3] == [
        ("Carla Turner", date(2026, 11, 15), date(2026, 11, 15)),
        ("Dev Patel", date(2026, 11, 16), None),
    ]
    assert [e.worker for e in casework.episodes("RT2")] == ["Carla Turner"]  # ended before: history
    entries = AuditTrailService(team._context).latest(1000)
    assert len(entries) == before + 1
    assert (entries[0].action, entries[0].entity, entries[0].entity_key) == (
        "move",
        "caseload",
        "Carla Turner",
    )


def test_an_episode_starting_on_the_day_only_changes_its_worker(team, casework):
    team.move_caseload(carla(team), "Dev Patel", date(2026, 11, 15), ["RT3"])
    assert [(e.worker, e.start_date) for e in casework.episodes("RT3")] == [("Dev Patel", date(2026, 11, 15))]
    assert [e.worker for e in casework.episodes("RT1")] == ["Carla Turner"]  # not chosen


@pytest.mark.parametrize(
    ("to", "day", "clients", "message"),
    [
        ("Dev Patel", date(2026, 11, 23), None, "cannot start in the future"),
        ("Nobody", date(2026, 11, 16), None, "no mental health worker called Nobody"),
        ("Carla Turner", date(2026, 11, 16), None, "someone other than the leaver"),
        ("Dev Patel", date(2026, 11, 16), ["RT2"], "no open episode on 16 Nov 2026 for RT2"),
    ],
)
def test_a_move_that_cannot_be_done_moves_nothing(team, casework, to, day, clients, message):
    with pytest.raises(DomainError, match=message):
        team.move_caseload(carla(team), to, day, clients)
    assert len(team.open_caseload(carla(team), date(2026, 11, 16))) == 2


def test_a_move_to_someone_who_has_left_is_refused(team):
    team.mark_left(team.worker_named("Dev Patel"), date(2026, 11, 10))
    with pytest.raises(ValidationError, match="Dev Patel left on 10 Nov 2026"):
        team.move_caseload(carla(team), "Dev Patel", date(2026, 11, 16))


def test_one_clash_part_way_moves_nothing_at_all(team, casework):
    casework.save_episode(
        Episode("RT3", MH, TRUST, date(2026, 11, 20), worker="Dev Patel", team="North CMHT")
    )
    with pytest.raises(DomainError, match="RT3 already has an episode"):
        team.move_caseload(carla(team), "Dev Patel", date(2026, 11, 20))
    assert [e.worker for e in casework.episodes("RT1")] == ["Carla Turner"]
    assert casework.episodes("RT1")[0].end_date is None
