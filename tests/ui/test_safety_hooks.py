"""The safety work as the desktop app offers it, through the real window over real files: Back up
now, Restore from backup, one app per database, opening a file ddcase cannot use (damaged, newer,
foreign) with a way forward, a client's history, subject access export and purge."""

from __future__ import annotations

import os
import shutil
import socket
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from tests.safety.helpers import add_clients, damage, execute, make_db, sha256
from tests.ui.test_manners import unnamed_inputs

from ddcase.cli import open_services
from ddcase.domain import Client, Episode, Service
from ddcase.services.session import AlreadyOpenError, SessionLock
from ddcase.ui.app import open_session
from ddcase.ui.dialogs.client_dialog import ClientDialog
from ddcase.ui.dialogs.purge_dialog import PurgeDialog
from ddcase.ui.dialogs.restore_dialog import RestoreDialog
from ddcase.ui.main_window import MainWindow

RESTORE = "&Restore the newest backup..."
OPEN_ANOTHER = "&Open another database file..."


@pytest.fixture
def session_window(tmp_path, settings, qtbot, message_boxes):
    """The app as app.run builds it: the lock, services through cli.open_services, the window."""
    db = tmp_path / "team.sqlite3"
    session = open_session(str(db), open_services)
    assert session is not None
    add_clients(session.services, ["RT200001"], with_history=True)
    window = MainWindow(session.services, settings, session=session)
    qtbot.addWidget(window)
    window.show()
    yield window, session, db
    window.wait_for_background_work()
    window.close()
    session.close()


def _refs_shown(window: MainWindow) -> set[str]:
    return {entry.client_ref for entry in window.caseload_page.model.rows()}


# ---------------------------------------------------------------------- back up and restore


def test_back_up_now_runs_in_the_background_and_the_status_bar_says_where_and_when(window, qtbot):
    qtbot.waitUntil(lambda: window.last_backup_label.text() == "Last backup: none yet")
    assert window.backup_action.isEnabled()
    window.backup_action.trigger()
    assert window.is_busy() and window.busy_bar.isVisible()
    qtbot.waitUntil(lambda: not window.is_busy())
    message = window.statusBar().currentMessage()
    assert message.startswith("Backup made and checked: ")
    made = Path(message.removeprefix("Backup made and checked: "))
    assert made.is_file() and made.parent.name == "backups"
    assert window.last_backup_label.text().startswith("Last backup: ")
    assert "none" not in window.last_backup_label.text()


def test_a_database_on_a_server_offers_no_backup_and_says_why(settings, qtbot, message_boxes):
    from sqlalchemy.pool import StaticPool

    from ddcase.services.base import Context
    from ddcase.services.registry import Services
    from ddcase.storage.database import Database, make_engine
    from ddcase.storage.migrations import migrate

    engine = make_engine("sqlite://", poolclass=StaticPool)  # no file: like PostgreSQL, no backups
    migrate(engine)
    window = MainWindow(Services.build(Context(Database(engine))), settings)
    qtbot.addWidget(window)
    assert not window.backup_action.isEnabled() and not window.restore_action.isEnabled()
    assert "server" in window.backup_action.toolTip()
    assert window.last_backup_label.text() == "Backups: by the server"
    window.close()
    engine.dispose()


def test_restore_from_backup_brings_the_log_back_and_rebuilds_the_window(
    session_window, qtbot, message_boxes, monkeypatch
):
    window, session, db = session_window
    old_services = session.services
    made = old_services.backup.backup()
    add_clients(old_services, ["RT200002"])
    window.refresh_action.trigger()
    assert _refs_shown(window) == {"RT200001", "RT200002"}
    offered = []

    def ask(cls, parent, *, backups, folder):
        offered.extend(backups)
        return made.path

    monkeypatch.setattr(RestoreDialog, "ask", classmethod(ask))
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: not window.is_busy(), timeout=20000)

    assert made.path in [b.path for b in offered]
    [(title, question)] = message_boxes.of("question")
    assert "kept aside" in question and made.path.name in question
    assert message_boxes.of("information")[-1][0] == "Backup restored"
    assert window.services() is session.services is not old_services
    assert _refs_shown(window) == {"RT200001"}  # the client added after the backup is gone
    assert window.log_contact_action.isEnabled() and window.stack.isEnabled()
    assert list(db.parent.glob("team.sqlite3.before-restore-*"))  # the file it replaced is kept
    with pytest.raises(AlreadyOpenError):  # the session holds the database again
        SessionLock(db).acquire()


