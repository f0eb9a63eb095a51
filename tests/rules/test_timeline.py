"""The month-after-month judgement (rules/timeline.py) gives exactly what `evaluate` and
`month_figures` give, month by month, on random clients, ranges of months and definitions."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddcase.domain import (
    Client,
    ClientCountingFacts,
    ClientFacts,
    ClientHistory,
    Contact,
    ContactDays,
    ContactKind,
    ContactMode,
    CountingContacts,
    Definition,
    Episode,
    Month,
    Outcome,
    Service,
)
from ddcase.rules import criteria
from ddcase.rules.figures import MonthRule, evaluate, month_figures
from ddcase.rules.timeline import (
    Counted,
    judge_counts,
    mode_sets,
    months_counts,
    months_counts_of_teams,
    months_held_of_teams,
)
from tests.rules import builders as b
from tests.rules.test_properties import TEAMS, definitions, episodes_for

TIMELINE_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MANY_CLIENTS_SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

base_months = st.sampled_from([Month(2024, 2), Month(2025, 12), Month(2026, 3), Month(2023, 11)])


def an_episode(base: Month, service: Service, ref: str) -> st.SearchStrategy[Episode]:
    """Episodes spread over several months around `base`, for ranges of months."""
    return episodes_for(base, service, ref, starts=(-120, 150), longest=200)


@st.composite
def a_contact(draw, base: Month, ref: str) -> Contact:
    kinds = [ContactKind.JOINT_APPOINTMENT, ContactKind.CARE_PLAN_REVIEW, ContactKind.LIAISON] * 2 + list(
        ContactKind
    )
    return Contact(
        client_ref=ref,
        date=base.first_day + timedelta(days=draw(st.integers(-150, 200))),
        kind=draw(st.sampled_from(kinds)),
        mode=draw(st.sampled_from([ContactMode.FACE_TO_FACE, ContactMode.TELEPHONE, *ContactMode])),
        outcome=draw(st.sampled_from([Outcome.ATTENDED] * 4 + list(Outcome))),
    )


@st.composite
def a_history(draw, base: Month, ref: str = "C001") -> ClientHistory:
    mh = draw(st.lists(an_episode(base, Service.MENTAL_HEALTH, ref), min_size=1, max_size=4))
    sm = draw(st.lists(an_episode(base, Service.SUBSTANCE_MISUSE, ref), max_size=4))
    consent = draw(st.none() | st.integers(-60, 200).map(lambda n: base.first_day + timedelta(days=n)))
    contacts = draw(st.lists(a_contact(base, ref), max_size=14))
    client = Client(client_ref=ref, initials="AB", consent_to_share_on=consent)
    return ClientHistory(client, tuple(draw(st.permutations(mh + sm))), tuple(contacts))


@st.composite
def months_and_definitions(draw, base: Month):
    first = base.plus(draw(st.integers(-2, 3)))
    count = draw(st.integers(1, 7))
    months = [first.plus(i) for i in range(count)]
    # A definition per month, as versions change from a month on.
    return months, [draw(definitions) for _ in months]


@st.composite
def one_client(draw):
    base = draw(base_months)
    months, versions = draw(months_and_definitions(base))
    return draw(a_history(base)), months, versions


@st.composite
def many_clients(draw):
    base = draw(base_months)
    months, versions = draw(months_and_definitions(base))
    histories = [draw(a_history(base, f"C{n:02d}")) for n in range(draw(st.integers(0, 5)))]
    return histories, months, versions


def test_no_months_no_counts():
    assert months_counts([], [], []) == []


def counted(result, team) -> Counted:
    """What `judge_counts` should say, worked out from `evaluate`'s ClientMonth."""
    if result is None or (team is not None and team not in result.teams):
        return Counted.NOT_COUNTED
    if not result.is_mutual:
        return Counted.EXCLUDED
    return Counted.JOINTLY_WORKED if result.jointly_worked else Counted.MUTUAL


@TIMELINE_SETTINGS
@given(one_client(), st.sampled_from([None, *TEAMS]))
def test_the_counts_only_judgement_agrees_with_evaluate(case, team):
    history, months, versions = case
    expected = [counted(evaluate(history, m, d), team) for m, d in zip(months, versions, strict=True)]
    rules = [MonthRule.of(m, d) for m, d in zip(months, versions, strict=True)]
    assert judge_counts(ClientFacts.of(history), rules, team) == expected


