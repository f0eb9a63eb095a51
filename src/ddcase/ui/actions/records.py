"""The records kept safe and given out: File > Back up now, Restore from backup..., Encrypt
database...; Tools > Export everything about one client..., Purge old records...; the day's
backup after the first load, the status bar's last backup, and the opening check's outcome."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox

from ddcase.domain import DomainError
from ddcase.services.backup import BackupFile, RestoreResult
from ddcase.services.session import DatabaseSession, ReopenError
from ddcase.ui.actions import make_action
from ddcase.ui.dialogs.purge_dialog import PurgeDialog
from ddcase.ui.dialogs.restore_dialog import RestoreDialog
from ddcase.ui.tasks import BackgroundWork
from ddcase.ui.text import date_text, date_time_text

if TYPE_CHECKING:
    from ddcase.ui.main_window import MainWindow

log = logging.getLogger("ddcase")


class RecordsActions(QObject):
    _opening_check_done = Signal(object)  # the check that finished

    def __init__(
        self,
        window: MainWindow,
        work: BackgroundWork,
        session: DatabaseSession | None,
        *,
        daily_backup: bool = False,
    ) -> None:
        """`daily_backup`: the opener left the day's backup to the window, which takes it in the
        pool once the caseload has filled in."""
        super().__init__(window)
        self._window = window
        self._work = work
        self._session = session
        self._daily_backup_due = daily_backup
        self.last_backup_label = QLabel()
        self.last_backup_label.setAccessibleName(self.tr("Last backup"))
        # wide enough for a date and time, so the status bar does not jump when the check ends
        self.last_backup_label.setMinimumWidth(
            self.last_backup_label.fontMetrics().horizontalAdvance(
                self.tr("Last backup: 22 Sep 2026 at 10:42  ")
            )
        )
        self.checking_label = QLabel(self.tr("Checking the database..."))
        self.checking_label.setAccessibleName(self.tr("Checking the database"))
        self.checking_label.setToolTip(
            self.tr("Every page of the database file is read once at each start; saving waits for it.")
        )
        self.checking_label.hide()
        # The check calls back from its own thread; the signal, queued, brings the call to this
        # one, and after the window has shown (the event loop runs it).
        self._opening_check_done.connect(self._on_opening_check_done, Qt.ConnectionType.QueuedConnection)
        self.backup_action = make_action(
            window, self.tr("&Back up now"), self._on_backup_triggered, "Ctrl+Shift+B",
            self.tr("Make a checked backup of the database now (Ctrl+Shift+B)"),
        )  # fmt: skip
        self.restore_action = make_action(
            window, self.tr("&Restore from backup..."), self._on_restore_triggered, None,
            self.tr("Replace the database with one of its backups (the current file is kept aside)"),
        )  # fmt: skip
        if not window.services().backup.available:
            server = self.tr(
                "This team database is on a server: the server's own backups (run by your IT) "
                "keep it safe, not ddcase."
            )
            for action in (self.backup_action, self.restore_action):
                action.setEnabled(False)
                action.setToolTip(server)
                action.setStatusTip(server)
        self.encrypt_action = make_action(
            window, self.tr("E&ncrypt database..."), self._on_encrypt_triggered, None,
            self.tr("Encrypt the database file, for a computer whose disk is not encrypted"),
        )  # fmt: skip
        self.show_encryption_state()
        self.subject_access_action = make_action(
            window, self.tr("Export everything about &one client..."), self._on_subject_access_triggered, None,
            self.tr("Everything held about the chosen client, for a subject access request"),
        )  # fmt: skip
        self.purge_action = make_action(
            window, self.tr("P&urge old records..."), self._on_purge_triggered, None,
            self.tr("Team managers: anonymise clients whose care ended long ago (cannot be undone)"),
        )  # fmt: skip

    def set_busy(self, busy: bool) -> None:
        if self._window.services().backup.available:
            for action in (self.backup_action, self.restore_action):
                action.setEnabled(not busy)

    def on_first_load_done(self) -> None:
        backup = self._window.services().backup
        if self._daily_backup_due and backup.available:
            self._daily_backup_due = False
            self.last_backup_label.setText(self.tr("Making today's backup..."))
            self._work.run_quietly(
                backup.daily, lambda _made: self.show_backup_state(), self.show_backup_state
            )
            return
        self.show_backup_state()

    # ------------------------------------------------------------------ the opening check

    def watch_opening_check(self) -> None:
        """A database unchanged since ddcase last closed it is checked while the window is in
        use (services/opening_check): say so, and if the check finds damage, stop."""
        check = self._window.services().opening_check
        if check is None:
            return
        self.checking_label.setVisible(not check.finished)
        check.when_done(lambda: self._say_opening_check_done(check))

    def _say_opening_check_done(self, check: object) -> None:
        """From the checking thread (or at once): hand the result to the window's thread."""
        with contextlib.suppress(RuntimeError):  # the window has gone: nothing to tell
            self._opening_check_done.emit(check)

    @Slot(object)
    def _on_opening_check_done(self, check: object) -> None:
        if check is not self._window.services().opening_check:
            return  # the check of a log no longer open
        self._on_opening_check_finished()

    def _on_opening_check_finished(self) -> None:
        self.checking_label.hide()
        check = self._window.services().opening_check
        error = check.error() if check is not None else None
        if error is None:
            return
        log.error("the opening check found the database damaged")
        QMessageBox.critical(
            self._window,
            self.tr("The database is damaged"),
            self.tr("%1\n\nNothing was saved to it. ddcase will close now: start it again to restore the "
                    "newest backup, or keep the file for IT.").replace("%1", str(error)),
        )  # fmt: skip
        self._window.close()

    # ------------------------------------------------------------------ backups

    def show_backup_state(self) -> None:
        backup = self._window.services().backup
        if not backup.available:
            self.last_backup_label.setText(self.tr("Backups: by the server"))
            return
        self._work.run_quietly(backup.newest_verified, self._on_newest_backup_found)

    def _on_newest_backup_found(self, newest: BackupFile | None) -> None:
        if newest is None:
            self.last_backup_label.setText(self.tr("Last backup: none yet"))
        else:
            self.last_backup_label.setText(
                self.tr("Last backup: %1").replace("%1", date_time_text(newest.made_at))
            )

    @Slot()
    def _on_backup_triggered(self) -> None:
        backup = self._window.services().backup
        self._work.run(self.tr("Backing up the database..."), backup.backup, self._on_backup_made)

    def _on_backup_made(self, made: BackupFile) -> None:
        self._on_newest_backup_found(made)
        self._window.statusBar().showMessage(
            self.tr("Backup made and checked: %1").replace("%1", str(made.path)), 15000
        )

    @Slot()
    def _on_restore_triggered(self) -> None:
        window = self._window
        session = self._session
        if session is None:  # a window built without the app's session (a test, a script)
            QMessageBox.information(
                window, self.tr("Restore from backup"), self.tr("Use `ddcase restore FILE` instead.")
            )
            return
        if self._work.is_busy():
            QMessageBox.information(
                window,
                self.tr("Restore from backup"),
                self.tr("Wait for the work in progress to finish, then restore."),
            )
            return
        backup = window.services().backup
        try:
            source = RestoreDialog.ask(window, backups=backup.backups(), folder=backup.folder)
        except DomainError as error:
            QMessageBox.warning(window, self.tr("Restore from backup"), str(error))
            return
        if source is None:
            return
        answer = QMessageBox.question(
            window,
            self.tr("Restore from backup"),
            self.tr(
                "Replace the database with %1?\n\nThe current file is kept aside, not deleted: it "
                "stays beside the database as %2.before-restore-<date and time>, and a checked backup "
                "of it is made first. Anything entered after the chosen backup was made will not be "
                "in the restored log."
            )
            .replace("%1", source.name)
            .replace("%2", session.lock.db_path.name if session.lock else self.tr("the database")),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        states = self._freeze()
        self._work.run(
            self.tr("Restoring %1...").replace("%1", source.name),
            lambda: session.restore(source),
            self._on_restored,
            self._on_restore_failed,
            always=lambda: self._thaw(states),
        )

    def _freeze(self) -> dict[QAction, bool]:
        """While a restore swaps the file nothing may touch the database: every action but Quit
        and every page are disabled."""
        window = self._window
        states = {a: a.isEnabled() for a in window.actions() if a is not window.quit_action}
        for action in states:
            action.setEnabled(False)
        window.stack.setEnabled(False)
        # A page still loading reads through the services the swap closes, and Windows cannot
        # replace a file a connection holds: the loads finish first.
        self._work.pool.waitForDone()
        return states

    def _thaw(self, states: dict[QAction, bool]) -> None:
        for action, enabled in states.items():
            action.setEnabled(enabled)
        self._window.stack.setEnabled(True)

    def _on_restored(self, result: RestoreResult) -> None:
        assert self._session is not None
        window = self._window
        window.replace_services(self._session.services)
        window.statusBar().showMessage(
            self.tr("Restored from %1").replace("%1", str(result.restored_from)), 15000
        )
        QMessageBox.information(window, self.tr("Backup restored"), str(result))

    def _on_restore_failed(self, error: Exception) -> None:
        if isinstance(error, ReopenError):
            QMessageBox.critical(self._window, self.tr("Restored, but not reopened"), str(error))
            self._window.close()
            return
        QMessageBox.warning(self._window, self.tr("The backup was not restored"), str(error))

    # ------------------------------------------------------------------ encryption

    def show_encryption_state(self) -> None:
        services = self._window.services()
        encryption = services.encryption
        if encryption.encrypted:
            why = self.tr("This database is already encrypted.")
        elif not services.backup.available:
            why = self.tr("This team database is on a server: its encryption is the server's.")
        elif not encryption.available:
            why = self.tr("Encryption is not installed with this copy of ddcase (ddcase[encryption]).")
        else:
            why = ""
        self.encrypt_action.setEnabled(not why)
        if why:
            self.encrypt_action.setToolTip(why)
            self.encrypt_action.setStatusTip(why)

    @Slot()
    def _on_encrypt_triggered(self) -> None:
        """File > Encrypt database...: the same conversion as `ddcase encrypt`."""
        window = self._window
        title = self.tr("Encrypt database")
        session = self._session
        if session is None:
            QMessageBox.information(window, title, self.tr("Use `ddcase encrypt` instead."))
            return
        if self._work.is_busy():
            QMessageBox.information(
                window, title, self.tr("Wait for the work in progress to finish, then encrypt.")
            )
            return
        answer = QMessageBox.question(
            window,
            title,
            self.tr(
                "Encrypt the database file and its backups?\n\nddcase makes a new random key, keeps "
                "it in this computer's keystore, and writes it to a recovery file you choose next. "
                "Give the recovery file to the team manager to keep safe and secret, away from the "
                "database: if this computer's keystore loses the key, the records can only be opened "
                "with that file, and without it they are lost for good.\n\nIt is all or nothing: "
                "if anything goes wrong, the database stays as it is."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        chosen, _filter = QFileDialog.getSaveFileName(
            window,
            self.tr("Save the recovery key file (for the team manager)"),
            str(Path.home() / "ddcase recovery key.txt"),
            self.tr("Text files (*.txt)"),
        )
        if not chosen:
            return
        states = self._freeze()
        self._work.run(
            self.tr("Encrypting the database..."),
            lambda: session.encrypt(Path(chosen)),
            self._on_encrypted,
            self._on_encrypt_failed,
            always=lambda: self._thaw(states),
        )

    def _on_encrypted(self, result: Any) -> None:
        assert self._session is not None
        self._window.replace_services(self._session.services)
        QMessageBox.information(self._window, self.tr("Database encrypted"), str(result))

    def _on_encrypt_failed(self, error: Exception) -> None:
        if isinstance(error, ReopenError):
            QMessageBox.critical(self._window, self.tr("Encrypted, but not reopened"), str(error))
            self._window.close()
            return
        QMessageBox.warning(self._window, self.tr("The database was not encrypted"), str(error))

    # ------------------------------------------------------------------ subject access and purge

    @Slot()
    def _on_subject_access_triggered(self) -> None:
        window = self._window
        title = self.tr("Export everything about one client")
        client_ref = window.current_client_ref()
        if client_ref is None:
            QMessageBox.information(
                window, title, self.tr("Choose the client in the Clients list first, then export.")
            )
            return
        folder = QFileDialog.getExistingDirectory(
            window, self.tr("Export everything about %1 into a folder").replace("%1", client_ref)
        )
        if not folder:
            return
        services = window.services()
        today = services.context.today()
        target = Path(folder) / f"{client_ref} subject access {today.isoformat()}"
        subject_access = services.subject_access
        self._work.run(
            self.tr("Exporting everything about %1...").replace("%1", client_ref),
            lambda: subject_access.export(client_ref, target),
            lambda summary: QMessageBox.information(window, self.tr("Export done"), str(summary)),
        )

    @Slot()
    def _on_purge_triggered(self) -> None:
        window = self._window
        services = window.services()
        title = self.tr("Purge old records")
        before = PurgeDialog.ask(window, today=services.context.today())
        if before is None:
            return
        retention = services.retention
        try:
            due = retention.due(before)
        except DomainError as error:
            QMessageBox.warning(window, title, str(error))
            return
        if not due:
            QMessageBox.information(
                window,
                title,
                self.tr("No client's care ended before %1: there is nothing to purge.").replace(
                    "%1", date_text(before)
                ),
            )
            return
        shown = ", ".join(due[:12]) + (
            self.tr(" and %1 more").replace("%1", str(len(due) - 12)) if len(due) > 12 else ""
        )
        answer = QMessageBox.question(
            window,
            title,
            self.tr(
                "Anonymise %1 clients whose care ended before %2 (%3)?\n\nThis cannot be undone: "
                "their initials become XX, and their NHS number, date of birth, ethnicity and "
                "contact notes are cleared. The monthly figures stay as they are. A checked backup "
                "is made first."
            )
            .replace("%1", str(len(due)))
            .replace("%2", date_text(before))
            .replace("%3", shown),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        backup = services.backup

        def work() -> Any:
            if backup.available:
                backup.backup()  # the only way back from a purge
            return retention.purge(before)

        self._work.run(self.tr("Purging old records..."), work, self._on_purged)

    def _on_purged(self, summary: Any) -> None:
        self._window.mark_all_stale()
        self.show_backup_state()
        QMessageBox.information(self._window, self.tr("Purge done"), str(summary))
