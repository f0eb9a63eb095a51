"""The monthly figures (SPEC §2) and their series, for every screen, report and command.
`ddcase figures` and the dashboard both call `FiguresService.month()`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ddcase.domain import (
    Annotation,
    ClientHistory,
    Definition,
    DomainError,
    MeasureSettings,
    Month,
    definition_in_force,
    month_range,
)
from ddcase.rules.charts import ChartKind, MonthlyPoint, SeriesAnalysis, analyse_series
from ddcase.rules.figures import ClientMonth, MonthFigures, evaluate
from ddcase.rules.timeline import months_figures
from ddcase.services.base import Context
from ddcase.storage import repository

MAX_SERIES_MONTHS = 120


@dataclass(frozen=True, slots=True)
class Series:
    """The monthly figures over a range with their chart analysis (SPEC §5), and what the chart
    draws beside them: the team's notes, aim and baseline."""

    first: Month
    last: Month
    team: str | None
    months: tuple[MonthFigures, ...]
    analysis: SeriesAnalysis
    annotations: tuple[Annotation, ...]
    settings: MeasureSettings


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
        """The figures for every month from first to last, loading the data once."""
        if last < first:
            raise DomainError(f"The range ends ({last}) before it starts ({first}).")
        if last.index - first.index + 1 > MAX_SERIES_MONTHS:
            raise DomainError(f"A series covers at most {MAX_SERIES_MONTHS} months.")
        months = list(month_range(first, last))
        with self._db.read() as session:
            versions = repository.definitions(session) or [Definition()]
            in_force = [definition_in_force(versions, m) for m in months]
            widest = max(d.joint_contact_window_days for d in in_force)
            contacts_from = first.last_day - timedelta(days=widest - 1)
            clients = repository.figure_facts(
                session,
                first.first_day,
                last.last_day,
                min(contacts_from, first.first_day),
                written_contacts_count=any(d.written_contacts_count for d in in_force),
            )
        return months_figures(clients, months, in_force, team)

    def series(
        self, first: Month, last: Month, team: str | None = None, chart: ChartKind | str | None = None
    ) -> Series:
        """SPEC §4 `series`: the monthly figures from first to last with the chart analysis. Parts
        start at every change of definition version and at every note marked as a new part; the
        team's baseline (if set) fixes the centre line and limits of each part."""
        figures = self.months(first, last, team)
        with self._db.read() as session:
            notes = tuple(a for a in repository.annotations(session, team) if first <= a.month <= last)
            settings = repository.measure_settings(session, team)
        points = [
            MonthlyPoint(f.month, f.jointly_worked, f.mutual_clients, f.definition_version) for f in figures
        ]
        analysis = analyse_series(
            points,
            new_part_months=[a.month for a in notes if a.new_part],
            baseline_months=settings.baseline_months,
            chart=chart,
        )
        return Series(first, last, team, tuple(figures), analysis, notes, settings)

    def client_months(
        self, history: ClientHistory, first: Month, last: Month
    ) -> list[tuple[Month, ClientMonth | None]]:
        """One client's status in each month (the 12-month strip on the client screen)."""
        versions = self._versions()
        return [(m, evaluate(history, m, definition_in_force(versions, m))) for m in month_range(first, last)]

    def _versions(self) -> list[Definition]:
        with self._db.read() as session:
            return repository.definitions(session) or [Definition()]
