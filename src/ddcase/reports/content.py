"""What a monthly report is handed: plain values only (no ReportLab here, so the service layer can
build them cheaply and the app can show a revision without loading ReportLab)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ddcase.domain import Annotation, Definition, MeasureSettings, Month
from ddcase.domain.format import figure_text, percent_text, short_date_text
from ddcase.domain.times import uk_date
from ddcase.rules.charts import SeriesAnalysis
from ddcase.rules.completeness import Completeness
from ddcase.rules.control_charts import ControlChart
from ddcase.rules.figures import MonthFigures, percentage


@dataclass(frozen=True, slots=True)
class Revision:
    """A month's figure printed on an earlier report differs from the figure now."""

    month: Month
    team: str | None
    printed_at: datetime
    printed_jointly_worked: int
    printed_mutual_clients: int
    printed_definition_version: int
    jointly_worked: int
    mutual_clients: int
    definition_version: int

    def text(self) -> str:
        """'October 2026: revised from 15% (19 of 125) to 16% (20 of 125) since the report of
        22 Nov 2026.'"""
        before = percentage(self.printed_jointly_worked, self.printed_mutual_clients)
        after = percentage(self.jointly_worked, self.mutual_clients)
        version = ""
        if self.printed_definition_version != self.definition_version:
            version = (
                f" (definition version {self.printed_definition_version} then, {self.definition_version} now)"
            )
        return (
            f"{self.month.label()}: revised from {percent_text(before)} "
            f"({self.printed_jointly_worked} of {self.printed_mutual_clients}) to {percent_text(after)} "
            f"({self.jointly_worked} of {self.mutual_clients}){version} since the report of "
            f"{short_date_text(uk_date(self.printed_at, naive='utc'))}; records were added or changed since."
        )


@dataclass(frozen=True, slots=True)
class MeasureRow:
    """One row of the family's summary table (issue 16): a measure for a team ("All teams" for
    the whole service), as its SPEC §6 entry says it."""

    team: str
    entry: dict[str, Any]


@dataclass(frozen=True, slots=True)
class MeasureChart:
    """One measure's chart for the report: its entry and its analysis (a p/run chart's
    `SeriesAnalysis` for a proportion, an XmR or c `ControlChart` otherwise)."""

    entry: dict[str, Any]
    analysis: SeriesAnalysis | ControlChart


@dataclass(frozen=True, slots=True)
class ReportContent:
    """Everything the monthly report prints, gathered by ReportingService from the same service
    calls as `ddcase figures` and `ddcase series`."""

    month: Month
    team: str | None
    service_name: str | None
    produced_at: datetime
    produced_by: str | None
    current: MonthFigures
    previous: MonthFigures
    analysis: SeriesAnalysis
    annotations: tuple[Annotation, ...]
    settings: MeasureSettings
    definitions: tuple[Definition, ...]
    completeness: Completeness
    revisions: tuple[Revision, ...]
    client_list: bool = True
    is_demo: bool = False
    so_far: str | None = None
    """'so far: 5 of 31 days' when the month is in progress: its figure is provisional."""
    measure_rows: tuple[MeasureRow, ...] = ()
    """The family's summary table (the first page when there is one)."""
    measure_charts: tuple[MeasureChart, ...] = ()
    """One chart per measure of the family other than the jointly-worked one (the main chart)."""
    team_charts: tuple[tuple[str, MeasureChart], ...] = ()
    """For all teams: each team's jointly-worked chart, side by side on the same scale."""

    @property
    def scope(self) -> str:
        return self.team or "All teams"

    @property
    def provisional(self) -> bool:
        return self.so_far is not None

    @property
    def headline(self) -> str:
        """The month's figure; for the month in progress 'Provisional: ..., so far: 5 of 31 days'."""
        figure = figure_text(
            self.current.jointly_worked, self.current.mutual_clients, self.current.percentage
        )
        return f"Provisional: {figure}, {self.so_far}" if self.so_far else figure

    def revision_of(self, month: Month) -> Revision | None:
        return next((r for r in self.revisions if r.month == month), None)
