"""The contact fingerprint's uniqueness as a unique index of the same name, `uq_contact_fingerprint`,
in place of the table's UNIQUE constraint.

Nothing that reads or writes contacts changes: the fingerprint stays unique, and
`INSERT ... ON CONFLICT (fingerprint)` works with a unique index as with a constraint (SQLite and
PostgreSQL). What changes is that an index can be dropped and made again: a first import into an
empty contact table (SQLite) drops it with the other contact indexes and builds it once after
the load, which is several times cheaper than keeping a random 64-character key up to date for
each of a million rows (docs/performance.md).

`ix_contact_date` goes: `ix_contact_figures` starts with the date, so every query that could use
the one uses the other, and a first import no longer builds a sixth index (about 0.7 s of a
trust's import), nor does every contact saved keep it up to date.

SQLite cannot drop a table constraint, so the table is rebuilt (Alembic's batch mode: a copy with
the same columns, keys, foreign keys and indexes, then a rename; foreign keys are off during
migrations, storage/migrations.py). No table refers to the contact table. A trust-sized file
(a million contacts) takes about 9 s on the 2-core build machine, once. PostgreSQL drops the constraint and creates the
index.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 13:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "uq_contact_fingerprint"
DATE_INDEX = "ix_contact_date"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("contact", recreate="always") as batch_op:
            batch_op.drop_constraint(NAME, type_="unique")
            batch_op.create_index(NAME, ["fingerprint"], unique=True)
            batch_op.drop_index(DATE_INDEX)
    else:
        op.drop_constraint(NAME, "contact", type_="unique")
        op.create_index(NAME, "contact", ["fingerprint"], unique=True)
        op.drop_index(DATE_INDEX, table_name="contact")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("contact", recreate="always") as batch_op:
            batch_op.drop_index(NAME)
            batch_op.create_unique_constraint(NAME, ["fingerprint"])
            batch_op.create_index(DATE_INDEX, ["date"])
    else:
        op.drop_index(NAME, table_name="contact")
        op.create_unique_constraint(NAME, "contact", ["fingerprint"])
        op.create_index(DATE_INDEX, "contact", ["date"])
