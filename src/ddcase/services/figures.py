"""The monthly figures (SPEC §2) and their series, for every screen, report and command.

A month's figure with its clients is read one way: `FiguresService.month()`, the database
counting each client's contacts (`figures_read.month_facts`) and `rules.figures.month_figures_of`
judging them. The caseload, `ddcase figures`, the dashboard and the PDF (through `overview()`,
which reads the month and the month before that way, in one go) and the to-do all read it. A series needs
only each month's counts: `counts()` judges every month of it from one read
(`rules.timeline`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from ddcase.cores import usable_cores
from ddcase.domain import (
    Annotation,
    ClientCountingFacts,
    ClientHistory,
    ContactMode,
    ContactTally,
    CountingContacts,
    Definition,
    DomainError,
    MeasureSettings,
    Month,
    Service,
    Worker,
    definition_in_force,
    month_range,
)
from ddcase.rules import criteria
from ddcase.rules.charts import (
    ChartKind,
    MonthAnalysis,
    MonthlyPoint,
    SeriesAnalysis,
    analyse_series,
    last_two_ended,
)
from ddcase.rules.criteria import why_not
from ddcase.rules.figures import (
    ClientMonth,
    GroupFigures,
    MonthCounts,
    MonthFigures,
    MonthRule,
    evaluate,
    month_figures_of,
)
from ddcase.rules.timeline import MonthHeld, mode_sets, months_counts, months_held_of_teams
from ddcase.rules.todo import AtRisk, MissedJoint, NotYet, WorkList, work_list

__all__ = [
    "ClientMonth",
    "FiguresService",
    "GroupFigures",
    "MonthCounts",
    "MonthFigures",
    "Overview",
    "Series",
    "AtRisk",
    "MissedJoint",
    "NotYet",
    "ToDo",
    "why_not",
]
from ddcase.services.base import Context, cyclic_gc_paused, reads_beside
from ddcase.storage import figures_read
from ddcase.storage.driver import Beside

if TYPE_CHECKING:
    from ddcase.storage.database import Session

MAX_SERIES_MONTHS = 120


_Kept = tuple[
    date, date, CountingContacts, tuple[frozenset[ContactMode], ...], str | None, list[ClientCountingFacts]
]
_kept_facts: ContextVar[list[_Kept] | None] = ContextVar("ddcase_kept_facts", default=None)
# The counts worked out meanwhile, by (team, month, definition judging it): a month's count is
# the same whatever range it was counted in (each month is judged on its own).
_kept_counts: ContextVar[dict[tuple[str | None, Month, Definition], MonthCounts] | None] = ContextVar(
    "ddcase_kept_counts", default=None
)


@contextmanager
def facts_shared() -> Iterator[None]:
    """Within it, the facts the series read (`figures_read.figure_facts`) are kept, and a later
    read that they cover (its months within theirs, the contacts it asks for among those read,
    all teams' clients or the same team's) takes them instead of reading again: the meeting PDF
    reads the 24 months once for its chart and its measures × teams summary, and its chart takes
    the months the summary already counted (issue 18: `held_by` keeps its counts, `_counts`
    takes them when every month it asks for is there). The rules judge
    each month from a client's episodes and contacts themselves, so facts read for more months,
    contacts or teams give the same counts (tests/services/test_facts_shared.py checks the report's
    figures against the plain reads). For one call that does not write: nothing is kept after."""
    token = _kept_facts.set([])
    counted = _kept_counts.set({})
    try:
        yield
    finally:
        _kept_counts.reset(counted)
        _kept_facts.reset(token)


def _figure_facts(
    session: Session,
    first: date,
    last: date,
    counting: CountingContacts,
    definitions: list[Definition],
    team: str | None,
    beside: Beside | None = None,
) -> list[ClientCountingFacts]:
    """The facts a range of months' counts need (`figures_read.figure_days`: each client's
    counting contacts as the days of each tally, for each set of modes the `definitions` count),
    or those kept by `facts_shared` when they cover them."""
    modes = mode_sets(definitions)
    kept = _kept_facts.get()
    if kept is not None:
        for kept_first, kept_last, kept_counting, kept_modes, kept_team, clients in kept:
            if (
                kept_first <= first
                and kept_last >= last
                and kept_team in (None, team)
                and _covers(kept_counting, counting)
                and set(modes) <= set(kept_modes)
            ):
                return clients
    clients = figures_read.figure_days(session, first, last, counting, modes, team=team, beside=beside)
    if kept is not None:
        kept.append((first, last, counting, modes, team, clients))
    return clients


def _covers(kept: CountingContacts, asked: CountingContacts) -> bool:
    """Whether the contacts `kept` chose include every contact `asked` chooses."""

    def within(a: ContactTally, k: ContactTally) -> bool:
        return set(a.kinds) <= set(k.kinds) and k.first <= a.first and k.last >= a.last

    return (
        asked.outcomes <= kept.outcomes
        and asked.modes <= kept.modes
        and len(asked.tallies) == len(kept.tallies)
        and all(within(a, k) for a, k in zip(asked.tallies, kept.tallies, strict=True))
        and within(asked.latest, kept.latest)
    )


def _check_range(first: Month, last: Month) -> None:
    if last < first:
        raise DomainError(f"The range ends ({last}) before it starts ({first}).")
    if last.index - first.index + 1 > MAX_SERIES_MONTHS:
        raise DomainError(f"A series covers at most {MAX_SERIES_MONTHS} months.")


@dataclass(frozen=True, slots=True)
class Series:
    """The monthly figures over a range, as counts, with their chart analysis (SPEC §5), and
    what the chart draws beside them: the team's notes, aim and baseline. A chart needs each
    month's counts, not its clients: `FiguresService.months` gives the clients."""

    first: Month
    last: Month
    team: str | None
    months: tuple[MonthCounts, ...]
    analysis: SeriesAnalysis
    annotations: tuple[Annotation, ...]
    settings: MeasureSettings

    def last_two_ended(self) -> tuple[MonthAnalysis, MonthAnalysis] | None:
        """The month before the last ended month, and that month: what "up/down from last
        month" compares (never the month in progress)."""
        return last_two_ended(self.analysis.months)


