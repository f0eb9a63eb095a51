"""PDSA cycles linked to measures (issue 16 item 6): the table `pdsa_cycle`. Only a new table:
the chart notes (`annotation`) stay as they are (docs/decisions.md says why).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 02:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "pdsa_cycle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team", text(length=80), nullable=False),
        sa.Column("title", text(length=120), nullable=False),
        sa.Column("plan", text(length=1000), nullable=True),
        sa.Column("prediction", text(length=1000), nullable=True),
        sa.Column("owner", text(length=80), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("measure_keys", text(length=1000), nullable=False),
        sa.Column("study", text(length=1000), nullable=True),
        sa.Column("act", text(length=1000), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_by", text(length=80), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pdsa_cycle")),
    )
    with op.batch_alter_table("pdsa_cycle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pdsa_cycle_start_on"), ["start_on"], unique=False)


def downgrade() -> None:
    op.drop_table("pdsa_cycle")
