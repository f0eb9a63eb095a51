"""Backups and restore of an SQLite database (SPEC §4 `ddcase backup`, `ddcase restore`).

Only SQLite's online backup API ever copies a database (never a file copy of a live file), and
a backup counts only once it has been reopened and passed `integrity_check`. Backups go to a
`backups` folder beside the database (owner-only), one file each, named
`<database>-<YYYYMMDD>T<HHMMSS>-<kind>.sqlite3` in local time:
- `daily`: the first start-up of each day; `manual`: `ddcase backup`; rotated together, keeping
  the newest of each of the last 7 days and of each of the last 4 weeks;
- `pre-migration` (before a schema upgrade) and `pre-restore` (before a restore): the last 4 of each.
A team database on PostgreSQL is backed up by the server (pg_dump, the trust's IT), not by ddcase.

An encrypted database's backups are encrypted with the same key (the backup API into a target keyed
with it): there is no path that writes a plaintext copy of an encrypted database. `pre-encryption`
backups are made by `ddcase encrypt` (services/encryption.py), which then re-writes every plaintext
backup encrypted.
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ddcase.domain import DomainError
from ddcase.domain.backups import (
    BackupFile as BackupFile,  # its home is the domain: the restore dialog lists them
)
from ddcase.services.base import Context, audit_change
from ddcase.services.trail import keeper_for_file
from ddcase.storage import audit, cipher, shape
from ddcase.storage.backup_files import BACKUPS_FOLDER as BACKUPS_FOLDER
from ddcase.storage.backup_files import NAME_STAMP as _STAMP
from ddcase.storage.backup_files import ROTATED_KINDS, backed_up_today, partial_copies
from ddcase.storage.backup_files import backups_folder as backups_folder
from ddcase.storage.backup_files import list_backups as list_backups
from ddcase.storage.cipher import DatabaseKey
from ddcase.storage.database import (
    Database,
    Engine,
    StorageError,
    engine_key,
    engine_path,
    make_engine,
    mark_as_ddcase,
)
from ddcase.storage.files import (
    SIDE_FILES,
    cannot_unlock,
    connect_read_only,
    database_errors,
    fsync_file,
    fsync_folder,
    held_elsewhere,
    held_while_running,
    inspect_file,
    instance_lock,
    integrity_check,
    make_private_folder,
    protect,
    quick_check,
    read_only_engine,
    read_only_uri,
    remove_file,
    replace_file,
    unlocks,
)
from ddcase.storage.location import refuse_unsafe_place
from ddcase.storage.opening import DamagedDatabaseError, OpeningCheck, recorded_size
from ddcase.storage.schema import is_current

log = logging.getLogger(__name__)

KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_OTHER = 4
OTHER_KINDS = ("pre-migration", "pre-restore", "pre-encryption")


class BackupError(StorageError):
    """A backup could not be made, checked or restored; the message says why."""


class BackupNotAvailable(DomainError):
    """Backups of a database on a server are the server's job."""


SERVER_MESSAGE = (
    "This is a team database on a PostgreSQL server: backing it up and restoring it are the "
    "server's job (pg_dump, run by your trust's IT). ddcase backs up its own SQLite files only."
)


@dataclass(frozen=True, slots=True)
class RestoreResult:
    restored_from: Path
    set_aside: Path | None
    safety_backup: BackupFile | None
    audit_entries: int
    audit_intact: bool

    def __str__(self) -> str:
        lines = [f"Restored the database from {self.restored_from}."]
        if self.set_aside is not None:
            lines.append(f"The file it replaced was kept as {self.set_aside}.")
        if self.safety_backup is not None:
            lines.append(f"A verified backup of it is {self.safety_backup.path}.")
        trail = "unbroken" if self.audit_intact else "BROKEN (run `ddcase check`)"
        lines.append(f"Audit trail: {self.audit_entries} entries, {trail}.")
        return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- files


def newest_verified(db_path: Path, key: DatabaseKey | None = None) -> BackupFile | None:
    """The newest backup that still passes every check now (an encrypted one with `key`)."""
    for candidate in list_backups(db_path):
        try:
            verify_backup(candidate.path, key)
        except DomainError:
            continue
        return candidate
    return None


