"""Encryption at rest (SQLCipher; docs/data-protection.md "Database encryption"), checked against
the bytes on disk: an encrypted database, its -wal and its backups hold no readable client data;
a missing or wrong key says "cannot unlock" and leaves the file byte-for-byte as it was; no key
reaches a log, a message or a URL; `ddcase encrypt` is all or nothing, even when killed; the
figures and every command work the same on the encrypted file.

Every test runs with an in-memory keystore (tests/conftest.py), never the real one."""

from __future__ import annotations

import json
import os
import random
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

pytest.importorskip("sqlcipher3")
pytest.importorskip("keyring")

import keyring  # noqa: E402

from ddcase.cli import main  # noqa: E402
from ddcase.paths import log_dir  # noqa: E402
from ddcase.services import encryption  # noqa: E402
from ddcase.storage import cipher  # noqa: E402
from ddcase.storage.cipher import SQLITE_HEADER, DatabaseKey  # noqa: E402
from tests.keystore import NoKeyring  # noqa: E402
from tests.permissions import owner_mode
from tests.safety.helpers import make_db, sha256  # noqa: E402

pytestmark = pytest.mark.sqlite_only

SRC = Path(__file__).resolve().parents[2] / "src"
MARKER = "QZXMARKERQZX"  # in a client reference (so in the initials' row) and in a contact's note


@pytest.fixture(scope="module")
def plain_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("plain") / "case.sqlite3"
    return make_db(path, [f"{MARKER}{n}" for n in range(30)], with_history=True)


@pytest.fixture
def plain_db(plain_template, tmp_path) -> Path:
    path = tmp_path / "data" / "case.sqlite3"
    path.parent.mkdir()
    _copy(plain_template, path)
    return path


