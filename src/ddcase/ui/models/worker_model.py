"""The workers directory: who to call in the other service."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from ddcase.domain import Worker
from ddcase.ui.models.base import ValueTableModel


class WorkerTableModel(ValueTableModel):
    class Column(IntEnum):
        NAME = 0
        ORGANISATION = 1
        SERVICE = 2
        ROLE = 3
        PHONE = 4
        EMAIL = 5

    HEADERS = {
        Column.NAME: "Name",
        Column.ORGANISATION: "Organisation",
        Column.SERVICE: "Service",
        Column.ROLE: "Role",
        Column.PHONE: "Phone",
        Column.EMAIL: "Email",
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
        return value.email or ""
