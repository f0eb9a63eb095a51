"""Backups and restore as a user runs them: `ddcase backup`, `ddcase restore`, the daily backup
at start-up, the backup before a migration, rotation, and the checks a backup must pass."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from ddcase.cli import main
from ddcase.services.backup import list_backups, rotate
from tests.permissions import owner_mode
from tests.safety.helpers import client_refs, damage, execute, make_db, open_app, sha256

SRC = Path(__file__).resolve().parents[2] / "src"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_db(tmp_path / "case.sqlite3", ["A1", "A2", "A3"], with_history=True)


def test_backup_is_checked_owner_only_and_audited(capsys, db):
    code, out, err = run(capsys, "backup", "--db", str(db))
    assert code == 0, err
    made = [b for b in list_backups(db) if b.kind == "manual"]
    assert len(made) == 1 and str(made[0].path) in out
    assert owner_mode(made[0].path, 0o600) == 0o600
    assert owner_mode(made[0].path.parent, 0o700) == 0o700
    with sqlite3.connect(made[0].path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
    assert client_refs(made[0].path) == {"A1", "A2", "A3"}
    app = open_app(db)
    try:
        assert app.audit_trail.latest(1)[0].action == "backup"
    finally:
        app.close()


def test_backup_to_a_chosen_file_refuses_to_overwrite(capsys, db, tmp_path):
    target = tmp_path / "usb" / "copy.sqlite3"
    assert run(capsys, "backup", "--db", str(db), "--to", str(target))[0] == 0
    assert client_refs(target) == {"A1", "A2", "A3"}
    before = sha256(target)
    code, _, err = run(capsys, "backup", "--db", str(db), "--to", str(target))
    assert code == 2 and "already exists" in err and "Traceback" not in err
    assert sha256(target) == before


def test_the_daily_backup_is_made_once_a_day_at_start_up(capsys, db):
    dailies = [b for b in list_backups(db) if b.kind == "daily"]
    assert len(dailies) == 1  # made when the database was first opened
    for _ in range(3):
        assert run(capsys, "figures", "--db", str(db), "--month", "2024-02")[0] == 0
    assert [b for b in list_backups(db) if b.kind == "daily"] == dailies


def test_rotation_keeps_seven_days_and_four_weeks(tmp_path):
    db = tmp_path / "case.sqlite3"
    folder = tmp_path / "backups"
    folder.mkdir()
    start = datetime(2026, 11, 22, 9, 0)
    for days_ago in range(60):
        for hour in (9, 15):  # two a day: only the newest of a day is kept
            made = (start - timedelta(days=days_ago)).replace(hour=hour)
            (folder / f"case-{made:%Y%m%dT%H%M%S}-daily.sqlite3").write_bytes(b"x")
    for n in range(6):
        (folder / f"case-2026010{n + 1}T090000-pre-migration.sqlite3").write_bytes(b"x")
    (folder / "other-20261122T090000-daily.sqlite3").write_bytes(b"x")  # another database's
    rotate(db)
    kept = list_backups(db)
    daily = sorted(b.made_at for b in kept if b.kind == "daily")
    last_week = [start.replace(hour=15) - timedelta(days=d) for d in range(7)]
    assert set(last_week) <= set(daily)
    older = [d for d in daily if d not in last_week]
    # newest of each of the last 4 ISO weeks; this week's and last week's newest are in last_week
    assert len({d.isocalendar()[:2] for d in daily}) == 4 and len(older) <= 3
    assert len(daily) <= 7 + 4
    assert sorted(b.made_at.day for b in kept if b.kind == "pre-migration") == [3, 4, 5, 6]
    assert (folder / "other-20261122T090000-daily.sqlite3").exists()


def test_a_migration_is_preceded_by_a_verified_backup(tmp_path, capsys):
    from alembic import command
    from alembic.script import ScriptDirectory

    from ddcase.storage.database import make_engine
    from ddcase.storage.migrations import alembic_config

    path = tmp_path / "old.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    engine.dispose()
    assert run(capsys, "figures", "--db", str(path), "--month", "2026-10")[0] == 0
    (pre,) = [b for b in list_backups(path) if b.kind == "pre-migration"]
    with sqlite3.connect(pre.path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    with sqlite3.connect(path) as conn:
        head = ScriptDirectory.from_config(config).get_current_head()
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (head,)


def test_restore_puts_the_backup_back_and_keeps_the_current_file_aside(capsys, db, tmp_path):
    backup = tmp_path / "before.sqlite3"
    assert run(capsys, "backup", "--db", str(db), "--to", str(backup))[0] == 0
    app = open_app(db)
    from tests.safety.helpers import add_clients

    add_clients(app, ["LATER"])
    app.close()
    code, out, err = run(capsys, "restore", "--db", str(db), str(backup))
    assert code == 0, err
    assert client_refs(db) == {"A1", "A2", "A3"}
    (aside,) = tmp_path.glob("case.sqlite3.before-restore-*")
    assert "LATER" in client_refs(aside) and str(aside) in out
    assert [b for b in list_backups(db) if b.kind == "pre-restore"]
    code, out, _ = run(capsys, "check", "--db", str(db))
    assert code == 0 and "chain unbroken" in out
    app = open_app(db)
    try:
        assert app.audit_trail.latest(5)[-1].action != "restore"
        assert "restore" in [e.action for e in app.audit_trail.latest(5)]
    finally:
        app.close()


def test_restore_never_lets_the_old_wal_into_the_new_file(capsys, db, tmp_path):
    """A crash left committed pages in case.sqlite3-wal; the restored file must not replay them."""
    backup = tmp_path / "before.sqlite3"
    assert run(capsys, "backup", "--db", str(db), "--to", str(backup))[0] == 0
    script = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "for i in range(50):\n"
        "    c.execute(\"INSERT INTO setting (key, value) VALUES (?, 'x')\", (f'wal{i}',))\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(db)], check=True)
    assert Path(f"{db}-wal").stat().st_size > 0
    assert run(capsys, "restore", "--db", str(db), str(backup))[0] == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM setting WHERE key LIKE 'wal%'").fetchone() == (0,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    (aside,) = tmp_path.glob("case.sqlite3.before-restore-*[0-9]")
    with sqlite3.connect(aside) as conn:  # the set-aside file kept its own writes
        assert conn.execute("SELECT count(*) FROM setting WHERE key LIKE 'wal%'").fetchone() == (50,)


def test_restore_rescues_a_damaged_database(capsys, db, tmp_path):
    backup = tmp_path / "good.sqlite3"
    assert run(capsys, "backup", "--db", str(db), "--to", str(backup))[0] == 0
    damage(db)
    code, _, err = run(capsys, "figures", "--db", str(db), "--month", "2024-02")
    assert code == 2 and "The database file" in err and "damaged" in err and "ddcase restore" in err
    assert "Traceback" not in err
    # the message names the newest verified backup in the backups folder
    newest = list_backups(db)[0]
    assert str(newest.path) in err
    assert run(capsys, "restore", "--db", str(db), str(backup))[0] == 0
    assert run(capsys, "check", "--db", str(db))[0] == 0


@pytest.mark.parametrize("kind", ["random", "foreign", "newer", "damaged"])
def test_restore_refuses_a_file_that_is_not_a_usable_backup(capsys, db, tmp_path, kind):
    bad = tmp_path / "bad.sqlite3"
    if kind == "random":
        bad.write_bytes(os.urandom(8192))
    elif kind == "foreign":
        execute(bad, "CREATE TABLE patients (id INTEGER PRIMARY KEY)")
    else:
        assert run(capsys, "backup", "--db", str(db), "--to", str(bad))[0] == 0
        if kind == "newer":
            execute(bad, "UPDATE alembic_version SET version_num = '9999'")
        else:
            damage(bad)
    before_db, before_bad = sha256(db), sha256(bad)
    code, _, err = run(capsys, "restore", "--db", str(db), str(bad))
    assert code == 2 and "Traceback" not in err, err
    assert sha256(db) == before_db and sha256(bad) == before_bad
    assert not list(tmp_path.glob("*.before-restore-*")) and not list(tmp_path.glob(".*restoring*"))


def test_restore_is_refused_while_another_instance_holds_the_database(capsys, db, tmp_path):
    from ddcase.storage.files import instance_lock

    backup = tmp_path / "b.sqlite3"
    assert run(capsys, "backup", "--db", str(db), "--to", str(backup))[0] == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; sys.path.insert(0, sys.argv[2])\n"
            "from pathlib import Path\nfrom ddcase.storage.files import instance_lock\n"
            "with instance_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(30)\n",
            str(db),
            str(SRC),
        ],
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        code, _, err = run(capsys, "restore", "--db", str(db), str(backup))
        assert code == 2 and f"process {holder.pid}" in err
    finally:
        holder.kill()
        holder.wait()
    with instance_lock(db):  # released by the OS when its holder was killed: no clean-up needed
        pass


def test_backups_of_a_team_database_are_the_servers_job(capsys):
    url = "postgresql+psycopg://ddcase@127.0.0.1:1/nowhere"
    for args in (("backup",), ("restore", "x.sqlite3")):
        code, _, err = run(capsys, *args, "--db", url)
        assert code == 2 and "pg_dump" in err and "Traceback" not in err


def test_a_backup_made_while_another_process_writes_restores_and_checks(capsys, db, tmp_path):
    writer = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("writer.py")), str(db), "edits", "W"],
        stdout=subprocess.PIPE,
        text=True,
        # A person's pace between saves: a writer that never pauses can starve the backup's own
        # audit entry past the busy timeout on a loaded machine (seen once in CI).
        env={**os.environ, "PYTHONPATH": str(SRC), "WRITER_PAUSE_S": "0.02"},
        encoding="utf-8",
    )
    try:
        assert writer.stdout.readline().startswith("ack")
        for n in range(3):
            assert run(capsys, "backup", "--db", str(db), "--to", str(tmp_path / f"live{n}.sqlite3"))[0] == 0
    finally:
        writer.kill()
        writer.wait()
    for n in range(3):
        assert run(capsys, "restore", "--db", str(db), str(tmp_path / f"live{n}.sqlite3"))[0] == 0
        code, out, _ = run(capsys, "check", "--db", str(db))
        assert code == 0, out
