"""The monthly figures (SPEC §2) and their series, for every screen, report and command.
`ddcase figures` and the dashboard both call `FiguresService.month()`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date

from ddcase.domain import (
    JOINT_KINDS,
    Annotation,
    ClientHistory,
    Contact,
    Definition,
    DomainError,
    MeasureSettings,
    Month,
    Outcome,
    definition_in_force,
    month_range,
    window_start,
)
from ddcase.rules.charts import ChartKind, MonthlyPoint, SeriesAnalysis, analyse_series
from ddcase.rules.criteria import is_counting
from ddcase.rules.figures import (
    ClientMonth,
    GroupFigures,
    MonthCounts,
    MonthFigures,
    MonthRule,
    evaluate,
    month_figures,
    month_figures_of,
)
from ddcase.rules.timeline import months_judged

__all__ = [
    "ClientMonth",
    "FiguresService",
    "GroupFigures",
    "MissedAppointment",
    "MonthCounts",
    "MonthFigures",
    "Overview",
    "Series",
    "ToDo",
]
from ddcase.services.base import Context, cyclic_gc_paused
from ddcase.storage import repository

MAX_SERIES_MONTHS = 120


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


@dataclass(frozen=True, slots=True)
class Overview:
    """What the dashboard and the team-meeting report show of month M: its figure and the
    previous month's with every client, and the series ending at M, from one load."""

    current: MonthFigures
    previous: MonthFigures
    series: Series


@dataclass(frozen=True, slots=True)
class MissedAppointment:
    """A joint appointment or care plan review the client did not attend, with no counting joint
    contact since: a prompt to follow up (SPEC §1), not joint work."""

    contact: Contact
    initials: str
    care_coordinator: str | None
    key_worker: str | None


@dataclass(frozen=True, slots=True)
class ToDo:
    """A care coordinator's list for month M: the mutual clients not yet jointly worked (what is
    missing is each client's `failed_criteria`), due by the last day of M, and the missed joint
    appointments still waiting for a follow-up."""

    month: Month
    care_coordinator: str | None
    due: date
    clients: tuple[ClientMonth, ...]
    missed: tuple[MissedAppointment, ...]


