"""The to-do list: clients not yet jointly worked this month, and missed joint appointments."""

from __future__ import annotations

from datetime import date
from enum import IntEnum
from typing import Any

from ddcase.services.figures import ClientMonth, MissedAppointment
from ddcase.ui.models.base import ValueTableModel
from ddcase.ui.text import date_text, missing_text


class ToDoTableModel(ValueTableModel):
    class Column(IntEnum):
        REFERENCE = 0
        INITIALS = 1
        CARE_COORDINATOR = 2
        KEY_WORKER = 3
        MISSING = 4
        DUE = 5

    HEADERS = {
        Column.REFERENCE: "Reference",
        Column.INITIALS: "Initials",
        Column.CARE_COORDINATOR: "Care coordinator",
        Column.KEY_WORKER: "Key worker",
        Column.MISSING: "What is missing",
        Column.DUE: "Due by",
    }

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._due: date | None = None

    def set_due(self, due: date) -> None:
        self._due = due

    def display(self, value: ClientMonth, column: Any) -> str:
        c = self.Column
        if column == c.REFERENCE:
            return value.client_ref
        if column == c.INITIALS:
            return value.initials
        if column == c.CARE_COORDINATOR:
            return value.care_coordinator or "(none named)"
        if column == c.KEY_WORKER:
            return value.key_worker or "(none named)"
        if column == c.MISSING:
            return missing_text(value)
        return date_text(self._due)


class MissedAppointmentTableModel(ValueTableModel):
    class Column(IntEnum):
        DATE = 0
        REFERENCE = 1
        INITIALS = 2
        KIND = 3
        CARE_COORDINATOR = 4
        KEY_WORKER = 5
        NOTE = 6

    HEADERS = {
        Column.DATE: "Missed on",
        Column.REFERENCE: "Reference",
        Column.INITIALS: "Initials",
        Column.KIND: "Kind",
        Column.CARE_COORDINATOR: "Care coordinator",
        Column.KEY_WORKER: "Key worker",
        Column.NOTE: "Note",
    }

    def display(self, value: MissedAppointment, column: Any) -> str:
        c = self.Column
        if column == c.DATE:
            return date_text(value.contact.date)
        if column == c.REFERENCE:
            return value.contact.client_ref
        if column == c.INITIALS:
            return value.initials
        if column == c.KIND:
            return value.contact.kind.label
        if column == c.CARE_COORDINATOR:
            return value.care_coordinator or "(none named)"
        if column == c.KEY_WORKER:
            return value.key_worker or "(none named)"
        return value.contact.note or ""

    def sort_key(self, value: MissedAppointment, column: Any) -> Any:
        if column == self.Column.DATE:
            return value.contact.date.isoformat()
        return self.display(value, column).lower()
