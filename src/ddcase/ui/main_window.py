"""The main window: the menus, toolbar and status bar, the month viewed, the pages (ui/pages/:
clients, to do, dashboard, workers, definition, and the first-run welcome) and which of them is
out of date. The menus' slots live in ui/actions/, one component per group; the slow work in
ui/tasks.BackgroundWork."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QByteArray, QSettings, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ddcase.domain import DomainError, Month, Worker
from ddcase.paths import log_dir
from ddcase.services.registry import Services
from ddcase.services.session import DatabaseSession
from ddcase.ui.actions import make_action
from ddcase.ui.actions.audits import AuditActions
from ddcase.ui.actions.casework_menu import CaseworkMenu
from ddcase.ui.actions.help import HelpActions
from ddcase.ui.actions.logs import LogActions
from ddcase.ui.actions.records import RecordsActions
from ddcase.ui.actions.team import TeamActions
from ddcase.ui.actions.transfer import TransferActions
from ddcase.ui.actions.view import ViewActions
from ddcase.ui.casework_actions import CaseworkActions
from ddcase.ui.frame import add_menus, remember_geometry, restore_geometry
from ddcase.ui.pages.caseload_page import CaseloadPage
from ddcase.ui.pages.dashboard_page import DashboardPage
from ddcase.ui.pages.definition_page import DefinitionPage
from ddcase.ui.pages.measures_page import MeasuresPage
from ddcase.ui.pages.page import Page
from ddcase.ui.pages.todo_page import ToDoPage
from ddcase.ui.pages.welcome_page import WelcomePage
from ddcase.ui.pages.workers_page import WorkersPage
from ddcase.ui.tasks import BackgroundWork, wait_cursor
from ddcase.ui.widgets.demo_banner import DemoBanner
from ddcase.ui.widgets.month_combo import MONTHS_OFFERED, MonthCombo


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
        self._services = services
        self._settings = settings
        self.work = BackgroundWork(self, self._set_busy)
        self._pool = self.work.pool
        self.busy_bar = self.work.busy_bar
        self._stale: set[QWidget] = set()

        self.casework_menu = CaseworkMenu(self)
        self.view = ViewActions(self)
        self.transfer = TransferActions(self, self.work)
        self.records = RecordsActions(self, self.work, session, daily_backup=daily_backup)
        self.team = TeamActions(self)
        self.logs = LogActions(self, self.work, session)
        self.help = HelpActions(self)
        self.last_backup_label = self.records.last_backup_label
        self.audit_actions = AuditActions(self)  # issue 17: Tools > caseload audits
        self._build_pages()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.team_label = QLabel()
        self.statusBar().addPermanentWidget(self.records.checking_label)
        self.statusBar().addPermanentWidget(self.busy_bar)
        self.statusBar().addPermanentWidget(self.last_backup_label)
        self.statusBar().addPermanentWidget(self.team.me_label)
        self.statusBar().addPermanentWidget(self.team_label)
        self.month_combo.currentIndexChanged.connect(self._on_month_combo_changed)

        self._restore_settings()
        # The window shows first; the caseload fills in from the pool, then the newest backup is
        # checked (both read the whole database: one after the other, not competing for it).
        self.start(background=True)
        if self.caseload_page.is_loading():
            self.caseload_page.loaded.connect(
                self.records.on_first_load_done, Qt.ConnectionType.SingleShotConnection
            )
        else:
            self.records.on_first_load_done()
        self.records.watch_opening_check()

    def _build_pages(self) -> None:
        """The pages over the current services (again after a restore swaps the database)."""
        services = self._services
        self.casework_actions = CaseworkActions(services, self)
        self.caseload_page = CaseloadPage(services, self.casework_actions)
        self.todo_page = ToDoPage(services)
        self.dashboard_page = DashboardPage(services)
        self.workers_page = WorkersPage(services, self.casework_actions)
        self.definition_page = DefinitionPage(services)
        self.measures_page = MeasuresPage(services)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        pages: list[Page] = [
            self.caseload_page, self.todo_page, self.dashboard_page, self.workers_page, self.definition_page,
            self.measures_page,
        ]  # fmt: skip
        for page in pages:
            self.tabs.addTab(page, page.title())
            page.load_failed.connect(self._on_page_load_failed)
        self.welcome_page = WelcomePage()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome_page)
        self.stack.addWidget(self.tabs)
        self.demo_banner = DemoBanner()
        self.demo_banner.leave_button.clicked.connect(self.logs.leave_demo)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.demo_banner)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)  # Qt deletes the previous one

        self.casework_actions.records_changed.connect(self._on_records_changed)
        self.dashboard_page.use_pool(self._pool)
        self.caseload_page.panel.log_contact_requested.connect(self.casework_menu.log_contact_for)
        self.todo_page.log_contact_requested.connect(self.casework_menu.log_contact_for)
        self.todo_page.client_activated.connect(self._on_client_activated)
        self.todo_page.follow_up_requested.connect(self.casework_menu.log_follow_up)
        self.dashboard_page.print_requested.connect(self.transfer.print_summary)
        self.dashboard_page.month_chosen.connect(self._on_chart_month_chosen)
        self.dashboard_page.saved.connect(
            lambda path: self.statusBar().showMessage(self.tr("Saved %1").replace("%1", path), 10000)
        )
        self.definition_page.definition_agreed.connect(self._on_definition_agreed)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.welcome_page.demo_requested.connect(self.logs.try_demo)
        self.welcome_page.new_team_requested.connect(self.transfer.start_team)
        self.workers_page.mark_left_requested.connect(self.team.mark_left)
        self.workers_page.move_caseload_requested.connect(self.team.move_caseload)

    def services(self) -> Services:
        return self._services

    def who_am_i(self) -> Worker | None:
        """The worker the person at this computer said they are in this log (Tools > This is
        me...), else None: whose list To do opens on (ui/actions/team.py)."""
        return self.team.who_am_i

    def settings(self) -> QSettings:
        """The app's remembered choices (window layout, month viewed, print options, recent logs)."""
        return self._settings

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
        self.start()
        self.records.show_backup_state()
        self.records.watch_opening_check()
        self.records.show_encryption_state()

    # ------------------------------------------------------------------ building

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.log_contact_action = self.casework_menu.log_contact_action
        self.new_client_action = self.casework_menu.new_client_action
        self.new_worker_action = self.casework_menu.new_worker_action
        self.import_action = self.transfer.import_action
        self.export_action = self.transfer.export_action
        self.print_action = self.transfer.print_action
        quit_keys = QKeySequence(key.Quit)
        self.quit_action = make_action(
            self, self.tr("&Quit"), self.close, quit_keys if not quit_keys.isEmpty() else "Ctrl+Q"
        )
        self.find_action = self.view.find_action
        self.refresh_action = self.view.refresh_action
        self.previous_month_action = self.view.previous_month_action
        self.next_month_action = self.view.next_month_action
        self.page_actions = self.view.page_actions
        self.about_action = self.view.about_action
        self.backup_action = self.records.backup_action
        self.restore_action = self.records.restore_action
        self.encrypt_action = self.records.encrypt_action
        self.subject_access_action = self.records.subject_access_action
        self.purge_action = self.records.purge_action
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
            self.team.this_is_me_action,
            self.team.mark_left_action,
            self.team.move_caseload_action,
            *self.page_actions,
        ]

    def _build_menus(self) -> None:
        self.file_menu, view_menu, self.tools_menu, self.help_menu = add_menus(self)
        self._add_to_menu(self.file_menu, self.logs.new_log_action, self.logs.open_log_action)
        self.file_menu.addMenu(self.logs.recent_menu)
        self._add_to_menu(
            self.file_menu,
            self.logs.leave_demo_action, None,
            self.log_contact_action, self.new_client_action, self.new_worker_action, None,
            self.import_action, self.export_action, None,
            self.print_action, None,
            self.backup_action, self.restore_action, self.encrypt_action, None,
            self.quit_action,
        )  # fmt: skip
        self.file_menu.setToolTipsVisible(True)  # why Back up is unavailable on a server database
        self._add_to_menu(
            view_menu,
            *self.page_actions, None,
            self.previous_month_action, self.next_month_action, self.find_action, self.refresh_action,
        )  # fmt: skip
        self._add_to_menu(
            self.tools_menu,
            self.team.this_is_me_action, self.team.mark_left_action, self.team.move_caseload_action, None,
            self.subject_access_action, None, self.purge_action,
            None, *self.audit_actions.actions(),
        )  # fmt: skip
        self.tools_menu.setToolTipsVisible(True)
        self._add_to_menu(
            self.help_menu,
            self.help.getting_started_action, self.help.shortcuts_action, None,
            self.help.open_folder_action, self.help.open_backups_action, None,
            self.about_action,
        )  # fmt: skip
        self.help_menu.setToolTipsVisible(True)

    @staticmethod
    def _add_to_menu(menu: QMenu, *actions: QAction | None) -> QMenu:
        for action in actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        return menu

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
        restore_geometry(self, self._settings)
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
        remember_geometry(self, self._settings)
        self._settings.setValue("window/state", self.saveState())
        self._settings.setValue("window/clients_splitter", self.caseload_page.splitter.saveState())
        self._settings.setValue("view/month", str(self.month()))
        self._settings.sync()
        self._pool.waitForDone()  # an import or export runs to its end: each is one transaction
        super().closeEvent(event)

    def start(self, *, background: bool = False) -> None:
        """The welcome page on the first run; the pages otherwise (with `background`, the
        caseload is read in the pool after the window shows)."""
        try:
            new = self._services.team.is_new()
        except DomainError as error:
            QMessageBox.warning(self, self.tr("ddcase"), str(error))
            new = False
        self._show_demo_state(new)
        self.help.show_state()
        if new:
            self.stack.setCurrentWidget(self.welcome_page)
            for action in self._data_actions:
                action.setEnabled(False)
            self.setWindowTitle(self.tr("ddcase: welcome"))
            self.team_label.setText("")
            self.team.me_label.setText("")
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
        self.team.refresh_who_am_i()
        self._stale = {self.tabs.widget(i) for i in range(self.tabs.count())}
        self._refresh_current(background=background)

    def _show_demo_state(self, new: bool) -> None:
        """The DEMO banner while the demo's own file (or a log filled with the demo) is open;
        Leave the demo while it is its own file."""
        in_demo_file = self.logs.in_demo()
        is_demo = False
        if not new:
            try:
                is_demo = self._services.team.settings().is_demo
            except DomainError:
                is_demo = False
        self.demo_banner.setVisible(in_demo_file or is_demo)
        self.demo_banner.leave_button.setVisible(in_demo_file)
        self.logs.leave_demo_action.setVisible(in_demo_file)
        self.logs.leave_demo_action.setEnabled(in_demo_file and not self.is_busy())

    def _refresh_current(self, *, background: bool = False) -> None:
        page = cast(Page, self.tabs.currentWidget())
        self._stale.discard(page)
        if background and page is self.caseload_page:
            self.caseload_page.refresh_in_background(self.month(), self._pool)
            return
        if page is self.dashboard_page:  # a trust's all-teams figures take a second or more
            self.dashboard_page.refresh_in_background(self.month())
            return
        try:
            with wait_cursor():
                page.refresh(self.month())
        except DomainError as error:
            QMessageBox.warning(self, self.tr("Could not load the page"), str(error))

    def mark_all_stale(self) -> None:
        self._stale = {self.tabs.widget(i) for i in range(self.tabs.count())}
        if self.stack.currentWidget() is self.tabs:
            self._refresh_current()

    # ------------------------------------------------------------------ background work

    def _set_busy(self, busy: bool, message: str) -> None:
        self.busy_bar.setVisible(busy)
        if busy:
            self.statusBar().showMessage(message)
        else:
            self.statusBar().clearMessage()
        self.transfer.set_busy(busy)
        self.records.set_busy(busy)
        self.logs.set_busy(busy)
        if not busy:
            self.logs.leave_demo_action.setEnabled(self.logs.in_demo())
        self.welcome_page.set_busy(busy)

    def is_busy(self) -> bool:
        return self.work.is_busy()

    def wait_for_background_work(self) -> None:
        """Wait for the pool, then hand its results (queued signals) to their slots."""
        self.work.wait()

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

    # ------------------------------------------------------------------ slots

    def current_client_ref(self) -> str | None:
        page = self.tabs.currentWidget()
        if page is self.todo_page:
            return self.todo_page.current_client_ref()
        return self.caseload_page.current_client_ref()

    @Slot(str)
    def _on_records_changed(self, client_ref: str) -> None:
        self.mark_all_stale()
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
            self.mark_all_stale()

    @Slot(object)
    def _on_chart_month_chosen(self, month: Month) -> None:
        """A point clicked on the dashboard's chart: that month's clients."""
        self.month_combo.set_current_month(month)
        self.tabs.setCurrentWidget(self.caseload_page)
        self.caseload_page.table_view.setFocus()
