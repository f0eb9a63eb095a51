"""The month's figures through the service, on a real database, against hand-worked cases."""

from __future__ import annotations

from datetime import date

import pytest

from ddcase.domain import (
    ContactMode,
    Criterion,
    Definition,
    Month,
    ValidationError,
)
from tests.services.hand_worked import DNA, LI, MH, OCT, PHONE, SM, contact, mutual_client, workers


@pytest.fixture
def log(casework):
    """Four clients, hand-worked for October 2026 under the default definition:
    RT1 jointly worked; RT2 no consent and no liaison; RT3 mutual 10 days only (excluded);
    RT4 in the South team, joint appointment DNA'd (fails joint_contact and liaison)."""
    workers(casework, ("Ann", MH), ("Bob", SM), ("Dee", MH))
    mutual_client(casework, "RT1", "Ann", "Bob")
    mutual_client(casework, "RT2", "Ann", "Bob", consent=None)
    mutual_client(casework, "RT3", "Ann", "Bob", sm_from=date(2026, 10, 22))
    mutual_client(casework, "RT4", "Dee", "Bob", team="South")
    contact(casework, "RT1", date(2026, 8, 10))  # in the 90-day window
    contact(casework, "RT1", date(2026, 10, 31), LI, PHONE)
    contact(casework, "RT2", date(2026, 10, 2))
    contact(casework, "RT2", date(2026, 10, 9), LI, ContactMode.EMAIL)  # written
    contact(casework, "RT4", date(2026, 10, 9), outcome=DNA)
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


def test_the_teams_are_those_of_mental_health_episodes_in_the_databases_order(casework, figures, context):
    """The teams listed by a walk of ix_episode_team are the plain DISTINCT's, in its order: a
    team named on drug and alcohol episodes alone is not one, an episode without a team names
    none, and names differing in case or accent are each listed once."""
    from sqlalchemy import text

    from ddcase.domain import Client, Episode
    from tests.services.hand_worked import MH_FROM, ORGANISATION

    workers(casework, ("Ann", MH), ("Bob", SM))
    for ref, team in [("T1", "Zed"), ("T2", "ashby"), ("T3", "Ashby"), ("T4", "Zed"), ("T5", "Östra")]:
        mutual_client(casework, ref, "Ann", "Bob", team=team)
    casework.save_client(Client("T6", "AB"))
    casework.save_episode(Episode("T6", SM, ORGANISATION[SM], MH_FROM, team="Aardvark", worker="Bob"))
    casework.save_client(Client("T7", "AB"))
    casework.save_episode(Episode("T7", MH, ORGANISATION[MH], MH_FROM, team=None, worker="Ann"))
    with context.db.read() as session:
        plain = list(
            session.scalars(
                text(
                    "SELECT DISTINCT team FROM episode WHERE team IS NOT NULL"
                    " AND service = 'mental_health' ORDER BY team"
                )
            )
        )
    assert sorted(plain) == sorted(["Zed", "ashby", "Ashby", "Östra"])
    assert figures.teams() == plain
