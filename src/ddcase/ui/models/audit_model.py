"""One client's audit trail, oldest first: when, who, what, and the fields that changed."""

from __future__ import annotations

from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt

from ddcase.domain import AuditEntry
from ddcase.ui.models.base import ValueTableModel
from ddcase.ui.text import date_text, date_time_text

#: bookkeeping fields every record carries; a change to them alone is not news to a reader
HIDDEN_FIELDS = frozenset({"id", "version", "client_ref"})
ACTION_TEXT = {
    "create": "created",
    "update": "updated",
    "delete": "deleted",
    "export": "exported (subject access)",
    "purge": "anonymised (purge)",
    "redact": "values removed (purge)",
}


FIELD_TEXT = {
    "nhs_number": "NHS number",
    "mh_worker": "MH worker",
    "sm_worker": "SM worker",
    "consent_to_share_on": "Consent to share",
}


def _field(name: str) -> str:
    return FIELD_TEXT.get(name, name.replace("_", " ").capitalize())


def _value(value: object) -> str:
    """As the screens write it: '27 Feb 2026' for a stored '2026-02-27'."""
    if value is None or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date_text(date.fromisoformat(value))
        except ValueError:
            pass
    return str(value)


def who_text(entry: AuditEntry) -> str:
    """'Ann Smith / asmith': the ddcase user, then the computer account."""
    return f"{entry.app_user} / {entry.os_user}" if entry.app_user else entry.os_user


def what_text(entry: AuditEntry) -> str:
    """'Client updated', 'Contact deleted'."""
    return f"{entry.entity.capitalize()} {ACTION_TEXT.get(entry.action, entry.action)}"


def change_lines(entry: AuditEntry) -> list[str]:
    """An update as 'Initials: AB → CD' for each field that changed; a new record's values; a
    deleted record's last values; anything else (an export, a purge) as it was recorded."""
    if entry.redacted:
        return ["(values removed from the trail when the client was anonymised)"]
    if entry.action == "redact":
        return [f"Values removed from {len((entry.after or {}).get('entries', []))} earlier entries"]
    before, after = entry.before or {}, entry.after or {}
    if entry.action == "update":
        names = [n for n in {**before, **after} if n not in HIDDEN_FIELDS]
        return [
            f"{_field(n)}: {_value(before.get(n))} → {_value(after.get(n))}"
            for n in names
            if before.get(n) != after.get(n)
        ]
    record = before if entry.action == "delete" else after
    return [
        f"{_field(n)}: {_value(v)}"
        for n, v in record.items()
        if n not in HIDDEN_FIELDS and v not in (None, "")
    ]


class AuditEntryTableModel(ValueTableModel):
    class Column(IntEnum):
        WHEN = 0
        WHO = 1
        WHAT = 2
        CHANGES = 3

    HEADERS = {Column.WHEN: "When", Column.WHO: "Who", Column.WHAT: "What", Column.CHANGES: "Changes"}

    def display(self, value: AuditEntry, column: Any) -> str:
        if column == self.Column.WHEN:
            return date_time_text(value.at)
        if column == self.Column.WHO:
            return who_text(value)
        if column == self.Column.WHAT:
            return what_text(value)
        return "; ".join(change_lines(value))

    def sort_key(self, value: AuditEntry, column: Any) -> Any:
        if column == self.Column.WHEN:
            return value.seq
        return super().sort_key(value, column)

    def decorate(self, value: AuditEntry, column: Any, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == self.Column.CHANGES:
            return "\n".join(change_lines(value))
        return None
