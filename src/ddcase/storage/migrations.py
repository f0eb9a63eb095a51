"""Schema migrations with Alembic, applied at start-up.

Every pending revision runs in ONE transaction on a connection whose foreign keys are off
(SQLite: a batch rebuild of a parent table would otherwise cascade-delete its children), and
the transaction commits only after `foreign_key_check` finds nothing. A failed migration leaves
the file as it was. A database stamped with a revision this version does not know was made by a
newer ddcase and is refused, never "repaired".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.exc import ProgrammingError

from ddcase.storage.schema import NewerDatabaseError, NotDdcaseDatabaseError, SchemaError

log = logging.getLogger(__name__)

SCRIPT_LOCATION = Path(__file__).with_name("alembic")


@dataclass(frozen=True, slots=True)
class MigrationPlan:
    current: str | None
    head: str
    pending: tuple[str, ...]

    @property
    def needed(self) -> bool:
        return bool(self.pending)


def alembic_config(script_location: Path = SCRIPT_LOCATION) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    return config


def plan(engine: Engine, script_location: Path = SCRIPT_LOCATION) -> MigrationPlan:
    """What `migrate` would do, without doing it. Raises SchemaError for a database that is not
    ours or is newer than this version."""
    script = ScriptDirectory.from_config(alembic_config(script_location))
    head = script.get_current_head()
    assert head is not None
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        tables = set(inspect(conn).get_table_names())
    if current is None and tables - {"alembic_version"}:
        raise NotDdcaseDatabaseError(
            "This file is a database, but not a ddcase database; it was left untouched."
        )
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise NewerDatabaseError(
            "This database was made by a newer version of ddcase; it was left untouched. "
            "Install the newer version to open it."
        )
    pending = [rev.revision for rev in script.iterate_revisions(head, current or "base")]
    return MigrationPlan(current, head, tuple(reversed(pending)))


def migrate(engine: Engine, script_location: Path = SCRIPT_LOCATION) -> MigrationPlan:
    """Bring the schema up to date in one transaction. Returns the plan that was carried out."""
    todo = plan(engine, script_location)
    if not todo.needed:
        return todo
    log.info("migrating the database from %s to %s", todo.current or "empty", todo.head)
    config = alembic_config(script_location)
    is_sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if is_sqlite:
            # Must happen before BEGIN: inside a transaction the pragma is a no-op.
            _driver(conn).execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                config.attributes["connection"] = conn
                try:
                    command.upgrade(config, "head")
                except ProgrammingError as error:
                    if getattr(error.orig, "sqlstate", None) != "42501":
                        raise
                    # A team database belongs to its administrator; users may not change it.
                    raise SchemaError(
                        "This team database must be upgraded for this version of ddcase, and your "
                        "account may not do that: ask the database administrator to run "
                        "`ddcase team-setup` (docs/team-database.md). Nothing was changed."
                    ) from error
                if is_sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise SchemaError(
                            f"The migration would break {len(broken)} links between records; "
                            "nothing was changed."
                        )
        finally:
            if is_sqlite:
                _driver(conn).execute("PRAGMA foreign_keys = ON")
    return todo


def _driver(conn: Connection) -> Any:
    """The DB-API connection under SQLAlchemy's (for a pragma that must not begin a transaction)."""
    driver = conn.connection.driver_connection
    assert driver is not None, "an open connection has its driver's"
    return driver
