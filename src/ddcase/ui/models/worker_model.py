"""The workers directory: who to call in the other service, and who has left."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from ddcase.domain import Worker
from ddcase.ui.models.base import ValueTableModel
from ddcase.ui.text import date_text


class WorkerTableModel(ValueTableModel):
    class Column(IntEnum):
        NAME = 0
        ORGANISATION = 1
        SERVICE = 2
        ROLE = 3
        PHONE = 4
        EMAIL = 5
        LEFT_ON = 6

    HEADERS = {
        Column.NAME: "Name",
        Column.ORGANISATION: "Organisation",
        Column.SERVICE: "Service",
        Column.ROLE: "Role",
        Column.PHONE: "Phone",
        Column.EMAIL: "Email",
        Column.LEFT_ON: "Left on",
    }

    def display(self, value: Worker, column: Any) -> str:
        c = self.Column
        if column == c.NAME:
            return value.name
        if column == c.ORGANISATION:
            return value.organisation
        if column == c.SERVICE:
            return value.service.label
        if column == c.ROLE:
            return value.role.label if value.role else ""
        if column == c.PHONE:
            return value.phone or ""
        if column == c.LEFT_ON:
            return date_text(value.left_on)
        return value.email or ""

    def sort_key(self, value: Worker, column: Any) -> Any:
        if column == self.Column.LEFT_ON:
            return value.left_on.isoformat() if value.left_on else ""
        return super().sort_key(value, column)

    def decorate(self, value: Worker, column: Any, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and value.left_on is not None:
            return QBrush(QColor("#6b6b6b"))  # a leaver, kept for the history, shown quieter
        return None
