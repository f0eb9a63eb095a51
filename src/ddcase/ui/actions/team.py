"""Tools > This is me...: the team's people, as the window knows them. Who "I" am is remembered
per computer user (services/who_am_i.py), said in the status bar, and sets whose list To do
opens on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QLabel, QMessageBox

from ddcase.domain import DomainError, Service, Worker, available_workers
from ddcase.services.who_am_i import describe
from ddcase.ui.actions import make_action
from ddcase.ui.dialogs.who_am_i_dialog import WhoAmIDialog

if TYPE_CHECKING:
    from ddcase.ui.main_window import MainWindow


class TeamActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.who_am_i: Worker | None = None
        self.me_label = QLabel()
        self.me_label.setAccessibleName(self.tr("You"))
        self.this_is_me_action = make_action(
            window, self.tr("This is &me..."), self._on_this_is_me_triggered, None,
            self.tr("Say which worker of the directory you are, on this computer"),
        )  # fmt: skip

    def refresh_who_am_i(self) -> None:
        """Read who "I" am for this log; say it in the status bar; set To do's list."""
        window = self._window
        try:
            self.who_am_i = window.services().who_am_i.who_am_i()
        except DomainError:
            self.who_am_i = None
        me = self.who_am_i
        self.me_label.setText(self.tr("You: %1").replace("%1", describe(me)) if me else "")
        todo = window.todo_page
        if me is None:  # nobody said "this is me" here yet: the log owner's list, as before
            coordinator = window.services().team.settings().owner_name
        else:
            coordinator = me.name if me.service is Service.MENTAL_HEALTH else None
        set_whose_list = getattr(todo, "set_whose_list", None)
        if set_whose_list is not None:
            set_whose_list(coordinator)
        else:
            todo.set_default_coordinator(coordinator)

    def remember(self, worker: Worker | None) -> None:
        self._window.services().who_am_i.remember(worker)
        self.refresh_who_am_i()

    @Slot()
    def _on_this_is_me_triggered(self) -> None:
        window = self._window
        services = window.services()
        try:
            workers = available_workers(
                services.casework.workers(),
                services.context.today(),
                keep=[self.who_am_i] if self.who_am_i else [],
            )
        except DomainError as error:
            QMessageBox.warning(window, self.tr("This is me"), str(error))
            return
        if not workers:
            QMessageBox.information(
                window, self.tr("This is me"), self.tr("Add yourself to the workers directory first.")
            )
            return
        answer = WhoAmIDialog.ask(window, workers=workers, current=self.who_am_i)
        if answer is None:
            return
        try:
            self.remember(answer[0])
        except OSError as error:
            QMessageBox.warning(window, self.tr("This is me"), str(error))
            return
        window.mark_all_stale()
