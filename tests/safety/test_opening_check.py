"""The opening check without its cost at every start (storage/opening.py): a file exactly as
ddcase left it after a clean check is quick_checked in the background while writes and output
wait; any change to the file (bytes, a restored mtime, a crash's -wal, a copy) brings the full
check back before opening. Damage is always found before anything depends on it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ddcase.cli import main
from ddcase.domain import Client
from ddcase.storage.files import DamagedDatabaseError, inspect_file, quick_check
from ddcase.storage.opening import HEAD_BYTES, file_state, stamp_matches, stamp_path, write_stamp
from tests.safety.helpers import client_refs, damage, make_db, open_app, sha256

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return make_db(
        tmp_path_factory.mktemp("template") / "case.sqlite3", [f"G{n}" for n in range(60)], with_history=True
    )


@pytest.fixture
def db(template, tmp_path) -> Path:
    """A sound database closed cleanly by ddcase (so stamped), in a folder of its own."""
    path = tmp_path / "case.sqlite3"
    shutil.copyfile(template, path)
    assert main(["figures", "--db", str(path), "--month", "2024-02"]) == 0  # full check, then stamped
    assert stamp_matches(path)
    return path


def damage_past_the_head(path: Path) -> None:
    """Damage b-tree pages beyond the first 64 KiB (which the stamp hashes), and make sure the
    damage is real: quick_check itself must see it."""
    page_size = int.from_bytes(path.read_bytes()[16:18], "big")
    pages = path.stat().st_size // page_size
    first = HEAD_BYTES // page_size + 2
    assert pages > first + 4, "the test database is too small to damage past its head"
    time.sleep(0.05)  # a timestamp tick: the file system's clock is coarser than a nanosecond
    damage(path, range(pages - 2, pages + 1))  # the last pages: opening's one-row reads still work
    assert quick_check(path) != ["ok"]


def fake_the_stamp(path: Path) -> None:
    """What a disk fault that changes no metadata looks like: the stamp matches a damaged file."""
    assert write_stamp(path)
    assert stamp_matches(path)


def test_a_clean_close_stamps_the_file_owner_only_and_an_unchanged_file_is_checked_in_the_background(db):
    recorded = json.loads(stamp_path(db).read_text(encoding="utf-8"))
    state = file_state(db)
    assert state is not None
    assert (recorded["size"], recorded["mtime_ns"], recorded["inode"]) == (
        db.stat().st_size,
        db.stat().st_mtime_ns,
        db.stat().st_ino,
    )
    if os.name == "posix":
        assert stamp_path(db).stat().st_mode & 0o777 == 0o600
    check = inspect_file(db, unchanged_may_wait=True)
    assert not check.finished  # left for the caller to run alongside
    assert inspect_file(db).finished  # without the permission, the check runs at once


def test_a_corrupt_page_written_after_a_clean_close_is_caught_before_opening(db, capsys):
    damage_past_the_head(db)  # the stamp is kept as it was; the file's mtime and ctime move on
    assert not stamp_matches(db)
    before = sha256(db)
    assert main(["figures", "--db", str(db), "--month", "2024-02", "--json"]) == 2
    captured = capsys.readouterr()
    assert "is damaged" in captured.err and captured.out == ""
    assert sha256(db) == before
    assert not stamp_path(db).exists()  # a failed check forgets the stamp


@pytest.mark.skipif(os.name != "posix", reason="POSIX ctime; Windows: a documented limit")
def test_damage_with_the_old_mtime_put_back_is_still_caught(db, capsys):
    stat = db.stat()
    damage_past_the_head(db)
    os.utime(db, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the same size and mtime as stamped
    assert db.stat().st_mtime_ns == stat.st_mtime_ns and db.stat().st_size == stat.st_size
    assert not stamp_matches(db)  # the status-change time cannot be put back
    assert main(["check", "--db", str(db)]) == 2
    assert "is damaged" in capsys.readouterr().err


def test_damage_to_the_head_is_caught_even_with_size_times_and_inode_kept(db):
    stat = db.stat()
    data = bytearray(db.read_bytes())
    data[HEAD_BYTES - 100 : HEAD_BYTES - 90] = b"\xfe" * 10
    with open(db, "r+b") as file:  # same inode
        file.write(bytes(data))
    os.utime(db, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    recorded = json.loads(stamp_path(db).read_text(encoding="utf-8"))
    recorded["ctime_ns"] = db.stat().st_ctime_ns  # as if ctime had not moved either
    stamp_path(db).write_text(json.dumps(recorded), encoding="utf-8")
    assert not stamp_matches(db)  # the hash of the first 64 KiB differs


def test_damage_no_stamp_can_see_is_found_by_the_background_check_before_any_output(db, capsys):
    damage_past_the_head(db)
    fake_the_stamp(db)
    before = sha256(db)
    assert main(["figures", "--db", str(db), "--month", "2024-02", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # the figures of a damaged file are never printed
    assert captured.err.startswith("ddcase: The database file") and "is damaged" in captured.err
    assert "ddcase restore" in captured.err or "No verified backup" in captured.err
    assert sha256(db) == before
    assert not stamp_path(db).exists()
    assert main(["figures", "--db", str(db), "--month", "2024-02"]) == 2  # refused before opening now


def test_no_write_reaches_a_damaged_file_while_the_background_check_runs(db):
    damage_past_the_head(db)
    fake_the_stamp(db)
    before = sha256(db)
    app = open_app(db)  # opens at once: the check runs alongside
    try:
        assert app.opening_check.in_background
        with pytest.raises(DamagedDatabaseError, match="ddcase has not changed it"):
            app.casework.save_client(Client("NEW1", "ZZ"))
    finally:
        app.close()
    assert sha256(db) == before


def test_writes_wait_for_the_background_check_and_then_go_through(db):
    app = open_app(db)
    try:
        check = app.opening_check
        assert check is not None and check.in_background
        app.casework.save_client(Client("NEW1", "ZZ"))
        assert check.ok  # the save waited for it
    finally:
        app.close()
    assert stamp_matches(db)  # closed cleanly after a passed check: stamped again
    assert "NEW1" in client_refs(db)


def test_a_crash_leaves_a_wal_and_the_next_opening_checks_in_full(db):
    program = (
        "import os, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "conn.execute('PRAGMA journal_mode=WAL')\n"
        "conn.create_function('ddcase_session', 0, lambda: 1)  # as ddcase's connections have\n"
        "conn.execute(\"UPDATE client SET initials = 'QQ' WHERE client_ref = 'G1'\")\n"
        "os._exit(0)  # no close: the -wal stays, as after a crash\n"
    )
    subprocess.run([sys.executable, "-c", program, str(db)], check=True)
    assert Path(f"{db}-wal").exists()
    assert not stamp_matches(db)
    assert inspect_file(db, unchanged_may_wait=True).finished  # checked before opening


def test_a_copy_or_a_restored_file_is_checked_in_full(db, tmp_path):
    copy = tmp_path / "copy" / "case.sqlite3"
    copy.parent.mkdir()
    shutil.copy2(db, copy)
    shutil.copy2(stamp_path(db), stamp_path(copy))  # the stamp copied along with it
    assert not stamp_matches(copy)  # another inode
    replaced = db.with_name("replacement.sqlite3")
    shutil.copyfile(db, replaced)
    os.replace(replaced, db)  # what a restore does
    assert not stamp_matches(db)


def test_an_encrypted_database_is_checked_in_the_background_through_its_key(db, tmp_path, capsys):
    pytest.importorskip("sqlcipher3")
    assert main(["encrypt", "--db", str(db), "--recovery-file", str(tmp_path / "recovery.txt")]) == 0
    assert main(["figures", "--db", str(db), "--month", "2024-02"]) == 0  # the new file: checked in full
    assert stamp_matches(db)
    app = open_app(db)
    try:
        check = app.opening_check
        assert check is not None and check.in_background
        app.wait_for_opening_check()  # quick_check through the key: a keyless one would fail
        assert check.ok
    finally:
        app.close()
    capsys.readouterr()


def test_the_opening_check_calls_back_when_it_finishes_instead_of_being_polled(tmp_path):
    import threading

    from ddcase.storage.opening import OpeningCheck

    release = threading.Event()
    called: list[str] = []

    def slow_check(_path: Path) -> list[str]:
        release.wait(10)
        return ["*** in database main ***", "page 3 is damaged"]

    check = OpeningCheck(tmp_path / "log.db", run=slow_check).start()
    done = threading.Event()
    check.when_done(lambda: (called.append("first"), done.set()))
    check.when_done(lambda: 1 / 0)  # a failing callback is logged, never raised in the thread
    time.sleep(0.05)
    assert called == []  # not before the check has finished
    release.set()
    assert done.wait(10)
    assert called == ["first"]
    check.when_done(lambda: called.append("after"))  # registered late: called at once
    assert called == ["first", "after"]
    with pytest.raises(DamagedDatabaseError, match="page 3 is damaged"):
        check.require()
    passed = OpeningCheck.passed(tmp_path / "log.db")
    passed.when_done(lambda: called.append("passed"))
    assert called[-1] == "passed" and passed.error() is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own nice value is Linux's")
def test_the_background_check_gives_way_to_the_apps_threads(tmp_path):
    """The check in the background runs at a lower priority than the thread that opened the
    file (issue 18: the first figures read on both cores while it runs), and leaves the
    opener's own priority as it was."""
    import threading

    from ddcase.storage.opening import GIVE_WAY_NICE, OpeningCheck

    seen: list[int] = []

    def check(_path: Path) -> list[str]:
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return ["ok"]

    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    opening = OpeningCheck(tmp_path / "log.db", run=check).start()
    assert opening.wait(10)
    assert seen == [min(before + GIVE_WAY_NICE, 19)]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before
