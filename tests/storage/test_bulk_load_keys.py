"""A first import into a new SQLite file runs with the connection's foreign keys off and checks
them all once before its commit (issue 18: a million contacts' three keys looked up row by row
were a fifth of their inserts' work). A broken link still refuses the import with nothing
written; the connection has its keys back afterwards however the import ended; an import into a
log that holds records checks them row by row as before; and on PostgreSQL nothing changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, text

from ddcase.domain import DomainError, ImportRejected
from ddcase.services.casework import CaseworkService
from ddcase.services.transfer import TransferService
from ddcase.storage import bulk_load
from ddcase.storage.database import BrokenLinksError, Database, IntegrityError
from tests.services.test_transfer import big_folder

EMPTY = {"workers": 0, "clients": 0, "episodes": 0, "contacts": 0}


def _keys_while_inserting(engine) -> list[int]:  # type: ignore[no-untyped-def]
    """PRAGMA foreign_keys on the import's connection at each INSERT into contact or episode."""
    seen: list[int] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.startswith(("INSERT INTO contact", "INSERT INTO episode")):
            seen.append(conn.connection.driver_connection.execute("PRAGMA foreign_keys").fetchone()[0])

    return seen


def _every_connection_has_its_keys(engine) -> bool:  # type: ignore[no-untyped-def]
    """Every connection the pool holds (checked out at once, so none is skipped) enforces keys."""
    held = [engine.connect() for _ in range(engine.pool.checkedin() + 1)]
    try:
        return all(conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1 for conn in held)
    finally:
        for conn in held:
            conn.close()


def _dangling(writer_write):  # type: ignore[no-untyped-def]
    """ContactWriter.write with its first row's client id pointing at no client."""

    def write(self, rows):  # type: ignore[no-untyped-def]
        if rows and self.created == 0:
            rows = [(rows[0][0] + 10_000_000, *rows[0][1:]), *rows[1:]]
        writer_write(self, rows)

    return write


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_first_import_inserts_with_keys_off_and_gives_the_connection_them_back(
    tmp_path: Path, context, engine
):
    seen = _keys_while_inserting(engine)

    summary = TransferService(context, chunk_size=100).import_folder(
        big_folder(tmp_path / "f", clients=30, contacts=400)
    )

    assert summary.contacts.created == 400
    assert seen and set(seen) == {0}
    assert _every_connection_has_its_keys(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_an_import_into_a_log_with_records_checks_keys_row_by_row(tmp_path: Path, context, engine):
    TransferService(context).import_folder(big_folder(tmp_path / "a", clients=5, contacts=10))
    seen = _keys_while_inserting(engine)

    TransferService(context, chunk_size=100).import_folder(
        big_folder(tmp_path / "f", clients=30, contacts=400)
    )

    assert seen and set(seen) == {1}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("child", [None, 0], ids=["one process", "child"])
def test_a_first_import_with_a_broken_link_is_refused_with_nothing_written(
    tmp_path: Path, context, engine, monkeypatch, child
):
    """A contact naming no client (planted past the stream's own checks, which refuse such a
    row first) is found by the check before the commit: the import is refused in words, the
    file holds nothing, and the connection has its keys back."""
    monkeypatch.setattr(bulk_load.ContactWriter, "write", _dangling(bulk_load.ContactWriter.write))

    with pytest.raises(BrokenLinksError, match=r"1 rows \(contact\) naming a record that is not there"):
        TransferService(context, chunk_size=100, child_from_bytes=child).import_folder(
            big_folder(tmp_path / "f", clients=30, contacts=400)
        )

    assert CaseworkService(context).counts() == EMPTY
    assert _every_connection_has_its_keys(engine)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_first_import_that_fails_part_way_leaves_nothing_and_the_keys_on(
    tmp_path: Path, context, engine, monkeypatch
):
    def finish(self):  # type: ignore[no-untyped-def]
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(bulk_load.ContactWriter, "finish", finish)

    with pytest.raises(RuntimeError, match="the disk went away"):
        TransferService(context, chunk_size=100).import_folder(
            big_folder(tmp_path / "f", clients=30, contacts=400)
        )

    assert CaseworkService(context).counts() == EMPTY
    assert _every_connection_has_its_keys(engine)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_an_unknown_client_in_contacts_csv_is_still_refused_as_a_problem(tmp_path: Path, context, engine):
    folder = big_folder(tmp_path / "f", clients=30, contacts=400)
    contacts = folder / "contacts.csv"
    contacts.write_text(
        contacts.read_text(encoding="utf-8") + "RT404,2026-10-01,liaison,telephone,,,,,,\n", encoding="utf-8"
    )

    with pytest.raises(ImportRejected) as rejected:
        TransferService(context, chunk_size=100).import_folder(folder)

    assert "RT404" in str(rejected.value)
    assert CaseworkService(context).counts() == EMPTY
    assert _every_connection_has_its_keys(engine)


def test_a_write_checked_at_commit_refuses_a_broken_link_on_either_database(context, engine, backend):
    """`Database.write(keys_checked_at_commit=True)`: SQLite checks at the commit; PostgreSQL (the
    option means nothing there) refuses at the statement, as every write does. Either way
    nothing is saved, and the next write on SQLite checks row by row again."""
    db: Database = context.db
    insert = text(
        "INSERT INTO contact (client_id, date, kind, mode, outcome, client_present, fingerprint, version, "
        "updated_at, updated_by) VALUES (424242, '2026-10-01', 'liaison', 'telephone', 'attended', 0, :f, 1, "
        "'2026-11-22 10:42:00', 'x')"
        if backend == "sqlite"
        else "INSERT INTO contact (client_id, date, kind, mode, outcome, client_present, fingerprint, version, "
        "updated_at, updated_by) VALUES (424242, '2026-10-01', 'liaison', 'telephone', 'attended', false, :f, 1, "
        "now(), 'x')"
    )
    expected: type[Exception] = BrokenLinksError if backend == "sqlite" else IntegrityError
    with pytest.raises(expected), db.write(keys_checked_at_commit=True) as session:
        session.execute(insert, {"f": "a" * 64})
        if backend == "sqlite":
            assert session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 0

    assert CaseworkService(context).counts() == EMPTY
    with pytest.raises(IntegrityError), db.write() as session:  # row by row again
        session.execute(insert, {"f": "b" * 64})
    assert isinstance(BrokenLinksError("x"), DomainError)
