"""The day a worker left the team (issue 15): `worker.left_on`, optional. A worker who has left
is kept, with every record naming them, for the history and the figures; the pickers no longer
offer them from that day on.

Only an added column: the table is not rebuilt, so any trigger on it stays in place.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-05 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("worker", sa.Column("left_on", sa.Date(), nullable=True))


def downgrade() -> None:
    # Not a batch rebuild, which would drop any trigger on the table (SQLite 3.35+ and
    # PostgreSQL drop a column in place).
    op.execute("ALTER TABLE worker DROP COLUMN left_on")
