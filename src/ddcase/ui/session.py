"""The database the app has open for the whole session: the instance lock, the opener app.run
received from the command line, and the services it built. A restore swaps the file under the
lock and reopens the services through the same opener. Plain Python (no widgets): the restore
runs off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ddcase.domain import DomainError
from ddcase.services.backup import RestoreResult
from ddcase.services.encryption import EncryptionResult
from ddcase.services.registry import Services
from ddcase.services.session_lock import SessionLock, database_file

Opener = Callable[[str | None], Services]


class ReopenError(DomainError):
    """The backup was restored, but the database would not open again."""


class DatabaseSession:
    def __init__(
        self, db_argument: str | None, opener: Opener, services: Services, lock: SessionLock | None
    ) -> None:
        self.db_argument = db_argument
        self.services = services
        self._opener = opener
        self._lock = lock

    @property
    def lock(self) -> SessionLock | None:
        return self._lock

    @property
    def opener(self) -> Opener:
        return self._opener

    def path(self) -> Path | None:
        """The log's file; None for a team database on a server."""
        try:
            return database_file(self.db_argument)
        except Exception:  # a URL SQLAlchemy cannot read
            return None

    def adopt(self, other: DatabaseSession) -> None:
        """Another log, opened through app.open_session (the same lock and opening checks as at
        start-up), takes this one's place: this log's services are closed and its lock released.
        Whoever holds this session (the window, app.run) now holds the other log."""
        old_services, old_lock = self.services, self._lock
        self.db_argument, self.services, self._lock = other.db_argument, other.services, other._lock
        old_services.close()
        if old_lock is not None:
            old_lock.release()

    def restore(self, source: Path) -> RestoreResult:
        """The same restore as `ddcase restore FILE` (BackupService.restore), then the services
        are reopened; the old ones must not be used again."""
        old = self.services
        if self._lock is not None:
            with self._lock.released():  # the restore takes the lock itself while it swaps files
                result = old.backup.restore(source)
        else:
            result = old.backup.restore(source)
        old.close()
        try:
            self.services = self._opener(self.db_argument)
        except DomainError as error:
            raise ReopenError(
                f"The backup was restored, but ddcase could not open the database again: {error} "
                "Quit ddcase and start it again."
            ) from error
        return result

    def encrypt(self, recovery_file: Path) -> EncryptionResult:
        """The same conversion as `ddcase encrypt` (EncryptionService.encrypt), then the services
        are reopened on the encrypted file with its key; the old ones must not be used again."""
        old = self.services
        if self._lock is not None:
            with self._lock.released():  # the conversion takes the lock itself while it swaps files
                result = old.encryption.encrypt(recovery_file)
        else:
            result = old.encryption.encrypt(recovery_file)
        old.close()
        try:
            self.services = self._opener(self.db_argument)
        except DomainError as error:
            raise ReopenError(
                f"The database was encrypted, but ddcase could not open it again: {error} "
                "Quit ddcase and start it again."
            ) from error
        return result

    def close(self) -> None:
        self.services.close()
        if self._lock is not None:
            self._lock.release()
