"""Rows <-> values for PDSA cycles (issue 16 item 6), and their queries."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from ddcase.domain import NotFoundError
from ddcase.domain.pdsa import PdsaCycle
from ddcase.storage.tables import PdsaCycleRow

#: A cycle's row, as a service holds it between finding and saving it.
CycleRow = PdsaCycleRow


def cycle_value(row: PdsaCycleRow) -> PdsaCycle:
    return PdsaCycle(
        title=row.title,
        start=row.start_on,
        measures=tuple(key for key in row.measure_keys.split("\n") if key),
        plan=row.plan,
        prediction=row.prediction,
        owner=row.owner,
        end=row.end_on,
        study=row.study,
        act=row.act,
        team=row.team or None,
        closed_on=row.closed_on,
        id=row.id,
        version=row.version,
    )


def fill_row(row: PdsaCycleRow, cycle: PdsaCycle) -> None:
    row.title, row.plan, row.prediction, row.owner = cycle.title, cycle.plan, cycle.prediction, cycle.owner
    row.start_on, row.end_on = cycle.start, cycle.end
    row.measure_keys = "\n".join(cycle.measures)
    row.study, row.act, row.closed_on = cycle.study, cycle.act, cycle.closed_on
    row.team = cycle.team or ""


def cycle_row(session: Session, cycle_id: int, missing: str) -> PdsaCycleRow:
    """The cycle's row, or NotFoundError(`missing`) when there is none."""
    row = session.get(PdsaCycleRow, cycle_id)
    if row is None:
        raise NotFoundError(missing)
    return row


def new_cycle_row(cycle: PdsaCycle) -> PdsaCycleRow:
    return PdsaCycleRow(title=cycle.title, start_on=cycle.start, measure_keys="")


def save(session: Session, row: PdsaCycleRow, cycle: PdsaCycle, *, at: datetime, by: str) -> PdsaCycle:
    """Write `cycle` into its (new or found) row with who and when; the cycle as stored."""
    fill_row(row, cycle)
    row.updated_at = at
    row.updated_by = by
    session.add(row)
    session.flush()
    return cycle_value(row)


def add_cycle(session: Session, cycle: PdsaCycle, stamp: Mapping[str, Any]) -> None:
    """A cycle copied into a team database (`migrate-to`), stamped as the copy's rows are."""
    row = PdsaCycleRow(title=cycle.title, start_on=cycle.start, measure_keys="", **stamp)
    fill_row(row, cycle)
    session.add(row)


def cycles(session: Session, team: str | None = None, *, every_team: bool = False) -> list[PdsaCycle]:
    """A team's cycles and those of the whole service (or, `every_team`, all of them), by start."""
    query = select(PdsaCycleRow)
    if not every_team:
        query = query.where(col(PdsaCycleRow.team).in_(["", team or ""]))
    return [
        cycle_value(row)
        for row in session.scalars(query.order_by(col(PdsaCycleRow.start_on), col(PdsaCycleRow.id)))
    ]
