"""`ddcase export --client REF FOLDER`: everything ddcase holds about one person, for a subject
access request: the client record, every episode and contact, and the audit trail's entries about
them (who recorded or changed what, and when), as CSV files and one JSON file.

The folder and files are readable by their owner only; the export itself is audited.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ddcase.domain import NotFoundError
from ddcase.services.audit_trail import entry_value
from ddcase.services.base import Context, as_record
from ddcase.storage import audit, caseload_audits, discharge_notes, repository
from ddcase.storage.database import StorageError
from ddcase.storage.files import make_private_folder, protect, remove_file

FILES = (
    "client.csv",
    "episodes.csv",
    "contacts.csv",
    "caseload_audits.csv",
    "audit.csv",
    "subject-access.json",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class SubjectAccessSummary:
    folder: Path
    episodes: int
    contacts: int
    audit_entries: int
    audit_head: str = ""  # "#1234 3f9a0c1d2e4b": the trail's newest entry, this export's own

    def __str__(self) -> str:
        return (
            f"Everything held about the client was written to {self.folder}: the client record, "
            f"{self.episodes} episodes, {self.contacts} contacts and {self.audit_entries} audit "
            f"entries ({', '.join(FILES)})." + (f" Audit head: {self.audit_head}." if self.audit_head else "")
        )


def _cell(value: Any) -> str:
    """Text a spreadsheet will show, never run (a leading ' before a formula character)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv(records: list[dict[str, Any]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([_cell(record.get(c)) for c in columns])
    return out.getvalue()


class SubjectAccessService:
    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db

    def export(self, client_ref: str, folder: Path) -> SubjectAccessSummary:
        """Write the files, then record the export in the audit trail; if that fails the files
        are removed again."""
        client_ref = client_ref.strip()
        folder = folder.expanduser()
        clashes = [name for name in FILES if (folder / name).exists()]
        if clashes:
            raise StorageError(f"{folder} already holds {', '.join(clashes)}; choose an empty folder.")
        with self._db.read() as session:
            row = repository.client_row(session, client_ref)
            audited = _caseload_audit_records(session, client_ref)
            if row is None and not audited:
                raise NotFoundError(f"No client {client_ref} in the log.")
            entries = [entry_value(e) for e in audit.entries_about(session, client_ref)]
            if row is None:  # on a caseload audit's list only (issue 17)
                client: dict[str, Any] = {"client_ref": client_ref}
                episodes: list[dict[str, Any]] = []
                contacts: list[dict[str, Any]] = []
            else:
                assert row.id is not None
                history = repository.client_history(session, row.id)
                client = as_record(history.client) | {
                    "purged_on": row.purged_on.isoformat() if row.purged_on else None,
                    "is_demo": row.is_demo,
                }
                noted = discharge_notes.reasons(session, [e.id for e in history.episodes if e.id is not None])
                episodes = [
                    as_record(e) | {"discharge_reason": noted.get(e.id) if e.id is not None else None}
                    for e in history.episodes
                ]
                contacts = [as_record(c) for c in history.contacts]
        client.pop("id", None)
        trail = [
            {
                "seq": e.seq,
                "at_utc": e.at.isoformat(),
                "os_user": e.os_user,
                "app_user": e.app_user,
                "action": e.action,
                "entity": e.entity,
                "before": e.before,
                "after": e.after,
                "values_removed": e.redacted,
            }
            for e in entries
        ]
        for record in (*episodes, *contacts):
            record.pop("id", None)
        contents = {
            "client.csv": _csv([client], list(client)),
            "episodes.csv": _csv(episodes, _columns(episodes, "client_ref")),
            "contacts.csv": _csv(contacts, _columns(contacts, "client_ref")),
            "caseload_audits.csv": _csv(audited, ["audit", "month", "initials", "sampled", "answers"]),
            "audit.csv": _csv(
                trail,
                [
                    "seq",
                    "at_utc",
                    "os_user",
                    "app_user",
                    "action",
                    "entity",
                    "before",
                    "after",
                    "values_removed",
                ],
            ),
            "subject-access.json": json.dumps(
                {
                    "client": client,
                    "episodes": episodes,
                    "contacts": contacts,
                    "caseload_audits": audited,
                    "audit_trail": trail,
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n",
        }
        make_private_folder(folder)
        written: list[Path] = []
        try:
            for name, text in contents.items():
                path = folder / name
                with open(path, "x", encoding="utf-8", newline="") as file:
                    written.append(path)
                    file.write(text)
                    file.flush()
                    os.fsync(file.fileno())
                protect(path)
            with self._db.write() as session:
                recorded = audit.append(
                    session,
                    action="export",
                    entity="client",
                    key=client_ref,
                    after={
                        "kind": "subject_access",
                        "episodes": len(episodes),
                        "contacts": len(contacts),
                        "audit_entries": len(trail),
                    },
                    app_user=self._context.user,
                    at=self._context.now(),
                )
        except BaseException:
            for path in written:
                remove_file(path)
            raise
        head = f"#{recorded.seq} {recorded.hash[:12]}"
        return SubjectAccessSummary(folder, len(episodes), len(contacts), len(trail), head)


def _caseload_audit_records(session: Any, client_ref: str) -> list[dict[str, Any]]:
    """Every caseload audit list the person is on (issue 17): the month, the initials given,
    whether they were sampled, and their answers by question."""
    out = []
    for slug, month, case in caseload_audits.cases_of_person(session, client_ref):
        assert case.id is not None
        keys = {
            q.id: q.key
            for q in caseload_audits.question_rows(session, caseload_audits.audit_id_of(session, case))
        }
        answers = {keys[q]: a.answer for q, a in caseload_audits.answer_rows(session, case.id).items()}
        out.append(
            {
                "audit": slug,
                "month": month,
                "initials": case.initials,
                "sampled": case.sample_position is not None,
                "answers": answers,
            }
        )
    return out


def _columns(records: list[dict[str, Any]], first: str) -> list[str]:
    if not records:
        return [first]
    return list(records[0])