def verify_backup(path: Path, key: DatabaseKey | None = None, *, shown_as: str | None = None) -> str:
    """A backup is usable when it is an SQLite file that passes integrity_check and holds a
    ddcase database this version can open (not a newer one). Returns its schema revision.
    An encrypted backup is read with `key` (a plain one ignores it). Messages name the file
    `shown_as` (a restore checks its own copy of the user's file, but names the user's file)."""
    name = shown_as or path.name
    if not path.is_file():
        raise BackupError(f"There is no file {shown_as or path}.")
    key = key_for_file(path, key)
    problems = integrity_check(path, key)
    if problems != ["ok"]:
        raise BackupError(f"{name} is damaged or is not a database ({'; '.join(problems[:3])}).")
    from ddcase.storage.migrations import plan  # Alembic: loaded only when needed
    from ddcase.storage.schema import SchemaError

    engine = read_only_engine(path, key)
    try:
        todo = plan(engine)
        if todo.current is None:
            raise BackupError(f"{name} is an empty database, not a ddcase backup.")
        found = shape.engine_problems(engine)
    except SchemaError as error:
        raise BackupError(f"{name}: {error}") from error
    finally:
        engine.dispose()
    if found:
        raise BackupError(shape.shape_message(name, found))
    return todo.current


def key_for_file(path: Path, key: DatabaseKey | None) -> DatabaseKey | None:
    """The key to read `path` with: None for a plain file; `key` for an encrypted one, which
    must open it (else CannotUnlockError, and the file is untouched)."""
    if cipher.is_plain(path):
        return None
    if key is None:
        raise cannot_unlock(path, "it is encrypted and there is no key for it here.")
    if not unlocks(path, key):
        raise cannot_unlock(path, "the database's key does not open it (it was encrypted with another key).")
    return key


def copy_database(
    source: Path, target: Path, key: DatabaseKey | None = None, *, source_key: DatabaseKey | None = None
) -> None:
    """Copy a database, live or not, into a new single file (rollback journal, no -wal), flushed
    to disk. `target` must not exist. With `key` the copy is encrypted with it; `source_key`
    reads an encrypted source. Same key (or none): SQLite's online backup API. A plain source
    into an encrypted copy: SQLCipher's sqlcipher_export. An encrypted source is never copied
    into a plain file."""
    if target.exists():
        raise BackupError(f"{target} already exists; choose another name.")
    if source_key is not None and key is None:
        raise BackupError("An encrypted database is only ever copied into an encrypted file.")
    make_private_folder(target.parent)
    try:
        if key is not None and source_key is None:
            export_encrypted(source, target, key)
        else:
            src = connect_read_only(source, source_key)
            try:
                dst = sqlite3.connect(target) if key is None else cipher.connect(str(target), key)
                try:
                    src.backup(dst)
                    dst.execute("PRAGMA journal_mode = DELETE")
                finally:
                    dst.close()
            finally:
                src.close()
        protect(target)
        fsync_file(target)
    except database_errors(sqlite3.Error, OSError) as error:
        remove_file(target)
        raise BackupError(_describe(error, "the copy was not made")) from error
    except BaseException:
        remove_file(target)
        raise


def export_encrypted(source: Path, target: Path, key: DatabaseKey) -> None:
    """A plain database copied into a new file encrypted with `key`: SQLCipher's
    sqlcipher_export (schema, rows, triggers) through a read-only connection to the source.
    The header's user_version and application_id are carried over too."""
    conn = cipher.connect(read_only_uri(source), None, uri=True)
    mark_as_ddcase(conn)  # the copy's rows go in through ddcase's own connection (revision 0008)
    try:
        conn.execute(
            "ATTACH DATABASE ? AS encrypted KEY ?", (f"{target.resolve().as_uri()}?mode=rwc", key.pragma)
        )
        try:
            conn.execute("SELECT sqlcipher_export('encrypted')").fetchall()
            for pragma in ("user_version", "application_id"):
                value = int(conn.execute(f"PRAGMA main.{pragma}").fetchone()[0])
                conn.execute(f"PRAGMA encrypted.{pragma} = {value}")
        finally:
            conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()


