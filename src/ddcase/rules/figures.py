"""Pure: whether each client is mutual and jointly worked in a month, and the month's figure
(SPEC §1, §2).

`evaluate` judges one client in one month and says, criterion by criterion, what holds, so every
screen and report can say *why not*. `month_figures` counts them. The percentage is computed
here once (`percentage`); rounding for display is `ddcase.domain.format.percent_text`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter, ge
from typing import NamedTuple

from ddcase.domain import (
    ClientHistory,
    ClientMonthFacts,
    CountingContacts,
    Criterion,
    Definition,
    Episode,
    EpisodeFact,
    ExclusionReason,
    Month,
    Service,
)
from ddcase.rules import criteria
from ddcase.rules.mutual import Interval, mutual_intervals, mutual_of, overlap_of, overlaps


class ClientMonth(NamedTuple):
    """One client judged in one month. A named tuple, not a dataclass: a trust's month makes
    thousands of them, and a tuple is made several times faster than a frozen dataclass."""

    client_ref: str
    initials: str
    month: Month
    definition_version: int
    mutual_days: int
    excluded: ExclusionReason | None
    teams: tuple[str, ...]
    criteria: tuple[tuple[Criterion, bool], ...]
    care_coordinator: str | None
    key_worker: str | None
    provider: str | None
    # The last counting joint appointment or care plan review in the joint-contact window ending
    # on the last day of M (or in M, when the window is shorter): what the figures look at, so the
    # same however far back the contacts were read.
    last_joint_contact: date | None
    joint_contacts_in_window: int
    liaison_contacts_in_month: int

    @property
    def is_mutual(self) -> bool:
        return self.excluded is None

    @property
    def failed_criteria(self) -> tuple[Criterion, ...]:
        """The enabled criteria that do not hold, in SPEC order (empty when jointly worked)."""
        return tuple(c for c, holds in self.criteria if not holds)

    @property
    def jointly_worked(self) -> bool:
        if self.excluded is not None:
            return False
        for _, holds in self.criteria:
            if not holds:
                return False
        return True

    def missing(self) -> tuple[str, ...]:
        """What is missing, criterion by criterion, naming the side when only one service has no
        named worker: ('no named key worker', 'no liaison this month')."""
        texts = []
        for criterion in self.failed_criteria:
            if criterion is Criterion.NAMED_WORKERS and (self.care_coordinator is None) != (
                self.key_worker is None
            ):
                texts.append(
                    "no named care coordinator" if self.care_coordinator is None else "no named key worker"
                )
            else:
                texts.append(criteria.why_not(criterion))
        return tuple(texts)

    def holds(self, criterion: Criterion) -> bool | None:
        """Whether an enabled criterion holds; None when the definition does not use it."""
        for c, holds in self.criteria:
            if c is criterion:
                return holds
        return None


def evaluate(history: ClientHistory, month: Month, definition: Definition) -> ClientMonth | None:
    """Judge one client in month M by `definition` (the version in force for M).

    None when the client has no mutual day in M. A client with some mutual days but fewer than
    `min_overlap_days` is returned excluded (`short_overlap`), with no criteria judged.
    """
    episodes = history.episodes
    intervals = mutual_intervals(episodes, month)
    if not intervals:
        return None
    rule = MonthRule.of(month, definition)
    counting = [c for c in history.contacts if criteria.is_counting(c, definition)]
    last = rule.last_day
    latest = rule.contacts.latest
    return judged(
        history.client.client_ref,
        history.client.initials,
        history.client.consent_to_share_on,
        episodes,
        rule,
        intervals,
        counts=tuple(
            sum(1 for c in counting if c.kind in tally.kinds and tally.first <= c.date <= last)
            for tally in rule.contacts.tallies
        ),
        last_joint=max(
            (c.date for c in counting if c.kind in latest.kinds and latest.first <= c.date <= last),
            default=None,
        ),
    )


@dataclass(frozen=True, slots=True)
class MonthRule:
    """Month M and the definition in force for it, with what judging each client reads of them
    and of the criteria table (worked out once per month, not once per client)."""

    month: Month
    definition: Definition
    first_day: date
    last_day: date
    #: the contacts that count for M, one tally per criterion counted from contacts
    contacts: CountingContacts
    enabled: tuple[Criterion, ...]
    #: for each enabled criterion, how `judged` tests it: (NAMED, 0, 0), (CONSENT, 0, 0) or
    #: (COUNT, the index of its tally, the number needed)
    checks: tuple[tuple[int, int, int], ...]
    #: the tallies a ClientMonth shows: joint contacts in the window, liaison in the month
    joint_index: int
    liaison_index: int
    #: for each tally, the number its criterion needs
    needed: tuple[int, ...]
    #: The criteria as a ClientMonth holds them, for each outcome (named workers, consent, then
    #: each tally's count against what it needs): made once per month and shared by every client
    #: with that outcome.
    held_for: dict[tuple[bool, ...], tuple[tuple[Criterion, bool], ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "held_for", {})

    @property
    def window_first(self) -> date:
        """The first day of the joint-contact window ending on the last day of M."""
        return self.contacts.tallies[self.joint_index].first

    @property
    def looked_back_to(self) -> date:
        """The first day the month's judgement reads contacts from: the joint-contact window's,
        or the month's when the window is shorter."""
        return self.contacts.latest.first

    def held(self, outcome: tuple[bool, ...]) -> tuple[tuple[Criterion, bool], ...]:
        found = self.held_for.get(outcome)
        if found is None:
            at = {NAMED: 0, CONSENT: 1}
            found = self.held_for[outcome] = tuple(
                (name, outcome[at[how]] if how in at else outcome[2 + index])
                for name, (how, index, _) in zip(self.enabled, self.checks, strict=True)
            )
        return found

    @classmethod
    def of(cls, month: Month, definition: Definition) -> MonthRule:
        counted = [r.name for r, _ in criteria.contact_counts()]
        checks = []
        enabled = []
        for rule in criteria.table():
            if not getattr(definition, rule.flag):
                continue
            enabled.append(rule.name)
            how = rule.counted
            if isinstance(how, criteria.NamedWorkers):
                checks.append((NAMED, 0, 0))
            elif isinstance(how, criteria.ConsentRecorded):
                checks.append((CONSENT, 0, 0))
            else:
                checks.append((COUNT, counted.index(rule.name), how.needed(definition)))
        return cls(
            month,
            definition,
            month.first_day,
            month.last_day,
            criteria.counting_contacts([(month, definition)]),
            tuple(enabled),
            tuple(checks),
            counted.index(Criterion.JOINT_CONTACT),
            counted.index(Criterion.LIAISON),
            tuple(how.needed(definition) for _, how in criteria.contact_counts()),
        )


