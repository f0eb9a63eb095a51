"""Pure: the month's work list (SPEC §6 `ddcase todo`): what is still missing and by when, who
is at risk next month, and the missed joint appointments to follow up.

It reads the month as the figures judged it (`MonthFigures`) and the criteria table
(`rules.criteria`); it restates no criterion.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from ddcase.domain import ClientHistory, Contact, Criterion, Definition, Month, Outcome
from ddcase.domain.format import short_date_text
from ddcase.rules import criteria
from ddcase.rules.figures import ClientMonth, MonthFigures
from ddcase.rules.mutual import mutual_intervals

#: SPEC §6: the criteria predicted for next month (the others are not).
PREDICTED: tuple[Criterion, ...] = (Criterion.JOINT_CONTACT,)
#: A missed appointment: the client did not come (SPEC §1's `did_not_attend`).
MISSED_OUTCOMES = frozenset({Outcome.DID_NOT_ATTEND})


@dataclass(frozen=True, slots=True)
class ForClient:
    """What every row of the work list starts with: the client as the month's figures judged it."""

    client: ClientMonth

    @property
    def client_ref(self) -> str:
        return self.client.client_ref


@dataclass(frozen=True, slots=True)
class NotYet(ForClient):
    """A mutual client not yet jointly worked: its failed criteria, each of which can still be
    met for the month to count up to `due`, the month's last mutual day (earlier than the
    month's end when an episode ends in it)."""

    due: date

    @property
    def missing(self) -> tuple[Criterion, ...]:
        return self.client.failed_criteria


@dataclass(frozen=True, slots=True)
class AtRisk(ForClient):
    """A client jointly worked this month whose `needs` criterion would fail next month on the
    contacts recorded so far: one must be booked by `by` (next month's last day). `last_joint`
    is the client's last counting joint contact (None when there is none on record)."""

    needs: Criterion
    by: date
    last_joint: date | None

    def advice(self) -> str:
        """'Last joint contact 14 Sep 2026: book one by 31 Jan 2027'."""
        book = f"book one by {short_date_text(self.by)}"
        if self.last_joint is None:
            return f"No joint contact on record: {book}"
        return f"Last joint contact {short_date_text(self.last_joint)}: {book}"


@dataclass(frozen=True, slots=True)
class MissedJoint(ForClient):
    """A joint appointment or care plan review the client did not attend (SPEC §1: a prompt to
    follow up, not joint work), and whether a counting contact has been recorded since."""

    contact: Contact
    followed_up: bool

    @property
    def date(self) -> date:
        return self.contact.date


@dataclass(frozen=True, slots=True)
class WorkList:
    month: Month
    team: str | None
    coordinator: str | None
    not_yet: tuple[NotYet, ...]
    at_risk_next_month: tuple[AtRisk, ...]
    missed_appointments: tuple[MissedJoint, ...]


def last_mutual_day(history: ClientHistory, month: Month) -> date:
    """SPEC §1: the last day of M on which the client is open to both services."""
    return mutual_intervals(history.episodes, month)[-1][1]


def work_list(
    figures: MonthFigures,
    histories: Mapping[str, ClientHistory],
    next_definition: Definition,
    coordinator: str | None = None,
) -> WorkList:
    """SPEC §6: the work list of month M (the figures' team; `coordinator`'s clients only when
    given), from M's figures, each mutual client's history (every episode; its contacts from the
    joint-contact windows of M and of next month to next month's last day) and the definition
    in force next month.

    - `not_yet`: the mutual clients not jointly worked, with their failed criteria, due by their
      last mutual day of M; sorted by that day, then reference.
    - `at_risk_next_month`: the clients jointly worked in M whose predicted criterion (SPEC:
      joint_contact only), judged for next month by the definition in force then, fails on the
      contacts recorded; by next month's last day; sorted by reference.
    - `missed_appointments`: each joint appointment or care plan review the client did not attend
      within the joint-contact window ending on M's last day (up to that day), followed up when a
      counting contact is dated on or after it; sorted by date, then reference.
    """
    month = figures.month
    mine = [c for c in figures.clients if coordinator is None or c.care_coordinator == coordinator]
    not_yet = sorted(
        (NotYet(c, last_mutual_day(histories[c.client_ref], month)) for c in mine if not c.jointly_worked),
        key=lambda n: (n.due, n.client_ref),
    )
    at_risk = [
        risk
        for c in mine
        if c.jointly_worked
        for risk in _at_risk(c, histories[c.client_ref], month.next(), next_definition)
    ]
    missed = [m for c in mine for m in _missed(c, histories[c.client_ref], month, figures.definition)]
    missed.sort(key=lambda m: (m.date, m.client_ref))
    return WorkList(month, figures.team, coordinator, tuple(not_yet), tuple(at_risk), tuple(missed))


def _at_risk(
    client: ClientMonth, history: ClientHistory, month: Month, definition: Definition
) -> list[AtRisk]:
    """The predicted criteria, enabled in `month`, that the contacts recorded so far fail."""
    found = []
    for name in PREDICTED:
        rule = criteria.rule_of(name)
        counted = rule.counted
        if not getattr(definition, rule.flag) or not isinstance(counted, criteria.ContactCount):
            continue
        first, last = counted.since(month, definition), month.last_day
        dates = [
            c.date
            for c in history.contacts
            if c.kind in counted.kinds and c.date <= last and criteria.is_counting(c, definition)
        ]
        if sum(1 for d in dates if first <= d) < counted.needed(definition):
            found.append(AtRisk(client, name, last, max(dates, default=None)))
    return found


def _missed(
    client: ClientMonth, history: ClientHistory, month: Month, definition: Definition
) -> list[MissedJoint]:
    joint = criteria.rule_of(criteria.LAST_CONTACT_OF).counted
    assert isinstance(joint, criteria.ContactCount)
    first, last = joint.since(month, definition), month.last_day
    counting = [c.date for c in history.contacts if criteria.is_counting(c, definition)]
    return [
        MissedJoint(client, c, any(d >= c.date for d in counting))
        for c in history.contacts
        if c.kind in joint.kinds and c.outcome in MISSED_OUTCOMES and first <= c.date <= last
    ]