@MANY_CLIENTS_SETTINGS
@given(many_clients(), st.sampled_from([None, *TEAMS[1:]]))
def test_counts_only_months_equal_the_full_months_counts(case, team):
    histories, months, versions = case
    expected = [month_figures(histories, m, d, team) for m, d in zip(months, versions, strict=True)]
    facts = [ClientFacts.of(h) for h in histories]
    assert months_counts(facts, months, versions, team) == [f.counts() for f in expected]


@MANY_CLIENTS_SETTINGS
@given(many_clients(), st.lists(st.sampled_from(TEAMS), max_size=4))
def test_every_teams_counts_in_one_pass_equal_each_teams_own(case, teams):
    """The one pass for several teams (the measures × teams summary) gives each team, and all
    teams (None), what the month's figures give it alone; the months may repeat (a measure per
    criterion judges the same month by several definitions)."""
    histories, months, versions = case
    months, versions = months * 2, versions + versions[::-1]
    facts = [ClientFacts.of(h) for h in histories]
    expected = [
        [month_figures(histories, m, d, team).counts() for m, d in zip(months, versions, strict=True)]
        for team in teams
    ]
    assert months_counts_of_teams(facts, months, versions, teams) == expected


def held_in(figures) -> tuple:
    """For each criterion the month's definition enables, its mutual clients for whom it holds,
    worked out from `month_figures`' clients."""
    return tuple(
        (name, sum(1 for c in figures.clients if c.holds(name))) for name in figures.definition.enabled()
    )


@MANY_CLIENTS_SETTINGS
@given(many_clients(), st.lists(st.sampled_from(TEAMS), max_size=3))
def test_every_criterion_tallied_in_the_one_pass_equals_each_clients_judgement(case, teams):
    """The family's process measures: in the same pass as the counts, each enabled criterion's
    mutual clients for whom it holds, as `month_figures` judges them (every criterion judged,
    not only up to the first that fails), read from contacts and from `ContactDays` alike."""
    histories, months, versions = case
    teams = [None, *teams]
    expected = [
        [
            (figures.counts(), held_in(figures))
            for figures in (
                month_figures(histories, m, d, team) for m, d in zip(months, versions, strict=True)
            )
        ]
        for team in teams
    ]
    assert counted_both_ways(months_held_of_teams, histories, months, versions, teams) == (expected, expected)


@MANY_CLIENTS_SETTINGS
@given(many_clients())
def test_every_criterion_tallied_for_every_team_equals_each_clients_judgement(case):
    """The measures × teams summary asks for every team at once: a client whose mental_health
    episodes are all of one team (that team's tally takes the client's sets as they are) and a
    client whose episodes are of several teams or none (their sets masked by each team's months)
    are tallied, criteria and all, as `month_figures` judges each team's month alone."""
    histories, months, versions = case
    teams = [None, *(team for team in TEAMS if team)]
    expected = [
        [
            (figures.counts(), held_in(figures))
            for figures in (
                month_figures(histories, m, d, team) for m, d in zip(months, versions, strict=True)
            )
        ]
        for team in teams
    ]
    assert counted_both_ways(months_held_of_teams, histories, months, versions, teams) == (expected, expected)
    # Each team alone, without the figure for all teams beside it.
    facts = [ClientFacts.of(h) for h in histories]
    for team, of_team in zip(teams[1:], expected[1:], strict=True):
        assert months_held_of_teams(facts, months, versions, [team]) == [of_team]


def counted_both_ways(count, histories, months, versions, teams) -> tuple:
    """`count` (`months_counts_of_teams` or `months_held_of_teams`) of the clients from their
    contacts, and from their days as storage reads them (`as_days`)."""
    facts = [ClientFacts.of(h) for h in histories]
    counting = criteria.counting_contacts(list(zip(months, versions, strict=True)))
    read = [as_days(h, counting, mode_sets(versions)) for h in histories]
    return count(facts, months, versions, teams), count(read, months, versions, teams)


def as_days(history: ClientHistory, counting: CountingContacts, modes) -> ClientCountingFacts:
    """The client's facts as `figures_read.figure_days` reads them (`ContactDays`), made by hand."""
    facts = ClientFacts.of(history)
    days = tuple(
        tuple(
            tuple(
                sorted(
                    c.date
                    for c in history.contacts
                    if c.outcome in counting.outcomes
                    and c.mode in counting.modes
                    and c.mode in these
                    and c.kind in tally.kinds
                    and tally.first <= c.date <= tally.last
                )
            )
            for tally in counting.tallies
        )
        for these in modes
    )
    return ClientCountingFacts(*facts[:4], ContactDays(modes, days))


