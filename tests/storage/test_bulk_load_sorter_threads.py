"""A first load builds its contact indexes after the last row with SQLite's sorter threads
(`PRAGMA threads`, issue 18, seventh round: by then the child reading contacts.csv has ended and
its core is free), the episodes' (built while the child still reads) without; every connection
has its threads back afterwards however the import ended; and what is stored is what a build
without threads stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, text

from ddcase.domain import DomainError
from ddcase.services.transfer import TransferService
from ddcase.storage import bulk_load
from ddcase.storage.database import make_engine
from ddcase.storage.migrations import migrate
from tests.conftest import make_context
from tests.services.test_transfer import big_folder
from tests.services.test_transfer_streaming import schema

_CONTACTS = "SELECT * FROM contact ORDER BY id"


def _threads_at_each_build(engine) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    """(the table, PRAGMA threads on the import's connection) at each CREATE INDEX."""
    seen: list[tuple[str, int]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX")):
            table = statement.split(" ON ", 1)[1].split()[0].strip('"')
            seen.append((table, conn.connection.driver_connection.execute("PRAGMA threads").fetchone()[0]))

    return seen


def _every_connection_has_no_threads(engine) -> bool:  # type: ignore[no-untyped-def]
    held = [engine.connect() for _ in range(engine.pool.checkedin() + 1)]
    try:
        return all(conn.exec_driver_sql("PRAGMA threads").scalar() == 0 for conn in held)
    finally:
        for conn in held:
            conn.close()


@pytest.mark.parametrize(
    ("cores", "threads"), [(1, 0), (2, 1), (3, 2), (16, 2)], ids=["1core", "2cores", "3cores", "16cores"]
)
def test_the_sorter_has_one_thread_a_spare_core_up_to_its_limit(monkeypatch, cores: int, threads: int):
    monkeypatch.setattr(bulk_load, "usable_cores", lambda: cores)  # how they are counted: tests/test_cores.py
    assert bulk_load.sorter_threads() == threads


def _new_log(path: Path):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    return engine


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_first_load_builds_the_contact_indexes_with_threads_and_stores_the_same(
    tmp_path: Path, context, monkeypatch
):
    """The same folder into two new files, without the sorter's threads and with two: the
    contact builds (only) ran with them, and the two files hold the same contacts."""
    before = schema(context)
    folder = big_folder(tmp_path / "f", clients=40, contacts=900)
    stored = []
    for threads in (0, 2):
        engine = _new_log(tmp_path / f"threads{threads}.sqlite3")
        try:
            seen = _threads_at_each_build(engine)
            monkeypatch.setattr(bulk_load, "sorter_threads", lambda threads=threads: threads)
            log = make_context(engine)

            TransferService(log, chunk_size=100).import_folder(folder)

            assert {t for table, t in seen if table == "contact"} == {threads}
            assert {t for table, t in seen if table == "episode"} == {0}
            assert _every_connection_has_no_threads(engine)
            assert schema(log) == before
            with log.db.read() as session:
                assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                stored.append(session.execute(text(_CONTACTS)).all())
        finally:
            engine.dispose()
    assert len(stored[0]) == 900 and stored[0] == stored[1]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_load_failing_in_its_builds_leaves_every_connection_without_threads(
    tmp_path: Path, context, engine, monkeypatch
):
    monkeypatch.setattr(bulk_load, "sorter_threads", lambda: 2)
    real = bulk_load.create_indexes

    def failing(session, statements):  # type: ignore[no-untyped-def]
        statements = list(statements)
        if any(" ON contact " in sql for sql in statements):
            raise DomainError("the builds failed")
        real(session, statements)

    monkeypatch.setattr(bulk_load, "create_indexes", failing)
    before = schema(context)

    with pytest.raises(DomainError, match="the builds failed"):
        TransferService(context, chunk_size=100).import_folder(
            big_folder(tmp_path / "f", clients=20, contacts=300)
        )

    assert _every_connection_has_no_threads(engine)
    assert schema(context) == before
