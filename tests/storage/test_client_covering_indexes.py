"""Revision 0014: `ix_contact_client` (client, date, outcome, kind, mode) in place of
`ix_contact_client_date`, and `ix_episode_client` (client, service, start, end) in place of
`ix_episode_client_id`: one index each, no more; a downgrade gives the old ones back. A long
series for all teams reads its contacts by client through the new index (SQLite's plans)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from ddcase.domain import Month
from ddcase.services.demo import DemoService
from ddcase.storage.database import make_engine
from ddcase.storage.driver import Reader
from tests.storage.test_contact_fingerprint_index import downgrade_to, upgrade_to


def test_0014_replaces_the_client_indexes_and_a_downgrade_gives_them_back(db_target, backend):
    url = f"sqlite:///{db_target}" if backend == "sqlite" else db_target
    engine = make_engine(url)

    def indexes(table: str) -> dict[str, list[str]]:
        return {i["name"]: i["column_names"] for i in inspect(engine).get_indexes(table)}

    old = {"contact": "ix_contact_client_date", "episode": "ix_episode_client_id"}
    new = {
        "contact": ("ix_contact_client", ["client_id", "date", "outcome", "kind", "mode"]),
        "episode": ("ix_episode_client", ["client_id", "service", "start_date", "end_date"]),
    }
    try:
        upgrade_to(engine, "0013")
        before = {table: indexes(table) for table in old}
        upgrade_to(engine, "0014")
        for table, name in old.items():
            after = indexes(table)
            assert name not in after
            assert after[new[table][0]] == new[table][1]
            assert len(after) == len(before[table])  # replaced, not added
        downgrade_to(engine, "0013")
        assert {table: indexes(table) for table in old} == before
    finally:
        engine.dispose()


@pytest.mark.sqlite_only
def test_a_long_series_reads_the_contacts_by_client_and_a_month_by_date(context, figures, monkeypatch):
    """All teams' counting contacts over 24 months come client by client from the covering index
    (no table row, no sort for the GROUP BY) when read after the episodes, on the session; one
    month's still by date (`ix_contact_figures`). Read beside the episodes, on a second
    connection (tests/storage/test_figures_beside.py), the clients open to both not being known
    yet, every client's: over 24 months client by client all the same (every client searched in
    the covering index, no sort), one month by date, each done whole in its first step (a
    materialized table expression)."""
    DemoService(context).fill(seed=3)
    from ddcase.services import figures as figures_service

    month = Month(2026, 10)

    def plans(call) -> list[list[str]]:  # type: ignore[no-untyped-def]
        statements: list[tuple[str, object]] = []
        real = Reader.statement

        def grab(reader, sql, params=()):  # type: ignore[no-untyped-def]
            statement, parameters = real(reader, sql, params)
            if "FROM contact" in statement:
                statements.append((statement, parameters))
            return statement, parameters

        monkeypatch.setattr(Reader, "statement", grab)
        call()
        monkeypatch.setattr(Reader, "statement", real)
        raw = context.db.engine.raw_connection()
        try:
            return [
                [row[3] for row in raw.cursor().execute("EXPLAIN QUERY PLAN " + statement, parameters)]
                for statement, parameters in statements
            ]
        finally:
            raw.close()

    (beside,) = plans(lambda: figures.series(month.plus(-23), month))
    assert any("COVERING INDEX ix_contact_client " in step for step in beside), beside
    assert not any("TEMP B-TREE" in step for step in beside), beside
    assert any(step.startswith("MATERIALIZE") for step in beside), beside
    (one,) = plans(lambda: figures.month(month))
    assert any("ix_contact_figures" in step for step in one), one
    assert any(step.startswith("MATERIALIZE") for step in one), one
    monkeypatch.setattr(figures_service, "_second_core", lambda: False)  # read on the session
    (series,) = plans(lambda: figures.series(month.plus(-23), month))
    assert any("COVERING INDEX ix_contact_client " in step for step in series), series
    assert not any("TEMP B-TREE" in step for step in series), series
    (one,) = plans(lambda: figures.month(month))
    assert any("ix_contact_figures" in step for step in one), one