@MANY_CLIENTS_SETTINGS
@given(many_clients(), st.lists(st.sampled_from(TEAMS), max_size=3))
def test_counts_from_each_clients_days_equal_those_from_their_contacts(case, teams):
    """The series' read (`ContactDays`: each tally's sorted days, one list for each set of modes
    the range's definitions count) is counted exactly as the contacts it stands for, whatever the
    versions say of written contacts and windows."""
    histories, months, versions = case
    teams = [None, *teams]
    counting = criteria.counting_contacts(list(zip(months, versions, strict=True)))
    modes = mode_sets(versions)
    read = [as_days(h, counting, modes) for h in histories]
    expected = [
        [month_figures(histories, m, d, team).counts() for m, d in zip(months, versions, strict=True)]
        for team in teams
    ]
    assert months_counts_of_teams(read, months, versions, teams) == expected
    for facts, history in zip(read, histories, strict=True):
        rules = [MonthRule.of(m, d) for m, d in zip(months, versions, strict=True)]
        assert judge_counts(facts, rules) == judge_counts(ClientFacts.of(history), rules)


def test_counts_by_hand():
    """Four clients in March 2026 by the default definition: jointly worked, no consent, a short
    overlap (10 mutual days) and one open to the CMHT only."""
    march = Month(2026, 3)
    worked = b.a_history(
        b.a_client("C1"),
        [b.an_episode(b.MH, "2026-01-01", ref="C1"), b.an_episode(b.SM, "2026-02-01", ref="C1")],
        [b.a_contact("2026-03-10", ref="C1")],
    )
    no_consent = b.a_history(
        b.a_client("C2", consent_on=None),
        [b.an_episode(b.MH, "2026-01-01", ref="C2"), b.an_episode(b.SM, "2026-02-01", ref="C2")],
        [b.a_contact("2026-03-10", ref="C2")],
    )
    short = b.a_history(
        b.a_client("C3"),
        [b.an_episode(b.MH, "2026-01-01", ref="C3"), b.an_episode(b.SM, "2026-03-22", ref="C3")],
        [],
    )
    cmht_only = b.a_history(b.a_client("C4"), [b.an_episode(b.MH, "2026-01-01", ref="C4")], [])
    facts = [ClientFacts.of(h) for h in (worked, no_consent, short, cmht_only)]
    (counts,) = months_counts(facts, [march], [Definition()])
    assert (counts.mutual_clients, counts.jointly_worked, counts.excluded_clients) == (2, 1, 1)
    assert counts.percentage == 50


@st.composite
def months_with_gaps(draw):
    """Some months of a range around `base`, with gaps between them, in any order, each judged by
    a definition of its own."""
    base = draw(base_months)
    chosen = draw(st.lists(st.integers(-4, 7), min_size=1, max_size=6, unique=True))
    months = [base.plus(n) for n in chosen]
    histories = [draw(a_history(base, f"C{n:02d}")) for n in range(draw(st.integers(1, 5)))]
    return histories, months, [draw(definitions) for _ in months]


@MANY_CLIENTS_SETTINGS
@given(months_with_gaps(), st.lists(st.sampled_from(TEAMS), max_size=3))
def test_months_with_gaps_between_them_count_as_each_month_alone(case, teams):
    """A series' months need not follow one another: a run of mutual days across a month left
    out counts only in the months asked for, each with its own days (the counting takes the
    months between a run's first and last as whole months only when they are)."""
    histories, months, versions = case
    teams = [None, *teams]
    expected = [
        [month_figures(histories, m, d, team).counts() for m, d in zip(months, versions, strict=True)]
        for team in teams
    ]
    assert counted_both_ways(months_counts_of_teams, histories, months, versions, teams) == (
        expected,
        expected,
    )


# --- whole months: a client's months counted all at once ------------------------------------------
# The counting takes each client's months together, as sets of months (`_CountPlan.count`): the
# months of a run of mutual days, consent from the month it was recorded in, each criterion counted
# from contacts from the days whose windows reach into a month. These strategies make what that
# reading turns on: runs of mutual days over many whole months (and gaps between runs), consent
# recorded mid-run (on a month's first or last day too), contacts on and around month ends so
# that windows cross them, criteria needing more than one contact, unnamed workers mid-run.