def test_a_backup_that_cannot_be_restored_is_reported_and_the_log_stays(
    session_window, qtbot, message_boxes, monkeypatch, tmp_path
):
    window, session, _db = session_window
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"not a database at all" * 100)
    monkeypatch.setattr(RestoreDialog, "ask", classmethod(lambda cls, parent, **kw: broken))
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: not window.is_busy(), timeout=20000)
    [(title, text)] = message_boxes.of("warning")
    assert title == "The backup was not restored" and "broken.sqlite3" in text
    assert "Traceback" not in text
    assert _refs_shown(window) == {"RT200001"}
    assert window.restore_action.isEnabled() and window.stack.isEnabled()


def test_the_restore_dialog_lists_the_backups_and_can_choose_any_file(
    session_window, qtbot, monkeypatch, tmp_path, qtmodeltester
):
    window, session, _db = session_window
    backup = session.services.backup
    backup.backup()
    backups = backup.backups()
    dialog = RestoreDialog(window, backups=backups, folder=backup.folder)
    qtbot.addWidget(dialog)
    assert unnamed_inputs(dialog) == []
    qtmodeltester.check(dialog.model)
    assert dialog.model.rowCount() == len(backups) >= 1
    assert dialog.model.index(0, 1).data() in ("Made by hand", "Daily, at start-up")
    assert dialog.model.index(0, 2).data().endswith("KB")
    assert dialog.restore_button.isEnabled() and dialog.draft() == backups[0].path
    elsewhere = tmp_path / "usb" / "team-copy.sqlite3"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(elsewhere), "")))
    dialog.choose_file_button.click()
    assert dialog.result() == RestoreDialog.DialogCode.Accepted
    assert dialog.draft() == elsewhere


# ---------------------------------------------------------------------- opening


def test_the_app_holds_its_database_for_the_session_and_a_second_copy_is_told_who_has_it(
    tmp_path, choice_boxes
):
    db = tmp_path / "team.sqlite3"
    first = open_session(str(db), open_services)
    assert first is not None
    try:
        assert open_session(str(db), open_services) is None
        [(title, text, buttons)] = choice_boxes.shown
        assert text == (
            f"ddcase is already open on this database (process {os.getpid()} on "
            f"{socket.gethostname()}). Close it first."
        )
        assert buttons == ["&Quit"]
    finally:
        first.close()
    second = open_session(str(db), open_services)  # released on exit
    assert second is not None
    second.close()


def test_a_damaged_database_offers_the_newest_backup_and_restores_it_after_asking(
    tmp_path, choice_boxes, message_boxes
):
    db = make_db(tmp_path / "team.sqlite3", [f"RT3{n:05}" for n in range(60)], with_history=True)
    services = open_services(str(db))
    newest = services.backup.backup()
    services.close()
    damage(db)
    damaged_hash = sha256(db)
    choice_boxes.answers = [RESTORE]

    session = open_session(str(db), open_services)

    assert session is not None
    [(title, text, buttons)] = choice_boxes.shown
    assert "damaged" in text and f'ddcase restore "{newest.path}"' in text
    assert sorted(buttons) == sorted([RESTORE, OPEN_ANOTHER, "&Quit"])
    [(_, question)] = message_boxes.of("question")
    assert "kept aside" in question
    assert message_boxes.of("information")[0][0] == "Backup restored"
    assert len(session.services.casework.clients()) == 60
    [aside] = tmp_path.glob("team.sqlite3.before-restore-*[0-9]")
    assert sha256(aside) == damaged_hash  # the damaged file is kept as it was
    session.close()


def test_a_damaged_database_is_left_alone_when_the_restore_is_not_confirmed(
    tmp_path, choice_boxes, message_boxes
):
    db = make_db(tmp_path / "team.sqlite3", [f"RT3{n:05}" for n in range(60)], with_history=True)
    services = open_services(str(db))
    services.backup.backup()
    services.close()
    damage(db)
    before = sha256(db)
    choice_boxes.answers = [RESTORE]  # then Quit
    message_boxes.answer = QMessageBox.StandardButton.No
    assert open_session(str(db), open_services) is None
    assert len(choice_boxes.shown) == 2 and sha256(db) == before


@pytest.mark.parametrize(
    ("kind", "says"),
    [("newer", "newer version of ddcase"), ("foreign", "not a ddcase database")],
)
def test_a_newer_or_foreign_database_is_refused_untouched_and_another_file_can_be_opened(
    kind, says, tmp_path, choice_boxes, monkeypatch
):
    good = make_db(tmp_path / "good" / "team.sqlite3", ["RT400001"])
    path = tmp_path / "case.sqlite3"
    if kind == "newer":
        shutil.copyfile(good, path)
        execute(path, "UPDATE alembic_version SET version_num = '9999'")
    else:
        execute(path, "CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT)")
    before = sha256(path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(good), "")))
    choice_boxes.answers = [OPEN_ANOTHER]

    session = open_session(str(path), open_services)

    [(title, text, buttons)] = choice_boxes.shown
    assert says in text and sorted(buttons) == [OPEN_ANOTHER, "&Quit"]
    assert sha256(path) == before and not (tmp_path / "backups").exists()
    assert session is not None and session.db_argument == str(good)
    assert [c.client_ref for c in session.services.casework.clients()] == ["RT400001"]
    session.close()


