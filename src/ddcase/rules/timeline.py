"""Pure: the counts of many months at once (a chart's series), judged as `figures.judged` judges
each client (SPEC §1, §2), with the work that does not depend on the month done once per client
instead of once per client and month.

A trust's 24-month chart judges tens of thousands of clients in each of 24 months. Here the
mutual days of the whole range are worked out once per client and each month takes its slice of
them; the dates of the client's counting contacts are sorted once (one list for each criterion
the criteria table counts from contacts), and each month's count is one binary search.

A chart needs only each month's counts, not every client's `ClientMonth`: `judge_counts` says of
each month only whether the client is counted, excluded, mutual or jointly worked, reading the
enabled criteria from `MonthRule.checks` (the criteria table). A month with its clients is read
one way only, `services.figures.FiguresService.month()`. tests/rules/test_timeline.py checks on
random data that every month's counts come out exactly as `evaluate` gives them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import date
from enum import IntEnum
from typing import Any

from ddcase.domain import (
    ClientCountingFacts,
    ClientFacts,
    ContactDays,
    ContactFact,
    ContactKind,
    ContactMode,
    Criterion,
    Definition,
    EpisodeFact,
    Month,
    Service,
)
from ddcase.rules import criteria
from ddcase.rules.figures import CONSENT, COUNT, NAMED, MonthCounts, MonthRule
from ddcase.rules.mutual import clipped_intervals, intersect, mutual_of


class _Tallied:
    """Which of the criteria table's contact tallies each kind of contact falls in (SPEC §2), and
    the one whose dates give the last joint contact: read from the table once for all clients."""

    def __init__(self) -> None:
        counted = criteria.contact_counts()
        # Tuples, not sets: a member is found by identity in C, where a set would hash each enum
        # member in Python (`Enum.__hash__`), for every contact of a trust's chart.
        self.kinds: list[tuple[ContactKind, ...]] = [tuple(how.kinds) for _, how in counted]
        self.outcomes = tuple(criteria.COUNTING_OUTCOMES)
        self.written = tuple(criteria.WRITTEN_MODES)
        self.latest = [r.name for r, _ in counted].index(criteria.LAST_CONTACT_OF)


class _CountingDates:
    """The sorted dates of a client's counting contacts (SPEC §1), one list for each tally of
    the criteria table, worked out once for each reading of `written_contacts_count` (indexed
    by it)."""

    def __init__(self, contacts: Sequence[ContactFact], tallied: _Tallied) -> None:
        self._contacts = contacts
        self.tallied = tallied
        self._dates: dict[bool, list[list[date]]] = {}

    def dates(self, written_count: bool) -> list[list[date]]:
        found = self._dates.get(written_count)
        if found is None:
            outcomes, written = self.tallied.outcomes, self.tallied.written
            # Comprehensions, not one loop appending to each list: this runs for every client
            # of a trust's chart.
            if written_count:
                counting = [(day, kind) for day, kind, _, outcome in self._contacts if outcome in outcomes]
            else:
                counting = [
                    (day, kind)
                    for day, kind, mode, outcome in self._contacts
                    if outcome in outcomes and mode not in written
                ]
            found = [sorted([day for day, kind in counting if kind in kinds]) for kinds in self.tallied.kinds]
            self._dates[written_count] = found
        return found

    __getitem__ = dates


def mode_sets(definitions: Iterable[Definition]) -> tuple[frozenset[ContactMode], ...]:
    """The sets of modes a range's definitions count (SPEC §1; one, unless the range has versions
    that differ on `written_contacts_count`): what storage reads a client's counting days for
    (`ContactDays`), in a fixed order."""
    return tuple(sorted({criteria.counted_modes(d) for d in definitions}, key=len))


class Counted(IntEnum):
    """How a client counts in a month's figure (for a team, when one is asked for)."""

    NOT_COUNTED = 0  # no mutual day in the month, or not of the team
    EXCLUDED = 1  # some mutual days, fewer than min_overlap_days (short_overlap)
    MUTUAL = 2  # a mutual client, not jointly worked
    JOINTLY_WORKED = 3  # a mutual client, jointly worked


