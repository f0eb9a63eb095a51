"""The team database enforces its own rules (issue 14, holes 2, 3 and 4), with real roles on the
test PostgreSQL server: the server numbers and hashes every audit entry itself, so no role can
break the chain; purge is a manager's alone in the grants; changes made outside ddcase are
recorded by the server with the role that made them."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from ddcase.cli import open_services
from tests.services.test_team_database import a_client_with_episodes, add_person, as_user, team_db

__all__ = ["team_db"]  # the fixture, used by name

pytestmark = pytest.mark.postgresql


def raw(url: str):  # type: ignore[no-untyped-def]
    """A plain connection as that person would have with psql."""
    return create_engine(url, isolation_level="AUTOCOMMIT")


def test_a_readonly_role_cannot_break_the_chain_with_a_bogus_entry(team_db):
    """Hole 3: one INSERT naming itself with a bogus hash used to make `check` red for good."""
    admin = open_services(team_db)
    a_client_with_episodes(admin)
    admin.close()
    reader = add_person(team_db, "readonly")
    engine = raw(as_user(team_db, reader))
    try:
        with engine.connect() as conn:
            last = conn.execute(text("SELECT max(seq) FROM audit_event")).scalar_one()
            conn.execute(
                text(
                    "INSERT INTO audit_event (seq, at_utc, os_user, app_user, action, entity, "
                    "prev_hash, hash) VALUES (:seq, '2026-01-01T00:00:00+00:00', 'x', :me, 'create', "
                    "'client', :bogus, :bogus)"
                ),
                {"seq": last + 7, "me": reader, "bogus": "f" * 64},
            )
            entry = conn.execute(
                text("SELECT seq, prev_hash, hash, chain FROM audit_event ORDER BY seq DESC LIMIT 1")
            ).one()
            with pytest.raises(DBAPIError, match="values must match their entry"):
                conn.execute(text("INSERT INTO audit_value (seq, salt, after_json) VALUES (:s, 'x', '{}')"),
                             {"s": entry.seq})  # fmt: skip
    finally:
        engine.dispose()
    assert entry.seq == last + 1 and entry.chain == "server" and entry.hash != "f" * 64
    services = open_services(as_user(team_db, reader))
    try:
        report = services.maintenance.check()
        assert report.ok, report.text()
    finally:
        services.close()

