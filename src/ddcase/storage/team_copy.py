"""The copy of a log into a team database (services/team_database.py, `migrate-to`): what is
read from the log besides its records, and the rows added to the team database besides the
records (`repository.insert_new` adds those): definition versions, notes, measure settings,
measures entered by hand and settings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from ddcase.domain import Annotation, Definition
from ddcase.storage import manual_measures as manual_store
from ddcase.storage import repository
from ddcase.storage.database import Stamp
from ddcase.storage.tables import (
    AnnotationRow,
    AuditEventRow,
    ContactRow,
    ManualMeasureRow,
    ManualMeasureValueRow,
    MeasureSettingsRow,
    SettingRow,
)


def audit_head(session: Session) -> dict[str, Any] | None:
    """The last audit entry's number and hash (recorded with the copy), or None for none."""
    last = session.scalars(select(AuditEventRow).order_by(col(AuditEventRow.seq).desc()).limit(1)).first()
    return None if last is None else {"seq": last.seq, "hash": last.hash}


def measure_settings(session: Session) -> list[MeasureSettingsRow]:
    return list(session.scalars(select(MeasureSettingsRow)))


def contact_fingerprints(session: Session) -> set[str]:
    return set(session.scalars(select(col(ContactRow.fingerprint))))


def add_definitions(session: Session, definitions: Iterable[Definition], stamp: Stamp) -> None:
    for definition in definitions:
        row = repository.definition_row(definition)
        row.updated_at, row.updated_by = stamp["updated_at"], stamp["updated_by"]
        session.add(row)


def add_notes(session: Session, notes: Iterable[Annotation], stamp: Stamp) -> None:
    for note in notes:
        session.add(
            AnnotationRow(
                month=str(note.month),
                team=note.team or "",
                text=note.text,
                new_part=note.new_part,
                **stamp,
            )
        )


def add_measure_settings(session: Session, measures: Iterable[MeasureSettingsRow], stamp: Stamp) -> None:
    for m in measures:
        session.add(
            MeasureSettingsRow(
                team=m.team,
                aim_percentage=m.aim_percentage,
                aim_by=m.aim_by,
                aim_text=m.aim_text,
                baseline_months=m.baseline_months,
                **stamp,
            )
        )


def add_settings(session: Session, settings: Mapping[str, str]) -> None:
    for key, value in settings.items():
        session.add(SettingRow(key=key, value=value))
    session.flush()


def add_manual_measures(session: Session, measures: list[Any], stamp: Stamp) -> int:
    """The measures entered by hand (issue 16): a measure the team lacks is added with its
    values; of one it has (the same slug and unit), the months it lacks. Returns how many
    measures and months were added."""
    added = 0
    for measure, values in measures:
        row = manual_store.measure_row(session, measure.slug)
        if row is None:
            row = ManualMeasureRow(
                slug=measure.slug,
                name=measure.name,
                type=measure.type,
                unit=measure.unit,
                better=measure.better,
                aim=measure.aim,
                aim_by=str(measure.aim_by) if measure.aim_by else None,
                owner=measure.owner,
                data_source=measure.data_source,
                team=measure.team or "",
                **stamp,
            )
            session.add(row)
            session.flush()
            added += 1
        elif row.unit != measure.unit:
            continue
        assert row.id is not None  # added and flushed, or read back
        known = manual_store.value_rows(session, row.id)
        for value in values:
            if str(value.month) in known:
                continue
            session.add(
                ManualMeasureValueRow(
                    measure_id=row.id,
                    month=str(value.month),
                    numerator=value.numerator,
                    denominator=value.denominator,
                    value=value.value,
                    **stamp,
                )
            )
            added += 1
    return added