def _copy(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _encrypt(db: Path, recovery: Path, *extra: str) -> int:
    return main(["encrypt", "--db", str(db), "--recovery-file", str(recovery), *extra])


def _key(recovery: Path) -> DatabaseKey:
    return encryption.read_key_file(recovery)


def _refs(db: Path, key: DatabaseKey | None) -> set[str]:
    conn = cipher.connect(str(db), key)
    try:
        return {r[0] for r in conn.execute("SELECT client_ref FROM client")}
    finally:
        conn.close()


def _figures(db: Path, capsys, *extra: str) -> dict:
    capsys.readouterr()
    code = main(["series", "--db", str(db), "--from", "2024-01", "--to", "2026-10", "--json", *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def _all_bytes(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# ---------------------------------------------------------------------- what is on disk


def test_the_encrypted_file_its_wal_and_its_backups_hold_no_readable_client_data(
    plain_db, tmp_path, memory_keyring, capsys
):
    assert MARKER.encode() in plain_db.read_bytes()  # the check below can fail
    recovery = tmp_path / "manager" / "recovery.txt"
    assert _encrypt(plain_db, recovery) == 0, capsys.readouterr().err
    assert plain_db.read_bytes()[:16] != SQLITE_HEADER
    assert memory_keyring.entries == {("ddcase", str(plain_db.resolve())): _key(recovery).hex}

    from tests.safety.helpers import add_clients, open_app

    app = open_app(plain_db)  # the key comes from the (test) keystore
    try:
        add_clients(app, [f"{MARKER}new"], with_history=True)
        app.backup.backup()
        wal = Path(f"{plain_db}-wal")
        assert wal.exists() and wal.stat().st_size > 0  # written to, not yet checkpointed
        files = _all_bytes(plain_db.parent)
    finally:
        app.close()
    backups = [p for p in files if p.parent.name == "backups"]
    assert len(backups) >= 2  # the pre-encryption backup (re-written) and the new one
    for path, data in files.items():
        if path.suffix == ".lock":
            continue
        assert MARKER.encode() not in data, f"{path.name} holds client data in plaintext"
        assert MARKER.encode("utf-16-le") not in data
        if path.name.endswith(".sqlite3"):
            assert data[:16] != SQLITE_HEADER, path.name
    # Not a database to plain SQLite, to another key, nor to no key; the right key reads it all.
    for backup in [plain_db, *backups]:
        with pytest.raises(sqlite3.DatabaseError):
            sqlite3.connect(backup).execute("SELECT count(*) FROM sqlite_master").fetchall()
        with pytest.raises(cipher.dbapi().DatabaseError):
            _refs(backup, DatabaseKey.generate())
        assert f"{MARKER}0" in _refs(backup, _key(recovery))
    assert f"{MARKER}new" in _refs(plain_db, _key(recovery))
    assert oct(owner_mode(recovery, 0o600)) == "0o600"
    text = recovery.read_text(encoding="utf-8")
    assert "keep this file safe and secret" in text and str(plain_db.resolve()) in text


def test_an_encrypted_copy_gives_the_same_figures_as_the_plain_original(tmp_path, capsys):
    db = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(db), "--seed", "3"]) == 0
    before = _figures(db, capsys)
    assert sum(m["jointly_worked"] for m in before["months"]) > 20  # a real comparison
    assert _encrypt(db, tmp_path / "recovery.txt") == 0
    assert db.read_bytes()[:16] != SQLITE_HEADER
    assert _figures(db, capsys) == before
    capsys.readouterr()
    assert main(["check", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "encrypted, every page authenticated" in out and "chain unbroken" in out


# ---------------------------------------------------------------------- cannot unlock


@pytest.mark.parametrize("how", ["no key", "wrong key file", "no keystore", "not a key file"])
def test_without_the_right_key_ddcase_says_cannot_unlock_and_changes_nothing(
    how, plain_db, tmp_path, memory_keyring, capsys
):
    recovery = tmp_path / "recovery.txt"
    assert _encrypt(plain_db, recovery) == 0
    real_key = _key(recovery)
    memory_keyring.entries.clear()
    extra: list[str] = []
    if how == "wrong key file":
        wrong = tmp_path / "wrong.txt"
        wrong.write_text(f"key: {DatabaseKey.generate().hex}\n", encoding="utf-8")
        extra = ["--key-file", str(wrong)]
    elif how == "no keystore":
        keyring.set_keyring(NoKeyring())
    elif how == "not a key file":
        other = tmp_path / "notes.txt"
        other.write_text("nothing here\n", encoding="utf-8")
        extra = ["--key-file", str(other)]
    before = {p: sha256(p) for p in plain_db.parent.rglob("*") if p.is_file()}
    capsys.readouterr()
    for command in (["figures", "--month", "2024-02"], ["check"], ["backup"], ["demo"]):
        code = main([*command, "--db", str(plain_db), *extra])
        out, err = capsys.readouterr()
        assert code == 2, (command, err)
        assert "Traceback" not in err and real_key.hex not in err + out
        if how == "not a key file":
            assert "holds no ddcase database key" in err
        else:
            assert f"cannot unlock {plain_db}" in err and "Nothing was changed" in err
    if how == "no keystore":
        assert "no keystore" in err
    after = {p: sha256(p) for p in plain_db.parent.rglob("*") if p.is_file()}
    assert after == before  # not a byte changed, nothing added (no -wal, no new backup)


def test_a_file_that_is_not_plain_sqlite_without_the_extra_says_how_to_get_it(
    plain_db, tmp_path, monkeypatch, capsys
):
    assert _encrypt(plain_db, tmp_path / "recovery.txt") == 0
    monkeypatch.setattr(cipher, "available", lambda: False)
    capsys.readouterr()
    assert main(["figures", "--db", str(plain_db), "--month", "2024-02"]) == 2
    assert "ddcase[encryption]" in capsys.readouterr().err
    other = tmp_path / "other.sqlite3"
    make_db(other, [])
    assert _encrypt(other, tmp_path / "other-recovery.txt") == 2
    assert "ddcase[encryption]" in capsys.readouterr().err
    assert other.read_bytes()[:16] == SQLITE_HEADER


def test_no_key_ever_reaches_the_log_a_message_or_a_url(plain_db, tmp_path):
    from ddcase.storage.database import Database, make_engine

    key = DatabaseKey.generate()
    engine = make_engine(f"sqlite:///{tmp_path / 'k.sqlite3'}", key=key)
    try:
        db = Database(engine)
        for text in (repr(engine.url), str(engine.url), repr(engine), db.url, repr(key), str(key)):
            assert key.hex not in text and key.hex.upper() not in text
    finally:
        engine.dispose()
    # A user's whole round, in processes of their own, logging to a folder of the test's.
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "PYTHONIOENCODING": "utf-8",  # a pipe is in the ANSI code page (cp1252) on Windows
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "HOME": str(tmp_path),
    }
    recovery = tmp_path / "recovery.txt"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ddcase", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            encoding="utf-8",
        )

    db = str(plain_db)
    done = run("encrypt", "--db", db, "--recovery-file", str(recovery))  # no keystore in there
    assert done.returncode == 2 and "--no-keystore" in done.stderr
    rounds = [
        run("encrypt", "--db", db, "--recovery-file", str(recovery), "--no-keystore"),
        run("figures", "--db", db, "--key-file", str(recovery), "--month", "2024-02", "--json"),
        run("backup", "--db", db, "--key-file", str(recovery)),
        run("export-key", "--db", db, "--key-file", str(recovery), "--to", str(tmp_path / "again.txt")),
        run("figures", "--db", db, "--month", "2024-02"),  # no key: cannot unlock
        run("check", "--db", db, "--key-file", str(tmp_path / "again.txt")),
    ]
    assert [r.returncode for r in rounds] == [0, 0, 0, 0, 2, 0], [r.stderr for r in rounds]
    key = _key(recovery)
    assert _key(tmp_path / "again.txt") == key
    # Windows' log folder comes from the profile (SHGetKnownFolderPath), not from a variable: there
    # it is the user's own (under Wine, the throwaway prefix's), holding every test's log.
    logs = list((tmp_path / "state" if os.name == "posix" else log_dir()).rglob("ddcase.log*"))
    assert logs and "database encrypted" in "".join(p.read_text(encoding="utf-8") for p in logs)
    for text in [p.read_text(encoding="utf-8") for p in logs] + [r.stdout + r.stderr for r in rounds]:
        assert key.hex not in text and key.hex.upper() not in text
    # Nor in the audit trail: the entries say what was done, never the key.
    conn = cipher.connect(db, key)
    try:
        trail = conn.execute("SELECT action, coalesce(after_json, '') FROM audit_event").fetchall()
    finally:
        conn.close()
    assert {"encrypt", "export-key"} <= {action for action, _ in trail}
    assert all(key.hex not in after for _, after in trail)


# ---------------------------------------------------------------------- all or nothing


def test_a_conversion_that_fails_its_check_changes_nothing(plain_db, tmp_path, monkeypatch, memory_keyring):
    from tests.safety.helpers import open_app

    open_app(plain_db).close()  # today's backup is made now, not during the encryption below
    before = sha256(plain_db)
    calls = []

    def failing_check(path, key, counts):  # type: ignore[no-untyped-def]
        calls.append(path)
        raise encryption.EncryptionError("injected: the copy does not match")

    monkeypatch.setattr(encryption, "_verify_copy", failing_check)
    recovery = tmp_path / "recovery.txt"
    with pytest.raises(encryption.EncryptionError, match="injected"):
        encryption.encrypt_database(plain_db, recovery, now=datetime.now().astimezone())
    assert calls and calls[0].name.startswith(f".{plain_db.name}.encrypting")
    assert sha256(plain_db) == before and plain_db.read_bytes()[:16] == SQLITE_HEADER
    left = sorted(p.name for p in plain_db.parent.iterdir())
    # (`.checked`: the opening check's stamp from the clean close above, storage/opening.py)
    assert left == ["backups", plain_db.name, f"{plain_db.name}.checked", f"{plain_db.name}.lock"], left
    assert not recovery.exists() and memory_keyring.entries == {}
    assert main(["check", "--db", str(plain_db)]) == 0


STEPS = ["locked", "backed up", "exported", "recorded", "verified", "key kept", "renamed", "plain removed"]


def _start_encryption(db: Path, recovery: Path, pause: float) -> tuple[int, int]:
    """Fork a child that encrypts `db`, saying each step it reaches and pausing there."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            out = os.fdopen(write_end, "w", encoding="utf-8")

            def step(name: str) -> None:
                print(name, file=out, flush=True)
                time.sleep(pause)

            encryption._step = step  # type: ignore[assignment]
            encryption.encrypt_database(db, recovery, now=datetime.now().astimezone(), use_keystore=False)
            print("finished", file=out, flush=True)
        finally:
            os._exit(0)
    os.close(write_end)
    return pid, read_end


def _wait_for(fd: int, step: str) -> bool:
    seen = ""
    while True:
        ready, _, _ = select.select([fd], [], [], 30)
        if not ready:
            return False
        chunk = os.read(fd, 4096).decode()
        if not chunk:
            return False
        seen += chunk
        if f"{step}\n" in seen:
            return True


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks (POSIX only)")
def test_killing_the_conversion_at_any_step_leaves_the_plain_file_or_the_encrypted_one(
    plain_template, tmp_path, capsys
):
    from tests.safety.helpers import open_app

    expected = _refs(plain_template, None)
    rng = random.Random(5)
    outcomes = []
    for n, step in enumerate(STEPS):
        db = tmp_path / f"round{n}" / "case.sqlite3"
        db.parent.mkdir()
        _copy(plain_template, db)
        open_app(db).close()
        recovery = tmp_path / f"round{n}-recovery.txt"
        pid, fd = _start_encryption(db, recovery, pause=0.05)
        assert _wait_for(fd, step), f"the conversion never reached {step}"
        time.sleep(rng.choice([0, rng.uniform(0, 0.04)]))  # at the step, or a little into its pause
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
        encrypted = db.read_bytes()[:16] != SQLITE_HEADER
        outcomes.append((step, "encrypted" if encrypted else "plain"))
        key = _key(recovery) if encrypted else None
        assert _refs(db, key) == expected, step
        extra = ["--key-file", str(recovery)] if encrypted else []
        capsys.readouterr()
        assert main(["check", "--db", str(db), *extra]) == 0, capsys.readouterr()
        # Running it again finishes the job: encrypted, and no plaintext copy left beside it.
        again = tmp_path / f"round{n}-again.txt"
        assert main(["encrypt", "--db", str(db), "--recovery-file", str(again), "--no-keystore", *extra]) == 0
        capsys.readouterr()
        key = key or _key(again)
        assert _refs(db, key) == expected
        assert encryption.plain_copies(db) == []
        assert not list(db.parent.glob(f"{db.name}.plain-before-encryption-*"))
        assert not list(db.parent.glob(f".{db.name}.encrypting*"))
    print("\nkilled after each step:", outcomes)
    assert {o for _, o in outcomes} == {"plain", "encrypted"}
    assert dict(outcomes)["locked"] == "plain" and dict(outcomes)["plain removed"] == "encrypted"


# ---------------------------------------------------------------------- backups, restore, keys


def test_backups_of_an_encrypted_database_open_with_its_key_only_and_restore(plain_db, tmp_path, capsys):
    recovery = tmp_path / "recovery.txt"
    old_backup = tmp_path / "before.sqlite3"
    assert main(["backup", "--db", str(plain_db), "--to", str(old_backup)]) == 0  # plaintext, by hand
    assert _encrypt(plain_db, recovery) == 0
    key = _key(recovery)
    copy = tmp_path / "copy.sqlite3"
    assert main(["backup", "--db", str(plain_db), "--to", str(copy)]) == 0
    assert copy.read_bytes()[:16] != SQLITE_HEADER
    assert _refs(copy, key) == _refs(plain_db, key)
    with pytest.raises(cipher.dbapi().DatabaseError):
        _refs(copy, None)
    from tests.safety.helpers import add_clients, open_app

    app = open_app(plain_db)
    add_clients(app, ["LATER1"])
    app.close()
    capsys.readouterr()
    assert main(["restore", "--db", str(plain_db), str(copy)]) == 0, capsys.readouterr().err
    assert "LATER1" not in _refs(plain_db, key) and plain_db.read_bytes()[:16] != SQLITE_HEADER
    # The file a restore keeps aside is encrypted too (it was), and so is a plaintext backup
    # restored into an encrypted database: it stays encrypted, with the same key.
    aside = next(plain_db.parent.glob(f"{plain_db.name}.before-restore-*"))
    assert aside.read_bytes()[:16] != SQLITE_HEADER and "LATER1" in _refs(aside, key)
    assert main(["restore", "--db", str(plain_db), str(old_backup)]) == 0, capsys.readouterr().err
    assert plain_db.read_bytes()[:16] != SQLITE_HEADER
    assert _refs(plain_db, key) == _refs(old_backup, None)
    assert main(["check", "--db", str(plain_db)]) == 0


def test_plaintext_copies_beside_the_database_are_re_written_encrypted(plain_db, tmp_path, capsys):
    from tests.safety.helpers import add_clients, open_app

    spare = tmp_path / "spare.sqlite3"
    _copy(plain_db, spare)
    assert main(["restore", "--db", str(plain_db), str(spare)]) == 0  # leaves a plain file aside
    app = open_app(plain_db)
    add_clients(app, ["AFTER1"])
    app.backup.backup()
    app.close()
    before = encryption.plain_copies(plain_db)
    kinds = {p.parent.name for p in before} | {"aside" for p in before if "before-restore" in p.name}
    assert {"backups", "aside"} <= kinds
    recovery = tmp_path / "recovery.txt"
    assert _encrypt(plain_db, recovery) == 0
    out = capsys.readouterr().out
    assert "re-written encrypted" in out
    assert encryption.plain_copies(plain_db) == []
    key = _key(recovery)
    for path in before:
        assert path.exists() and path.read_bytes()[:16] != SQLITE_HEADER
        assert _refs(path, key)  # still readable with the key
        assert MARKER.encode() not in path.read_bytes()


def test_export_key_and_import_key(plain_db, tmp_path, memory_keyring, capsys):
    assert main(["export-key", "--db", str(plain_db), "--to", str(tmp_path / "k.txt")]) == 2
    assert "not encrypted" in capsys.readouterr().err
    recovery = tmp_path / "recovery.txt"
    assert _encrypt(plain_db, recovery) == 0
    exported = tmp_path / "exported.txt"
    assert main(["export-key", "--db", str(plain_db), "--to", str(exported)]) == 0
    assert _key(exported) == _key(recovery) and oct(owner_mode(exported, 0o600)) == "0o600"
    assert main(["export-key", "--db", str(plain_db), "--to", str(exported)]) == 2  # never overwritten
    # The team moves the database: the keystore knows the old path only.
    moved = tmp_path / "moved" / "case.sqlite3"
    moved.parent.mkdir()
    shutil.move(plain_db, moved)
    capsys.readouterr()
    assert main(["figures", "--db", str(moved), "--month", "2024-02"]) == 2
    assert "cannot unlock" in capsys.readouterr().err
    assert main(["import-key", "--db", str(moved)]) == 2  # needs --key-file
    assert main(["import-key", "--db", str(moved), "--key-file", str(exported)]) == 0
    encryption.forget_given_keys()
    assert main(["figures", "--db", str(moved), "--month", "2024-02"]) == 0


def test_encrypting_without_a_keystore_needs_no_keystore_said_out_loud(plain_db, tmp_path, capsys):
    from tests.safety.helpers import open_app

    keyring.set_keyring(NoKeyring())
    open_app(plain_db).close()  # today's backup and its audit entry are made now
    recovery = tmp_path / "recovery.txt"
    before = sha256(plain_db)
    capsys.readouterr()
    assert _encrypt(plain_db, recovery) == 2
    err = capsys.readouterr().err
    assert "no keystore" in err and "--no-keystore" in err and "Nothing was changed" in err
    assert sha256(plain_db) == before and not recovery.exists()
    assert _encrypt(plain_db, recovery, "--no-keystore") == 0
    assert "NOT put in a keystore" in capsys.readouterr().out
    assert main(["figures", "--db", str(plain_db), "--month", "2024-02"]) == 2
    assert main(["figures", "--db", str(plain_db), "--key-file", str(recovery), "--month", "2024-02"]) == 0


def test_the_engine_keeps_every_setting_on_an_encrypted_file(tmp_path):
    from sqlalchemy import text

    from ddcase.storage.database import Database, make_engine

    key = DatabaseKey.generate()
    engine = make_engine(f"sqlite:///{tmp_path / 'e.sqlite3'}", key=key)
    try:
        with engine.connect() as conn:
            settings = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
            assert conn.exec_driver_sql("PRAGMA cipher_version").scalar()
        assert settings == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 5000}
        db = Database(engine)
        with db.write() as session:  # DDL in a transaction that rolls back whole
            session.execute(text("CREATE TABLE t (x)"))
            session.execute(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(RuntimeError):
            with db.write() as session:
                session.execute(text("CREATE TABLE u (x)"))
                raise RuntimeError
        with db.read() as session:
            names = {r[0] for r in session.execute(text("SELECT name FROM sqlite_master"))}
        assert names == {"t"} and db.key == key and db.encrypted
    finally:
        engine.dispose()


def test_every_command_works_on_an_encrypted_database(tmp_path, capsys):
    db = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(db), "--seed", "2"]) == 0
    assert _encrypt(db, tmp_path / "recovery.txt") == 0
    capsys.readouterr()
    first_ref = sorted(_refs(db, _key(tmp_path / "recovery.txt")))[0]
    commands = [
        ["figures", "--month", "2025-06", "--json"],
        ["series", "--from", "2025-01", "--to", "2025-12", "--csv"],
        ["report", "--month", "2025-06", "--out", str(tmp_path / "report.pdf")],
        ["export", str(tmp_path / "csv")],
        ["export", "--client", first_ref, str(tmp_path / "sar")],
        ["backup"],
        ["purge", "--before", "2024-01-01"],
        ["check"],
    ]
    for command in commands:
        code = main([*command, "--db", str(db)])
        out, err = capsys.readouterr()
        assert code == 0, (command, err)
    assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"
    # The exported CSV files import into a new (plain) log: the data came out whole.
    other = tmp_path / "other.sqlite3"
    assert main(["import", "--db", str(other), str(tmp_path / "csv")]) == 0
    assert _refs(other, None) == _refs(db, _key(tmp_path / "recovery.txt"))
    assert db.read_bytes()[:16] != SQLITE_HEADER
