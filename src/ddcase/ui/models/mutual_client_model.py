"""The main list: every client in the log with their status in the month viewed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from ddcase.domain import Client
from ddcase.services.figures import ClientMonth
from ddcase.ui.models.base import SortingProxy, ValueTableModel
from ddcase.ui.text import date_text, missing_text


class Status(IntEnum):
    NOT_JOINTLY_WORKED = 0
    JOINTLY_WORKED = 1
    EXCLUDED = 2
    NOT_MUTUAL = 3


STATUS_COLOURS = {
    Status.JOINTLY_WORKED: QColor("#2e7d32"),
    Status.NOT_JOINTLY_WORKED: QColor("#e08a00"),
    Status.EXCLUDED: QColor("#9e9e9e"),
    Status.NOT_MUTUAL: QColor("#d6d6d6"),
}


@dataclass(frozen=True, slots=True)
class CaseloadEntry:
    """A client and how they stand in the month viewed (`month` None: not open to both
    services on any day of it). `status` and `search_text` are worked out once, so filtering
    20,000 rows as the user types stays quick."""

    client: Client
    month: ClientMonth | None
    status: Status = Status.NOT_MUTUAL
    search_text: str = ""

    @classmethod
    def of(cls, client: Client, month: ClientMonth | None) -> CaseloadEntry:
        words = [client.client_ref, client.initials]
        if month is not None:
            words += [month.care_coordinator or "", month.key_worker or "", month.provider or ""]
        return cls(client, month, cls._status_of(month), " ".join(words).lower())

    @staticmethod
    def _status_of(month: ClientMonth | None) -> Status:
        if month is None:
            return Status.NOT_MUTUAL
        if not month.is_mutual:
            return Status.EXCLUDED
        return Status.JOINTLY_WORKED if month.jointly_worked else Status.NOT_JOINTLY_WORKED

    @property
    def status_text(self) -> str:
        status = self.status
        if status is Status.JOINTLY_WORKED:
            return "Jointly worked"
        if status is Status.NOT_JOINTLY_WORKED:
            assert self.month is not None
            return missing_text(self.month)
        if status is Status.EXCLUDED:
            assert self.month is not None
            return f"Not counted: open to both services for only {self.month.mutual_days} days"
        return "Not open to both services this month"

    @property
    def teams(self) -> str:
        return ", ".join(self.month.teams) if self.month else ""


def caseload(clients: list[Client], months: list[ClientMonth]) -> list[CaseloadEntry]:
    """Every client, each with their status in the month if they were open to both services."""
    by_ref = {m.client_ref: m for m in months}
    return [CaseloadEntry.of(c, by_ref.get(c.client_ref)) for c in clients]


class MutualClientTableModel(ValueTableModel):
    class Column(IntEnum):
        REFERENCE = 0
        INITIALS = 1
        TEAM = 2
        CARE_COORDINATOR = 3
        KEY_WORKER = 4
        PROVIDER = 5
        STATUS = 6
        LAST_JOINT_CONTACT = 7

    HEADERS = {
        Column.REFERENCE: "Reference",
        Column.INITIALS: "Initials",
        Column.TEAM: "Team",
        Column.CARE_COORDINATOR: "Care coordinator",
        Column.KEY_WORKER: "Key worker",
        Column.PROVIDER: "Provider",
        Column.STATUS: "This month",
        Column.LAST_JOINT_CONTACT: "Last joint",
    }

    def display(self, value: CaseloadEntry, column: Any) -> str:
        c = self.Column
        month = value.month
        if column == c.REFERENCE:
            return value.client.client_ref
        if column == c.INITIALS:
            return value.client.initials
        if column == c.TEAM:
            return value.teams
        if column == c.STATUS:
            return value.status_text
        if month is None:
            return ""
        if column == c.CARE_COORDINATOR:
            return month.care_coordinator or "(none named)"
        if column == c.KEY_WORKER:
            return month.key_worker or "(none named)"
        if column == c.PROVIDER:
            return month.provider or ""
        return date_text(month.last_joint_contact)

    def sort_key(self, value: CaseloadEntry, column: Any) -> Any:
        if column == self.Column.STATUS:
            failed = len(value.month.failed_criteria) if value.month else 0
            return f"{int(value.status)}{9 - failed}{value.status_text.lower()}"
        if column == self.Column.LAST_JOINT_CONTACT:
            day = value.month.last_joint_contact if value.month else None
            return day.isoformat() if day else ""
        return self.display(value, column).lower()

    def decorate(self, value: CaseloadEntry, column: Any, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == self.Column.LAST_JOINT_CONTACT:
            return "The last counting joint appointment or care plan review"
        if column == self.Column.STATUS:
            if role == Qt.ItemDataRole.DecorationRole:
                return STATUS_COLOURS[value.status]
            if role == Qt.ItemDataRole.ToolTipRole:
                return value.status_text
        return None


class StatusFilter(IntEnum):
    MUTUAL = 0
    NOT_JOINTLY_WORKED = 1
    JOINTLY_WORKED = 2
    EXCLUDED = 3
    ALL = 4

    @property
    def label(self) -> str:
        return {
            0: "Mutual clients",
            1: "Not jointly worked",
            2: "Jointly worked",
            3: "Not counted (short overlap)",
            4: "Every client in the log",
        }[self.value]

    def accepts(self, status: Status) -> bool:
        if self is StatusFilter.ALL:
            return True
        if self is StatusFilter.MUTUAL:
            return status in (Status.JOINTLY_WORKED, Status.NOT_JOINTLY_WORKED)
        return {
            StatusFilter.NOT_JOINTLY_WORKED: Status.NOT_JOINTLY_WORKED,
            StatusFilter.JOINTLY_WORKED: Status.JOINTLY_WORKED,
            StatusFilter.EXCLUDED: Status.EXCLUDED,
        }[self] is status


class ClientFilterProxy(SortingProxy):
    """Search as you type (reference, initials, workers, provider) and the three filters."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._search = ""
        self._team: str | None = None
        self._coordinator: str | None = None
        self._status = StatusFilter.MUTUAL
        self._filters = 0
        self._accepted: list[bool] = []
        self._accepted_generation: tuple[int, int] = (-1, -1)

    def set_search(self, text: str) -> None:
        self._change(lambda: setattr(self, "_search", text.strip().lower()))

    def set_team(self, team: str | None) -> None:
        self._change(lambda: setattr(self, "_team", team))

    def set_coordinator(self, coordinator: str | None) -> None:
        self._change(lambda: setattr(self, "_coordinator", coordinator))

    def set_status(self, status: StatusFilter) -> None:
        self._change(lambda: setattr(self, "_status", status))

    def _change(self, apply: Any) -> None:
        self.beginFilterChange()
        apply()
        self._filters += 1
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, MutualClientTableModel)
        if self._accepted_generation != (model.generation, self._filters):
            # One pass in Python over every row, then a list look-up per call from Qt: doing the
            # work inside each call back from Qt is several times slower with 20,000 rows.
            self._accepted = self._accepted_rows(model.rows())
            self._accepted_generation = (model.generation, self._filters)
        return self._accepted[source_row]

    def _accepted_rows(self, entries: list[CaseloadEntry]) -> list[bool]:
        statuses = {status for status in Status if self._status.accepts(status)}
        team, coordinator = self._team, self._coordinator
        words = self._search.split()
        accepted = []
        for entry in entries:
            month = entry.month
            ok = (
                entry.status in statuses
                and (team is None or (month is not None and team in month.teams))
                and (coordinator is None or (month is not None and month.care_coordinator == coordinator))
                and all(word in entry.search_text for word in words)
            )
            accepted.append(ok)
        return accepted
