"""Issue 14, hole 8: the smaller holes, each refused or warned about with a clear message."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from ddcase.cli import main, open_services
from ddcase.domain import DomainError
from ddcase.services.backup import backups_folder
from tests.safety.helpers import damage, execute, make_db, open_app
from tests.services.test_team_database import add_person, team_db

__all__ = ["team_db"]  # the fixture, used by name

_numbers = itertools.count(1)


# ---------------------------------------------------------------------- team-setup's owner


@pytest.fixture
def owner_database(pg_admin):
    """An owner role and its database made exactly as docs/team-database.md section 2 says."""
    number = f"{os.getpid()}_{next(_numbers)}"
    owner, database = f"owner_{number}", f"team_{number}"
    pg_admin.execute(f"CREATE ROLE {owner} LOGIN")
    pg_admin.execute(f"CREATE DATABASE {database} OWNER {owner} ENCODING 'UTF8'")
    yield owner, pg_admin.url(database, owner)
    pg_admin.drop_database(database)
    pg_admin.execute(f"DROP ROLE IF EXISTS {owner}")


def test_team_setup_by_an_owner_without_createrole_names_the_privilege_and_the_fix(
    owner_database, pg_admin, capsys
):
    owner, url = owner_database
    code = main(["team-setup", "--db", url])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "CREATEROLE" in err and f"ALTER ROLE {owner} CREATEROLE;" in err
    assert "unexpected" not in err

    pg_admin.execute(f"ALTER ROLE {owner} CREATEROLE")  # what the message said to run
    assert main(["team-setup", "--db", url]) == 0
    assert (
        main(["team-setup", "--db", url, "--add-user", f"p_{owner}", "--role", "readonly", "--no-password"])
        == 0
    )
    with pg_admin.engine.connect() as conn:
        assert conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": f"p_{owner}"}).first()
    pg_admin.execute(f"DROP ROLE IF EXISTS p_{owner}")


def _role(pg_admin, name: str) -> tuple[object, ...] | None:
    with pg_admin.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT a.rolpassword, a.rolsuper, array(SELECT g.rolname FROM pg_auth_members m "
                "JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = a.oid ORDER BY 1) "
                "FROM pg_authid a WHERE a.rolname = :n"
            ),
            {"n": name},
        ).first()
    return None if row is None else tuple(row)


def test_add_user_never_adopts_the_superuser_or_a_role_ddcase_did_not_create(team_db, pg_admin, capsys):
    number = f"{os.getpid()}_{next(_numbers)}"
    superuser, outsider = f"postgres_{number}", f"outsider_{number}"
    pg_admin.execute(f"CREATE ROLE {superuser} SUPERUSER LOGIN PASSWORD 'the cluster superuser password'")
    pg_admin.execute(f"CREATE ROLE {outsider} LOGIN PASSWORD 'their own password'")
    before = {name: _role(pg_admin, name) for name in (superuser, outsider)}
    try:
        for name in (superuser, outsider):
            code = main(
                ["team-setup", "--db", team_db, "--add-user", name, "--role", "manager", "--no-password"]
            )
            err = capsys.readouterr().err
            assert code == 2, err
            assert f"{name} is an existing PostgreSQL role that ddcase did not create" in err
            assert "left as it is" in err
            services = open_services(team_db)
            try:
                with pytest.raises(DomainError, match="did not create"):
                    services.team_database.add_user(name, "readonly", "a new password for it")
            finally:
                services.close()
            assert _role(pg_admin, name) == before[name]  # password, superuser, groups: untouched
        # A login ddcase made can still change role, as before.
        person = add_person(team_db, "readonly")
        assert (
            main(["team-setup", "--db", team_db, "--add-user", person, "--role", "manager", "--no-password"])
            == 0
        )
    finally:
        pg_admin.execute(f"DROP ROLE IF EXISTS {outsider}")
        pg_admin.execute(f"DROP ROLE IF EXISTS {superuser}")


# ---------------------------------------------------------------------- partial copies of backups

SRC = Path(__file__).resolve().parents[2] / "src"

# A backup killed while its copy is being written: the copy (`.partial`) and SQLite's journal
# beside it (`.partial-journal`, a write under way) are left, both in plain text.
KILLED_DURING_A_BACKUP = """
import os, signal, sqlite3, sys
import ddcase.services.backup as backup
from ddcase.cli import main

