"""The main list: every client in the log with their status in the month viewed."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Any, NamedTuple

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor

from ddcase.collector import cyclic_gc_paused
from ddcase.services.figures import ClientMonth
from ddcase.ui.models.base import RowListProxy, ValueTableModel
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


class CaseloadEntry(NamedTuple):
    """A client (reference and initials: all the table shows of one) and how they stand in the
    month viewed (`month` None: not open to both services on any day of it). `status` and
    `search_text` are worked out once, so filtering 20,000 rows as the user types stays quick.
    A named tuple, made without a Python call per row (`caseload`): at five trusts the table has
    100,000 rows (issue 18)."""

    client_ref: str
    initials: str
    month: ClientMonth | None
    status: Status = Status.NOT_MUTUAL
    search_text: str = ""

    @classmethod
    def of(cls, client_ref: str, initials: str, month: ClientMonth | None) -> CaseloadEntry:
        status = cls._status_of(month)
        return cls(client_ref, initials, month, status, cls.search_text_of(client_ref, initials, month))

    @staticmethod
    def search_text_of(client_ref: str, initials: str, month: ClientMonth | None = None) -> str:
        """What the search box matches a row against: the reference, the initials and, in a
        month open to both services, the care coordinator, key worker and provider, lower case."""
        if month is None:
            return f"{client_ref} {initials}".lower()
        names = (month.care_coordinator or "", month.key_worker or "", month.provider or "")
        return " ".join((client_ref, initials, *names)).lower()

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


def caseload(clients: Iterable[tuple[str, str]], months: list[ClientMonth]) -> list[CaseloadEntry]:
    """Every client ((reference, initials), as `CaseworkService.client_names` gives them, in
    that order), each with their status in the month if they were open to both services.

    Most of a trust's clients are not open to both services in a month: their rows are made as
    tuples directly (`tuple.__new__`, as the named tuple's own `__new__` does, without its Python
    call), the collector paused while they are (`cyclic_gc_paused`: 100,000 new rows beside the
    figures' values set off its passes over everything alive)."""
    by_ref = {m.client_ref: m for m in months}
    found = by_ref.get
    new, of, text, nobody = tuple.__new__, CaseloadEntry.of, CaseloadEntry.search_text_of, Status.NOT_MUTUAL
    with cyclic_gc_paused():
        return [
            new(CaseloadEntry, (ref, initials, None, nobody, text(ref, initials)))
            if (month := found(ref)) is None
            else of(ref, initials, month)
            for ref, initials in clients
        ]


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
            return value.client_ref
        if column == c.INITIALS:
            return value.initials
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


class ClientFilterProxy(RowListProxy):
    """Search as you type (reference, initials, workers, provider) and the three filters.

    Each keystroke is one pass in Python over the rows' precomputed lower-case search texts
    (CaseloadEntry.search_text), and only over the rows shown now when the new text extends
    the old one (typing on): a few milliseconds for 20,000 clients, with no call back from Qt
    per row (RowListProxy)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._search = ""
        self._team: str | None = None
        self._coordinator: str | None = None
        self._status = StatusFilter.MUTUAL
        # the rows passing the status, team and coordinator filters, and each row's search text,
        # worked out once per set of rows and filters
        self._base: tuple[tuple[object, ...], list[int], list[str]] | None = None

    def set_search(self, text: str) -> None:
        search = text.strip().lower()
        if search == self._search:
            return
        narrowing = search.startswith(self._search)  # every row matching it matches the old text
        self._search = search
        self.refilter(narrowing=narrowing)

    def set_team(self, team: str | None) -> None:
        if team != self._team:
            self._team = team
            self.refilter()

    def set_coordinator(self, coordinator: str | None) -> None:
        if coordinator != self._coordinator:
            self._coordinator = coordinator
            self.refilter()

    def set_status(self, status: StatusFilter) -> None:
        if status != self._status:
            self._status = status
            self.refilter()

    def accepted_rows(self, candidates: Iterable[int] | None) -> list[int]:
        base, texts = self._base_rows()
        rows = base if candidates is None else candidates
        words = self._search.split()
        if not words:
            return list(rows)
        if len(words) == 1:
            word = words[0]
            return [row for row in rows if word in texts[row]]
        return [row for row in rows if all(word in texts[row] for word in words)]

    def _base_rows(self) -> tuple[list[int], list[str]]:
        model = self.sourceModel()
        if not isinstance(model, MutualClientTableModel):
            return [], []
        key = (model.generation, self._status, self._team, self._coordinator)
        if self._base is None or self._base[0] != key:
            entries: list[CaseloadEntry] = model.rows()
            statuses = {status for status in Status if self._status.accepts(status)}
            team, coordinator = self._team, self._coordinator
            base = [
                row
                for row, entry in enumerate(entries)
                if entry.status in statuses
                and (team is None or (entry.month is not None and team in entry.month.teams))
                and (
                    coordinator is None
                    or (entry.month is not None and entry.month.care_coordinator == coordinator)
                )
            ]
            self._base = (key, base, [entry.search_text for entry in entries])
        return self._base[1], self._base[2]
