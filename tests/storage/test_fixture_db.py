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
