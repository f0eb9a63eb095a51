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
    """`migrations.migrate` unless the schema is already current (it then has nothing to do), or
    the database is a new, empty SQLite file (`create_if_new`: the same schema, without Alembic)."""
    if is_current(engine) or create_if_new(engine):
        return
    from ddcase.storage.migrations import migrate  # Alembic is loaded only to migrate

    migrate(engine)


def create_if_new(engine: Engine) -> bool:
    """Give a new, empty SQLite file this version's schema, and say whether it did.

    Migrating a new file revision by revision gives it the schema in `storage/head_schema.py`: the
    statements of `sqlite_master` in their order (the text each revision left, added columns and
    constraint order included) and the rows the revisions wrote (the default definition, the
    revision's stamp). Replaying those, in one write transaction, makes the same file as the
    migration without loading Alembic or running its steps (issue 18: about a quarter of a second
    of every `ddcase import` into a new file). A test migrates a file and compares the two
    (tests/storage/test_new_file.py); `python -m ddcase.storage.shape --write` writes the module
    again after a revision is added. Anything else (PostgreSQL, a file with any schema object, a
    recording of another revision) is left to `migrations.migrate`: False."""
    if engine.dialect.name != "sqlite":
        return False
    from ddcase.storage import head_schema
    from ddcase.storage.database import write_options

    if head_schema.REVISION != HEAD_REVISION:  # not written again since a revision was added
        return False
    with engine.execution_options(**write_options()).connect() as connection, connection.begin():
        # Inside the write lock (BEGIN IMMEDIATE): another process cannot create it meanwhile.
        if connection.exec_driver_sql("SELECT 1 FROM sqlite_master LIMIT 1").first() is not None:
            return False
        for statement in head_schema.STATEMENTS:
            connection.exec_driver_sql(statement)
        for table, columns, rows in head_schema.ROWS:
            names = ", ".join(f'"{column}"' for column in columns)
            marks = ", ".join("?" for _ in columns)
            connection.exec_driver_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', list(rows))
    return True
