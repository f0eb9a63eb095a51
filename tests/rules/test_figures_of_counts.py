"""`month_figures_of` (a month judged from each client's facts with the contacts already counted,
as `repository.month_facts` reads them) gives exactly what `month_figures` gives from the full
histories, on random clients, months, definitions and teams. The counts are worked out here from
the contacts, day by day, with the properties' own reading of a counting contact."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddcase.domain import (
    ClientHistory,
    ClientMonthFacts,
    ContactCounts,
    ContactKind,
    Definition,
    EpisodeFact,
    Month,
)
from ddcase.rules.figures import month_figures, month_figures_of
from tests.rules.test_properties import TEAMS, counting, definitions
from tests.rules.test_timeline import a_history, base_months

JOINT = (ContactKind.JOINT_APPOINTMENT, ContactKind.CARE_PLAN_REVIEW)
LIAISON = (*JOINT, ContactKind.LIAISON)


def counted(history: ClientHistory, month: Month, definition: Definition) -> ClientMonthFacts:
    """The facts of `history` for `month`, counting its contacts the plain way."""
    window_first = month.last_day - timedelta(days=definition.joint_contact_window_days - 1)
    looked_back_to = min(window_first, month.first_day)
    counts = [c for c in history.contacts if counting(c, definition)]
    joint = [c.date for c in counts if c.kind in JOINT and looked_back_to <= c.date <= month.last_day]
    client = history.client
    return ClientMonthFacts(
        client.client_ref,
        client.initials,
        client.consent_to_share_on,
        tuple(EpisodeFact.of(e) for e in history.episodes),
        ContactCounts(
            tallies=(  # SPEC §2's criteria counted from contacts: joint_contact, liaison
                sum(1 for day in joint if day >= window_first),
                sum(1 for c in counts if c.kind in LIAISON and month.first_day <= c.date <= month.last_day),
            ),
            last_joint=max(joint, default=None),
        ),
    )


@st.composite
def a_month_of_clients(draw):
    base = draw(base_months)
    month = base.plus(draw(st.integers(-2, 3)))
    histories = [draw(a_history(base, f"C{n:02d}")) for n in range(draw(st.integers(0, 6)))]
    return histories, month, draw(definitions), draw(st.sampled_from(TEAMS))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a_month_of_clients())
def test_a_month_judged_from_counted_facts_is_the_month_judged_from_the_histories(case):
    histories, month, definition, team = case
    facts = [counted(h, month, definition) for h in histories]
    assert month_figures_of(facts, month, definition, team) == month_figures(
        histories, month, definition, team
    )


def test_a_client_with_no_counting_contact_and_one_with_some():
    """A hand-worked month: the same two episodes, with and without a joint appointment in the
    window and a liaison in the month."""
    from datetime import date

    from ddcase.domain import Client, Contact, ContactMode, Episode, Service

    month = Month(2026, 10)
    episodes = (
        Episode("C1", Service.MENTAL_HEALTH, "CMHT", date(2026, 1, 1), None, "North", "Ann"),
        Episode("C1", Service.SUBSTANCE_MISUSE, "ResoLUTiONs", date(2026, 9, 20), None, None, "Bob"),
    )
    contacts = (
        Contact("C1", date(2026, 9, 25), ContactKind.JOINT_APPOINTMENT, ContactMode.FACE_TO_FACE),
        Contact("C1", date(2026, 10, 3), ContactKind.LIAISON, ContactMode.TELEPHONE),
    )
    client = Client(client_ref="C1", initials="AB", consent_to_share_on=date(2026, 9, 1))
    worked = ClientHistory(client, episodes, contacts)
    idle = ClientHistory(client, episodes, ())
    definition = Definition()
    (worked_month,) = month_figures_of([counted(worked, month, definition)], month, definition).clients
    (idle_month,) = month_figures_of([counted(idle, month, definition)], month, definition).clients
    assert worked_month.jointly_worked and worked_month.last_joint_contact == date(2026, 9, 25)
    assert (worked_month.joint_contacts_in_window, worked_month.liaison_contacts_in_month) == (1, 1)
    assert not idle_month.jointly_worked
    assert idle_month.missing() == (
        "no joint appointment or care plan review in the window",
        "no liaison this month",
    )
    assert worked_month.mutual_days == idle_month.mutual_days == 31
