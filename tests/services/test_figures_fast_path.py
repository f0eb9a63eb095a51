"""The figures service's light loading and month-after-month judgement give exactly what judging
each month's full histories gives (`repository.histories` + `month_figures`), on the demo team,
for every month of two years, all teams and each team, across definition versions that change
the window, the minimum overlap and whether emails and letters count."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ddcase.domain import Definition, Month, definition_in_force, month_range
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


def test_one_month_matches_judging_the_full_histories(demo, figures):
    for month in (Month(2025, 3), Month(2026, 10)):
        assert figures.month(month) == by_full_histories(demo, month, month, None)[0]


def test_versions_that_change_the_window_overlap_and_written_contacts_match_too(demo, figures, definitions):
    definitions.agree(Definition(written_contacts_count=True, joint_contact_window_days=30), Month(2025, 6))
    definitions.agree(
        Definition(min_overlap_days=20, joint_contact_window_days=120, liaison_contacts_min=2), Month(2026, 2)
    )
    for first, last in ((FIRST, LAST), (Month(2025, 6), Month(2025, 9)), (Month(2026, 1), Month(2026, 3))):
        expected = by_full_histories(demo, first, last, None)
        assert figures.months(first, last) == expected
        assert any(f.definition.written_contacts_count for f in expected) or last < Month(2025, 6)
