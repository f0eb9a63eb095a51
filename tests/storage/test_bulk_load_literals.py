"""On SQLite the three columns every imported contact shares (version, updated_at, updated_by)
are written as literals in the INSERT rather than bound for each row: they are stored exactly as
the bound values of the same import's episodes are (same text, same storage class), whatever the
user's name holds, and a value no plain literal says is bound as before."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ddcase.services.base import Context
from ddcase.services.transfer import TransferService
from ddcase.storage.bulk_load import _sqlite_literal
from ddcase.storage.database import Database, make_engine
from ddcase.storage.migrations import migrate
from tests.services.test_transfer import TODAY, big_folder

SHARED = "SELECT {0}, typeof({0}) FROM {1}"


def _imported(tmp_path: Path, user: str, child_from: int | None) -> tuple[set[object], set[object]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    migrate(engine)
    context = Context(
        Database(engine),
        user=user,
        today=lambda: TODAY,
        now=lambda: datetime(2026, 11, 22, 10, 42, tzinfo=UTC),
    )
    TransferService(context, chunk_size=40, child_from_bytes=child_from).import_folder(
        big_folder(tmp_path / "in", clients=10, contacts=120)
    )
    with engine.connect() as connection:
        columns = "version, typeof(version), updated_at, typeof(updated_at), updated_by, typeof(updated_by)"
        contacts = set(connection.exec_driver_sql(f"SELECT {columns} FROM contact").all())
        episodes = set(connection.exec_driver_sql(f"SELECT {columns} FROM episode").all())
    engine.dispose()
    return contacts, episodes


@pytest.mark.parametrize("user", ["Test User", "Dan O'Neil", "'); DROP TABLE contact; --", "?, :name, $1"])
@pytest.mark.parametrize("child_from", [None, 0])
def test_the_shared_columns_are_stored_as_bound_values_are(tmp_path, user, child_from):
    contacts, episodes = _imported(tmp_path, user, child_from)
    assert contacts == episodes
    (stored,) = contacts
    assert stored[1::2] == ("integer", "text", "text") and stored[4] == user


def test_only_plain_integers_and_text_become_literals():
    assert _sqlite_literal(1) == "1"
    assert _sqlite_literal("it's") == "'it''s'"
    assert _sqlite_literal(True) is None
    assert _sqlite_literal("a\x00b") is None
    assert _sqlite_literal(None) is None
    assert _sqlite_literal(1.5) is None
    assert _sqlite_literal(b"x") is None
