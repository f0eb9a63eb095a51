"""The write side's row work for the use cases: find the row a change is made to, store it with
who and when, delete it, and the few queries a use case asks before it writes (is this worker
named anywhere? is there already such an episode?). Rows <-> domain values stay in
repository.py. The services say what to do and hold no SQL (tests/test_layers.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlmodel import Session, SQLModel, col

from ddcase.domain import Annotation, Contact, DomainError, Episode, MeasureSettings, NotFoundError
from ddcase.domain.format import short_date_text
from ddcase.storage.repository import client_row, contact_of, episode_of, episode_starts_on
from ddcase.storage.tables import (
    AnnotationRow,
    ClientRow,
    ContactRow,
    DefinitionRow,
    EpisodeRow,
    MeasureSettingsRow,
    WorkerRow,
)

#: A row of any of the log's tables, as a service holds it between finding and storing it.
Record = SQLModel
Row = TypeVar("Row", bound=SQLModel)


def require(row: Row | None, what: str) -> Row:
    """The row a change is made to, or NotFoundError when someone else deleted it."""
    if row is None:
        raise NotFoundError(f"{what} was deleted by someone else; nothing was saved.")
    return row


def store(session: Session, row: Record, *, at: datetime, by: str) -> None:
    """Stamp a new or changed row with who and when, and write it (its id is set after)."""
    row.updated_at = at  # every record's table has these columns
    row.updated_by = by
    session.add(row)
    session.flush()


def delete(session: Session, row: Record) -> None:
    session.delete(row)


def flush(session: Session) -> None:
    """Write what the session holds so far (the transaction stays open)."""
    session.flush()


def counts(session: Session) -> dict[str, int]:
    """How many of each record the log holds."""
    return {
        name: session.scalar(select(func.count()).select_from(table)) or 0
        for name, table in (
            ("workers", WorkerRow),
            ("clients", ClientRow),
            ("episodes", EpisodeRow),
            ("contacts", ContactRow),
        )
    }


# ---------------------------------------------------------------------------------------- workers


def worker(session: Session, worker_id: int) -> WorkerRow:
    return require(session.get(WorkerRow, worker_id), "This worker")


def new_worker(name: str, organisation_id: int, service: str) -> WorkerRow:
    return WorkerRow(name=name, organisation_id=organisation_id, service=service)


def times_named(session: Session, worker_id: int) -> int:
    """How many episodes and contacts name this worker."""
    used = (
        session.scalar(
            select(func.count()).select_from(EpisodeRow).where(col(EpisodeRow.worker_id) == worker_id)
        )
        or 0
    )
    used += (
        session.scalar(
            select(func.count())
            .select_from(ContactRow)
            .where((col(ContactRow.mh_worker_id) == worker_id) | (col(ContactRow.sm_worker_id) == worker_id))
        )
        or 0
    )
    return used


# ---------------------------------------------------------------------------------------- clients


def client(session: Session, client_id: int) -> ClientRow:
    return require(session.get(ClientRow, client_id), "This client")


def client_by_ref(session: Session, client_ref: str) -> ClientRow:
    row = client_row(session, client_ref)
    if row is None:
        raise NotFoundError(f"No client {client_ref} in the log.")
    return row


def new_client(client_ref: str, initials: str) -> ClientRow:
    return ClientRow(client_ref=client_ref, initials=initials)


def delete_client(session: Session, row: ClientRow) -> None:
    """A client with all their episodes and contacts."""
    for table in (ContactRow, EpisodeRow):
        for child in session.scalars(select(table).where(col(table.client_id) == row.id)):
            session.delete(child)
    session.flush()  # children first: the database would otherwise cascade under the ORM
    session.delete(row)


# --------------------------------------------------------------------------------------- episodes


def episode(session: Session, episode_id: int) -> EpisodeRow:
    return require(session.get(EpisodeRow, episode_id), "This episode")


def episode_value(session: Session, row: EpisodeRow) -> Episode:
    """The episode a row just stored now holds (its client's reference, worker's name ...)."""
    assert row.id is not None
    return episode_of(session, row.id)


def new_episode(client_id: int, service: str, organisation_id: int, start_date: date) -> EpisodeRow:
    return EpisodeRow(
        client_id=client_id, service=service, organisation_id=organisation_id, start_date=start_date
    )


def same_episode(
    session: Session, client_id: int, service: str, organisation_id: int, start_date: date
) -> EpisodeRow | None:
    """The client's episode with this service and organisation starting that day, if any."""
    return session.scalars(
        select(EpisodeRow).where(
            col(EpisodeRow.client_id) == client_id,
            col(EpisodeRow.service) == service,
            col(EpisodeRow.organisation_id) == organisation_id,
            col(EpisodeRow.start_date) == start_date,
        )
    ).first()


