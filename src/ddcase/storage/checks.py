"""The database's own checks, for `ddcase check` (services/maintenance.py words the report):
SQLite's integrity check, SQLCipher's check of every page, broken links between records, a
server's version and who is connected, and the schema against this version's."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from ddcase.storage import shape


def integrity(session: Session) -> list[str]:
    """SQLite's PRAGMA integrity_check: ["ok"], or what is wrong."""
    return [r[0] for r in session.execute(text("PRAGMA integrity_check"))]


def unauthenticated_pages(session: Session) -> list[str]:
    """SQLCipher's PRAGMA cipher_integrity_check: the pages whose authentication code fails."""
    return [r[0] for r in session.execute(text("PRAGMA cipher_integrity_check"))]


def broken_links(session: Session) -> int:
    """How many rows point at a record that is not there (PRAGMA foreign_key_check)."""
    return len(session.execute(text("PRAGMA foreign_key_check")).fetchall())


def server(session: Session) -> tuple[Any, Any]:
    """A server's version and the user connected (a query first: is it reachable?)."""
    session.execute(text("SELECT 1"))
    version = session.execute(text("SHOW server_version")).scalar()
    who = session.execute(text("SELECT current_user")).scalar()
    return version, who


def schema_differences(session: Session) -> list[str]:
    """How the schema differs from this version's (storage/shape.py), or nothing."""
    return shape.problems(session.connection())
