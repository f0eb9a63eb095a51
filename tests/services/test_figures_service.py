"""The month's figures through the service, on a real database, against hand-worked cases."""

from __future__ import annotations

from datetime import date

import pytest

from ddcase.domain import (
    Client,
    Contact,
    ContactKind,
    ContactMode,
    Criterion,
    Definition,
    Episode,
    Month,
    Outcome,
    Role,
    Service,
    ValidationError,
    Worker,
)

MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE
OCT = Month(2026, 10)


@pytest.fixture
def log(casework):
    """Four clients, hand-worked for October 2026 under the default definition:
    RT1 jointly worked; RT2 no consent and no liaison; RT3 mutual 10 days only (excluded);
    RT4 in the South team, joint appointment DNA'd (fails joint_contact and liaison)."""
    for name, org, side in (("Ann", "ELFT", MH), ("Bob", "CGL", SM), ("Dee", "ELFT", MH)):
        casework.save_worker(Worker(name, org, side, Role.OTHER))
    for ref, consent in (
        ("RT1", date(2026, 1, 1)),
        ("RT2", None),
        ("RT3", date(2026, 1, 1)),
        ("RT4", date(2026, 1, 1)),
    ):
        casework.save_client(Client(ref, "AB", consent_to_share_on=consent))
    for ref, team, worker in (
        ("RT1", "North", "Ann"),
        ("RT2", "North", "Ann"),
        ("RT3", "North", "Ann"),
        ("RT4", "South", "Dee"),
    ):
        casework.save_episode(Episode(ref, MH, "ELFT", date(2025, 1, 1), team=team, worker=worker))
    casework.save_episode(Episode("RT1", SM, "CGL", date(2026, 6, 1), worker="Bob"))
    casework.save_episode(Episode("RT2", SM, "CGL", date(2026, 6, 1), worker="Bob"))
    casework.save_episode(Episode("RT3", SM, "CGL", date(2026, 10, 22), worker="Bob"))
    casework.save_episode(Episode("RT4", SM, "CGL", date(2026, 6, 1), worker="Bob"))
    ja, f2f = ContactKind.JOINT_APPOINTMENT, ContactMode.FACE_TO_FACE
    casework.save_contact(Contact("RT1", date(2026, 8, 10), ja, f2f))  # in the 90-day window
    casework.save_contact(Contact("RT1", date(2026, 10, 31), ContactKind.LIAISON, ContactMode.TELEPHONE))
    casework.save_contact(Contact("RT2", date(2026, 10, 2), ja, f2f))
    casework.save_contact(
        Contact("RT2", date(2026, 10, 9), ContactKind.LIAISON, ContactMode.EMAIL)
    )  # written
    casework.save_contact(Contact("RT4", date(2026, 10, 9), ja, f2f, outcome=Outcome.DID_NOT_ATTEND))
    return casework


def test_the_month_figure_matches_the_hand_worked_case(log, figures):
    result = figures.month(OCT)
    assert (result.mutual_clients, result.jointly_worked) == (3, 1)
    assert result.percentage == pytest.approx(100 / 3)
    assert {c.client_ref: c.failed_criteria for c in result.clients} == {
        "RT1": (),
        "RT2": (Criterion.CONSENT,),
        "RT4": (Criterion.JOINT_CONTACT, Criterion.LIAISON),
    }
    assert [c.client_ref for c in result.excluded] == ["RT3"]


def test_a_team_figure_counts_only_that_teams_clients(log, figures):
    south = figures.month(OCT, "South")
    assert (south.mutual_clients, south.jointly_worked) == (1, 0)
    assert figures.teams() == ["North", "South"]


def test_a_joint_appointment_91_days_before_the_month_end_no_longer_counts(log, figures):
    # The window of 90 days ending 30 Nov 2026 starts on 2 Sep 2026; RT1's contact was 10 Aug.
    nov = figures.month(Month(2026, 11))
    rt1 = next(c for c in nov.clients if c.client_ref == "RT1")
    assert Criterion.JOINT_CONTACT in rt1.failed_criteria


def test_a_new_definition_changes_later_months_only(log, figures, definitions):
    before = [(m.month, m.jointly_worked) for m in figures.months(Month(2026, 9), Month(2026, 11))]
    definitions.agree(Definition(consent=False, written_contacts_count=True), Month(2026, 11))
    after = figures.months(Month(2026, 9), Month(2026, 11))
    assert [(m.month, m.jointly_worked) for m in after][:2] == before[:2]
    assert [m.definition_version for m in after] == [1, 1, 2]


def test_a_new_definition_must_start_after_the_latest(definitions):
    definitions.agree(Definition(liaison=False), Month(2026, 5))
    with pytest.raises(ValidationError, match="must be after May 2026"):
        definitions.agree(Definition(), Month(2026, 4))
    assert [d.version for d in definitions.versions()] == [1, 2]
    assert definitions.in_force(Month(2026, 4)).version == 1
    assert definitions.in_force(Month(2026, 5)).version == 2


def test_a_month_with_no_mutual_clients_has_no_percentage(figures):
    empty = figures.month(OCT)
    assert (empty.mutual_clients, empty.jointly_worked, empty.percentage) == (0, 0, None)
