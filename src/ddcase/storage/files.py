"""The database as a file: looking at it before opening (without changing a byte), the one-instance
lock beside it, owner-only permissions, and flushing a folder to disk.

ddcase never repairs or rewrites a user's file in place: a file that fails these checks is left
exactly as it was, and the message says what to do next. An encrypted file (storage/cipher.py) is
looked at the same way, through connections keyed with its key.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from ddcase.storage import cipher
from ddcase.storage.cipher import SQLITE_HEADER, DatabaseKey
from ddcase.storage.database import StorageError, cipher_url
from ddcase.storage.file_modes import FILE_MODE as FILE_MODE  # the modes' home is file_modes.py
from ddcase.storage.file_modes import FOLDER_MODE as FOLDER_MODE
from ddcase.storage.file_modes import SIDE_FILES as SIDE_FILES
from ddcase.storage.file_modes import protect as protect
from ddcase.storage.location import refuse_unsafe_place
from ddcase.storage.opening import (
    DamagedDatabaseError,
    OpeningCheck,
    damaged_message,
    forget_stamp,
    recently_checked,
    stamp_matches,
    write_stamp,
)
from ddcase.storage.schema import is_current
from ddcase.storage.shape import refuse_if_changed

ON_WINDOWS = sys.platform == "win32"
# integrity_check of an encrypted file: a 128 MB page cache (used only as far as the file is big)
# took the check of a 440 MB trust-sized file from 88 s to 37 s (peak memory 198 MB), on a loaded machine.
ENCRYPTED_CHECK_CACHE_KIB = 128 * 1024


class CannotUnlockError(StorageError):
    """An encrypted file (or one that is not a database at all) that the key at hand, if any,
    does not open. It was left untouched."""


class DatabaseInUseError(StorageError):
    """Another ddcase (or a restore) holds this database."""


def read_only_uri(path: Path) -> str:
    """A URI that opens the file read-only: nothing we do through it can change the file."""
    return f"{path.resolve().as_uri()}?mode=ro"


def connect_read_only(path: Path, key: DatabaseKey | None = None) -> sqlite3.Connection:
    """A read-only connection; with `key`, a SQLCipher one keyed with it (same DB-API)."""
    if key is None:
        return sqlite3.connect(read_only_uri(path), uri=True, timeout=5)
    keyed: sqlite3.Connection = cipher.connect(read_only_uri(path), key, uri=True)  # the same DB-API
    return keyed


def read_only_engine(path: Path, key: DatabaseKey | None = None) -> Engine:
    """An engine whose every connection is read-only (for looking at files we must not change)."""
    if key is None:
        return create_engine("sqlite://", creator=lambda: connect_read_only(path))
    # The pysqlcipher dialect keys each connection itself (and knows sqlcipher3's errors).
    return create_engine(
        cipher_url(path, key),
        creator=lambda: cipher.connect(read_only_uri(path), None, uri=True),
        poolclass=NullPool,
    )


def database_errors(*also: type[Exception]) -> tuple[type[Exception], ...]:
    """sqlite3's DatabaseError, and sqlcipher3's when it is installed (a separate class), then
    `also`: one tuple for an `except` clause that mypy can check."""
    try:
        return (sqlite3.DatabaseError, cipher.dbapi().DatabaseError, *also)
    except ImportError:
        return (sqlite3.DatabaseError, *also)


def quick_check(path: Path, key: DatabaseKey | None = None) -> list[str]:
    """SQLite's PRAGMA quick_check, read-only: ['ok'] for a sound file, else what is wrong.
    A file that is not a database at all gives its error text."""
    try:
        with _closing(connect_read_only(path, key)) as conn:
            return [row[0] for row in conn.execute("PRAGMA quick_check")]
    except database_errors() as error:
        return [str(error)]


def integrity_check(path: Path, key: DatabaseKey | None = None) -> list[str]:
    """The full PRAGMA integrity_check, read-only. On an encrypted file it reads every page in
    use, and SQLCipher authenticates each page it reads (its HMAC), so a tampered or damaged page
    fails it too; `ddcase check` adds SQLCipher's check of the free pages as well."""
    try:
        with _closing(connect_read_only(path, key)) as conn:
            if key is not None:  # each page the check reads again is decrypted again: keep more
                conn.execute(f"PRAGMA cache_size = -{ENCRYPTED_CHECK_CACHE_KIB}")
            return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except database_errors() as error:
        return [str(error)]


