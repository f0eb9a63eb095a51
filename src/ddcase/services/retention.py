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

from dataclasses import dataclass
from datetime import date

from ddcase.domain import DomainError, Month
from ddcase.services.backup import backups_folder, remove_partial_copies
from ddcase.services.base import Context, audit_change, changed_by
from ddcase.storage import audit, caseload_audits, discharge_notes, purge, records, repository
from ddcase.storage.database import PermissionDeniedError, Session

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
            return [r.client_ref for r in purge.due(session, before)]

    def purge(self, before: date) -> PurgeSummary:
        if before > self._context.today():
            raise DomainError("The purge date is in the future; choose a date on or before today.")
        today = self._context.today()
        cleared = 0
        purged: list[str] = []
        with self._db.write() as session:
            sqlite = purge.on_sqlite(session)
            if not sqlite and not purge.may_purge(session):
                raise PermissionDeniedError(
                    "Only a manager may purge on this team database (the database itself allows "
                    "no one else to); nothing was changed."
                )
            if sqlite:
                purge.zero_what_is_removed(session)
            for client in purge.due(session, before):
                by = changed_by(self._context)
                notes = purge.clear_notes(session, client, at=self._context.now(), by=by)
                assert client.id is not None
                for _, _, case in caseload_audits.cases_of_person(session, client.client_ref):
                    case.initials = PURGED_INITIALS  # issue 17: on a caseload audit's list
                for episode_id, reason in discharge_notes.reasons(
                    session, [e.id for e in repository.episodes_for(session, client.id) if e.id is not None]
                ).items():
                    note = discharge_notes.note_row(session, episode_id)
                    if note is not None and reason is not None:
                        note.reason = REMOVED_REASON  # still a reason given: the measure stands
                        records.store(session, note, at=self._context.now(), by=by)
                purge.anonymise(session, client, PURGED_INITIALS, today, at=self._context.now(), by=by)
                earlier = audit.seqs_about(session, client.client_ref)
                redacted = audit.redact(
                    session,
                    earlier,
                    key=client.client_ref,
                    reason="purge",
                    app_user=self._context.user,
                    at=self._context.now(),
                )
                audit_change(
                    self._context,
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
                )
                cleared += notes
                purged.append(client.client_ref)
            audited = self._anonymise_audit_lists(session, before)
        if sqlite and (purged or audited):
            purge.empty_the_log(self._db.engine)  # ...nor in the write-ahead log
        if self._db.path is not None:
            # ...nor in partial copies a killed backup left (full copies age out by rotation).
            remove_partial_copies(backups_folder(self._db.path))
        return PurgeSummary(before, tuple(purged), cleared)

    def _anonymise_audit_lists(self, session: Session, before: date) -> int:
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
                audit.redact(
                    session, audit.seqs_about(session, case.client_ref), key=case.client_ref, reason="purge",
                    app_user=self._context.user, at=self._context.now(),
                )  # fmt: skip
        if count:
            audit_change(
                self._context,
                session,
                action="purge",
                entity="caseload_audit_case",
                key=None,
                after={"before": before.isoformat(), "initials_removed": count},
            )
        return count
