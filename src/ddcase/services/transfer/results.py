"""What an import or an export did, as the command line prints it and the audit entry records it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ddcase.services.transfer.cells import FILES


@dataclass(frozen=True, slots=True)
class FileCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"

    def as_record(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did. Workers include those created from episodes.csv; duplicate contact rows
    count once. `files` are the files read; `ignored` are other .csv files in the folder."""

    folder: str
    workers: FileCounts
    clients: FileCounts
    episodes: FileCounts
    contacts: FileCounts
    files: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    #: FILE:LINE: column: message for what was imported but should be looked at (an NHS number
    #: never issued, or one already recorded for another client).
    warnings: tuple[str, ...] = ()

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated for c in (self.workers, self.clients, self.episodes, self.contacts))

    def as_record(self) -> dict[str, Any]:
        return {
            "folder": self.folder,
            "files": list(self.files),
            "workers": self.workers.as_record(),
            "clients": self.clients.as_record(),
            "episodes": self.episodes.as_record(),
            "contacts": self.contacts.as_record(),
        }

    def __str__(self) -> str:
        lines = [f"Imported {', '.join(self.files)} from {self.folder}:"]
        for name in ("workers", "clients", "episodes", "contacts"):
            lines.append(f"  {name}: {getattr(self, name)}")
        if not self.changed:
            lines.append("Nothing changed: the log already held all of it.")
        if self.ignored:
            lines.append(f"Ignored (not ddcase files): {', '.join(self.ignored)}")
        if self.warnings:
            lines.append(f"Imported, but look at these {len(self.warnings)} (warnings, not errors):")
            lines.extend(f"  {warning}" for warning in self.warnings)
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class ExportSummary:
    folder: str
    workers: int
    clients: int
    episodes: int
    contacts: int
    files: tuple[str, ...] = FILES
    audit_head: str = ""  # "#1234 3f9a0c1d2e4b": the trail's newest entry, this export's own

    def as_record(self) -> dict[str, Any]:
        return {
            "folder": self.folder,
            "workers": self.workers,
            "clients": self.clients,
            "episodes": self.episodes,
            "contacts": self.contacts,
        }

    def __str__(self) -> str:
        return (
            f"Exported to {self.folder}: {self.workers} workers, {self.clients} clients, "
            f"{self.episodes} episodes, {self.contacts} contacts."
            + (f" Audit head: {self.audit_head}." if self.audit_head else "")
        )
