"""Roles and grants of a shared PostgreSQL team database (PostgreSQL only; docs/team-database.md).

Three group roles, each a member of the one below, so grants add up:
- ddcase_readonly: connect, read everything (figures, reports, `ddcase check`), and append to
  the audit trail and the report snapshots, since every export and print is recorded;
- ddcase_coordinator: also record and edit workers, clients, episodes and contacts;
- ddcase_manager: also agree definition versions, change chart notes, aims and team settings, and
  purge (only a manager may set client.purged_on; coordinators may update the other columns).
Nobody but the owner may UPDATE, DELETE or TRUNCATE audit_event, and an audit entry must name
the role that writes it, so every change is attributable to a person.
People log in as their own role, a member of one group role.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

READONLY, COORDINATOR, MANAGER = "ddcase_readonly", "ddcase_coordinator", "ddcase_manager"
GROUP_ROLES = {"readonly": READONLY, "coordinator": COORDINATOR, "manager": MANAGER}

CASEWORK_TABLES = (
    "worker",
    "client",
    "episode",
    "contact",
    "discharge_note",
    "caseload_audit",
    "caseload_audit_question",
    "caseload_audit_round",
    "caseload_audit_case",
    "caseload_audit_answer",
)
MANAGER_TABLES = (
    "definition_version",
    "annotation",
    "measure_settings",
    "setting",
    "manual_measure",
    "manual_measure_value",
    "pdsa_cycle",
)
APPEND_ONLY_TABLES = ("audit_event", "audit_value", "report_snapshot")

_LOGIN_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,63}$")


def check_login_name(name: str) -> str | None:
    """A problem with a proposed login name, or None."""
    if not _LOGIN_NAME.match(name):
        return "a login name is 1 to 63 letters, digits, '_', '.', '@' or '-'"
    if name.lower().startswith(("pg_", "ddcase_")):
        return "a login name may not start with pg_ or ddcase_"
    return None


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(name)


def role_exists(conn: Connection, role: str) -> bool:
    return conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first() is not None


def may_create_roles(conn: Connection) -> bool:
    """Whether the person connected may create and alter roles (CREATEROLE, or a superuser):
    team-setup creates the group roles and --add-user the people's logins."""
    row = conn.execute(
        text("SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user")
    ).first()
    return row is not None and bool(row[0] or row[1])


def current_role(conn: Connection) -> str:
    return str(conn.execute(text("SELECT current_user")).scalar_one())


def _ensure_role(conn: Connection, role: str, member_of: str | None) -> bool:
    """Create a NOLOGIN group role unless it exists; True when created."""
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if not exists:
        conn.execute(text(f"CREATE ROLE {_quote(conn, role)} NOLOGIN"))
    if member_of:
        conn.execute(text(f"GRANT {_quote(conn, member_of)} TO {_quote(conn, role)}"))
    return not exists


def grant_roles(conn: Connection) -> list[str]:
    """Create the group roles (if missing) and (re)grant their privileges on this database.
    Safe to run again, and to be run after every upgrade. Returns the roles it created."""
    created = [
        role
        for role, parent in ((READONLY, None), (COORDINATOR, READONLY), (MANAGER, COORDINATOR))
        if _ensure_role(conn, role, parent)
    ]
    database = _quote(conn, conn.execute(text("SELECT current_database()")).scalar_one())
    q = {role: _quote(conn, role) for role in (READONLY, COORDINATOR, MANAGER)}
    statements = [
        # Only ddcase's roles may connect to the team's database at all.
        f"REVOKE ALL ON DATABASE {database} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {database} TO {q[READONLY]}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {q[READONLY]}",
        # Start from nothing, so that running this again also takes back what was given wrongly.
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {q[READONLY]}, {q[COORDINATOR]}, {q[MANAGER]}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {q[READONLY]}, {q[COORDINATOR]}, {q[MANAGER]}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {q[READONLY]}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {q[READONLY]}",
        *(f"GRANT INSERT ON {table} TO {q[READONLY]}" for table in APPEND_ONLY_TABLES),
        *(
            f"GRANT INSERT, UPDATE, DELETE ON {table} TO {q[COORDINATOR]}"
            for table in CASEWORK_TABLES
            if table != "client"
        ),
        # A purge (setting purged_on) is a manager's alone (issue 14): coordinators may update
        # every other column of a client.
        f"GRANT INSERT, DELETE ON client TO {q[COORDINATOR]}",
        f"GRANT UPDATE ({', '.join(_coordinator_client_columns())}) ON client TO {q[COORDINATOR]}",
        f"GRANT UPDATE ON client TO {q[MANAGER]}",
        f"GRANT INSERT ON organisation TO {q[COORDINATOR]}",
        *(f"GRANT INSERT, UPDATE, DELETE ON {table} TO {q[MANAGER]}" for table in MANAGER_TABLES),
        # A purge removes the anonymised clients' values from the trail (revision 0004).
        f"GRANT DELETE ON audit_value TO {q[MANAGER]}",
        # The audit trail is written as the person who is connected, never as someone else.
        """
        CREATE OR REPLACE FUNCTION ddcase_audit_actor() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.app_user IS DISTINCT FROM current_user::text
               AND NOT pg_has_role(current_user, (SELECT tableowner FROM pg_tables
                                                  WHERE tablename = 'audit_event'
                                                    AND schemaname = 'public'), 'MEMBER') THEN
                RAISE EXCEPTION 'permission denied for table audit_event (an entry must name %, not %)',
                    current_user, NEW.app_user USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$
        """,
        "DROP TRIGGER IF EXISTS ddcase_audit_actor ON audit_event",
        "CREATE TRIGGER ddcase_audit_actor BEFORE INSERT ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION ddcase_audit_actor()",
    ]
    for statement in statements:
        conn.execute(text(statement))
    return created


