"""`ddcase purge --before DATE`: anonymise the people whose care with both services ended long
ago, while keeping every month's figures exactly as they were.

A client is purged when they have at least one episode, none is open, and the last one ended
before DATE. Their initials become "XX"; their NHS number, date of birth and ethnicity, and the
notes of their contacts, are cleared; `purged_on` records when. What the figures need (the
reference, consent date, episodes, contacts' dates, kinds, modes and outcomes) is kept.
Each purge is audited per client, without the values removed, and the values that earlier audit
entries recorded about the client (their initials, NHS number, notes ...) are removed from the
trail (`audit.redact`), which records which entries it redacted so the chain still verifies.
Entries written before revision 0004 hold their values inline and keep them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select, text
from sqlmodel import col

from ddcase.domain import Contact, DomainError
from ddcase.services.base import Context
from ddcase.storage import audit, repository, team_roles
from ddcase.storage.database import PermissionDeniedError, Session
from ddcase.storage.tables import AuditEventRow, ClientRow, ContactRow, EpisodeRow

PURGED_INITIALS = "XX"


@dataclass(frozen=True, slots=True)
class PurgeSummary:
    before: date
    clients: tuple[str, ...]
    contacts_cleared: int

    def __str__(self) -> str:
        return (
            f"Anonymised {len(self.clients)} clients whose last episode ended before "
            f"{self.before.isoformat()} ({self.contacts_cleared} contact notes cleared). "
            "Monthly figures are unchanged."
        )


class RetentionService:
    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db

    def due(self, before: date) -> list[str]:
        """The clients `purge(before)` would anonymise."""
        with self._db.read() as session:
            return [r.client_ref for r in session.scalars(self._due_query(before))]

    def purge(self, before: date) -> PurgeSummary:
        if before > self._context.today():
            raise DomainError("The purge date is in the future; choose a date on or before today.")
        today = self._context.today()
        cleared = 0
        purged: list[str] = []
        with self._db.write() as session:
            sqlite = session.get_bind().dialect.name == "sqlite"
            if not sqlite and not team_roles.may_purge(session.connection()):
                raise PermissionDeniedError(
                    "Only a manager may purge on this team database (the database itself allows "
                    "no one else to); nothing was changed."
                )
            if sqlite:
                # Overwrite what is deleted or replaced with zeros, so the removed values do not
                # linger in the file's free space.
                session.execute(text("PRAGMA secure_delete = ON"))
            for client in list(session.scalars(self._due_query(before))):
                assert client.id is not None
                notes = 0
                for contact in repository.contacts_for(session, client.id):
                    if contact.note is None:
                        continue
                    row = session.get(ContactRow, contact.id)
                    assert row is not None
                    row.note = None
                    row.fingerprint = self._fingerprint(session, row, contact)
                    self._stamp(row)
                    notes += 1
                client.initials = PURGED_INITIALS
                client.nhs_number = None
                client.date_of_birth = None
                client.ethnicity = None
                client.purged_on = today
                self._stamp(client)
                session.flush()
                earlier = session.scalars(
                    select(col(AuditEventRow.seq)).where(col(AuditEventRow.entity_key) == client.client_ref)
                ).all()
                redacted = audit.redact(
                    session,
                    earlier,
                    key=client.client_ref,
                    reason="purge",
                    app_user=self._context.user,
                    at=self._context.now(),
                )
                audit.append(
                    session,
                    action="purge",
                    entity="client",
                    key=client.client_ref,
                    after={
                        "purged_on": today.isoformat(),
                        "before": before.isoformat(),
                        "notes_cleared": notes,
                        "audit_entries_redacted": len(redacted),
                    },
                    app_user=self._context.user,
                    at=self._context.now(),
                )
                cleared += notes
                purged.append(client.client_ref)
        if sqlite and purged:
            # ...nor in the write-ahead log: copy the pages into the file and empty the log.
            with self._db.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return PurgeSummary(before, tuple(purged), cleared)

    @staticmethod
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

    @staticmethod
    def _fingerprint(session: Session, row: ContactRow, contact: Contact) -> str:
        """The contact's digest without its note; if that now equals another contact's, a
        digest of its id keeps the two apart (the record of two contacts stays two)."""
        from dataclasses import replace

        digest = repository.contact_fingerprint(replace(contact, note=None))
        clash = session.scalars(
            select(col(ContactRow.id)).where(col(ContactRow.fingerprint) == digest, col(ContactRow.id) != row.id)
        ).first()
        if clash is None:
            return digest
        return hashlib.sha256(f"purged contact {row.id}".encode()).hexdigest()

    def _stamp(self, row: ClientRow | ContactRow) -> None:
        row.updated_at = self._context.now()
        row.updated_by = self._context.user or audit.os_user()
