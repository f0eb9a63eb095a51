"""Encryption as the desktop app offers it, through the real window over real files: File >
Encrypt database..., and opening an encrypted database whose key is not in the keystore (the
"cannot unlock" message with "Use a recovery key file...")."""

from __future__ import annotations

import pytest

pytest.importorskip("sqlcipher3")
pytest.importorskip("keyring")

from PySide6.QtWidgets import QFileDialog  # noqa: E402
from tests.safety.helpers import add_clients, make_db, sha256  # noqa: E402

from ddcase.cli import main, open_services  # noqa: E402
from ddcase.services.session import AlreadyOpenError, SessionLock  # noqa: E402
from ddcase.storage.cipher import SQLITE_HEADER  # noqa: E402
from ddcase.ui.app import open_session  # noqa: E402
from ddcase.ui.main_window import MainWindow  # noqa: E402

USE_KEY_FILE = "&Use a recovery key file..."
OPEN_ANOTHER = "&Open another database file..."


def _refs_shown(window: MainWindow) -> set[str]:
    return {entry.client_ref for entry in window.caseload_page.model.rows()}


def test_file_encrypt_database_converts_the_open_database_and_carries_on(
    tmp_path, settings, qtbot, message_boxes, monkeypatch, memory_keyring
):
    db = tmp_path / "team.sqlite3"
    session = open_session(str(db), open_services)
    assert session is not None
    add_clients(session.services, ["RT500001"], with_history=True)
    window = MainWindow(session.services, settings, session=session)
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.encrypt_action.isEnabled() and window.encrypt_action in window.file_menu.actions()
        recovery = tmp_path / "manager" / "recovery.txt"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(recovery), "")))
        window.encrypt_action.trigger()
        qtbot.waitUntil(lambda: not window.is_busy(), timeout=30000)

        [(_, question)] = message_boxes.of("question")
        assert "recovery file" in question and "all or nothing" in question
        title, text = message_boxes.of("information")[-1]
        assert title == "Database encrypted" and str(recovery) in text
        assert db.read_bytes()[:16] != SQLITE_HEADER and recovery.exists()
        assert list(memory_keyring.entries) == [("ddcase", str(db.resolve()))]
        assert window.services() is session.services and session.services.context.db.encrypted
        window.refresh_action.trigger()
        assert _refs_shown(window) == {"RT500001"}
        add_clients(window.services(), ["RT500002"])  # and it writes, encrypted
        assert not window.encrypt_action.isEnabled()
        assert "already encrypted" in window.encrypt_action.toolTip()
        with pytest.raises(AlreadyOpenError):  # the session holds the database again
            SessionLock(db).acquire()
    finally:
        window.wait_for_background_work()
        window.close()
        session.close()


def test_the_encrypt_action_is_not_offered_without_the_extra(window, monkeypatch):
    from ddcase.storage import cipher

    monkeypatch.setattr(cipher, "available", lambda: False)
    window.records.show_encryption_state()
    assert not window.encrypt_action.isEnabled()
    assert "ddcase[encryption]" in window.encrypt_action.toolTip()


def test_an_encrypted_database_without_its_key_asks_for_the_recovery_file(
    tmp_path, choice_boxes, message_boxes, monkeypatch, memory_keyring, capsys
):
    db = make_db(tmp_path / "team.sqlite3", ["RT600001"], with_history=True)
    recovery = tmp_path / "recovery.txt"
    assert main(["encrypt", "--db", str(db), "--recovery-file", str(recovery)]) == 0
    memory_keyring.entries.clear()  # a new computer: the keystore does not have the key
    wrong = tmp_path / "notes.txt"
    wrong.write_text("not a key\n", encoding="utf-8")
    offered = [str(wrong), str(recovery)]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (offered.pop(0), "")))
    choice_boxes.answers = [USE_KEY_FILE, USE_KEY_FILE]

    session = open_session(str(db), open_services)

    first, second = choice_boxes.shown
    assert "cannot unlock" in first[1] and f"{db}" in first[1]
    assert sorted(first[2]) == sorted([USE_KEY_FILE, OPEN_ANOTHER, "&Quit"])
    assert message_boxes.of("warning")[0][0] == "Not a recovery key file"
    assert second[1] == first[1]  # asked again after the wrong file; nothing changed meanwhile
    assert session is not None
    try:
        assert [c.client_ref for c in session.services.casework.clients()] == ["RT600001"]
    finally:
        session.close()


def test_quitting_at_cannot_unlock_leaves_the_file_as_it_was(tmp_path, choice_boxes, memory_keyring):
    db = make_db(tmp_path / "team.sqlite3", ["RT700001"])
    assert main(["encrypt", "--db", str(db), "--recovery-file", str(tmp_path / "recovery.txt")]) == 0
    memory_keyring.entries.clear()
    before = {p: sha256(p) for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".lock"}
    choice_boxes.answers = ["&Quit"]
    assert open_session(str(db), open_services) is None
    [(title, text, _)] = choice_boxes.shown
    assert title == "ddcase cannot open the database" and "cannot unlock" in text
    after = {p: sha256(p) for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".lock"}
    assert after == before
