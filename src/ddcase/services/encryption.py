"""Encryption at rest (docs/data-protection.md, "Database encryption"): where a database's key is
found, the recovery file, and `ddcase encrypt`, which turns a plain database into an encrypted one
all or nothing.

Where the key lives. One random 256-bit key per database, in the operating system's keystore
(Windows Credential Manager, macOS Keychain, the Secret Service on Linux) through `keyring`, under
the service name "ddcase" and the database file's full resolved path as the user name. The path
was chosen over an identifier kept in a plain file beside the database: a sidecar file can be lost
or copied apart from the database just as easily, and the path needs nothing else on disk. Moving
or renaming the file therefore needs its recovery file once (`--key-file`, or the app's "Use a
recovery key file..."), which `ddcase import-key` can then put in the keystore under the new path.

Where else a key can come from, first match wins: a key file given in this process (`--key-file`,
the app's recovery dialog), the file named by $DDCASE_KEY_FILE, the keystore. A computer with no
keystore (headless Linux: keyring's "fail" backend) can still use an encrypted database through a
key file.

No key, and no part of one, is ever logged, put in an exception's text or an audit entry.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import ModuleType

from ddcase.domain import DomainError
from ddcase.domain.times import date_time_text
from ddcase.services.backup import (
    BackupError,
    BackupFile,
    backups_folder,
    copy_database,
    list_backups,
    make_backup,
    rotate,
    verify_backup,
)
from ddcase.services.base import Context, audit_change
from ddcase.services.trail import keeper_for_file
from ddcase.storage import audit, cipher
from ddcase.storage.cipher import EXTRA_MESSAGE, Connection, DatabaseKey
from ddcase.storage.database import Database, make_engine
from ddcase.storage.files import (
    SIDE_FILES,
    CannotUnlockError,
    cannot_unlock,
    database_errors,
    fsync_file,
    fsync_folder,
    instance_lock,
    integrity_check,
    make_private_folder,
    protect,
    read_only_engine,
    read_only_uri,
    remove_file,
    replace_file,
    unlocks,
    write_private,
)

log = logging.getLogger(__name__)

KEYRING_SERVICE = "ddcase"
KEY_FILE_ENV = "DDCASE_KEY_FILE"
_STAMP = "%Y%m%dT%H%M%S"
PLAIN_ASIDE = ".plain-before-encryption-"

# Keys given in this process (--key-file, the app's dialog), by the database's resolved path.
_given: dict[Path, DatabaseKey] = {}


class EncryptionError(DomainError):
    """Encrypting (or finding a key) did not happen; the message says why and what is unchanged."""


class KeystoreUnavailable(EncryptionError):
    """This computer has no keystore ddcase can use (or it refused)."""


# ---------------------------------------------------------------------- finding the key


def read_key_file(key_file: Path) -> DatabaseKey:
    """The key in a recovery file (or in a file holding only the 64 hexadecimal digits)."""
    key_file = key_file.expanduser()
    try:
        text = key_file.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise EncryptionError(f"There is no key file {key_file}.") from None
    except OSError as error:
        raise EncryptionError(f"The key file {key_file} could not be read ({error.strerror}).") from None
    key = DatabaseKey.find_in(text)
    if key is None:
        raise EncryptionError(
            f"{key_file} holds no ddcase database key: choose the recovery file made by `ddcase encrypt` "
            "or `ddcase export-key`."
        )
    return key


def give_key_file(db_path: Path, key_file: Path) -> DatabaseKey:
    """Use the key in `key_file` for this database for the rest of this process."""
    key = read_key_file(key_file)
    _given[db_path.resolve()] = key
    return key


def forget_given_keys() -> None:
    _given.clear()


def _keyring() -> ModuleType:
    """The keyring module (an optional extra), imported only when a keystore is asked."""
    try:
        import keyring
    except ImportError:
        raise KeystoreUnavailable(EXTRA_MESSAGE) from None
    return keyring


def _keystore_problem(error: BaseException) -> KeystoreUnavailable:
    name = type(error).__name__
    if name == "NoKeyringError":
        why = "this computer has no keystore ddcase can use (common on Linux without a desktop session)"
    else:
        why = f"the keystore refused ({name})"
    log.warning("keystore not usable: %s", name)
    return KeystoreUnavailable(
        f"The key could not be kept in or read from the keystore: {why}. Give the key with "
        f"--key-file FILE (or ${KEY_FILE_ENV}) using the database's recovery file."
    )


def keystore_key(db_path: Path) -> DatabaseKey | None:
    """The key kept in the keystore for this database, or None if there is none.
    Raises KeystoreUnavailable when there is no keystore to ask."""
    keyring = _keyring()
    try:
        text: str | None = keyring.get_password(KEYRING_SERVICE, str(db_path.resolve()))
    except Exception as error:  # NoKeyringError, KeyringLocked, D-Bus errors...
        raise _keystore_problem(error) from None
    if not text:
        return None
    try:
        return DatabaseKey(text)
    except ValueError:
        log.warning("the keystore entry for a database is not a key")
        return None


def store_in_keystore(db_path: Path, key: DatabaseKey) -> None:
    keyring = _keyring()
    try:
        keyring.set_password(KEYRING_SERVICE, str(db_path.resolve()), key.hex)
    except Exception as error:
        raise _keystore_problem(error) from None


def known_key(db_path: Path) -> DatabaseKey | None:
    """The key at hand for this database, without checking it opens anything: one given in this
    process, then $DDCASE_KEY_FILE, then the keystore. None when there is none (or no keystore)."""
    given = _given.get(db_path.resolve())
    if given is not None:
        return given
    from_env = os.environ.get(KEY_FILE_ENV)
    if from_env:
        return read_key_file(Path(from_env))
    try:
        return keystore_key(db_path)
    except KeystoreUnavailable:
        return None


def key_for(db_path: Path) -> DatabaseKey | None:
    """The key to open this database with: None for a plain (or new) file; for an encrypted one
    the key at hand, or CannotUnlockError saying how to give it. The file is never changed."""
    if cipher.is_plain(db_path):
        return None
    if not cipher.available():
        raise cannot_unlock(
            db_path,
            f"it is not a plain SQLite file, so it may be an encrypted ddcase database. {EXTRA_MESSAGE}",
        )
    key = known_key(db_path)
    if key is not None:
        return key
    try:
        keystore_key(db_path)
        keystore = "the keystore has no key for it"
    except KeystoreUnavailable:
        keystore = "this computer has no keystore ddcase can use"
    raise cannot_unlock(
        db_path,
        f"it is encrypted (or is not a database at all), and {keystore}. If it is an encrypted ddcase "
        "database, give its recovery key file: `ddcase --key-file FILE ...` on the command line, or "
        '"Use a recovery key file..." in the app.',
    )


def check_key(db_path: Path, key: DatabaseKey) -> None:
    if not unlocks(db_path, key):
        raise cannot_unlock(db_path, "the key given does not open it (it is the wrong key).")


# ---------------------------------------------------------------------- the recovery file

_RECOVERY_TEXT = """\
ddcase RECOVERY KEY - keep this file safe and secret

