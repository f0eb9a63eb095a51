"""The start-up check knows the head revision, and says a database needs migrating until it has
been migrated."""

from __future__ import annotations

from ddcase.storage.database import make_engine
from ddcase.storage.migrations import plan
from ddcase.storage.schema import HEAD_REVISION, is_current, migrate_if_needed


def test_the_head_revision_is_alembics_head(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert plan(engine).head == HEAD_REVISION
    engine.dispose()


def test_a_new_database_is_migrated_once_and_is_then_current(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert not is_current(engine)
    migrate_if_needed(engine)
    assert is_current(engine)
    assert not plan(engine).needed
    migrate_if_needed(engine)
    engine.dispose()


def test_an_older_database_is_not_current(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    migrate_if_needed(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0002'")
    assert not is_current(engine)
    engine.dispose()
