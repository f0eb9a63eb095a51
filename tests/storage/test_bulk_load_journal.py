"""A first import into a new SQLite file writes its one transaction with a rollback journal
rather than WAL (issue 18: WAL writes every page of the load twice), and the file is in WAL mode
again afterwards, whatever happened. A log that holds records, or that another connection has
open, keeps WAL throughout; a crash part-way leaves the new file as it was before the import."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import event

from ddcase.domain import ImportRejected
from ddcase.services.casework import CaseworkService
from ddcase.services.transfer import TransferService
from ddcase.storage.database import make_engine
from tests.conftest import make_context
from tests.services.test_transfer import big_folder

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

EMPTY = {"workers": 0, "clients": 0, "episodes": 0, "contacts": 0}


def _modes_while_loading(engine) -> list[str]:  # type: ignore[no-untyped-def]
    """The journal mode in force at each INSERT into contact and each CREATE INDEX."""
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.startswith(("INSERT INTO contact", "CREATE INDEX", "CREATE UNIQUE INDEX")):
            seen.append(conn.connection.driver_connection.execute("PRAGMA journal_mode").fetchone()[0])

    return seen


def _mode(engine) -> str:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return str(conn.exec_driver_sql("PRAGMA journal_mode").scalar())


def test_a_first_import_loads_with_a_rollback_journal_and_leaves_the_file_in_wal(
    tmp_path: Path, context, engine
):
    seen = _modes_while_loading(engine)

    summary = TransferService(context, chunk_size=100).import_folder(
        big_folder(tmp_path / "f", clients=30, contacts=400)
    )

    assert summary.contacts.created == 400
    assert seen and set(seen) == {"delete"}
    assert _mode(engine) == "wal"
    assert not Path(f"{context.db.path}-journal").exists()


def test_an_import_into_a_log_with_records_keeps_wal(tmp_path: Path, context, engine):
    TransferService(context).import_folder(big_folder(tmp_path / "a", clients=5, contacts=10))
    seen = _modes_while_loading(engine)

    TransferService(context, chunk_size=100).import_folder(
        big_folder(tmp_path / "f", clients=30, contacts=400)
    )

    assert seen and set(seen) == {"wal"}
    assert _mode(engine) == "wal"


def test_a_rejected_first_import_leaves_the_file_empty_and_in_wal(tmp_path: Path, context, engine):
    folder = big_folder(tmp_path / "f", clients=30, contacts=400)
    contacts = folder / "contacts.csv"
    contacts.write_text(
        contacts.read_text(encoding="utf-8") + "RT404,2026-10-01,liaison,telephone,,,,,,\n", encoding="utf-8"
    )
    seen = _modes_while_loading(engine)

    with pytest.raises(ImportRejected):
        TransferService(context, chunk_size=100).import_folder(folder)

    assert seen and set(seen) == {"delete"}
    assert _mode(engine) == "wal"
    assert CaseworkService(context).counts() == EMPTY


def test_a_file_another_connection_has_open_keeps_wal(tmp_path: Path, context, engine):
    other = make_engine(str(context.db.engine.url))
    try:
        with other.connect() as conn:  # a reader that has read, as a window beside the import
            conn.exec_driver_sql("SELECT count(*) FROM client").scalar()
            seen = _modes_while_loading(engine)
            TransferService(context, chunk_size=100).import_folder(
                big_folder(tmp_path / "f", clients=30, contacts=400)
            )
    finally:
        other.dispose()

    assert seen and set(seen) == {"wal"}
    assert CaseworkService(context).counts()["contacts"] == 400


def test_a_crash_part_way_through_a_first_import_leaves_the_file_as_it_was(tmp_path: Path, context, engine):
    """The process dies after the last contact and index are written, before the commit: the
    next opening plays the hot journal back, and the file is the empty log it was."""
    folder = big_folder(tmp_path / "f", clients=30, contacts=400)
    path = context.db.path
    engine.dispose()
    script = textwrap.dedent(
        f"""
        import os
        from ddcase.services.transfer import TransferService
        from ddcase.storage import bulk_load
        from ddcase.storage.database import make_engine
        from tests.conftest import make_context

        def finish(self):
            bulk_load_finish(self)
            assert self._connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
            os._exit(9)

        bulk_load_finish = bulk_load.ContactWriter.finish
        bulk_load.ContactWriter.finish = finish
        context = make_context(make_engine({str(context.db.engine.url)!r}))
        TransferService(context, chunk_size=100).import_folder({str(folder)!r})
        """
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root)])}
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=root, check=False)

    assert done.returncode == 9
    assert Path(f"{path}-journal").exists()  # hot: the import was never committed
    reopened = make_engine(str(context.db.engine.url))
    try:
        assert CaseworkService(make_context(reopened)).counts() == EMPTY
        with reopened.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert _mode(reopened) == "wal"
    finally:
        reopened.dispose()
    assert not Path(f"{path}-journal").exists()


def test_the_journal_is_changed_only_after_a_write_has_waited_for_the_opening_check(
    tmp_path: Path, context, monkeypatch
):
    """`CheckedDatabase.write` waits for the opening check: nothing reads the file's records or
    changes its journal before a write has begun."""
    from contextlib import contextmanager

    from ddcase.storage import bulk_load

    order: list[str] = []
    real_write, real_mode, real_is_new = context.db.write, bulk_load._set_journal_mode, bulk_load._is_new

    @contextmanager
    def write(**options):  # type: ignore[no-untyped-def]
        order.append("write")
        with real_write(**options) as session:
            yield session

    monkeypatch.setattr(context.db, "write", write)
    monkeypatch.setattr(bulk_load, "_is_new", lambda db: order.append("is_new") or real_is_new(db))
    monkeypatch.setattr(
        bulk_load, "_set_journal_mode", lambda db, mode: order.append(mode) or real_mode(db, mode)
    )

    TransferService(context).import_folder(big_folder(tmp_path / "f", clients=5, contacts=10))

    assert order[:3] == ["write", "is_new", "delete"]
    assert order[-1] == "wal"
