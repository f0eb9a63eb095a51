"""Two indexes led by the client that hold the columns their queries read, each in place of one
that held only the client (and the date): no index is added.

- `ix_contact_client` (client, date, outcome, kind, mode) replaces `ix_contact_client_date`
  (client, date). The figures' contacts of a set of clients (the series, one team's month) are
  read from the index alone, without a table row per contact; every query that went through the
  old index (a client's contacts, the caseload, contacts before an ending, purge, check, a
  team's copy) goes through the new one by its first two columns.
- `ix_episode_client` (client, service, start date, end date) replaces `ix_episode_client_id`
  (client; the foreign key's index). The discharges' question "is one of the other side open on
  this day?" is answered from the index alone; the foreign key (ON DELETE CASCADE) is still
  served by an index led by the client.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 04:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_contact_client", "contact", ["client_id", "date", "outcome", "kind", "mode"])
    op.drop_index("ix_contact_client_date", table_name="contact")
    op.create_index("ix_episode_client", "episode", ["client_id", "service", "start_date", "end_date"])
    op.drop_index("ix_episode_client_id", table_name="episode")


def downgrade() -> None:
    op.create_index("ix_episode_client_id", "episode", ["client_id"])
    op.drop_index("ix_episode_client", table_name="episode")
    op.create_index("ix_contact_client_date", "contact", ["client_id", "date"])
    op.drop_index("ix_contact_client", table_name="contact")