#: How `judged` tests a criterion (`MonthRule.checks`).
NAMED, CONSENT, COUNT = 0, 1, 2


def judged(
    client_ref: str,
    initials: str,
    consent_to_share_on: date | None,
    episodes: Sequence[Episode] | Sequence[EpisodeFact],
    rule: MonthRule,
    intervals: Sequence[Interval],
    *,
    counts: Sequence[int],
    last_joint: date | None,
) -> ClientMonth:
    """The client's month from its mutual days (`intervals`, not empty) and its contact counts
    (one for each tally of `rule.contacts`): the one place a ClientMonth is made, for
    `evaluate`, `month_figures_of` and `rules.timeline` alike.

    On the last mutual day, the episode of each side that speaks for it is chosen by
    `criteria.speakers`; its worker is the care coordinator or key worker, and
    named_workers holds when both sides have one. Each enabled criterion is tested as the
    criteria table declares it (`MonthRule.checks`).
    """
    definition = rule.definition
    single = len(intervals) == 1
    if single:  # most clients: one run of mutual days
        ((first_mutual_day, last_mutual_day),) = intervals
        days = (last_mutual_day - first_mutual_day).days + 1
    else:
        days = 0
        for start, end in intervals:
            days += (end - start).days + 1
        first_mutual_day, last_mutual_day = intervals[0][0], intervals[-1][1]
    # A list, not a set, sorted only when it has more than one: most clients have one team.
    teams: list[str] = []
    for e in episodes:
        team = e.team
        if (
            team
            and e.service is _MENTAL_HEALTH
            and team not in teams
            # Open on some mutual day: within the first..last mutual day, which is exact for
            # a single run of mutual days.
            and e.start_date <= last_mutual_day
            and (e.end_date is None or e.end_date >= first_mutual_day)
            and (single or overlaps(e, intervals))
        ):
            teams.append(team)
    if len(teams) > 1:
        teams.sort()
    coordinator, key_worker, provider = _speakers(episodes, last_mutual_day)
    excluded = ExclusionReason.SHORT_OVERLAP if days < definition.min_overlap_days else None
    held: tuple[tuple[Criterion, bool], ...] = ()
    if excluded is None:
        outcome = (
            coordinator is not None and key_worker is not None,
            consent_to_share_on is not None and consent_to_share_on <= rule.last_day,
            *map(ge, counts, rule.needed),
        )
        # The month's table read here (`MonthRule.held` fills it): one method call less a client.
        found = rule.held_for.get(outcome)
        held = rule.held(outcome) if found is None else found
    # tuple.__new__, as the named tuple's own __new__ does, without its Python call: a trust's
    # month makes thousands.
    return _new(
        ClientMonth,
        (
            client_ref,
            initials,
            rule.month,
            definition.version,
            days,
            excluded,
            tuple(teams),
            held,
            coordinator,
            key_worker,
            provider,
            last_joint,
            counts[rule.joint_index],
            counts[rule.liaison_index],
        ),
    )


