"""Fixtures shared by every layer's tests: a real, migrated SQLite file per test and the
services over it, with today fixed so that "not in the future" is deterministic."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TODAY = date(2026, 11, 22)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def engine(db_url: str):
    from ddcase.storage.database import make_engine
    from ddcase.storage.migrations import migrate

    engine = make_engine(db_url)
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


@pytest.fixture
def casework(context):
    from ddcase.services.casework import CaseworkService

    return CaseworkService(context)


@pytest.fixture
def figures(context):
    from ddcase.services.figures import FiguresService

    return FiguresService(context)


@pytest.fixture
def definitions(context):
    from ddcase.services.definitions import DefinitionService

    return DefinitionService(context)
