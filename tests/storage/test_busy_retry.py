"""Several processes saving to one SQLite file (issue 18): a save that finds the write lock
held past the busy timeout starts again after a short back-off, a bounded number of times, and
only its BEGIN IMMEDIATE is ever tried again. The lock is held by a real second process."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from ddcase.storage import database
from ddcase.storage.database import Database, StorageError, is_busy, make_engine

pytestmark = pytest.mark.sqlite_only

#: Holds the write lock of FILE for SECONDS in its own process, saying "held" once it has it.
HOLDER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT INTO saved (who) VALUES ('holder')")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("COMMIT")
"""

BUSY_MS = 250  # a short busy timeout per try, so the tests take a second, not twenty


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "shared.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA journal_mode = WAL")
        raw.execute("CREATE TABLE saved (id INTEGER PRIMARY KEY, who TEXT NOT NULL)")
    return path


@pytest.fixture
def db(path: Path) -> Iterator[Database]:
    engine = make_engine(f"sqlite:///{path}", busy_timeout_ms=BUSY_MS)
    yield Database(engine)
    engine.dispose()


def hold_write_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    return holder


def save(db: Database, who: str) -> None:
    with db.write() as session:
        session.execute(text("INSERT INTO saved (who) VALUES (:who)"), {"who": who})


def saved(path: Path) -> list[str]:
    with sqlite3.connect(path) as raw:
        return [who for (who,) in raw.execute("SELECT who FROM saved ORDER BY id")]


def test_a_save_waits_for_a_lock_held_longer_than_one_busy_timeout(db, path, caplog):
    caplog.set_level("INFO", logger="ddcase.storage.database")
    holder = hold_write_lock(path, seconds=0.8)  # over three busy timeouts, under four tries
    started = time.monotonic()
    save(db, "person")
    waited = time.monotonic() - started
    assert holder.wait(timeout=10) == 0
    assert saved(path) == ["holder", "person"]  # once each, in the order the lock allowed
    assert waited >= 0.5
    assert "trying to start the save again" in caplog.text


def test_without_the_retry_the_same_lock_is_shown_as_busy(db, path, monkeypatch):
    """The defect the retry fixes: one try, and the person sees "busy" while another process saves."""
    monkeypatch.setattr(database, "WRITE_ATTEMPTS", 1)
    holder = hold_write_lock(path, seconds=0.8)
    with pytest.raises(StorageError, match="busy"):
        save(db, "person")
    assert holder.wait(timeout=10) == 0
    assert saved(path) == ["holder"]


def test_a_lock_held_past_every_try_is_shown_as_busy_after_a_bounded_wait(db, path):
    holder = hold_write_lock(path, seconds=6)
    started = time.monotonic()
    with pytest.raises(StorageError, match="busy"):
        save(db, "person")
    waited = time.monotonic() - started
    holder.kill()
    holder.wait(timeout=10)
    tries = database.WRITE_ATTEMPTS
    backoff = sum(database.WRITE_BACKOFF_S * 2**k for k in range(tries - 1))
    assert tries * BUSY_MS / 1000 <= waited < tries * BUSY_MS / 1000 + 2 * backoff + 1.5
    assert saved(path) == []  # the holder never committed, and the person's save was not made


def test_an_error_inside_a_save_is_not_tried_again(db, path):
    """Only BEGIN is retried: a transaction that has started is never run twice, even when what
    failed inside it looks like "busy"."""
    runs = []
    with pytest.raises(StorageError, match="busy"):
        with db.write() as session:
            runs.append(1)
            session.execute(text("INSERT INTO saved (who) VALUES ('half done')"))
            raise OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
    assert runs == [1]
    assert saved(path) == []  # rolled back, not retried


@pytest.mark.parametrize(
    ("message", "busy"),
    [("database is locked", True), ("database table is locked", False), ("disk I/O error", False)],
)
def test_busy_is_told_from_other_operational_errors(message, busy):
    error = OperationalError("BEGIN IMMEDIATE", {}, Exception(message))
    assert is_busy(error) is busy


def test_the_threads_of_one_process_take_turns_before_waiting_on_the_file(db, path):
    """Ten threads saving at once, each transaction held for 0.25 s: queued at SQLite's busy
    handler the last would wait over two seconds, past every try of a 0.25 s busy timeout;
    taking turns in the process first, none of them waits on the file."""
    import threading

    failures: list[str] = []

    def slow_save(who: str) -> None:
        try:
            with db.write() as session:
                session.execute(text("INSERT INTO saved (who) VALUES (:who)"), {"who": who})
                time.sleep(0.25)
        except StorageError as error:
            failures.append(str(error))

    threads = [threading.Thread(target=slow_save, args=(f"t{i}",)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(saved(path)) == sorted(f"t{i}" for i in range(10))


def test_a_turn_held_too_long_in_the_process_is_shown_as_busy(db, path, monkeypatch):
    """A thread that waits for its turn behind a long save (an import) waits only as long as
    SQLite's own tries would, then is told the database is busy."""
    import threading

    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 100)  # the turn's wait: 4 tries of 0.1 s
    inside, done = threading.Event(), threading.Event()

    def long_save() -> None:
        with db.write() as session:
            session.execute(text("INSERT INTO saved (who) VALUES ('import')"))
            inside.set()
            done.wait(5)

    importer = threading.Thread(target=long_save)
    importer.start()
    inside.wait(5)
    started = time.monotonic()
    with pytest.raises(StorageError, match="busy"):
        save(db, "person")
    waited = time.monotonic() - started
    done.set()
    importer.join()
    assert 0.35 <= waited < 2
    assert saved(path) == ["import"]


def test_two_spellings_of_one_file_take_the_same_turn(path, monkeypatch):
    """The turn is the file's, however its path is spelt (`..`, relative or absolute): a second
    spelling waits for the first's turn instead of crowding SQLite's busy handler beside it."""
    import threading

    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 50)  # the turn's wait: 4 tries of 0.05 s
    monkeypatch.chdir(path.parent)
    inside, done = threading.Event(), threading.Event()

    def hold_turn() -> None:
        with database._one_writer_per_file(path):
            inside.set()
            done.wait(5)

    holder = threading.Thread(target=hold_turn)
    holder.start()
    inside.wait(5)
    try:
        for spelling in (Path(path.name), path.parent / ".." / path.parent.name / path.name):
            with pytest.raises(StorageError, match="busy"), database._one_writer_per_file(spelling):
                pass
    finally:
        done.set()
        holder.join()


def test_a_file_is_one_file_however_windows_spells_it(monkeypatch):
    """Windows ignores case and takes either slash: one file, one key (os.path is ntpath there)."""
    import ntpath
    import os

    spellings = [
        r"C:\Users\Zoë O'Brien\ddcase\ddcase.sqlite3",
        r"c:\users\ZOË O'BRIEN\DDCASE\old\..\DDCASE.SQLITE3",
        "C:/Users/Zoë O'Brien/ddcase/ddcase.sqlite3",
    ]
    with monkeypatch.context() as windows:
        windows.setattr(os, "path", ntpath)
        keys = {database.file_key(Path(spelling)) for spelling in spellings}
    assert len(keys) == 1, keys