This file unlocks the encrypted ddcase database
    {path}
It was written on {when}.

Anyone who has this file and a copy of the database can read every record in it. The team
manager should keep it where the team keeps other secrets (for example the trust's password
manager, or printed in a sealed envelope in a locked cabinet): never beside the database, in
email, or on a shared or synced drive. Then delete this copy from the computer.

ddcase keeps the key in this computer's keystore and does not need this file day to day. Without
the keystore's copy (a new computer or user account, a reset profile, the database moved or
renamed) the database opens only with this file:
    command line:  ddcase --key-file "THIS FILE" ...
    desktop app:   "Use a recovery key file..." when it says it cannot unlock the database
If this file and the keystore's copy are both lost, nobody can read the records again.

key: {key}
"""


def write_recovery_file(target: Path, db_path: Path, key: DatabaseKey, now: datetime) -> Path:
    """The recovery file, owner-only (0600), written atomically."""
    target = target.expanduser().resolve()
    if target == db_path.resolve() or target.parent == backups_folder(db_path.resolve()):
        raise EncryptionError("Keep the recovery file away from the database and its backups.")
    if target.exists():
        raise EncryptionError(
            f"{target} already exists; choose another name. Nothing was changed. (A file left by an "
            "interrupted `ddcase encrypt` unlocks nothing and can be deleted.)"
        )
    make_private_folder(target.parent)
    text = _RECOVERY_TEXT.format(path=db_path.resolve(), when=date_time_text(now, zone=True), key=key.hex)
    try:
        write_private(target, text.encode("utf-8"))
    except OSError as error:
        raise EncryptionError(
            f"The recovery file {target} could not be written ({error.strerror}); nothing was changed."
        ) from None
    return target


# ---------------------------------------------------------------------- encrypting a database


@dataclass
class EncryptionResult:
    path: Path
    recovery_file: Path | None
    in_keystore: bool
    already_encrypted: bool = False
    backup: BackupFile | None = None
    rewritten: list[Path] = field(default_factory=list)
    still_plain: list[Path] = field(default_factory=list)
    audit_entries: int = 0
    audit_intact: bool = True

    def __str__(self) -> str:
        if self.already_encrypted:
            lines = [f"{self.path} was already encrypted."]
        else:
            lines = [
                f"{self.path} is now encrypted (SQLCipher, 256-bit key). The plaintext file was deleted."
            ]
        if self.in_keystore:
            lines.append(f'The key is in this computer\'s keystore (service "{KEYRING_SERVICE}").')
        elif not self.already_encrypted:
            lines.append(
                "The key was NOT put in a keystore: every use needs --key-file with the recovery file "
                f"(or ${KEY_FILE_ENV} naming it)."
            )
        if self.recovery_file is not None:
            lines.append(
                f"Recovery file: {self.recovery_file}. Give it to the team manager to keep safe and "
                "secret, away from the database; without it, a lost keystore means the records are lost."
            )
        if self.rewritten:
            lines.append(
                f"{len(self.rewritten)} plaintext backup(s) and kept-aside copies were re-written encrypted."
            )
        if self.still_plain:
            lines.append(
                "These copies are still plaintext (damaged or unreadable); delete them when no longer needed:"
            )
            lines += [f"  {p}" for p in self.still_plain]
        if not self.already_encrypted:
            trail = "unbroken" if self.audit_intact else "BROKEN (run `ddcase check`)"
            lines.append(f"Audit trail: {self.audit_entries} entries, {trail}.")
        lines.append(
            "Copies made elsewhere (backup --to, CSV exports, PDF reports) are not changed: "
            "delete or protect them yourself."
        )
        return "\n".join(lines) + "\n"


def _step(name: str) -> None:
    """A point between the conversion's steps (the kill test pauses here; nothing in the app)."""