def _coordinator_client_columns() -> list[str]:
    from ddcase.storage.tables import ClientRow, table_of

    return [column.name for column in table_of(ClientRow).columns if column.name not in PURGE_COLUMNS]


#: The columns only a purge sets, and so only managers may change.
PURGE_COLUMNS = frozenset({"purged_on"})


def may_purge(conn: Connection) -> bool:
    """Whether the person connected may purge (PostgreSQL: UPDATE of client.purged_on)."""
    return bool(conn.execute(text("SELECT has_column_privilege('client', 'purged_on', 'UPDATE')")).scalar())


def add_login(conn: Connection, name: str, role: str, password_verifier: str | None) -> bool:
    """Create (or update) a person's login role as a member of exactly one ddcase group role.
    `password_verifier` is a SCRAM-SHA-256 verifier made on this computer, so the password
    itself never reaches the server or its logs; None for certificate or GSSAPI log-in.
    Returns True when the login was created. Raises PermissionError, changing nothing, for an
    existing role that is not a ddcase login (`is_ddcase_login`)."""
    group = GROUP_ROLES[role]
    if not role_exists(conn, group):
        raise LookupError(group)
    who = _quote(conn, name)
    exists = role_exists(conn, name)
    if exists and not is_ddcase_login(conn, name):
        raise PermissionError(name)
    if not exists:
        conn.execute(text(f"CREATE ROLE {who} LOGIN"))
    if password_verifier is not None:
        literal = password_verifier.replace("'", "''")
        # Not text(): a verifier holds ':' and '$', which text() would read as bind parameters.
        conn.exec_driver_sql(f"ALTER ROLE {who} LOGIN PASSWORD '{literal}'")
    for other in GROUP_ROLES.values():
        if other != group:
            conn.execute(text(f"REVOKE {_quote(conn, other)} FROM {who}"))
    conn.execute(text(f"GRANT {_quote(conn, group)} TO {who}"))
    return not exists


def is_ddcase_login(conn: Connection, name: str) -> bool:
    """Whether an existing role is one of ddcase's logins: a member of a ddcase group role, and
    neither a superuser nor able to create roles. Any other role (the cluster's superuser, the
    owner, someone's own login) is never adopted by --add-user, nor its password reset."""
    row = conn.execute(
        text(
            "SELECT r.rolsuper OR r.rolcreaterole OR r.rolbypassrls, EXISTS (SELECT 1 FROM "
            "pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid "
            "AND g.rolname = ANY(:groups)) FROM pg_roles r WHERE r.rolname = :n"
        ),
        {"n": name, "groups": list(GROUP_ROLES.values())},
    ).first()
    return row is not None and not row[0] and bool(row[1])


def scram_verifier(conn: Connection, name: str, password: str) -> str:
    """libpq's PQencryptPasswordConn: the SCRAM-SHA-256 verifier of a password, made locally."""
    pgconn = conn.connection.driver_connection.pgconn  # type: ignore[union-attr]  # psycopg's connection, typed as any DB-API one
    verifier: bytes = pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256")
    return verifier.decode()