long_definitions = st.builds(
    Definition,
    version=st.integers(1, 5),
    min_overlap_days=st.sampled_from([1, 14, 28, 29, 30, 31]),
    written_contacts_count=st.booleans(),
    # Mostly enabled and within reach, so that many months are jointly worked.
    **{rule.flag: st.sampled_from([True, True, True, False]) for rule in criteria.table()},
    joint_contacts_min=st.sampled_from([1, 1, 2, 3]),
    joint_contact_window_days=st.sampled_from([1, 28, 30, 31, 32, 60, 90, 90, 91]),
    liaison_contacts_min=st.sampled_from([1, 1, 2, 3]),
)


@st.composite
def a_day_near_month_ends(draw, months: list[Month]) -> date:
    """A day on or around the first or last day of one of the months (or of the months before
    them, whose days a window reaches back to)."""
    month = months[0].plus(draw(st.integers(-4, len(months))))
    edge = draw(st.sampled_from([month.first_day, month.last_day]))
    return edge + timedelta(days=draw(st.sampled_from([0, 0, 0, -1, 1, -2, 2, 15])))


@st.composite
def a_long_history(draw, months: list[Month], ref: str) -> ClientHistory:
    start = months[0].first_day
    span = (months[-1].last_day - start).days

    @st.composite
    def long_episode(draw, service: Service) -> Episode:
        begins = start + timedelta(days=draw(st.integers(-120, span)))
        ends = draw(st.none() | st.integers(0, span + 60).map(lambda n: begins + timedelta(days=n)))
        return Episode(
            client_ref=ref,
            service=service,
            organisation="Trust CMHT",
            start_date=begins,
            end_date=ends,
            team=draw(st.sampled_from(TEAMS)),
            worker=draw(st.sampled_from(["Ann", "Ann", "Ann", "Bob", None, " "])),
        )

    mh = draw(st.lists(long_episode(Service.MENTAL_HEALTH), min_size=1, max_size=3))
    sm = draw(st.lists(long_episode(Service.SUBSTANCE_MISUSE), min_size=1, max_size=3))
    consent = draw(
        st.none()
        | st.just(start - timedelta(days=1))
        | a_day_near_month_ends(months)
        | st.sampled_from(months).map(lambda m: m.last_day)
        | st.integers(0, span).map(lambda n: start + timedelta(days=n))
    )
    kinds = [ContactKind.JOINT_APPOINTMENT, ContactKind.LIAISON] * 3 + list(ContactKind)
    a_contact = st.builds(
        Contact,
        client_ref=st.just(ref),
        date=a_day_near_month_ends(months),
        kind=st.sampled_from(kinds),
        mode=st.sampled_from([ContactMode.FACE_TO_FACE] * 3 + list(ContactMode)),
        outcome=st.sampled_from([Outcome.ATTENDED] * 4 + list(Outcome)),
    )
    # About two a month, so that the criteria counted from contacts hold in many months.
    contacts = draw(st.lists(a_contact, min_size=len(months), max_size=3 * len(months)))
    client = Client(client_ref=ref, initials="AB", consent_to_share_on=consent)
    return ClientHistory(client, tuple(draw(st.permutations(mh + sm))), tuple(contacts))


@st.composite
def long_runs(draw):
    """Many months (6 to 15, now and then with one left out), judged by one definition or by a
    second from a month on, and clients open over many of them."""
    first = draw(base_months).plus(draw(st.integers(-3, 3)))
    months = [first.plus(i) for i in range(draw(st.integers(6, 15)))]
    if draw(st.booleans()):
        del months[draw(st.integers(1, len(months) - 2))]
    before, after = draw(long_definitions), draw(long_definitions)
    change = draw(st.integers(0, len(months)))
    versions = [before if i < change else after for i in range(len(months))]
    histories = [draw(a_long_history(months, f"C{n:02d}")) for n in range(draw(st.integers(1, 4)))]
    return histories, months, versions


@MANY_CLIENTS_SETTINGS
@given(long_runs(), st.lists(st.sampled_from(TEAMS[1:]), max_size=3, unique=True))
def test_whole_months_counted_at_once_equal_each_month_judged_alone(case, teams):
    """Each client's months taken together give every month, every team and every criterion
    what `month_figures` gives judging each month alone, from contacts and from days alike."""
    histories, months, versions = case
    teams = [None, *teams]
    figures = [
        [month_figures(histories, m, d, team) for m, d in zip(months, versions, strict=True)]
        for team in teams
    ]
    counts = [[f.counts() for f in of_team] for of_team in figures]
    held = [[(f.counts(), held_in(f)) for f in of_team] for of_team in figures]
    assert counted_both_ways(months_counts_of_teams, histories, months, versions, teams) == (counts, counts)
    assert counted_both_ways(months_held_of_teams, histories, months, versions, teams) == (held, held)


