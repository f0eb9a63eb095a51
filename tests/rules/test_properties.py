"""Property-based tests: the evaluator agrees with a brute-force reading of SPEC §1-§2 that walks
the month day by day, on random episodes, contacts and definitions."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
    Service,
)
from ddcase.domain.format import percent_text
from ddcase.rules import criteria
from ddcase.rules.figures import ClientHistory, MonthFigures, evaluate, month_figures

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MANY_CLIENTS_SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# --- the brute force, written from the SPEC text only -------------------------------------------


def days_of(month: Month) -> list[date]:
    first = date(month.year, month.month, 1)
    days = []
    day = first
    while day.month == month.month:
        days.append(day)
        day += timedelta(days=1)
    return days


def open_on(episode: Episode, day: date) -> bool:
    return episode.start_date <= day and (episode.end_date is None or day <= episode.end_date)


def is_blank(text: str | None) -> bool:
    return text is None or text.strip() == ""


def counting(contact: Contact, definition: Definition) -> bool:
    """SPEC §1: attended, and not email or letter unless written_contacts_count is on."""
    written = contact.mode in (ContactMode.EMAIL, ContactMode.LETTER)
    return contact.outcome == Outcome.ATTENDED and (definition.written_contacts_count or not written)


@dataclass(frozen=True)
class Expected:
    mutual_days: int
    last_mutual_day: date
    excluded: bool
    teams: tuple[str, ...]
    joint_count: int
    liaison_count: int
    holds: dict[Criterion, bool]


def brute_force(history: ClientHistory, month: Month, definition: Definition) -> Expected | None:
    episodes = history.episodes
    mh = [e for e in episodes if e.service == Service.MENTAL_HEALTH]
    sm = [e for e in episodes if e.service == Service.SUBSTANCE_MISUSE]
    month_days = days_of(month)
    mutual = [d for d in month_days if any(open_on(e, d) for e in mh) and any(open_on(e, d) for e in sm)]
    if not mutual:
        return None
    last_mutual = mutual[-1]
    last_of_month = month_days[-1]
    teams = sorted({e.team for d in mutual for e in mh if open_on(e, d) and e.team})

    window = {last_of_month - timedelta(days=i) for i in range(definition.joint_contact_window_days)}
    joint_kinds = {ContactKind.JOINT_APPOINTMENT, ContactKind.CARE_PLAN_REVIEW}
    liaison_kinds = joint_kinds | {ContactKind.LIAISON}
    joint_count = sum(
        1 for c in history.contacts if c.kind in joint_kinds and c.date in window and counting(c, definition)
    )
    liaison_count = sum(
        1
        for c in history.contacts
        if c.kind in liaison_kinds and c.date in month_days and counting(c, definition)
    )
    consent_on = history.client.consent_to_share_on
    holds = {
        Criterion.NAMED_WORKERS: any(open_on(e, last_mutual) and not is_blank(e.worker) for e in mh)
        and any(open_on(e, last_mutual) and not is_blank(e.worker) for e in sm),
        Criterion.CONSENT: consent_on is not None and consent_on <= last_of_month,
        Criterion.JOINT_CONTACT: joint_count >= definition.joint_contacts_min,
        Criterion.LIAISON: liaison_count >= definition.liaison_contacts_min,
    }
    return Expected(
        mutual_days=len(mutual),
        last_mutual_day=last_mutual,
        excluded=len(mutual) < definition.min_overlap_days,
        teams=tuple(teams),
        joint_count=joint_count,
        liaison_count=liaison_count,
        holds=holds,
    )


# --- strategies --------------------------------------------------------------------------------------

months = st.sampled_from(
    [
        Month(2026, 3),
        Month(2026, 1),
        Month(2024, 2),
        Month(2024, 3),
        Month(2023, 2),
        Month(2025, 12),
        Month(2026, 4),
    ]
)
WORKERS = [None, "", "  ", "Ann", "Bob", "Kim"]
TEAMS = [None, "North", "South", "East"]


@st.composite
def episodes_for(
    draw,
    month: Month,
    service: Service,
    ref: str = "C001",
    *,
    starts: tuple[int, int] = (-45, 35),
    longest: int = 50,
) -> Episode:
    """An episode starting within `starts` days of the month's first day, open or up to
    `longest` days long."""
    start = month.first_day + timedelta(days=draw(st.integers(*starts)))
    end = draw(st.none() | st.integers(0, longest).map(lambda n: start + timedelta(days=n)))
    return Episode(
        client_ref=ref,
        service=service,
        organisation=draw(st.sampled_from(["Trust CMHT", "Turning Point", "Change Grow Live"])),
        start_date=start,
        end_date=end,
        team=draw(st.sampled_from(TEAMS)),
        worker=draw(st.sampled_from(WORKERS)),
    )


@st.composite
def contacts_for(draw, month: Month, ref: str = "C001") -> Contact:
    # Weighted towards contacts that count and dates near the month, so criteria hold often.
    days_back = draw(st.integers(0, month.days - 1) | st.integers(-10, 130))
    kinds = [ContactKind.JOINT_APPOINTMENT, ContactKind.CARE_PLAN_REVIEW, ContactKind.LIAISON] * 2 + list(
        ContactKind
    )
    modes = [ContactMode.FACE_TO_FACE, ContactMode.TELEPHONE] + list(ContactMode)
    outcomes = [Outcome.ATTENDED] * 4 + list(Outcome)
    return Contact(
        client_ref=ref,
        date=month.last_day - timedelta(days=days_back),
        kind=draw(st.sampled_from(kinds)),
        mode=draw(st.sampled_from(modes)),
        outcome=draw(st.sampled_from(outcomes)),
    )


@st.composite
def histories_for(draw, month: Month, ref: str = "C001") -> ClientHistory:
    # Usually episodes on both sides, so mutual clients are common.
    mh = draw(st.lists(episodes_for(month, Service.MENTAL_HEALTH, ref), min_size=1, max_size=3))
    sm = draw(st.lists(episodes_for(month, Service.SUBSTANCE_MISUSE, ref), max_size=3))
    episodes = draw(st.permutations(mh + sm))
    consent = draw(st.none() | st.integers(-60, 5).map(lambda n: month.last_day + timedelta(days=n)))
    contacts = draw(st.lists(contacts_for(month, ref), max_size=8))
    client = Client(client_ref=ref, initials="AB", consent_to_share_on=consent)
    return ClientHistory(client=client, episodes=tuple(episodes), contacts=tuple(contacts))


#: A strategy for each parameter of a criterion (the criteria table's `parameters`): a criterion
#: added to the table needs its parameters' here, or the generators fail loudly.
PARAMETERS = {
    "joint_contacts_min": st.integers(1, 2),
    "joint_contact_window_days": st.sampled_from([1, 7, 30, 31, 60, 89, 90, 91, 120]),
    "liaison_contacts_min": st.integers(1, 2),
}


def definitions_of(definition: type[Definition] = Definition) -> st.SearchStrategy[Definition]:
    """Random definitions: every criterion of the criteria table on or off, with its parameters."""
    return st.builds(
        definition,
        version=st.integers(1, 5),
        min_overlap_days=st.integers(1, 31) | st.just(14),
        written_contacts_count=st.booleans(),
        **{rule.flag: st.booleans() for rule in criteria.table()},
        **{name: PARAMETERS[name] for rule in criteria.table() for name in rule.parameters},
    )


definitions = definitions_of()


@st.composite
def cases(draw):
    month = draw(months)
    return draw(histories_for(month)), month, draw(definitions)


# --- properties ------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(cases())
def test_evaluate_agrees_with_the_day_by_day_brute_force(case):
    history, month, definition = case
    expected = brute_force(history, month, definition)
    result = evaluate(history, month, definition)
    if expected is None:
        assert result is None
        return
    assert result is not None
    assert result.mutual_days == expected.mutual_days
    assert result.is_mutual is not expected.excluded
    assert result.teams == expected.teams
    assert result.joint_contacts_in_window == expected.joint_count
    assert result.liaison_contacts_in_month == expected.liaison_count
    assert result.definition_version == definition.version
    if expected.excluded:
        assert result.criteria == ()
    else:
        enabled = [c for c in Criterion if getattr(definition, c.value)]
        assert result.criteria == tuple((c, expected.holds[c]) for c in enabled)


@PROPERTY_SETTINGS
@given(cases())
def test_named_coordinator_and_key_worker_are_open_on_the_last_mutual_day(case):
    history, month, definition = case
    expected = brute_force(history, month, definition)
    result = evaluate(history, month, definition)
    if expected is None:
        return
    for service, named in (
        (Service.MENTAL_HEALTH, result.care_coordinator),
        (Service.SUBSTANCE_MISUSE, result.key_worker),
    ):
        names = {
            e.worker
            for e in history.episodes
            if e.service == service and open_on(e, expected.last_mutual_day) and not is_blank(e.worker)
        }
        if names:
            assert named in names
        else:
            assert named is None


@PROPERTY_SETTINGS
@given(cases())
def test_jointly_worked_iff_mutual_and_no_enabled_criterion_fails(case):
    history, month, definition = case
    result = evaluate(history, month, definition)
    if result is None:
        return
    assert result.jointly_worked == (result.is_mutual and result.failed_criteria == ())
    assert set(result.failed_criteria) <= set(definition.enabled())
    order = list(Criterion)
    assert list(result.failed_criteria) == sorted(result.failed_criteria, key=order.index)


@PROPERTY_SETTINGS
@given(cases(), st.sampled_from([ContactKind.JOINT_APPOINTMENT, ContactKind.CARE_PLAN_REVIEW]), st.data())
def test_adding_a_counting_joint_contact_never_undoes_joint_working(case, kind, data):
    history, month, definition = case
    on = data.draw(st.integers(0, month.days - 1).map(lambda n: month.first_day + timedelta(days=n)))
    extra = Contact(history.client.client_ref, on, kind, ContactMode.FACE_TO_FACE)
    before = evaluate(history, month, definition)
    after = evaluate(replace(history, contacts=history.contacts + (extra,)), month, definition)
    if before is None:
        assert after is None
        return
    assert set(after.failed_criteria) <= set(before.failed_criteria)
    if before.jointly_worked:
        assert after.jointly_worked
    in_window = (month.last_day - on).days < definition.joint_contact_window_days
    assert after.joint_contacts_in_window == before.joint_contacts_in_window + int(in_window)
    assert after.liaison_contacts_in_month == before.liaison_contacts_in_month + 1


@PROPERTY_SETTINGS
@given(cases())
def test_a_contact_that_does_not_count_changes_nothing(case):
    history, month, definition = case
    missed = Contact(
        history.client.client_ref,
        month.last_day,
        ContactKind.JOINT_APPOINTMENT,
        ContactMode.VIDEO,
        Outcome.DID_NOT_ATTEND,
    )
    shared = Contact(
        history.client.client_ref, month.last_day, ContactKind.INFORMATION_SHARED, ContactMode.MEETING
    )
    after = evaluate(replace(history, contacts=history.contacts + (missed, shared)), month, definition)
    assert after == evaluate(history, month, definition)


@st.composite
def months_of_clients(draw):
    month = draw(months)
    count = draw(st.integers(0, 6))
    histories = [draw(histories_for(month, f"C{n:02d}")) for n in range(count)]
    return histories, month, draw(definitions)


@MANY_CLIENTS_SETTINGS
@given(months_of_clients(), st.sampled_from(TEAMS[1:]))
def test_a_teams_figures_are_a_subset_of_the_whole_services(case, team):
    histories, month, definition = case
    everyone = month_figures(histories, month, definition)
    one_team = month_figures(histories, month, definition, team=team)
    assert set(one_team.clients) <= set(everyone.clients)
    assert set(one_team.excluded) <= set(everyone.excluded)
    assert all(team in c.teams for c in one_team.clients + one_team.excluded)
    assert [c for c in everyone.clients if team in c.teams] == list(one_team.clients)
    assert one_team.jointly_worked <= everyone.jointly_worked
    by_team = {g.name: (g.mutual_clients, g.jointly_worked) for g in everyone.by_team()}
    assert by_team.get(team, (0, 0)) == (one_team.mutual_clients, one_team.jointly_worked)


@MANY_CLIENTS_SETTINGS
@given(months_of_clients())
def test_the_figure_adds_up(case):
    histories, month, definition = case
    figures = month_figures(histories, month, definition)
    judged = [evaluate(h, month, definition) for h in histories]
    mutual = [r for r in judged if r is not None and r.is_mutual]
    assert figures.mutual_clients == len(mutual)
    assert figures.jointly_worked == sum(r.jointly_worked for r in mutual)
    assert len(figures.excluded) == sum(1 for r in judged if r is not None and not r.is_mutual)
    assert [c.client_ref for c in figures.clients] == sorted(c.client_ref for c in figures.clients)
    if figures.mutual_clients == 0:
        assert figures.percentage is None
    else:
        assert figures.percentage == 100 * figures.jointly_worked / figures.mutual_clients
        assert 0 <= figures.percentage <= 100
    assert sum(n for _, n in figures.reasons()) == sum(len(c.failed_criteria) for c in figures.clients)
    assert sum(g.mutual_clients for g in figures.by_care_coordinator()) == figures.mutual_clients
    assert sum(g.mutual_clients for g in figures.by_provider()) == figures.mutual_clients


@MANY_CLIENTS_SETTINGS
@given(months_of_clients())
def test_the_three_breakdowns_counted_together_are_each_the_plain_breakdown(case):
    """`by_team`, `by_care_coordinator` and `by_provider` are counted in one pass; each is the
    plain `breakdown` of its own grouping, and asking again (or in another order) changes
    nothing. Also with some clients' team, care coordinator and provider left unnamed."""
    histories, month, definition = case
    figures = month_figures(histories, month, definition)
    unnamed = MonthFigures(
        month,
        None,
        definition,
        tuple(
            c._replace(teams=(), care_coordinator=None, provider=None if n % 2 else "") if n % 3 == 0 else c
            for n, c in enumerate(figures.clients)
        ),
        figures.excluded,
    )
    for found in (figures, unnamed):
        plain = [
            found.breakdown(lambda c: c.teams or [None]),
            found.breakdown(lambda c: [c.care_coordinator]),
            found.breakdown(lambda c: [c.provider]),
        ]
        assert [found.by_provider(), found.by_team(), found.by_care_coordinator()] == [
            plain[2],
            plain[0],
            plain[1],
        ]
        asked = found.by_team()
        asked.clear()
        assert [found.by_team(), found.by_care_coordinator(), found.by_provider()] == plain
    assert figures == month_figures(histories, month, definition)
    assert figures.not_jointly_worked() == tuple(c for c in figures.clients if not c.jointly_worked)
    assert figures.jointly_worked == sum(1 for c in figures.clients if c.jointly_worked)


@given(st.integers(0, 500), st.integers(1, 500))
def test_percent_text_is_the_nearest_whole_percent_halves_up(jointly_worked, mutual):
    jointly_worked = min(jointly_worked, mutual)
    # Exact integer arithmetic: floor(100 j / n + 1/2) = floor((200 j + n) / 2n).
    expected = (200 * jointly_worked + mutual) // (2 * mutual)
    assert percent_text(100 * jointly_worked / mutual) == f"{expected}%"
