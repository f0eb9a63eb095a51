"""The team-meeting PDF (issue 4; SPEC §4 `ddcase report`).

Gathers the figures from FiguresService.overview, which gives what `ddcase figures` (month M and
M-1) and `ddcase series` (up to the last 24 months ending at M) give, from one load of the data, with the notes, aim, definition and data
completeness, hands them to reports/ as plain values, writes the PDF atomically and privately,
records the figures it printed (so a later report can say "revised from X to Y") and writes an
audit entry with no client identifiers.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ddcase.domain import DomainError, Month
from ddcase.domain.pdsa import PdsaCycle
from ddcase.domain.times import in_uk
from ddcase.reports.content import MeasureChart, MeasureRow, ReportContent, Revision
from ddcase.reports.joint_safety import AuditResultLine, FlaggedDischargeLine, SafetySummary
from ddcase.rules.charts import SeriesAnalysis
from ddcase.rules.completeness import Completeness, completeness
from ddcase.rules.discharges import Discharge, ending_in
from ddcase.rules.figures import MonthCounts, MonthFigures
from ddcase.rules.pdsa import PredictionCheck, cycle_marks, prediction_check
from ddcase.services.base import Context, cyclic_gc_paused, reads_beside
from ddcase.services.casework import CaseworkService
from ddcase.services.definitions import DefinitionService
from ddcase.services.figures import FiguresService, Series, facts_shared
from ddcase.services.notes import NotesService
from ddcase.services.pdsa import PdsaService
from ddcase.services.team import TeamService

if TYPE_CHECKING:
    from ddcase.services.measures import MeasuresTable
from ddcase.storage import audit, repository
from ddcase.storage.files import write_private
from ddcase.storage.repository import PrintedFigures

CHART_MONTHS = 24
"""The chart shows up to the last 24 months ending at the report's month."""


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """What was written: where, how many pages, and the headline figure."""

    path: Path
    month: Month
    team: str | None
    pages: int
    mutual_clients: int
    jointly_worked: int
    percentage: float | None
    client_list: bool
    revisions: tuple[Revision, ...]
    so_far: str | None = None  # the month in progress: 'so far: 5 of 31 days'

    def text(self) -> str:
        from ddcase.domain.format import figure_text

        scope = self.team or "all teams"
        lines = [
            f"Wrote {self.path} ({self.pages} page{'s' if self.pages != 1 else ''}).",
            f"{self.month.label()}, {scope}: "
            f"{figure_text(self.jointly_worked, self.mutual_clients, self.percentage)}"
            + (f", {self.so_far} (provisional)." if self.so_far else "."),
        ]
        lines += [f"Revised: {r.text()}" for r in self.revisions]
        if not self.client_list:
            lines.append("The follow-up list was left out (--no-client-list).")
        return "\n".join(lines) + "\n"


def default_file_name(month: Month, team: str | None, *, what: str = "", suffix: str = ".pdf") -> str:
    """'ddcase North CMHT 2026-11.pdf': the team (or the log's service, or "all teams"), what the
    file is, and the month; never a client identifier (team names are not identifiers). Characters
    no file system takes are left out."""
    words = " ".join(part for part in ("ddcase", team or "all teams", what, str(month)) if part)
    words = re.sub(r'[\x00-\x1f<>:"/\\|?*]+', " ", words)
    words = " ".join(words.split())[:120].rstrip(" .")
    return f"{words}{suffix}"


def free_file(folder: Path, name: str) -> Path:
    """`folder/name`, or 'name (2)', 'name (3)'... when a file of that name is there: a summary
    printed again never replaces the one printed before (nothing lost)."""
    target = folder / name
    stem, suffix = target.stem, target.suffix
    n = 2
    while target.exists():
        target = folder / f"{stem} ({n}){suffix}"
        n += 1
    return target


