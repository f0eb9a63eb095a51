"""The audit trail as the app shows it: one client's history, the latest entries, and the check
of the chain. Entries about a client (its record, episodes, contacts, exports and purge) carry
the client's reference as their key."""

from __future__ import annotations

import json
from datetime import datetime

from ddcase.domain import AuditEntry
from ddcase.services.base import Context
from ddcase.storage import audit


def entry_value(stored: audit.StoredEntry) -> AuditEntry:
    row = stored.row
    return AuditEntry(
        seq=row.seq,
        at=datetime.fromisoformat(row.at_utc),
        os_user=row.os_user,
        app_user=row.app_user,
        action=row.action,
        entity=row.entity,
        entity_key=row.entity_key,
        before=None if stored.before_json is None else json.loads(stored.before_json),
        after=None if stored.after_json is None else json.loads(stored.after_json),
        hash=row.hash,
        prev_hash=row.prev_hash,
        redacted=stored.redacted,
    )


class AuditTrailService:
    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db

    def history(self, client_ref: str) -> list[AuditEntry]:
        """Everything the trail says about one client, oldest first: who created, changed,
        deleted, exported or purged their records, when, and the values before and after.
        A deleted client's history is still there."""
        with self._db.read() as session:
            stored = audit.entries_about(session, client_ref.strip())
            return [entry_value(e) for e in stored]

    def latest(self, limit: int = 200) -> list[AuditEntry]:
        """The newest entries, newest first (the app's audit log view)."""
        with self._db.read() as session:
            return [entry_value(e) for e in audit.entries(session, newest_first=True, limit=limit)]

    def verify(self) -> audit.ChainReport:
        with self._db.read() as session:
            return audit.verify(session)