# ---------------------------------------------------------------------- history


def test_the_history_of_a_client_shows_who_changed_which_field(
    small_team, window, qtbot, monkeypatch, qtmodeltester
):
    page = window.caseload_page
    page.select_client("RT100001")
    panel = page.panel
    monkeypatch.setattr(
        ClientDialog, "ask", classmethod(lambda cls, parent, client, **kw: replace(client, initials="ZZ"))
    )
    panel.edit_client_button.click()
    panel.history_button.click()

    dialog = panel.history_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "History of RT100001"
    assert unnamed_inputs(dialog) == []
    qtmodeltester.check(dialog.model)
    model = dialog.model
    whats = [model.index(row, 2).data() for row in range(model.rowCount())]
    assert whats[0] == "Client updated" and "Episode created" in whats and whats[-1] == "Client created"
    assert model.index(0, 3).data() == "Initials: AB → ZZ"
    assert model.index(0, 1).data().startswith("Test User / ")
    assert "Initials: AB → ZZ" in dialog.detail_edit.toPlainText()
    dialog.close()
    qtbot.waitUntil(lambda: panel.history_dialog is None)


# ---------------------------------------------------------------------- subject access and purge


def test_export_everything_about_one_client_writes_the_files_into_a_new_folder(
    small_team, window, qtbot, message_boxes, monkeypatch, tmp_path
):
    window.caseload_page.select_client("RT100004")
    out = tmp_path / "requests"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(out)))
    window.subject_access_action.trigger()
    qtbot.waitUntil(lambda: not window.is_busy())
    folder = out / "RT100004 subject access 2026-11-22"
    assert (folder / "subject-access.json").is_file() and (folder / "audit.csv").is_file()
    [(title, text)] = message_boxes.of("information")
    assert title == "Export done" and str(folder) in text


def test_purge_previews_the_count_warns_and_anonymises_after_a_backup(
    small_team, window, qtbot, message_boxes, monkeypatch
):
    casework = small_team.casework
    casework.save_client(Client("RT100006", "PQ", nhs_number="9434765919"))
    casework.save_episode(
        Episode("RT100006", Service.MENTAL_HEALTH, "ELFT", date(2009, 1, 1), date(2010, 6, 30))
    )
    monkeypatch.setattr(PurgeDialog, "ask", classmethod(lambda cls, parent, **kw: date(2018, 11, 22)))

    message_boxes.answer = QMessageBox.StandardButton.Cancel
    window.purge_action.trigger()
    [(_, question)] = message_boxes.of("question")
    assert "Anonymise 1 clients" in question and "RT100006" in question and "cannot be undone" in question
    assert casework.history("RT100006").client.initials == "PQ"

    message_boxes.answer = QMessageBox.StandardButton.Yes
    window.purge_action.trigger()
    qtbot.waitUntil(lambda: not window.is_busy())
    assert casework.history("RT100006").client.initials == "XX"
    assert message_boxes.of("information")[-1][0] == "Purge done"
    assert small_team.backup.backups()  # the way back, made first


def test_purge_with_nobody_due_says_so_and_changes_nothing(small_team, window, message_boxes, monkeypatch):
    monkeypatch.setattr(PurgeDialog, "ask", classmethod(lambda cls, parent, **kw: date(2018, 11, 22)))
    window.purge_action.trigger()
    [(title, text)] = message_boxes.of("information")
    assert "nothing to purge" in text and message_boxes.of("question") == []


def test_the_new_actions_are_in_the_menus_with_keys_and_names(small_team, window):
    file_texts = [a.text() for a in window.file_menu.actions()]
    assert "&Back up now" in file_texts and "&Restore from backup..." in file_texts
    tools = [a.text() for a in window.tools_menu.actions() if a.text()]
    assert tools[-5:] == [
        "Export everything about &one client...",
        "P&urge old records...",
        "New caseload &audit...",  # issue 17
        "&Draw an audit sample...",
        "Record audit a&nswers...",
    ]
    assert window.backup_action.shortcut().toString() == "Ctrl+Shift+B"
    assert window.caseload_page.panel.history_button.text() == "Histor&y..."
    dialog = PurgeDialog(window, today=date(2026, 11, 22))
    assert unnamed_inputs(dialog) == [] and dialog.draft() == date(2018, 11, 22)
    dialog.deleteLater()