class ReportingService:
    free_file = staticmethod(free_file)

    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db
        self._figures = FiguresService(context)
        self._notes = NotesService(context)
        self._team = TeamService(context)
        self._definitions = DefinitionService(context)
        self._casework = CaseworkService(context)
        self._pdsa = PdsaService(context)

    def file_name(self, month: Month, team: str | None, *, what: str = "", suffix: str = ".pdf") -> str:
        """The name a saved summary, chart or series is offered: the team shown, else the log's
        team name (its settings), else "all teams" (`default_file_name`)."""
        return default_file_name(month, team or self._team.settings().team_name, what=what, suffix=suffix)

    def series_csv(self, first: Month, last: Month, team: str | None, out: Path) -> Path:
        """`ddcase series --first F --last L [--team T] --csv` written to `out` (the dashboard's
        "Save series as CSV...", for Life QI and other QI tools): the same call, the same columns."""
        from ddcase.services.output import series_csv

        self._check_team(team)
        self._check_folder(Path(out))
        text = series_csv(self._figures.series(first, last, team))
        _write_privately(Path(out), text.encode("utf-8"))
        return Path(out)

    # ------------------------------------------------------------------ the report

    def monthly_report(
        self, month: Month, team: str | None, out: Path, *, client_list: bool = True
    ) -> ReportSummary:
        """Write the month's summary PDF to `out` (replacing it) and record what it printed."""
        out = Path(out)
        self._check_team(team)
        self._check_folder(out)
        # ReportLab is loaded only to make a PDF. Loading it and its fonts takes a while; a thread
        # does it while this one waits on the database for the figures.
        loader = threading.Thread(target=_load_pdf_maker, name="ddcase-report-loader", daemon=True)
        loader.start()
        # The figures, then a trust's PDF (tens of thousands of cells, table pieces and drawing
        # commands) while the figures are still alive: the cyclic collector's passes over them all
        # would find little (none of it is in a reference cycle; reference counting frees it), so
        # it waits until the report is made and its content freed, when what it would have passed
        # over is gone (issue 18: between the figures and the PDF it was a pass of about 0.025 s).
        with cyclic_gc_paused():
            try:
                content = self.content(month, team, client_list=client_list)
            finally:
                loader.join()
            from ddcase.reports.monthly_report import render

            pdf, pages = render(content)
            _write_privately(out, pdf)
            self._record(content)
            current = content.current
            summary = ReportSummary(
                path=out,
                month=month,
                team=team,
                pages=pages,
                mutual_clients=current.mutual_clients,
                jointly_worked=current.jointly_worked,
                percentage=current.percentage,
                client_list=client_list,
                revisions=content.revisions,
                so_far=content.so_far,
            )
            del content, current, pdf  # freed before the collector is back
        return summary

    def content(self, month: Month, team: str | None, *, client_list: bool = True) -> ReportContent:
        """Everything the report prints, from the same calls as `ddcase figures` and `series`."""
        # Up to the last 24 months ending at M: leading months with nobody to count are left
        # off (a new log should not open with a year of gaps). One load for all of it.
        # The measures first: their read of the 24 months (every team's, for all teams) is kept
        # for the chart's series, which reads the same months but the last two (`facts_shared`).
        # An open PDSA cycle's check reads the family again: the same kept read serves it.
        # Beside the counting, in a thread of its own (`base.reads_beside`), the reads that do not need
        # it: the guarded discharges of the 24 months, once for every team shown (the discharge
        # measure's series and the month's safety section both take them), then the month and
        # the month before with every client (the headline, the lists) and the records of the
        # month's mutual clients (the completeness table).
        from ddcase.services.discharges import DischargeService

        cycles = self._pdsa.cycles(team)
        shown = self._teams_shown(team)
        with cyclic_gc_paused(), facts_shared(), reads_beside("report") as beside:
            read = beside.submit(
                DischargeService(self._context).discharges_of_teams,
                month.plus(-(CHART_MONTHS - 1)),
                month,
                shown,
            )
            months = beside.submit(self._figures.months, month.previous(), month, team)
            complete = beside.submit(lambda: self.completeness(months.result()[-1]))
            tables = self._measure_tables(month, shown, read.result)
            rows, charts, teams = self._measures_of(tables, cycles)
            overview = self._figures.overview(
                month, CHART_MONTHS, team, leading_gaps=False, read=months.result()
            )
            # An open PDSA cycle's check reads the report's own table of the family (issue 18).
            checks = self.pdsa_checks(month, team, cycles, tables[0][1])
            safety = self.safety(month, team, ending_in(read.result()[0], month))
            completed = complete.result()
        current, previous, series = overview.current, overview.previous, overview.series
        settings = self._team.settings()
        now = self._context.now()
        marks = tuple(cycle_marks(cycles, "jointly_worked"))
        return ReportContent(
            month=month,
            team=team,
            service_name=settings.team_name,
            produced_at=in_uk(now, naive="utc"),
            produced_by=self._context.user,
            current=current,
            previous=previous,
            analysis=series.analysis,
            annotations=series.annotations,
            cycle_marks=marks,
            settings=series.settings,
            definitions=tuple(self._definitions.versions()),
            completeness=completed,
            revisions=self._pending_revisions(series, current, previous),
            client_list=client_list,
            is_demo=settings.is_demo,
            so_far=self._figures.so_far_text(month),
            measure_rows=rows,
            measure_charts=charts,
            team_charts=teams,
            safety=safety,
            pdsa_checks=checks,
        )

    def measures(
        self, month: Month, team: str | None
    ) -> tuple[tuple[MeasureRow, ...], tuple[MeasureChart, ...], tuple[tuple[str, MeasureChart], ...]]:
        """The family's summary rows (measures × teams: for the whole service, each measure for
        all teams and then for each team) and one chart per measure other than the jointly-worked
        one, for the report's scope; the same tables as `ddcase measures [--team T]`."""
        return self._measures_of(
            self._measure_tables(month, self._teams_shown(team)), self._pdsa.cycles(team)
        )

    def _teams_shown(self, team: str | None) -> list[str | None]:
        """The report's scope and, for all teams, each of the log's teams (one scan of them)."""
        return [team] if team is not None else [None, *self._figures.teams()]

    def _measure_tables(
        self,
        month: Month,
        teams: list[str | None],
        discharges: Callable[[], Sequence[list[Discharge]]] | None = None,
    ) -> list[tuple[str, MeasuresTable]]:
        """The family's table for each of `teams` (the report's scope first), labelled; each
        source that can reads every team at once (`measures.OF_TEAMS`), and the discharge
        measure takes `discharges` when given (read once for the report)."""
        from ddcase.services.measures import MeasuresService

        known = [name for name in teams if name is not None] if teams[0] is None else None
        read = MeasuresService(self._context).tables(month, teams, known, discharges)
        return [(name or "All teams", each) for name, each in zip(teams, read, strict=True)]

    def _measures_of(
        self, tables: list[tuple[str, MeasuresTable]], cycles: list[PdsaCycle]
    ) -> tuple[tuple[MeasureRow, ...], tuple[MeasureChart, ...], tuple[tuple[str, MeasureChart], ...]]:
        from ddcase.services.measures import JOINTLY_WORKED

        table = tables[0][1]
        keys: list[str] = []
        for _, each in tables:
            keys += [r.key for r in each.readings if r.key not in keys]
        rows = tuple(
            MeasureRow(label, reading.entry)
            for key in keys
            for label, each in tables
            for reading in each.readings
            if reading.key == key
        )
        charts = tuple(
            MeasureChart(
                r.entry,
                r.chart(table.new_part_months, table.baseline_months),
                marks=tuple(cycle_marks(cycles, r.key)),
            )
            for r in table.readings
            if r.key != JOINTLY_WORKED
        )
        # Teams side by side (issue 16 item 7): each team's jointly-worked chart, for all teams.
        side_by_side = tuple(
            (label, MeasureChart(r.entry, r.chart(each.new_part_months, each.baseline_months)))
            for label, each in tables[1:]
            for r in each.readings
            if r.key == JOINTLY_WORKED
        )
        return rows, charts, side_by_side

    def safety(
        self, month: Month, team: str | None, discharges: list[Discharge] | None = None
    ) -> SafetySummary:
        """Issue 17's part of the report: the month's guarded discharges (`discharges` when the
        caller has read them, else read here), the flagged ones, and the caseload audit results."""
        from ddcase.services.discharges import DischargeService

        if discharges is None:
            discharges = DischargeService(self._context).discharges(month, month, team)
        flagged = tuple(
            FlaggedDischargeLine(
                d.client_ref, d.end_date, d.episode.service.label, d.episode.worker, d.other_worker
            )
            for d in discharges
            if d.flagged
        )
        return SafetySummary(
            discharges=len(discharges),
            with_other_service=sum(d.involved for d in discharges),
            flagged=flagged,
            audits=self._audit_lines(month, team),
        )

    def _audit_lines(self, month: Month, team: str | None) -> tuple[AuditResultLine, ...]:
        from ddcase.domain.audits import Answer
        from ddcase.services.audits import AuditService

        service = AuditService(self._context)
        lines = []
        for found in service.audits(team):
            for drawn in service.rounds(found.slug, month, month):
                for question in found.questions:
                    said = [case.answers.get(question.key) for case in drawn.sample]
                    lines.append(
                        AuditResultLine(
                            found.name,
                            question.text,
                            said.count(Answer.YES),
                            said.count(Answer.NO),
                            said.count(Answer.NOT_APPLICABLE),
                        )
                    )
        return tuple(lines)

    def pdsa_checks(
        self,
        month: Month,
        team: str | None,
        cycles: list[PdsaCycle] | None = None,
        table: MeasuresTable | None = None,
    ) -> tuple[PredictionCheck, ...]:
        """Each open PDSA cycle (started by the end of `month`) against each linked measure's
        chart up to `month`: its value in the cycle's start month and in `month`, and the signal
        read (the Anhøj runs signal of the latest part for the jointly-worked measure, beside the
        MDC rules). The family is read only when a cycle is open, and not again when `table`
        (the family's table for `month` and `team`, as the report read it) is given."""
        from ddcase.services.measures import JOINTLY_WORKED, MeasuresService

        cycles = self._pdsa.cycles(team) if cycles is None else cycles
        started = [c for c in cycles if c.is_open and Month.of(c.start) <= month]
        if not started:
            return ()
        if table is None:
            table = MeasuresService(self._context).table(month, team)
        readings = {r.key: r for r in table.readings}
        checks = []
        for cycle in started:
            for key in cycle.measures:
                reading = readings.get(key)
                if reading is None:
                    checks.append(
                        PredictionCheck(
                            cycle, key, key, Month.of(cycle.start), "not charted", month, "not charted", "–"
                        )
                    )
                    continue
                runs = False
                if key == JOINTLY_WORKED:
                    chart = reading.chart(table.new_part_months, table.baseline_months)
                    runs = bool(
                        isinstance(chart, SeriesAnalysis) and chart.parts and chart.parts[-1].runs_signal
                    )
                checks.append(prediction_check(cycle, month, reading.entry, reading.series, runs_signal=runs))
        return tuple(checks)

    def completeness(self, figures: MonthFigures) -> Completeness:
        """How complete the records of the month's mutual clients are."""
        return completeness(self._casework.clients([c.client_ref for c in figures.clients]), figures.month)

    def revisions(self, month: Month, team: str | None) -> list[Revision]:
        """Each time a report for this month and team printed figures different from the report
        before it, oldest first; the last entry compares the latest report with the figures now,
        if they differ."""
        with self._db.read() as session:
            printed = repository.printed_figures(session, [month], team)
        now = self._figures.month(month, team)
        found: list[Revision] = []
        for earlier, later in zip(printed, printed[1:], strict=False):
            if _key(earlier) != _key(later):
                found.append(
                    _revision(earlier, later.definition_version, later.mutual_clients, later.jointly_worked)
                )
        if printed and _key(printed[-1]) != (now.definition_version, now.mutual_clients, now.jointly_worked):
            found.append(
                _revision(printed[-1], now.definition_version, now.mutual_clients, now.jointly_worked)
            )
        return found

    # ------------------------------------------------------------------ helpers

    def _pending_revisions(
        self, series: Series, current: MonthFigures, previous: MonthFigures
    ) -> tuple[Revision, ...]:
        """Months on this report whose figure differs from what the latest earlier report for the
        same team printed."""
        shown: dict[Month, MonthCounts | MonthFigures] = {f.month: f for f in series.months}
        shown[current.month] = current
        shown[previous.month] = previous
        with self._db.read() as session:
            printed = repository.printed_figures(session, sorted(shown), current.team)
        latest: dict[Month, PrintedFigures] = {}
        for p in printed:
            latest[p.month] = p
        found = []
        for month in sorted(latest):
            figures = shown[month]
            key = (figures.definition_version, figures.mutual_clients, figures.jointly_worked)
            if _key(latest[month]) != key:
                found.append(_revision(latest[month], *key))
        return tuple(found)

    def _record(self, content: ReportContent) -> None:
        """Store the figures printed, and the audit entry (month, team, figures; no client)."""
        at = self._context.now()
        by = self._context.user or audit.os_user()
        months = {m.month: m for m in content.analysis.months}
        # A figure so far (the month in progress) is printed as provisional and will change: it is
        # not recorded, so its final figure is never announced as a revision of it (SPEC §5).
        printed = [
            PrintedFigures(
                m.month, content.team, m.definition_version, m.mutual_clients, m.jointly_worked, at, by
            )
            for m in months.values()
            if not m.provisional
        ]
        for figures in (content.previous, content.current):
            if figures.month not in months and not self._figures.is_provisional(figures.month):
                printed.append(
                    PrintedFigures(
                        figures.month,
                        content.team,
                        figures.definition_version,
                        figures.mutual_clients,
                        figures.jointly_worked,
                        at,
                        by,
                    )
                )
        current = content.current
        with self._db.write() as session:
            repository.add_printed_figures(session, printed)
            audit.append(
                session,
                action="report",
                entity="report",
                key=f"{content.month} {content.team or '(all teams)'}",
                after={
                    "month": str(content.month),
                    "team": content.team,
                    "definition_version": current.definition_version,
                    "mutual_clients": current.mutual_clients,
                    "jointly_worked": current.jointly_worked,
                    "percentage": current.percentage,
                    "client_list": content.client_list,
                    "months_charted": len(months),
                    "revisions": [str(r.month) for r in content.revisions],
                },
                app_user=self._context.user,
                at=at,
            )

    def _check_team(self, team: str | None) -> None:
        if team is None:
            return
        teams = self._figures.teams()
        if team not in teams:
            known = ", ".join(teams) if teams else "none recorded yet"
            raise DomainError(f"No team called {team!r} in the log (teams: {known}).")

    @staticmethod
    def _check_folder(out: Path) -> None:
        folder = out.parent if str(out.parent) else Path(".")
        if not folder.is_dir():
            raise DomainError(f"The folder {folder} does not exist; nothing was written.")
        if out.is_dir():
            raise DomainError(f"{out} is a folder; give a file name such as report.pdf.")