def unlocks(path: Path, key: DatabaseKey) -> bool:
    """Whether `key` opens the encrypted file (read-only; nothing is changed)."""
    try:
        with _closing(connect_read_only(path, key)) as conn:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except database_errors():
        return False
    return True


def cannot_unlock(path: Path, why: str) -> CannotUnlockError:
    return CannotUnlockError(f"cannot unlock {path}: {why} Nothing was changed.")


def inspect_file(
    path: Path,
    key: DatabaseKey | None = None,
    *,
    unchanged_may_wait: bool = False,
    trust_recent_check: bool = False,
) -> OpeningCheck:
    """Check an SQLite file before ddcase opens it for real, without changing it: the folder
    can be written (WAL needs it), the file is an SQLite database, passes quick_check, and is a
    ddcase database this version can open. Raises StorageError/SchemaError with a plain message.
    An encrypted file is checked through `key`; one the key does not open (or with no key)
    raises CannotUnlockError.

    With `unchanged_may_wait`, a file exactly as ddcase last left it after a clean check (its
    stamp matches, storage/opening.py) and needing no migration is not quick_checked here: the
    OpeningCheck returned is not started yet, and the caller starts it in the background and
    makes every write wait for it. Otherwise the check has passed when this returns.
    With `trust_recent_check` (a command that only reads), a file on exactly whose present state
    a whole inspection passed recently (storage/opening.recently_checked) is not inspected again.
    A log in a network or synced folder is refused (storage/location.py)."""
    refuse_unsafe_place(path)
    folder = path.parent
    if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
        raise StorageError(
            f"ddcase cannot write in the folder {folder}, so it cannot keep a database there; "
            "nothing was changed. Choose a folder you may write to."
        )
    if not path.exists() or path.stat().st_size == 0:
        return OpeningCheck.passed(path)
    if not os.access(path, os.R_OK):
        raise StorageError(f"ddcase may not read the file {path}; nothing was changed.")
    with open(path, "rb") as file:
        header = file.read(len(SQLITE_HEADER))
    if header == SQLITE_HEADER:
        key = None  # a plain file: whatever key there is does not apply
    elif key is None:
        raise cannot_unlock(
            path, "it is encrypted, or is not a database at all, and there is no key for it here."
        )
    elif not unlocks(path, key):
        raise cannot_unlock(
            path,
            "the key given does not open it (it is the wrong key, or the file is not a ddcase database).",
        )
    if trust_recent_check and recently_checked(path):
        return OpeningCheck.passed(path)  # checked, at head and of its shape, as it is now
    later = unchanged_may_wait and stamp_matches(path)
    if not later:
        _check_now(path, key)
    engine = read_only_engine(path, key)
    try:
        if not is_current(engine):  # Alembic is loaded only to look at an older or foreign schema
            if later:  # a migration is coming: it writes, so the check comes first
                _check_now(path, key)
                later = False
            from ddcase.storage.migrations import plan

            plan(engine)
        # A file is what its revision says it is: no table, column, index or trigger missing.
        refuse_if_changed(engine, f"The database file {path}")
    finally:
        engine.dispose()
    if later:
        return OpeningCheck(path, run=lambda p: quick_check(p, key))
    write_stamp(path, inspected=True)  # the whole inspection passed on the file as it is now
    return OpeningCheck.passed(path)


def _check_now(path: Path, key: DatabaseKey | None) -> None:
    problems = quick_check(path, key)
    if problems != ["ok"]:
        forget_stamp(path)
        raise DamagedDatabaseError(damaged_message(path, problems))
    write_stamp(path)  # checked and sound as it is now


def make_private_folder(folder: Path) -> Path:
    """Create a folder readable by its owner only (0700 on Unix)."""
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    if os.name == "posix" and (folder.stat().st_mode & 0o777) != FOLDER_MODE:
        try:
            os.chmod(folder, FOLDER_MODE)
        except OSError:
            pass
    return folder


