"""The to-do lists (SPEC §6): clients not yet jointly worked with the day each is due by, clients
at risk next month, and missed joint appointments; each beside the other service's worker (the
key worker) with their phone and email."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ddcase.domain import Worker
from ddcase.services.figures import AtRisk, ClientMonth, MissedJoint, NotYet, ToDo
from ddcase.ui.models.base import ValueTableModel
from ddcase.ui.text import date_text, missing_text

Reach = Callable[[ClientMonth], Worker | None]
NONE_NAMED = "(none named)"


#: the headings of the columns all three lists show, by column name
SHARED_HEADERS = {
    "REFERENCE": "Reference",
    "INITIALS": "Initials",
    "CARE_COORDINATOR": "Care coordinator",
    "KEY_WORKER": "Key worker",
    "PHONE": "Phone",
    "EMAIL": "Email",
}


def _headers(columns: type[IntEnum], own: dict[str, str]) -> dict[Any, str]:
    """Each column's heading: the list's `own` (by column name), else the shared one."""
    return {column: own.get(column.name) or SHARED_HEADERS[column.name] for column in columns}


def _nobody(_client: ClientMonth) -> Worker | None:
    return None


class _WorkListModel(ValueTableModel):
    """What the three lists share: the client, its workers and how to reach the key worker."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._reach: Reach = _nobody

    def set_list(self, rows: Iterable[Any], todo: ToDo) -> None:
        """The rows, with the directory that gives each key worker's phone and email."""
        self._reach = todo.key_worker
        self.set_rows(rows)

    def key_worker(self, value: Any) -> Worker | None:
        return self._reach(value.client)

    def shared_text(self, value: Any, column: IntEnum) -> str:
        """The text of a shared column (see SHARED_HEADERS); a subclass shows its own first."""
        client: ClientMonth = value.client
        column_name = column.name
        if column_name == "REFERENCE":
            return client.client_ref
        if column_name == "INITIALS":
            return client.initials
        if column_name == "CARE_COORDINATOR":
            return client.care_coordinator or NONE_NAMED
        if column_name == "KEY_WORKER":
            return client.key_worker or NONE_NAMED
        if column_name in ("PHONE", "EMAIL"):
            worker = self.key_worker(value)
            if worker is None:
                return ""
            return (worker.phone if column_name == "PHONE" else worker.email) or ""
        return ""


class ToDoTableModel(_WorkListModel):
    class Column(IntEnum):
        DUE = 0
        REFERENCE = 1
        INITIALS = 2
        CARE_COORDINATOR = 3
        KEY_WORKER = 4
        PHONE = 5
        EMAIL = 6
        MISSING = 7

    HEADERS = _headers(Column, {"DUE": "Due by", "MISSING": "What is missing"})

    def display(self, value: NotYet, column: Any) -> str:
        if column == self.Column.DUE:
            return date_text(value.due)
        if column == self.Column.MISSING:
            return missing_text(value.client)
        return self.shared_text(value, column)

    def sort_key(self, value: NotYet, column: Any) -> Any:
        if column == self.Column.DUE:
            return (value.due.isoformat(), value.client_ref)
        return self.display(value, column).lower()


class AtRiskTableModel(_WorkListModel):
    class Column(IntEnum):
        BY = 0
        REFERENCE = 1
        INITIALS = 2
        CARE_COORDINATOR = 3
        KEY_WORKER = 4
        PHONE = 5
        EMAIL = 6
        WHAT = 7

    HEADERS = _headers(Column, {"BY": "Book by", "WHAT": "What to do"})

    def display(self, value: AtRisk, column: Any) -> str:
        if column == self.Column.BY:
            return date_text(value.by)
        if column == self.Column.WHAT:
            return value.advice()
        return self.shared_text(value, column)


class MissedAppointmentTableModel(_WorkListModel):
    class Column(IntEnum):
        DATE = 0
        REFERENCE = 1
        INITIALS = 2
        KIND = 3
        FOLLOWED_UP = 4
        CARE_COORDINATOR = 5
        KEY_WORKER = 6
        PHONE = 7
        EMAIL = 8
        NOTE = 9

    HEADERS = _headers(
        Column,
        {"DATE": "Missed on", "KIND": "Kind", "FOLLOWED_UP": "Followed up", "NOTE": "Note"},
    )

    def display(self, value: MissedJoint, column: Any) -> str:
        c = self.Column
        if column == c.DATE:
            return date_text(value.date)
        if column == c.KIND:
            return value.contact.kind.label
        if column == c.FOLLOWED_UP:
            return "Yes" if value.followed_up else "Not yet"
        if column == c.NOTE:
            return value.contact.note or ""
        return self.shared_text(value, column)

    def sort_key(self, value: MissedJoint, column: Any) -> Any:
        if column == self.Column.DATE:
            return (value.date.isoformat(), value.client_ref)
        return self.display(value, column).lower()

    def decorate(self, value: MissedJoint, column: Any, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and value.followed_up:
            return QColor("#555555")  # done: shown quieter than those still to follow up
        return None
