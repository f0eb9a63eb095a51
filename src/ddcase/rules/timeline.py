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
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from enum import IntEnum

from ddcase.domain import (
    JOINT_KINDS,
    LIAISON_KINDS,
    ClientFacts,
    ContactFact,
    ContactMode,
    Criterion,
    Definition,
    Month,
    Outcome,
    Service,
)
from ddcase.rules.figures import ClientMonth, MonthCounts, MonthFigures, MonthRule, judged
from ddcase.rules.mutual import Interval, clipped_intervals, intersect

_WRITTEN_MODES = frozenset(m for m in ContactMode if m.is_written)


class _CountingDates:
    """The sorted dates of a client's counting contacts (SPEC §1), joint kinds and liaison kinds,
    worked out once for each reading of `written_contacts_count`."""

    def __init__(self, contacts: Sequence[ContactFact]) -> None:
        self._contacts = contacts
        self._dates: dict[bool, tuple[list[date], list[date]]] = {}

    def dates(self, written_count: bool) -> tuple[list[date], list[date]]:
        found = self._dates.get(written_count)
        if found is None:
            joint: list[date] = []
            liaison: list[date] = []
            attended = Outcome.ATTENDED
            for day, kind, mode, outcome in self._contacts:
                if (
                    outcome is attended
                    and kind in LIAISON_KINDS
                    and (written_count or mode not in _WRITTEN_MODES)
                ):
                    liaison.append(day)
                    if kind in JOINT_KINDS:
                        joint.append(day)
            joint.sort()
            liaison.sort()
            found = self._dates[written_count] = (joint, liaison)
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
        counting = _CountingDates(facts.contacts)
        for i, rule in enumerate(rules):
            intervals = _month_runs(mutual, rule)
            if intervals:
                results[i] = _judged(facts, rule, intervals, counting)
    return results


def _judged(
    facts: ClientFacts, rule: MonthRule, intervals: Sequence[Interval], counting: _CountingDates
) -> ClientMonth:
    month_first, month_last = rule.first_day, rule.last_day
    joint, liaison = counting.dates(rule.definition.written_contacts_count)
    up_to_month_end = bisect_right(joint, month_last)
    return judged(
        facts.client_ref,
        facts.initials,
        facts.consent_to_share_on,
        facts.episodes,
        rule,
        intervals,
        joint_count=up_to_month_end - bisect_left(joint, rule.window_first),
        liaison_count=bisect_right(liaison, month_last) - bisect_left(liaison, month_first),
        last_joint=joint[up_to_month_end - 1] if up_to_month_end else None,
    )


def judge_counts(facts: ClientFacts, rules: Sequence[MonthRule], team: str | None = None) -> list[Counted]:
    """For each month's rule, how the client counts in that month's figure (for `team`, when
    given): what `judge_rules` gives, reduced to counted, excluded, mutual or jointly worked,
    without making a `ClientMonth`. tests/rules/test_timeline.py checks the two agree."""
    results = [_NOT_COUNTED] * len(rules)
    of_team: list[tuple[date, date]] = []
    if team is not None:
        # SPEC §1: a client counts for a team through a mental_health episode of that team open
        # on a mutual day of the month.
        of_team = [
            (e.start_date, e.end_date or _NEVER)
            for e in facts.episodes
            if team and e.team == team and e.service is Service.MENTAL_HEALTH
        ]
        if not of_team:
            return results
    mutual = _mutual_runs(facts, rules)
    if not mutual:
        return results
    span_first, span_last = mutual[0][0], mutual[-1][1]
    counting: _CountingDates | None = None
    named: tuple[list[tuple[date, date]], list[tuple[date, date]]] | None = None
    consent = facts.consent_to_share_on
    for i, rule in enumerate(rules):
        month_first, month_last = rule.first_day, rule.last_day
        if month_last < span_first or month_first > span_last:
            continue
        intervals = _month_runs(mutual, rule)
        if not intervals:
            continue
        if of_team and not any(
            start <= end_run and end >= start_run
            for start, end in of_team
            for start_run, end_run in intervals
        ):
            continue
        definition = rule.definition
        days = 0
        for start, end in intervals:
            days += (end - start).days + 1
        if days < definition.min_overlap_days:
            results[i] = _EXCLUDED
            continue
        verdict = _JOINTLY_WORKED
        for criterion in rule.enabled:
            if criterion is Criterion.CONSENT:
                holds = consent is not None and consent <= month_last
            elif criterion is Criterion.NAMED_WORKERS:
                if named is None:
                    named = _named_spans(facts)
                day = intervals[-1][1]
                holds = any(s <= day <= e for s, e in named[0]) and any(s <= day <= e for s, e in named[1])
            else:
                if counting is None:
                    counting = _CountingDates(facts.contacts)
                joint, liaison = counting.dates(definition.written_contacts_count)
                if criterion is Criterion.JOINT_CONTACT:
                    count = bisect_right(joint, month_last) - bisect_left(joint, rule.window_first)
                    holds = count >= definition.joint_contacts_min
                else:
                    count = bisect_right(liaison, month_last) - bisect_left(liaison, month_first)
                    holds = count >= definition.liaison_contacts_min
            if not holds:
                verdict = _MUTUAL
                break
        results[i] = verdict
    return results


def _named_spans(facts: ClientFacts) -> tuple[list[tuple[date, date]], list[tuple[date, date]]]:
    """The spans of the episodes that name a worker, mental_health and substance_misuse: SPEC §2
    named_workers holds on a day when each side has one open (as `judged` finds it: a named
    episode open on the day is always preferred to an unnamed one)."""
    mh: list[tuple[date, date]] = []
    sm: list[tuple[date, date]] = []
    for e in facts.episodes:
        if e.worker and e.worker.strip():
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
    full_rules = [rules[i] for i in in_full]
    lean = [i for i, m in enumerate(months) if m not in full]
    lean_rules = [rules[i] for i in lean]
    mutual: list[list[ClientMonth]] = [[] for _ in in_full]
    excluded: list[list[ClientMonth]] = [[] for _ in in_full]
    tally = [[0, 0, 0, 0] for _ in lean]
    for facts in clients:
        if team is not None and not any(e.team == team for e in facts.episodes):
            continue  # SPEC §1: a client counts for a team only through an episode of that team
        if full_rules:
            for j, result in enumerate(judge_rules(facts, full_rules)):
                if result is None or (team is not None and team not in result.teams):
                    continue
                (mutual[j] if result.excluded is None else excluded[j]).append(result)
        if lean_rules:
            for j, verdict in enumerate(judge_counts(facts, lean_rules, team)):
                tally[j][verdict] += 1
    counts: list[MonthCounts | None] = [None] * len(months)
    figures: list[MonthFigures | None] = [None] * len(months)
    for j, i in enumerate(in_full):
        these, others = mutual[j], excluded[j]
        these.sort(key=lambda c: c.client_ref)
        others.sort(key=lambda c: c.client_ref)
        month_figures = MonthFigures(months[i], team, definitions[i], tuple(these), tuple(others))
        figures[i] = month_figures
        counts[i] = month_figures.counts()
    for j, i in enumerate(lean):
        _, n_excluded, n_mutual, n_worked = tally[j]
        counts[i] = MonthCounts(months[i], team, definitions[i], n_mutual + n_worked, n_worked, n_excluded)
    return [c for c in counts if c is not None], figures
