"""The history of the operational definition, and the notes on the chart."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt

from ddcase.domain import Annotation, Definition
from ddcase.ui.models.base import ValueTableModel
from ddcase.ui.text import date_text


class DefinitionTableModel(ValueTableModel):
    class Column(IntEnum):
        VERSION = 0
        FROM = 1
        DEFINITION = 2
        AGREED_ON = 3
        NOTE = 4

    HEADERS = {
        Column.VERSION: "Version",
        Column.FROM: "In force from",
        Column.DEFINITION: "Definition",
        Column.AGREED_ON: "Agreed",
        Column.NOTE: "Note",
    }
    NUMERIC = frozenset({Column.VERSION})

    def display(self, value: Definition, column: Any) -> str:
        c = self.Column
        if column == c.VERSION:
            return str(value.version)
        if column == c.FROM:
            return value.first_month.label() if value.first_month else "the beginning"
        if column == c.DEFINITION:
            return value.plain_words()
        if column == c.AGREED_ON:
            where = f", {value.agreed_in}" if value.agreed_in else ""
            return date_text(value.agreed_on) + where
        return value.note or ""

    def sort_key(self, value: Definition, column: Any) -> Any:
        if column in (self.Column.VERSION, self.Column.FROM):
            return value.version
        return self.display(value, column).lower()

    def decorate(self, value: Definition, column: Any, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == self.Column.DEFINITION:
            return value.plain_words()
        return None


class AnnotationTableModel(ValueTableModel):
    """The chart's notes, numbered as their markers on the chart."""

    class Column(IntEnum):
        NUMBER = 0
        MONTH = 1
        TEXT = 2
        NEW_PART = 3

    HEADERS = {
        Column.NUMBER: "#",
        Column.MONTH: "Month",
        Column.TEXT: "Note",
        Column.NEW_PART: "Starts a new part",
    }
    NUMERIC = frozenset({Column.NUMBER})

    def display(self, value: Annotation, column: Any) -> str:
        c = self.Column
        if column == c.NUMBER:
            return str(self._rows.index(value) + 1)
        if column == c.MONTH:
            return value.month.label()
        if column == c.TEXT:
            return value.text
        return "Yes" if value.new_part else ""

    def sort_key(self, value: Annotation, column: Any) -> Any:
        if column in (self.Column.NUMBER, self.Column.MONTH):
            return str(value.month) + f"{self._rows.index(value):05d}"
        return self.display(value, column).lower()
