"""File > Import folder..., Export folder..., Print summary... (the meeting pack), and the welcome
page's new team log: records in and out of the log, the slow work done in the window's pool. (The
welcome page's demo opens a file of its own: `logs`.)"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ddcase.domain import DomainError, ImportRejected, Month
from ddcase.services.team import TeamSettings
from ddcase.ui.actions import make_action
from ddcase.ui.dialogs.import_problems_dialog import ImportProblemsDialog
from ddcase.ui.dialogs.print_dialog import PrintDialog, PrintOffer
from ddcase.ui.files import documents_folder, open_in_desktop
from ddcase.ui.tasks import BackgroundWork
from ddcase.ui.widgets.month_combo import MONTHS_OFFERED

if TYPE_CHECKING:
    from ddcase.ui.main_window import MainWindow


class TransferActions(QObject):
    def __init__(self, window: MainWindow, work: BackgroundWork) -> None:
        super().__init__(window)
        self._window = window
        self._work = work
        key = QKeySequence.StandardKey
        self.import_action = make_action(
            window, self.tr("&Import folder..."), self._on_import_triggered, "Ctrl+I",
            self.tr("Import a folder of CSV files (all or nothing)"),
        )  # fmt: skip
        self.export_action = make_action(
            window, self.tr("&Export folder..."), self._on_export_triggered, "Ctrl+E",
            self.tr("Export the log to a folder of CSV files"),
        )  # fmt: skip
        self.print_action = make_action(
            window, self.tr("&Print summary..."), self.print_summary, QKeySequence(key.Print),
            self.tr("Save the month's summary as a PDF for the team meeting"),
        )  # fmt: skip

    def set_busy(self, busy: bool) -> None:
        window = self._window
        for action in (self.import_action, self.export_action):
            action.setEnabled(not busy and window.stack.currentWidget() is window.tabs)
        self.print_action.setEnabled(not busy)

    # ------------------------------------------------------------------ the first run

    @Slot(object)
    def start_team(self, settings: TeamSettings) -> None:
        window = self._window
        try:
            me = window.services().team.start(settings)
        except DomainError as error:
            QMessageBox.warning(window, self.tr("Team log not started"), str(error))
            return
        try:
            window.team.remember(me)
        except OSError as error:  # the log is started; only "who I am" was not remembered
            QMessageBox.warning(window, self.tr("Not remembered"), str(error))
        window.start()
        window.tabs.setCurrentWidget(window.workers_page)
        window.statusBar().showMessage(
            self.tr("Team log started, with you in the directory. Add the other workers, then your clients."),
            10000,
        )

    # ------------------------------------------------------------------ import, export, print

    @Slot()
    def _on_import_triggered(self) -> None:
        transfer = self._window.services().transfer
        folder = QFileDialog.getExistingDirectory(self._window, self.tr("Import a folder of CSV files"))
        if not folder:
            return
        self._work.run(
            self.tr("Importing %1...").replace("%1", folder),
            lambda report: transfer.import_folder(Path(folder), progress=report),
            self._on_import_done,
            self._on_import_failed,
            progress=True,
        )

    def _on_import_done(self, summary: Any) -> None:
        self._window.start()
        QMessageBox.information(self._window, self.tr("Import done"), str(summary))

    def _on_import_failed(self, error: Exception) -> None:
        if isinstance(error, ImportRejected):
            ImportProblemsDialog.show_problems(self._window, error.problems, total=error.total)
        else:
            QMessageBox.warning(self._window, self.tr("Import not done"), str(error))

    @Slot()
    def _on_export_triggered(self) -> None:
        window = self._window
        transfer = window.services().transfer
        folder = QFileDialog.getExistingDirectory(window, self.tr("Export to a folder"))
        if not folder:
            return
        self._work.run(
            self.tr("Exporting to %1...").replace("%1", folder),
            lambda: transfer.export_folder(Path(folder)),
            lambda summary: QMessageBox.information(window, self.tr("Export done"), str(summary)),
        )

    @Slot()
    def print_summary(self) -> None:
        """The meeting pack in one click: Ctrl+P, Enter. The last complete month (or an earlier
        month viewed), saved in Documents under a name with no identifiers, then opened."""
        window = self._window
        services = window.services()
        reporting = services.reporting
        team = window.dashboard_page.team()
        # A meeting reads ended months: the month viewed, or the last complete one when the
        # month viewed is still in progress (SPEC §5).
        today = services.context.today()
        this_month = Month.of(today)
        settings = window.settings()
        offer = PrintOffer(
            first=this_month.plus(-(MONTHS_OFFERED - 1)),
            last=this_month,
            month=min(window.month(), services.figures.last_complete_month()),
            today=today,
            team=team,
            folder=documents_folder(),
            file_name=lambda month: reporting.file_name(month, team),
            open_when_saved=_flag(settings.value(OPEN_PDF_SETTING, True)),
        )
        choice = PrintDialog.ask(window, offer)
        if choice is None:
            return
        settings.setValue(OPEN_PDF_SETTING, choice.open_when_saved)
        out = choice.path if choice.chosen else reporting.free_file(choice.path.parent, choice.path.name)
        self._work.run(
            self.tr("Writing the summary..."),
            lambda: reporting.monthly_report(choice.month, team, out, client_list=choice.client_list),
            lambda _result: self._on_summary_saved(out, choice.open_when_saved),
        )

    def _on_summary_saved(self, out: Path, open_it: bool) -> None:
        self._window.statusBar().showMessage(self.tr("Saved %1").replace("%1", str(out)), 10000)
        if open_it:
            open_in_desktop(out)


OPEN_PDF_SETTING = "print/open_when_saved"


def _flag(value: object) -> bool:
    """A QSettings boolean: an INI file gives it back as text."""
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)
