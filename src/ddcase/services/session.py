"""The database a person has open for a whole session, in one place (issue 18): the instance
lock held from start-up until the app ends (one ddcase per database file), the opener the command
line hands the app (bootstrap.open_services), the services it built, and a restore or an encryption
that swaps the file under the lock and reopens the services through the same opener.

It also says, without the UI naming a storage class, why a database was refused at opening
(`refusal_of`) and what opening it will involve (`needs_full_check`, `needs_update`). Plain Python:
no widgets (a restore runs off the GUI thread). The lock itself is storage's `instance_lock`: the
operating system frees it when the process ends, however it ends."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from ddcase.domain import DomainError
from ddcase.paths import resolve_db
from ddcase.storage.cipher import is_plain
from ddcase.storage.database import database_url, sqlite_path
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
from ddcase.storage.schema import HEAD_REVISION

if TYPE_CHECKING:
    from ddcase.services.backup import RestoreResult
    from ddcase.services.encryption import EncryptionResult
    from ddcase.services.registry import Services

Opener = Callable[[str | None], "Services"]


class Refusal(Enum):
    """Why opening a database failed, as the app offers a way forward for it."""

    CANNOT_UNLOCK = "cannot unlock"  # encrypted, and no key at hand opens it: a recovery key file
    DAMAGED = "damaged"  # fails its check: the newest verified backup, if there is one
    UNSAFE_PLACE = "unsafe place"  # a network or synced folder: another file
    OTHER = "other"  # anything else a person can read: another file


def refusal_of(error: BaseException) -> Refusal:
    """Which kind of refusal an opening error is (the UI names no storage class)."""
    if isinstance(error, CannotUnlockError):
        return Refusal.CANNOT_UNLOCK
    if isinstance(error, DamagedDatabaseError):
        return Refusal.DAMAGED
    if isinstance(error, UnsafePlaceError):
        return Refusal.UNSAFE_PLACE
    return Refusal.OTHER


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


class ReopenError(DomainError):
    """The backup was restored, but the database would not open again."""


class DatabaseSession:
    def __init__(
        self, db_argument: str | None, opener: Opener, services: Services, lock: SessionLock | None
    ) -> None:
        self.db_argument = db_argument
        self.services = services
        self._opener = opener
        self._lock = lock

    @property
    def lock(self) -> SessionLock | None:
        return self._lock

    @property
    def opener(self) -> Opener:
        return self._opener

    def path(self) -> Path | None:
        """The log's file; None for a team database on a server."""
        try:
            return database_file(self.db_argument)
        except Exception:  # a URL SQLAlchemy cannot read
            return None

    def adopt(self, other: DatabaseSession) -> None:
        """Another log, opened through app.open_session (the same lock and opening checks as at
        start-up), takes this one's place: this log's services are closed and its lock released.
        Whoever holds this session (the window, app.run) now holds the other log."""
        old_services, old_lock = self.services, self._lock
        self.db_argument, self.services, self._lock = other.db_argument, other.services, other._lock
        old_services.close()
        if old_lock is not None:
            old_lock.release()

    def restore(self, source: Path) -> RestoreResult:
        """The same restore as `ddcase restore FILE` (BackupService.restore), then the services
        are reopened; the old ones must not be used again."""
        old = self.services
        if self._lock is not None:
            with self._lock.released():  # the restore takes the lock itself while it swaps files
                result = old.backup.restore(source)
        else:
            result = old.backup.restore(source)
        old.close()
        try:
            self.services = self._opener(self.db_argument)
        except DomainError as error:
            raise ReopenError(
                f"The backup was restored, but ddcase could not open the database again: {error} "
                "Quit ddcase and start it again."
            ) from error
        return result

    def encrypt(self, recovery_file: Path) -> EncryptionResult:
        """The same conversion as `ddcase encrypt` (EncryptionService.encrypt), then the services
        are reopened on the encrypted file with its key; the old ones must not be used again."""
        old = self.services
        if self._lock is not None:
            with self._lock.released():  # the conversion takes the lock itself while it swaps files
                result = old.encryption.encrypt(recovery_file)
        else:
            result = old.encryption.encrypt(recovery_file)
        old.close()
        try:
            self.services = self._opener(self.db_argument)
        except DomainError as error:
            raise ReopenError(
                f"The database was encrypted, but ddcase could not open it again: {error} "
                "Quit ddcase and start it again."
            ) from error
        return result

    def close(self) -> None:
        self.services.close()
        if self._lock is not None:
            self._lock.release()
