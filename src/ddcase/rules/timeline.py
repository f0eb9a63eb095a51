"""Pure: the counts of many months at once (a chart's series), judged as `figures.judged` judges
each client (SPEC §1, §2), with the work that does not depend on the month done once per client
instead of once per client and month.

A trust's 24-month chart judges tens of thousands of clients in each of 24 months. Here the
mutual days of the whole range are worked out once per client and each month takes its slice of
them; the dates of the client's counting contacts are sorted once (one list for each criterion
the criteria table counts from contacts), and each month's counts are two binary searches.

A chart needs only each month's counts, not every client's `ClientMonth`: `judge_counts` says of
each month only whether the client is counted, excluded, mutual or jointly worked, reading the
enabled criteria from `MonthRule.checks` (the criteria table). A month with its clients is read
one way only, `services.figures.FiguresService.month()`. tests/rules/test_timeline.py checks on
random data that every month's counts come out exactly as `evaluate` gives them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from enum import IntEnum

from ddcase.domain import (
    ClientFacts,
    ContactFact,
    ContactKind,
    Definition,
    Month,
    Service,
)
from ddcase.rules import criteria
from ddcase.rules.figures import (
    CONSENT,
    COUNT,
    NAMED,
    MonthCounts,
    MonthRule,
)
from ddcase.rules.mutual import clipped_intervals, intersect


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
    the criteria table, worked out once for each reading of `written_contacts_count`."""

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


class Counted(IntEnum):
    """How a client counts in a month's figure (for a team, when one is asked for)."""

    NOT_COUNTED = 0  # no mutual day in the month, or not of the team
    EXCLUDED = 1  # some mutual days, fewer than min_overlap_days (short_overlap)
    MUTUAL = 2  # a mutual client, not jointly worked
    JOINTLY_WORKED = 3  # a mutual client, jointly worked


_NOT_COUNTED, _EXCLUDED, _MUTUAL, _JOINTLY_WORKED = Counted
_NEVER = date.max  # the end of an open episode


def judge_counts(facts: ClientFacts, rules: Sequence[MonthRule], team: str | None = None) -> list[Counted]:
    """For each month's rule, how the client counts in that month's figure (for `team`, when
    given): what `judge_rules` gives, reduced to counted, excluded, mutual or jointly worked,
    without making a `ClientMonth`. tests/rules/test_timeline.py checks the two agree."""
    results = [_NOT_COUNTED] * len(rules)
    plan = _CountPlan(rules)
    plan.count(facts, team, lambda i, verdict: results.__setitem__(i, verdict))
    return results