def encrypt_database(
    db_path: Path,
    recovery_file: Path,
    *,
    now: datetime,
    use_keystore: bool = True,
    user: str | None = None,
) -> EncryptionResult:
    """`ddcase encrypt`: turn a plain database into an encrypted one, all or nothing.

    Under the instance lock, with every other writer held off by an open write transaction: a
    verified plaintext backup first (re-written encrypted at the end); a new key; sqlcipher_export
    into a temporary file beside the database; the copy checked (integrity_check and SQLCipher's
    page check, the same schema and the same number of rows in every table, the audit chain);
    the audit entry added to the copy; the recovery file written and the key stored in the
    keystore; then one atomic rename. Killed at any point, the database path holds the old plain
    file or the new encrypted one, whole. After the rename the encrypted file is checked once
    more and only then is the plain file removed; every plaintext backup is re-written encrypted.
    An already encrypted database only gets its leftover plaintext copies re-written."""
    if not cipher.available():
        raise EncryptionError(EXTRA_MESSAGE)
    db_path = db_path.resolve()
    if not db_path.exists() or db_path.stat().st_size == 0:
        raise EncryptionError(f"There is no database at {db_path} to encrypt.")
    if not cipher.is_plain(db_path):
        key = known_key(db_path)
        if key is None:
            raise cannot_unlock(db_path, "it is already encrypted and there is no key for it here.")
        check_key(db_path, key)
        with instance_lock(db_path):
            _remove_leftovers(db_path)
            result = EncryptionResult(db_path, None, False, already_encrypted=True)
            _rewrite_plain_copies(db_path, key, result)
        return result
    if recovery_file.expanduser().exists():
        raise EncryptionError(f"{recovery_file} already exists; choose another name. Nothing was changed.")
    if use_keystore:  # find out before anything is done, not after
        try:
            _keyring()
            keystore_key(db_path)
        except KeystoreUnavailable as error:
            raise EncryptionError(
                f"{error} Nothing was changed. To encrypt anyway and give the key from the recovery "
                "file every time, add --no-keystore."
            ) from None
    folder = db_path.parent
    stamp = now.strftime(_STAMP)
    temp = folder / f".{db_path.name}.encrypting-{stamp}"
    with instance_lock(db_path):
        _remove_leftovers(db_path)
        _step("locked")
        backup = make_backup(db_path, kind="pre-encryption", now=now)
        rotate(db_path)
        _step("backed up")
        key = DatabaseKey.generate()
        held = _hold_writers(db_path)
        hold: Connection | None = held  # None once _swap has closed it
        written: Path | None = None
        try:
            _remove_with_sides(temp)
            try:
                counts = _export(db_path, temp, key)
                _same_rows(temp, key, counts)
                _step("exported")
                entries, intact = _record(db_path, temp, key, backup, recovery_file, use_keystore, user, now)
                _step("recorded")
                counts = _verify_copy(temp, key, counts)
                _settle(temp, key)
                fsync_file(temp)
                _step("verified")
                written = write_recovery_file(recovery_file, db_path, key, now)
                if use_keystore:
                    store_in_keystore(db_path, key)
                _step("key kept")
                aside = _swap(db_path, temp, held, stamp)
                hold = None
                _step("renamed")
            except BaseException:
                _remove_with_sides(temp)
                _forget_recovery_file(written)
                raise
        finally:
            if hold is not None:
                hold.close()
        try:
            _verify_in_place(db_path, key, counts)
        except BaseException:
            _undo_swap(db_path, aside)
            _forget_recovery_file(written)
            raise
        _remove_with_sides(aside)
        fsync_folder(folder)
        _step("plain removed")
        result = EncryptionResult(db_path, written, use_keystore, backup=backup)
        result.audit_entries, result.audit_intact = entries, intact
        _rewrite_plain_copies(db_path, key, result)
        _step("done")
    protect(db_path)
    log.info(
        "database encrypted (%d copies re-written, %d left plain)",
        len(result.rewritten),
        len(result.still_plain),
    )
    return result


