"""Encrypted SQLite files (SQLCipher through the optional `sqlcipher3` package): the key, and
connections keyed with it. docs/data-protection.md ("Database encryption") says how it is used.

A database key is 256 random bits, given to SQLCipher as a raw key (`x'<64 hex digits>'`), so
opening skips the passphrase key derivation (about 1 ms instead of about 0.1 s). A key is never
written to the log, an error message or a URL's text: `DatabaseKey` hides it from `repr`/`str`,
and the engine's URL keeps it as its password, which SQLAlchemy shows as `***`.

An encrypted file has no "SQLite format 3" header (its first bytes look random), and the wrong key
fails at the first read with "file is not a database", never at connect; SQLCipher's own
"hmac check failed" line is silenced by `PRAGMA cipher_log_level = NONE`.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any, Protocol

SQLITE_HEADER = b"SQLite format 3\x00"
EXTRA_MESSAGE = (
    "Encryption needs the optional part of ddcase that does it: install it with "
    "`pip install ddcase[encryption]` (the packaged app includes it)."
)
_HEX_KEY = re.compile(r"(?<![0-9A-Fa-f])([0-9A-Fa-f]{64})(?![0-9A-Fa-f])")


class Connection(Protocol):
    """What ddcase uses of a DB-API connection, sqlite3's or sqlcipher3's (two unrelated classes)."""

    isolation_level: str | None

    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...

    def close(self) -> None: ...


class DatabaseKey:
    """A 256-bit raw SQLCipher key. Its value is only reachable through `hex` and `pragma`."""

    __slots__ = ("_hex",)

    def __init__(self, hex_digits: str) -> None:
        if not _HEX_KEY.fullmatch(hex_digits):
            raise ValueError("a database key is 64 hexadecimal digits")
        self._hex = hex_digits.lower()

    @classmethod
    def generate(cls) -> DatabaseKey:
        return cls(secrets.token_hex(32))

    @classmethod
    def find_in(cls, text: str) -> DatabaseKey | None:
        """The one key in a recovery file's text (or a file holding just the 64 digits)."""
        found = {match.lower() for match in _HEX_KEY.findall(text)}
        return cls(found.pop()) if len(found) == 1 else None

    @property
    def hex(self) -> str:
        return self._hex

    @property
    def pragma(self) -> str:
        """The value for `PRAGMA key = "<this>"` and `ATTACH ... KEY ?`: the raw-key form."""
        return f"x'{self._hex}'"

    def __repr__(self) -> str:
        return "DatabaseKey(<hidden>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DatabaseKey) and secrets.compare_digest(self._hex, other._hex)

    def __hash__(self) -> int:
        return hash(self._hex)


def available() -> bool:
    """Whether SQLCipher (the `encryption` extra) is installed."""
    try:
        import sqlcipher3  # noqa: F401
    except ImportError:
        return False
    return True


def dbapi() -> Any:
    """sqlcipher3's DB-API module; raises ImportError when the extra is not installed."""
    from sqlcipher3 import dbapi2

    return dbapi2


def header_of(path: Path) -> bytes:
    with open(path, "rb") as file:
        return file.read(len(SQLITE_HEADER))


def is_plain(path: Path) -> bool:
    """True for a plain SQLite file (and for a missing or empty one, which ddcase makes plain)."""
    if not path.exists() or path.stat().st_size == 0:
        return True
    return header_of(path) == SQLITE_HEADER


def connect(target: str, key: DatabaseKey | None, *, uri: bool = False, timeout: float = 5) -> Any:
    """A sqlcipher3 connection keyed with `key` (None: a plain file, read through SQLCipher).
    Nothing is read yet: a wrong key shows at the first query."""
    conn = dbapi().connect(target, uri=uri, timeout=timeout)
    try:
        quiet(conn)
        if key is not None:
            conn.execute(f'PRAGMA key = "{key.pragma}"')
    except BaseException:
        conn.close()
        raise
    return conn


def quiet(conn: Any) -> None:
    """No "hmac check failed" lines on stderr for a wrong key (SQLCipher's own log)."""
    conn.execute("PRAGMA cipher_log_level = NONE")
