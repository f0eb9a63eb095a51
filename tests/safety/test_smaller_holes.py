"""Issue 14, hole 8: the smaller holes, each refused or warned about with a clear message."""

from __future__ import annotations

import itertools
import os

import pytest
from sqlalchemy import text

from ddcase.cli import main

_numbers = itertools.count(1)


# ---------------------------------------------------------------------- team-setup's owner


@pytest.fixture
def owner_database(pg_admin):
    """An owner role and its database made exactly as docs/team-database.md section 2 says."""
    number = f"{os.getpid()}_{next(_numbers)}"
    owner, database = f"owner_{number}", f"team_{number}"
    pg_admin.execute(f"CREATE ROLE {owner} LOGIN")
    pg_admin.execute(f"CREATE DATABASE {database} OWNER {owner} ENCODING 'UTF8'")
    yield owner, pg_admin.url(database, owner)
    pg_admin.drop_database(database)
    pg_admin.execute(f"DROP ROLE IF EXISTS {owner}")


def test_team_setup_by_an_owner_without_createrole_names_the_privilege_and_the_fix(
    owner_database, pg_admin, capsys
):
    owner, url = owner_database
    code = main(["team-setup", "--db", url])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "CREATEROLE" in err and f"ALTER ROLE {owner} CREATEROLE;" in err
    assert "unexpected" not in err

    pg_admin.execute(f"ALTER ROLE {owner} CREATEROLE")  # what the message said to run
    assert main(["team-setup", "--db", url]) == 0
    assert (
        main(["team-setup", "--db", url, "--add-user", f"p_{owner}", "--role", "readonly", "--no-password"])
        == 0
    )
    with pg_admin.engine.connect() as conn:
        assert conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": f"p_{owner}"}).first()
    pg_admin.execute(f"DROP ROLE IF EXISTS p_{owner}")
