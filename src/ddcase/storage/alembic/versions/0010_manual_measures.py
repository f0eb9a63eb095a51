"""Measures a team enters by hand (issue 16, SPEC §6 `manual:SLUG`): `manual_measure` (what is
measured, its unit, direction, aim, owner and data source) and `manual_measure_value` (one row
per measure and month). Only new tables: nothing that exists is touched.

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-05 23:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "manual_measure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", text(length=40), nullable=False),
        sa.Column("name", text(length=120), nullable=False),
        sa.Column("type", text(length=20), nullable=False),
        sa.Column("unit", text(length=20), nullable=False),
        sa.Column("better", text(length=10), nullable=False),
        sa.Column("aim", sa.Float(), nullable=True),
        sa.Column("aim_by", text(length=7), nullable=True),
        sa.Column("owner", text(length=80), nullable=True),
        sa.Column("data_source", text(length=200), nullable=True),
        sa.Column("team", text(length=80), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_by", text(length=80), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manual_measure")),
        sa.UniqueConstraint("slug", name=op.f("uq_manual_measure_slug")),
    )
    op.create_table(
        "manual_measure_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("month", text(length=7), nullable=False),
        sa.Column("numerator", sa.Integer(), nullable=True),
        sa.Column("denominator", sa.Integer(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_by", text(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["manual_measure.id"],
            name=op.f("fk_manual_measure_value_measure_id_manual_measure"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manual_measure_value")),
        sa.UniqueConstraint("measure_id", "month", name="uq_manual_measure_value_month"),
    )
    with op.batch_alter_table("manual_measure_value", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_manual_measure_value_measure_id"), ["measure_id"], unique=False)


def downgrade() -> None:
    op.drop_table("manual_measure_value")
    op.drop_table("manual_measure")