_NOT_COUNTED, _EXCLUDED, _MUTUAL, _JOINTLY_WORKED = Counted


def judge_counts(
    facts: ClientFacts | ClientCountingFacts, rules: Sequence[MonthRule], team: str | None = None
) -> list[Counted]:
    """For each month's rule, how the client counts in that month's figure (for `team`, when
    given): what `judge_rules` gives, reduced to counted, excluded, mutual or jointly worked,
    without making a `ClientMonth`. tests/rules/test_timeline.py checks the two agree."""
    plan = _CountPlan(rules)
    tally = plan.new_tally()
    plan.count(facts, None if team is not None else tally, {team: tally} if team else {})
    # Each month the client counts in adds one to exactly one of its outcomes.
    return [plan.counted(k, row.index(1)) if 1 in row else _NOT_COUNTED for k, row in enumerate(tally)]


Tally = list[list[int]]
"""For each month's rule, how many clients have each outcome (`_CountPlan`: 0 not counted, 1
excluded, 2 + the mask of the enabled criteria that hold for a mutual client)."""


_Check = tuple[int, date, int, int]
"""A criterion counted from contacts, as a month's rule reads it: which of the client's lists of
days it counts (`_CountPlan.lists`: a reading of `written_contacts_count` and a tally of the
criteria table), the first day it counts from (to the month's last day), the number it needs
and its bit in the rule's mask."""
_RuleRow = tuple[int, int, int, tuple[_Check, ...], int, int]
"""A month's rule as counting reads it: its index, min_overlap_days, the bit of consent in its
mask (0 when not enabled), its criteria counted from contacts, the bit of named workers (0 when
not enabled) and the mask of every enabled criterion (jointly worked when all hold)."""