def _forget_recovery_file(written: Path | None) -> None:
    """A recovery file for a conversion that did not happen unlocks nothing: it goes."""
    if written is not None:
        with contextlib.suppress(OSError):
            remove_file(written)


def _hold_writers(db_path: Path) -> Connection:
    """An open write transaction on the plain file: no other process can commit until it ends,
    so the copy is of the latest data. Its -wal is emptied into the file first."""
    # Through sqlcipher3, like every other connection to the file during the conversion: two
    # SQLite libraries in one process would drop each other's POSIX locks on the same file.
    conn: Connection = cipher.connect(str(db_path), None)
    conn.isolation_level = None
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise EncryptionError(
                "Another program is using the database (a command still running?), so it was not "
                "encrypted; nothing was changed. Close it and try again."
            )
        conn.execute("BEGIN IMMEDIATE")
    except cipher.dbapi().OperationalError:
        conn.close()
        raise EncryptionError(
            "Another program is writing to the database, so it was not encrypted; nothing was "
            "changed. Close it and try again."
        ) from None
    except BaseException:
        conn.close()
        raise
    return conn


def _export(db_path: Path, temp: Path, key: DatabaseKey) -> dict[str, int]:
    """sqlcipher_export into `temp`; returns the source's row count per table."""
    copy_database(db_path, temp, key)
    conn = cipher.connect(read_only_uri(db_path), None, uri=True)
    try:
        return _row_counts(conn)
    finally:
        conn.close()


