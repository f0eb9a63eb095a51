"""A trail that cannot be quietly shortened, roles that hold (issue 14).

- `audit_event.chain`: how an entry's hash was made (NULL: SHA-256 by the app, as before;
  "hmac:<key id>": as before, and `signature` holds the hash's HMAC with a key kept outside
  the file, storage/witness.py; "server": by PostgreSQL). Only added columns: the table is not
  rebuilt, so its guard triggers stay.
- PostgreSQL: a trigger numbers and hashes every new entry itself (`ddcase_audit_chain`), so no
  role can append an entry that breaks the chain, whatever it sends; and a trigger refuses values
  that do not match their entry's digest (`ddcase_audit_value_check`).

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

POSTGRESQL_DOWN = [
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
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL_DOWN:
            op.execute(statement)
    op.execute("ALTER TABLE audit_event DROP COLUMN signature")  # in place: the guards stay
    op.execute("ALTER TABLE audit_event DROP COLUMN chain")
