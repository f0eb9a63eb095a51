"""A trail that cannot be quietly shortened, roles that hold (issue 14).

- `audit_event.chain`: how an entry's hash was made (NULL: SHA-256 by the app, as before;
  "hmac:<key id>": as before, and `signature` holds the hash's HMAC with a key kept outside
  the file, storage/witness.py; "server": by PostgreSQL). Only added columns: the table is not
  rebuilt, so its guard triggers stay.
- PostgreSQL: a trigger numbers and hashes every new entry itself (`ddcase_audit_chain`), so no
  role can append an entry that breaks the chain, whatever it sends; and a trigger refuses values
  that do not match their entry's digest (`ddcase_audit_value_check`).
- Changes made outside ddcase (hole 4) to clients, episodes, contacts and definition versions:
  refused on a log file (only ddcase's connections have `ddcase_session()`); recorded by the
  server in the trail on PostgreSQL, with the role and the values before and after.
- A definition version is never changed in place, and one in force (the first, or one a printed
  report was judged by) is never withdrawn, on both backends.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same framing as storage/audit.py's server_hash: length, ':', value; '-' for NULL.
POSTGRESQL_UP = [
    """
    CREATE OR REPLACE FUNCTION ddcase_framed(value text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN value IS NULL THEN '-' ELSE length(value)::text || ':' || value END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION ddcase_audit_chain() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        last_seq integer;
        last_hash text;
    BEGIN
        PERFORM pg_advisory_xact_lock(7461001);
        SELECT seq, hash INTO last_seq, last_hash FROM audit_event ORDER BY seq DESC LIMIT 1;
        NEW.seq := coalesce(last_seq, 0) + 1;
        NEW.prev_hash := coalesce(last_hash, repeat('0', 64));
        NEW.chain := 'server';
        NEW.hash := encode(sha256(convert_to(
            NEW.prev_hash || ddcase_framed(NEW.seq::text) || ddcase_framed(NEW.at_utc)
            || ddcase_framed(NEW.os_user) || ddcase_framed(NEW.app_user) || ddcase_framed(NEW.action)
            || ddcase_framed(NEW.entity) || ddcase_framed(NEW.entity_key)
            || ddcase_framed(NEW.before_json) || ddcase_framed(NEW.after_json)
            || ddcase_framed(NEW.values_sha256) || ddcase_framed(NEW.chain), 'UTF8')), 'hex');
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER ddcase_audit_chain BEFORE INSERT ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION ddcase_audit_chain()",
    """
    CREATE OR REPLACE FUNCTION ddcase_audit_value_check() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NOT EXISTS (
            SELECT 1 FROM audit_event e
            WHERE e.seq = NEW.seq AND e.chain = 'server'
              AND e.values_sha256 = encode(sha256(convert_to(
                  NEW.salt || ddcase_framed(NEW.before_json) || ddcase_framed(NEW.after_json),
                  'UTF8')), 'hex')
        ) THEN
            RAISE EXCEPTION 'permission denied for table audit_value (values must match their entry)'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER ddcase_audit_value_check BEFORE INSERT ON audit_value "
    "FOR EACH ROW EXECUTE FUNCTION ddcase_audit_value_check()",
]

# Hole 4: changes made outside ddcase. The tables whose rows make the figures and the record of care.
WATCHED = ("client", "episode", "contact", "definition_version")

# SQLite: ddcase's own connections have the function ddcase_session() (storage/database.py); on
# any other connection these triggers refuse the change (a missing function is refused too).
SQLITE_UP = [
    *(
        f"CREATE TRIGGER {table}_through_ddcase_{event.lower()} BEFORE {event} ON {table} "
        "WHEN ddcase_session() IS NOT 1 "
        "BEGIN SELECT RAISE(ABORT, 'changes to the log are made through ddcase'); END"
        for table in WATCHED
        for event in ("INSERT", "UPDATE", "DELETE")
        if (table, event) != ("definition_version", "UPDATE")
    ),
    # SPEC §2: past months do not move. A version is never changed in place, and one in force
    # (the first, or one a printed report was judged by) is never withdrawn.
    "CREATE TRIGGER definition_version_never_changed BEFORE UPDATE ON definition_version "
    "BEGIN SELECT RAISE(ABORT, 'a definition version is never changed in place'); END",
    "CREATE TRIGGER definition_version_in_force_kept BEFORE DELETE ON definition_version "
    "WHEN OLD.first_month IS NULL "
    "OR EXISTS (SELECT 1 FROM report_snapshot WHERE definition_version = OLD.number) "
    "BEGIN SELECT RAISE(ABORT, 'a definition version in force is never withdrawn'); END",
]

SQLITE_DOWN = [
    *(
        f"DROP TRIGGER IF EXISTS {table}_through_ddcase_{event.lower()}"
        for table in WATCHED
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
    "DROP TRIGGER IF EXISTS definition_version_never_changed",
    "DROP TRIGGER IF EXISTS definition_version_in_force_kept",
]

# PostgreSQL: at commit, a change in a transaction that wrote no audit entry of ddcase's own is
# recorded by the server in the trail: action "outside", the role, the values before and after.
POSTGRESQL_UP += [
    """
    CREATE OR REPLACE FUNCTION ddcase_outside_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        newest_action text;
        newest_mine boolean;
        old_json text;
        new_json text;
        salt text;
        ref text;
        new_seq integer;
    BEGIN
        SELECT action, (xmin::text::bigint = txid_current() % 4294967296)
          INTO newest_action, newest_mine
          FROM audit_event ORDER BY seq DESC LIMIT 1;
        IF newest_mine AND newest_action <> 'outside' THEN
            RETURN NULL;  -- ddcase's own transaction: it wrote its entry (under the chain's lock)
        END IF;
        IF TG_OP <> 'INSERT' THEN old_json := row_to_json(OLD)::text; END IF;
        IF TG_OP <> 'DELETE' THEN new_json := row_to_json(NEW)::text; END IF;
        IF TG_TABLE_NAME = 'client' THEN
            ref := coalesce(new_json::json->>'client_ref', old_json::json->>'client_ref');
        ELSIF TG_TABLE_NAME = 'definition_version' THEN
            ref := coalesce(new_json::json->>'number', old_json::json->>'number');
        ELSE
            SELECT client_ref INTO ref FROM client
             WHERE id = coalesce(new_json::json->>'client_id', old_json::json->>'client_id')::integer;
        END IF;
        salt := substr(md5(random()::text || clock_timestamp()::text), 1, 32);
        INSERT INTO audit_event (seq, at_utc, os_user, app_user, action, entity, entity_key,
                                 prev_hash, hash, values_sha256)
        VALUES (0, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'),
                'database', current_user, 'outside', TG_TABLE_NAME, ref, '', '',
                encode(sha256(convert_to(
                    salt || ddcase_framed(old_json) || ddcase_framed(new_json), 'UTF8')), 'hex'))
        RETURNING seq INTO new_seq;
        INSERT INTO audit_value (seq, salt, before_json, after_json)
        VALUES (new_seq, salt, old_json, new_json);
        RETURN NULL;
    END $$
    """,
    *(
        f"CREATE CONSTRAINT TRIGGER {table}_outside_change AFTER INSERT OR UPDATE OR DELETE "
        f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        "EXECUTE FUNCTION ddcase_outside_change()"
        for table in WATCHED
    ),
    """
    CREATE OR REPLACE FUNCTION ddcase_definition_kept() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION 'permission denied for table definition_version (a definition version is never changed in place)'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD.first_month IS NULL
           OR EXISTS (SELECT 1 FROM report_snapshot WHERE definition_version = OLD.number) THEN
            RAISE EXCEPTION 'permission denied for table definition_version (a definition version in force is never withdrawn)'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END $$
    """,
    "CREATE TRIGGER definition_version_kept BEFORE UPDATE OR DELETE ON definition_version "
    "FOR EACH ROW EXECUTE FUNCTION ddcase_definition_kept()",
]

POSTGRESQL_DOWN = [
    "DROP TRIGGER IF EXISTS definition_version_kept ON definition_version",
    "DROP FUNCTION IF EXISTS ddcase_definition_kept()",
    *(f"DROP TRIGGER IF EXISTS {table}_outside_change ON {table}" for table in WATCHED),
    "DROP FUNCTION IF EXISTS ddcase_outside_change()",
    "DROP TRIGGER IF EXISTS ddcase_audit_value_check ON audit_value",
    "DROP FUNCTION IF EXISTS ddcase_audit_value_check()",
    "DROP TRIGGER IF EXISTS ddcase_audit_chain ON audit_event",
    "DROP FUNCTION IF EXISTS ddcase_audit_chain()",
    "DROP FUNCTION IF EXISTS ddcase_framed(text)",
]


def upgrade() -> None:
    op.add_column(
        "audit_event", sa.Column("chain", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
    )
    op.add_column(
        "audit_event", sa.Column("signature", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
    )
    dialect = op.get_bind().dialect.name
    for statement in {"postgresql": POSTGRESQL_UP, "sqlite": SQLITE_UP}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in {"postgresql": POSTGRESQL_DOWN, "sqlite": SQLITE_DOWN}.get(dialect, []):
        op.execute(statement)
    op.execute("ALTER TABLE audit_event DROP COLUMN signature")  # in place: the guards stay
    op.execute("ALTER TABLE audit_event DROP COLUMN chain")
