"""A save on a team database holds the audit trail's lock briefly (issue 18): every writer
queues for that one lock, so nothing that can be done before taking it is done after."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from ddcase.domain import Client, Contact, ContactKind, ContactMode

pytestmark = pytest.mark.postgresql


def takes_the_trail_lock(statement: str) -> bool:
    # The client's own lock, or revision 0008's trigger taking it on the entry's INSERT.
    return "pg_advisory_xact_lock" in statement or statement.lstrip().startswith("INSERT INTO audit_event")


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_save_sends_one_statement_after_taking_the_trail_lock(casework, engine):
    casework.save_client(Client(client_ref="RT1", initials="AB"))
    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        casework.save_contact(
            Contact(client_ref="RT1", date=date(2026, 10, 5), kind=ContactKind.LIAISON,
                    mode=ContactMode.TELEPHONE, note="a call")
        )  # fmt: skip
    finally:
        event.remove(engine, "before_cursor_execute", note)
    locked_at = next(i for i, s in enumerate(statements) if takes_the_trail_lock(s))
    after = statements[locked_at + 1 :]
    assert [s.split("(")[0].strip() for s in after] == ["INSERT INTO audit_value"]
