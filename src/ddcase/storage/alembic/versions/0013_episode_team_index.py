"""An index of the episodes by team (`ix_episode_team`: team, end date, start date, client), so
that one team's figures find the team's clients without reading the whole trust's episodes.

A team's month or chart reads only the clients with an episode of the team overlapping its
months (SPEC §1: the only ones who can count for it). Before this revision that choice was made
by walking every episode overlapping the range (`ix_episode_overlap`, led by the end date) and
keeping the team's: a cost that grows with the trust, not the team. Led by the team, then the end
date, the team's open episodes and those ended within or after the range are two short runs,
with the client in the index.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 19:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_episode_team", "episode", ["team", "end_date", "start_date", "client_id"])


def downgrade() -> None:
    op.drop_index("ix_episode_team", table_name="episode")
