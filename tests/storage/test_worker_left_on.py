"""Revision 0009: `worker.left_on` (the day a worker left) is added to a database with workers in
it, who keep every value and have not left, and taken away again by a downgrade."""

from __future__ import annotations

from sqlalchemy import inspect

from ddcase.storage.database import make_engine
from ddcase.storage.migrations import migrate, plan
from tests.storage.test_contact_fingerprint_index import downgrade_to, upgrade_to

ROWS = "SELECT id, name, organisation_id, service, role, version FROM worker ORDER BY id"


def test_workers_from_before_0009_have_not_left_and_keep_their_values(db_target, backend):
    url = f"sqlite:///{db_target}" if backend == "sqlite" else db_target
    engine = make_engine(url)
    try:
        upgrade_to(engine, "0007")
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO organisation (id, name, service) VALUES (1, 'ELFT', 'mental_health')"
            )
            connection.exec_driver_sql(
                "INSERT INTO worker (id, name, organisation_id, service, role, version) "
                "VALUES (1, 'Carla Turner', 1, 'mental_health', 'care_coordinator', 3)"
            )
            rows = connection.exec_driver_sql(ROWS).all()

        migrate(engine)

        assert plan(engine).current == plan(engine).head
        with engine.connect() as connection:
            assert connection.exec_driver_sql(ROWS).all() == rows
            assert connection.exec_driver_sql("SELECT left_on FROM worker").scalars().all() == [None]
        downgrade_to(engine, "0007")
        assert "left_on" not in {c["name"] for c in inspect(engine).get_columns("worker")}
        with engine.connect() as connection:
            assert connection.exec_driver_sql(ROWS).all() == rows
    finally:
        engine.dispose()
