"""The bulk load of a CSV import (services/transfer): the records an import found new inserted
set-based, those it found changed updated through the ORM (so each one's version goes up), and an
empty episode table's indexes built once after its rows are in.

The contacts' writer (`repository.ContactWriter`) and the index helpers it shares with this module
(`repository.drop_indexes`, `create_indexes`) belong here too; they stay in repository.py until
that file is split by role (issue 13 item 3), so that this move edits no file others are changing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from ddcase.domain import Client, Episode, Worker
from ddcase.storage import repository
from ddcase.storage.database import Stamp
from ddcase.storage.tables import ClientRow, EpisodeRow, WorkerRow

_CHUNK = 500  # ids per IN (...) list, well under every backend's parameter limit
_IMPORT_CACHE_KIB = 64 * 1024


def enlarge_sqlite_cache(session: Session) -> None:
    """A bigger SQLite page cache for this session's connection: a million new contacts update
    their indexes. Memory only; durability (WAL, synchronous=FULL) is unchanged. SQLite only."""
    session.connection().exec_driver_sql(f"PRAGMA cache_size = -{_IMPORT_CACHE_KIB}")


@dataclass(frozen=True, slots=True)
class RecordChange:
    """One record an import changed: the fields that changed, before and after (with the
    fields that say which record it is), for its own audit entry."""

    entity: str
    key: str
    before: dict[str, Any]
    after: dict[str, Any]


_NOT_RECORDED = frozenset({"id", "version", "updated_at", "updated_by"})


def _values(row: Any) -> dict[str, Any]:
    values = {}
    for column in row.__table__.columns:
        if column.name in _NOT_RECORDED:
            continue
        value = getattr(row, column.name)
        values[column.name] = value.isoformat() if isinstance(value, dt.date) else value
    return values


def _change(
    entity: str, key: str, before: dict[str, Any], row: Any, keep: tuple[str, ...]
) -> RecordChange | None:
    after = _values(row)
    changed = sorted(name for name in after if before.get(name) != after[name])
    if not changed:
        return None
    which = {name: after[name] for name in keep}
    return RecordChange(
        entity,
        key,
        {**which, **{name: before.get(name) for name in changed}},
        {**which, **{name: after[name] for name in changed}},
    )


def write_records(
    session: Session,
    *,
    new_workers: Sequence[Worker],
    new_clients: Sequence[Client],
    new_episodes: Sequence[Episode],
    changed_workers: Sequence[tuple[int, Worker]],
    changed_clients: Sequence[tuple[int, Client]],
    changed_episodes: Sequence[tuple[int, Episode]],
    stamp: Stamp,
) -> list[RecordChange]:
    """Bulk inserts of what is new, then ORM updates of what changed (by id). Into an empty
    episode table (a first import), its indexes are built once after the rows are in. Returns
    what each changed record held before and holds now (issue 14: an import's updates keep
    their before values, one audit entry per record)."""
    empty = session.scalars(select(col(EpisodeRow.id)).limit(1)).first() is None
    dropped = repository.drop_indexes(session, "episode") if empty and new_episodes else {}
    repository.insert_new(
        session,
        new_workers,
        new_clients,
        new_episodes,
        [],
        stamp=stamp,
        organisations=[(w.organisation, w.service) for _, w in changed_workers]
        + [(e.organisation, e.service) for _, e in changed_episodes],
    )
    repository.create_indexes(session, dropped.values())
    org_ids = repository.organisation_ids(session)
    worker_ids = repository.worker_ids(session)
    changes: list[RecordChange | None] = []
    for row, w in _rows_by_id(session, WorkerRow, changed_workers):
        before = _values(row)
        row.organisation_id = org_ids[w.organisation]
        row.role = w.role.value if w.role else None
        row.email = w.email
        row.phone = w.phone
        row.updated_at, row.updated_by = stamp["updated_at"], stamp["updated_by"]
        changes.append(_change("worker", row.name, before, row, ("service",)))
    for row, c in _rows_by_id(session, ClientRow, changed_clients):
        before = _values(row)
        repository.apply_client(row, c)
        row.updated_at, row.updated_by = stamp["updated_at"], stamp["updated_by"]
        changes.append(_change("client", row.client_ref, before, row, ()))
    episode_rows = list(_rows_by_id(session, EpisodeRow, changed_episodes))
    episode_refs = _client_refs(session, {row.client_id for row, _ in episode_rows})
    for row, e in episode_rows:
        before = _values(row)
        row.team = e.team
        row.worker_id = worker_ids[(e.service.value, e.worker)] if e.worker else None
        row.end_date = e.end_date
        row.updated_at, row.updated_by = stamp["updated_at"], stamp["updated_by"]
        keep = ("service", "organisation_id", "start_date")
        changes.append(_change("episode", episode_refs.get(row.client_id, ""), before, row, keep))
    session.flush()
    return [change for change in changes if change is not None]


def _client_refs(session: Session, ids: set[int]) -> dict[int, str]:
    refs: dict[int, str] = {}
    chosen = sorted(ids)
    for start in range(0, len(chosen), _CHUNK):
        query = select(ClientRow).where(col(ClientRow.id).in_(chosen[start : start + _CHUNK]))
        refs.update((row.id, row.client_ref) for row in session.scalars(query) if row.id is not None)
    return refs


def _rows_by_id(
    session: Session, table: Any, changes: Sequence[tuple[int, Any]]
) -> Iterator[tuple[Any, Any]]:
    """The rows to update, loaded a chunk of ids at a time rather than one query per row."""
    by_id = dict(changes)
    ids = list(by_id)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for row in session.scalars(select(table).where(table.id.in_(chunk))):
            yield row, by_id[row.id]
