"""Revision 0007: `definition_version.agreed_in` (when and where a version was agreed) is added
to a database with versions in it, which keep every value, and taken away again by a downgrade."""

from __future__ import annotations

from sqlalchemy import inspect

from ddcase.storage.database import make_engine
from ddcase.storage.migrations import plan
from tests.storage.test_contact_fingerprint_index import downgrade_to, upgrade_to

COLUMNS = "number, first_month, joint_contact_window_days, note, version"


def test_versions_agreed_before_0007_keep_their_values_and_say_nothing_of_where(db_target, backend):
    url = f"sqlite:///{db_target}" if backend == "sqlite" else db_target
    engine = make_engine(url)
    try:
        upgrade_to(engine, "0006")
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO definition_version (number, first_month, named_workers, consent, "
                "joint_contact, liaison, joint_contacts_min, joint_contact_window_days, "
                "liaison_contacts_min, min_overlap_days, written_contacts_count, note, version) "
                "VALUES (2, '2026-04', true, true, true, true, 1, 60, 1, 14, false, 'Shorter window', 1)"
            )
            rows = connection.exec_driver_sql(
                f"SELECT {COLUMNS} FROM definition_version ORDER BY number"
            ).all()
        assert "agreed_in" not in {c["name"] for c in inspect(engine).get_columns("definition_version")}

        upgrade_to(engine, "0007")

        assert plan(engine).current == "0007"
        with engine.connect() as connection:
            assert (
                connection.exec_driver_sql(f"SELECT {COLUMNS} FROM definition_version ORDER BY number").all()
                == rows
            )
            assert connection.exec_driver_sql("SELECT agreed_in FROM definition_version").scalars().all() == [
                None,
                None,
            ]
        downgrade_to(engine, "0006")
        assert "agreed_in" not in {c["name"] for c in inspect(engine).get_columns("definition_version")}
        with engine.connect() as connection:
            assert (
                connection.exec_driver_sql(f"SELECT {COLUMNS} FROM definition_version ORDER BY number").all()
                == rows
            )
    finally:
        engine.dispose()
