"""A covering index for the monthly figures: the contacts of a date range with the columns the
rules read (docs/performance.md), so a month's counting contacts come from one index range scan
instead of a table look-up per contact.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 08:05:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_contact_counting", "contact", ["date", "outcome", "kind", "mode", "client_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_contact_counting", table_name="contact")
