"""The import's SQLite page cache (issue 18, peak memory): 64 MB while it inserts into tables with
their indexes, 8 MB while a first load inserts contacts into a table whose indexes it dropped
(nothing but the new rows' last page and the clients and workers they name is read back), held to
SQLite's default (2,000 KiB) while it builds the indexes it dropped (SQLite's sorter takes as much
again as the cache, and small sorted runs are faster), and the connection's own size back
afterwards, whether the import succeeds or is rejected."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event

from ddcase.domain import ImportRejected
from ddcase.services.transfer import TransferService
from ddcase.storage import bulk_load
from tests.services.test_transfer import big_folder


def _watch(engine):  # type: ignore[no-untyped-def]
    """The cache size (KiB, negative) in force at each INSERT into contact and each CREATE INDEX."""
    seen: list[tuple[str, int]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        words = statement.split()
        if statement.startswith("CREATE") and "INDEX" in words[:3]:
            kind = "index"
        elif statement.startswith("INSERT INTO contact"):
            kind = "insert"
        elif statement.startswith("INSERT INTO audit"):
            kind = "audit"
        else:
            return
        size = conn.connection.driver_connection.execute("PRAGMA cache_size").fetchone()[0]
        seen.append((kind, size))

    return seen


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_indexes_are_built_with_a_small_cache_and_the_cache_is_put_back(tmp_path: Path, context, engine):
    with engine.connect() as conn:
        default = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    seen = _watch(engine)

    TransferService(context, chunk_size=100).import_folder(
        big_folder(tmp_path / "f", clients=30, contacts=400)
    )

    sizes = {kind: {size for k, size in seen if k == kind} for kind in ("insert", "index", "audit")}
    assert sizes["insert"] == {-bulk_load.LOAD_CACHE_KIB}  # a first load: the indexes dropped
    assert sizes["audit"] == {-bulk_load.IMPORT_CACHE_KIB}  # the import's own size after the load
    # The five contact indexes and the episode's, every one built with the small cache.
    assert sum(1 for kind, _ in seen if kind == "index") >= 6
    assert sizes["index"] == {-bulk_load.INDEX_BUILD_CACHE_KIB}
    with engine.connect() as conn:  # the pool's one connection, as it was before the import
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == default


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_rejected_import_puts_the_cache_back_too(tmp_path: Path, context, engine):
    with engine.connect() as conn:
        default = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    folder = big_folder(tmp_path / "f", clients=30, contacts=400)
    contacts = folder / "contacts.csv"
    contacts.write_text(
        contacts.read_text(encoding="utf-8") + "RT404,2026-10-01,liaison,telephone,,,,,,\n", encoding="utf-8"
    )

    with pytest.raises(ImportRejected):
        TransferService(context, chunk_size=100).import_folder(folder)

    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == default


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_contacts_into_a_log_with_contacts_keep_the_import_cache(tmp_path: Path, context, engine):
    """Into a log that already holds contacts the indexes stay, kept up to date row by row: they
    need the import's whole cache, not the load's."""
    TransferService(context, chunk_size=100).import_folder(
        big_folder(tmp_path / "f", clients=30, contacts=400)
    )
    seen = _watch(engine)

    TransferService(context, chunk_size=100).import_folder(
        big_folder(tmp_path / "g", clients=30, contacts=600)
    )

    assert {size for kind, size in seen if kind == "insert"} == {-bulk_load.IMPORT_CACHE_KIB}
    assert not [kind for kind, _ in seen if kind == "index"]
