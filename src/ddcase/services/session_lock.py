"""The desktop app's hold on its database for a whole session (one ddcase per database file),
and the errors a database can be refused with at start-up, for the UI, which may not import
storage. The lock itself is storage's `instance_lock`: the operating system frees it when the
process ends, however it ends."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from ddcase.domain import DomainError
from ddcase.paths import resolve_db
from ddcase.storage.cipher import is_plain
from ddcase.storage.database import StorageError, database_url, sqlite_path
from ddcase.storage.files import (
    CannotUnlockError,
    DatabaseInUseError,
    connect_read_only,
    database_errors,
    instance_lock,
    lock_holder,
)
from ddcase.storage.location import UnsafePlaceError, refuse_unsafe_place
from ddcase.storage.opening import DamagedDatabaseError, stamp_matches
from ddcase.storage.schema import HEAD_REVISION, NewerDatabaseError, NotDdcaseDatabaseError, SchemaError

__all__ = [
    "AlreadyOpenError",
    "CannotUnlockError",
    "DamagedDatabaseError",
    "DatabaseInUseError",
    "NewerDatabaseError",
    "NotDdcaseDatabaseError",
    "SchemaError",
    "SessionLock",
    "StorageError",
    "UnsafePlaceError",
    "database_file",
    "needs_full_check",
    "needs_update",
]


class AlreadyOpenError(DomainError):
    """Another ddcase holds the database; `pid` and `host` say which."""

    def __init__(self, pid: int | None, host: str) -> None:
        self.pid = pid
        self.host = host or socket.gethostname()
        who = f"process {pid} on {self.host}" if pid else f"another program on {self.host}"
        super().__init__(f"ddcase is already open on this database ({who}). Close it first.")


def needs_full_check(path: Path | None) -> bool:
    """Whether opening this file starts with a full check that holds the opening up (it changed
    since ddcase last closed it cleanly, or was never checked): the app then says so."""
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return False
    return not stamp_matches(path)


def needs_update(path: Path | None) -> bool:
    """Whether this ddcase file is stamped with an older revision than this version's, so that
    opening it first makes a backup and then updates it (a trust-sized log takes a minute the
    first time): the app then says so. Read-only; the keystore is asked only for an encrypted
    file. False when it cannot tell (no file, not ddcase's, encrypted with no key at hand), and
    opening then says whatever is wrong."""
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return False
    key = None
    if not is_plain(path):
        from ddcase.services.encryption import known_key  # the keystore only for encrypted files

        try:
            key = known_key(path)
        except DomainError:
            return False
        if key is None:
            return False
    try:
        connection = connect_read_only(path, key)
        try:
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            connection.close()
    except database_errors():
        return False
    # Revisions are numbered 0001, 0002, ...: an earlier one sorts first.
    return len(rows) == 1 and str(rows[0][0]) < HEAD_REVISION


def database_file(db_argument: str | None) -> Path | None:
    """The SQLite file `--db` / DDCASE_DB / the default names, or None for a server database."""
    return sqlite_path(database_url(resolve_db(db_argument)))


class SessionLock:
    """`<database>.lock`, held from start-up until the app ends."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._held: AbstractContextManager[Path] | None = None

    @property
    def held(self) -> bool:
        return self._held is not None

    def acquire(self) -> None:
        """Take the lock, or raise AlreadyOpenError naming who has it (UnsafePlaceError in a
        network or synced folder, where no log may be kept)."""
        if self._held is not None:
            return
        refuse_unsafe_place(self.db_path)  # before a lock file is left in a network folder
        held = instance_lock(self.db_path)
        try:
            held.__enter__()
        except DatabaseInUseError:
            holder = lock_holder(self.db_path)
            raise AlreadyOpenError(holder.pid if holder else None, holder.host if holder else "") from None
        self._held = held

    def release(self) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            held.__exit__(None, None, None)

    @contextmanager
    def released(self) -> Iterator[None]:
        """Let go while a restore (which takes the same lock itself) replaces the file."""
        was_held = self.held
        self.release()
        try:
            yield
        finally:
            if was_held:
                self.acquire()