_new = tuple.__new__
_speakers = criteria.speakers
#: An enum's member read from its class is a Python-level look-up (about 0.2 µs): `judged` tests
#: every episode of a trust's month.
_MENTAL_HEALTH = Service.MENTAL_HEALTH


def percentage(jointly_worked: int, mutual_clients: int) -> float | None:
    """SPEC §2: 100 x jointly_worked / mutual_clients, unrounded; None with no mutual clients."""
    if mutual_clients == 0:
        return None
    return 100 * jointly_worked / mutual_clients


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """The month's figure (optionally for one team) with every mutual and excluded client."""

    month: Month
    team: str | None
    definition: Definition
    clients: tuple[ClientMonth, ...]
    excluded: tuple[ClientMonth, ...]
    # Counted once: screens and reports read the figure many times. Each client's jointly worked
    # is judged once, here, and kept beside the clients for the lists and the breakdowns.
    _jointly_worked: int = field(init=False, repr=False, compare=False)
    _worked: tuple[bool, ...] = field(init=False, repr=False, compare=False)
    # The breakdowns by team, care coordinator and provider, counted together in one pass over
    # the clients the first time one is asked for (a report and the dashboard ask for them all).
    _breakdowns: tuple[list[GroupFigures], list[GroupFigures], list[GroupFigures]] | None = field(
        init=False, default=None, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        worked = tuple([c.jointly_worked for c in self.clients])
        object.__setattr__(self, "_worked", worked)
        object.__setattr__(self, "_jointly_worked", worked.count(True))

    @property
    def definition_version(self) -> int:
        return self.definition.version

    @property
    def mutual_clients(self) -> int:
        return len(self.clients)

    @property
    def jointly_worked(self) -> int:
        return self._jointly_worked

    @property
    def percentage(self) -> float | None:
        return percentage(self.jointly_worked, self.mutual_clients)

    @property
    def excluded_clients(self) -> int:
        return len(self.excluded)

    def counts(self) -> MonthCounts:
        """The figure without the clients, as a series gives it."""
        return MonthCounts(
            self.month,
            self.team,
            self.definition,
            self.mutual_clients,
            self.jointly_worked,
            len(self.excluded),
        )

    def not_jointly_worked(self) -> tuple[ClientMonth, ...]:
        return tuple(c for c, worked in zip(self.clients, self._worked, strict=True) if not worked)

    def reasons(self) -> list[tuple[Criterion, int]]:
        """How many mutual clients fail each criterion, largest first (ties in SPEC order)."""
        counts: Counter[Criterion] = Counter()
        for c in self.clients:
            counts.update(c.failed_criteria)
        order = [r.name for r in criteria.table()]
        return sorted(counts.items(), key=lambda item: (-item[1], order.index(item[0])))

    def breakdown(self, key: Callable[[ClientMonth], Iterable[str | None]]) -> list[GroupFigures]:
        """The figure per group (care coordinator, provider, team ...), largest group first.

        `key` returns the groups a client belongs to (a client may be in several teams). The
        plain reading: `by_team`, `by_care_coordinator` and `by_provider` count the three
        together and are held to this one (tests/rules/test_properties.py)."""
        totals: dict[str, list[int]] = {}
        for c in self.clients:
            for group in key(c):
                name = group or _NONE_NAMED
                cell = totals.setdefault(name, [0, 0])
                cell[0] += 1
                cell[1] += int(c.jointly_worked)
        return _largest_first(totals)

    def by_care_coordinator(self) -> list[GroupFigures]:
        return list(self._three_breakdowns()[1])

    def by_provider(self) -> list[GroupFigures]:
        return list(self._three_breakdowns()[2])

    def by_team(self) -> list[GroupFigures]:
        return list(self._three_breakdowns()[0])

    def _three_breakdowns(self) -> tuple[list[GroupFigures], list[GroupFigures], list[GroupFigures]]:
        """`breakdown` by team, by care coordinator and by provider, in one pass over the clients
        and their jointly worked as judged once (`__post_init__`), not once a grouping."""
        found = self._breakdowns
        if found is None:
            teams: dict[str, list[int]] = {}
            coordinators: dict[str, list[int]] = {}
            providers: dict[str, list[int]] = {}
            for c, worked in zip(self.clients, self._worked, strict=True):
                for group in c.teams or (None,):
                    cell = teams.setdefault(group or _NONE_NAMED, [0, 0])
                    cell[0] += 1
                    cell[1] += worked
                cell = coordinators.setdefault(c.care_coordinator or _NONE_NAMED, [0, 0])
                cell[0] += 1
                cell[1] += worked
                cell = providers.setdefault(c.provider or _NONE_NAMED, [0, 0])
                cell[0] += 1
                cell[1] += worked
            found = (_largest_first(teams), _largest_first(coordinators), _largest_first(providers))
            object.__setattr__(self, "_breakdowns", found)
        return found


#: A breakdown's group for clients with no team, care coordinator or provider named.
_NONE_NAMED = "(none named)"


def _largest_first(totals: dict[str, list[int]]) -> list[GroupFigures]:
    """A breakdown's groups from their [mutual, jointly worked] counts: largest group first, then
    by name regardless of case."""
    return sorted(
        (GroupFigures(name, n, j) for name, (n, j) in totals.items()),
        key=lambda g: (-g.mutual_clients, g.name.lower()),
    )


@dataclass(frozen=True, slots=True)
class MonthCounts:
    """The month's figure (optionally for one team) as counts only: what a chart, a series row
    and a printed figure need. `MonthFigures.counts()` gives the same from the clients."""

    month: Month
    team: str | None
    definition: Definition
    mutual_clients: int
    jointly_worked: int
    excluded_clients: int

    @property
    def definition_version(self) -> int:
        return self.definition.version

    @property
    def percentage(self) -> float | None:
        return percentage(self.jointly_worked, self.mutual_clients)


@dataclass(frozen=True, slots=True)
class GroupFigures:
    name: str
    mutual_clients: int
    jointly_worked: int

    @property
    def percentage(self) -> float | None:
        return percentage(self.jointly_worked, self.mutual_clients)


def month_figures(
    histories: Iterable[ClientHistory], month: Month, definition: Definition, team: str | None = None
) -> MonthFigures:
    """SPEC §2 "the figure" for month M, optionally for one team (SPEC §1: a client moved between
    teams in M counts for each team whose episode was open on a mutual day).

    The plain reading, from whole histories: the app and the command line read through
    `month_figures_of` (the contacts counted by the database), and the property tests hold every
    such fast path to this one (tests/rules/test_figures_of_counts.py)."""
    mutual: list[ClientMonth] = []
    excluded: list[ClientMonth] = []
    for history in histories:
        result = evaluate(history, month, definition)
        if result is None or (team is not None and team not in result.teams):
            continue
        (mutual if result.is_mutual else excluded).append(result)
    mutual.sort(key=lambda c: c.client_ref)
    excluded.sort(key=lambda c: c.client_ref)
    return MonthFigures(month, team, definition, tuple(mutual), tuple(excluded))


def month_figures_of(
    clients: Iterable[ClientMonthFacts], month: Month, definition: Definition, team: str | None = None
) -> MonthFigures:
    """`month_figures` from each client's facts with the contacts already counted for M (as
    `storage.figures_read.month_facts` reads them): each client judged as `evaluate` judges the
    history the facts were read from. tests/rules/test_figures_of_counts.py and
    tests/services/test_figures_fast_path.py check the two agree."""
    rule = MonthRule.of(month, definition)
    first, last = rule.first_day, rule.last_day
    mental_health, substance_misuse = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE
    mutual: list[ClientMonth] = []
    excluded: list[ClientMonth] = []
    for client_ref, initials, consent, episodes, counts in clients:
        if len(episodes) == 2 and episodes[0].service is not episodes[1].service:
            # Many clients: one episode a side (their overlap is the same either way round).
            intervals = overlap_of(*episodes, first, last)
        else:
            intervals = mutual_of(
                [e for e in episodes if e.service is mental_health],
                [e for e in episodes if e.service is substance_misuse],
                first,
                last,
            )
        if not intervals:
            continue
        tallies, last_joint = counts
        result = judged(
            client_ref,
            initials,
            consent,
            episodes,
            rule,
            intervals,
            counts=tallies,
            last_joint=last_joint,
        )
        if team is not None and team not in result.teams:
            continue
        (mutual if result.excluded is None else excluded).append(result)
    mutual.sort(key=_by_reference)
    excluded.sort(key=_by_reference)
    return MonthFigures(month, team, definition, tuple(mutual), tuple(excluded))


_by_reference = attrgetter("client_ref")
