"""The team database enforces its own rules (issue 14, holes 2, 3 and 4), with real roles on the
test PostgreSQL server: the server numbers and hashes every audit entry itself, so no role can
break the chain; purge is a manager's alone in the grants; changes made outside ddcase are
recorded by the server with the role that made them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from ddcase.cli import open_services
from ddcase.storage.database import PermissionDeniedError
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


def a_client_with_no_values_in_the_trail(team_db: str) -> None:
    """A client the trail holds no values about (rows written by the administrator directly,
    as an import's updates used to leave them): a purge then has nothing to redact."""
    engine = raw(team_db)
    try:
        with engine.connect() as conn:
            org = conn.execute(
                text("INSERT INTO organisation (name, service) VALUES ('ELFT', 'mental_health') RETURNING id")
            ).scalar_one()
            client = conn.execute(
                text(
                    "INSERT INTO client (client_ref, initials, nhs_number, is_demo, version) "
                    "VALUES ('RT200001', 'AB', '9434765919', false, 1) RETURNING id"
                )
            ).scalar_one()
            conn.execute(
                text(
                    "INSERT INTO episode (client_id, service, organisation_id, start_date, end_date, "
                    "version) VALUES (:c, 'mental_health', :o, '2020-01-01', '2020-06-30', 1)"
                ),
                {"c": client, "o": org},
            )
    finally:
        engine.dispose()


def test_a_coordinator_cannot_purge_even_when_there_is_nothing_to_redact(team_db):
    """Hole 2: purge needed only UPDATE on client and contact, which coordinators have."""
    a_client_with_no_values_in_the_trail(team_db)
    name = add_person(team_db, "coordinator")
    coordinator = open_services(as_user(team_db, name))
    try:
        with pytest.raises(PermissionDeniedError, match="Only a manager may purge"):
            coordinator.retention.purge(date(2021, 1, 1))
        assert coordinator.casework.client("RT200001").initials == "AB"
        coordinator.casework.save_client(replace(coordinator.casework.client("RT200001"), initials="AC"))
    finally:
        coordinator.close()
    engine = raw(as_user(team_db, name))  # nor with psql
    try:
        with engine.connect() as conn, pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text("UPDATE client SET purged_on = current_date, initials = 'XX'"))
    finally:
        engine.dispose()
    manager = open_services(as_user(team_db, add_person(team_db, "manager")))
    try:
        assert manager.retention.purge(date(2021, 1, 1)).clients == ("RT200001",)
        report = manager.maintenance.check().text()
        # the administrator's rows, written outside ddcase, are in the trail and reported
        assert "chain unbroken" in report and "2 changes made outside ddcase" in report
    finally:
        manager.close()
