"""Issue 14, hole 8: the smaller holes, each refused or warned about with a clear message."""

from __future__ import annotations

import itertools
import os

import pytest
from sqlalchemy import text

from ddcase.cli import main, open_services
from ddcase.domain import DomainError
from tests.services.test_team_database import add_person, team_db

__all__ = ["team_db"]  # the fixture, used by name

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


def _role(pg_admin, name: str) -> tuple[object, ...] | None:
    with pg_admin.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT a.rolpassword, a.rolsuper, array(SELECT g.rolname FROM pg_auth_members m "
                "JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = a.oid ORDER BY 1) "
                "FROM pg_authid a WHERE a.rolname = :n"
            ),
            {"n": name},
        ).first()
    return None if row is None else tuple(row)


def test_add_user_never_adopts_the_superuser_or_a_role_ddcase_did_not_create(team_db, pg_admin, capsys):
    number = f"{os.getpid()}_{next(_numbers)}"
    superuser, outsider = f"postgres_{number}", f"outsider_{number}"
    pg_admin.execute(f"CREATE ROLE {superuser} SUPERUSER LOGIN PASSWORD 'the cluster superuser password'")
    pg_admin.execute(f"CREATE ROLE {outsider} LOGIN PASSWORD 'their own password'")
    before = {name: _role(pg_admin, name) for name in (superuser, outsider)}
    try:
        for name in (superuser, outsider):
            code = main(
                ["team-setup", "--db", team_db, "--add-user", name, "--role", "manager", "--no-password"]
            )
            err = capsys.readouterr().err
            assert code == 2, err
            assert f"{name} is an existing PostgreSQL role that ddcase did not create" in err
            assert "left as it is" in err
            services = open_services(team_db)
            try:
                with pytest.raises(DomainError, match="did not create"):
                    services.team_database.add_user(name, "readonly", "a new password for it")
            finally:
                services.close()
            assert _role(pg_admin, name) == before[name]  # password, superuser, groups: untouched
        # A login ddcase made can still change role, as before.
        person = add_person(team_db, "readonly")
        assert (
            main(["team-setup", "--db", team_db, "--add-user", person, "--role", "manager", "--no-password"])
            == 0
        )
    finally:
        pg_admin.execute(f"DROP ROLE IF EXISTS {outsider}")
        pg_admin.execute(f"DROP ROLE IF EXISTS {superuser}")