def make_backup(
    db_path: Path,
    target: Path | None = None,
    *,
    kind: str = "manual",
    now: datetime,
    key: DatabaseKey | None = None,
) -> BackupFile:
    """Back the database up to `target` (default: the backups folder), check the copy, and only
    then give it its name. A copy that fails its check is deleted and the error raised. An
    encrypted database (read with `key`) gives a backup encrypted with the same key."""
    if not db_path.exists():
        raise BackupError(f"There is no database at {db_path} to back up.")
    if target is None:
        folder = make_private_folder(backups_folder(db_path))
        target = _free_name(folder, f"{db_path.stem}-{now.strftime(_STAMP)}-{kind}")
    elif target.exists():
        raise BackupError(f"{target} already exists; choose another name.")
    _check_free_space(db_path, target.parent)
    key = key_for_file(db_path, key)
    try:
        with backup_under_way(target) as partial:
            copy_database(db_path, partial, key, source_key=key)
            verify_backup(partial, key)
            replace_file(partial, target)
            fsync_folder(target.parent)
    except OSError as error:
        raise BackupError(_describe(error, "the backup was not made")) from error
    log.info("backup made (%s, %d bytes)", kind, target.stat().st_size)
    return BackupFile(target, now.replace(tzinfo=None, microsecond=0), kind, target.stat().st_size)


@contextmanager
def backup_under_way(target: Path) -> Iterator[Path]:
    """The copy for `target` is written to `<target>.partial` (SQLite's journal beside it is
    `.partial-journal`) while `<target>.partial-lock` is held. Whatever happens, all of them are
    gone at the end: a failed backup leaves no copy of the records behind. A killed one leaves
    them to `remove_partial_copies`, which the next start-up, rotation and purge call."""
    partial = target.with_name(target.name + ".partial")
    lock = target.with_name(target.name + ".partial-lock")
    if held_elsewhere(lock):
        raise BackupError(f"Another backup to {target} is under way; try again when it has finished.")
    _remove_partial_files(target)
    try:
        with held_while_running(lock):
            try:
                yield partial
            finally:
                _remove_partial_files(target, but_the_lock=True)
    finally:
        remove_file(lock)


def _remove_partial_files(target: Path, *, but_the_lock: bool = False) -> None:
    for suffix in (".partial", ".partial-journal", ".partial-wal", ".partial-shm"):
        remove_file(target.with_name(target.name + suffix))
    if not but_the_lock:
        remove_file(target.with_name(target.name + ".partial-lock"))


def remove_partial_copies(folder: Path) -> list[Path]:
    """Delete the partial copies (and their journals) that killed backups left in `folder`,
    but never those of a backup still under way in another process. Returns what was deleted."""
    if not folder.is_dir():
        return []
    removed = []
    for path, target in partial_copies(folder):
        if held_elsewhere(folder / f"{target}.partial-lock"):
            continue
        remove_file(path)
        removed.append(path)
    if removed:
        log.info("removed %d partial backup files left by a backup that did not finish", len(removed))
    return removed


def rotate(db_path: Path, key: DatabaseKey | None = None) -> list[Path]:
    """Keep the newest daily/manual backup of each of the last 7 days and of each of the last 4
    ISO weeks, and the last 4 pre-migration and pre-restore backups; delete the rest (and any
    partial copy left by a crash). Never the last backup that held records: when none of those
    kept holds a client (a log emptied and used afresh for weeks), the newest that does is kept
    too. Returns what was deleted."""
    backups = list_backups(db_path)
    keep: set[Path] = set()
    days: set[object] = set()
    weeks: set[object] = set()
    for backup in (b for b in backups if b.kind in ROTATED_KINDS):
        day = backup.made_at.date()
        week = backup.made_at.isocalendar()[:2]
        if day not in days and len(days) < KEEP_DAILY:
            days.add(day)
            keep.add(backup.path)
        if week not in weeks and len(weeks) < KEEP_WEEKLY:
            weeks.add(week)
            keep.add(backup.path)
    for kind in OTHER_KINDS:
        keep.update(b.path for b in [b for b in backups if b.kind == kind][:KEEP_OTHER])
    removed = [b.path for b in backups if b.path not in keep]
    if removed and not any(_holds_records(b.path, key) for b in backups if b.path in keep):
        for path in removed:  # newest first
            if _holds_records(path, key):
                removed.remove(path)
                break
    for path in removed:
        remove_file(path)
    return removed + remove_partial_copies(backups_folder(db_path))


def _holds_records(path: Path, key: DatabaseKey | None) -> bool:
    """Whether a backup holds at least one client; a backup that cannot be read counts as one
    that does (rotation keeps what it cannot judge)."""
    try:
        conn = connect_read_only(path, key_for_file(path, key))
        try:
            clients: int = conn.execute("SELECT count(*) FROM client").fetchone()[0]
            return clients > 0
        finally:
            conn.close()
    except database_errors(DomainError):
        return True


