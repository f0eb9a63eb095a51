"""A trail with a witness (issue 14, hole 1): someone who can write the log file drops the guard
triggers, shortens, wipes or rewrites the trail, and puts the guards back. The entries are signed
with a key kept outside the file, and this computer remembers the newest entry it saw, so `ddcase
check` says what was done: shortened, wiped, edited. A backup, a restore and a purge made through
ddcase keep the witness in step."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from ddcase.cli import main
from ddcase.storage.audit import canonical_json
from tests.safety.helpers import add_clients, make_db, open_app

GUARDS = (
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
)
SEEN = r"was seen on \d{1,2} [A-Z][a-z]{2} \d{4}"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_db(tmp_path / "case.sqlite3", ["A1", "A2", "A3"], with_history=True)


def tamper(path: Path, *statements: str) -> None:
    """As someone holding the file: guards off, the statements, guards back on."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("DROP TRIGGER audit_event_no_update")
        conn.execute("DROP TRIGGER audit_event_no_delete")
        for statement in statements:
            conn.execute(statement)
        for guard in GUARDS:
            conn.execute(guard)
        conn.commit()
    finally:
        conn.close()


def last_seq(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT max(seq) FROM audit_event").fetchone()[0])
    finally:
        conn.close()


def rehash(path: Path, *, from_seq: int, keep_chain: bool) -> None:
    """Recompute every hash from `from_seq` on with plain SHA-256 (no key), as the old chain
    did: keeping the entries' `chain` (they then claim a signature), or setting it to NULL."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_event_no_update")
    conn.execute("DROP TRIGGER audit_event_no_delete")
    columns = "seq, at_utc, os_user, app_user, action, entity, entity_key, before_json, after_json, values_sha256, chain"
    rows = conn.execute(f"SELECT {columns}, prev_hash FROM audit_event ORDER BY seq").fetchall()
    prev = "0" * 64
    for row in rows:
        seq, at, os_user, app_user, action, entity, key, before, after, digest, chain, stored_prev = row
        if seq < from_seq:
            prev = conn.execute("SELECT hash FROM audit_event WHERE seq = ?", (seq,)).fetchone()[0]
            continue
        if not keep_chain:
            chain = None
        fields = {
            "seq": seq, "at_utc": at, "os_user": os_user, "app_user": app_user, "action": action,
            "entity": entity, "entity_key": key, "before": before, "after": after,
        }  # fmt: skip
        if digest is not None:
            fields["values_sha256"] = digest
        if chain is not None:
            fields["chain"] = chain
        new = hashlib.sha256((prev + canonical_json(fields)).encode("utf-8")).hexdigest()
        conn.execute(
            "UPDATE audit_event SET prev_hash = ?, hash = ?, chain = ? WHERE seq = ?", (prev, new, chain, seq)
        )
        if not keep_chain:
            conn.execute("UPDATE audit_event SET signature = NULL WHERE seq = ?", (seq,))
        prev = new
    for guard in GUARDS:
        conn.execute(guard)
    conn.commit()
    conn.close()


def test_a_log_used_normally_checks_intact_with_a_signed_trail(capsys, db):
    code, out, _ = run(capsys, "check", "--db", str(db))
    assert code == 0, out
    conn = sqlite3.connect(db)
    try:
        chains = {r[0] for r in conn.execute("SELECT chain FROM audit_event")}
    finally:
        conn.close()
    assert len(chains) == 1 and next(iter(chains)).startswith("hmac:")


def test_the_newest_entries_removed_and_the_guards_put_back_is_named(capsys, db):
    n = last_seq(db)
    tamper(db, f"DELETE FROM audit_value WHERE seq > {n - 3}", f"DELETE FROM audit_event WHERE seq > {n - 3}")
    code, out, _ = run(capsys, "check", "--db", str(db))
    assert code == 1
    assert re.search(rf"the trail ends at #{n - 3} but #{n} {SEEN}: 3 entries were removed", out), out


def test_a_wiped_trail_is_named(capsys, db):
    n = last_seq(db)
    tamper(db, "DELETE FROM audit_value", "DELETE FROM audit_event")
    code, out, _ = run(capsys, "check", "--db", str(db))
    assert code == 1 and re.search(rf"the trail is empty but entry #{n} {SEEN}: it was wiped", out), out


def test_a_shortened_trail_stays_named_after_the_next_save(capsys, db):
    n = last_seq(db)
    tamper(db, f"DELETE FROM audit_value WHERE seq > {n - 2}", f"DELETE FROM audit_event WHERE seq > {n - 2}")
    app = open_app(db)
    try:
        add_clients(app, ["B1", "B2", "B3"])  # the trail grows past where it was
    finally:
        app.close()
    code, out, _ = run(capsys, "check", "--db", str(db))
    assert code == 1 and f"entry #{n} is not the one seen on" in out, out


def test_an_edited_entry_with_the_later_hashes_recomputed_is_found(capsys, db):
    tamper(
        db,
        "UPDATE audit_event SET app_user = 'someone else', at_utc = '2020-01-01T00:00:00+00:00' WHERE seq = 3",
    )
    rehash(db, from_seq=3, keep_chain=True)  # no key: plain SHA-256 under the signature's name
    code, out, _ = run(capsys, "check", "--db", str(db))
    assert code == 1 and "entry 3 was altered (its signature does not match)" in out, out


def test_a_trail_rewritten_without_signatures_is_found(capsys, db):
    n = last_seq(db)
    tamper(db, "DELETE FROM audit_value WHERE seq = 4", "DELETE FROM audit_event WHERE seq = 4")
    tamper(db, *(f"UPDATE audit_event SET seq = seq - 1 WHERE seq = {s}" for s in range(5, n + 1)))
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA foreign_keys = OFF")
    for s in range(5, n + 1):
        conn.execute(f"UPDATE audit_value SET seq = seq - 1 WHERE seq = {s}")
    conn.commit()
    conn.close()
    rehash(db, from_seq=4, keep_chain=False)
    code, out, _ = run(capsys, "check", "--db", str(db))
    assert code == 1 and "entry 4 is not signed though entry 1 and those after it were" in out, out
    rehash(db, from_seq=1, keep_chain=False)  # every entry, so no signature is left to miss
    code, out, _ = run(capsys, "check", "--db", str(db))
    assert code == 1 and re.search(rf"the trail ends at #{n - 1} but #{n} {SEEN}", out), out


def test_on_another_computer_the_trail_checks_but_says_what_it_cannot(capsys, db, tmp_path, monkeypatch):
    monkeypatch.setenv("DDCASE_CONFIG_DIR", str(tmp_path / "another computer"))
    code, out, _ = run(capsys, "check", "--db", str(db))
    assert code == 0, out
    assert "signed with a key that is not on this computer" in out and "first seen on this computer" in out


def test_the_witness_survives_a_backup_a_restore_and_a_purge(capsys, db, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    assert run(capsys, "backup", "--db", str(db), "--to", str(copy))[0] == 0
    app = open_app(db)
    try:
        add_clients(app, ["C1", "C2"])
    finally:
        app.close()
    assert run(capsys, "restore", "--db", str(db), str(copy))[0] == 0
    code, out, _ = run(capsys, "check", "--db", str(db))
    assert code == 0, out
    app = open_app(db)
    try:
        assert app.retention.purge(date(2025, 1, 1)).clients == ("A1", "A2", "A3")
    finally:
        app.close()
    code, out, _ = run(capsys, "check", "--db", str(db))
    assert code == 0, out


def test_exports_print_the_trails_head(capsys, db, tmp_path):
    code, out, _ = run(capsys, "export", "--db", str(db), "--client", "A1", str(tmp_path / "sar"))
    assert code == 0 and f"Audit head: #{last_seq(db)} " in out
    code, out, _ = run(capsys, "export", "--db", str(db), str(tmp_path / "all"))
    assert code == 0 and f"Audit head: #{last_seq(db)} " in out