def _row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {name: int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]) for name in names}


def _rows_of(path: Path, key: DatabaseKey) -> dict[str, int]:
    conn = cipher.connect(read_only_uri(path), key, uri=True)
    try:
        return _row_counts(conn)
    finally:
        conn.close()


def _same_rows(temp: Path, key: DatabaseKey, counts: dict[str, int]) -> None:
    """The copy has the same tables as the source, with the same number of rows in each."""
    got = _rows_of(temp, key)
    if got != counts:
        differ = sorted(n for n in set(got) | set(counts) if got.get(n) != counts.get(n))
        raise EncryptionError(
            f"The encrypted copy does not hold the same rows ({', '.join(differ)}); nothing was changed."
        )


def _verify_copy(temp: Path, key: DatabaseKey, counts: dict[str, int]) -> dict[str, int]:
    """The encrypted copy, with its audit entry added, is whole: encrypted, integrity_check ok
    through the key, the source's rows in every table plus the one `encrypt` entry of the audit
    trail (and the values it keeps apart), and the audit chain verifies. Returns its row counts.
    Raises EncryptionError (the caller deletes the copy)."""
    if cipher.is_plain(temp):
        raise EncryptionError("The encrypted copy is not encrypted; nothing was changed.")
    problems = integrity_check(temp, key)
    if problems != ["ok"]:
        raise EncryptionError(
            f"The encrypted copy failed its check ({'; '.join(problems[:3])}); nothing was changed."
        )
    got = _rows_of(temp, key)
    expected = {**counts, "audit_event": counts.get("audit_event", 0) + 1}
    differ = sorted(
        name
        for name in set(got) | set(expected)
        if not (
            got.get(name) == expected.get(name)
            or (
                name.startswith("audit_")
                and name != "audit_event"
                and got.get(name, 0) >= expected.get(name, 0)
            )
        )
    )
    if differ:
        raise EncryptionError(
            f"The encrypted copy does not hold the same rows ({', '.join(differ)}); nothing was changed."
        )
    engine = read_only_engine(temp, key)
    try:
        with Database(engine).read() as session:
            chain = audit.verify(session)
    finally:
        engine.dispose()
    if not chain.intact:
        raise EncryptionError(
            f"The encrypted copy's audit trail does not verify ({chain.problem}); nothing was changed."
        )
    return got


def _record(
    db_path: Path,
    temp: Path,
    key: DatabaseKey,
    backup: BackupFile,
    recovery_file: Path,
    use_keystore: bool,
    user: str | None,
    now: datetime,
) -> tuple[int, bool]:
    """The audit entry for the encryption, in the encrypted copy itself (no key in it)."""
    engine = make_engine(f"sqlite:///{temp}", key=key)
    try:
        # The copy becomes the log at its path: its entry is signed with the log's key. The
        # witness is left where it is (the copy may yet be thrown away); it moves on at the
        # next save, as the trail is then longer than what it saw.
        db = Database(engine, keeper_for_file(db_path).signing_only())
        with db.write() as session:
            audit.append(
                session,
                action="encrypt",
                entity="database",
                key=None,
                after={
                    "cipher": "SQLCipher, 256-bit raw key",
                    "keystore": use_keystore,
                    "recovery_file": recovery_file.name,
                    "backup": backup.path.name,
                },
                app_user=user,
                at=now,
            )
        with db.read() as session:
            chain = audit.verify(session)
    finally:
        engine.dispose()
    return chain.entries, chain.intact


