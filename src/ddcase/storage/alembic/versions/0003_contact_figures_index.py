"""An index that holds everything the month's figures read from a contact (its date, client,
outcome, kind and mode), so a trust-sized team database answers from the index alone
(benchmarks/pg_figures.py) instead of reading contacts scattered across the table.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 08:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_contact_figures", "contact", ["date", "client_id", "outcome", "kind", "mode"])


def downgrade() -> None:
    op.drop_index("ix_contact_figures", table_name="contact")
