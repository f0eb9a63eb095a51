"""Storage's own error, in a module that imports no database library: the place of a file
(location.py) and a read-only command's plain read (driver.py) raise it without SQLAlchemy."""

from __future__ import annotations

from ddcase.domain import DomainError


class StorageError(DomainError):
    """The database could not do what was asked; the message says why in plain words."""