def _settle(path: Path, key: DatabaseKey | None) -> None:
    """A single file with no -wal beside it (rollback journal mode), ready to be renamed."""
    conn = sqlite3.connect(path, timeout=5) if key is None else cipher.connect(str(path), key)
    try:
        conn.execute("PRAGMA journal_mode = DELETE").fetchone()
    finally:
        conn.close()
    for suffix in SIDE_FILES:
        if Path(f"{path}{suffix}").exists() and Path(f"{path}{suffix}").stat().st_size > 0:
            raise EncryptionError(f"{path.name} still has a {suffix} file; nothing was changed.")


def _swap(db_path: Path, temp: Path, hold: Connection, stamp: str) -> Path:
    """Keep the plain file aside (a second name for it), then rename the encrypted copy over the
    database's name in one step. The plain file's -wal is empty (checkpointed, writers held off);
    it and the -shm go before the rename, so they can never meet the encrypted file."""
    aside = db_path.with_name(f"{db_path.name}{PLAIN_ASIDE}{stamp}")
    _remove_with_sides(aside)
    hold.close()  # the last connection: SQLite removes the empty -wal and the -shm itself
    wal = Path(f"{db_path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise EncryptionError(
            "Another program wrote to the database while it was being encrypted; nothing was changed. "
            "Close it and try again."
        )
    try:
        os.link(db_path, aside)
    except OSError:  # no hard links here (FAT, some shares): the file is quiet, so copy it
        import shutil

        shutil.copy2(db_path, aside)
    for suffix in SIDE_FILES:
        remove_file(f"{db_path}{suffix}")
    replace_file(temp, db_path)
    fsync_folder(db_path.parent)
    return aside


def _verify_in_place(db_path: Path, key: DatabaseKey, counts: dict[str, int]) -> None:
    """After the rename, before the plain file goes: the database's name now holds the copy just
    checked in full, encrypted, opened by the key, with the same rows (a light check: the full
    one took minutes on a trust-sized file and these are the same bytes)."""
    if cipher.is_plain(db_path) or not unlocks(db_path, key):
        raise EncryptionError("The encrypted file did not open after the rename; the plain one was put back.")
    if _rows_of(db_path, key) != counts:
        raise EncryptionError("The encrypted file changed after the rename; the plain one was put back.")


def _undo_swap(db_path: Path, aside: Path) -> None:
    """The encrypted file failed its last check: the plain file goes back."""
    for suffix in SIDE_FILES:
        remove_file(f"{db_path}{suffix}")
    replace_file(aside, db_path)
    fsync_folder(db_path.parent)


def _remove_leftovers(db_path: Path) -> None:
    """Temporary files of an interrupted run (encrypted copies that never got their name)."""
    folders = [db_path.parent, backups_folder(db_path)]
    for folder in folders:
        if folder.is_dir():
            for path in folder.glob(f".{db_path.stem}*.encrypting*"):
                if not path.name.endswith(("-wal", "-shm", "-journal")):
                    _remove_with_sides(path)


def _remove_with_sides(path: Path) -> None:
    for suffix in ("", "-journal", *SIDE_FILES):
        remove_file(f"{path}{suffix}")


def plain_copies(db_path: Path) -> list[Path]:
    """Plaintext copies of this database that ddcase made beside it: backups in the backups
    folder, files kept aside by a restore, and the plain file of an interrupted encryption."""
    found = [b.path for b in list_backups(db_path)]
    found += sorted(db_path.parent.glob(f"{db_path.name}.before-restore-*"))
    found += sorted(db_path.parent.glob(f"{db_path.name}{PLAIN_ASIDE}*"))
    return [p for p in found if p.is_file() and not p.name.endswith(SIDE_FILES) and _is_plain_db(p)]