class _CountPlan:
    """What counting a client reads of each month's rule, worked out once for all the clients:
    the months in date order with their days, each with its rules (several when the same month
    is judged by several definitions) and the enabled criteria as the criteria table declares
    them (consent and named workers as flags; each criterion counted from contacts as the list of
    days it counts, the first day it counts from and the number it needs), each with its bit in
    the mask of the criteria that hold.

    A mutual client's outcome is 2 + that mask: jointly worked when every enabled criterion
    holds. With `every_criterion`, each enabled criterion is judged for every mutual client (the
    family's process measures tally them: `months_held_of_teams`); without it, judging stops at
    the first that does not hold, and only the full mask says anything."""

    def __init__(self, rules: Sequence[MonthRule], every_criterion: bool = False) -> None:
        self.rules = rules
        self.every_criterion = every_criterion
        self.tallied = _Tallied()
        #: for each month in date order, its rows (`_RuleRow`)
        self.months: list[tuple[_RuleRow, ...]] = []
        self.firsts: list[date] = []
        self.lasts: list[date] = []
        #: the number of days of each month
        self.lengths: list[int] = []
        #: the lists of days the checks count: (whether written contacts count, the tally)
        self.lists: list[tuple[bool, int]] = []
        #: as many days after every month as the most a check needs (`days_of`)
        self.padding: tuple[date, ...] = ()
        #: for each rule, the mask of its enabled criteria (bit j: `rule.checks[j]`)
        self.full = [(1 << len(r.checks)) - 1 for r in rules]
        self.modes_of = {
            r.definition.written_contacts_count: criteria.counted_modes(r.definition) for r in rules
        }
        if not rules:
            return
        self.first = min(r.first_day for r in rules)
        self.last = max(r.last_day for r in rules)
        lists: dict[tuple[bool, int], int] = {}
        by_month: dict[tuple[date, date], list[int]] = {}
        for i in sorted(range(len(rules)), key=lambda i: rules[i].first_day):
            by_month.setdefault((rules[i].first_day, rules[i].last_day), []).append(i)
        for (month_first, month_last), indexes in by_month.items():
            rows: list[_RuleRow] = []
            for i in indexes:
                rule = rules[i]
                d = rule.definition
                checks = rule.checks
                tallies = rule.contacts.tallies
                rows.append(
                    (
                        i,
                        d.min_overlap_days,
                        _bit_of(CONSENT, checks),
                        tuple(
                            (
                                lists.setdefault((d.written_contacts_count, index), len(lists)),
                                tallies[index].first,
                                needed,
                                1 << j,
                            )
                            for j, (how, index, needed) in enumerate(checks)
                            if how == COUNT and needed > 0  # none needed: it always holds
                        ),
                        _bit_of(NAMED, checks),
                        self.full[i],
                    )
                )
            self.months.append(tuple(rows))
            self.firsts.append(month_first)
            self.lasts.append(month_last)
            self.lengths.append((month_last - month_first).days + 1)
        self.lists = list(lists)
        self.padding = (date.max,) * max((c[2] for row in self.months for r in row for c in r[3]), default=0)

    def new_tally(self) -> Tally:
        """An empty tally: for each rule, a count of each outcome."""
        return [[0] * (3 + full) for full in self.full]

    def counted(self, k: int, outcome: int) -> Counted:
        """How a client with `outcome` in rule k's tally counts."""
        if outcome < 2:
            return Counted(outcome)
        return _JOINTLY_WORKED if outcome == 2 + self.full[k] else _MUTUAL

    def month_counts(self, k: int, row: list[int], team: str | None) -> MonthCounts:
        """Rule k's counts from its row of a tally."""
        rule = self.rules[k]
        worked = row[2 + self.full[k]]
        return MonthCounts(rule.month, team, rule.definition, sum(row[2:]), worked, row[1])

    def held(self, k: int, row: list[int]) -> tuple[tuple[Criterion, int], ...]:
        """For each criterion rule k enables, the mutual clients for whom it holds (counted with
        `every_criterion`)."""
        rule = self.rules[k]
        return tuple(
            (name, sum(n for mask, n in enumerate(row[2:]) if mask >> j & 1))
            for j, name in enumerate(rule.enabled)
        )

    def days_of(self, contacts: ContactDays | Sequence[ContactFact]) -> list[Sequence[date]]:
        """The client's sorted days of each of `lists` (the lists the checks count), each
        followed by `padding`: however many a check needs, the day it looks at is in the list
        (a padding day is after every month), so `count` need not measure the list."""
        padding = self.padding
        if isinstance(contacts, ContactDays):
            return [
                contacts.of_modes(self.modes_of[written])[index] + padding for written, index in self.lists
            ]
        dates = _CountingDates(contacts, self.tallied)
        return [(*dates[written][index], *padding) for written, index in self.lists]

    def count(
        self, facts: ClientFacts | ClientCountingFacts, every_team: Tally | None, by_team: dict[str, Tally]
    ) -> None:
        """Add the client to the tally of each month in which they count: to `every_team` (the
        figure for all teams), when given, and to `by_team[T]` for each team T they count for
        in that month (SPEC §1: through a mental_health episode of T open on a mutual day of
        the month). How a client counts in a month does not depend on the team, so it is judged
        once for all the tallies, and what a month's rules share (the mutual days, the named
        workers) is worked out once for all of them."""
        if not self.rules:
            return
        episodes = facts.episodes
        mh = [e for e in episodes if e.service is _MENTAL_HEALTH]
        sm = [e for e in episodes if e.service is _SUBSTANCE_MISUSE]
        if not mh or not sm:
            return
        # The mental_health episodes of each team asked for.
        of_teams: dict[str, list[EpisodeFact]] = {}
        if by_team:
            for e in mh:
                if e.team and e.team in by_team:
                    of_teams.setdefault(e.team, []).append(e)
        if every_team is None and not of_teams:
            return
        every_alone = [every_team] if every_team is not None else []
        first, last = self.first, self.last
        mutual = mutual_of(mh, sm, first, last)
        if not mutual:
            return
        firsts, lasts, lengths, months = self.firsts, self.lasts, self.lengths, self.months
        # The tallies the client goes to in each month that has a mutual day on which one of
        # the teams' episodes is open (the figure for all teams first); in any other month,
        # `every_alone`. Worked out once for all the months from each team's mutual days.
        to_tallies: dict[int, list[Tally]] = {}
        for team, team_episodes in of_teams.items():
            tally = by_team[team]
            # Most clients' mental_health episodes are all of one team: its mutual days are theirs.
            team_mutual = (
                mutual
                if len(team_episodes) == len(mh)
                else intersect(clipped_intervals(team_episodes, first, last), mutual)
            )
            for start, end in team_mutual:
                k = bisect_left(lasts, start)
                while k < len(months) and firsts[k] <= end:
                    found = to_tallies.get(k)
                    if found is None:
                        to_tallies[k] = [*every_alone, tally]
                    elif found[-1] is not tally:  # a team's mutual days may fall twice in a month
                        found.append(tally)
                    k += 1
        if not to_tallies and not every_alone:
            return
        # Each month's mutual days: their number and the last of them. Most clients have one run
        # of mutual days, which covers every month between its first and its last whole.
        span_first, span_last = mutual[0][0], mutual[-1][1]
        k_first = bisect_left(lasts, span_first)
        k_end = bisect_right(firsts, span_last)
        of_month: dict[int, list[Any]] | None = None
        if len(mutual) > 1:
            of_month = {}
            for start, end in mutual:
                k = bisect_left(lasts, start)
                while k < k_end and firsts[k] <= end:
                    a = start if start > firsts[k] else firsts[k]
                    z = end if end < lasts[k] else lasts[k]
                    found_days = of_month.get(k)
                    if found_days is None:
                        of_month[k] = [(z - a).days + 1, z]
                    else:
                        found_days[0] += (z - a).days + 1
                        found_days[1] = z
                    k += 1
        consent = facts.consent_to_share_on
        named: list[tuple[date, date]] | None = None
        lists: list[Sequence[date]] | None = None
        every = self.every_criterion
        for k in range(k_first, k_end):
            tallies = to_tallies.get(k, every_alone) if to_tallies else every_alone
            if not tallies:
                continue
            month_last = lasts[k]
            if of_month is None:
                if k == k_first or k == k_end - 1:
                    month_first = firsts[k]
                    a = span_first if span_first > month_first else month_first
                    last_mutual = span_last if span_last < month_last else month_last
                    days = (last_mutual - a).days + 1
                else:
                    days, last_mutual = lengths[k], month_last
            else:
                found_days = of_month.get(k)
                if found_days is None:
                    continue
                days, last_mutual = found_days
            for i, min_overlap, consent_bit, contact_checks, named_bit, full in months[k]:
                if days < min_overlap:
                    outcome = 1  # excluded
                else:
                    held = full
                    if consent_bit and (consent is None or consent > month_last):
                        held ^= consent_bit
                    if contact_checks and (held == full or every):
                        if lists is None:
                            lists = self.days_of(facts.contacts)
                        for which, since, needed, bit in contact_checks:
                            # At least `needed` days from `since` to the month's last day: the
                            # needed-th day on or after `since` is on or before it (one search).
                            dates = lists[which]
                            if dates[bisect_left(dates, since) + needed - 1] > month_last:
                                held ^= bit  # a criterion counted from contacts does not hold
                                if not every:
                                    break
                    if named_bit and (held == full or every):
                        if named is None:
                            named = _named_days(mh, sm, mutual, first, last)
                        if named is not mutual and not _holds_on(named, last_mutual):
                            held ^= named_bit
                    outcome = 2 + held
                for tally in tallies:
                    tally[i][outcome] += 1


