"""The record-keeping tasks every screen offers (log a contact, add a client, change a worker ...).
Each slot asks a dialog for a draft, makes one service call, and says `records_changed` so the
screens reload; a DomainError is shown to the user, never a traceback (STYLE §2)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from ddcase.domain import (
    Client,
    Contact,
    ContactKind,
    ContactMode,
    DomainError,
    Episode,
    Service,
    Worker,
    available_workers,
)
from ddcase.services.figures import MissedJoint
from ddcase.services.registry import Services
from ddcase.ui.dialogs.change_worker_dialog import ChangeWorkerDialog
from ddcase.ui.dialogs.client_dialog import ClientDialog
from ddcase.ui.dialogs.contact_dialog import ContactDialog
from ddcase.ui.dialogs.discharge_dialog import DischargeDialog
from ddcase.ui.dialogs.episode_dialog import EpisodeDialog
from ddcase.ui.dialogs.mutual_client_dialog import MutualClientDialog
from ddcase.ui.dialogs.worker_dialog import WorkerDialog
from ddcase.ui.text import date_text

D = TypeVar("D")  # a dialog's draft
S = TypeVar("S")  # what the service saved


class _Cancelled(Exception):
    """A follow-up question was cancelled: nothing is saved and nothing is said."""


def _client_ref(saved: Client | Contact | Episode) -> str:
    return saved.client_ref


class CaseworkActions(QObject):
    #: a client's reference (or "" for the workers directory) whose records were saved
    records_changed = Signal(str)

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._casework = services.casework

    def _today(self) -> date:
        return self._services.context.today()

    def _pickable(self, *keep: str | None) -> list[Worker]:
        """The workers a form's pickers offer: those who have not left by today, and any of
        `keep` the record being edited already names (so editing it never drops one)."""
        return available_workers(self._casework.workers(), self._today(), keep)

    def _organisations(self) -> dict[Service, list[str]]:
        return {service: self._casework.organisations(service) for service in Service}

    def _warn(self, parent: QWidget, title: str, error: DomainError) -> None:
        QMessageBox.warning(parent, title, str(error))

    def _confirm(self, parent: QWidget, title: str, question: str) -> bool:
        """Ask a yes/no question with No the default button; True only for Yes."""
        answer = QMessageBox.question(
            parent,
            title,
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _ask_then_save(
        self,
        parent: QWidget,
        failure: str,
        ask: Callable[[], D | None],
        save: Callable[[D], S],
        changed: Callable[[S], str],
    ) -> S | None:
        """Ask a dialog for a draft, save it with one service call and say whose records changed;
        a DomainError (reading the dialog's choices, or saving) is shown under `failure`."""
        try:
            draft = ask()
            if draft is None:
                return None
            saved = save(draft)
        except _Cancelled:
            return None
        except DomainError as error:
            self._warn(parent, failure, error)
            return None
        self.records_changed.emit(changed(saved))
        return saved

    # ------------------------------------------------------------------ contacts

    def log_contact(self, parent: QWidget, client_ref: str | None = None) -> Contact | None:
        def ask() -> Contact | None:
            clients = self._casework.clients()
            if not clients:
                QMessageBox.information(
                    parent,
                    self.tr("No clients yet"),
                    self.tr("Add a client first (File > New mutual client)."),
                )
                return None
            return ContactDialog.ask(
                parent,
                clients=clients,
                workers=self._pickable(),
                current_workers=self._casework.current_workers(self._today()),
                today=self._today(),
                client_ref=client_ref,
            )

        return self._ask_then_save(
            parent, self.tr("Contact not saved"), ask, self._casework.save_contact, _client_ref
        )

    def log_follow_up(self, parent: QWidget, missed: MissedJoint) -> Contact | None:
        """Log the follow-up of a missed joint appointment: the contact form filled in with a
        telephone liaison today, between the same workers, saying what it follows up."""
        client, was = missed.client, missed.contact
        follow_up = Contact(
            was.client_ref,
            self._today(),
            ContactKind.LIAISON,
            ContactMode.TELEPHONE,
            mh_worker=was.mh_worker or client.care_coordinator,
            sm_worker=was.sm_worker or client.key_worker,
            client_present=False,
            note=self.tr("Follow-up of the %1 missed on %2")
            .replace("%1", was.kind.label.lower())
            .replace("%2", date_text(was.date)),
        )
        return self._ask_contact(parent, follow_up, self._casework.workers())

    def edit_contact(self, parent: QWidget, contact: Contact) -> Contact | None:
        return self._ask_contact(parent, contact, self._pickable(contact.mh_worker, contact.sm_worker))

    def _ask_contact(self, parent: QWidget, contact: Contact, workers: list[Worker]) -> Contact | None:
        """The contact form filled in with `contact` (a follow-up's draft, or one to edit),
        offering `workers`, saved as one contact."""
        return self._ask_then_save(
            parent,
            self.tr("Contact not saved"),
            lambda: ContactDialog.ask(
                parent,
                clients=self._casework.clients(),
                workers=workers,
                current_workers={},
                today=self._today(),
                contact=contact,
            ),
            self._casework.save_contact,
            _client_ref,
        )

    def delete_contact(self, parent: QWidget, contact: Contact) -> bool:
        if not self._confirm(
            parent,
            self.tr("Delete contact"),
            self.tr("Delete the %1 of %2 for %3? This cannot be undone.")
            .replace("%1", contact.kind.label.lower())
            .replace("%2", date_text(contact.date))
            .replace("%3", contact.client_ref),
        ):
            return False
        try:
            self._casework.delete_contact(contact)
        except DomainError as error:
            self._warn(parent, self.tr("Contact not deleted"), error)
            return False
        self.records_changed.emit(contact.client_ref)
        return True

    # ------------------------------------------------------------------ clients and episodes

    def add_mutual_client(self, parent: QWidget) -> tuple[Client, list[Episode]] | None:
        """One form for a new client, their consent and an episode in each service, saved in
        one transaction."""
        return self._ask_then_save(
            parent,
            self.tr("Client not saved"),
            lambda: MutualClientDialog.ask_mutual(
                parent,
                today=self._today(),
                existing_refs={c.client_ref for c in self._casework.clients()},
                workers=self._pickable(),
                organisations=self._organisations(),
                teams=self._casework.teams(),
                nhs_numbers_in_use=self._casework.nhs_numbers_in_use(),
            ),
            lambda draft: self._casework.add_mutual_client(draft.client, draft.episodes),
            lambda saved: saved[0].client_ref,
        )

    def edit_client(self, parent: QWidget, client: Client) -> Client | None:
        return self._ask_then_save(
            parent,
            self.tr("Client not saved"),
            lambda: ClientDialog.ask(
                parent,
                today=self._today(),
                existing_refs={c.client_ref for c in self._casework.clients()},
                client=client,
                nhs_numbers_in_use=self._casework.nhs_numbers_in_use(),
            ),
            self._casework.save_client,
            _client_ref,
        )

    def save_episode(
        self, parent: QWidget, client_ref: str, episode: Episode | None = None
    ) -> Episode | None:
        return self._ask_then_save(
            parent,
            self.tr("Episode not saved"),
            lambda: EpisodeDialog.ask(
                parent,
                client_ref=client_ref,
                today=self._today(),
                workers=self._pickable(episode.worker if episode else None),
                organisations=self._organisations(),
                teams=self._casework.teams(),
                episode=episode,
            ),
            lambda draft: self._save_episode_asking(parent, draft),
            _client_ref,
        )

    def _save_episode_asking(self, parent: QWidget, episode: Episode) -> Episode:
        """Issue 17: ending an episode while the other side is open, with no recent contact with
        the other side's worker, asks how that service was involved before saving. Cancelling
        the question saves nothing."""
        check = self._casework.discharge_check(episode)
        reason = None
        if check is not None and check.flagged and episode.end_date is not None:
            answer = DischargeDialog.ask(
                parent,
                client_ref=episode.client_ref,
                service=episode.service,
                end_date=episode.end_date,
                other_worker=check.other_worker,
            )
            if answer is None:
                raise _Cancelled
            reason = answer.reason
        return self._casework.save_episode(episode, discharge_reason=reason)

    def change_worker(self, parent: QWidget, episode: Episode) -> bool:
        try:
            change = ChangeWorkerDialog.ask(
                parent, episode=episode, workers=self._pickable(), today=self._today()
            )
            if change is None:
                return False
            self._casework.change_worker(episode, change.worker, change.from_date)
        except DomainError as error:
            self._warn(parent, self.tr("Worker not changed"), error)
            return False
        self.records_changed.emit(episode.client_ref)
        return True

    # ------------------------------------------------------------------ workers

    def save_worker(self, parent: QWidget, worker: Worker | None = None) -> Worker | None:
        return self._ask_then_save(
            parent,
            self.tr("Worker not saved"),
            lambda: WorkerDialog.ask(
                parent,
                organisations=self._organisations(),
                taken={(w.service, w.name) for w in self._casework.workers()},
                worker=worker,
            ),
            self._casework.save_worker,
            lambda _worker: "",  # the workers directory
        )

    def delete_worker(self, parent: QWidget, worker: Worker) -> bool:
        """Says why a worker named on records cannot be deleted before asking anything."""
        try:
            why_not = self._casework.why_not_delete(worker)
        except DomainError as error:
            self._warn(parent, self.tr("Worker not deleted"), error)
            return False
        if why_not:
            QMessageBox.information(parent, self.tr("Worker not deleted"), why_not)
            return False
        if not self._confirm(
            parent,
            self.tr("Delete worker"),
            self.tr("Delete %1 from the directory?").replace("%1", worker.name),
        ):
            return False
        try:
            self._casework.delete_worker(worker)
        except DomainError as error:
            self._warn(parent, self.tr("Worker not deleted"), error)
            return False
        self.records_changed.emit("")
        return True
