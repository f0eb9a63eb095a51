"""A client's episodes in both services."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from ddcase.domain import Episode
from ddcase.ui.models.base import ValueTableModel
from ddcase.ui.text import date_text


class EpisodeTableModel(ValueTableModel):
    class Column(IntEnum):
        SERVICE = 0
        ORGANISATION = 1
        TEAM = 2
        WORKER = 3
        START = 4
        END = 5

    HEADERS = {
        Column.SERVICE: "Service",
        Column.ORGANISATION: "Organisation",
        Column.TEAM: "Team",
        Column.WORKER: "Named worker",
        Column.START: "Start",
        Column.END: "End",
    }

    def display(self, value: Episode, column: Any) -> str:
        c = self.Column
        if column == c.SERVICE:
            return value.service.label
        if column == c.ORGANISATION:
            return value.organisation
        if column == c.TEAM:
            return value.team or ""
        if column == c.WORKER:
            return value.worker or "(unallocated)"
        if column == c.START:
            return date_text(value.start_date)
        return date_text(value.end_date) if value.end_date else "open"

    def sort_key(self, value: Episode, column: Any) -> Any:
        if column == self.Column.START:
            return value.start_date.isoformat()
        if column == self.Column.END:
            return value.end_date.isoformat() if value.end_date else "9999"
        return self.display(value, column).lower()
