"""The backups of the database, newest first, for File > Restore from backup."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from ddcase.services.backup import BackupFile
from ddcase.ui.models.base import ValueTableModel
from ddcase.ui.text import date_time_text, size_text

KIND_TEXT = {
    "daily": "Daily, at start-up",
    "manual": "Made by hand",
    "pre-migration": "Before an upgrade",
    "pre-restore": "Before a restore",
}


class BackupTableModel(ValueTableModel):
    class Column(IntEnum):
        MADE = 0
        KIND = 1
        SIZE = 2

    HEADERS = {Column.MADE: "Made", Column.KIND: "Kind", Column.SIZE: "Size"}
    NUMERIC = frozenset({Column.SIZE})

    def display(self, value: BackupFile, column: Any) -> str:
        if column == self.Column.MADE:
            return date_time_text(value.made_at)
        if column == self.Column.KIND:
            return KIND_TEXT.get(value.kind, value.kind)
        return size_text(value.size)

    def sort_key(self, value: BackupFile, column: Any) -> Any:
        if column == self.Column.MADE:
            return value.made_at
        if column == self.Column.SIZE:
            return value.size
        return super().sort_key(value, column)

    def decorate(self, value: BackupFile, column: Any, role: int) -> Any:
        from PySide6.QtCore import Qt

        if role == Qt.ItemDataRole.ToolTipRole:
            return str(value.path)
        return None
