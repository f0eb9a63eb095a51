"""Revision 0006: the contact fingerprint's UNIQUE constraint becomes a unique index of the same
name, on a database with records in it (SQLite: a rebuild of the table; PostgreSQL: drop the
constraint, create the index), keeping every row, key, foreign key and other index but
`ix_contact_date` (which `ix_contact_figures` makes redundant); and the migrated schema is exactly
what tables.py describes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from ddcase.services.transfer import FileCounts, TransferService
from ddcase.storage.database import make_engine
from ddcase.storage.migrations import alembic_config, migrate, plan
from ddcase.storage.tables import metadata
from tests.conftest import make_context
from tests.services.test_transfer import realistic_folder

FIXTURE = Path(__file__).parents[1] / "fixtures" / "db-0001.sqlite3"
ROWS = (
    "SELECT id, client_id, date, kind, mode, outcome, mh_worker_id, sm_worker_id, client_present, "
    "duration_minutes, note, fingerprint, version, updated_at, updated_by FROM contact ORDER BY id"
)


def upgrade_to(engine, revision: str) -> None:  # type: ignore[no-untyped-def]
    """What `migrations.migrate` does, up to `revision` only (foreign keys off on SQLite)."""
    _alembic(engine, command.upgrade, revision)


def downgrade_to(engine, revision: str) -> None:  # type: ignore[no-untyped-def]
    _alembic(engine, command.downgrade, revision)


def _alembic(engine, step, revision: str) -> None:  # type: ignore[no-untyped-def]
    config = alembic_config()
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        with connection.begin():
            config.attributes["connection"] = connection
            step(config, revision)
        if engine.dialect.name == "sqlite":
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")


def described(engine) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The contact table as the database describes it, but for the fingerprint's uniqueness."""
    found = inspect(engine)
    return {
        "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns("contact")],
        "primary key": found.get_pk_constraint("contact")["constrained_columns"],
        "foreign keys": sorted(
            (
                fk["name"],
                tuple(fk["constrained_columns"]),
                fk["referred_table"],
                fk["options"].get("ondelete"),
            )
            for fk in found.get_foreign_keys("contact")
        ),
        "indexes": sorted(
            (ix["name"], tuple(ix["column_names"]), bool(ix["unique"]))
            for ix in found.get_indexes("contact")
            if ix["name"] != "uq_contact_fingerprint" and not ix.get("duplicates_constraint")
        ),
    }


def fingerprint_uniqueness(engine) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """(unique constraints, unique indexes) on the contact table's fingerprint."""
    found = inspect(engine)
    constraints = [
        u["name"] for u in found.get_unique_constraints("contact") if u["column_names"] == ["fingerprint"]
    ]
    indexes = [
        ix["name"]
        for ix in found.get_indexes("contact")
        if ix["column_names"] == ["fingerprint"] and ix["unique"] and not ix.get("duplicates_constraint")
    ]
    return constraints, indexes


def test_the_migrated_schema_is_what_tables_py_describes(engine):
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), metadata
        )
    assert differences == []
    assert fingerprint_uniqueness(engine) == ([], ["uq_contact_fingerprint"])


def test_a_database_with_contacts_migrates_to_the_index_and_back(tmp_path, db_target, backend):
    url = f"sqlite:///{db_target}" if backend == "sqlite" else db_target
    engine = make_engine(url)
    try:
        # The records go in through today's code (its tables have columns that later revisions
        # added), then the database is taken down to 0005 with them.
        migrate(engine)
        folder = realistic_folder(tmp_path / "in", clients=20, contacts=80)
        first = TransferService(make_context(engine)).import_folder(folder)
        assert first.contacts.created > 50
        downgrade_to(engine, "0005")
        assert fingerprint_uniqueness(engine) == (["uq_contact_fingerprint"], [])
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(ROWS).all()
        table = described(engine)

        upgrade_to(engine, "0006")

        assert plan(engine).current == "0006"
        assert fingerprint_uniqueness(engine) == ([], ["uq_contact_fingerprint"])
        date_index = ("ix_contact_date", ("date",), False)
        assert date_index in table["indexes"]  # type: ignore[operator]
        assert described(engine) == {
            **table,
            "indexes": [index for index in table["indexes"] if index != date_index],  # type: ignore[attr-defined]
        }
        with engine.connect() as connection:
            assert connection.exec_driver_sql(ROWS).all() == rows
            if backend == "sqlite":
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        # The index does what the constraint did: a repeat is refused, and a re-import finds
        # every contact already there.
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO contact (client_id, date, kind, mode, outcome, fingerprint, version) "
                "SELECT client_id, date, kind, mode, outcome, fingerprint, version FROM contact WHERE id = 1"
            )
        migrate(engine)
        again = TransferService(make_context(engine)).import_folder(folder)
        assert again.contacts == FileCounts(unchanged=first.contacts.created)

        downgrade_to(engine, "0005")
        assert fingerprint_uniqueness(engine) == (["uq_contact_fingerprint"], [])
        assert described(engine) == table
        with engine.connect() as connection:
            assert connection.exec_driver_sql(ROWS).all() == rows
    finally:
        engine.dispose()


@pytest.mark.sqlite_only
def test_the_first_release_database_gets_the_unique_index_with_its_contacts(tmp_path):
    copy = tmp_path / "old.sqlite3"
    shutil.copyfile(FIXTURE, copy)
    engine = make_engine(f"sqlite:///{copy}")
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(ROWS).all()
        assert rows
        assert fingerprint_uniqueness(engine) == (["uq_contact_fingerprint"], [])

        migrate(engine)

        assert fingerprint_uniqueness(engine) == ([], ["uq_contact_fingerprint"])
        with engine.connect() as connection:
            assert connection.exec_driver_sql(ROWS).all() == rows
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            differences = compare_metadata(
                MigrationContext.configure(connection, opts={"compare_type": True}), metadata
            )
        assert differences == []
        assert {fk["name"] for fk in inspect(engine).get_foreign_keys("contact")} == {
            "fk_contact_client_id_client",
            "fk_contact_mh_worker_id_worker",
            "fk_contact_sm_worker_id_worker",
        }
        with engine.connect() as connection:
            sql = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'contact'"
            ).scalar()
        assert "ON DELETE CASCADE" in sql
    finally:
        engine.dispose()
