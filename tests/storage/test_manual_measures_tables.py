"""Revision 0010: the tables of the measures entered by hand are added beside what exists, which
keeps every value, and taken away again by a downgrade."""

from __future__ import annotations

from sqlalchemy import inspect

from ddcase.storage.database import make_engine
from tests.storage.test_contact_fingerprint_index import downgrade_to, upgrade_to


def test_0010_adds_the_two_tables_and_a_downgrade_takes_them_away(db_target, backend):
    url = f"sqlite:///{db_target}" if backend == "sqlite" else db_target
    engine = make_engine(url)
    try:
        upgrade_to(engine, "0007")
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO annotation (month, team, text, new_part, version) VALUES ('2026-01', '', 'PDSA 1', false, 1)"
            )
        assert "manual_measure" not in inspect(engine).get_table_names()
        upgrade_to(engine, "0010")
        tables = set(inspect(engine).get_table_names())
        assert {"manual_measure", "manual_measure_value"} <= tables
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO manual_measure (slug, name, type, unit, better, team, version) "
                "VALUES ('trained', 'Staff trained', 'process', 'proportion', 'higher', '', 1)"
            )
            connection.exec_driver_sql(
                "INSERT INTO manual_measure_value (measure_id, month, numerator, denominator) "
                "SELECT id, '2026-10', 6, 10 FROM manual_measure"
            )
        downgrade_to(engine, "0007")
        assert "manual_measure" not in inspect(engine).get_table_names()
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT text FROM annotation").scalars().all() == ["PDSA 1"]
    finally:
        engine.dispose()
