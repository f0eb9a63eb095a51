"""Start-up's schema check without Alembic: the revision this version of ddcase expects, and a
one-row read of a database's. Loading Alembic costs a large part of a command's start-up, and is
only needed when there is something to migrate (docs/performance.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ddcase.domain import DomainError

if TYPE_CHECKING:  # HEAD_REVISION is read without SQLAlchemy (storage/stamp.py, `ddcase figures`)
    from sqlalchemy import Engine


class SchemaError(DomainError):
    """The database cannot be used by this version of ddcase."""


class NewerDatabaseError(SchemaError):
    pass


class NotDdcaseDatabaseError(SchemaError):
    pass


#: The newest revision in storage/alembic/versions (a test checks they agree).
HEAD_REVISION = "0015"


def is_current(engine: Engine) -> bool:
    """Whether the database is stamped with exactly this version's head revision."""
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as connection:
            stamped = [
                row[0] for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            ]
    except DBAPIError:  # no alembic_version table yet: a new or foreign database
        return False
    return stamped == [HEAD_REVISION]


def migrate_if_needed(engine: Engine) -> None:
    """`migrations.migrate` unless the schema is already current (it then has nothing to do)."""
    if is_current(engine):
        return
    from ddcase.storage.migrations import migrate  # Alembic is loaded only to migrate

    migrate(engine)