class EmptiedDatabaseError(StorageError):
    """The log is 0 bytes long, though it held records: it was emptied, not made new."""


def refuse_emptied(db_path: Path, key: DatabaseKey | None = None) -> None:
    """A log of 0 bytes whose stamp says it held data, or with backups beside it, was emptied
    (a sync tool, a failed copy): it is refused, never taken as a new empty log, and the newest
    verified backup is named."""
    try:
        if not db_path.is_file() or db_path.stat().st_size != 0:
            return
    except OSError:
        return
    held = recorded_size(db_path)
    backups = list_backups(db_path)
    if not held and not backups:
        return  # an empty file made on purpose for a new log
    why = (
        f"it held {held // 1024} KiB when ddcase last closed it"
        if held
        else f"backups of it are in {backups_folder(db_path)}"
    )
    newest = newest_verified(db_path, key)
    if newest is not None:
        way = f'Restore the newest verified backup with:\n  ddcase restore "{newest.path}"'
    else:
        way = "No verified backup was found; keep the file and ask IT to look for a copy."
    raise EmptiedDatabaseError(
        f"The database file {db_path} is empty (0 bytes), but {why}: something emptied it (a "
        "sync tool, a failed copy). ddcase has not taken it as a new log and has changed "
        f"nothing. {way}"
    )


