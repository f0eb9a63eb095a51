"""Revision 0015: the contact table's two worker indexes dropped (nothing but a worker's deletion
read by them; a first import built each after its load). A log with contacts upgraded keeps every
contact, its other indexes and its foreign keys: a worker named on a contact is still found by
`times_named` and still refused by the database itself; a downgrade gives the indexes back."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from ddcase.services.demo import DemoService
from ddcase.storage import records
from ddcase.storage.database import make_engine
from ddcase.storage.migrations import migrate
from tests.conftest import make_context
from tests.storage.test_contact_fingerprint_index import downgrade_to, upgrade_to

WORKER_INDEXES = {"ix_contact_mh_worker_id", "ix_contact_sm_worker_id"}


def test_0015_drops_the_contact_worker_indexes_of_a_log_with_contacts(db_target, backend):
    url = f"sqlite:///{db_target}" if backend == "sqlite" else db_target
    engine = make_engine(url)

    def indexes() -> set[str]:
        return {i["name"] for i in inspect(engine).get_indexes("contact")}

    def contacts() -> list[tuple[object, ...]]:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(text("SELECT * FROM contact ORDER BY id"))]

    try:
        migrate(engine)
        DemoService(make_context(engine)).fill(seed=3)
        downgrade_to(engine, "0014")  # a log as the last version left it, with its contacts
        before, held = indexes(), contacts()
        assert before >= WORKER_INDEXES and len(held) > 100
        upgrade_to(engine, "0015")
        assert indexes() == before - WORKER_INDEXES
        assert contacts() == held
        with engine.connect() as connection:
            (worker_id,) = connection.execute(
                text("SELECT mh_worker_id FROM contact WHERE mh_worker_id IS NOT NULL LIMIT 1")
            ).one()
            expected = connection.execute(
                text("SELECT count(*) FROM contact WHERE mh_worker_id = :w OR sm_worker_id = :w"),
                {"w": worker_id},
            ).scalar_one()
            if backend == "sqlite":
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
        with make_context(engine).db.read() as session:
            episodes = session.execute(
                text("SELECT count(*) FROM episode WHERE worker_id = :w"), {"w": worker_id}
            ).scalar_one()
            assert records.times_named(session, worker_id) == expected + episodes > 0
        with make_context(engine).db.write() as session, pytest.raises(IntegrityError):
            session.execute(text("DELETE FROM worker WHERE id = :w"), {"w": worker_id})
            session.flush()
        downgrade_to(engine, "0014")
        assert indexes() == before
    finally:
        engine.dispose()
