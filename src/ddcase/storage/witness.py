"""What this computer remembers of a log's audit trail, outside the database file (issue 14): the
key that signs the trail's entries (HMAC-SHA-256), and the witness: the newest entry ddcase has
seen (its number, hash and when), so that `ddcase check` can say "the trail ends at #1180 but
#1234 was seen on 3 Dec" when entries were removed, or that the entry seen was replaced.

Both live in a folder the composition root names (the user's config folder, services/trail.py),
owner-only: `keys/<key id>.key` (32 random bytes, hex) and `witness/<location digest>.json`. A
key is found by its id, which every signed entry carries, so a log moved or copied on this
computer still verifies; a witness belongs to one place (a file's path, a server's database).
Someone who can write the file but not this folder cannot forge signed entries or move the
witness back; someone who is this user can (docs/data-protection.md says so).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import os
import secrets
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from ddcase.storage.files import replace_file

log = logging.getLogger(__name__)

KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class TrailKey:
    key_id: str
    secret: bytes

    def sign(self, message: str) -> str:
        return hmac.new(self.secret, message.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Witness:
    """The newest entry seen: its number and hash, when (UTC, ISO), and notes of legitimate
    shortenings (a restore) that replaced an earlier witness."""

    seq: int
    hash: str
    seen_at: str
    history: tuple[str, ...] = ()


class TrailKeeper:
    """The keys and the witness of one log, at `location`, kept in `folder`."""

    def __init__(self, folder: Path, location: str) -> None:
        self.folder = folder
        self.location = location
        self._keys: dict[str, TrailKey | None] = {}
        self._signing: TrailKey | None = None
        self._moves_witness = True

    def signing_only(self) -> TrailKeeper:
        """This keeper for a copy that may yet be thrown away: it signs, but moves no witness."""
        keeper = TrailKeeper(self.folder, self.location)
        keeper._moves_witness = False
        return keeper

    # ------------------------------------------------------------------ keys

    def key(self, key_id: str) -> TrailKey | None:
        """The key with this id, if this computer has it."""
        if key_id not in self._keys:
            self._keys[key_id] = self._read_key(key_id)
        return self._keys[key_id]

    def signing_key(self, last_key_id: str | None) -> TrailKey | None:
        """The key to sign a new entry with: the one the trail's last entry was signed with
        (when this computer has it), else a new one. None when no key can be kept here (a
        read-only folder): the entry is then hashed without a key, as before revision 0008."""
        if self._signing is not None and self._signing.key_id == last_key_id:
            return self._signing
        if last_key_id is not None:
            found = self.key(last_key_id)
            if found is not None:
                self._signing = found
                return found
        if self._signing is None:
            self._signing = self._new_key()
        return self._signing

    def _key_path(self, key_id: str) -> Path:
        return self.folder / "keys" / f"{key_id}.key"

    def _read_key(self, key_id: str) -> TrailKey | None:
        if not key_id.isalnum():
            return None
        try:
            secret = bytes.fromhex(self._key_path(key_id).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            return None
        if _key_id(secret) != key_id:
            return None
        return TrailKey(key_id, secret)

    def _new_key(self) -> TrailKey | None:
        secret = secrets.token_bytes(KEY_BYTES)
        key = TrailKey(_key_id(secret), secret)
        try:
            _write_private(self._key_path(key.key_id), secret.hex().encode("ascii"))
        except OSError as error:
            log.warning("no key for the audit trail could be kept: %s", type(error).__name__)
            return None
        self._keys[key.key_id] = key
        return key

    # ------------------------------------------------------------------ the witness

    def _witness_path(self) -> Path:
        digest = hashlib.sha256(self.location.encode("utf-8")).hexdigest()[:32]
        return self.folder / "witness" / f"{digest}.json"

    def witness(self) -> Witness | None:
        try:
            data = json.loads(self._witness_path().read_text(encoding="utf-8"))
            return Witness(
                int(data["seq"]), str(data["hash"]), str(data["seen_at"]), tuple(data.get("history", ()))
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def saw(self, seq: int, hash_: str, at: datetime, *, note: str | None = None) -> None:
        """Remember `seq` (with its hash) as the newest entry seen. Best effort: a witness that
        cannot be written leaves the old one, which is only ever older, never wrong."""
        if not self._moves_witness:
            return
        old = self.witness()
        history = old.history if old is not None else ()
        if note is not None:
            history = (*history, note)[-20:]
        witness = Witness(seq, hash_, at.isoformat(timespec="seconds"), history)
        try:
            data = {**asdict(witness), "location": self.location, "history": list(history)}
            _write_private(self._witness_path(), json.dumps(data).encode("utf-8"))
        except OSError as error:
            log.warning("the audit trail's witness was not written: %s", type(error).__name__)


def _key_id(secret: bytes) -> str:
    return hashlib.sha256(b"ddcase trail key " + secret).hexdigest()[:16]


def _write_private(path: Path, data: bytes) -> None:
    """Atomically, owner-only (no fsync: a witness lost with a power cut is an older one)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o600)
        replace_file(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
