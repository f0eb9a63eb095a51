"""An index that holds everything the figures read from an episode, led by its end date, in
place of `ix_episode_dates` (start date, end date).

The figures ask for the episodes overlapping a range: started by its last day and not ended before
its first. Almost every episode of a five-year log starts before any recent month, so an index led
by the start date narrows nothing; led by the end date, the open episodes and those ended within
or after the range are two short runs of the index, and with the other columns the rules read
(client, id, service, provider, team, worker, version) in it, no table row is read.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 12:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = [
    "end_date",
    "start_date",
    "client_id",
    "id",
    "service",
    "organisation_id",
    "team",
    "worker_id",
    "version",
]


def upgrade() -> None:
    op.create_index("ix_episode_overlap", "episode", COLUMNS)
    op.drop_index("ix_episode_dates", table_name="episode")


def downgrade() -> None:
    op.create_index("ix_episode_dates", "episode", ["start_date", "end_date"])
    op.drop_index("ix_episode_overlap", table_name="episode")
