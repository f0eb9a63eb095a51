"""Revision 0014: `ix_contact_client` (client, date, outcome, kind, mode) in place of
`ix_contact_client_date`, and `ix_episode_client` (client, service, start, end) in place of
`ix_episode_client_id`: one index each, no more; a downgrade gives the old ones back."""

from __future__ import annotations

from sqlalchemy import inspect

from ddcase.storage.database import make_engine
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