def killed(path, key=None):
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("PRAGMA user_version = 7")
    conn.execute("CREATE TABLE scratch (x)")
    if hasattr(signal, "SIGKILL"):
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(137)  # Windows: ended at once, no clean-up runs, as TerminateProcess would

backup.verify_backup = killed
main(["backup", "--db", sys.argv[1]])
"""


def kill_a_backup(db: Path) -> list[Path]:
    done = subprocess.run(
        [sys.executable, "-c", KILLED_DURING_A_BACKUP, str(db)],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in (-9, 137), done.stderr
    left = partial_copies(db)
    assert {"partial", "partial-journal"} <= {p.name.rsplit(".", 1)[-1] for p in left}, left
    return left


def partial_copies(db: Path) -> list[Path]:
    return sorted(p for p in backups_folder(db).glob("*") if ".partial" in p.name)


@pytest.fixture
def log_with_a_backup(tmp_path: Path) -> Path:
    db = make_db(tmp_path / "case.sqlite3", ["A1", "A2"], with_history=True)
    assert main(["backup", "--db", str(db)]) == 0
    return db


def test_a_killed_backups_partial_copy_and_journal_are_deleted_at_the_next_start(log_with_a_backup):
    db = log_with_a_backup
    kill_a_backup(db)
    app = open_app(db)  # the next start, straight after the kill
    app.close()
    assert partial_copies(db) == []


def test_rotation_and_purge_reach_partial_copies_left_while_the_app_is_open(log_with_a_backup):
    db = log_with_a_backup
    app = open_app(db)
    try:
        kill_a_backup(db)  # another ddcase, killed while this one is open
        app.backup.backup()  # then rotated
        assert partial_copies(db) == []
        kill_a_backup(db)
        app.retention.purge(date(2025, 1, 1))
        assert partial_copies(db) == []
    finally:
        app.close()


def test_a_failed_backup_leaves_no_partial_copy_or_journal(log_with_a_backup, monkeypatch, capsys):
    import ddcase.services.backup as backup

    real_copy = backup.copy_database

    def copy_then_fail(source, target, key=None, *, source_key=None):  # type: ignore[no-untyped-def]
        real_copy(source, target, key, source_key=source_key)
        Path(f"{target}-journal").write_bytes(b"pages of the copy")  # a write cut short
        raise backup.BackupError("The disk is full: the backup was not made.")

    monkeypatch.setattr(backup, "copy_database", copy_then_fail)
    db = log_with_a_backup
    assert main(["backup", "--db", str(db)]) == 2
    assert "disk is full" in capsys.readouterr().err
    assert partial_copies(db) == []


def test_a_backup_under_way_in_another_process_keeps_its_partial_copy(log_with_a_backup):
    """The clean-up at start-up must not pull the copy from under a backup that is running."""
    import ddcase.services.backup as backup

    db = log_with_a_backup
    folder = backups_folder(db)
    target = folder / "case-20991231T235959-manual.sqlite3"
    with backup.backup_under_way(target) as partial:
        partial.write_bytes(b"a copy being written")
        app = open_app(db)
        app.close()
        assert partial.exists()
    app = open_app(db)
    app.close()
    assert partial_copies(db) == []


# ---------------------------------------------------------------------- --db naming a folder


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["backup"],
        ["restore", "x.sqlite3"],
        ["figures", "--month", "2026-01"],
        ["demo"],
        ["import", "."],
    ],
)
def test_db_naming_a_folder_is_refused_clearly_by_every_command(tmp_path, capsys, command):
    folder = tmp_path / "a folder"
    folder.mkdir()
    code = main([*command, "--db", str(folder)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"{folder} is a folder: give --db the database file inside it." in err
    assert "unexpected" not in err
    assert list(folder.iterdir()) == []


# ---------------------------------------------------------------------- restore's messages


@pytest.mark.parametrize("kind", ["random", "foreign", "empty", "newer", "damaged", "table missing"])
def test_restore_names_the_users_file_never_its_temporary_copy(log_with_a_backup, tmp_path, capsys, kind):
    db = log_with_a_backup
    bad = tmp_path / "my backup.sqlite3"
    if kind == "random":
        bad.write_bytes(os.urandom(8192))
    elif kind == "foreign":
        execute(bad, "CREATE TABLE patients (id INTEGER PRIMARY KEY)")
    elif kind == "empty":
        execute(bad, "PRAGMA user_version = 0", "VACUUM")
    else:
        assert main(["backup", "--db", str(db), "--to", str(bad)]) == 0
        if kind == "newer":
            execute(bad, "UPDATE alembic_version SET version_num = '9999'")
        elif kind == "damaged":
            damage(bad)
        else:
            execute(bad, "PRAGMA foreign_keys = OFF", "DROP TABLE contact")
    capsys.readouterr()
    code = main(["restore", "--db", str(db), str(bad)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "my backup.sqlite3" in err, err
    assert "restoring" not in err and f".{db.name}" not in err, err


# ---------------------------------------------------------------------- NHS numbers to warn about

A_NUMBER, ANOTHER = "401 023 4563", "612 345 6784"  # valid, from England's ranges


def test_import_lists_duplicate_and_never_issued_nhs_numbers_as_warnings_and_imports_them(tmp_path, capsys):
    from ddcase.domain.validation import normalise_nhs_number

    assert normalise_nhs_number(A_NUMBER) and normalise_nhs_number(ANOTHER)
    db = make_db(tmp_path / "case.sqlite3", [])
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "clients.csv").write_text(
        "client_ref,initials,nhs_number\n"
        f"RT1,AB,{A_NUMBER}\n"
        f"RT2,CD,{A_NUMBER}\n"
        "RT3,EF,1111111111\n"
        f"RT4,GH,{ANOTHER}\n",
        encoding="utf-8",
    )
    code = main(["import", str(folder), "--db", str(db)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "clients: 4 created" in out
    assert "clients.csv:3: nhs_number: 401 023 4563 is already recorded for client RT1" in out
    assert "clients.csv:4: nhs_number: all ten digits are the same" in out
    assert "clients.csv:5" not in out and "clients.csv:2" not in out.split("already recorded")[0]
    # The log now holds the duplicate: importing again says so again, about both records.
    assert main(["import", str(folder), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "clients.csv:2: nhs_number: 401 023 4563 is already recorded for client RT2" in out
    assert "clients.csv:3: nhs_number: 401 023 4563 is already recorded for client RT1" in out


# ---------------------------------------------------------------------- invisible characters

RLO = "\u202e"  # right-to-left override: "gnikool" would read "looking"


@pytest.fixture
def services(context):  # type: ignore[no-untyped-def]
    from ddcase.services.registry import Services

    return Services.build(context)


def _refused(field: str, save) -> None:  # type: ignore[no-untyped-def]
    from ddcase.domain import ValidationError

    with pytest.raises(ValidationError) as caught:
        save()
    assert f"{field}: contains an invisible character that changes how the text is shown (U+202E" in str(
        caught.value
    )


def test_a_direction_override_is_refused_in_every_text_field_by_the_services(services):
    from ddcase.domain import (
        Annotation,
        Client,
        Contact,
        ContactKind,
        ContactMode,
        Episode,
        MeasureSettings,
        Month,
        Service,
        Worker,
    )
    from ddcase.domain.measures import ManualMeasure

    casework = services.casework
    casework.save_worker(Worker("Ann Smith", "ELFT", Service.MENTAL_HEALTH))
    casework.save_client(Client("RT1", "AB"))
    for field in ("name", "organisation", "email", "phone"):
        values = {"name": "Bo Li", "organisation": "ELFT", "email": None, "phone": None}
        values[field] = f"x{RLO}y"
        _refused(field, lambda v=values: casework.save_worker(Worker(service=Service.MENTAL_HEALTH, **v)))
    _refused("client_ref", lambda: casework.save_client(Client(f"RT{RLO}2", "AB")))
    _refused("initials", lambda: casework.save_client(Client("RT2", f"A{RLO}B")))
    for field in ("organisation", "team", "worker"):
        values = {"organisation": "ELFT", "team": None, "worker": None, field: f"x{RLO}y"}
        _refused(
            field,
            lambda v=values: casework.save_episode(
                Episode("RT1", Service.MENTAL_HEALTH, start_date=date(2026, 1, 5), **v)
            ),
        )
    _refused(
        "note",
        lambda: casework.save_contact(
            Contact("RT1", date(2026, 1, 5), ContactKind.LIAISON, ContactMode.TELEPHONE, note=f"rang {RLO}ti")
        ),
    )
    definition = services.definitions.latest()
    _refused(
        "note", lambda: services.definitions.agree(replace_note(definition, f"new {RLO}rule"), Month(2027, 1))
    )
    _refused("text", lambda: services.notes.save_annotation(Annotation(Month(2026, 1), f"PDSA {RLO}1")))
    _refused(
        "team", lambda: services.notes.save_annotation(Annotation(Month(2026, 1), "PDSA 1", team=f"N{RLO}"))
    )
    _refused(
        "aim_text", lambda: services.notes.save_measure_settings(MeasureSettings(aim_text=f"aim {RLO}x"))
    )
    for field in ("name", "owner", "data_source", "team"):
        values = {"name": "Waits", "owner": None, "data_source": None, "team": None, field: f"x{RLO}y"}
        _refused(field, lambda v=values: services.manual_measures.define(ManualMeasure("waits", **v)))
    # Caseload audits (issue 17): the audit's name, team and questions, and the pasted caseload.
    from ddcase.domain.audits import AuditQuestion, read_caseload

    _refused("name", lambda: services.audits.define("north", f"North {RLO}audit"))
    _refused("team", lambda: services.audits.define("north", "North audit", team=f"N{RLO}"))
    _refused(
        "housing",
        lambda: services.audits.define(
            "north", "North audit", questions=[AuditQuestion("housing", f"Ho{RLO}use?")]
        ),
    )
    _refused("line 1: reference", lambda: read_caseload(f"RT{RLO}1,AB\n"))


def replace_note(definition, note: str):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(definition, note=note, joint_contacts_min=definition.joint_contacts_min + 1)


def test_a_direction_override_in_an_import_is_refused_with_file_and_line(tmp_path, capsys):
    db = make_db(tmp_path / "case.sqlite3", [])
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "workers.csv").write_text(
        f"name,organisation,service\nAnn Smith,ELFT,mental_health\nBo{RLO} Li,ELFT,mental_health\n",
        encoding="utf-8",
    )
    (folder / "clients.csv").write_text("client_ref,initials\nRT1,AB\n", encoding="utf-8")
    (folder / "contacts.csv").write_text(
        f"client_ref,date,kind,mode,note\nRT1,2026-01-05,liaison,telephone,rang {RLO}ti\n", encoding="utf-8"
    )
    code = main(["import", str(folder), "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert (
        "workers.csv:3: name: contains an invisible character that changes how the text is shown (U+202E"
        in err
    )
    assert (
        "contacts.csv:2: note: contains an invisible character that changes how the text is shown (U+202E"
        in err
    )
