"""Audit values apart from the chain: `audit_value` holds what an entry recorded (before and
after, with a random salt), and `audit_event.values_sha256` their salted digest, which the hash
chain covers instead of the values. A purge can then remove a client's old values from the trail
(recording which entries it redacted) and `ddcase check` still verifies the chain.

No foreign key to audit_event: `ddcase check` pairs values with entries itself (and names values
that belong to no entry), and the trail stays checkable when someone has tampered with either.
Only additions: no table is rebuilt, so the append-only triggers of 0002 stay in place.
Entries written before this revision keep their values inline and cannot be redacted.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "audit_event", sa.Column("values_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
    )
    op.create_table(
        "audit_value",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("salt", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("before_json", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("after_json", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
    )


def downgrade() -> None:
    op.drop_table("audit_value")
    # Not a batch rebuild, which would drop the append-only triggers (SQLite 3.35+ and
    # PostgreSQL drop a column in place).
    op.execute("ALTER TABLE audit_event DROP COLUMN values_sha256")
