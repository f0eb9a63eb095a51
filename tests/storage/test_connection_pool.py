"""One person's connections to a team database are bounded (issue 18): a small pool of
POOL_SIZE kept open plus POOL_OVERFLOW for a moment, and a request that finds every one in use
waits, then gets a plain "busy" message instead of opening yet another connection."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from ddcase.storage import database
from ddcase.storage.database import Database, StorageError, make_engine

pytestmark = pytest.mark.postgresql

APP = "ddcase-pool-test"


@pytest.fixture
def url(pg_database, pg_template) -> str:  # type: ignore[no-untyped-def]
    return str(pg_database(pg_template))


def server_connections(url: str) -> int:
    """How many connections the server holds for this test's application name."""
    from sqlalchemy.pool import NullPool

    engine = make_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :app"), {"app": APP}
        ).scalar()
    engine.dispose()
    return int(count or 0)


@pytest.fixture
def db(url: str) -> Iterator[Database]:
    engine = make_engine(url, pool_timeout=0.5, connect_args={"application_name": APP})
    yield Database(engine)
    engine.dispose()


def test_a_person_keeps_two_connections_and_may_open_two_more():
    assert (database.POOL_SIZE, database.POOL_OVERFLOW) == (2, 2)


def test_the_pool_is_bounded_as_documented(url):
    engine = make_engine(url)
    try:
        assert engine.pool.size() == database.POOL_SIZE
        assert engine.pool._max_overflow == database.POOL_OVERFLOW  # type: ignore[attr-defined]
        assert engine.pool._timeout == database.POOL_TIMEOUT_S  # type: ignore[attr-defined]
    finally:
        engine.dispose()


def test_a_fifth_request_waits_and_is_told_the_database_is_busy(db, url):
    limit = database.POOL_SIZE + database.POOL_OVERFLOW
    held = [db.engine.connect() for _ in range(limit)]
    try:
        for conn in held:
            conn.execute(text("SELECT 1"))
        started = time.monotonic()
        with pytest.raises(StorageError, match="busy"):
            with db.read() as session:
                session.execute(text("SELECT 1"))
        assert time.monotonic() - started >= 0.4  # it waited for a connection first
        assert server_connections(url) == limit  # never more than the bound
    finally:
        for conn in held:
            conn.close()


def test_a_waiting_request_gets_the_connection_given_back(db, url):
    limit = database.POOL_SIZE + database.POOL_OVERFLOW
    held = [db.engine.connect() for _ in range(limit)]
    for conn in held:
        conn.execute(text("SELECT 1"))
    threading.Timer(0.2, held[0].close).start()
    with db.read() as session:
        assert session.execute(text("SELECT 1")).scalar() == 1
    for conn in held[1:]:
        conn.close()
    assert server_connections(url) <= limit
