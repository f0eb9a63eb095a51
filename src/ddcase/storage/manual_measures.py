"""Rows <-> values for the measures a team enters by hand (issue 16), and their queries."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from ddcase.domain import Month
from ddcase.domain.measures import ManualMeasure, ManualValue
from ddcase.storage import records
from ddcase.storage.tables import ManualMeasureRow, ManualMeasureValueRow


def measure_value(row: ManualMeasureRow) -> ManualMeasure:
    return ManualMeasure(
        slug=row.slug,
        name=row.name,
        type=row.type,
        unit=row.unit,
        better=row.better,
        aim=row.aim,
        aim_by=Month.parse(row.aim_by) if row.aim_by else None,
        owner=row.owner,
        data_source=row.data_source,
        team=row.team or None,
        id=row.id,
        version=row.version,
    )


def month_value(row: ManualMeasureValueRow) -> ManualValue:
    return ManualValue(Month.parse(row.month), row.numerator, row.denominator, row.value)


def measure_row(session: Session, slug: str) -> ManualMeasureRow | None:
    return session.scalars(select(ManualMeasureRow).where(ManualMeasureRow.slug == slug)).first()


def measures(session: Session, team: str | None = None, *, every_team: bool = False) -> list[ManualMeasure]:
    """The measures of one team ('' / None = the whole service), or of every team; by name."""
    query = select(ManualMeasureRow)
    if not every_team:
        query = query.where(ManualMeasureRow.team == (team or ""))
    found = [measure_value(row) for row in session.scalars(query)]
    return sorted(found, key=lambda m: (m.name.casefold(), m.slug))


def value_rows(session: Session, measure_id: int) -> dict[str, ManualMeasureValueRow]:
    query = select(ManualMeasureValueRow).where(ManualMeasureValueRow.measure_id == measure_id)
    return {row.month: row for row in session.scalars(query)}


def values(
    session: Session, measure_id: int, first: Month | None = None, last: Month | None = None
) -> list[ManualValue]:
    """A measure's values in month order (from first to last, when given: months are YYYY-MM
    text, which sorts as the months do)."""
    query = select(ManualMeasureValueRow).where(ManualMeasureValueRow.measure_id == measure_id)
    if first is not None:
        query = query.where(ManualMeasureValueRow.month >= str(first))
    if last is not None:
        query = query.where(ManualMeasureValueRow.month <= str(last))
    return [month_value(row) for row in session.scalars(query.order_by(ManualMeasureValueRow.month))]


def measure_row_by_id(session: Session, measure_id: int) -> ManualMeasureRow:
    """The measure a change is made to, or NotFoundError when someone else deleted it."""
    return records.require(session.get(ManualMeasureRow, measure_id), "This measure")


def new_measure_row(draft: ManualMeasure) -> ManualMeasureRow:
    return ManualMeasureRow(
        slug=draft.slug, name=draft.name, type=draft.type, unit=draft.unit, better=draft.better
    )


def apply_measure(row: ManualMeasureRow, draft: ManualMeasure) -> None:
    row.slug, row.name, row.type, row.unit, row.better = (
        draft.slug,
        draft.name,
        draft.type,
        draft.unit,
        draft.better,
    )
    row.aim = draft.aim
    row.aim_by = str(draft.aim_by) if draft.aim_by else None
    row.owner, row.data_source, row.team = draft.owner, draft.data_source, draft.team or ""


def write_value(
    session: Session,
    measure_id: int,
    value: ManualValue,
    existing: ManualMeasureValueRow | None,
    *,
    at: datetime,
    by: str,
) -> ManualValue | None:
    """Store one month's value (over `existing`, the month's row if it has one); returns the
    value it replaced, if any."""
    before = month_value(existing) if existing is not None else None
    row = existing or ManualMeasureValueRow(measure_id=measure_id, month=str(value.month))
    row.numerator, row.denominator, row.value = value.numerator, value.denominator, value.value
    records.store(session, row, at=at, by=by)
    return before