def write_private(path: Path, data: bytes) -> None:
    """Write atomically and readable by the owner only (0600): a temporary file beside `path`,
    flushed to disk, then renamed over it, so a reader sees the old file or the new one, never
    half of one. Raises OSError; nothing is left behind on failure."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o600)
        replace_file(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            remove_file(temporary)
        raise


def fsync_file(path: Path) -> None:
    """Flush a file ddcase wrote (and closed) to disk. Through a descriptor opened for writing:
    on Windows os.fsync is FlushFileBuffers, which refuses a read-only handle (EBADF)."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make a rename inside `folder` durable (POSIX). Never on Windows: a folder cannot be opened
    there, and NTFS makes a rename durable itself."""
    if ON_WINDOWS:
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------------- renaming and deleting

# Windows refuses to rename or delete a file any handle holds (WinError 32), and antivirus or the
# search indexer opens a file for a moment after ddcase closes it: such a refusal is tried again
# after these pauses (1.55 s in all) before it stands. The retry is for other programs' handles:
# ddcase closes its own (connections disposed, files closed) before it renames or deletes.
RETRY_PAUSES = (0.05, 0.1, 0.2, 0.4, 0.8)
_pause = time.sleep


def _retried(action: Callable[[], None]) -> None:
    for pause in (*RETRY_PAUSES, None):
        try:
            action()
            return
        except PermissionError:
            if pause is None:
                raise
            _pause(pause)


def replace_file(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """os.replace (one atomic rename, over `target` if it exists), retried briefly while another
    program holds either file."""
    _retried(lambda: os.replace(source, target))


def remove_file(path: str | os.PathLike[str]) -> None:
    """Delete a file if it exists, retried briefly while another program holds it."""

    def remove() -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)

    _retried(remove)


# ---------------------------------------------------------------------- one instance per database


@dataclass(frozen=True, slots=True)
class LockHolder:
    pid: int | None
    host: str


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def instance_lock(db_path: Path) -> Iterator[Path]:
    """Hold `<database>.lock` while the block runs, or raise DatabaseInUseError naming the process
    that holds it. The operating system releases the lock when its process ends, however it
    ends, so a crash (even kill -9) leaves nothing to clean up. For the desktop app (one per
    database) and `ddcase restore`."""
    path = lock_path(db_path)
    make_private_folder(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        if not _try_lock(fd):
            holder = _read_holder(fd)
            where = f" on {holder.host}" if holder.host and holder.host != socket.gethostname() else ""
            who = f"process {holder.pid}{where}" if holder.pid else "another program"
            raise DatabaseInUseError(
                f"This database is already open in ddcase ({who}). Close it there first, "
                "or open a copy read-only."
            )
        os.ftruncate(fd, 0)
        _write_at_start(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
            _unlock(fd)
    finally:
        os.close(fd)


def lock_holder(db_path: Path) -> LockHolder | None:
    """Who holds the database's lock now, or None if no one does."""
    path = lock_path(db_path)
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDWR)
    try:
        if _try_lock(fd):
            _unlock(fd)
            return None
        return _read_holder(fd)
    finally:
        os.close(fd)


@contextmanager
def held_while_running(path: Path) -> Iterator[None]:
    """Create `path` and hold its lock while the block runs (a name no one else uses). The
    operating system frees the lock when the process ends, however it ends, so another process
    can tell a job under way from one that was killed (`held_elsewhere`)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        locked = _try_lock(fd)
        try:
            yield
        finally:
            if locked:
                _unlock(fd)
    finally:
        os.close(fd)


def held_elsewhere(path: Path) -> bool:
    """Whether a running process holds `path`'s lock (`held_while_running`); False when the
    file is missing or its holder has ended."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        if _try_lock(fd):
            _unlock(fd)
            return False
        return True
    finally:
        os.close(fd)


def _write_at_start(fd: int, data: bytes) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, data)


def _read_holder(fd: int) -> LockHolder:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 200).decode("utf-8", "replace").split()
    except OSError:  # Windows refuses reads of a locked region; the pid is outside it
        text = []
    pid = int(text[0]) if text and text[0].isdigit() else None
    return LockHolder(pid, text[1] if len(text) > 1 else "")


# Windows locks a byte range and refuses reads of it; lock a byte far past the pid text.
_WINDOWS_LOCK_OFFSET = 1 << 20

if sys.platform == "win32":  # pragma: no cover - exercised on Windows CI only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        # flock (not fcntl record locks): closing another descriptor on the file does not drop it.
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


@contextmanager
def _closing(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    try:
        yield conn
    finally:
        conn.close()