#: The services as module names: an enum's member read from its class (`Service.MENTAL_HEALTH`)
#: is a Python-level attribute look-up (about 0.2 µs), made here for every episode of a chart.
_MENTAL_HEALTH, _SUBSTANCE_MISUSE = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE


def _bit_of(how: int, checks: Sequence[tuple[int, int, int]]) -> int:
    """The bit in a rule's mask of its check of kind `how` (consent or named workers; 0 when the
    rule does not enable it)."""
    return sum(1 << j for j, (each, _, _) in enumerate(checks) if each == how)


def _holds_on(intervals: Sequence[tuple[date, date]], day: date) -> bool:
    """Whether `day` falls in one of the sorted `intervals`."""
    for start, end in intervals:
        if start > day:
            return False
        if day <= end:
            return True
    return False


def _named_days(
    mh: list[EpisodeFact], sm: list[EpisodeFact], mutual: list[tuple[date, date]], first: date, last: date
) -> list[tuple[date, date]]:
    """The days from first to last on which each side has an episode open that names a worker
    (merged, sorted), as far as the mutual days (`mutual`, of the episodes `mh` and `sm`) are
    concerned: only those are asked about. SPEC §2 named_workers holds on such a day (as
    `judged` finds it: a named episode open on the day is always preferred to an unnamed one,
    `criteria.speakers`)."""
    # criteria.names_a_worker, inline: run for every client
    named_mh = [e for e in mh if e.worker and e.worker.strip()]
    named_sm = [e for e in sm if e.worker and e.worker.strip()]
    if len(named_mh) == len(mh) and len(named_sm) == len(sm):
        return mutual  # most clients: every episode names a worker
    if not named_mh or not named_sm:
        return []
    return mutual_of(named_mh, named_sm, first, last)


