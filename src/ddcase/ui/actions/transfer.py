"""File > Import folder..., Export folder..., Print summary..., and the welcome page's demo team:
the work that moves records in or out of the log, done in the window's pool."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ddcase.domain import ImportRejected
from ddcase.ui.actions import make_action
from ddcase.ui.dialogs.import_problems_dialog import ImportProblemsDialog
from ddcase.ui.tasks import BackgroundWork

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

    @Slot()
    def open_demo(self) -> None:
        demo = self._window.services().demo
        self._work.run(self.tr("Building the demo team..."), lambda: demo.fill(seed=1), self._on_demo_filled)

    def _on_demo_filled(self, summary: Any) -> None:
        window = self._window
        window.start()
        window.tabs.setCurrentWidget(window.caseload_page)
        window.statusBar().showMessage(self.tr("The demo team is ready: nobody in it is real."), 8000)

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
        window = self._window
        reporting = window.services().reporting
        month = window.month()
        team = window.dashboard_page.team()
        suggested = reporting.default_file_name(month, team)
        path, _filter = QFileDialog.getSaveFileName(
            window, self.tr("Save the summary as PDF"), suggested, self.tr("PDF files (*.pdf)")
        )
        if not path:
            return
        out = Path(path)
        self._work.run(
            self.tr("Writing the summary..."),
            lambda: reporting.monthly_report(month, team, out),
            lambda _result: window.statusBar().showMessage(
                self.tr("Saved %1").replace("%1", str(out)), 10000
            ),
        )
