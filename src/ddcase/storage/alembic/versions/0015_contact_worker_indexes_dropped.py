"""The contact table's two worker indexes (`ix_contact_mh_worker_id`, `ix_contact_sm_worker_id`)
dropped: no read of the figures, the series, the summary, the report, a client's history or the
team load uses them (SQLite's query plans, issue 18's ninth round); they served only "is this
worker named anywhere?" (`records.times_named`) and the foreign key checks of a worker's
deletion, both rare, which now read the contact table through (about 0.1 s each for a trust's
million contacts). A first import builds each after its load (about 0.3-0.4 s of the importing
thread each), and every later import and every contact saved keeps both up to date.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 23:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_contact_mh_worker_id", table_name="contact")
    op.drop_index("ix_contact_sm_worker_id", table_name="contact")


def downgrade() -> None:
    op.create_index("ix_contact_sm_worker_id", "contact", ["sm_worker_id"])
    op.create_index("ix_contact_mh_worker_id", "contact", ["mh_worker_id"])
