"""Looking after the database: integrity checks of the file and of the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ddcase.services import trail
from ddcase.services.base import Context, local_time_text
from ddcase.storage import audit, checks


@dataclass(frozen=True, slots=True)
class CheckReport:
    database_ok: bool
    database_message: str
    audit_ok: bool
    audit_message: str
    outside: str = "none"  # changes the server recorded as made outside ddcase (issue 14)
    outside_count: int = 0

    @property
    def ok(self) -> bool:
        return self.database_ok and self.audit_ok and self.outside_count == 0

    def text(self) -> str:
        return (
            f"Database: {'intact' if self.database_ok else 'DAMAGED'} ({self.database_message})\n"
            f"Audit trail: {'intact' if self.audit_ok else 'BROKEN'} ({self.audit_message})\n"
            f"Changes outside ddcase: {self.outside}\n"
        )


class MaintenanceService:
    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db

    def check(self) -> CheckReport:
        """SPEC §4 `ddcase check`: the database's own integrity check and the audit chain."""
        with self._db.read() as session:
            if self._db.is_sqlite:
                rows = checks.integrity(session)
                db_ok = rows == ["ok"]
                db_message = "integrity_check ok" if db_ok else "; ".join(rows[:5])
                if self._db.encrypted:  # SQLCipher's check of every page's authentication code
                    pages = checks.unauthenticated_pages(session)
                    db_ok = db_ok and not pages
                    db_message += (
                        "; encrypted, every page authenticated" if not pages else f"; {'; '.join(pages[:5])}"
                    )
                broken = checks.broken_links(session)
                if broken:
                    db_ok = False
                    db_message += f"; {broken} broken links between records"
            else:
                version, who = checks.server(session)
                db_ok, db_message = True, f"server reachable: PostgreSQL {version}, connected as {who}"
            different = checks.schema_differences(session)
            if different:
                db_ok = False
                db_message += "; the schema differs from this version's: " + "; ".join(different[:6])
            chain = audit.verify(session)
            missing = audit.missing_guards(session)
            keeper = self._db.trail
            witness = None if keeper is None else keeper.witness()
            witnessed = trail.witness_problem(session, witness)
            head = audit.head(session)
            outside_count, latest = audit.outside_changes(session)
        outside = "none"
        if latest is not None:
            what = latest.entity if latest.entity_key is None else f"{latest.entity} of {latest.entity_key}"
            when = local_time_text(datetime.fromisoformat(latest.at_utc))
            changes = "1 change" if outside_count == 1 else f"{outside_count} changes"
            outside = (
                f"{changes} made outside ddcase (the latest: {what} by {latest.app_user} on {when}); "
                "each is in the audit trail with the values before and after"
            )
        if chain.intact:
            audit_message = f"{chain.entries} entries, chain unbroken"
        else:
            audit_message = f"{chain.problem}; the first bad entry is seq {chain.first_bad_seq}"
        if chain.unchecked:
            audit_message += (
                f"; {chain.unchecked} entries are signed with a key that is not on this computer "
                f"(key {chain.missing_key}), so their signatures could not be checked here"
            )
        if witnessed is not None:
            audit_message += f"; {witnessed}"
        elif keeper is not None and head is not None:
            if witness is None:
                audit_message += f"; first seen on this computer at #{head[0]}"
            if chain.intact and (witness is None or head[0] > witness.seq):
                keeper.saw(*head, at=self._context.now())
        if missing:
            audit_message += f"; the database's guard is missing or switched off: {', '.join(missing)}"
        ok = chain.intact and not missing and witnessed is None
        return CheckReport(db_ok, db_message, ok, audit_message, outside, outside_count)
