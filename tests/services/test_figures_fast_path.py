"""The figures service's light loading and month-after-month judgement give exactly what judging
each month's full histories gives (`repository.histories` + `month_figures`), on the demo team,
for every month of two years, all teams and each team, across definition versions that change
the window, the minimum overlap and whether emails and letters count; and so do its faster
paths: the counts-only series, one team's clients chosen in SQL (against the rules' own team
test on every client) and the overview's single load."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ddcase.domain import (
    Client,
    Contact,
    ContactKind,
    ContactMode,
    Definition,
    Episode,
    Month,
    Service,
    definition_in_force,
    month_range,
)
from ddcase.rules.figures import month_figures
from ddcase.services.demo import DemoService
from ddcase.storage import repository

FIRST, LAST = Month(2024, 11), Month(2026, 11)


def by_full_histories(context, first: Month, last: Month, team: str | None):
    with context.db.read() as session:
        versions = repository.definitions(session) or [Definition()]
        widest = max(
            definition_in_force(versions, m).joint_contact_window_days for m in month_range(first, last)
        )
        contacts_from = min(first.last_day - timedelta(days=widest - 1), first.first_day)
        histories = repository.histories(session, first.first_day, last.last_day, contacts_from)
    return [
        month_figures(histories, m, definition_in_force(versions, m), team) for m in month_range(first, last)
    ]


@pytest.fixture
def demo(context):
    DemoService(context).fill(seed=3)
    return context


@pytest.mark.parametrize("team", [None, "Luton North CMHT", "Luton South CMHT", "Luton Central CMHT"])
def test_every_month_matches_judging_the_full_histories(demo, figures, team):
    assert figures.months(FIRST, LAST, team) == by_full_histories(demo, FIRST, LAST, team)


@pytest.mark.parametrize("team", [None, "Luton North CMHT", "Luton South CMHT"])
def test_one_month_with_its_contacts_counted_in_sql_matches_judging_the_full_histories(demo, figures, team):
    """`month` counts each client's contacts in the database (`repository.month_facts`)."""
    expected = by_full_histories(demo, FIRST, LAST, team)
    for month, wanted in zip(month_range(FIRST, LAST), expected, strict=True):
        assert figures.month(month, team) == wanted, month
    assert any(f.jointly_worked for f in expected) and any(f.not_jointly_worked() for f in expected)


def test_versions_that_change_the_window_overlap_and_written_contacts_match_too(demo, figures, definitions):
    definitions.agree(Definition(written_contacts_count=True, joint_contact_window_days=30), Month(2025, 6))
    definitions.agree(
        Definition(min_overlap_days=20, joint_contact_window_days=120, liaison_contacts_min=2), Month(2026, 2)
    )
    for first, last in ((FIRST, LAST), (Month(2025, 6), Month(2025, 9)), (Month(2026, 1), Month(2026, 3))):
        expected = by_full_histories(demo, first, last, None)
        assert figures.months(first, last) == expected
        # The counts-only series reads each client's counting days once for each set of modes.
        assert figures.counts(first, last) == [f.counts() for f in expected]
        for month, wanted in zip(month_range(first, last), expected, strict=True):
            assert figures.month(month) == wanted, month
        assert any(f.definition.written_contacts_count for f in expected) or last < Month(2025, 6)


def test_every_team_and_month_one_teams_clients_chosen_in_sql_match_the_rules_team_test(demo, figures):
    """figure_facts(team=...) narrows the clients in SQL; judging every client and keeping those
    whose month names the team (month_figures' own test) must give the same, team by team."""
    teams = figures.teams()
    assert len(teams) >= 3
    for team in teams:
        assert figures.months(FIRST, LAST, team) == by_full_histories(demo, FIRST, LAST, team), team


