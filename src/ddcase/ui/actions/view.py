"""View > the pages (Ctrl+1 to Ctrl+6), Previous and Next month, Find client, Refresh; and
Help > About ddcase."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from ddcase import __copyright__, __licence__, __version__
from ddcase.paths import data_dir, log_dir
from ddcase.ui.actions import make_action

if TYPE_CHECKING:
    from ddcase.ui.main_window import MainWindow


class ViewActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        key = QKeySequence.StandardKey
        self.find_action = make_action(
            window,
            self.tr("&Find client"),
            self._on_find_triggered,
            QKeySequence(key.Find),
            self.tr("Search the clients"),
        )
        self.refresh_action = make_action(
            window, self.tr("&Refresh"), self._on_refresh_triggered, QKeySequence(key.Refresh)
        )
        self.previous_month_action = make_action(
            window, self.tr("&Previous month"), self._on_previous_month_triggered, "Alt+Left"
        )
        self.next_month_action = make_action(
            window, self.tr("&Next month"), self._on_next_month_triggered, "Alt+Right"
        )
        self.page_actions = []
        for number, name in enumerate(
            (
                self.tr("Clients"),
                self.tr("To do"),
                self.tr("Dashboard"),
                self.tr("Workers"),
                self.tr("Definition"),
                self.tr("Measures"),
            )
        ):
            action = make_action(
                window,
                name,
                lambda _checked=False, n=number: window.tabs.setCurrentIndex(n),
                f"Ctrl+{number + 1}",
            )
            self.page_actions.append(action)
        self.about_action = make_action(window, self.tr("&About ddcase"), self._on_about_triggered)

    @Slot()
    def _on_previous_month_triggered(self) -> None:
        combo = self._window.month_combo
        combo.setCurrentIndex(min(combo.count() - 1, combo.currentIndex() + 1))

    @Slot()
    def _on_next_month_triggered(self) -> None:
        combo = self._window.month_combo
        combo.setCurrentIndex(max(0, combo.currentIndex() - 1))

    @Slot()
    def _on_find_triggered(self) -> None:
        window = self._window
        window.tabs.setCurrentWidget(window.caseload_page)
        window.caseload_page.focus_search()

    @Slot()
    def _on_refresh_triggered(self) -> None:
        window = self._window
        if window.stack.currentWidget() is window.tabs:
            window.mark_all_stale()

    @Slot()
    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self._window,
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
            .replace("%2", self._window.services().context.db.url)
            .replace("%3", str(data_dir()))
            .replace("%4", str(log_dir())),
        )
