"""Starts the desktop app: the QApplication (names set before QSettings is read, high-DPI safe),
the opening window (shown at once, before anything of the database side is imported: issue 18),
the database's instance lock for the whole session, the database through the opener the command
line hands in, and the main window in the opening window's place. A database the app cannot open
gives a clear message with a way forward (restore the newest good backup, open another file,
quit), never a traceback."""

from __future__ import annotations

import functools
import logging
import os
import sys
import threading
from datetime import datetime
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QIcon, QPaintEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMainWindow, QMessageBox, QProgressDialog

from ddcase.domain import DomainError
from ddcase.paths import log_dir, resources_dir
from ddcase.ui.frame import add_menus, restore_geometry
from ddcase.ui.tasks import GuiCollector

# Nothing of the database side is imported here: the window shows first (issue 18), and the
# services, SQLAlchemy and the pages are imported once it has painted (`run`).
if TYPE_CHECKING:
    from ddcase.services.registry import Services
    from ddcase.services.session import DatabaseSession, Opener

log = logging.getLogger("ddcase")

ORGANISATION = "ddcase"
APPLICATION = "ddcase"
SMOKE_ENV = "DDCASE_SMOKE_QUIT_AFTER_MS"
EXIT_NOT_SHOWN = 2
#: Opening that takes longer than this shows what it is doing (a full check of a large file).
PROGRESS_AFTER_MS = 400
#: The opening window opens the log after its first paint, or after this long without one.
OPEN_UNPAINTED_AFTER_MS = 1000


def _tr(text: str) -> str:
    return QCoreApplication.translate("app", text)


