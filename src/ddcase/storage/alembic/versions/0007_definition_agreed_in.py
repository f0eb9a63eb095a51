"""When and where the team agreed a definition version, in their words ("team meeting 3 Dec"):
`definition_version.agreed_in`, optional, so the versions agreed before it stay as they were.

Only an added column: the table is not rebuilt, so any trigger on it stays in place.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "definition_version",
        sa.Column("agreed_in", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    )


def downgrade() -> None:
    # Not a batch rebuild, which would drop any trigger on the table (SQLite 3.35+ and
    # PostgreSQL drop a column in place).
    op.execute("ALTER TABLE definition_version DROP COLUMN agreed_in")
