"""The audit trail: append-only and hash-chained (hash = SHA-256(prev_hash + canonical JSON of the
entry)), written in the same transaction as the change it records, so an edited, deleted or
reordered entry breaks the chain and `verify` says where.

An entry's values (before and after) are kept apart in `audit_value`, with a random salt; the
chain covers their salted digest. `redact` removes the values of some entries (a purge) and
appends an entry saying which: `verify` then accepts those entries without values, and still
finds values that were altered, or removed without a redaction that names them.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, text
from sqlmodel import Session, col

from ddcase.storage.tables import AuditEventRow, AuditValueRow, table_of

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


#: `chain` of an entry whose hash PostgreSQL computed itself (revision 0008's trigger).
SERVER = "server"
#: `chain` of an entry signed with a trail key kept outside the file: "hmac:<key id>".
HMAC_PREFIX = "hmac:"


def _framed(value: str | None) -> str:
    """A value in the server's payload: its length, a colon and itself; '-' for NULL."""
    return "-" if value is None else f"{len(value)}:{value}"


def server_hash(row: AuditEventRow) -> str:
    """What revision 0008's trigger computes on PostgreSQL: SHA-256 of prev_hash and every field
    framed by its length (the same text in Python and in PL/pgSQL, no JSON rules to agree on)."""
    parts = (
        str(row.seq), row.at_utc, row.os_user, row.app_user, row.action, row.entity,
        row.entity_key, row.before_json, row.after_json, row.values_sha256, row.chain,
    )  # fmt: skip
    payload = row.prev_hash + "".join(_framed(part) for part in parts)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def server_values_digest(salt: str, before_json: str | None, after_json: str | None) -> str:
    """The digest of a server entry's values, as the audit_value trigger checks it."""
    payload = salt + _framed(before_json) + _framed(after_json)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _row_values_digest(row: AuditEventRow, salt: str, before: str | None, after: str | None) -> str:
    if row.chain == SERVER:
        return server_values_digest(salt, before, after)
    return values_digest(salt, before, after)


def key_id_of(row: AuditEventRow | None) -> str | None:
    if row is None or row.chain is None or not row.chain.startswith(HMAC_PREFIX):
        return None
    return row.chain[len(HMAC_PREFIX) :]