def _key(printed: PrintedFigures) -> tuple[int, int, int]:
    return (printed.definition_version, printed.mutual_clients, printed.jointly_worked)


def _revision(printed: PrintedFigures, version: int, mutual_clients: int, jointly_worked: int) -> Revision:
    return Revision(
        month=printed.month,
        team=printed.team,
        printed_at=printed.produced_at,
        printed_jointly_worked=printed.jointly_worked,
        printed_mutual_clients=printed.mutual_clients,
        printed_definition_version=printed.definition_version,
        jointly_worked=jointly_worked,
        mutual_clients=mutual_clients,
        definition_version=version,
    )


def _load_pdf_maker() -> None:
    """Import the PDF maker and register its fonts. Any failure is left for the report itself to
    raise when it does the same, in the caller's thread."""
    try:
        from ddcase.reports import styles
        from ddcase.reports.monthly_report import render  # noqa: F401

        styles.paragraph_styles()
    except Exception:  # noqa: BLE001 (raised again by the report, where it can be shown)
        return


def _write_privately(out: Path, data: bytes) -> None:
    """Written atomically and readable by the owner only: the follow-up list names clients by
    reference."""
    try:
        write_private(out if str(out.parent) else Path(".") / out, data)
    except OSError as error:
        raise DomainError(
            f"Could not write {out}: {error.strerror or error}; nothing was written."
        ) from error
