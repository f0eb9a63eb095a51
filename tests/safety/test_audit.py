"""The audit trail: append-only in the database itself, hash-chained so that an edit, a deletion
or a reordering made by someone holding the file is found and named, unbroken after 1,000 random
operations, and readable as one client's history."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ddcase.domain import (
    Client,
    ContactKind,
    ContactMode,
    DomainError,
    Episode,
    Service,
    Worker,
)
from ddcase.domain import Contact as ContactValue
from ddcase.services.audit_trail import AuditTrailService
from ddcase.services.maintenance import MaintenanceService
from ddcase.storage import audit


@pytest.fixture
def trail(context):
    return AuditTrailService(context)


def _seed(casework) -> None:
    casework.save_worker(Worker("Ann Care", "CMHT Luton", Service.MENTAL_HEALTH))
    casework.save_worker(Worker("Bob Key", "ResoLUTiONs", Service.SUBSTANCE_MISUSE))


def test_the_database_refuses_to_change_or_delete_an_audit_entry(casework, engine):
    _seed(casework)
    for statement in ("UPDATE audit_event SET app_user = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_event")).scalar() == 2


def test_a_thousand_random_operations_keep_the_chain_verifiable(casework, context, trail):
    rng = random.Random(5)
    _seed(casework)
    refs: list[str] = []
    committed = 2
    for n in range(1000):
        op = rng.choice(
            ["client", "client", "update", "episode", "contact", "delete_contact", "bad", "delete"]
        )
        try:
            if op == "client" or not refs:
                refs.append(casework.save_client(Client(f"C{n}", "AB")).client_ref)
            elif op == "update":
                client = casework.client(rng.choice(refs))
                casework.save_client(
                    replace(client, consent_to_share_on=date(2024, 1, 1) + timedelta(days=n))
                )
            elif op == "episode":
                casework.save_episode(
                    Episode(
                        rng.choice(refs),
                        Service.MENTAL_HEALTH,
                        "CMHT",
                        date(2020, 1, 1) + timedelta(days=n),
                        worker="Ann Care",
                    )
                )
            elif op == "contact":
                casework.save_contact(
                    ContactValue(
                        rng.choice(refs),
                        date(2024, 1, 1) + timedelta(days=n % 300),
                        ContactKind.LIAISON,
                        ContactMode.TELEPHONE,
                        note=f"n{n}",
                    )
                )
            elif op == "delete_contact":
                contacts = casework.contacts(rng.choice(refs))
                if not contacts:
                    continue
                casework.delete_contact(contacts[0])
            elif op == "delete":
                ref = refs.pop(rng.randrange(len(refs)))
                casework.delete_client(casework.client(ref))
            else:  # refused: nothing written, not even an audit entry
                casework.save_client(Client("bad ref with spaces", ""))
            committed += 1
        except DomainError:
            assert op == "bad", op
    report = trail.verify()
    assert report.intact and report.entries == committed
    assert MaintenanceService(context).check().ok


@pytest.fixture
def tampered(casework, engine, db_url):
    """Five entries, and a raw connection with the guard dropped (someone holding the file)."""
    _seed(casework)
    for ref in ("T1", "T2", "T3"):
        casework.save_client(Client(ref, "AB"))
    engine.dispose()
    if db_url.startswith("postgresql"):  # a superuser can switch the guard off
        import psycopg
        from sqlalchemy.engine import make_url

        conn = psycopg.connect(make_url(db_url).set(drivername="postgresql").render_as_string(False))
        conn.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        conn.execute("ALTER TABLE audit_value DISABLE TRIGGER ddcase_audit_value_check")
        conn.executescript = conn.execute  # type: ignore[attr-defined]  # the sqlite3 spelling
        yield conn
        conn.close()
        return
    path = db_url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_event_no_update")
    conn.execute("DROP TRIGGER audit_event_no_delete")
    yield conn
    conn.close()


def _verify(engine):
    from sqlmodel import Session

    with Session(engine) as session:
        return audit.verify(session)


@pytest.mark.parametrize(
    ("tamper", "first_bad", "problem"),
    [
        (
            "UPDATE audit_value SET after_json = replace(after_json, 'AB', 'CD') WHERE seq = 4",
            4,
            "values of entry 4 were altered",
        ),
        (
            "UPDATE audit_value SET salt = '00000000000000000000000000000000' WHERE seq = 3",
            3,
            "values of entry 3 were altered",
        ),
        ("DELETE FROM audit_value WHERE seq = 4", 4, "removed without a redaction"),
        ("UPDATE audit_event SET values_sha256 = NULL WHERE seq = 4", 4, "altered (hash mismatch)"),
        # values put back inline, as entries before revision 0004 held them
        ("UPDATE audit_event SET after_json = '{}' WHERE seq = 2", 2, "altered (hash mismatch)"),
        ("INSERT INTO audit_value (seq, salt, after_json) VALUES (99, 'x', '{}')", 99, "not in the trail"),
        ("UPDATE audit_event SET at_utc = '2020-01-01T00:00:00+00:00' WHERE seq = 2", 2, "altered"),
        ("DELETE FROM audit_event WHERE seq = 3", 3, "missing"),
        # the last entry: its values, left behind, give it away
        ("DELETE FROM audit_event WHERE seq = 5", 5, "not in the trail"),
        # ...unless they go too: see below
        ("DELETE FROM audit_value WHERE seq = 5; DELETE FROM audit_event WHERE seq = 5", None, None),
        # reorder: swap the contents of entries 3 and 4, keeping their seq numbers
        (
            "UPDATE audit_event SET seq = -seq WHERE seq IN (3, 4);"
            "UPDATE audit_event SET seq = 4 WHERE seq = -3; UPDATE audit_event SET seq = 3 WHERE seq = -4",
            3,
            "does not follow",
        ),
    ],
)
def test_tampering_is_found_and_the_first_bad_entry_named(
    tampered, engine, context, tamper, first_bad, problem
):
    tampered.executescript(tamper)
    tampered.commit()
    report = _verify(engine)
    if first_bad is None:
        # Cutting off the newest entries leaves a shorter valid chain: that is why the head
        # (seq and hash) is printed on every report and backup, and `check` compares counts.
        assert report.intact and report.entries == 4
        return
    assert report.first_bad_seq == first_bad and problem in report.problem
    check = MaintenanceService(context).check()
    assert not check.ok and f"seq {first_bad}" in check.text() and "guard" in check.text()


def test_a_clients_history_shows_every_change_with_before_and_after(casework, trail):
    _seed(casework)
    client = casework.save_client(Client("H1", "AB", nhs_number="9434765919"))
    casework.save_client(Client("H2", "CD"))
    client = casework.save_client(replace(client, initials="AC"))
    episode = casework.save_episode(
        Episode("H1", Service.MENTAL_HEALTH, "CMHT", date(2024, 1, 1), worker="Ann Care")
    )
    contact = casework.save_contact(
        ContactValue("H1", date(2024, 2, 1), ContactKind.LIAISON, ContactMode.TELEPHONE)
    )
    casework.delete_contact(contact)
    casework.delete_episode(episode)
    history = trail.history("H1")
    assert [(e.action, e.entity) for e in history] == [
        ("create", "client"),
        ("update", "client"),
        ("create", "episode"),
        ("create", "contact"),
        ("delete", "contact"),
        ("delete", "episode"),
    ]
    assert history[1].before["initials"] == "AB" and history[1].after["initials"] == "AC"
    assert history[0].app_user == "Test User" and history[0].os_user
    assert [e.seq for e in history] == sorted(e.seq for e in history)
    assert trail.history("nobody") == []
