"""Fixtures for the service tests: a real, migrated SQLite file per test, with today fixed so that
"not in the future" is deterministic."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

TODAY = date(2026, 11, 22)


@pytest.fixture
def engine(tmp_path: Path):
    from ddcase.storage.database import make_engine
    from ddcase.storage.migrations import migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'test.sqlite3'}")
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def context(engine):
    from ddcase.services.base import Context
    from ddcase.storage.database import Database

    return Context(
        Database(engine),
        user="Test User",
        today=lambda: TODAY,
        now=lambda: datetime(2026, 11, 22, 10, 42, tzinfo=UTC),
    )
