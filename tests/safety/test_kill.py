"""Crash safety, proven by trying: a ddcase process writing through the service layer is killed
with SIGKILL at random moments, again and again, on one database. Afterwards every write it had
reported done is there, nothing is half-written (each write's audit entry is there exactly when
the write is; an import is all of its rows or none), integrity_check says ok and the audit chain
verifies. Also: two processes writing at once, a full disk, a read-only data folder."""

from __future__ import annotations

import json
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

import pytest

from ddcase.cli import main
from tests.safety import writer

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the kill harness forks (POSIX only)")

KILLS = 50
ENCRYPTED_KILLS = 10
SRC = Path(__file__).resolve().parents[2] / "src"


def _has_transfer() -> bool:
    try:
        import ddcase.services.transfer  # noqa: F401
    except ImportError:
        return False
    return True


def _start_writer(db: Path, mode: str, prefix: str) -> tuple[int, int]:
    """Fork a child that runs the writer (a subprocess without paying Python's start-up 50
    times); its acknowledgements come back through a pipe."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: write until killed
        os.close(read_end)
        try:
            with os.fdopen(write_end, "w", encoding="utf-8") as out:
                writer.run(str(db), mode, prefix, out)
        except BaseException:  # a writer that dies on its own says why (pytest shows stderr)
            traceback.print_exc()
            sys.stderr.flush()
        finally:
            os._exit(1)
    os.close(write_end)
    return pid, read_end


def _warm_up(tmp_path: Path) -> None:
    """Import and load everything a writer needs before forking, so each child starts writing
    at once (as the long-running app would) instead of importing for a second."""
    from tests.safety.helpers import make_db

    make_db(tmp_path / "warm-up.sqlite3", ["W1"], with_history=True)
    if _has_transfer():
        import ddcase.services.transfer  # noqa: F401


def _first_acknowledgement(fd: int, timeout_s: float = 60.0) -> bytes:
    """Wait for the writer's first whole acknowledgement (a line) and return what was read: a
    kill after it falls in the middle of writing, however slow the machine is today."""
    read = b""
    deadline = time.monotonic() + timeout_s
    while b"\n" not in read:
        left = deadline - time.monotonic()
        assert left > 0, f"the writer acknowledged nothing within {timeout_s:.0f} s"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536)
            assert chunk, "the writer ended before its first acknowledgement"
            read += chunk
    return read


def _read_all(fd: int, already: bytes = b"") -> str:
    chunks = [already]
    while True:
        ready, _, _ = select.select([fd], [], [], 5)
        if not ready:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode()


def _acks(text: str) -> list[tuple[str, str]]:
    # A line cut by the kill has no newline: it was never a promise.
    return [tuple(line.split()[1:3]) for line in text.splitlines(keepends=True) if line.endswith("\n")]


def _audit_keys(conn: sqlite3.Connection, entity: str) -> Counter[str]:
    rows = conn.execute(
        "SELECT entity_key FROM audit_event WHERE entity = ? AND action = 'create'", (entity,)
    )
    return Counter(r[0] for r in rows)


def test_fifty_kills_lose_nothing_that_was_acknowledged(tmp_path, capsys):
    _kill_again_and_again(tmp_path / "killed.sqlite3", KILLS, sqlite3.connect, tmp_path, capsys)


def test_kills_on_an_encrypted_database_lose_nothing_that_was_acknowledged(tmp_path, capsys):
    """The same on a database encrypted with SQLCipher (its key in the tests' in-memory keystore,
    which the forked writers inherit)."""
    pytest.importorskip("sqlcipher3")
    pytest.importorskip("keyring")
    from ddcase.services.encryption import known_key
    from ddcase.storage import cipher
    from tests.safety.helpers import make_db

    db = make_db(tmp_path / "encrypted.sqlite3", [])
    assert main(["encrypt", "--db", str(db), "--recovery-file", str(tmp_path / "recovery.txt")]) == 0
    key = known_key(db)
    assert key is not None and cipher.header_of(db) != cipher.SQLITE_HEADER
    _kill_again_and_again(db, ENCRYPTED_KILLS, lambda path: cipher.connect(str(path), key), tmp_path, capsys)
    assert cipher.header_of(db) != cipher.SQLITE_HEADER


def _kill_again_and_again(db: Path, kills: int, connect, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(20261122)
    modes = ["edits", "import"] if _has_transfer() else ["edits"]
    acknowledged: list[tuple[str, str]] = []
    _warm_up(tmp_path)
    started = time.monotonic()
    waited = 0
    for round_ in range(kills):
        mode = modes[round_ % len(modes)]
        pid, fd = _start_writer(db, mode, "K" if mode == "edits" else "B")
        # Half the kills come at a random moment from the start (opening, migrating, the first
        # write); the other half a random moment after the first acknowledgement, so that on a
        # loaded machine too the harness kills writers in the middle of their writing.
        read = b""
        if round_ % 4 >= 2:
            read = _first_acknowledgement(fd)
            waited += 1
        time.sleep(rng.uniform(0.05, 0.6))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, "the writer died on its own"
        acknowledged += _acks(_read_all(fd, read))
    elapsed = time.monotonic() - started

    conn = connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        clients = Counter(r[0] for r in conn.execute("SELECT client_ref FROM client"))
        episodes = Counter(
            r[0]
            for r in conn.execute("SELECT c.client_ref FROM episode e JOIN client c ON c.id = e.client_id")
        )
        contacts = Counter(
            r[0]
            for r in conn.execute("SELECT c.client_ref FROM contact t JOIN client c ON c.id = t.client_id")
        )
        # Nothing half-written: a change and its audit entry are one transaction.
        edited = Counter({k: v for k, v in clients.items() if k.startswith("K")})
        assert _audit_keys(conn, "client") == edited
        assert _audit_keys(conn, "episode") == Counter(
            {k: v for k, v in episodes.items() if k.startswith("K")}
        )
        assert _audit_keys(conn, "contact") == contacts
        # An import's one audit entry counts the clients it created: all of them are there.
        imported = sum(
            json.loads(r[0])["clients"]["created"]
            for r in conn.execute(
                "SELECT v.after_json FROM audit_event e JOIN audit_value v ON v.seq = e.seq "
                "WHERE e.action = 'import'"
            )
        )
        assert imported == len(clients) - len(edited)
    finally:
        conn.close()
    for kind, key in acknowledged:
        if kind == "client":
            assert clients[key] == 1, f"acknowledged client {key} is missing"
        elif kind == "episode":
            assert episodes[key] == 1, f"acknowledged episode of {key} is missing"
        elif kind == "contact":
            assert contacts[key] == 1, f"acknowledged contact of {key} is missing"
        elif kind == "import":
            for n in range(writer.IMPORT_BATCH):
                assert clients[f"{key}-{n}"] == 1, f"acknowledged import {key} is incomplete"
    # An import is all or nothing, acknowledged or not.
    batches = Counter(ref.rsplit("-", 1)[0] for ref in clients if ref.startswith("B"))
    assert all(count == writer.IMPORT_BATCH for count in batches.values()), batches
    assert all(episodes[ref] == 2 for ref in clients if ref.startswith("B"))

    code = main(["check", "--db", str(db)])
    out = capsys.readouterr().out
    assert code == 0, out
    print(
        f"\n{kills} kills in {elapsed:.1f}s: {len(acknowledged)} acknowledged writes "
        f"({Counter(k for k, _ in acknowledged)}), {len(clients)} clients on disk "
        f"({len(clients) - len(edited)} of them imported), 0 lost"
    )
    assert waited and len(acknowledged) >= waited  # the harness really wrote between kills


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    from tests.safety.helpers import make_db

    db = make_db(tmp_path / "shared.sqlite3", [])
    # Each writer pauses 5 ms after a save (writer.py): two loops with no pause at all can keep
    # the other's start-up waiting past the busy timeout on a loaded machine.
    env = {**os.environ, "PYTHONPATH": str(SRC), "WRITER_PAUSE_S": "0.005"}
    procs = [
        subprocess.Popen(
            [sys.executable, str(Path(writer.__file__)), str(db), "edits", prefix],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            encoding="utf-8",
        )
        for prefix in ("P", "Q")
    ]
    try:
        for proc in procs:  # both are writing
            assert proc.stdout.readline().startswith("ack"), proc.stderr.read()
        time.sleep(1.5)
    finally:
        for proc in procs:
            proc.kill()
    outputs = [proc.communicate() for proc in procs]
    for _, err in outputs:
        assert "Traceback" not in err, err
    acks = [a for out, _ in outputs for a in _acks(out)]
    with sqlite3.connect(db) as conn:
        clients = {r[0] for r in conn.execute("SELECT client_ref FROM client")}
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert {key for kind, key in acks if kind == "client"} <= clients
    assert {key[0] for kind, key in acks if kind == "client"} == {"P", "Q"}
    assert main(["check", "--db", str(db)]) == 0


# ---------------------------------------------------------------------- small filesystems


def _mount_tmpfs(folder: Path, size: str) -> None:
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root (CI runs as root)")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"mount is not permitted here: {done.stderr.decode().strip()}")


@pytest.fixture
def tiny_disk(tmp_path):
    folder = tmp_path / "tiny"
    _mount_tmpfs(folder, "1m")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_says_nothing_was_saved_and_keeps_earlier_work(tiny_disk):
    from ddcase.domain import Client
    from ddcase.storage.database import StorageError
    from tests.safety.helpers import open_app

    db = tiny_disk / "full.sqlite3"
    app = open_app(db)
    filler = tiny_disk / "filler"
    free = os.statvfs(tiny_disk).f_bavail * os.statvfs(tiny_disk).f_frsize
    filler.write_bytes(b"\0" * max(0, free - 400_000))
    saved: list[str] = []
    try:
        with pytest.raises(StorageError, match="The disk is full: nothing was saved") as caught:
            for n in range(5000):
                app.casework.save_client(Client(f"F{n}", "AB", nhs_number="9434765919"))
                saved.append(f"F{n}")
        assert "Traceback" not in str(caught.value)
    finally:
        app.close()
    assert len(saved) >= 5
    filler.unlink()
    from tests.safety.helpers import client_refs

    assert client_refs(db) == set(saved)
    assert main(["check", "--db", str(db)]) == 0


@pytest.fixture
def read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    if os.geteuid() != 0:
        folder.mkdir()
        yield folder, lambda: os.chmod(folder, 0o500)
        os.chmod(folder, 0o700)
        return
    _mount_tmpfs(folder, "4m")
    yield folder, lambda: subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_read_only_data_folder_gets_a_clear_message_and_nothing_half_made(read_only_folder, capsys):
    from tests.safety.helpers import make_db, sha256

    folder, make_read_only = read_only_folder
    db = make_db(folder / "case.sqlite3", ["R1"])
    make_read_only()
    before = {p.name: sha256(p) for p in folder.iterdir() if p.is_file()}
    for args in (
        ["figures", "--db", str(db), "--month", "2026-10"],
        ["demo", "--db", str(folder / "new.sqlite3")],
    ):
        code = main(args)
        err = capsys.readouterr().err
        assert code == 2 and "cannot write in the folder" in err and str(folder) in err, err
        assert "Traceback" not in err
    assert {p.name: sha256(p) for p in folder.iterdir() if p.is_file()} == before
    assert not (folder / "new.sqlite3").exists()