# --------------------------------------------------------------------------------------- contacts


def contact(session: Session, contact_id: int) -> ContactRow:
    return require(session.get(ContactRow, contact_id), "This contact")


def contact_value(session: Session, row: ContactRow) -> Contact:
    """The contact a row just stored now holds."""
    assert row.id is not None
    return contact_of(session, row.id)


def new_contact(client_id: int, day: date) -> ContactRow:
    return ContactRow(client_id=client_id, date=day, kind="", mode="", fingerprint="")


def contact_with_fingerprint(session: Session, fingerprint: str) -> ContactRow | None:
    return session.scalars(select(ContactRow).where(col(ContactRow.fingerprint) == fingerprint)).first()


# ------------------------------------------------------------------------------ notes and aims


def annotation(session: Session, note_id: int) -> AnnotationRow:
    return require(session.get(AnnotationRow, note_id), "This note")


def annotation_if_there(session: Session, note_id: int | None) -> AnnotationRow | None:
    return session.get(AnnotationRow, note_id)


def new_annotation(note: Annotation) -> AnnotationRow:
    return AnnotationRow(month=str(note.month), text=note.text)


def apply_annotation(row: AnnotationRow, note: Annotation) -> None:
    row.month = str(note.month)
    row.team = note.team or ""
    row.text = note.text
    row.new_part = note.new_part


def measure_settings_row(session: Session, team: str) -> MeasureSettingsRow | None:
    """A team's aim and baseline row ("" for every team), or None when none is set."""
    return session.get(MeasureSettingsRow, team)


def new_measure_settings(team: str) -> MeasureSettingsRow:
    return MeasureSettingsRow(team=team)


def apply_measure_settings(row: MeasureSettingsRow, settings: MeasureSettings) -> None:
    row.aim_percentage = settings.aim_percentage
    row.aim_by = str(settings.aim_by) if settings.aim_by else None
    row.aim_text = settings.aim_text
    row.baseline_months = settings.baseline_months


# ------------------------------------------------------------------------------------ definitions


def definition_row(session: Session, version: int) -> DefinitionRow | None:
    return session.get(DefinitionRow, version)


# ------------------------------------------------------------------------------ moving caseloads


def move_episode(
    session: Session, row: EpisodeRow, client_ref: str, to_id: int, from_date: date, *, at: datetime, by: str
) -> dict[str, Any]:
    """One episode of a caseload to the worker `to_id` from `from_date` (SPEC §1: a change of
    worker is a new episode); what was moved, for the audit entry."""
    record: dict[str, Any] = {
        "client_ref": client_ref,
        "start_date": row.start_date.isoformat(),
        "end_date": row.end_date.isoformat() if row.end_date else None,
    }
    if row.start_date >= from_date:  # not begun with the leaver before the day: only its worker
        row.worker_id = to_id
        record["changed"] = "worker"
    else:
        if episode_starts_on(session, row, from_date):
            raise DomainError(
                f"{client_ref} already has an episode with that service starting on "
                f"{short_date_text(from_date)}; nothing was moved."
            )
        session.add(
            EpisodeRow(
                client_id=row.client_id,
                service=row.service,
                organisation_id=row.organisation_id,
                team=row.team,
                worker_id=to_id,
                start_date=from_date,
                end_date=row.end_date,
                updated_at=at,
                updated_by=by,
            )
        )
        row.end_date = from_date - timedelta(days=1)
        record["changed"] = "ended and reopened"
    row.updated_at, row.updated_by = at, by
    session.add(row)
    return record
