"""Revision 0013: episodes by team (`ix_episode_team`), and one team's figures read from the
team's clients: neither the episodes nor the contacts of the whole trust are walked for one
team's month or chart (SQLite's query plans are checked; a timing is not a test). Since the
sixth round the team's client ids are read first (`ix_episode_team`), then their episodes and
contacts by those ids (`ix_episode_client`, `ix_contact_client`)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from ddcase.domain import Month
from ddcase.services.demo import DemoService
from ddcase.storage.database import make_engine
from ddcase.storage.driver import Reader
from tests.storage.test_contact_fingerprint_index import downgrade_to, upgrade_to

TEAM = "Luton South CMHT"


def test_0013_adds_the_team_index_and_a_downgrade_takes_it_away(db_target, backend):
    url = f"sqlite:///{db_target}" if backend == "sqlite" else db_target
    engine = make_engine(url)

    def names() -> set[str]:
        return {i["name"] for i in inspect(engine).get_indexes("episode")}

    try:
        upgrade_to(engine, "0012")
        assert "ix_episode_team" not in names()
        upgrade_to(engine, "0013")
        assert "ix_episode_team" in names()
        downgrade_to(engine, "0012")
        assert "ix_episode_team" not in names()
    finally:
        engine.dispose()


@pytest.mark.sqlite_only
def test_one_teams_figures_read_only_the_teams_clients(context, figures, monkeypatch):
    DemoService(context).fill(seed=3)
    statements: list[tuple[str, object]] = []
    real = Reader.statement

    def grab(reader, sql, params=()):  # type: ignore[no-untyped-def]
        statement, parameters = real(reader, sql, params)
        if " episode" in statement or " contact" in statement:
            statements.append((statement, parameters))
        return statement, parameters

    monkeypatch.setattr(Reader, "statement", grab)  # every figures query is run through a Reader
    month = Month(2026, 10)
    figures.month(month, TEAM)
    figures.series(month.plus(-23), month, TEAM)
    monkeypatch.undo()
    engine = context.db.engine
    assert len(statements) >= 4
    teams = 0
    raw = engine.raw_connection()
    try:
        for statement, parameters in statements:
            plan = [row[3] for row in raw.cursor().execute("EXPLAIN QUERY PLAN " + statement, parameters)]
            walks = [
                step
                for step in plan
                # the team's client ids, read first (sixth round), come as a JSON list: scanned
                if (step.startswith("SCAN") and "json_each" not in step)
                or "ix_episode_overlap" in step
                or "ix_contact_figures" in step
            ]
            assert not walks, (statement, plan)
            # the team's clients from the team's index, then theirs by client
            by_team_or_client = [s for s in plan if "ix_episode_team" in s or "(client_id=?" in s]
            assert by_team_or_client, (statement, plan)
            teams += any("ix_episode_team" in step for step in plan)
    finally:
        raw.close()
    assert teams >= 2  # the month's and the chart's clients