@dataclass(frozen=True, slots=True)
class Overview:
    """What the dashboard and the team-meeting report show of month M: its figure and the
    previous month's with every client (each as `month()` reads it), and the series ending at M."""

    current: MonthFigures
    previous: MonthFigures
    series: Series


@dataclass(frozen=True, slots=True)
class ToDo:
    """SPEC §6: the work list of month M (for a team, a care coordinator, or everyone), with the
    directory's entry for each client's workers, so the other service's worker can be reached
    (phone, email) from the list."""

    work: WorkList
    #: (side, name) -> the directory's worker
    directory: Mapping[tuple[Service, str], Worker]

    @property
    def month(self) -> Month:
        return self.work.month

    @property
    def team(self) -> str | None:
        return self.work.team

    @property
    def coordinator(self) -> str | None:
        return self.work.coordinator

    @property
    def not_yet(self) -> tuple[NotYet, ...]:
        return self.work.not_yet

    @property
    def at_risk_next_month(self) -> tuple[AtRisk, ...]:
        return self.work.at_risk_next_month

    @property
    def missed_appointments(self) -> tuple[MissedJoint, ...]:
        return self.work.missed_appointments

    def key_worker(self, client: ClientMonth) -> Worker | None:
        """The client's key worker (the other service's, for a care coordinator's list), as the
        directory holds them; None when none is named."""
        return self.directory.get((Service.SUBSTANCE_MISUSE, client.key_worker or ""))

    def care_coordinator(self, client: ClientMonth) -> Worker | None:
        return self.directory.get((Service.MENTAL_HEALTH, client.care_coordinator or ""))


