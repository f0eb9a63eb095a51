"""Move caseload...: a leaver's open episodes go to a colleague from a date, for all their
clients or those ticked. SPEC §1: a change of worker is a new episode, so each episode ends the
day before and the same one starts with the new worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QWidget

from ddcase.domain import Episode, Worker, available_workers
from ddcase.ui.dialogs.form import FormDialog
from ddcase.ui.dialogs.leaver_dialog import worker_key, worker_label
from ddcase.ui.text import date_text
from ddcase.ui.widgets.date_field import DateField
from ddcase.ui.widgets.picker import Picker

#: Each worker's episodes not ended before some date, by `worker_key`.
Caseloads = dict[str, list[Episode]]


@dataclass(frozen=True, slots=True)
class CaseloadMove:
    leaver: Worker
    to: str
    from_date: date
    client_refs: tuple[str, ...] | None  # None: every client


class MoveCaseloadDialog(FormDialog):
    def __init__(
        self,
        parent: QWidget | None,
        *,
        workers: list[Worker],
        caseloads: Caseloads,
        today: date,
        leaver: Worker | None = None,
    ) -> None:
        super().__init__(parent, self.tr("Move caseload"))
        self._today = today
        self._workers = {worker_key(w): w for w in workers}
        self._caseloads = caseloads
        explain = QLabel(
            self.tr(
                "Each open episode of the leaver ends the day before the new worker starts, and the "
                "same episode (service, organisation, team) starts with the new worker. Earlier "
                "months' figures do not change."
            )
        )
        explain.setWordWrap(True)
        self.form.addRow(explain)
        with_caseload = [w for w in workers if caseloads.get(worker_key(w))]
        self.leaver_picker = Picker(self.tr("Whose caseload"))
        self.leaver_picker.set_choices(
            [(worker_label(w), worker_key(w)) for w in sorted(with_caseload, key=lambda w: w.name.lower())]
        )
        self.to_picker = Picker(self.tr("New worker"))
        default_day = leaver.left_on if leaver and leaver.left_on and leaver.left_on <= today else today
        self.date_edit = DateField(self.tr("New worker from"), today=today, value=default_day)
        self.clients_list = QListWidget()
        self.clients_list.setAccessibleName(self.tr("Clients to move (Space ticks or unticks)"))
        self.count_label = QLabel()
        self.add_row(self.tr("&Whose caseload:"), self.leaver_picker)
        self.add_row(self.tr("&To:"), self.to_picker)
        self.add_row(self.tr("&From:"), self.date_edit)
        self.add_row(self.tr("&Clients:"), self.clients_list)
        self.form.addRow("", self.count_label)
        self.setMinimumWidth(560)
        if leaver is not None and worker_key(leaver) in {worker_key(w) for w in with_caseload}:
            self.leaver_picker.select(worker_key(leaver))
        self._fill()
        if leaver is not None:
            self.to_picker.setFocus()
        self.leaver_picker.value_changed.connect(self._on_leaver_picker_value_changed)
        self.to_picker.value_changed.connect(self.revalidate)
        self.date_edit.changed.connect(self._on_date_edit_changed)
        self.clients_list.itemChanged.connect(self.revalidate)
        self.revalidate()

    def _leaver(self) -> Worker | None:
        value = self.leaver_picker.value()
        return self._workers.get(value) if isinstance(value, str) else None

    def _day(self) -> date:
        return self.date_edit.date() or self._today

    def _fill(self) -> None:
        """The new worker's choices (the leaver's side, still here) and the leaver's clients."""
        leaver = self._leaver()
        day = self._day()
        if leaver is None:
            self.to_picker.set_choices([])
        else:
            colleagues = [
                w
                for w in available_workers(self._workers.values(), day)
                if w.service is leaver.service and w.name != leaver.name
            ]
            chosen = self.to_picker.value()
            text = self.to_picker.currentText()
            self.to_picker.set_choices(
                [(worker_label(w), w.name) for w in sorted(colleagues, key=lambda w: w.name.lower())]
            )
            if isinstance(chosen, str) and chosen in {w.name for w in colleagues}:
                self.to_picker.select(chosen)  # a change of date keeps the colleague chosen
            elif chosen is not None:
                self.to_picker.setEditText(text)  # and what was typed, to say why it is not one
        self._fill_clients()

    def _fill_clients(self) -> None:
        leaver = self._leaver()
        day = self._day()
        unticked = {ref for ref, checked in self._items() if not checked}
        self.clients_list.blockSignals(True)
        self.clients_list.clear()
        episodes = self._caseloads.get(worker_key(leaver), []) if leaver else []
        for episode in episodes:
            if episode.end_date is not None and episode.end_date < day:
                continue
            team = f", {episode.team}" if episode.team else ""
            item = QListWidgetItem(f"{episode.client_ref}  (since {date_text(episode.start_date)}{team})")
            item.setData(Qt.ItemDataRole.UserRole, episode.client_ref)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            was_unticked = episode.client_ref in unticked
            item.setCheckState(Qt.CheckState.Unchecked if was_unticked else Qt.CheckState.Checked)
            self.clients_list.addItem(item)
        if self.clients_list.count():
            self.clients_list.setCurrentRow(0)
        self.clients_list.blockSignals(False)

    def _items(self) -> list[tuple[str, bool]]:
        return [
            (
                str(self.clients_list.item(row).data(Qt.ItemDataRole.UserRole)),
                self.clients_list.item(row).checkState() == Qt.CheckState.Checked,
            )
            for row in range(self.clients_list.count())
        ]

    @Slot()
    def _on_leaver_picker_value_changed(self) -> None:
        self._fill()
        self.revalidate()

    @Slot()
    def _on_date_edit_changed(self) -> None:
        if self.date_edit.date() is not None:
            self._fill()

    @Slot()
    def revalidate(self) -> None:
        chosen = sum(checked for _ref, checked in self._items())
        self.count_label.setText(
            self.tr("%1 of %2 clients ticked")
            .replace("%1", str(chosen))
            .replace("%2", str(self.clients_list.count()))
        )
        super().revalidate()

    def problems(self) -> list[str]:
        problem = self.leaver_picker.problem()
        if problem:
            return [self.tr("Whose caseload: %1").replace("%1", problem)]
        problem = self.to_picker.problem()
        if problem:
            return [self.tr("To: %1").replace("%1", problem)]
        if not any(checked for _ref, checked in self._items()):
            return [self.tr("Clients: tick at least one")]
        return []

    def draft(self) -> CaseloadMove:
        leaver = self._leaver()
        to = self.to_picker.value()
        day = self.date_edit.date()
        assert leaver is not None and isinstance(to, str) and day is not None
        items = self._items()
        chosen = tuple(ref for ref, checked in items if checked)
        return CaseloadMove(leaver, to, day, None if len(chosen) == len(items) else chosen)

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        workers: list[Worker],
        caseloads: Caseloads,
        today: date,
        leaver: Worker | None = None,
    ) -> CaseloadMove | None:
        dialog = cls(parent, workers=workers, caseloads=caseloads, today=today, leaver=leaver)
        try:
            return dialog.draft() if dialog.exec() == cls.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
