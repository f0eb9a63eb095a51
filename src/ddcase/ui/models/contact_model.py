"""A client's contacts log."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt

from ddcase.domain import Contact
from ddcase.ui.models.base import ValueTableModel
from ddcase.ui.text import date_text


class ContactTableModel(ValueTableModel):
    class Column(IntEnum):
        DATE = 0
        KIND = 1
        MODE = 2
        OUTCOME = 3
        MH_WORKER = 4
        SM_WORKER = 5
        CLIENT_PRESENT = 6
        DURATION = 7
        NOTE = 8

    HEADERS = {
        Column.DATE: "Date",
        Column.KIND: "Kind",
        Column.MODE: "Mode",
        Column.OUTCOME: "Outcome",
        Column.MH_WORKER: "MH worker",
        Column.SM_WORKER: "SM worker",
        Column.CLIENT_PRESENT: "Client",
        Column.DURATION: "Minutes",
        Column.NOTE: "Note",
    }
    NUMERIC = frozenset({Column.DURATION})

    def display(self, value: Contact, column: Any) -> str:
        c = self.Column
        if column == c.DATE:
            return date_text(value.date)
        if column == c.KIND:
            return value.kind.label
        if column == c.MODE:
            return value.mode.label
        if column == c.OUTCOME:
            return value.outcome.label
        if column == c.MH_WORKER:
            return value.mh_worker or ""
        if column == c.SM_WORKER:
            return value.sm_worker or ""
        if column == c.CLIENT_PRESENT:
            return {True: "Yes", False: "No", None: ""}[value.client_present]
        if column == c.DURATION:
            return str(value.duration_minutes) if value.duration_minutes else ""
        return value.note or ""

    def sort_key(self, value: Contact, column: Any) -> Any:
        if column == self.Column.DATE:
            return value.date.isoformat()
        if column == self.Column.DURATION:
            return value.duration_minutes or 0
        return self.display(value, column).lower()

    def decorate(self, value: Contact, column: Any, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == self.Column.NOTE:
            return value.note
        return None