def months_counts(
    clients: Iterable[ClientFacts | ClientCountingFacts],
    months: Sequence[Month],
    definitions: Sequence[Definition],
    team: str | None = None,
) -> list[MonthCounts]:
    """`month_figures(...).counts()` for each month M (judged by the matching definition),
    optionally for one team, judging each client once for all the months and making no
    `ClientMonth`."""
    return months_counts_of_teams(clients, months, definitions, [team])[0]


def months_counts_of_teams(
    clients: Iterable[ClientFacts | ClientCountingFacts],
    months: Sequence[Month],
    definitions: Sequence[Definition],
    teams: Sequence[str | None],
) -> list[list[MonthCounts]]:
    """`months_counts` for each of `teams` (None: all teams), in one pass over the clients: each
    client is judged once a month for all the teams (the figure for all teams and their own
    team's figure alike)."""
    plan, tallies = _tallies(clients, months, definitions, teams, every_criterion=False)
    return [[plan.month_counts(k, row, team) for k, row in enumerate(tally)] for team, tally in tallies]


MonthHeld = tuple[MonthCounts, tuple[tuple[Criterion, int], ...]]
"""A month's counts with, for each criterion its definition enables (in the criteria table's
order), the number of its mutual clients for whom that criterion holds."""


def months_held_of_teams(
    clients: Iterable[ClientFacts | ClientCountingFacts],
    months: Sequence[Month],
    definitions: Sequence[Definition],
    teams: Sequence[str | None],
) -> list[list[MonthHeld]]:
    """`months_counts_of_teams` with each month's criteria tallied from the same pass: each
    enabled criterion judged for every mutual client (as `month_figures(...)` gives it: the
    mutual clients `c` with `c.holds(criterion)`). The family's process measures read these."""
    plan, tallies = _tallies(clients, months, definitions, teams, every_criterion=True)
    return [
        [(plan.month_counts(k, row, team), plan.held(k, row)) for k, row in enumerate(tally)]
        for team, tally in tallies
    ]


def _tallies(
    clients: Iterable[ClientFacts | ClientCountingFacts],
    months: Sequence[Month],
    definitions: Sequence[Definition],
    teams: Sequence[str | None],
    *,
    every_criterion: bool,
) -> tuple[_CountPlan, list[tuple[str | None, Tally]]]:
    """Each of `teams` with its tally of the months, from one pass over the clients."""
    plan = _CountPlan([MonthRule.of(m, d) for m, d in zip(months, definitions, strict=True)], every_criterion)
    every_team = plan.new_tally() if None in teams else None
    by_team = {team: plan.new_tally() for team in teams if team}
    for facts in clients:
        plan.count(facts, every_team, by_team)
    return plan, [
        (team, (every_team if team is None else by_team.get(team)) or plan.new_tally()) for team in teams
    ]
