"""The family of measures (issue 16, SPEC §6 `ddcase measures`): every measure of a team, read
the Making Data Count way, for the command, the Measures page and the meeting PDF.

A measure comes from a *source*: a function `(context, first, last, team)` giving measures with
their monthly series from first to last (for one team, or the whole service when team is None).
`SOURCES` is the registry, a plain list read in order: adding a source is one line. The built-in
ones give the jointly-worked measure and one process measure per enabled criterion of the
definition in force (`log_measures`), the discharge guard's measure (`discharge_measures`) and
each caseload audit question (`audit_measures`) of issue 17, and the measures a team enters by
hand (`manual_measures`).
`MeasuresService.table` charts each series up to the month asked (`rules.measures.measure_entry`)
with the team's parts and baseline, as the main chart has them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from ddcase.domain import DomainError, MeasureSettings, Month, definition_in_force
from ddcase.domain.marks import PointKind
from ddcase.rules import criteria
from ddcase.rules.charts import MonthlyPoint, SeriesAnalysis, analyse_series, month_text
from ddcase.rules.control_charts import ControlChart, ValuePoint, analyse_c, analyse_xmr
from ddcase.rules.discharges import Discharge
from ddcase.rules.mdc import Better
from ddcase.rules.measures import (
    ASSURANCE_WORDS,
    VARIATION_WORDS,
    Measure,
    MeasureMonth,
    MeasureType,
    Unit,
    aim_text,
    measure_entry,
    number_text,
    rule_words,
    value_text,
)

# The words of an entry, for the screens (ui/ reads rules through the services).
__all__ = [
    "ASSURANCE_WORDS",
    "VARIATION_WORDS",
    "aim_text",
    "month_text",
    "number_text",
    "value_text",
]
from ddcase.services.base import Context, cyclic_gc_paused, reads_beside
from ddcase.services.figures import FiguresService
from ddcase.storage import repository

MeasureSource = Callable[[Context, Month, Month, str | None], list[tuple[Measure, list[MeasureMonth]]]]
"""A source of measures: (context, first month, last month, team or None) -> each measure with
its months from first to last (a month left out, or with no counts, is a gap)."""

CHART_MONTHS = 24
"""Each measure is charted over up to the 24 months ending at the month asked, as the main chart."""

JOINTLY_WORKED = "jointly_worked"


def criterion_key(name: str) -> str:
    """SPEC §6: `criterion:NAME`."""
    return f"criterion:{name}"


def log_measures(
    context: Context, first: Month, last: Month, team: str | None
) -> list[tuple[Measure, list[MeasureMonth]]]:
    """The measures the log gives for free, each month judged by the definition in force for it
    (SPEC §2), from the fast counts of a series (`FiguresService.held_by`):

    - `jointly_worked`: jointly worked / mutual clients, with the team's aim;
    - `criterion:NAME` for each criterion enabled by the definition in force at `last`: the mutual
      clients for whom it holds / the mutual clients, tallied in the same counting pass as the
      main measure (each mutual client judged on every enabled criterion). A month whose version
      does not use the criterion is a gap; every month keeps its definition version, so the parts
      follow the versions as on the main chart.
    """
    return log_measures_of_teams(context, first, last, [team])[0]


def log_measures_of_teams(
    context: Context, first: Month, last: Month, teams: list[str | None]
) -> list[list[tuple[Measure, list[MeasureMonth]]]]:
    """`log_measures` for each of `teams`, from one read of the data and one counting pass."""
    figures = FiguresService(context)
    in_force = definition_in_force(figures.versions(), last)
    shown = [rule for rule in criteria.table() if rule.name in in_force.enabled()]
    with context.db.read() as session:
        aims = [settings.aim_percentage for settings in repository.measure_settings_of_teams(session, teams)]
    today = context.today()
    found_by_team = []
    for months, aim_percentage in zip(figures.held_by(first, last, teams), aims, strict=True):
        aim = aim_percentage / 100 if aim_percentage is not None else None
        main = Measure(
            JOINTLY_WORKED,
            "Mutual clients jointly worked",
            MeasureType.OUTCOME,
            Unit.PROPORTION,
            Better.HIGHER,
            aim,
        )
        found: list[tuple[Measure, list[MeasureMonth]]] = [
            (
                main,
                [
                    MeasureMonth(
                        c.month,
                        c.jointly_worked,
                        c.mutual_clients,
                        None,
                        c.month.is_provisional(today),
                        c.definition_version,
                    )
                    for c, _ in months
                ],
            )
        ]
        for rule in shown:
            measure = Measure(
                criterion_key(rule.name),
                f"{rule.label} (mutual clients)",
                MeasureType.PROCESS,
                Unit.PROPORTION,
                Better.HIGHER,
            )
            series = []
            for c, held in months:
                provisional = c.month.is_provisional(today)
                # Only the criteria the month's version enables are tallied: any other is a gap.
                numerator = dict(held).get(rule.name)
                if numerator is None:
                    series.append(MeasureMonth(c.month, None, None, None, provisional, c.definition_version))
                    continue
                series.append(
                    MeasureMonth(
                        c.month, numerator, c.mutual_clients, None, provisional, c.definition_version
                    )
                )
            found.append((measure, series))
        found_by_team.append(found)
    return found_by_team


def manual_measures(
    context: Context, first: Month, last: Month, team: str | None
) -> list[tuple[Measure, list[MeasureMonth]]]:
    """The measures a team enters by hand (`manual:SLUG`), defined for this team (or for the
    whole service when team is None), with their values from first to last."""
    from ddcase.services.manual_measures import ManualMeasuresService

    return ManualMeasuresService(context).measures(first, last, team)


def manual_measures_of_teams(
    context: Context, first: Month, last: Month, teams: list[str | None]
) -> list[list[tuple[Measure, list[MeasureMonth]]]]:
    """`manual_measures` for each of `teams`, in one read."""
    from ddcase.services.manual_measures import ManualMeasuresService

    return ManualMeasuresService(context).measures_of_teams(first, last, teams)


def audit_measures(
    context: Context, first: Month, last: Month, team: str | None
) -> list[tuple[Measure, list[MeasureMonth]]]:
    """`audit:SLUG:QUESTION` (issue 17): each caseload audit question's yes of yes + no, by the
    month of its round (`services.audits.audit_measures`)."""
    from ddcase.services import audits

    return audits.audit_measures(context, first, last, team)


def audit_measures_of_teams(
    context: Context, first: Month, last: Month, teams: list[str | None]
) -> list[list[tuple[Measure, list[MeasureMonth]]]]:
    """`audit_measures` for each of `teams`, every audit read once."""
    from ddcase.services import audits

    return audits.audit_measures_of_teams(context, first, last, teams)


def discharge_measures(
    context: Context, first: Month, last: Month, team: str | None
) -> list[tuple[Measure, list[MeasureMonth]]]:
    """`discharges_with_other_service` (issue 17): the month's discharges made while the other
    side was open, and those with the other service involved (`services.discharges`)."""
    from ddcase.services import discharges

    return discharges.discharge_measures(context, first, last, team)


def discharge_measures_of_teams(
    context: Context,
    first: Month,
    last: Month,
    teams: list[str | None],
    read: Callable[[], Sequence[list[Discharge]]] | None = None,
) -> list[list[tuple[Measure, list[MeasureMonth]]]]:
    """`discharge_measures` for each of `teams`, from one read of the discharges (`read`: the
    caller's own, when given)."""
    from ddcase.services import discharges

    return discharges.discharge_measures_of_teams(context, first, last, teams, read)


SOURCES: list[MeasureSource] = [
    log_measures,
    discharge_measures,
    audit_measures,
    manual_measures,
]
"""The registry of sources, read in order (the order of the table)."""

MeasureSourceOfTeams = Callable[
    [Context, Month, Month, list[str | None]], list[list[tuple[Measure, list[MeasureMonth]]]]
]
"""A source's measures for each of several teams at once: (context, first, last, teams) -> for
each team, what the source gives for it (the same answers, from one read)."""

OF_TEAMS: dict[MeasureSource, MeasureSourceOfTeams] = {
    log_measures: log_measures_of_teams,
    discharge_measures: discharge_measures_of_teams,
    audit_measures: audit_measures_of_teams,
    manual_measures: manual_measures_of_teams,
}
"""The sources that can read every team at once: the summary of all teams (the meeting PDF)
asks each of these once rather than once per team (issue 18). A source not here is asked per team."""

READ_BESIDE = (discharge_measures,)
"""The sources of `OF_TEAMS` read in a thread of their own beside the counting of the log's
measures (issue 18): most of their read is the database's work, which goes on while Python counts
(it lets go of its lock meanwhile). Their answers are the same either way."""


MeasureChart = SeriesAnalysis | ControlChart


def chart_of(
    measure: Measure,
    series: tuple[MeasureMonth, ...],
    new_part_months: tuple[Month, ...] = (),
    baseline_months: int | None = None,
) -> MeasureChart:
    if measure.unit is Unit.PROPORTION:
        points = [
            MonthlyPoint(m.month, m.numerator or 0, m.denominator or 0, m.definition_version, m.provisional)
            for m in series
        ]
        return analyse_series(points, new_part_months=new_part_months, baseline_months=baseline_months)
    values = [ValuePoint(m.month, m.value, m.definition_version, m.provisional) for m in series]
    if measure.unit is Unit.COUNT:
        return analyse_c(
            values, better=measure.better, new_part_months=new_part_months, baseline_months=baseline_months
        )
    return analyse_xmr(
        values, better=measure.better, new_part_months=new_part_months, baseline_months=baseline_months
    )


@dataclass(frozen=True, slots=True)
class ChartPoint:
    """One month of a measure's chart as a screen draws it: its value (a proportion as a
    percentage), its part's lines, and its mark (`domain.marks`). `value` None is a gap."""

    month: Month
    value: float | None
    centre: float | None
    lower: float | None
    upper: float | None
    part: int
    kind: PointKind


def chart_points(chart: MeasureChart) -> list[ChartPoint]:
    """The months of a measure's chart, whatever its kind, in one shape for drawing."""
    if isinstance(chart, SeriesAnalysis):

        def percent(value: float | None) -> float | None:
            return None if value is None else 100 * value

        return [
            ChartPoint(
                m.month,
                percent(float(m.proportion)) if m.proportion is not None and m.mutual_clients else None,
                percent(m.centre),
                percent(m.lower_limit),
                percent(m.upper_limit),
                m.part,
                PointKind.PROVISIONAL if m.provisional else m.kind,
            )
            for m in chart.months
        ]
    return [
        ChartPoint(
            m.month,
            float(m.value) if m.value is not None else None,
            m.centre,
            m.lower_limit,
            m.upper_limit,
            m.part,
            m.point_kind,
        )
        for m in chart.months
    ]


@dataclass(frozen=True, slots=True)
class MeasureReading:
    """One measure: what it is, its months as charted, and its SPEC §6 entry for the month."""

    measure: Measure
    series: tuple[MeasureMonth, ...]
    entry: dict[str, Any]

    @property
    def key(self) -> str:
        return self.measure.key

    def rule_text(self) -> str:
        return rule_words(self.entry)

    def chart(
        self, new_part_months: tuple[Month, ...] = (), baseline_months: int | None = None
    ) -> MeasureChart:
        """The measure's chart as drawn (issue 16 item 3): a proportion on the main chart of
        SPEC §5 (run chart below 12 points in a part, p chart from 12), a count on a c chart, a
        value on an XmR chart; with the same parts and baseline as its reading."""
        return chart_of(self.measure, self.series, new_part_months, baseline_months)


@dataclass(frozen=True, slots=True)
class MeasuresTable:
    """Every measure of the family for a month and team, with what their charts need."""

    month: Month
    team: str | None
    readings: tuple[MeasureReading, ...]
    new_part_months: tuple[Month, ...]
    baseline_months: int | None

    def json(self) -> dict[str, Any]:
        """SPEC §6 `measures --json`."""
        return {
            "month": str(self.month),
            "team": self.team,
            "measures": [reading.entry for reading in self.readings],
        }


class MeasuresService:
    def __init__(self, context: Context, sources: list[MeasureSource] | None = None) -> None:
        self._context = context
        self._sources = SOURCES if sources is None else sources

    def table(self, month: Month, team: str | None = None) -> MeasuresTable:
        """SPEC §6: every measure of the family for month M (optionally one team), each read on
        its chart of the months up to M, with the team's new parts and baseline."""
        return self.tables(month, [team])[0]

    def tables(
        self,
        month: Month,
        teams: list[str | None],
        known_teams: list[str] | None = None,
        discharges: Callable[[], Sequence[list[Discharge]]] | None = None,
    ) -> list[MeasuresTable]:
        """`table` for each of `teams`, each source of `OF_TEAMS` reading all of them at once
        (`known_teams`: the log's teams when the caller has just read them). `discharges`, when
        given, gives the guarded discharges of the charts' months for each of `teams`
        (`DischargeService.discharges_of_teams(month.plus(-(CHART_MONTHS - 1)), month, teams)`),
        read by the caller, who needs them too (the meeting PDF: a future's `result`, the read
        going on beside the counting): the discharge measure's series are made from them.

        The cyclic collector is paused throughout (`cyclic_gc_paused`, as the figures' reads
        pause it): the discharges beside make some 40,000 values and the charts thousands of
        Fractions, none in a cycle, and a collection set off by their number (a full one: 0.06
        s) ran in the calling thread, holding Python's lock, or in the thread beside."""
        with cyclic_gc_paused():
            return self._tables(month, teams, known_teams, discharges)

    def _tables(
        self,
        month: Month,
        teams: list[str | None],
        known_teams: list[str] | None,
        discharges: Callable[[], Sequence[list[Discharge]]] | None,
    ) -> list[MeasuresTable]:
        known = FiguresService(self._context).teams() if known_teams is None else known_teams
        for team in teams:
            if team is not None and team not in known:
                raise DomainError(f"No team called {team!r} in the log.")
        first = month.plus(-(CHART_MONTHS - 1))
        # Each source that can read every team at once does so (OF_TEAMS); the rest, per team.
        given: dict[MeasureSource, MeasureSourceOfTeams] = {}
        if discharges is not None:
            given[discharge_measures] = partial(discharge_measures_of_teams, read=discharges)
        # The sources read beside (or given by the caller, from its own read beside) are waited
        # for last: every other source's read, the notes and settings, and each table's entries
        # of the rest are made while their read goes on, not after it (issue 18, ninth round).
        last = [s for s in self._sources if s in READ_BESIDE and (s in given or s in OF_TEAMS)]
        readings: list[dict[MeasureSource, list[MeasureReading]]] = [{} for _ in teams]
        with reads_beside("measures") as beside:
            started = {
                source: beside.submit(OF_TEAMS[source], self._context, first, month, teams)
                for source in last
                if source not in given
            }
            of_teams = {
                source: OF_TEAMS[source](self._context, first, month, teams)
                for source in self._sources
                if source in OF_TEAMS and source not in last
            }
            # Every team's notes and settings, each one read for all of them (not a read a team).
            with self._context.db.read() as session:
                notes = repository.annotations_of_teams(session, teams)
                settings = repository.measure_settings_of_teams(session, teams)
            new_parts = [
                tuple(n.month for n in each if n.new_part and first <= n.month <= month) for each in notes
            ]
            for index, team in enumerate(teams):
                for source in self._sources:
                    if source in last:
                        continue
                    found = (
                        of_teams[source][index]
                        if source in of_teams
                        else source(self._context, first, month, team)
                    )
                    readings[index][source] = _readings(month, found, new_parts[index], settings[index])
            for source in last:
                found_of_teams = (
                    started[source].result()
                    if source in started
                    else given[source](self._context, first, month, teams)
                )
                for index in range(len(teams)):
                    readings[index][source] = _readings(
                        month, found_of_teams[index], new_parts[index], settings[index]
                    )
        return [
            _table(
                month,
                team,
                [r for source in self._sources for r in readings[index][source]],
                new_parts[index],
                settings[index],
            )
            for index, team in enumerate(teams)
        ]


def _readings(
    month: Month,
    found: list[tuple[Measure, list[MeasureMonth]]],
    new_parts: tuple[Month, ...],
    settings: MeasureSettings,
) -> list[MeasureReading]:
    """A source's measures for one team, each read on its chart up to `month`."""
    return [
        MeasureReading(
            measure,
            tuple(series),
            measure_entry(
                measure, series, month, new_part_months=new_parts, baseline_months=settings.baseline_months
            ),
        )
        for measure, series in found
    ]


def _table(
    month: Month,
    team: str | None,
    readings: list[MeasureReading],
    new_parts: tuple[Month, ...],
    settings: MeasureSettings,
) -> MeasuresTable:
    """A team's table of its sources' readings, in the sources' order; no two may share a key."""
    keys = [r.key for r in readings]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise DomainError(f"Two measures share the key {', '.join(repeated)}.")
    return MeasuresTable(month, team, tuple(readings), new_parts, settings.baseline_months)
