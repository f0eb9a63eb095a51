"""An in-memory keystore for the tests, so that no test ever reads or writes the real keystore of
the person running them (keyring.set_keyring, see tests/conftest.py), and one that has no keystore
at all, as on a headless Linux machine."""

from __future__ import annotations

try:
    from keyring.backend import KeyringBackend
    from keyring.errors import NoKeyringError, PasswordDeleteError
except ImportError:  # the `encryption` extra is not installed
    KeyringBackend = object  # type: ignore[assignment,misc]


class MemoryKeyring(KeyringBackend):  # type: ignore[misc,valid-type]
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such entry")


class NoKeyring(KeyringBackend):  # type: ignore[misc,valid-type]
    """Like keyring's "fail" backend: every use raises NoKeyringError."""

    priority = 0  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise NoKeyringError("No recommended backend was available.")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NoKeyringError("No recommended backend was available.")

    def delete_password(self, service: str, username: str) -> None:
        raise NoKeyringError("No recommended backend was available.")
