"""Pure: one client judged month after month, and the figures of many months at once. The same
judgement as `figures.evaluate` (SPEC §1, §2), with the work that does not depend on the month
done once per client instead of once per client and month.

A trust's 24-month chart judges tens of thousands of clients in each of 24 months. Here the
mutual days of the whole range are worked out once per client and each month takes its slice of
them; the dates of the client's counting contacts are sorted once, and each month's counts are two
binary searches.

A chart needs only each month's counts, not every client's `ClientMonth`: `judge_counts` says of
each month only whether the client is counted, excluded, mutual or jointly worked, and
`months_judged` builds full `MonthFigures` only for the months asked for in full (a report's month
and the month before) and `MonthCounts` for the rest. tests/rules/test_timeline.py checks on random
data that every month comes out exactly as `evaluate` gives it, by both paths.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterable, Sequence
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
    ClientMonth,
    MonthCounts,
    MonthFigures,
    MonthRule,
    judged,
)
from ddcase.rules.mutual import Interval, clipped_intervals, intersect


class _Tallied:
    """Which of the criteria table's contact tallies each kind of contact falls in (SPEC §2), and
    the one whose dates give the last joint contact: read from the table once for all clients."""

    def __init__(self) -> None:
        counted = criteria.contact_counts()
        self.size = len(counted)
        self.of_kind: dict[ContactKind, tuple[int, ...]] = {
            kind: tuple(i for i, (_, how) in enumerate(counted) if kind in how.kinds) for kind in ContactKind
        }
        self.of_kind = {kind: found for kind, found in self.of_kind.items() if found}
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
            found = [[] for _ in range(self.tallied.size)]
            of_kind = self.tallied.of_kind.get
            outcomes, written = criteria.COUNTING_OUTCOMES, criteria.WRITTEN_MODES
            for day, kind, mode, outcome in self._contacts:
                tallies = of_kind(kind)
                if tallies and outcome in outcomes and (written_count or mode not in written):
                    for i in tallies:
                        found[i].append(day)
            for dates in found:
                dates.sort()
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


def judge_months(
    facts: ClientFacts, months: Sequence[Month], definitions: Sequence[Definition]
) -> list[ClientMonth | None]:
    """For each month M (judged by the matching definition), what `evaluate` gives for the
    history the facts were read from: None when the client has no mutual day in M."""
    return judge_rules(facts, [MonthRule.of(m, d) for m, d in zip(months, definitions, strict=True)])


def _mutual_runs(facts: ClientFacts, rules: Sequence[MonthRule]) -> list[Interval]:
    """The client's merged mutual runs over all the rules' months (empty when none)."""
    episodes = facts.episodes
    mh = [e for e in episodes if e.service is Service.MENTAL_HEALTH]
    sm = [e for e in episodes if e.service is Service.SUBSTANCE_MISUSE]
    if not rules or not mh or not sm:
        return []
    first = min(r.first_day for r in rules)
    last = max(r.last_day for r in rules)
    return intersect(clipped_intervals(mh, first, last), clipped_intervals(sm, first, last))


def _month_runs(mutual: Sequence[Interval], rule: MonthRule) -> list[Interval]:
    """The month's mutual days: the parts of the runs within it."""
    month_first, month_last = rule.first_day, rule.last_day
    return [
        (max(start, month_first), min(end, month_last))
        for start, end in mutual
        if start <= month_last and end >= month_first
    ]


def judge_rules(facts: ClientFacts, rules: Sequence[MonthRule]) -> list[ClientMonth | None]:
    """`judge_months` with each month's rule worked out beforehand (once for every client)."""
    results: list[ClientMonth | None] = [None] * len(rules)
    mutual = _mutual_runs(facts, rules)
    if mutual:
        counting = _CountingDates(facts.contacts, _Tallied())
        for i, rule in enumerate(rules):
            intervals = _month_runs(mutual, rule)
            if intervals:
                results[i] = _judged(facts, rule, intervals, counting)
    return results