def _fields(row: AuditEventRow) -> dict[str, Any]:
    fields = {
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
    if row.values_sha256 is not None:  # entries from revision 0004 on; older ones hash as they were
        fields["values_sha256"] = row.values_sha256
    if row.chain is not None:  # signed entries (revision 0008) say with which key
        fields["chain"] = row.chain
    return fields


def values_digest(salt: str, before_json: str | None, after_json: str | None) -> str:
    return hashlib.sha256((salt + canonical_json([before_json, after_json])).encode("utf-8")).hexdigest()


#: The action of the entry that records a redaction; its values list the entries redacted.
REDACT = "redact"


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
    """Add one entry at the end of the chain, inside the caller's write transaction.

    On PostgreSQL the server computes the entry's number and hashes itself (revision 0008's
    trigger; computed here the same way, so the row in hand agrees). On SQLite the entry is
    signed with the log's trail key when the session's database has a keeper
    (storage/witness.py), and its head is handed to the keeper once the transaction commits."""
    server = session.get_bind().dialect.name == "postgresql"
    if server:
        return _append_on_server(
            session, action=action, entity=entity, key=key, before=before, after=after,
            app_user=app_user, at=at,
        )  # fmt: skip
    last_row = session.scalars(select(AuditEventRow).order_by(col(AuditEventRow.seq).desc()).limit(1)).first()
    seq = 1 if last_row is None else last_row.seq + 1
    prev_hash = GENESIS if last_row is None else last_row.hash
    before_json = None if before is None else canonical_json(before)
    after_json = None if after is None else canonical_json(after)
    keeper = session.info.get(KEEPER)
    signing = None if server or keeper is None else keeper.signing_key(key_id_of(last_row))
    chain = SERVER if server else (None if signing is None else HMAC_PREFIX + signing.key_id)
    value = None
    if before_json is not None or after_json is not None:
        value = AuditValueRow(
            seq=seq, salt=secrets.token_hex(16), before_json=before_json, after_json=after_json
        )
    digest = None
    if value is not None:
        digest = (server_values_digest if server else values_digest)(value.salt, before_json, after_json)
    row = AuditEventRow(
        seq=seq,
        at_utc=(at or datetime.now(UTC)).isoformat(timespec="seconds"),
        os_user=os_user(),
        app_user=app_user,
        action=action,
        entity=entity,
        entity_key=key,
        before_json=None,
        after_json=None,
        prev_hash=prev_hash,
        hash="",
        values_sha256=digest,
        chain=chain,
    )
    if server:
        row.hash = server_hash(row)
    else:
        # The plain chain stays checkable anywhere; the signature, only with the key.
        row.hash = _entry_hash(prev_hash, _fields(row))
        if signing is not None:
            row.signature = signing.sign(row.hash)
    if keeper is not None:
        _note_head(session, keeper, last_row, row)
    session.add(row)
    session.flush()
    if value is not None:
        session.add(value)
        session.flush()
    return row


def _append_on_server(
    session: Session,
    *,
    action: str,
    entity: str,
    key: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    app_user: str | None,
    at: datetime | None,
) -> AuditEventRow:
    """PostgreSQL: revision 0008's trigger takes the trail's lock (an advisory lock every writer
    shares), numbers and hashes the entry; the entry comes back with RETURNING. So the lock is
    held from the entry's INSERT to the commit, two statements, instead of from a lock and a read
    of the chain's end before them: under a whole team's load (benchmarks/team_load.py) every
    save queues for it, and a client slow to send its next statement holds everyone up.
    Everything that can be done before the lock is: the change itself is flushed, and the
    witness's entry read (an entry never changes once written)."""
    session.flush()
    keeper = session.info.get(KEEPER)
    witness = keeper.witness() if keeper is not None and HEAD not in session.info else None
    seen_at_witness = None if witness is None else hash_at(session, witness.seq)
    before_json = None if before is None else canonical_json(before)
    after_json = None if after is None else canonical_json(after)
    salt = None
    digest = None
    if before_json is not None or after_json is not None:
        salt = secrets.token_hex(16)
        digest = server_values_digest(salt, before_json, after_json)
    fields: dict[str, Any] = {
        "at_utc": (at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "os_user": os_user(),
        "app_user": app_user,
        "action": action,
        "entity": entity,
        "entity_key": key,
        "before_json": None,
        "after_json": None,
        "values_sha256": digest,
        "chain": SERVER,
    }
    events = table_of(AuditEventRow)
    # seq, prev_hash and hash are the trigger's to set; these placeholders are replaced.
    seq, prev_hash, hash_ = session.execute(
        insert(events)
        .values(seq=0, prev_hash="", hash="", **fields)
        .returning(events.c.seq, events.c.prev_hash, events.c.hash)
    ).one()
    if salt is not None:
        session.execute(
            insert(table_of(AuditValueRow)).values(
                seq=seq, salt=salt, before_json=before_json, after_json=after_json
            )
        )
    row = AuditEventRow(seq=seq, prev_hash=prev_hash, hash=hash_, **fields)
    if keeper is not None:
        if HEAD in session.info:  # a later entry of the same transaction
            if session.info[HEAD] is not None:
                session.info[HEAD] = (seq, hash_)
        elif witness is not None and (
            seq - 1 < witness.seq
            or (prev_hash if seq - 1 == witness.seq else seen_at_witness) != witness.hash
        ):
            session.info[HEAD] = None  # the trail no longer holds what the witness saw
        else:
            session.info[HEAD] = (seq, hash_)
    return row


#: session.info's key for the database's TrailKeeper (set by Database for its sessions).
KEEPER = "ddcase_trail_keeper"
#: session.info's key for the head to hand the keeper once the transaction commits.
HEAD = "ddcase_trail_head"


def _note_head(session: Session, keeper: Any, last_row: AuditEventRow | None, row: AuditEventRow) -> None:
    """The new head goes to the witness after commit, but only when the trail still holds the
    entry the witness saw: a trail shortened or rewritten behind ddcase's back keeps its old
    witness, so `ddcase check` still says so after the next save. The trail is compared with
    the witness once per transaction (an import writes an entry per record it changes)."""
    if HEAD in session.info:
        if session.info[HEAD] is not None:
            session.info[HEAD] = (row.seq, row.hash)
        return  # None: an earlier entry of this transaction found the trail changed
    witness = keeper.witness()
    if witness is not None:
        if last_row is None or last_row.seq < witness.seq:
            session.info[HEAD] = None
            return
        seen = last_row.hash if last_row.seq == witness.seq else hash_at(session, witness.seq)
        if seen != witness.hash:
            session.info[HEAD] = None
            return
    session.info[HEAD] = (row.seq, row.hash)


def hash_at(session: Session, seq: int) -> str | None:
    return session.scalar(select(col(AuditEventRow.hash)).where(col(AuditEventRow.seq) == seq))


def head(session: Session) -> tuple[int, str] | None:
    """The trail's newest entry: (seq, hash), or None when it is empty."""
    row = session.execute(
        select(col(AuditEventRow.seq), col(AuditEventRow.hash))
        .order_by(col(AuditEventRow.seq).desc())
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """An entry with its values as stored: inline (before revision 0004) or from audit_value;
    `redacted` when a purge removed them."""

    row: AuditEventRow
    before_json: str | None
    after_json: str | None
    redacted: bool


def entries(
    session: Session, *where: Any, newest_first: bool = False, limit: int | None = None
) -> list[StoredEntry]:
    """Entries matching `where` (conditions on AuditEventRow), in seq order, with their values."""
    order = col(AuditEventRow.seq).desc() if newest_first else col(AuditEventRow.seq)
    query = (
        select(AuditEventRow, AuditValueRow)
        .outerjoin(AuditValueRow, col(AuditValueRow.seq) == col(AuditEventRow.seq))
        .where(*where)
        .order_by(order)
    )
    if limit is not None:
        query = query.limit(limit)
    found = []
    for row, value in session.execute(query):
        if value is not None:
            found.append(StoredEntry(row, value.before_json, value.after_json, False))
        else:
            found.append(StoredEntry(row, row.before_json, row.after_json, row.values_sha256 is not None))
    return found


def entries_about(session: Session, key: str) -> list[StoredEntry]:
    """The entries about one record (its key: a client's reference, ...), in seq order."""
    return entries(session, col(AuditEventRow.entity_key) == key)


def seqs_about(session: Session, key: str) -> list[int]:
    """The numbers of the entries about one record (what `redact` is given)."""
    return list(
        session.scalars(select(col(AuditEventRow.seq)).where(col(AuditEventRow.entity_key) == key)).all()
    )


def redact(
    session: Session,
    seqs: Iterable[int],
    *,
    key: str | None,
    reason: str,
    app_user: str | None = None,
    at: datetime | None = None,
) -> list[int]:
    """Remove the values of these entries (those that still have them apart from the chain) and
    append an entry naming them, inside the caller's write transaction. Returns the entries
    redacted. A redaction entry itself is never redacted: it is what makes the gaps legitimate."""
    wanted = sorted(set(seqs))
    if not wanted:
        return []
    held: list[int] = []
    for chunk_start in range(0, len(wanted), 500):
        chunk = wanted[chunk_start : chunk_start + 500]
        held += session.scalars(
            select(col(AuditValueRow.seq))
            .join(AuditEventRow, col(AuditEventRow.seq) == col(AuditValueRow.seq))
            .where(col(AuditValueRow.seq).in_(chunk), col(AuditEventRow.action) != REDACT)
        ).all()
    held.sort()
    if not held:
        return []
    for chunk_start in range(0, len(held), 500):
        session.execute(
            delete(AuditValueRow).where(col(AuditValueRow.seq).in_(held[chunk_start : chunk_start + 500]))
        )
    append(session, action=REDACT, entity="audit", key=key, after={"entries": held, "reason": reason},
           app_user=app_user, at=at)  # fmt: skip
    return held


@dataclass(frozen=True, slots=True)
class ChainReport:
    entries: int
    first_bad_seq: int | None
    problem: str | None
    unchecked: int = 0  # signed entries whose key is not on this computer
    missing_key: str | None = None

    @property
    def intact(self) -> bool:
        return self.first_bad_seq is None


def verify(session: Session, keeper: Any = None) -> ChainReport:
    """Walk the chain in seq order; name the first entry that was edited, deleted or reordered,
    whose values were altered, or whose values were removed without a redaction naming it.
    Signed entries are checked with their key (from `keeper`, or the session's database's);
    once an entry is signed or computed by the server, every later one must be too (a trail
    rewritten with plain hashes from some entry on is named there)."""
    if keeper is None:
        keeper = session.info.get(KEEPER)
    redacted = _redacted_entries(session)
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    unchecked = 0
    missing_key = None
    guarded_from: int | None = None
    query = (
        select(AuditEventRow, AuditValueRow)
        .outerjoin(AuditValueRow, col(AuditValueRow.seq) == col(AuditEventRow.seq))
        .order_by(col(AuditEventRow.seq))
    )
    for row, value in session.execute(query):
        count += 1
        if row.seq != expected_seq:
            return ChainReport(count, expected_seq, f"entry {expected_seq} is missing")
        if row.prev_hash != expected_prev:
            return ChainReport(count, row.seq, f"entry {row.seq} does not follow entry {row.seq - 1}")
        if row.chain is None:
            if guarded_from is not None:
                return ChainReport(
                    count,
                    row.seq,
                    f"entry {row.seq} is not signed though entry {guarded_from} and those after it "
                    "were: the trail was rewritten from here",
                )
            if _entry_hash(row.prev_hash, _fields(row)) != row.hash:
                return ChainReport(count, row.seq, f"entry {row.seq} was altered (hash mismatch)")
        elif row.chain == SERVER:
            guarded_from = guarded_from or row.seq
            if server_hash(row) != row.hash:
                return ChainReport(count, row.seq, f"entry {row.seq} was altered (hash mismatch)")
        elif row.chain.startswith(HMAC_PREFIX):
            guarded_from = guarded_from or row.seq
            if _entry_hash(row.prev_hash, _fields(row)) != row.hash:
                return ChainReport(count, row.seq, f"entry {row.seq} was altered (hash mismatch)")
            key = None if keeper is None else keeper.key(row.chain[len(HMAC_PREFIX) :])
            if key is None:
                unchecked += 1
                missing_key = row.chain[len(HMAC_PREFIX) :]
            elif row.signature is None or not hmac.compare_digest(key.sign(row.hash), row.signature):
                return ChainReport(
                    count, row.seq, f"entry {row.seq} was altered (its signature does not match)"
                )
        else:
            return ChainReport(count, row.seq, f"entry {row.seq} names an unknown kind of chain")
        if row.values_sha256 is not None:
            if value is None:
                if row.seq not in redacted:
                    return ChainReport(
                        count, row.seq, f"the values of entry {row.seq} were removed without a redaction"
                    )
            elif (
                _row_values_digest(row, value.salt, value.before_json, value.after_json) != row.values_sha256
            ):
                return ChainReport(count, row.seq, f"the values of entry {row.seq} were altered")
        elif value is not None:
            return ChainReport(count, row.seq, f"entry {row.seq} has values it did not record")
        expected_prev = row.hash
        expected_seq += 1
    stray = session.scalar(
        select(func.min(col(AuditValueRow.seq))).where(
            col(AuditValueRow.seq).not_in(select(col(AuditEventRow.seq)).scalar_subquery())
        )
    )
    if stray is not None:
        return ChainReport(count, stray, f"values are stored for entry {stray}, which is not in the trail")
    return ChainReport(count, None, None, unchecked, missing_key)


def _redacted_entries(session: Session) -> set[int]:
    """The entries that redaction entries (with their own values intact) say they redacted."""
    redacted: set[int] = set()
    query = (
        select(
            col(AuditEventRow.values_sha256),
            col(AuditEventRow.chain),
            col(AuditValueRow.salt),
            col(AuditValueRow.before_json),
            col(AuditValueRow.after_json),
        )
        .join(AuditValueRow, col(AuditValueRow.seq) == col(AuditEventRow.seq))
        .where(col(AuditEventRow.action) == REDACT)
    )
    for digest, chain, salt, before_json, after_json in session.execute(query):
        compute = server_values_digest if chain == SERVER else values_digest
        if digest != compute(salt, before_json, after_json):
            continue  # an altered redaction entry redacts nothing; verify names it as altered
        try:
            listed = json.loads(after_json or "{}").get("entries", [])
        except (ValueError, AttributeError):
            continue
        redacted.update(n for n in listed if isinstance(n, int))
    return redacted


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEventRow)) or 0


GUARD_TRIGGERS = {
    "sqlite": {"audit_event_no_update", "audit_event_no_delete"},
    "postgresql": {
        "audit_event_append_only",
        "ddcase_audit_chain",
        "ddcase_audit_value_check",
        "definition_version_kept",
        *(f"{table}_outside_change" for table in ("client", "episode", "contact", "definition_version")),
    },
}

#: The action of an entry the server wrote for a change made outside ddcase (revision 0008).
OUTSIDE = "outside"


def outside_changes(session: Session) -> tuple[int, AuditEventRow | None]:
    """How many changes the server recorded as made outside ddcase, and the latest."""
    number = session.scalar(
        select(func.count()).select_from(AuditEventRow).where(col(AuditEventRow.action) == OUTSIDE)
    )
    latest = session.scalars(
        select(AuditEventRow)
        .where(col(AuditEventRow.action) == OUTSIDE)
        .order_by(col(AuditEventRow.seq).desc())
        .limit(1)
    ).first()
    return number or 0, latest


def missing_guards(session: Session) -> list[str]:
    """The database's guard triggers that are missing or switched off: those that refuse UPDATE
    and DELETE on the trail (migration 0002), and on PostgreSQL revision 0008's (the server's
    chain, the values check, definition versions kept, changes outside ddcase recorded). A batch
    rebuild of a table or someone holding the file could have dropped them."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"
    elif dialect == "postgresql":
        # A trigger switched off (ALTER TABLE ... DISABLE TRIGGER) guards nothing either.
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"
    else:
        return []
    names = {row[0] for row in session.execute(text(query))}
    return sorted(GUARD_TRIGGERS[dialect] - names)