class _CountPlan:
    """What counting a client reads of each month's rule, worked out once for all the clients:
    the months in date order with their days and the enabled criteria as the criteria table
    declares them (consent and named workers as flags; each criterion counted from contacts as
    its tally, the first day it counts from and the number it needs)."""

    def __init__(self, rules: Sequence[MonthRule]) -> None:
        self.rules = rules
        self.tallied = _Tallied()
        self.rows: list[tuple[int, date, date, int, bool, bool, tuple[tuple[int, date, int], ...], bool]] = []
        self.lasts: list[date] = []
        if not rules:
            return
        self.first = min(r.first_day for r in rules)
        self.last = max(r.last_day for r in rules)
        order = sorted(range(len(rules)), key=lambda i: rules[i].first_day)
        self.lasts = [rules[i].last_day for i in order]
        for i in order:
            rule = rules[i]
            d = rule.definition
            checks = rule.checks
            tallies = rule.contacts.tallies
            self.rows.append(
                (
                    i,
                    rule.first_day,
                    rule.last_day,
                    d.min_overlap_days,
                    d.written_contacts_count,
                    any(how == CONSENT for how, _, _ in checks),
                    tuple(
                        (index, tallies[index].first, needed) for how, index, needed in checks if how == COUNT
                    ),
                    any(how == NAMED for how, _, _ in checks),
                )
            )

    def count(self, facts: ClientFacts, team: str | None, found: Callable[[int, Counted], object]) -> None:
        """Call found(rule's index, verdict) for each month in which the client counts (for
        `team`, when given); nothing for the months it does not."""
        if not self.rules:
            return
        episodes = facts.episodes
        mh = [e for e in episodes if e.service is Service.MENTAL_HEALTH]
        sm = [e for e in episodes if e.service is Service.SUBSTANCE_MISUSE]
        if not mh or not sm:
            return
        of_team: list[tuple[date, date]] = []
        if team is not None:
            # SPEC §1: a client counts for a team through a mental_health episode of that team
            # open on a mutual day of the month.
            of_team = [(e.start_date, e.end_date or _NEVER) for e in mh if team and e.team == team]
            if not of_team:
                return
        first, last = self.first, self.last
        mutual = intersect(clipped_intervals(mh, first, last), clipped_intervals(sm, first, last))
        if not mutual:
            return
        span_first, span_last = mutual[0][0], mutual[-1][1]
        rows = self.rows
        consent = facts.consent_to_share_on
        named: tuple[list[tuple[date, date]], list[tuple[date, date]]] | None = None
        counting: _CountingDates | None = None
        written: bool | None = None
        dates: list[list[date]] = []
        for k in range(bisect_left(self.lasts, span_first), len(rows)):
            i, month_first, month_last, min_overlap, written_count, need_consent, contact_checks, \
                need_named = rows[k]  # fmt: skip
            if month_first > span_last:
                break
            # The month's mutual days: their number, the last of them and whether the team's
            # episode is open on one of them.
            days = 0
            last_mutual = None
            in_team = not of_team
            for start, end in mutual:
                if start > month_last:
                    break
                if end < month_first:
                    continue
                if start < month_first:
                    start = month_first
                if end > month_last:
                    end = month_last
                days += (end - start).days + 1
                last_mutual = end
                if not in_team:
                    for team_start, team_end in of_team:
                        if team_start <= end and team_end >= start:
                            in_team = True
                            break
            if last_mutual is None or not in_team:
                continue
            if days < min_overlap:
                found(i, _EXCLUDED)
                continue
            if need_consent and (consent is None or consent > month_last):
                found(i, _MUTUAL)
                continue
            if contact_checks:
                if written_count is not written:
                    if counting is None:
                        counting = _CountingDates(facts.contacts, self.tallied)
                    dates = counting.dates(written_count)
                    written = written_count
                for index, since, needed in contact_checks:
                    tally = dates[index]
                    if bisect_right(tally, month_last) - bisect_left(tally, since) < needed:
                        break
                else:
                    index = -1
                if index >= 0:  # a criterion counted from contacts does not hold
                    found(i, _MUTUAL)
                    continue
            if need_named:
                if named is None:
                    named = _named_spans(facts)
                day = last_mutual
                if not (any(s <= day <= e for s, e in named[0]) and any(s <= day <= e for s, e in named[1])):
                    found(i, _MUTUAL)
                    continue
            found(i, _JOINTLY_WORKED)


def _named_spans(facts: ClientFacts) -> tuple[list[tuple[date, date]], list[tuple[date, date]]]:
    """The spans of the episodes that name a worker, mental_health and substance_misuse: SPEC §2
    named_workers holds on a day when each side has one open (as `judged` finds it: a named
    episode open on the day is always preferred to an unnamed one, `criteria.speakers`)."""
    mh: list[tuple[date, date]] = []
    sm: list[tuple[date, date]] = []
    for e in facts.episodes:
        if e.worker and e.worker.strip():  # criteria.names_a_worker, inline: run for every client
            (mh if e.service is Service.MENTAL_HEALTH else sm).append((e.start_date, e.end_date or _NEVER))
    return mh, sm


def months_counts(
    clients: Iterable[ClientFacts],
    months: Sequence[Month],
    definitions: Sequence[Definition],
    team: str | None = None,
) -> list[MonthCounts]:
    """`month_figures(...).counts()` for each month M (judged by the matching definition),
    optionally for one team, judging each client once for all the months and making no
    `ClientMonth`."""
    rules = [MonthRule.of(m, d) for m, d in zip(months, definitions, strict=True)]
    tally = [[0, 0, 0, 0] for _ in months]
    plan = _CountPlan(rules)

    def add(i: int, verdict: Counted) -> None:
        tally[i][verdict] += 1

    for facts in clients:
        if team is not None and not any(e.team == team for e in facts.episodes):
            continue  # SPEC §1: a client counts for a team only through an episode of that team
        plan.count(facts, team, add)
    return [
        MonthCounts(month, team, definition, n_mutual + n_worked, n_worked, n_excluded)
        for month, definition, (_, n_excluded, n_mutual, n_worked) in zip(
            months, definitions, tally, strict=True
        )
    ]
