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

from sqlalchemy import func, select, text

from ddcase.domain import DomainError, Month
from ddcase.services.backup import backups_folder, remove_partial_copies
from ddcase.services.base import Context
from ddcase.storage import audit, caseload_audits, discharge_notes, repository, team_roles
from ddcase.storage.database import PermissionDeniedError
from ddcase.storage.tables import AuditEventRow, ClientRow, ContactRow, EpisodeRow

PURGED_INITIALS = "XX"
REMOVED_REASON = "(removed when the client was anonymised)"


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
                for _, _, case in caseload_audits.cases_of_person(session, client.client_ref):
                    case.initials = PURGED_INITIALS  # issue 17: on a caseload audit's list
                for episode_id, reason in discharge_notes.reasons(
                    session, [e.id for e in repository.episodes_for(session, client.id) if e.id is not None]
                ).items():
                    note = discharge_notes.note_row(session, episode_id)
                    if note is not None and reason is not None:
                        note.reason = REMOVED_REASON  # still a reason given: the measure stands
                        self._stamp(note)
                client.initials = PURGED_INITIALS
                client.nhs_number = None
                client.date_of_birth = None
                client.ethnicity = None
                client.purged_on = today
                self._stamp(client)
                session.flush()
                earlier = session.scalars(
                    select(AuditEventRow.seq).where(AuditEventRow.entity_key == client.client_ref)
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
            audited = self._anonymise_audit_lists(session, before)
        if sqlite and (purged or audited):
            # ...nor in the write-ahead log: copy the pages into the file and empty the log.
            with self._db.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        if self._db.path is not None:
            # ...nor in partial copies a killed backup left (full copies age out by rotation).
            remove_partial_copies(backups_folder(self._db.path))
        return PurgeSummary(before, tuple(purged), cleared)

    def _anonymise_audit_lists(self, session, before: date) -> int:  # type: ignore[no-untyped-def]
        """Issue 17: the people on caseload audit lists of months ended before `before` keep
        their reference (the sample can still be checked) but lose their initials; the trail's
        values about those who are not clients in the log are removed too."""
        count = 0
        for case in caseload_audits.cases_before(session, Month.of(before).first_day):
            if case.initials == PURGED_INITIALS:
                continue
            case.initials = PURGED_INITIALS
            count += 1
            if repository.client_row(session, case.client_ref) is None:
                earlier = session.scalars(
                    select(AuditEventRow.seq).where(AuditEventRow.entity_key == case.client_ref)
                ).all()
                audit.redact(
                    session, earlier, key=case.client_ref, reason="purge", app_user=self._context.user,
                    at=self._context.now(),
                )  # fmt: skip
        if count:
            audit.append(
                session,
                action="purge",
                entity="caseload_audit_case",
                key=None,
                after={"before": before.isoformat(), "initials_removed": count},
                app_user=self._context.user,
                at=self._context.now(),
            )
        return count

    @staticmethod
    def _due_query(before: date):  # type: ignore[no-untyped-def]
        still_open = select(EpisodeRow.client_id).where(EpisodeRow.end_date.is_(None))
        last_end = (
            select(EpisodeRow.client_id)
            .group_by(EpisodeRow.client_id)
            .having(func.max(EpisodeRow.end_date) < before)
        )
        return (
            select(ClientRow)
            .where(
                ClientRow.purged_on.is_(None),
                ClientRow.id.in_(last_end),
                ClientRow.id.not_in(still_open),
            )
            .order_by(ClientRow.client_ref)
        )

    @staticmethod
    def _fingerprint(session, row: ContactRow, contact) -> str:  # type: ignore[no-untyped-def]
        """The contact's digest without its note; if that now equals another contact's, a
        digest of its id keeps the two apart (the record of two contacts stays two)."""
        from dataclasses import replace

        digest = repository.contact_fingerprint(replace(contact, note=None))
        clash = session.scalars(
            select(ContactRow.id).where(ContactRow.fingerprint == digest, ContactRow.id != row.id)
        ).first()
        if clash is None:
            return digest
        return hashlib.sha256(f"purged contact {row.id}".encode()).hexdigest()

    def _stamp(self, row) -> None:  # type: ignore[no-untyped-def]
        row.updated_at = self._context.now()
        row.updated_by = self._context.user or audit.os_user()
