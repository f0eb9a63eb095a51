"""The audit trail: append-only and hash-chained (hash = SHA-256(prev_hash + canonical JSON of the
entry)), written in the same transaction as the change it records, so an edited, deleted or
reordered entry breaks the chain and `verify` says where."""

from __future__ import annotations

import getpass
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlmodel import Session

from ddcase.storage.tables import AuditEventRow

GENESIS = "0" * 64


def os_user() -> str:
    try:
        return getpass.getuser()[:80]
    except Exception:  # no login name (some services and containers)
        return "unknown"


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode("utf-8")).hexdigest()


def _fields(row: AuditEventRow) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "at_utc": row.at_utc,
        "os_user": row.os_user,
        "app_user": row.app_user,
        "action": row.action,
        "entity": row.entity,
        "entity_key": row.entity_key,
        "before": row.before_json,
        "after": row.after_json,
    }


def append(
    session: Session,
    *,
    action: str,
    entity: str,
    key: str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    app_user: str | None = None,
    at: datetime | None = None,
) -> AuditEventRow:
    """Add one entry at the end of the chain, inside the caller's write transaction."""
    if session.get_bind().dialect.name == "postgresql":
        # Two writers must not both read the same chain end (seq would clash).
        session.execute(text("SELECT pg_advisory_xact_lock(7461001)"))
    last_row = session.scalars(select(AuditEventRow).order_by(AuditEventRow.seq.desc()).limit(1)).first()
    seq = 1 if last_row is None else last_row.seq + 1
    prev_hash = GENESIS if last_row is None else last_row.hash
    row = AuditEventRow(
        seq=seq,
        at_utc=(at or datetime.now(UTC)).isoformat(timespec="seconds"),
        os_user=os_user(),
        app_user=app_user,
        action=action,
        entity=entity,
        entity_key=key,
        before_json=None if before is None else canonical_json(before),
        after_json=None if after is None else canonical_json(after),
        prev_hash=prev_hash,
        hash="",
    )
    row.hash = _entry_hash(prev_hash, _fields(row))
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True, slots=True)
class ChainReport:
    entries: int
    first_bad_seq: int | None
    problem: str | None

    @property
    def intact(self) -> bool:
        return self.first_bad_seq is None


def verify(session: Session) -> ChainReport:
    """Walk the chain in seq order; name the first entry that was edited, deleted or reordered."""
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    for row in session.scalars(select(AuditEventRow).order_by(AuditEventRow.seq)):
        count += 1
        if row.seq != expected_seq:
            return ChainReport(count, expected_seq, f"entry {expected_seq} is missing")
        if row.prev_hash != expected_prev:
            return ChainReport(count, row.seq, f"entry {row.seq} does not follow entry {row.seq - 1}")
        if _entry_hash(row.prev_hash, _fields(row)) != row.hash:
            return ChainReport(count, row.seq, f"entry {row.seq} was altered (hash mismatch)")
        expected_prev = row.hash
        expected_seq += 1
    return ChainReport(count, None, None)


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEventRow)) or 0


GUARD_TRIGGERS = {
    "sqlite": {"audit_event_no_update", "audit_event_no_delete"},
    "postgresql": {"audit_event_append_only"},
}


def append_only_guard(session: Session) -> bool:
    """Whether the triggers that refuse UPDATE and DELETE on the trail are in place (migration
    0002); a batch rebuild of the table or someone holding the file could have dropped them."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"
    elif dialect == "postgresql":
        # A trigger switched off (ALTER TABLE ... DISABLE TRIGGER) guards nothing either.
        query = (
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass "
            "AND NOT tgisinternal AND tgenabled <> 'D'"
        )
    else:
        return True
    names = {row[0] for row in session.execute(text(query))}
    return GUARD_TRIGGERS[dialect] <= names