def handle_exception(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """sys.excepthook for the GUI: log the details, show a short message (no traceback)."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    if threading.current_thread() is not threading.main_thread():
        # A pool thread's (PySide hands errors in QRunnable.run here): widgets belong to the GUI
        # thread alone, and a message box built here would hang the app. Logged only.
        log.error("unexpected error off the GUI thread", exc_info=(kind, value, tb))
        return
    if isinstance(value, DomainError):
        QMessageBox.warning(None, _tr("ddcase"), str(value))
        return
    log.error("unexpected error", exc_info=(kind, value, tb))
    QMessageBox.critical(
        None,
        _tr("Something went wrong"),
        _tr("Something unexpected went wrong. The details are in %1.").replace(
            "%1", str(log_dir() / "ddcase.log")
        ),
    )


class Choice(Enum):
    RESTORE = "restore"
    USE_KEY_FILE = "use a recovery key file"
    OPEN_ANOTHER = "open another"
    QUIT = "quit"


def choose(
    title: str,
    text: str,
    choices: list[Choice],
    *,
    icon: QMessageBox.Icon = QMessageBox.Icon.Critical,
    staying: bool = False,
) -> Choice:
    """A message with a way forward: one button per choice; Escape or closing the box quits (with
    `staying`, another log was asked for: Escape keeps the log that is open)."""
    labels = {
        Choice.RESTORE: (_tr("&Restore the newest backup..."), QMessageBox.ButtonRole.AcceptRole),
        Choice.USE_KEY_FILE: (_tr("&Use a recovery key file..."), QMessageBox.ButtonRole.AcceptRole),
        Choice.OPEN_ANOTHER: (_tr("&Open another database file..."), QMessageBox.ButtonRole.ActionRole),
        Choice.QUIT: (_tr("&Quit"), QMessageBox.ButtonRole.RejectRole),
    }
    if staying:
        labels[Choice.QUIT] = (_tr("&Keep the log that is open"), QMessageBox.ButtonRole.RejectRole)
    box = QMessageBox(icon, title, text)
    buttons = {}
    for choice in choices:
        label, role = labels[choice]
        buttons[box.addButton(label, role)] = choice
    quit_button = next((b for b, c in buttons.items() if c is Choice.QUIT), None)
    if quit_button is not None:
        box.setEscapeButton(quit_button)
    box.setDefaultButton(next(iter(buttons)))
    try:
        box.exec()
        return buttons.get(box.clickedButton(), Choice.QUIT)
    finally:
        box.deleteLater()


def open_session(
    db_argument: str | None, open_services: Opener, *, staying: bool = False
) -> DatabaseSession | None:
    """Take the database's instance lock and open the services through `open_services`; or
    explain plainly why not, with a way forward (restore the newest good backup, open another
    file, quit). None when the user quits. The one way a log is opened: at start-up, and with
    `staying` for File > New log, Open log, a recent log, the demo and leaving it (where None
    means the log already open stays open)."""
    from ddcase.services.backup import newest_verified
    from ddcase.services.session import (
        AlreadyOpenError,
        DatabaseSession,
        Refusal,
        SessionLock,
        database_file,
        needs_full_check,
        needs_update,
        refusal_of,
    )
    from ddcase.services.trail import with_keeper

    title = _tr("ddcase cannot open the database")
    ask = functools.partial(choose, staying=staying)
    while True:
        try:
            path = database_file(db_argument)
        except Exception as error:  # a URL SQLAlchemy cannot read: opening explains it below
            path = None
            log.info("no database file: %s", type(error).__name__)
        lock = SessionLock(path) if path is not None else None
        if lock is not None:
            try:
                lock.acquire()
            except AlreadyOpenError as error:
                ask(
                    _tr("ddcase is already open"),
                    _tr("ddcase is already open on this database (process %1 on %2). Close it first.")
                    .replace("%1", str(error.pid) if error.pid else _tr("unknown"))
                    .replace("%2", error.host),
                    [Choice.QUIT],
                    icon=QMessageBox.Icon.Warning,
                )
                return None
            except OSError:  # the folder cannot be written: opening says so in words
                lock = None
            except DomainError as error:
                if refusal_of(error) is not Refusal.UNSAFE_PLACE:
                    raise
                lock = None  # a network or synced folder: opening says so in words
        newest = None
        try:
            services = open_with_progress(
                open_services,
                db_argument,
                full_check=needs_full_check(path),
                updating=needs_update(path),
            )
            # The trail's key and witness (issue 14): the composition root sets them; a log
            # opened by File > Open log... or the demo must sign its entries as one opened at start.
            with_keeper(services.context.db)
            return DatabaseSession(db_argument, open_services, services, lock)
        except DomainError as error:
            refusal = refusal_of(error)
            if refusal is Refusal.CANNOT_UNLOCK:
                # Encrypted, and no key here that opens it: the recovery file the manager keeps.
                choice = ask(title, str(error), [Choice.USE_KEY_FILE, Choice.OPEN_ANOTHER, Choice.QUIT])
            elif refusal is Refusal.DAMAGED:
                newest = newest_verified(path, _key_at_hand(path)) if path is not None else None
                choices = [Choice.RESTORE] if newest is not None else []
                choice = ask(title, str(error), [*choices, Choice.OPEN_ANOTHER, Choice.QUIT])
            else:
                choice = ask(title, str(error), [Choice.OPEN_ANOTHER, Choice.QUIT])
        except Exception:
            log.exception("could not open the database")
            choice = ask(
                title,
                _tr("The database could not be opened. The details are in %1.").replace(
                    "%1", str(log_dir() / "ddcase.log")
                ),
                [Choice.OPEN_ANOTHER, Choice.QUIT],
            )
        if lock is not None:
            lock.release()
        if choice is Choice.RESTORE and path is not None and newest is not None:
            _restore_newest(path, newest.path, newest.made_at)
        elif choice is Choice.USE_KEY_FILE and path is not None:
            _use_key_file(path)
        elif choice is Choice.OPEN_ANOTHER:
            chosen, _filter = QFileDialog.getOpenFileName(
                None,
                _tr("Open a ddcase database"),
                str(path.parent) if path is not None else "",
                _tr("ddcase databases (*.sqlite3 *.db);;All files (*)"),
            )
            if chosen:
                db_argument = chosen
        else:
            return None


def open_with_progress(
    open_services: Opener, db_argument: str | None, *, full_check: bool, updating: bool = False
) -> Services:
    """Open the database. When the file changed since ddcase last closed it (`full_check`), every
    page is read before it is used (some seconds for a trust's log); when it was made by an older
    version (`updating`), a backup is made and the database updated (a trust's log takes a
    minute, once). The opening then runs in a worker thread, and if it takes more than a moment a
    progress box says "Checking the database..." or "Updating the database...". The opener's
    error, if any, is raised here in the GUI thread."""
    if not full_check and not updating:  # quick: no thread, no events handled before the window
        return open_services(db_argument)
    outcome: dict[str, object] = {}
    done = threading.Event()

    def work() -> None:
        try:
            outcome["services"] = open_services(db_argument)
        except BaseException as error:  # handed to the GUI thread below
            outcome["error"] = error
        finally:
            done.set()

    worker = threading.Thread(target=work, name="ddcase-open", daemon=True)
    worker.start()
    if not done.wait(PROGRESS_AFTER_MS / 1000):
        if updating:
            text = _tr(
                "Updating the database...\n\nIt was made by an earlier version of ddcase. A backup is "
                "made first, then it is updated for this version, once. A large log takes a minute."
            )
        else:
            text = _tr(
                "Checking the database...\n\nIt changed since ddcase last closed it, so every page is "
                "read once before it is used. A large log takes a few seconds."
            )
        progress = QProgressDialog(text, "", 0, 0)
        progress.setWindowTitle(_tr("ddcase"))
        progress.setCancelButton(None)  # a check cannot be skipped
        progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        progress.setMinimumDuration(0)
        progress.show()
        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(50)
        poll.timeout.connect(lambda: loop.quit() if done.is_set() else None)
        poll.start()
        if not done.is_set():
            loop.exec()
        poll.stop()
        progress.close()
        progress.deleteLater()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]  # the thread stored a BaseException in the dict
    return outcome["services"]  # type: ignore[return-value]  # as above: the Services it opened


def _key_at_hand(path: Path):  # type: ignore[no-untyped-def]  # a DatabaseKey: a storage name the UI may not import
    from ddcase.services.encryption import known_key

    try:
        return known_key(path)
    except DomainError:
        return None


def _use_key_file(path: Path) -> None:
    """Ask for the recovery key file; its key is tried when opening is tried again."""
    chosen, _filter = QFileDialog.getOpenFileName(
        None,
        _tr("Choose the database's recovery key file"),
        "",
        _tr("Recovery key files (*.txt *.key);;All files (*)"),
    )
    if not chosen:
        return
    from ddcase.services.encryption import give_key_file

    try:
        give_key_file(path, Path(chosen))
    except DomainError as error:
        QMessageBox.warning(None, _tr("Not a recovery key file"), str(error))


def _restore_newest(path: Path, backup: Path, made_at: datetime) -> None:
    """After asking: the same restore as `ddcase restore FILE`; the file it replaces is kept."""
    from ddcase.services.backup import restore
    from ddcase.ui.text import date_time_text

    answer = QMessageBox.question(
        None,
        _tr("Restore the newest backup"),
        _tr(
            "Restore the backup made on %1?\n\nThe damaged file is not deleted: it is kept aside "
            "beside the database, as it is. Anything entered after the backup was made will not be "
            "in the restored log."
        ).replace("%1", date_time_text(made_at)),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return
    try:
        result = restore(path, backup, now=datetime.now().astimezone(), key=_key_at_hand(path))
    except DomainError as error:
        QMessageBox.critical(None, _tr("The backup was not restored"), str(error))
        return
    except Exception:
        log.exception("restore at start-up failed")
        QMessageBox.critical(
            None,
            _tr("The backup was not restored"),
            _tr("Something unexpected went wrong. The details are in %1.").replace(
                "%1", str(log_dir() / "ddcase.log")
            ),
        )
        return
    QMessageBox.information(None, _tr("Backup restored"), str(result))


def smoke_quit_after() -> int | None:
    """DDCASE_SMOKE_QUIT_AFTER_MS=N: the packaged build's smoke test; quit N ms after showing."""
    text = os.environ.get(SMOKE_ENV, "").strip()
    return int(text) if text.isdigit() else None


class OpeningWindow(QMainWindow):
    """What shows first (issue 18): the main window's frame where the main window will be (its
    remembered geometry), saying "Opening the log...", shown before anything of the database side
    is imported. `painted` is emitted once, after its first paint: then the log is opened."""

    painted = Signal()

    def __init__(self, settings: QSettings) -> None:
        super().__init__()
        self.setObjectName("opening_window")
        self.setWindowTitle("ddcase")
        restore_geometry(self, settings)  # as the main window's
        self.opening_label = QLabel(_tr("Opening the log..."))
        self.opening_label.setObjectName("opening_label")
        self.opening_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.opening_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.opening_label.setFont(font)
        self.setCentralWidget(self.opening_label)
        # The main window's menu bar and status bar, greyed until the log is open: the frame
        # does not jump when the main window takes its place.
        for menu in add_menus(self):
            menu.setEnabled(False)
        self.statusBar()  # empty, as the main window's is before its labels fill in
        self._painted = False

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            # After this paint reaches the screen, not inside it.
            QTimer.singleShot(0, self, self.painted.emit)


def run(
    db_argument: str | None,
    open_services: Opener,
    *,
    settings: QSettings | None = None,
    daily_backup_after_showing: bool = False,
) -> int:
    """The desktop app. With `daily_backup_after_showing`, `open_services` takes a
    `daily_backup` keyword (cli.open_services does), and the day's backup (a checked copy of
    the whole file: many seconds for a trust's log) is taken once the window shows instead.

    The window shows first (OpeningWindow), before the services are imported or the log opened;
    once it has painted, the log is opened and the main window takes its place."""
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    # The composition root creates the one QApplication; nothing else looks it up.
    app = QApplication.instance()
    if app is None:
        # Fractional scaling (125%, 150%) as the desktop asks, not rounded to 100% or 200%.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(sys.argv[:1])
    app.setApplicationDisplayName("ddcase")
    app.setDesktopFileName("ddcase")  # matches StartupWMClass in packaging/linux/ddcase.desktop
    icon = resources_dir() / "icons" / "ddcase.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    sys.excepthook = handle_exception
    settings = settings if settings is not None else QSettings()
    opening = OpeningWindow(settings)
    # The collector on the GUI thread from the first window on (the log opens on another thread).
    GuiCollector(opening)
    start = _Start(app, opening, db_argument, open_services, settings, daily_backup_after_showing)
    opening.painted.connect(start.open, Qt.ConnectionType.SingleShotConnection)
    opening.show()
    # Should no paint come (a platform that shows nothing), the log is opened all the same.
    QTimer.singleShot(OPEN_UNPAINTED_AFTER_MS, opening, opening.painted.emit)
    try:
        code = app.exec()
        if start.error is not None:
            raise start.error
        if start.window is None:
            return EXIT_NOT_SHOWN
        # Work started after the window closed (a load a late signal began) ends here, while
        # the window and its tasks still exist, not in the interpreter's teardown.
        start.window.work.pool.waitForDone()
        return code
    finally:
        # Closing the last window also posts a Quit event: left in the queue, it would run after
        # this loop has ended and leave the application refusing every later event loop (the
        # in-process tests run the app more than once).
        QCoreApplication.removePostedEvents(app, QEvent.Type.Quit)
        opening.close()
        opening.deleteLater()
        if start.session is not None:
            start.session.close()


class _Start:
    """Opening the log once the opening window has painted, then the main window in its place."""

    def __init__(
        self,
        app: QCoreApplication,
        opening: OpeningWindow,
        db_argument: str | None,
        open_services: Opener,
        settings: QSettings,
        daily_backup: bool,
    ) -> None:
        self.app = app
        self.opening = opening
        self.db_argument = db_argument
        self.opener = functools.partial(open_services, daily_backup=False) if daily_backup else open_services
        self.settings = settings
        self.daily_backup = daily_backup
        self.session: DatabaseSession | None = None
        self.window: QMainWindow | None = None  # a MainWindow
        self.error: BaseException | None = None

    def open(self) -> None:
        try:
            self._open()
        except BaseException as error:  # raised again by run(), outside the event loop
            self.error = error
            self.app.exit(EXIT_NOT_SHOWN)

    def _open(self) -> None:
        smoke = smoke_quit_after()
        guard = QTimer()
        if smoke is not None:  # a message box waiting for a click must not hang the smoke test
            guard.setSingleShot(True)
            guard.timeout.connect(lambda: self.app.exit(EXIT_NOT_SHOWN))
            guard.start(max(smoke, 1000))
        self.session = open_session(self.db_argument, self.opener)
        guard.stop()
        if self.session is None or not self.opening.isVisible():  # quit, or the window was closed
            self.app.exit(EXIT_NOT_SHOWN)
            return
        from ddcase.ui.main_window import MainWindow  # the pages, once the opening window shows

        window = MainWindow(
            self.session.services, self.settings, session=self.session, daily_backup=self.daily_backup
        )
        self.window = window
        if self.opening.isMaximized():
            window.showMaximized()
        else:
            window.show()
        self.opening.hide()  # after the main window shows: hiding the last window would quit
        if smoke is not None:
            if not window.isVisible():
                self.app.exit(EXIT_NOT_SHOWN)
                return
            QTimer.singleShot(smoke, lambda: (window.close(), self.app.exit(0)))
