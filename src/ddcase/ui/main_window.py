"""The main window: the menus and shortcuts, the month viewed, the pages (clients, to do,
dashboard, workers, definition), the first-run welcome, and the slow work off the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, Qt, QThreadPool, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QWidget,
)

from ddcase import __copyright__, __licence__, __version__
from ddcase.domain import DomainError, ImportRejected, Month
from ddcase.paths import data_dir, log_dir
from ddcase.services.backup import BackupFile, RestoreResult
from ddcase.services.registry import Services
from ddcase.services.team import TeamSettings
from ddcase.ui.casework_actions import CaseworkActions
from ddcase.ui.dialogs.import_problems_dialog import ImportProblemsDialog
from ddcase.ui.dialogs.purge_dialog import PurgeDialog
from ddcase.ui.dialogs.restore_dialog import RestoreDialog
from ddcase.ui.session import DatabaseSession, ReopenError
from ddcase.ui.tasks import Task, wait_cursor
from ddcase.ui.text import date_text, date_time_text
from ddcase.ui.widgets.caseload_page import CaseloadPage
from ddcase.ui.widgets.dashboard_page import DashboardPage
from ddcase.ui.widgets.definition_page import DefinitionPage
from ddcase.ui.widgets.month_combo import MonthCombo
from ddcase.ui.widgets.todo_page import ToDoPage
from ddcase.ui.widgets.welcome_page import WelcomePage
from ddcase.ui.widgets.workers_page import WorkersPage

log = logging.getLogger("ddcase")

MONTHS_OFFERED = 36


class MainWindow(QMainWindow):
    def __init__(
        self,
        services: Services,
        settings: QSettings,
        parent: QWidget | None = None,
        *,
        session: DatabaseSession | None = None,
        daily_backup: bool = False,
    ) -> None:
        """`daily_backup`: the opener left the day's backup to the window, which takes it in the
        pool once the caseload has filled in."""
        super().__init__(parent)
        self._daily_backup_due = daily_backup
        self._services = services
        self._settings = settings
        self._session = session
        self._pool = QThreadPool(self)
        self._tasks: set[Task] = set()
        self._quiet_tasks: set[Task] = set()
        self._stale: set[QWidget] = set()
        self.resize(1280, 760)
        self.setMinimumSize(900, 560)

        self._build_pages()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.setAccessibleName(self.tr("Working"))
        self.busy_bar.hide()
        self.last_backup_label = QLabel()
        self.last_backup_label.setAccessibleName(self.tr("Last backup"))
        # wide enough for a date and time, so the status bar does not jump when the check ends
        self.last_backup_label.setMinimumWidth(
            self.last_backup_label.fontMetrics().horizontalAdvance(
                self.tr("Last backup: 22 Sep 2026 at 10:42  ")
            )
        )
        self.team_label = QLabel()
        self.checking_label = QLabel(self.tr("Checking the database..."))
        self.checking_label.setAccessibleName(self.tr("Checking the database"))
        self.checking_label.setToolTip(
            self.tr("Every page of the database file is read once at each start; saving waits for it.")
        )
        self.checking_label.hide()
        self.statusBar().addPermanentWidget(self.checking_label)
        self.statusBar().addPermanentWidget(self.busy_bar)
        self.statusBar().addPermanentWidget(self.last_backup_label)
        self.statusBar().addPermanentWidget(self.team_label)
        self.month_combo.currentIndexChanged.connect(self._on_month_combo_changed)

        self._restore_settings()
        # The window shows first; the caseload fills in from the pool, then the newest backup is
        # checked (both read the whole database: one after the other, not competing for it).
        self._start(background=True)
        if self.caseload_page.is_loading():
            self.caseload_page.loaded.connect(
                self._on_first_load_done, Qt.ConnectionType.SingleShotConnection
            )
        else:
            self._on_first_load_done()
        self._opening_check_timer = QTimer(self)
        self._opening_check_timer.setInterval(100)
        self._opening_check_timer.timeout.connect(self._on_opening_check_timer_timeout)
        self._watch_opening_check()

    def _build_pages(self) -> None:
        """The pages over the current services (again after a restore swaps the database)."""
        services = self._services
        self.casework_actions = CaseworkActions(services, self)
        self.caseload_page = CaseloadPage(services, self.casework_actions)
        self.todo_page = ToDoPage(services)
        self.dashboard_page = DashboardPage(services)
        self.workers_page = WorkersPage(services, self.casework_actions)
        self.definition_page = DefinitionPage(services)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.caseload_page, self.tr("&Clients"))
        self.tabs.addTab(self.todo_page, self.tr("&To do"))
        self.tabs.addTab(self.dashboard_page, self.tr("&Dashboard"))
        self.tabs.addTab(self.workers_page, self.tr("&Workers"))
        self.tabs.addTab(self.definition_page, self.tr("Defi&nition"))
        self.welcome_page = WelcomePage()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome_page)
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)  # Qt deletes the previous one

        self.casework_actions.records_changed.connect(self._on_records_changed)
        self.caseload_page.load_failed.connect(self._on_page_load_failed)
        self.dashboard_page.load_failed.connect(self._on_page_load_failed)
        self.dashboard_page.use_pool(self._pool)
        self.caseload_page.panel.log_contact_requested.connect(self._on_log_contact_requested)
        self.todo_page.log_contact_requested.connect(self._on_log_contact_requested)
        self.todo_page.client_activated.connect(self._on_client_activated)
        self.dashboard_page.print_requested.connect(self._on_print_triggered)
        self.definition_page.definition_agreed.connect(self._on_definition_agreed)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.welcome_page.demo_requested.connect(self._on_demo_requested)
        self.welcome_page.new_team_requested.connect(self._on_new_team_requested)

    def services(self) -> Services:
        return self._services

    def replace_services(self, services: Services) -> None:
        """Rebuild every page over new services (after a restore), keeping the page viewed."""
        page = self.tabs.currentIndex()
        splitter = self.caseload_page.splitter.saveState()
        old_actions = self.casework_actions
        self._services = services
        self._build_pages()
        old_actions.deleteLater()
        self.caseload_page.splitter.restoreState(splitter)
        self.tabs.setCurrentIndex(page)
        self._start()
        self._show_backup_state()
        self._watch_opening_check()
        self._show_encryption_state()

    # ------------------------------------------------------------------ building

    def _action(
        self, text: str, slot: Callable[[], None], shortcut: QKeySequence | str | None = None, tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # so the shortcut works whichever page has the focus
        return action

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.log_contact_action = self._action(
            self.tr("&Log contact..."), self._on_log_contact_triggered, QKeySequence(key.New),
            self.tr("Log a contact between the services (Ctrl+N)"),
        )  # fmt: skip
        self.log_contact_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.new_client_action = self._action(
            self.tr("New mutual &client..."), self._on_new_client_triggered, "Ctrl+Shift+N",
            self.tr("Add a client with their consent and an episode in each service, in one form"),
        )  # fmt: skip
        self.new_worker_action = self._action(
            self.tr("New &worker..."),
            self._on_new_worker_triggered,
            None,
            self.tr("Add a worker to the directory"),
        )
        self.import_action = self._action(
            self.tr("&Import folder..."), self._on_import_triggered, "Ctrl+I",
            self.tr("Import a folder of CSV files (all or nothing)"),
        )  # fmt: skip
        self.export_action = self._action(
            self.tr("&Export folder..."), self._on_export_triggered, "Ctrl+E",
            self.tr("Export the log to a folder of CSV files"),
        )  # fmt: skip
        self.print_action = self._action(
            self.tr("&Print summary..."), self._on_print_triggered, QKeySequence(key.Print),
            self.tr("Save the month's summary as a PDF for the team meeting"),
        )  # fmt: skip
        quit_keys = QKeySequence(key.Quit)
        self.quit_action = self._action(
            self.tr("&Quit"), self.close, quit_keys if not quit_keys.isEmpty() else "Ctrl+Q"
        )
        self.find_action = self._action(
            self.tr("&Find client"),
            self._on_find_triggered,
            QKeySequence(key.Find),
            self.tr("Search the clients"),
        )
        self.refresh_action = self._action(
            self.tr("&Refresh"), self._on_refresh_triggered, QKeySequence(key.Refresh)
        )
        self.previous_month_action = self._action(
            self.tr("&Previous month"), self._on_previous_month_triggered, "Alt+Left"
        )
        self.next_month_action = self._action(
            self.tr("&Next month"), self._on_next_month_triggered, "Alt+Right"
        )
        self.page_actions = []
        for number, name in enumerate(
            (
                self.tr("Clients"),
                self.tr("To do"),
                self.tr("Dashboard"),
                self.tr("Workers"),
                self.tr("Definition"),
            )
        ):
            action = self._action(
                name, lambda _checked=False, n=number: self.tabs.setCurrentIndex(n), f"Ctrl+{number + 1}"
            )
            self.page_actions.append(action)
        self.about_action = self._action(self.tr("&About ddcase"), self._on_about_triggered)
        self.backup_action = self._action(
            self.tr("&Back up now"), self._on_backup_triggered, "Ctrl+Shift+B",
            self.tr("Make a checked backup of the database now (Ctrl+Shift+B)"),
        )  # fmt: skip
        self.restore_action = self._action(
            self.tr("&Restore from backup..."), self._on_restore_triggered, None,
            self.tr("Replace the database with one of its backups (the current file is kept aside)"),
        )  # fmt: skip
        if not self._services.backup.available:
            server = self.tr(
                "This team database is on a server: the server's own backups (run by your IT) "
                "keep it safe, not ddcase."
            )
            for action in (self.backup_action, self.restore_action):
                action.setEnabled(False)
                action.setToolTip(server)
                action.setStatusTip(server)
        self.encrypt_action = self._action(
            self.tr("&Encrypt database..."), self._on_encrypt_triggered, None,
            self.tr("Encrypt the database file, for a computer whose disk is not encrypted"),
        )  # fmt: skip
        self._show_encryption_state()
        self.subject_access_action = self._action(
            self.tr("Export everything about &one client..."), self._on_subject_access_triggered, None,
            self.tr("Everything held about the chosen client, for a subject access request"),
        )  # fmt: skip
        self.purge_action = self._action(
            self.tr("P&urge old records..."), self._on_purge_triggered, None,
            self.tr("Team managers: anonymise clients whose care ended long ago (cannot be undone)"),
        )  # fmt: skip
        self._data_actions = [
            self.log_contact_action,
            self.new_client_action,
            self.new_worker_action,
            self.import_action,
            self.export_action,
            self.find_action,
            self.previous_month_action,
            self.next_month_action,
            self.subject_access_action,
            self.purge_action,
            *self.page_actions,
        ]

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        for action in (self.log_contact_action, self.new_client_action, self.new_worker_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.print_action)
        file_menu.addSeparator()
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.restore_action)
        file_menu.addAction(self.encrypt_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        file_menu.setToolTipsVisible(True)  # why Back up is unavailable on a server database
        self.file_menu = file_menu
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        for action in self.page_actions:
            view_menu.addAction(action)
        view_menu.addSeparator()
        for action in (
            self.previous_month_action,
            self.next_month_action,
            self.find_action,
            self.refresh_action,
        ):
            view_menu.addAction(action)
        tools_menu = self.menuBar().addMenu(self.tr("T&ools"))
        tools_menu.addAction(self.subject_access_action)
        tools_menu.addSeparator()
        tools_menu.addAction(self.purge_action)
        tools_menu.setToolTipsVisible(True)
        self.tools_menu = tools_menu
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar(self.tr("Main"))
        toolbar.setObjectName("main_toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        caption = QLabel(self.tr(" &Month: "))
        self.month_combo = MonthCombo()
        self.month_combo.setAccessibleName(self.tr("Month viewed"))
        caption.setBuddy(self.month_combo)
        toolbar.addWidget(caption)
        toolbar.addWidget(self.month_combo)
        toolbar.addSeparator()
        toolbar.addAction(self.log_contact_action)
        toolbar.addAction(self.new_client_action)
        self.addToolBar(toolbar)
        self.toolbar = toolbar
        today = Month.of(self._services.context.today())
        self.month_combo.set_months(today.plus(-(MONTHS_OFFERED - 1)), today)
        self.month_combo.set_current_month(today)

    # ------------------------------------------------------------------ state

    def month(self) -> Month:
        month = self.month_combo.current_month()
        return month or Month.of(self._services.context.today())

    def _restore_settings(self) -> None:
        geometry = self._settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self._settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        splitter = self._settings.value("window/clients_splitter")
        if isinstance(splitter, QByteArray):
            self.caseload_page.splitter.restoreState(splitter)
        month = self._settings.value("view/month")
        if isinstance(month, str):
            try:
                self.month_combo.set_current_month(Month.parse(month))
            except DomainError:
                pass

    def closeEvent(self, event: QCloseEvent) -> None:
        self._settings.setValue("window/geometry", self.saveGeometry())
        self._settings.setValue("window/state", self.saveState())
        self._settings.setValue("window/clients_splitter", self.caseload_page.splitter.saveState())
        self._settings.setValue("view/month", str(self.month()))
        self._settings.sync()
        self._pool.waitForDone()  # an import or export runs to its end: each is one transaction
        super().closeEvent(event)

    def _start(self, *, background: bool = False) -> None:
        """The welcome page on the first run; the pages otherwise (with `background`, the
        caseload is read in the pool after the window shows)."""
        try:
            new = self._services.team.is_new()
        except DomainError as error:
            QMessageBox.warning(self, self.tr("ddcase"), str(error))
            new = False
        if new:
            self.stack.setCurrentWidget(self.welcome_page)
            for action in self._data_actions:
                action.setEnabled(False)
            self.setWindowTitle(self.tr("ddcase: welcome"))
            self.team_label.setText("")
            return
        self.stack.setCurrentWidget(self.tabs)
        for action in self._data_actions:
            action.setEnabled(True)
        settings = self._services.team.settings()
        title = settings.team_name or self.tr("team log")
        if settings.is_demo:
            title += self.tr(" (demo: nobody in it is real)")
        self.setWindowTitle(f"ddcase: {title}")
        self.team_label.setText(settings.team_name or "")
        self.todo_page.set_default_coordinator(settings.owner_name)
        self._stale = {self.tabs.widget(i) for i in range(self.tabs.count())}
        self._refresh_current(background=background)

    def _refresh_current(self, *, background: bool = False) -> None:
        page = self.tabs.currentWidget()
        self._stale.discard(page)
        if background and page is self.caseload_page:
            self.caseload_page.refresh_in_background(self.month(), self._pool)
            return
        if page is self.dashboard_page:  # a trust's all-teams figures take a second or more
            self.dashboard_page.refresh_in_background(self.month())
            return
        try:
            with wait_cursor():
                page.refresh(self.month())  # type: ignore[attr-defined]
        except DomainError as error:
            QMessageBox.warning(self, self.tr("Could not load the page"), str(error))

    def _mark_all_stale(self) -> None:
        self._stale = {self.tabs.widget(i) for i in range(self.tabs.count())}
        if self.stack.currentWidget() is self.tabs:
            self._refresh_current()

    # ------------------------------------------------------------------ background work

    def _run(
        self,
        message: str,
        work: Callable[..., Any],
        succeeded: Callable[[Any], None],
        failed: Callable[[Exception], None] | None = None,
        *,
        always: Callable[[], None] | None = None,
        progress: bool = False,
    ) -> None:
        """`progress`: `work` takes a callback (done, total) that moves the busy bar."""
        task = Task(lambda: work(task.report)) if progress else Task(work)
        self._tasks.add(task)
        self._set_busy(True, message)
        if progress:
            task.signals.progress.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)

        def finish() -> None:
            self._tasks.discard(task)
            self.busy_bar.setRange(0, 0)  # back to "working", for whatever runs next
            self._set_busy(bool(self._tasks), "")
            if always is not None:
                always()

        def on_succeeded(result: Any) -> None:
            finish()
            succeeded(result)

        def on_failed(error: Exception) -> None:
            finish()
            if failed is not None and isinstance(error, DomainError):
                failed(error)
            elif isinstance(error, DomainError):
                QMessageBox.warning(self, self.tr("Not done"), str(error))
            else:
                QMessageBox.critical(
                    self,
                    self.tr("Something went wrong"),
                    self.tr(
                        "Something unexpected went wrong; nothing more was done. The details are in %1."
                    ).replace("%1", str(log_dir() / "ddcase.log")),
                )

        task.signals.succeeded.connect(on_succeeded, Qt.ConnectionType.QueuedConnection)
        task.signals.failed.connect(on_failed, Qt.ConnectionType.QueuedConnection)
        self._pool.start(task)

    def _run_quietly(
        self,
        work: Callable[[], Any],
        succeeded: Callable[[Any], None],
        failed: Callable[[], None] | None = None,
    ) -> None:
        """Background work the user did not ask for (the newest backup's check): no busy bar,
        and a failure is only logged."""
        task = Task(work)
        self._quiet_tasks.add(task)

        def on_succeeded(result: Any) -> None:
            self._quiet_tasks.discard(task)
            succeeded(result)

        def on_failed(error: Exception) -> None:
            self._quiet_tasks.discard(task)
            log.warning("background check failed: %s", type(error).__name__)
            if failed is not None:
                failed()

        task.signals.succeeded.connect(on_succeeded, Qt.ConnectionType.QueuedConnection)
        task.signals.failed.connect(on_failed, Qt.ConnectionType.QueuedConnection)
        self._pool.start(task)

    @Slot(int, int)
    def _show_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.busy_bar.setRange(0, 1000)
            self.busy_bar.setValue(min(1000, done * 1000 // total))

    def _set_busy(self, busy: bool, message: str) -> None:
        self.busy_bar.setVisible(busy)
        if busy:
            self.statusBar().showMessage(message)
        else:
            self.statusBar().clearMessage()
        for action in (self.import_action, self.export_action):
            action.setEnabled(not busy and self.stack.currentWidget() is self.tabs)
        self.print_action.setEnabled(not busy)
        if self._services.backup.available:
            for action in (self.backup_action, self.restore_action):
                action.setEnabled(not busy)
        self.welcome_page.set_busy(busy)

    def is_busy(self) -> bool:
        return bool(self._tasks)

    def wait_for_background_work(self) -> None:
        """Wait for the pool, then hand its results (queued signals) to their slots."""
        self._pool.waitForDone()
        QCoreApplication.sendPostedEvents()

    def _on_first_load_done(self) -> None:
        backup = self._services.backup
        if self._daily_backup_due and backup.available:
            self._daily_backup_due = False
            self.last_backup_label.setText(self.tr("Making today's backup..."))
            self._run_quietly(backup.daily, lambda _made: self._show_backup_state(), self._show_backup_state)
            return
        self._show_backup_state()

    @Slot(object)
    def _on_page_load_failed(self, error: Exception) -> None:
        if isinstance(error, DomainError):
            QMessageBox.warning(self, self.tr("Could not load the page"), str(error))
        else:
            QMessageBox.critical(
                self,
                self.tr("Could not load the page"),
                self.tr("Something unexpected went wrong. The details are in %1.").replace(
                    "%1", str(log_dir() / "ddcase.log")
                ),
            )

    # ------------------------------------------------------------------ the opening check

    def _watch_opening_check(self) -> None:
        """A database unchanged since ddcase last closed it is checked while the window is in
        use (services/opening_check): say so, and if the check finds damage, stop."""
        check = self._services.opening_check
        if check is None:
            return
        self.checking_label.setVisible(not check.finished)
        self._opening_check_timer.start()  # its first tick, with the window shown, reads the result

    @Slot()
    def _on_opening_check_timer_timeout(self) -> None:
        check = self._services.opening_check
        if check is None or check.finished:
            self._opening_check_timer.stop()
            self._on_opening_check_finished()

    def _on_opening_check_finished(self) -> None:
        self.checking_label.hide()
        check = self._services.opening_check
        error = check.error() if check is not None else None
        if error is None:
            return
        log.error("the opening check found the database damaged")
        QMessageBox.critical(
            self,
            self.tr("The database is damaged"),
            self.tr("%1\n\nNothing was saved to it. ddcase will close now: start it again to restore the "
                    "newest backup, or keep the file for IT.").replace("%1", str(error)),
        )  # fmt: skip
        self.close()

    # ------------------------------------------------------------------ slots

    def _current_client_ref(self) -> str | None:
        page = self.tabs.currentWidget()
        if page is self.todo_page:
            return self.todo_page.current_client_ref()
        return self.caseload_page.current_client_ref()

    @Slot()
    def _on_log_contact_triggered(self) -> None:
        if self.stack.currentWidget() is not self.tabs:
            return
        self.casework_actions.log_contact(self, self._current_client_ref())

    @Slot(str)
    def _on_log_contact_requested(self, client_ref: str) -> None:
        self.casework_actions.log_contact(self, client_ref or None)

    @Slot()
    def _on_new_client_triggered(self) -> None:
        saved = self.casework_actions.add_mutual_client(self)
        if saved is not None:
            client, episodes = saved
            self.tabs.setCurrentWidget(self.caseload_page)
            self.caseload_page.select_client(client.client_ref)
            self.statusBar().showMessage(
                self.tr("%1 added with %2 episode(s).")
                .replace("%1", client.client_ref)
                .replace("%2", str(len(episodes))),
                8000,
            )

    @Slot()
    def _on_new_worker_triggered(self) -> None:
        if self.casework_actions.save_worker(self) is not None:
            self.tabs.setCurrentWidget(self.workers_page)

    @Slot(str)
    def _on_records_changed(self, client_ref: str) -> None:
        self._mark_all_stale()
        if client_ref and self.tabs.currentWidget() is self.caseload_page:
            self.caseload_page.select_client(client_ref)
            self.caseload_page.panel.show_client(client_ref, self.month())

    @Slot(str)
    def _on_client_activated(self, client_ref: str) -> None:
        self.tabs.setCurrentWidget(self.caseload_page)
        self.caseload_page.select_client(client_ref)
        self.caseload_page.table_view.setFocus()

    @Slot()
    def _on_definition_agreed(self) -> None:
        self._stale = {self.tabs.widget(i) for i in range(self.tabs.count())} - {self.definition_page}

    @Slot(int)
    def _on_tabs_current_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() in self._stale:
            self._refresh_current()

    @Slot()
    def _on_month_combo_changed(self) -> None:
        if self.stack.currentWidget() is self.tabs:
            self._mark_all_stale()

    @Slot()
    def _on_previous_month_triggered(self) -> None:
        self.month_combo.setCurrentIndex(
            min(self.month_combo.count() - 1, self.month_combo.currentIndex() + 1)
        )

    @Slot()
    def _on_next_month_triggered(self) -> None:
        self.month_combo.setCurrentIndex(max(0, self.month_combo.currentIndex() - 1))

    @Slot()
    def _on_find_triggered(self) -> None:
        self.tabs.setCurrentWidget(self.caseload_page)
        self.caseload_page.focus_search()

    @Slot()
    def _on_refresh_triggered(self) -> None:
        if self.stack.currentWidget() is self.tabs:
            self._mark_all_stale()

    @Slot()
    def _on_demo_requested(self) -> None:
        demo = self._services.demo
        self._run(self.tr("Building the demo team..."), lambda: demo.fill(seed=1), self._on_demo_filled)

    def _on_demo_filled(self, summary: Any) -> None:
        self._start()
        self.tabs.setCurrentWidget(self.caseload_page)
        self.statusBar().showMessage(self.tr("The demo team is ready: nobody in it is real."), 8000)

    @Slot(object)
    def _on_new_team_requested(self, settings: TeamSettings) -> None:
        try:
            self._services.team.save(settings)
        except DomainError as error:
            QMessageBox.warning(self, self.tr("Team log not started"), str(error))
            return
        self._start()
        self.tabs.setCurrentWidget(self.workers_page)
        self.statusBar().showMessage(
            self.tr("Team log started. Add the workers of both services, then your clients."), 10000
        )

    @Slot()
    def _on_import_triggered(self) -> None:
        transfer = self._services.transfer
        folder = QFileDialog.getExistingDirectory(self, self.tr("Import a folder of CSV files"))
        if not folder:
            return
        self._run(
            self.tr("Importing %1...").replace("%1", folder),
            lambda report: transfer.import_folder(Path(folder), progress=report),
            self._on_import_done,
            self._on_import_failed,
            progress=True,
        )

    def _on_import_done(self, summary: Any) -> None:
        self._start()
        QMessageBox.information(self, self.tr("Import done"), str(summary))

    def _on_import_failed(self, error: Exception) -> None:
        if isinstance(error, ImportRejected):
            ImportProblemsDialog.show_problems(self, error.problems, total=error.total)
        else:
            QMessageBox.warning(self, self.tr("Import not done"), str(error))

    @Slot()
    def _on_export_triggered(self) -> None:
        transfer = self._services.transfer
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export to a folder"))
        if not folder:
            return
        self._run(
            self.tr("Exporting to %1...").replace("%1", folder),
            lambda: transfer.export_folder(Path(folder)),
            lambda summary: QMessageBox.information(self, self.tr("Export done"), str(summary)),
        )

    @Slot()
    def _on_print_triggered(self) -> None:
        reporting = self._services.reporting
        month = self.month()
        team = self.dashboard_page.team()
        suggested = reporting.default_file_name(month, team)
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save the summary as PDF"), suggested, self.tr("PDF files (*.pdf)")
        )
        if not path:
            return
        out = Path(path)
        self._run(
            self.tr("Writing the summary..."),
            lambda: reporting.monthly_report(month, team, out),
            lambda _result: self.statusBar().showMessage(self.tr("Saved %1").replace("%1", str(out)), 10000),
        )

    # ------------------------------------------------------------------ backups and records

    def _show_backup_state(self) -> None:
        backup = self._services.backup
        if not backup.available:
            self.last_backup_label.setText(self.tr("Backups: by the server"))
            return
        self._run_quietly(backup.newest_verified, self._on_newest_backup_found)

    def _on_newest_backup_found(self, newest: BackupFile | None) -> None:
        if newest is None:
            self.last_backup_label.setText(self.tr("Last backup: none yet"))
        else:
            self.last_backup_label.setText(
                self.tr("Last backup: %1").replace("%1", date_time_text(newest.made_at))
            )

    @Slot()
    def _on_backup_triggered(self) -> None:
        backup = self._services.backup
        self._run(self.tr("Backing up the database..."), backup.backup, self._on_backup_made)

    def _on_backup_made(self, made: BackupFile) -> None:
        self._on_newest_backup_found(made)
        self.statusBar().showMessage(
            self.tr("Backup made and checked: %1").replace("%1", str(made.path)), 15000
        )

    @Slot()
    def _on_restore_triggered(self) -> None:
        session = self._session
        if session is None:  # a window built without the app's session (a test, a script)
            QMessageBox.information(
                self, self.tr("Restore from backup"), self.tr("Use `ddcase restore FILE` instead.")
            )
            return
        if self.is_busy():
            QMessageBox.information(
                self,
                self.tr("Restore from backup"),
                self.tr("Wait for the work in progress to finish, then restore."),
            )
            return
        backup = self._services.backup
        try:
            source = RestoreDialog.ask(self, backups=backup.backups(), folder=backup.folder)
        except DomainError as error:
            QMessageBox.warning(self, self.tr("Restore from backup"), str(error))
            return
        if source is None:
            return
        answer = QMessageBox.question(
            self,
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
        self._run(
            self.tr("Restoring %1...").replace("%1", source.name),
            lambda: session.restore(source),
            self._on_restored,
            self._on_restore_failed,
            always=lambda: self._thaw(states),
        )

    def _freeze(self) -> dict[QAction, bool]:
        """While a restore swaps the file nothing may touch the database: every action but Quit
        and every page are disabled."""
        states = {a: a.isEnabled() for a in self.actions() if a is not self.quit_action}
        for action in states:
            action.setEnabled(False)
        self.stack.setEnabled(False)
        return states

    def _thaw(self, states: dict[QAction, bool]) -> None:
        for action, enabled in states.items():
            action.setEnabled(enabled)
        self.stack.setEnabled(True)

    def _on_restored(self, result: RestoreResult) -> None:
        assert self._session is not None
        self.replace_services(self._session.services)
        self.statusBar().showMessage(
            self.tr("Restored from %1").replace("%1", str(result.restored_from)), 15000
        )
        QMessageBox.information(self, self.tr("Backup restored"), str(result))

    def _on_restore_failed(self, error: Exception) -> None:
        if isinstance(error, ReopenError):
            QMessageBox.critical(self, self.tr("Restored, but not reopened"), str(error))
            self.close()
            return
        QMessageBox.warning(self, self.tr("The backup was not restored"), str(error))

    def _show_encryption_state(self) -> None:
        encryption = self._services.encryption
        if encryption.encrypted:
            why = self.tr("This database is already encrypted.")
        elif not self._services.backup.available:
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
        title = self.tr("Encrypt database")
        session = self._session
        if session is None:
            QMessageBox.information(self, title, self.tr("Use `ddcase encrypt` instead."))
            return
        if self.is_busy():
            QMessageBox.information(
                self, title, self.tr("Wait for the work in progress to finish, then encrypt.")
            )
            return
        answer = QMessageBox.question(
            self,
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
            self,
            self.tr("Save the recovery key file (for the team manager)"),
            str(Path.home() / "ddcase recovery key.txt"),
            self.tr("Text files (*.txt)"),
        )
        if not chosen:
            return
        states = self._freeze()
        self._run(
            self.tr("Encrypting the database..."),
            lambda: session.encrypt(Path(chosen)),
            self._on_encrypted,
            self._on_encrypt_failed,
            always=lambda: self._thaw(states),
        )

    def _on_encrypted(self, result: Any) -> None:
        assert self._session is not None
        self.replace_services(self._session.services)
        QMessageBox.information(self, self.tr("Database encrypted"), str(result))

    def _on_encrypt_failed(self, error: Exception) -> None:
        if isinstance(error, ReopenError):
            QMessageBox.critical(self, self.tr("Encrypted, but not reopened"), str(error))
            self.close()
            return
        QMessageBox.warning(self, self.tr("The database was not encrypted"), str(error))

    @Slot()
    def _on_subject_access_triggered(self) -> None:
        title = self.tr("Export everything about one client")
        client_ref = self._current_client_ref()
        if client_ref is None:
            QMessageBox.information(
                self, title, self.tr("Choose the client in the Clients list first, then export.")
            )
            return
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Export everything about %1 into a folder").replace("%1", client_ref)
        )
        if not folder:
            return
        today = self._services.context.today()
        target = Path(folder) / f"{client_ref} subject access {today.isoformat()}"
        subject_access = self._services.subject_access
        self._run(
            self.tr("Exporting everything about %1...").replace("%1", client_ref),
            lambda: subject_access.export(client_ref, target),
            lambda summary: QMessageBox.information(self, self.tr("Export done"), str(summary)),
        )

    @Slot()
    def _on_purge_triggered(self) -> None:
        title = self.tr("Purge old records")
        before = PurgeDialog.ask(self, today=self._services.context.today())
        if before is None:
            return
        retention = self._services.retention
        try:
            due = retention.due(before)
        except DomainError as error:
            QMessageBox.warning(self, title, str(error))
            return
        if not due:
            QMessageBox.information(
                self,
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
            self,
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
        backup = self._services.backup

        def work() -> Any:
            if backup.available:
                backup.backup()  # the only way back from a purge
            return retention.purge(before)

        self._run(self.tr("Purging old records..."), work, self._on_purged)

    def _on_purged(self, summary: Any) -> None:
        self._mark_all_stale()
        self._show_backup_state()
        QMessageBox.information(self, self.tr("Purge done"), str(summary))

    @Slot()
    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About ddcase"),
            self.tr(
                "<h3>ddcase %1</h3><p>An offline case log for joint working between community mental "
                "health teams and drug and alcohol services.</p><p>Do not write clinical notes here: the "
                "EPR is the record.</p><p>Database: %2<br>Data folder: %3<br>Log folder: %4</p>"
                "<p>%5 Licence: %6 (the full text is in the LICENSE file beside the program).</p>"
            )
            .replace("%1", __version__)
            .replace("%5", __copyright__)
            .replace("%6", __licence__)
            .replace("%2", self._services.context.db.url)
            .replace("%3", str(data_dir()))
            .replace("%4", str(log_dir())),
        )
