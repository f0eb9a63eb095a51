"""A database made by the first release (schema 0001, tests/fixtures/db-0001.sqlite3) opens in
this version: migrated to the newest revision with its records intact."""

from __future__ import annotations

import shutil
from pathlib import Path

from ddcase.domain import Month
from ddcase.services.base import Context
from ddcase.services.registry import Services
from ddcase.storage.database import Database, make_engine
from ddcase.storage.migrations import migrate, plan

FIXTURE = Path(__file__).parents[1] / "fixtures" / "db-0001.sqlite3"


def test_the_first_release_database_migrates_to_the_newest_revision_with_its_records(tmp_path):
    copy = tmp_path / "old.sqlite3"
    shutil.copyfile(FIXTURE, copy)
    engine = make_engine(f"sqlite:///{copy}")
    try:
        before = plan(engine)
        assert before.current == "0001"
        migrate(engine)
        assert plan(engine).current == before.head
        app = Services.build(Context(Database(engine)))
        assert [client.client_ref for client in app.casework.clients()] == [
            "FX000001",
            "FX000002",
            "FX000003",
        ]
        october = app.figures.month(Month.parse("2026-10"), None)
        assert (october.mutual_clients, october.jointly_worked) == (3, 2)
    finally:
        engine.dispose()


def test_the_command_line_says_it_is_updating_an_older_database_and_only_then(tmp_path, capsys):
    """The update (after its backup) takes a minute on a trust's log: stderr says why the
    command seems slow; stdout keeps only the command's own output."""
    import json

    from ddcase.cli import main

    copy = tmp_path / "old.sqlite3"
    shutil.copyfile(FIXTURE, copy)
    assert main(["figures", "--month", "2026-10", "--json", "--db", str(copy)]) == 0
    first = capsys.readouterr()
    assert "updating the database for this version" in first.err
    assert json.loads(first.out)["jointly_worked"] == 2
    assert main(["figures", "--month", "2026-10", "--json", "--db", str(copy)]) == 0
    again = capsys.readouterr()
    assert "updating" not in again.err and json.loads(again.out) == json.loads(first.out)
