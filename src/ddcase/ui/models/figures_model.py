"""The dashboard's tables: the figure per care coordinator or provider, and the reasons."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from ddcase.domain import Criterion
from ddcase.domain.format import percent_text
from ddcase.services.figures import GroupFigures, why_not
from ddcase.ui.models.base import ValueTableModel


class GroupFiguresTableModel(ValueTableModel):
    class Column(IntEnum):
        NAME = 0
        MUTUAL_CLIENTS = 1
        JOINTLY_WORKED = 2
        PERCENTAGE = 3

    HEADERS = {
        Column.NAME: "Name",
        Column.MUTUAL_CLIENTS: "Mutual",
        Column.JOINTLY_WORKED: "Jointly",
        Column.PERCENTAGE: "%",
    }
    NUMERIC = frozenset({Column.MUTUAL_CLIENTS, Column.JOINTLY_WORKED, Column.PERCENTAGE})

    def __init__(self, name_header: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.HEADERS = {**type(self).HEADERS, self.Column.NAME: name_header}

    def display(self, value: GroupFigures, column: Any) -> str:
        c = self.Column
        if column == c.NAME:
            return value.name
        if column == c.MUTUAL_CLIENTS:
            return str(value.mutual_clients)
        if column == c.JOINTLY_WORKED:
            return str(value.jointly_worked)
        return percent_text(value.percentage)

    def sort_key(self, value: GroupFigures, column: Any) -> Any:
        c = self.Column
        if column == c.MUTUAL_CLIENTS:
            return value.mutual_clients
        if column == c.JOINTLY_WORKED:
            return value.jointly_worked
        if column == c.PERCENTAGE:
            return -1.0 if value.percentage is None else value.percentage
        return value.name.lower()


class ReasonTableModel(ValueTableModel):
    """(criterion, number of mutual clients failing it), largest first."""

    class Column(IntEnum):
        REASON = 0
        CLIENTS = 1

    HEADERS = {Column.REASON: "Not jointly worked because", Column.CLIENTS: "Clients"}
    NUMERIC = frozenset({Column.CLIENTS})

    def display(self, value: tuple[Criterion, int], column: Any) -> str:
        criterion, count = value
        if column == self.Column.REASON:
            text = why_not(criterion)
            return text[:1].upper() + text[1:]
        return str(count)

    def sort_key(self, value: tuple[Criterion, int], column: Any) -> Any:
        if column == self.Column.CLIENTS:
            return value[1]
        return self.display(value, column).lower()