def test_one_team_with_nobody_in_the_range_or_named_nowhere_matches_too(demo, figures):
    """One team's clients are read first, then their episodes and contacts (sixth round): a team
    with no client in a range, or named on no episode, gives what judging everyone gives."""
    for team in ("Nowhere CMHT", "luton north cmht"):
        assert figures.months(FIRST, LAST, team) == by_full_histories(demo, FIRST, LAST, team), team
        assert figures.counts(FIRST, LAST, team) == [
            f.counts() for f in by_full_histories(demo, FIRST, LAST, team)
        ], team
    early = Month(2000, 1)
    assert figures.months(early, early.plus(2), "Luton North CMHT") == by_full_histories(
        demo, early, early.plus(2), "Luton North CMHT"
    )


@pytest.mark.parametrize("team", [None, "Luton North CMHT", "Luton South CMHT", "Luton Central CMHT"])
def test_the_counts_only_series_is_the_full_months_counts(demo, figures, team):
    expected = by_full_histories(demo, FIRST, LAST, team)
    series = figures.series(FIRST, LAST, team)
    assert list(series.months) == [f.counts() for f in expected]
    assert figures.counts(FIRST, LAST, team) == [f.counts() for f in expected]
    assert [(m.jointly_worked, m.mutual_clients) for m in series.analysis.months] == [
        (f.jointly_worked, f.mutual_clients) for f in expected
    ]
    assert any(f.mutual_clients for f in expected)


@pytest.mark.parametrize("team", [None, "Luton South CMHT"])
def test_the_overview_is_the_month_the_month_before_and_the_series(demo, figures, team):
    month = Month(2026, 10)
    overview = figures.overview(month, 24, team)
    assert overview.current == figures.month(month, team)
    assert overview.previous == figures.month(month.previous(), team)
    assert overview.series == figures.series(month.plus(-23), month, team)
    # A one-month chart still has the month before in full.
    short = figures.overview(month, 1, team)
    assert short.previous == overview.previous
    assert short.series == figures.series(month, month, team)


def test_leading_months_with_nobody_to_count_are_left_off_the_overviews_chart(demo, figures):
    first_with_data = next(
        f.month for f in figures.counts(Month(2020, 1), Month(2026, 10)) if f.mutual_clients
    )
    overview = figures.overview(Month(2026, 10), 120, leading_gaps=False)
    assert overview.series.first == first_with_data
    assert overview.series == figures.series(first_with_data, Month(2026, 10))


def test_a_contact_logged_for_one_team_counts_whatever_team_was_recorded_last(demo, figures, casework):
    """The regression an earlier one-team SQL filter had: a loop variable named like the team
    argument left the contacts filtered by the team of the last episode read, so a contact logged
    for a client of another team did not count in the all-teams figure."""
    month = Month(2026, 11)
    before = figures.month(month)
    # The last episode recorded is of Luton North CMHT ...
    casework.save_client(Client("ZZ0001", "ZZ", consent_to_share_on=date(2026, 1, 1)))
    casework.save_episode(
        Episode("ZZ0001", Service.SUBSTANCE_MISUSE, "ResoLUTiONs", date(2026, 1, 1), worker=None)
    )
    casework.save_episode(
        Episode(
            "ZZ0001",
            Service.MENTAL_HEALTH,
            "East London NHS Foundation Trust",
            date(2026, 1, 1),
            team="Luton North CMHT",
        )  # fmt: skip
    )
    # ... and a Luton South client not yet jointly worked gets the contact that was missing.
    waiting = [
        c
        for c in before.not_jointly_worked()
        if c.teams == ("Luton South CMHT",) and [x.value for x in c.failed_criteria] == ["joint_contact"]
    ]
    assert waiting, "the demo has a Luton South client missing only a joint contact"
    casework.save_contact(
        Contact(
            waiting[0].client_ref, date(2026, 11, 20), ContactKind.JOINT_APPOINTMENT, ContactMode.FACE_TO_FACE
        )
    )
    after = figures.month(month)
    assert after.jointly_worked == before.jointly_worked + 1
    assert after == by_full_histories(demo, month, month, None)[0]
    for team in (None, "Luton South CMHT", "Luton North CMHT"):
        assert figures.months(Month(2026, 9), month, team) == by_full_histories(
            demo, Month(2026, 9), month, team
        )