class FiguresService:
    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db

    def is_provisional(self, month: Month) -> bool:
        """SPEC §5: is `month` still in progress today (its figure so far only)?"""
        return month.is_provisional(self._context.today())

    def so_far_text(self, month: Month) -> str | None:
        """'so far: 5 of 31 days' for the month in progress, None for an ended month."""
        return month.so_far_text(self._context.today())

    def last_complete_month(self) -> Month:
        """The latest ended month: what Print summary offers first."""
        return Month.last_complete(self._context.today())

    def teams(self) -> list[str]:
        from ddcase.storage import repository

        with self._db.read() as session:
            return repository.teams(session)

    def month(self, month: Month, team: str | None = None) -> MonthFigures:
        """The figure for month M (optionally one team), with every mutual and excluded client."""
        return self._months([month], team)[0]

    def months(self, first: Month, last: Month, team: str | None = None) -> list[MonthFigures]:
        """The figures for every month from first to last, with every client, as `month()`
        gives each."""
        _check_range(first, last)
        return self._months(list(month_range(first, last)), team)

    def _months(self, months: list[Month], team: str | None) -> list[MonthFigures]:
        """The months' figures, read in one go, each client's contacts counted by the database
        (`figures_read.month_facts`) as the criteria table says (`MonthRule.contacts`): the one
        read of a month's figure with its clients."""
        with cyclic_gc_paused():
            with self._read(team) as (session, beside):
                versions = _definitions(session)
                rules = [MonthRule.of(m, definition_in_force(versions, m)) for m in months]
                facts = figures_read.month_facts(
                    session,
                    min(r.first_day for r in rules),
                    max(r.last_day for r in rules),
                    [r.contacts for r in rules],
                    team=team,
                    beside=beside,
                )
            figures = [
                month_figures_of(clients, rule.month, rule.definition, team)
                for clients, rule in zip(facts, rules, strict=True)
            ]
            del facts  # freed while the collector is paused (see `_counts`)
        return figures

    def counts(self, first: Month, last: Month, team: str | None = None) -> list[MonthCounts]:
        """The figures for every month from first to last as counts only (no clients)."""
        _check_range(first, last)
        return self._counts(first, last, team)

    def counts_if(self, first: Month, last: Month, definition: Definition) -> list[MonthCounts]:
        """`counts` for every team, as they would be if `definition` judged every month from
        first to last: a proposed definition's figures, nothing saved (the definition dialog's
        "before and after")."""
        _check_range(first, last)
        return self._counts(first, last, None, assumed=[replace(definition, first_month=None)])

    def held_by(self, first: Month, last: Month, teams: list[str | None]) -> list[list[MonthHeld]]:
        """`counts` for each of `teams` (None: all teams), from one read of the data and one
        counting pass, each month with, for each criterion its definition enables, the mutual
        clients for whom it holds (`rules.timeline.months_held_of_teams`): the family's process
        measures (services/measures.py)."""
        _check_range(first, last)
        months = list(month_range(first, last))
        if not teams:
            return []
        with cyclic_gc_paused():
            # One snapshot: the contacts read beside the episodes as for the series (`_read`),
            # while the discharges are read in a thread of their own (services/measures.py): the
            # contacts' query is SQLite's or the server's work, not Python's, so the three share
            # two cores with the calling thread's own work shortened (issue 18, seventh round).
            team = teams[0] if len(teams) == 1 else None
            with self._read(team) as (session, beside):
                in_force = [definition_in_force(_definitions(session), m) for m in months]
                clients = _figure_facts(
                    session,
                    first.first_day,
                    last.last_day,
                    criteria.counting_contacts(list(zip(months, in_force, strict=True))),
                    in_force,
                    team,
                    beside=beside,
                )
            # Every team in one counting pass: each client's mutual days are worked out once a
            # month, and each client judged once for all the teams.
            held = months_held_of_teams(clients, months, in_force, teams)
            del clients
        kept = _kept_counts.get()
        if kept is not None:
            kept.update(((c.team, c.month, c.definition), c) for of in held for c, _ in of)
        return held

    @contextmanager
    def _read(self, team: str | None) -> Iterator[tuple[Session, Beside | None]]:
        """A read session for the figures, and beside it a second connection that sees the same
        snapshot, with a thread to read on it (`Database.twin`, `base.reads_beside`): the
        contacts' query runs there while the episodes are read and made facts (issue 18). None
        beside when the snapshot cannot be shared, or with one core to run on (the contacts are
        then read after the episodes, on the session, by client over a long range: the cheaper
        read when nothing runs beside it), the session's reads of one snapshot all the same. The
        thread's read has ended before its connection's transaction does. None beside for one
        team either: its contacts are read after its episodes, by its clients' ids (a few
        hundred; `figures_read._counting`), which PostgreSQL reads far quicker than through the
        team's clients as a subquery, as they would be read beside."""
        wanted = team is None and _second_core()
        with self._db.read() as session, self._db.twin(session, wanted=wanted) as twin:
            if twin is None:
                yield session, None
                return
            with reads_beside("figures") as thread:
                yield session, Beside(twin, thread.submit)

    def versions(self) -> list[Definition]:
        """The agreed definition versions (the default one when none is recorded)."""
        return self._versions()

    def series(
        self, first: Month, last: Month, team: str | None = None, chart: ChartKind | str | None = None
    ) -> Series:
        """SPEC §4 `series`: the monthly figures from first to last with the chart analysis. Parts
        start at every change of definition version and at every note marked as a new part; the
        team's baseline (if set) fixes the centre line and limits of each part."""
        return self._series(self.counts(first, last, team), team, chart)

    def overview(
        self,
        month: Month,
        chart_months: int,
        team: str | None = None,
        *,
        chart: ChartKind | str | None = None,
        leading_gaps: bool = True,
        read: list[MonthFigures] | None = None,
    ) -> Overview:
        """Month M and the month before with every client (as `month()` reads them, in one go),
        and the series of the `chart_months` months ending at M (as `series()` gives it; its last
        two months are those two months' counts). Without `leading_gaps`, the series starts at its first month with anybody to count (a new
        log should not open its chart with a year of gaps). `read`: the month before and M as
        `months(M - 1, M, team)` gave them, when the caller has read them already (the meeting
        PDF reads them beside its counting)."""
        if chart_months < 1:
            raise DomainError("A series covers at least one month.")
        first = month.plus(-(chart_months - 1))
        _check_range(first, month)
        previous = month.previous()
        if read is None or [f.month for f in read] != [previous, month]:
            read = self._months([previous, month], team)
        before, now = read
        # The series' last two months are those two months' counts; the rest read as counts.
        earlier = previous.previous()
        shown = self._counts(first, earlier, team) if first <= earlier else []
        shown += [f.counts() for f in (before, now) if f.month >= first]
        if not leading_gaps:
            with_data = [i for i, c in enumerate(shown) if c.mutual_clients or c.excluded_clients]
            if with_data:
                shown = shown[with_data[0] :]
        return Overview(now, before, self._series(shown, team, chart))

    def _counts(
        self, first: Month, last: Month, team: str | None, assumed: list[Definition] | None = None
    ) -> list[MonthCounts]:
        """Every month's counts from first to last, loading the data once (for one team, only
        the clients who can count for it); judged by the `assumed` definitions when given."""
        months = list(month_range(first, last))
        with cyclic_gc_paused():
            with self._read(team) as (session, beside):
                versions = _definitions(session) if assumed is None else assumed
                in_force = [definition_in_force(versions, m) for m in months]
                kept = _kept_counts.get() or {}
                if all((team, m, d) in kept for m, d in zip(months, in_force, strict=True)):
                    return [kept[(team, m, d)] for m, d in zip(months, in_force, strict=True)]
                clients = _figure_facts(
                    session,
                    first.first_day,
                    last.last_day,
                    criteria.counting_contacts(list(zip(months, in_force, strict=True))),
                    in_force,
                    team,
                    beside,
                )
            counts = months_counts(clients, months, in_force, team)
            # Freed while the collector is paused: otherwise its first pass afterwards walks
            # every fact still alive.
            del clients
        return counts

    def _series(self, counts: list[MonthCounts], team: str | None, chart: ChartKind | str | None) -> Series:
        from ddcase.storage import repository

        first, last = counts[0].month, counts[-1].month
        with self._db.read() as session:
            notes = tuple(a for a in repository.annotations(session, team) if first <= a.month <= last)
            settings = repository.measure_settings(session, team)
        today = self._context.today()  # the month in progress is provisional (SPEC §5)
        points = [
            MonthlyPoint(
                c.month,
                c.jointly_worked,
                c.mutual_clients,
                c.definition_version,
                c.month.is_provisional(today),
            )
            for c in counts
        ]
        analysis = analyse_series(
            points,
            new_part_months=[a.month for a in notes if a.new_part],
            baseline_months=settings.baseline_months,
            chart=chart,
        )
        return Series(first, last, team, tuple(counts), analysis, notes, settings)

    def to_do(self, month: Month, team: str | None = None, coordinator: str | None = None) -> ToDo:
        """SPEC §6 `ddcase todo`: month M's work list (`rules.todo.work_list`) for a team, a care
        coordinator or everyone, from M's figures as `month()` reads them and each mutual
        client's history: its contacts from the earlier of M's and next month's joint-contact
        windows (or M's first day) to the later of next month's last day and today (a follow-up
        recorded since counts)."""
        from ddcase.storage import repository

        figures = self.month(month, team)
        coming = month.next()
        today = self._context.today()
        with self._db.read() as session:
            in_force = definition_in_force(_definitions(session), coming)
            since = min(
                MonthRule.of(month, figures.definition).looked_back_to,
                MonthRule.of(coming, in_force).looked_back_to,
            )
            histories = figures_read.histories(
                session, month.first_day, month.last_day, since, max(coming.last_day, today)
            )
            directory = {(w.service, w.name): w for w in repository.workers(session)}
        if coordinator is not None and (Service.MENTAL_HEALTH, coordinator) not in directory:
            raise DomainError(
                f"There is no care coordinator called {coordinator!r} in the workers directory."
            )
        by_ref = {h.client.client_ref: h for h in histories}
        return ToDo(work_list(figures, by_ref, in_force, coordinator), directory)

    def client_months(
        self, history: ClientHistory, first: Month, last: Month
    ) -> list[tuple[Month, ClientMonth | None]]:
        """One client's status in each month (the 12-month strip on the client screen)."""
        versions = self._versions()
        return [(m, evaluate(history, m, definition_in_force(versions, m))) for m in month_range(first, last)]

    def _versions(self) -> list[Definition]:
        with self._db.read() as session:
            return _definitions(session)


@cache
def _second_core() -> bool:
    """Whether this process may run on more than one core (a read beside needs a second)."""
    return usable_cores() > 1


def _definitions(session: Session) -> list[Definition]:
    """The agreed definition versions, or the default one (SPEC §2) when none is recorded."""
    return figures_read.definitions(session) or [Definition()]
