"""The figures each report printed (table report_snapshot), so a later report can say which
months' figures have changed since (services/reporting.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from ddcase.domain import Month
from ddcase.storage.tables import ReportSnapshotRow


@dataclass(frozen=True, slots=True)
class PrintedFigures:
    """A month's figure as a report printed it (table report_snapshot); `team` None = all teams."""

    month: Month
    team: str | None
    definition_version: int
    mutual_clients: int
    jointly_worked: int
    produced_at: datetime
    produced_by: str | None


def add_printed_figures(session: Session, printed: list[PrintedFigures]) -> None:
    for p in printed:
        session.add(
            ReportSnapshotRow(
                month=str(p.month),
                team=p.team or "",
                definition_version=p.definition_version,
                mutual_clients=p.mutual_clients,
                jointly_worked=p.jointly_worked,
                produced_at=p.produced_at,
                produced_by=p.produced_by,
            )
        )
    session.flush()


def printed_figures(session: Session, months: list[Month], team: str | None) -> list[PrintedFigures]:
    """What earlier reports printed for these months and team, oldest first."""
    rows = session.scalars(
        select(ReportSnapshotRow)
        .where(
            col(ReportSnapshotRow.month).in_([str(m) for m in months]),
            col(ReportSnapshotRow.team) == (team or ""),
        )
        .order_by(col(ReportSnapshotRow.produced_at), col(ReportSnapshotRow.id))
    )
    return [
        PrintedFigures(
            month=Month.parse(r.month),
            team=r.team or None,
            definition_version=r.definition_version,
            mutual_clients=r.mutual_clients,
            jointly_worked=r.jointly_worked,
            produced_at=r.produced_at,
            produced_by=r.produced_by,
        )
        for r in rows
    ]
