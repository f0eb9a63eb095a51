"""Revision 0012: the PDSA cycles' table is added beside what exists (the chart notes stay as
they are: docs/decisions.md), and taken away again by a downgrade, keeping every note."""

from __future__ import annotations

from sqlalchemy import inspect

from ddcase.storage.database import make_engine
from tests.storage.test_contact_fingerprint_index import downgrade_to, upgrade_to


def test_0012_adds_the_cycles_table_keeps_the_notes_and_a_downgrade_takes_it_away(db_target, backend):
    url = f"sqlite:///{db_target}" if backend == "sqlite" else db_target
    engine = make_engine(url)
    try:
        upgrade_to(engine, "0010")
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO annotation (month, team, text, new_part, version) "
                "VALUES ('2026-01', '', 'Huddle starts', false, 1)"
            )
        assert "pdsa_cycle" not in inspect(engine).get_table_names()
        upgrade_to(engine, "0012")
        assert "pdsa_cycle" in inspect(engine).get_table_names()
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO pdsa_cycle (team, title, start_on, measure_keys, version) "
                "VALUES ('', 'Huddle', '2026-01-05', 'jointly_worked', 1)"
            )
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT text FROM annotation").scalars().all() == [
                "Huddle starts"
            ]
        downgrade_to(engine, "0010")
        assert "pdsa_cycle" not in inspect(engine).get_table_names()
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT text FROM annotation").scalars().all() == [
                "Huddle starts"
            ]
    finally:
        engine.dispose()