def daily_backup(db_path: Path, now: datetime, key: DatabaseKey | None = None) -> BackupFile | None:
    """The first start-up of a day backs the database up (unless a manual backup was made that
    day); later ones only list the folder."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    today = now.date()
    if backed_up_today(db_path, today):
        return None
    backup = make_backup(db_path, kind="daily", now=now, key=key)
    rotate(db_path, key)
    return backup


def backup_before_migration(engine: Engine, now: datetime) -> BackupFile | None:
    """Before a schema upgrade of an existing database, a verified backup; without one the
    upgrade does not start."""
    path = engine_path(engine)
    if path is None or not path.exists() or path.stat().st_size == 0:
        return None
    if is_current(engine):  # nothing to migrate, and no need to load Alembic to know it
        return None
    from ddcase.storage.migrations import plan

    todo = plan(engine)
    if not todo.needed or todo.current is None:
        return None
    try:
        backup = make_backup(path, kind="pre-migration", now=now, key=engine_key(engine))
    except BackupError as error:
        raise BackupError(
            f"ddcase needs to upgrade this database but could not back it up first, "
            f"so nothing was changed: {error}"
        ) from error
    rotate(path, engine_key(engine))
    return backup


def check_before_opening(
    db_path: Path, key: DatabaseKey | None = None, *, trust_recent_check: bool = False
) -> OpeningCheck:
    """inspect_file, and for a damaged file the way forward: the newest verified backup. A file
    unchanged since ddcase last closed it cleanly gets its check started in the background
    (storage/opening.py); the caller makes writes and output wait for it. With
    `trust_recent_check` (a command that only reads), a whole check that passed on exactly this
    file within the last 12 hours stands (docs/decisions.md)."""
    refuse_emptied(db_path, key)
    try:
        check = inspect_file(db_path, key, unchanged_may_wait=True, trust_recent_check=trust_recent_check)
    except DamagedDatabaseError as error:
        raise with_way_forward(db_path, error, key) from error
    if not check.finished:
        check.start(explain=lambda e: with_way_forward(db_path, e, key))
    return check


def with_way_forward(
    db_path: Path, error: DamagedDatabaseError, key: DatabaseKey | None = None
) -> DamagedDatabaseError:
    newest = newest_verified(db_path, key)
    if newest is not None:
        hint = f' Restore the newest verified backup with:\n  ddcase restore "{newest.path}"'
    else:
        hint = (
            f" No verified backup was found in {backups_folder(db_path)}. Keep the file, and ask "
            "IT to salvage a COPY of it (sqlite3's .recover command)."
        )
    return DamagedDatabaseError(f"{error}{hint}")


def restore(
    db_path: Path, source: Path, *, now: datetime, user: str | None = None, key: DatabaseKey | None = None
) -> RestoreResult:
    """SPEC §4 `ddcase restore FILE`. The backup is copied (backup API) into a temporary file
    beside the database and checked there; the current file, if any, gets a verified backup
    and is kept aside as `<name>.before-restore-<timestamp>` with its -wal/-shm (which must
    never meet the new file); then one atomic rename puts the restored file in place, so the
    database path always holds a whole database, old or new.

    Encryption: `key` is the database's key. An encrypted database stays encrypted (a plaintext
    backup is restored into an encrypted file); an encrypted backup is restored encrypted."""
    source = source.expanduser().resolve()
    db_path = db_path.resolve()
    refuse_unsafe_place(db_path)
    if source == db_path:
        raise BackupError("That is the database itself; choose a backup file.")
    if not source.is_file():
        raise BackupError(f"There is no file {source}.")
    stamp = now.strftime(_STAMP)
    folder = make_private_folder(db_path.parent)
    source_key = key_for_file(source, key)
    current_encrypted = not cipher.is_plain(db_path)
    if current_encrypted and key is None:
        raise cannot_unlock(db_path, "it is encrypted and there is no key for it here.")
    target_key = key if (current_encrypted or source_key is not None) else None
    with instance_lock(db_path):
        temp = folder / f".{db_path.name}.restoring-{stamp}"
        remove_file(temp)
        try:
            try:
                copy_database(source, temp, target_key, source_key=source_key)
            except BackupError as error:
                raise BackupError(f"{source.name} cannot be restored: {error}") from error
            verify_backup(temp, target_key, shown_as=source.name)
            safety, aside = _set_current_aside(db_path, stamp, now, key if current_encrypted else None)
            replace_file(temp, db_path)
            fsync_folder(folder)
        finally:
            remove_file(temp)
    from ddcase.storage.migrations import migrate

    engine = make_engine(f"sqlite:///{db_path}", key=target_key)
    keeper = keeper_for_file(db_path)
    try:
        migrate(engine)  # a backup from an older version is brought up to date
        with Database(engine, keeper).write() as session:
            audit.append(
                session,
                action="restore",
                entity="database",
                key=None,
                after={
                    "from": source.name,
                    "set_aside": aside.name if aside else None,
                    "safety_backup": safety.path.name if safety else None,
                },
                app_user=user,
            )
            chain = audit.verify(session)
            restored_head = audit.head(session)
    finally:
        engine.dispose()
    # A restore shortens the trail on purpose: the witness starts again from the restored
    # trail's head, and keeps a note of what it had seen before.
    old = keeper.witness()
    if restored_head is not None:
        note = f"{now.isoformat(timespec='seconds')}: restored from {source.name}"
        if old is not None:
            note += f" (#{old.seq} had been seen on {old.seen_at[:10]})"
        keeper.saw(*restored_head, at=now, note=note)
    protect(db_path)
    log.info("database restored from a backup")
    return RestoreResult(source, aside, safety, chain.entries, chain.intact)


def _set_current_aside(
    db_path: Path, stamp: str, now: datetime, key: DatabaseKey | None = None
) -> tuple[BackupFile | None, Path | None]:
    """Back up the current database if it is sound, then keep it (and its -wal/-shm) under
    another name. Nothing is deleted."""
    exists = db_path.exists() and db_path.stat().st_size > 0
    safety = None
    if exists and quick_check(db_path, key) == ["ok"]:
        try:
            safety = make_backup(db_path, kind="pre-restore", now=now, key=key)
        except BackupError as error:
            if "disk is full" in str(error):
                raise
            log.warning("no pre-restore backup: %s", type(error.__cause__).__name__)
        _checkpoint(db_path, key)
    aside = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
    n = 2
    while any(Path(f"{aside}{s}").exists() for s in ("", *SIDE_FILES)):
        aside = db_path.with_name(f"{db_path.name}.before-restore-{stamp}-{n}")
        n += 1
    # The old -wal/-shm go first: SQLite would replay a leftover -wal into the new file.
    for suffix in SIDE_FILES:
        side = Path(f"{db_path}{suffix}")
        if side.exists():
            replace_file(side, f"{aside}{suffix}")
    if not exists:
        return None, None
    try:
        os.link(db_path, aside)
    except OSError:  # no hard links here (FAT, some shares): the file is quiet, so copy it
        shutil.copy2(db_path, aside)
    return safety, aside


def _checkpoint(db_path: Path, key: DatabaseKey | None = None) -> None:
    """Move committed pages from the -wal into the file, the normal way (best effort)."""
    try:
        conn = sqlite3.connect(db_path, timeout=5) if key is None else cipher.connect(str(db_path), key)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except database_errors():
        pass


def _check_free_space(db_path: Path, folder: Path) -> None:
    size = db_path.stat().st_size
    wal = Path(f"{db_path}-wal")
    if wal.exists():
        size += wal.stat().st_size
    make_private_folder(folder)
    free = shutil.disk_usage(folder).free
    if free < 2 * size:
        raise BackupError(
            f"The disk is full: the backup was not made (it needs about {2 * size // 1024} KiB "
            f"free in {folder}, and {free // 1024} KiB are free)."
        )


def _free_name(folder: Path, base: str) -> Path:
    target = folder / f"{base}.sqlite3"
    n = 2
    while target.exists() or any(folder.glob(f"{glob.escape(target.name)}.partial*")):
        target = folder / f"{base}-{n}.sqlite3"
        n += 1
    return target


def _describe(error: BaseException, what: str) -> str:
    text = str(error).lower()
    if "full" in text or getattr(error, "errno", None) == 28:
        return f"The disk is full: {what}. Free some space and try again."
    if "readonly" in text or "read-only" in text or isinstance(error, PermissionError):
        return f"ddcase may not write there: {what}."
    if "not a database" in text or "malformed" in text:
        return f"it is damaged or is not a database; {what}."
    if isinstance(error, BackupError):
        return str(error)
    return f"{error}; {what}."


# ---------------------------------------------------------------------- the service


class BackupService:
    """Backups for the app and the command line; every backup and restore is audited."""

    def __init__(self, context: Context, *, clock: Callable[[], datetime] | None = None) -> None:
        self._context = context
        self._db = context.db
        self._clock = clock or (lambda: context.now().astimezone())

    @property
    def available(self) -> bool:
        """False for a team database on a server (the File menu hides Backup/Restore)."""
        return self._db.path is not None

    @property
    def folder(self) -> Path:
        return backups_folder(self._path())

    def backups(self) -> list[BackupFile]:
        return list_backups(self._path())

    def newest_verified(self) -> BackupFile | None:
        return newest_verified(self._path(), self._db.key)

    def backup(self, to: Path | None = None) -> BackupFile:
        """`ddcase backup [--to FILE]` and File > Back up now."""
        path = self._path()
        made = make_backup(
            path,
            None if to is None else to.expanduser().resolve(),
            kind="manual",
            now=self._clock(),
            key=self._db.key,
        )
        self._record(made)
        if to is None:
            rotate(path, self._db.key)
        return made

    def daily(self) -> BackupFile | None:
        """Once a day at start-up; cheap when today's backup exists."""
        made = daily_backup(self._path(), self._clock(), self._db.key)
        if made is not None:
            self._record(made)
        return made

    def after_start_up(self, pre_migration: BackupFile | None, *, daily: bool = True) -> str | None:
        """At start-up, after migrating: record the pre-migration backup, make the file
        owner-only, and take the day's backup (`daily=False`: the caller takes it later, as the
        app does once its window shows). Returns a problem to show, or None; a failed daily
        backup never stops the app from opening."""
        if not self.available:
            return None
        protect(self._path())
        try:
            remove_partial_copies(self.folder)  # what a killed backup left
        except OSError as error:
            log.warning("partial backup files could not be removed: %s", type(error).__name__)
        if pre_migration is not None:
            self._record(pre_migration)
        if not daily:
            return None
        try:
            self.daily()
        except database_errors(DomainError, OSError) as error:
            log.warning("the daily backup was not made: %s", type(error).__name__)
            return f"Today's backup was not made: {error}"
        return None

    def restore(self, source: Path) -> RestoreResult:
        """File > Restore: closes this database's connections first; the caller reopens the
        services afterwards (the old ones must not be used again)."""
        path = self._path()
        key = self._db.key
        self._db.dispose()
        return restore(path, source, now=self._clock(), user=self._context.user, key=key)

    def _record(self, made: BackupFile) -> None:
        with self._db.write() as session:
            audit_change(
                self._context,
                session,
                action="backup",
                entity="database",
                key=None,
                after={"file": made.path.name, "kind": made.kind, "bytes": made.size},
            )

    def _path(self) -> Path:
        path = self._db.path
        if path is None:
            raise BackupNotAvailable(SERVER_MESSAGE)
        return path
