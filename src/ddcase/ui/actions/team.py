"""Tools > This is me..., Mark worker as left..., Move caseload...: the team's people. Who "I" am
is remembered per computer user (services/who_am_i.py), said in the status bar, and sets whose
list To do opens on. A worker who leaves is kept for the history and the figures; their open
episodes move to a colleague as new episodes (services/team.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QLabel, QMessageBox

from ddcase.domain import DomainError, Service, Worker, available_workers
from ddcase.services.who_am_i import describe
from ddcase.ui.actions import make_action
from ddcase.ui.dialogs.leaver_dialog import LeaverDialog, worker_key
from ddcase.ui.dialogs.move_caseload_dialog import MoveCaseloadDialog
from ddcase.ui.dialogs.who_am_i_dialog import WhoAmIDialog
from ddcase.ui.text import date_text

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
        self.mark_left_action = make_action(
            window, self.tr("Mark worker as &left..."), self._on_mark_left_triggered, None,
            self.tr("A worker who leaves: kept for the history and the figures, no longer offered"),
        )  # fmt: skip
        self.move_caseload_action = make_action(
            window, self.tr("Move &caseload..."), self._on_move_caseload_triggered, None,
            self.tr("Move a worker's open episodes to a colleague from a date"),
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
        todo.set_whose_list(coordinator)

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

    # ------------------------------------------------------------------ people who leave

    @Slot()
    def _on_mark_left_triggered(self) -> None:
        self.mark_left()

    @Slot()
    def _on_move_caseload_triggered(self) -> None:
        self.move_caseload()

    @Slot(object)
    def mark_left(self, worker: Worker | None = None) -> None:
        """Ask who left and when, save it; then offer to move their open episodes."""
        window = self._window
        services = window.services()
        today = services.context.today()
        try:
            leaving = LeaverDialog.ask(
                window, workers=services.casework.workers(), today=today, worker=worker
            )
            if leaving is None:
                return
            saved = services.team.mark_left(leaving.worker, leaving.left_on)
            open_now = services.team.open_caseload(saved, min(saved.left_on, today)) if saved.left_on else []
        except DomainError as error:
            QMessageBox.warning(window, self.tr("Not marked as left"), str(error))
            return
        window.mark_all_stale()
        if saved.left_on is None:
            window.statusBar().showMessage(
                self.tr("%1 is offered in the forms again.").replace("%1", saved.name), 8000
            )
            return
        window.statusBar().showMessage(
            self.tr("%1 marked as left on %2.")
            .replace("%1", saved.name)
            .replace("%2", date_text(saved.left_on)),
            8000,
        )
        if not open_now:
            return
        answer = QMessageBox.question(
            window,
            self.tr("Move caseload"),
            self.tr("%1 still has %2 open episode(s). Move them to a colleague now?")
            .replace("%1", saved.name)
            .replace("%2", str(len(open_now))),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.move_caseload(saved)

    @Slot(object)
    def move_caseload(self, leaver: Worker | None = None) -> None:
        """Ask whose caseload goes to whom from when (all clients, or those ticked), then move
        it in one service call."""
        window = self._window
        services = window.services()
        try:
            workers = services.casework.workers()
            caseloads = {
                f"{side.value}\t{name}": episodes
                for (side, name), episodes in services.team.caseloads().items()
            }
            if leaver is not None and not caseloads.get(worker_key(leaver)):
                QMessageBox.information(
                    window,
                    self.tr("Move caseload"),
                    self.tr("%1 has no episodes to move.").replace("%1", leaver.name),
                )
                return
            move = MoveCaseloadDialog.ask(
                window, workers=workers, caseloads=caseloads, today=services.context.today(), leaver=leaver
            )
            if move is None:
                return
            moved = services.team.move_caseload(move.leaver, move.to, move.from_date, move.client_refs)
        except DomainError as error:
            QMessageBox.warning(window, self.tr("Caseload not moved"), str(error))
            return
        window.mark_all_stale()
        window.statusBar().showMessage(moved.text().strip(), 10000)
