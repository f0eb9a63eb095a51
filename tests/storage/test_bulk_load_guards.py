"""A first import runs its contacts' and episodes' inserts without the tables' INSERT guard
(revision 0008's trigger, which calls back into Python for every row and never refuses ddcase's
own connection), inside its transaction: the guard is back exactly as it was afterwards, whether
the import committed or was rejected, and still refuses a row from any other connection."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event

from ddcase.domain import ImportRejected
from ddcase.services.transfer import TransferService
from tests.services.test_transfer import big_folder

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _triggers(engine) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        ).all()


def _guarded_while_inserting(engine) -> list[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    """For each INSERT into contact or episode: whether that table's insert guard was there."""
    seen: list[tuple[str, bool]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        for table in ("contact", "episode"):
            if statement.startswith(f"INSERT INTO {table} "):
                found = conn.connection.driver_connection.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                    (f"{table}_through_ddcase_insert",),
                ).fetchone()
                seen.append((table, found is not None))

    return seen


def test_a_first_import_inserts_without_the_guard_and_puts_it_back(tmp_path: Path, context, engine):
    before = _triggers(engine)
    assert "contact_through_ddcase_insert" in [name for name, _ in before]
    seen = _guarded_while_inserting(engine)

    TransferService(context, chunk_size=100).import_folder(
        big_folder(tmp_path / "f", clients=30, contacts=400)
    )

    assert {table for table, _ in seen} == {"contact", "episode"}
    assert not any(guarded for _, guarded in seen)
    assert _triggers(engine) == before
    outsider = sqlite3.connect(str(context.db.path))  # not ddcase's: no ddcase_session()
    try:
        with pytest.raises(sqlite3.OperationalError):
            outsider.execute(
                "INSERT INTO contact (client_id, date, kind, mode, outcome, fingerprint) "
                "VALUES (1, '2026-10-01', 'liaison', 'telephone', 'attended', 'x')"
            )
    finally:
        outsider.close()


def test_a_rejected_first_import_leaves_the_guards_as_they_were(tmp_path: Path, context, engine):
    before = _triggers(engine)
    folder = big_folder(tmp_path / "f", clients=30, contacts=400)
    contacts = folder / "contacts.csv"
    contacts.write_text(
        contacts.read_text(encoding="utf-8") + "RT404,2026-10-01,liaison,telephone,,,,,,\n", encoding="utf-8"
    )

    with pytest.raises(ImportRejected):
        TransferService(context, chunk_size=100).import_folder(folder)

    assert _triggers(engine) == before


def test_an_import_into_a_log_with_contacts_keeps_the_guard(tmp_path: Path, context, engine):
    TransferService(context).import_folder(big_folder(tmp_path / "a", clients=5, contacts=10))
    before = _triggers(engine)
    seen = _guarded_while_inserting(engine)

    TransferService(context, chunk_size=100).import_folder(
        big_folder(tmp_path / "f", clients=30, contacts=400)
    )

    assert seen and all(guarded for _, guarded in seen)
    assert _triggers(engine) == before
