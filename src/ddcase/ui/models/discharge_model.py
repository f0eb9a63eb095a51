"""Discharges made without the other service (issue 17), as To do lists them."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from ddcase.ui.models.base import ValueTableModel
from ddcase.ui.text import date_text


class FlaggedDischargeTableModel(ValueTableModel):
    """Rows are the services' flagged discharges (`rules.discharges.Discharge`)."""

    class Column(IntEnum):
        ENDED = 0
        REFERENCE = 1
        SERVICE = 2
        DISCHARGED_BY = 3
        OTHER_WORKER = 4

    HEADERS = {
        Column.ENDED: "Ended on",
        Column.REFERENCE: "Reference",
        Column.SERVICE: "Service that ended",
        Column.DISCHARGED_BY: "Ended by",
        Column.OTHER_WORKER: "Still open with",
    }

    def display(self, value: Any, column: Any) -> str:
        c = self.Column
        if column == c.ENDED:
            return date_text(value.end_date)
        if column == c.REFERENCE:
            return str(value.client_ref)
        if column == c.SERVICE:
            return str(value.episode.service.label)
        if column == c.DISCHARGED_BY:
            return str(value.episode.worker or "(none named)")
        return str(value.other_worker or "(none named)")

    def sort_key(self, value: Any, column: Any) -> Any:
        if column == self.Column.ENDED:
            return value.end_date.isoformat()
        return self.display(value, column).lower()