class FiguresService:
    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db

    def teams(self) -> list[str]:
        with self._db.read() as session:
            return repository.teams(session)

    def month(self, month: Month, team: str | None = None) -> MonthFigures:
        """The figure for month M (optionally one team), with every mutual and excluded client."""
        return self.months(month, month, team)[0]

    def months(self, first: Month, last: Month, team: str | None = None) -> list[MonthFigures]:
        """The figures for every month from first to last, with every client, loading the data
        once."""
        _check_range(first, last)
        if first == last:
            return [self._month(first, team)]
        months = list(month_range(first, last))
        _, figures = self._judge(first, last, team, full=months)
        return [figures[m] for m in months]

    def _month(self, month: Month, team: str | None) -> MonthFigures:
        """One month's figures, its contacts counted by the database (`repository.month_facts`)."""
        with cyclic_gc_paused():
            with self._db.read() as session:
                definition = definition_in_force(_definitions(session), month)
                rule = MonthRule.of(month, definition)
                clients = repository.month_facts(
                    session,
                    rule.first_day,
                    rule.last_day,
                    window_from=rule.window_first,
                    joint_from=rule.looked_back_to,
                    written_contacts_count=definition.written_contacts_count,
                    team=team,
                )
            figures = month_figures_of(clients, month, definition, team)
            del clients  # freed while the collector is paused (see `_judge`)
        return figures

    def counts(self, first: Month, last: Month, team: str | None = None) -> list[MonthCounts]:
        """The figures for every month from first to last as counts only (no clients)."""
        _check_range(first, last)
        counts, _ = self._judge(first, last, team)
        return counts

    def counts_if(self, first: Month, last: Month, definition: Definition) -> list[MonthCounts]:
        """`counts` for every team, as they would be if `definition` judged every month from
        first to last: a proposed definition's figures, nothing saved (the definition dialog's
        "before and after")."""
        _check_range(first, last)
        counts, _ = self._judge(first, last, None, assumed=[replace(definition, first_month=None)])
        return counts

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
    ) -> Overview:
        """Month M and the month before with every client, and the series of the `chart_months`
        months ending at M: what `month` (twice) and `series` give, from one load of the data.
        Without `leading_gaps`, the series starts at its first month with anybody to count (a new
        log should not open its chart with a year of gaps)."""
        if chart_months < 1:
            raise DomainError("A series covers at least one month.")
        first = month.plus(-(chart_months - 1))
        _check_range(first, month)
        previous = month.previous()
        counts, figures = self._judge(min(first, previous), month, team, full=(previous, month))
        shown = [c for c in counts if c.month >= first]
        if not leading_gaps:
            with_data = [i for i, c in enumerate(shown) if c.mutual_clients or c.excluded_clients]
            if with_data:
                shown = shown[with_data[0] :]
        return Overview(figures[month], figures[previous], self._series(shown, team, chart))

    def _judge(
        self,
        first: Month,
        last: Month,
        team: str | None,
        full: Collection[Month] = (),
        assumed: list[Definition] | None = None,
    ) -> tuple[list[MonthCounts], dict[Month, MonthFigures]]:
        """Every month's counts from first to last, and the months in `full` with every client,
        loading the data once (for one team, only the clients who can count for it)."""
        months = list(month_range(first, last))
        with cyclic_gc_paused():
            with self._db.read() as session:
                versions = _definitions(session) if assumed is None else assumed
                in_force = [definition_in_force(versions, m) for m in months]
                clients = repository.figure_facts(
                    session,
                    first.first_day,
                    last.last_day,
                    _contacts_from(first, in_force),
                    written_contacts_count=any(d.written_contacts_count for d in in_force),
                    team=team,
                )
            counts, figures = months_judged(clients, months, in_force, team, full=full)
            # Freed while the collector is paused: otherwise its first pass afterwards walks
            # every fact still alive.
            del clients
        return counts, {f.month: f for f in figures if f is not None}

    def _series(self, counts: list[MonthCounts], team: str | None, chart: ChartKind | str | None) -> Series:
        first, last = counts[0].month, counts[-1].month
        with self._db.read() as session:
            notes = tuple(a for a in repository.annotations(session, team) if first <= a.month <= last)
            settings = repository.measure_settings(session, team)
        points = [
            MonthlyPoint(c.month, c.jointly_worked, c.mutual_clients, c.definition_version) for c in counts
        ]
        analysis = analyse_series(
            points,
            new_part_months=[a.month for a in notes if a.new_part],
            baseline_months=settings.baseline_months,
            chart=chart,
        )
        return Series(first, last, team, tuple(counts), analysis, notes, settings)

    def to_do(self, month: Month, care_coordinator: str | None = None) -> ToDo:
        """What is left to do in month M (for one care coordinator, or everyone): the mutual
        clients not yet jointly worked, and every joint appointment marked did-not-attend within
        the joint-contact window ending on the last day of M with no counting joint appointment
        or care plan review on or after it (only the latest such appointment per client)."""
        versions, histories = self._load(month, month)
        definition = definition_in_force(versions, month)
        figures = month_figures(histories, month, definition)
        by_ref = {h.client.client_ref: h for h in histories}
        mine = [
            c for c in figures.clients if care_coordinator is None or c.care_coordinator == care_coordinator
        ]
        first = window_start(month.last_day, definition.joint_contact_window_days)
        missed: list[MissedAppointment] = []
        for c in mine:
            contacts = [x for x in by_ref[c.client_ref].contacts if x.date <= month.last_day]
            misses = [
                x
                for x in contacts
                if x.kind in JOINT_KINDS and x.outcome is Outcome.DID_NOT_ATTEND and x.date >= first
            ]
            if not misses:
                continue
            latest = max(misses, key=lambda x: x.date)
            followed_up = any(
                x.kind in JOINT_KINDS and x.date >= latest.date and is_counting(x, definition)
                for x in contacts
            )
            if not followed_up:
                missed.append(MissedAppointment(latest, c.initials, c.care_coordinator, c.key_worker))
        missed.sort(key=lambda m: (m.contact.date, m.contact.client_ref))
        return ToDo(
            month=month,
            care_coordinator=care_coordinator,
            due=month.last_day,
            clients=tuple(c for c in mine if not c.jointly_worked),
            missed=tuple(missed),
        )

    def client_months(
        self, history: ClientHistory, first: Month, last: Month
    ) -> list[tuple[Month, ClientMonth | None]]:
        """One client's status in each month (the 12-month strip on the client screen)."""
        versions = self._versions()
        return [(m, evaluate(history, m, definition_in_force(versions, m))) for m in month_range(first, last)]

    def _versions(self) -> list[Definition]:
        with self._db.read() as session:
            return _definitions(session)

    def _load(self, first: Month, last: Month) -> tuple[list[Definition], list[ClientHistory]]:
        """Every contact of the clients, not only those that count: the to-do list follows up
        missed appointments."""
        with self._db.read() as session:
            versions = _definitions(session)
            in_force = [definition_in_force(versions, m) for m in month_range(first, last)]
            histories = repository.histories(
                session, first.first_day, last.last_day, _contacts_from(first, in_force)
            )
        return versions, histories


def _definitions(session) -> list[Definition]:  # type: ignore[no-untyped-def]
    """The agreed definition versions, or the default one (SPEC §2) when none is recorded."""
    return repository.definitions(session) or [Definition()]


def _contacts_from(first: Month, in_force: list[Definition]) -> date:
    """The first day any month from `first` on reads contacts from: the widest joint-contact
    window ending on `first`'s last day, or `first`'s first day when every window is shorter."""
    widest = max(d.joint_contact_window_days for d in in_force)
    return min(window_start(first.last_day, widest), first.first_day)
