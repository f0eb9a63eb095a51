"""File > Log contact..., New mutual client..., New worker...: the menu's casework, handed to
`CaseworkActions` (ui/casework_actions.py, the same tasks the pages' buttons call) with the
client in view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QKeySequence

from ddcase.ui.actions import make_action

if TYPE_CHECKING:
    from ddcase.services.figures import MissedJoint
    from ddcase.ui.main_window import MainWindow


class CaseworkMenu(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        key = QKeySequence.StandardKey
        self.log_contact_action = make_action(
            window, self.tr("&Log contact..."), self._on_log_contact_triggered, QKeySequence(key.New),
            self.tr("Log a contact between the services (Ctrl+N)"),
        )  # fmt: skip
        self.log_contact_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.new_client_action = make_action(
            window, self.tr("New mutual &client..."), self._on_new_client_triggered, "Ctrl+Shift+N",
            self.tr("Add a client with their consent and an episode in each service, in one form"),
        )  # fmt: skip
        self.new_worker_action = make_action(
            window,
            self.tr("New &worker..."),
            self._on_new_worker_triggered,
            None,
            self.tr("Add a worker to the directory"),
        )

    @Slot()
    def _on_log_contact_triggered(self) -> None:
        window = self._window
        if window.stack.currentWidget() is not window.tabs:
            return
        window.casework_actions.log_contact(window, window.current_client_ref())

    @Slot(object)
    def log_follow_up(self, missed: MissedJoint) -> None:
        """To do's Log the follow-up...: a contact for the missed joint appointment's client."""
        self._window.casework_actions.log_follow_up(self._window, missed)

    @Slot(str)
    def log_contact_for(self, client_ref: str) -> None:
        """A page's Log contact... button: for its chosen client, if any."""
        self._window.casework_actions.log_contact(self._window, client_ref or None)

    @Slot()
    def _on_new_client_triggered(self) -> None:
        window = self._window
        saved = window.casework_actions.add_mutual_client(window)
        if saved is not None:
            client, episodes = saved
            window.tabs.setCurrentWidget(window.caseload_page)
            window.caseload_page.select_client(client.client_ref)
            window.statusBar().showMessage(
                self.tr("%1 added with %2 episode(s).")
                .replace("%1", client.client_ref)
                .replace("%2", str(len(episodes))),
                8000,
            )

    @Slot()
    def _on_new_worker_triggered(self) -> None:
        window = self._window
        if window.casework_actions.save_worker(window) is not None:
            window.tabs.setCurrentWidget(window.workers_page)
