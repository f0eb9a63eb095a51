"""Pure: one client judged month after month, and the figures of many months at once. The same
judgement as `figures.evaluate` (SPEC §1, §2), with the work that does not depend on the month
done once per client instead of once per client and month.

A trust's 24-month chart judges tens of thousands of clients in each of 24 months. Here the
mutual days of the whole range are worked out once per client and each month takes its slice of
them; the dates of the client's counting contacts are sorted once, and each month's counts are two
binary searches. tests/rules/test_timeline.py checks on random data that every month comes out
exactly as `evaluate` gives it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import date

from ddcase.domain import (
    JOINT_KINDS,
    LIAISON_KINDS,
    ClientFacts,
    ContactFact,
    ContactMode,
    Definition,
    Month,
    Outcome,
    Service,
)
from ddcase.rules.figures import ClientMonth, MonthFigures, MonthRule, judged
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


def judge_months(
    facts: ClientFacts, months: Sequence[Month], definitions: Sequence[Definition]
) -> list[ClientMonth | None]:
    """For each month M (judged by the matching definition), what `evaluate` gives for the
    history the facts were read from: None when the client has no mutual day in M."""
    return judge_rules(facts, [MonthRule.of(m, d) for m, d in zip(months, definitions, strict=True)])


def judge_rules(facts: ClientFacts, rules: Sequence[MonthRule]) -> list[ClientMonth | None]:
    """`judge_months` with each month's rule worked out beforehand (once for every client)."""
    none: list[ClientMonth | None] = [None] * len(rules)
    episodes = facts.episodes
    mh = [e for e in episodes if e.service is Service.MENTAL_HEALTH]
    sm = [e for e in episodes if e.service is Service.SUBSTANCE_MISUSE]
    if not rules or not mh or not sm:
        return none
    first = min(r.first_day for r in rules)
    last = max(r.last_day for r in rules)
    # The merged mutual runs of the whole range; a month's runs are their parts within it.
    mutual = intersect(clipped_intervals(mh, first, last), clipped_intervals(sm, first, last))
    if not mutual:
        return none
    counting = _CountingDates(facts.contacts)
    results = none
    for i, rule in enumerate(rules):
        month_first, month_last = rule.first_day, rule.last_day
        intervals: list[Interval] = [
            (max(start, month_first), min(end, month_last))
            for start, end in mutual
            if start <= month_last and end >= month_first
        ]
        if not intervals:
            continue
        joint, liaison = counting.dates(rule.definition.written_contacts_count)
        up_to_month_end = bisect_right(joint, month_last)
        results[i] = judged(
            facts.client_ref,
            facts.initials,
            facts.consent_to_share_on,
            episodes,
            rule,
            intervals,
            joint_count=up_to_month_end - bisect_left(joint, rule.window_first),
            liaison_count=bisect_right(liaison, month_last) - bisect_left(liaison, month_first),
            last_joint=joint[up_to_month_end - 1] if up_to_month_end else None,
        )
    return results


def months_figures(
    clients: Iterable[ClientFacts],
    months: Sequence[Month],
    definitions: Sequence[Definition],
    team: str | None = None,
) -> list[MonthFigures]:
    """`month_figures` for each month M (judged by the matching definition), optionally for one
    team, judging each client once for all the months."""
    rules = [MonthRule.of(m, d) for m, d in zip(months, definitions, strict=True)]
    mutual: list[list[ClientMonth]] = [[] for _ in months]
    excluded: list[list[ClientMonth]] = [[] for _ in months]
    for facts in clients:
        if team is not None and not any(e.team == team for e in facts.episodes):
            continue  # SPEC §1: a client counts for a team only through an episode of that team
        for i, result in enumerate(judge_rules(facts, rules)):
            if result is None or (team is not None and team not in result.teams):
                continue
            (mutual[i] if result.excluded is None else excluded[i]).append(result)
    figures = []
    for month, definition, these, others in zip(months, definitions, mutual, excluded, strict=True):
        these.sort(key=lambda c: c.client_ref)
        others.sort(key=lambda c: c.client_ref)
        figures.append(MonthFigures(month, team, definition, tuple(these), tuple(others)))
    return figures