@TIMELINE_SETTINGS
@given(long_runs(), st.sampled_from(TEAMS))
def test_whole_months_of_one_client_agree_with_evaluate(case, team):
    """Client by client, each month's outcome (excluded, mutual, jointly worked) as `evaluate`
    gives it."""
    histories, months, versions = case
    rules = [MonthRule.of(m, d) for m, d in zip(months, versions, strict=True)]
    for history in histories:
        expected = [counted(evaluate(history, m, d), team) for m, d in zip(months, versions, strict=True)]
        assert judge_counts(ClientFacts.of(history), rules, team) == expected


@st.composite
def a_history_of_handovers(draw, months: list[Month], ref: str) -> ClientHistory:
    """Each side a chain of episodes, one after another (the trust's clients: a worker handed
    over, unallocated for a while, then named again), the handovers on or around months' last
    and first days, some workers blank: named workers hold or not from one day to the next."""

    def chain(service: Service) -> list[Episode]:
        day = months[0].first_day - timedelta(days=draw(st.integers(0, 40)))
        episodes = []
        for _ in range(draw(st.integers(1, 4))):
            end = draw(st.none() | a_day_near_month_ends(months))
            if end is not None and end < day:
                end = day
            episodes.append(
                Episode(
                    client_ref=ref,
                    service=service,
                    organisation="Trust CMHT",
                    start_date=day,
                    end_date=end,
                    team=draw(st.sampled_from(TEAMS)),
                    worker=draw(st.sampled_from(["Ann", "Bob", None, " ", ""])),
                )
            )
            if end is None:
                break
            day = end + timedelta(days=draw(st.sampled_from([1, 1, 1, 0, 2, 10])))
        return episodes

    mh, sm = chain(Service.MENTAL_HEALTH), chain(Service.SUBSTANCE_MISUSE)
    consent = draw(st.none() | st.just(months[0].first_day))
    contacts = [
        Contact(
            client_ref=ref,
            date=m.last_day,
            kind=kind,
            mode=ContactMode.FACE_TO_FACE,
            outcome=Outcome.ATTENDED,
        )
        for m in months
        for kind in (ContactKind.JOINT_APPOINTMENT, ContactKind.LIAISON)
    ]
    client = Client(client_ref=ref, initials="AB", consent_to_share_on=consent)
    return ClientHistory(client, tuple(draw(st.permutations(mh + sm))), tuple(contacts))


@st.composite
def handovers(draw):
    first = draw(base_months).plus(draw(st.integers(-3, 3)))
    months = [first.plus(i) for i in range(draw(st.integers(3, 12)))]
    definition = draw(long_definitions)
    histories = [draw(a_history_of_handovers(months, f"C{n:02d}")) for n in range(draw(st.integers(1, 4)))]
    return histories, months, [definition] * len(months)


@MANY_CLIENTS_SETTINGS
@given(handovers(), st.lists(st.sampled_from(TEAMS[1:]), max_size=2, unique=True))
def test_named_workers_across_handovers_counted_at_once_equal_each_month_judged_alone(case, teams):
    """Named workers read as the months whose last day each side's named episodes cover, with
    workers handed over on and around months' last days: what `month_figures` gives, month by
    month and client by client."""
    histories, months, versions = case
    teams = [None, *teams]
    figures = [
        [month_figures(histories, m, d, team) for m, d in zip(months, versions, strict=True)]
        for team in teams
    ]
    counts = [[f.counts() for f in of_team] for of_team in figures]
    held = [[(f.counts(), held_in(f)) for f in of_team] for of_team in figures]
    assert counted_both_ways(months_counts_of_teams, histories, months, versions, teams) == (counts, counts)
    assert counted_both_ways(months_held_of_teams, histories, months, versions, teams) == (held, held)
    rules = [MonthRule.of(m, d) for m, d in zip(months, versions, strict=True)]
    for history in histories:
        expected = [counted(evaluate(history, m, d), None) for m, d in zip(months, versions, strict=True)]
        assert judge_counts(ClientFacts.of(history), rules) == expected