def _is_plain_db(path: Path) -> bool:
    return path.stat().st_size > 0 and cipher.header_of(path) == cipher.SQLITE_HEADER


def _rewrite_plain_copies(db_path: Path, key: DatabaseKey, result: EncryptionResult) -> None:
    """Every plaintext copy beside the database re-written encrypted with its key, each one
    checked before it replaces the plain file (one rename). The plain file of an interrupted
    encryption is deleted (the database holds the same data). A copy that cannot be read is
    left as it is and listed."""
    for path in plain_copies(db_path):
        if PLAIN_ASIDE in path.name:
            _remove_with_sides(path)
            continue
        temp = path.with_name(f".{path.name}.encrypting")
        _remove_with_sides(temp)
        try:
            _settle(path, None)
            copy_database(path, temp, key)
            if path.parent == backups_folder(db_path):
                verify_backup(temp, key)  # integrity_check, and a ddcase database this version opens
            elif integrity_check(temp, key) != ["ok"]:
                raise EncryptionError("the encrypted copy failed its check")
            replace_file(temp, path)
            fsync_folder(path.parent)
            result.rewritten.append(path)
        except database_errors(DomainError, BackupError, OSError) as error:
            log.warning("a plaintext copy was not re-written: %s", type(error).__name__)
            result.still_plain.append(path)
        finally:
            _remove_with_sides(temp)


# ---------------------------------------------------------------------- the service


class EncryptionService:
    """For the command line and File > Encrypt database...; the caller reopens the services after
    `encrypt` (the old ones were opened on the plain file)."""

    def __init__(self, context: Context, *, clock: Callable[[], datetime] | None = None) -> None:
        self._context = context
        self._db = context.db
        self._clock = clock or (lambda: context.now().astimezone())

    @property
    def available(self) -> bool:
        """Only for a database file, and only with the `encryption` extra installed."""
        return self._db.path is not None and cipher.available()

    @property
    def encrypted(self) -> bool:
        return self._db.encrypted

    def encrypt(self, recovery_file: Path, *, use_keystore: bool = True) -> EncryptionResult:
        path = self._path()
        self._db.dispose()
        return encrypt_database(
            path, recovery_file, now=self._clock(), use_keystore=use_keystore, user=self._context.user
        )

    def export_key(self, target: Path) -> Path:
        """`ddcase export-key --to FILE`: a new recovery file for the key this database is open
        with (from the keystore or a key file). Audited; the entry holds no key."""
        path = self._path()
        key = self._db.key
        if key is None:
            raise EncryptionError("This database is not encrypted, so it has no key to export.")
        written = write_recovery_file(target, path, key, self._clock())
        with self._db.write() as session:
            audit_change(
                self._context,
                session,
                action="export-key",
                entity="database",
                key=None,
                after={"file": written.name},
            )
        log.info("recovery key exported")
        return written

    def import_key(self) -> Path:
        """`ddcase import-key --key-file FILE`: keep the key this database was opened with (from a
        recovery file) in this computer's keystore, e.g. after the file was moved."""
        path = self._path()
        key = self._db.key
        if key is None:
            raise EncryptionError("This database is not encrypted, so it has no key to keep.")
        store_in_keystore(path, key)
        with self._db.write() as session:
            audit_change(
                self._context,
                session,
                action="import-key",
                entity="database",
                key=None,
                after={"keystore": True},
            )
        return path

    def _path(self) -> Path:
        path = self._db.path
        if path is None:
            raise EncryptionError(
                "This is a team database on a PostgreSQL server: its encryption is the server's "
                "(disk encryption and TLS, run by your trust's IT)."
            )
        return path


__all__ = [
    "CannotUnlockError",
    "EncryptionError",
    "EncryptionResult",
    "EncryptionService",
    "KeystoreUnavailable",
    "encrypt_database",
    "give_key_file",
    "key_for",
    "known_key",
    "read_key_file",
]
