"""Reading and writing what was said when an episode was ended while the other side was open
(`discharge_note`, issue 17), and finding the clients with an episode ending in a range."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlmodel import Session, col

from ddcase.storage.tables import DischargeNoteRow, EpisodeRow


def ended_on(session: Session, episode_id: int) -> date | None:
    """The end date an episode has in the log now (None: open, or not stored yet)."""
    row = session.get(EpisodeRow, episode_id)
    return None if row is None else row.end_date


def new_note(episode_id: int, reason: str | None) -> DischargeNoteRow:
    return DischargeNoteRow(episode_id=episode_id, reason=reason)


def note_row(session: Session, episode_id: int) -> DischargeNoteRow | None:
    return session.scalars(
        select(DischargeNoteRow).where(col(DischargeNoteRow.episode_id) == episode_id)
    ).first()


def reasons(session: Session, episode_ids: Collection[int]) -> dict[int, str | None]:
    """The reason noted for each of the episodes that has a note (None: ended without one)."""
    if not episode_ids:
        return {}
    rows = session.execute(
        select(col(DischargeNoteRow.episode_id), col(DischargeNoteRow.reason)).where(
            col(DischargeNoteRow.episode_id).in_(list(episode_ids))
        )
    )
    return {episode_id: reason for episode_id, reason in rows}


def clients_with_endings(session: Session, first: date, last: date) -> list[int]:
    """The ids of the clients with an episode ending in `first`..`last`."""
    return list(
        session.scalars(
            select(col(EpisodeRow.client_id))
            .where(col(EpisodeRow.end_date) >= first, col(EpisodeRow.end_date) <= last)
            .distinct()
            .order_by(col(EpisodeRow.client_id))
        )
    )


def all_notes(session: Session) -> list[tuple[int, str | None]]:
    """Every note: (episode id, reason)."""
    return [
        (e, r)
        for e, r in session.execute(select(col(DischargeNoteRow.episode_id), col(DischargeNoteRow.reason)))
    ]