def _judged(
    facts: ClientFacts, rule: MonthRule, intervals: Sequence[Interval], counting: _CountingDates
) -> ClientMonth:
    month_last = rule.last_day
    dates = counting.dates(rule.definition.written_contacts_count)
    joint = dates[counting.tallied.latest]
    up_to_month_end = bisect_right(joint, month_last)
    return judged(
        facts.client_ref,
        facts.initials,
        facts.consent_to_share_on,
        facts.episodes,
        rule,
        intervals,
        counts=tuple(
            bisect_right(found, month_last) - bisect_left(found, tally.first)
            for found, tally in zip(dates, rule.contacts.tallies, strict=True)
        ),
        last_joint=(
            joint[up_to_month_end - 1]
            if up_to_month_end and joint[up_to_month_end - 1] >= rule.looked_back_to
            else None
        ),
    )


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

    def __init__(self, rules: Sequence[MonthRule], whole: Collection[int] = ()) -> None:
        """`whole`: the indexes of the rules whose months are judged in full (a `ClientMonth`)."""
        self.rules = rules
        self.tallied = _Tallied()
        self.rows: list[
            tuple[int, date, date, int, bool, bool, tuple[tuple[int, date, int], ...], bool, bool]
        ] = []
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
                    i in whole,
                )
            )

    def count(
        self,
        facts: ClientFacts,
        team: str | None,
        found: Callable[[int, Counted], object],
        judged_in_full: Callable[[int, ClientMonth], object] | None = None,
    ) -> None:
        """Call found(rule's index, verdict) for each month in which the client counts (for
        `team`, when given); nothing for the months it does not. For the months judged in full,
        call judged_in_full(rule's index, the ClientMonth) instead, for every month with a
        mutual day (as `judge_rules` gives it: the caller applies the team's test)."""
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
                need_named, in_full = rows[k]  # fmt: skip
            if month_first > span_last:
                break
            if in_full:
                rule = self.rules[i]
                intervals = _month_runs(mutual, rule)
                if intervals and judged_in_full is not None:
                    if counting is None:
                        counting = _CountingDates(facts.contacts, self.tallied)
                    judged_in_full(i, _judged(facts, rule, intervals, counting))
                continue
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
                short = False
                for index, since, needed in contact_checks:
                    tally = dates[index]
                    if bisect_right(tally, month_last) - bisect_left(tally, since) < needed:
                        short = True
                        break
                if short:
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
    episode open on the day is always preferred to an unnamed one, `criteria.speaking_key`)."""
    mh: list[tuple[date, date]] = []
    sm: list[tuple[date, date]] = []
    for e in facts.episodes:
        if criteria.names_a_worker(e):
            (mh if e.service is Service.MENTAL_HEALTH else sm).append((e.start_date, e.end_date or _NEVER))
    return mh, sm


def months_figures(
    clients: Iterable[ClientFacts],
    months: Sequence[Month],
    definitions: Sequence[Definition],
    team: str | None = None,
) -> list[MonthFigures]:
    """`month_figures` for each month M (judged by the matching definition), optionally for one
    team, judging each client once for all the months."""
    _, figures = months_judged(clients, months, definitions, team, full=months)
    return [f for f in figures if f is not None]


def months_counts(
    clients: Iterable[ClientFacts],
    months: Sequence[Month],
    definitions: Sequence[Definition],
    team: str | None = None,
) -> list[MonthCounts]:
    """`month_figures(...).counts()` for each month M, without making any `ClientMonth`."""
    counts, _ = months_judged(clients, months, definitions, team)
    return counts


def months_judged(
    clients: Iterable[ClientFacts],
    months: Sequence[Month],
    definitions: Sequence[Definition],
    team: str | None = None,
    full: Collection[Month] = (),
) -> tuple[list[MonthCounts], list[MonthFigures | None]]:
    """The counts of every month M (judged by the matching definition), optionally for one team,
    and the full `MonthFigures` (every client) of the months in `full` (None for the others),
    judging each client once for all the months."""
    rules = [MonthRule.of(m, d) for m, d in zip(months, definitions, strict=True)]
    in_full = [i for i, m in enumerate(months) if m in full]
    lean = [i for i, m in enumerate(months) if m not in full]
    mutual: list[list[ClientMonth]] = [[] for _ in months]
    excluded: list[list[ClientMonth]] = [[] for _ in months]
    tally = [[0, 0, 0, 0] for _ in months]
    plan = _CountPlan(rules, whole=set(in_full))

    def add(i: int, verdict: Counted) -> None:
        tally[i][verdict] += 1

    def keep(i: int, result: ClientMonth) -> None:
        if team is None or team in result.teams:
            (mutual[i] if result.excluded is None else excluded[i]).append(result)

    for facts in clients:
        if team is not None and not any(e.team == team for e in facts.episodes):
            continue  # SPEC §1: a client counts for a team only through an episode of that team
        plan.count(facts, team, add, keep)
    counts: list[MonthCounts | None] = [None] * len(months)
    figures: list[MonthFigures | None] = [None] * len(months)
    for i in in_full:
        these, others = mutual[i], excluded[i]
        these.sort(key=lambda c: c.client_ref)
        others.sort(key=lambda c: c.client_ref)
        month_figures = MonthFigures(months[i], team, definitions[i], tuple(these), tuple(others))
        figures[i] = month_figures
        counts[i] = month_figures.counts()
    for i in lean:
        _, n_excluded, n_mutual, n_worked = tally[i]
        counts[i] = MonthCounts(months[i], team, definitions[i], n_mutual + n_worked, n_worked, n_excluded)
    return [c for c in counts if c is not None], figures
