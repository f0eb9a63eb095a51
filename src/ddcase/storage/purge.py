"""The rows a purge anonymises (services/retention.py says what a purge is and audits it): the
clients it is due for, their contacts' notes and their own identifying values, and the zeroing
of what is removed from the file (SQLite) or the check that the person may purge (PostgreSQL)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import Engine, Select, func, select, text
from sqlmodel import Session, col

from ddcase.domain import Contact
from ddcase.storage import records, repository, team_roles
from ddcase.storage.tables import ClientRow, ContactRow, EpisodeRow


def on_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def may_purge(session: Session) -> bool:
    """Whether the person connected may purge (a team database says; an SQLite file: anyone)."""
    return team_roles.may_purge(session.connection())


def zero_what_is_removed(session: Session) -> None:
    """SQLite: overwrite what is deleted or replaced with zeros, so the removed values do not
    linger in the file's free space."""
    session.execute(text("PRAGMA secure_delete = ON"))


def empty_the_log(engine: Engine) -> None:
    """SQLite: copy the write-ahead log's pages into the file and empty the log."""
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _due_query(before: date) -> Select[ClientRow]:
    still_open = select(col(EpisodeRow.client_id)).where(col(EpisodeRow.end_date).is_(None))
    last_end = (
        select(col(EpisodeRow.client_id))
        .group_by(col(EpisodeRow.client_id))
        .having(func.max(col(EpisodeRow.end_date)) < before)
    )
    return (
        select(ClientRow)
        .where(
            col(ClientRow.purged_on).is_(None),
            col(ClientRow.id).in_(last_end),
            col(ClientRow.id).not_in(still_open),
        )
        .order_by(col(ClientRow.client_ref))
    )


def due(session: Session, before: date) -> list[ClientRow]:
    """The clients with an episode, none open, the last one ended before `before`, not purged."""
    return list(session.scalars(_due_query(before)))


def clear_notes(session: Session, client: ClientRow, *, at: datetime, by: str) -> int:
    """Clear the notes of the client's contacts; returns how many were cleared."""
    assert client.id is not None
    notes = 0
    for contact in repository.contacts_for(session, client.id):
        if contact.note is None:
            continue
        row = session.get(ContactRow, contact.id)
        assert row is not None
        row.note = None
        row.fingerprint = _fingerprint(session, row, contact)
        row.updated_at, row.updated_by = at, by
        notes += 1
    return notes


def anonymise(
    session: Session, client: ClientRow, initials: str, today: date, *, at: datetime, by: str
) -> None:
    """Replace the client's initials, clear their NHS number, date of birth and ethnicity."""
    client.initials = initials
    client.nhs_number = None
    client.date_of_birth = None
    client.ethnicity = None
    client.purged_on = today
    records.store(session, client, at=at, by=by)


def _fingerprint(session: Session, row: ContactRow, contact: Contact) -> str:
    """The contact's digest without its note; if that now equals another contact's, a digest of
    its id keeps the two apart (the record of two contacts stays two)."""
    digest = repository.contact_fingerprint(replace(contact, note=None))
    clash = session.scalars(
        select(col(ContactRow.id)).where(col(ContactRow.fingerprint) == digest, col(ContactRow.id) != row.id)
    ).first()
    if clash is None:
        return digest
    return hashlib.sha256(f"purged contact {row.id}".encode()).hexdigest()
