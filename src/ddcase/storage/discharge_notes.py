"""Reading and writing what was said when an episode was ended while the other side was open
(`discharge_note`, issue 17), finding the clients with an episode ending in a range, and
`ending_histories`: what the discharge guard reads of all of them at once (issue 18)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Mapped, aliased
from sqlmodel import Session, col

from ddcase.domain import Contact, Episode
from ddcase.storage.driver import reader_of
from ddcase.storage.driver_values import (
    CONTACT_COLUMNS,
    SERVICES,
    Days,
    contact_of,
    driver_rows,
    worker_names,
)
from ddcase.storage.tables import ClientRow, ContactRow, DischargeNoteRow, EpisodeRow, OrganisationRow


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


# ---------------------------------------------------------------- the guard's batched read


@dataclass(frozen=True, slots=True)
class EndingHistories:
    """What the discharge guard reads of every client with an episode ending in a range that may
    be a guarded discharge, in a few queries whatever their number (`ending_histories`).

    `episodes`: by client id (in client id order), the client's episodes open on some day from
    the range's first day to the day after its last (all that the guard reads of a discharge
    ending in the range), in the order `repository.episodes_for` gives them. `reasons`: what was
    noted when each episode ending in the range was ended, by episode id (absent: no note)."""

    episodes: dict[int, list[Episode]]
    reasons: dict[int, str | None]


def _days_before(session: Session, day: Mapped[date | None], days: int) -> ColumnElement[Any]:
    """`day` less `days` days (more, when negative), as SQL: date arithmetic is each database's own."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(day, f"{-days:+d} days")  # ISO text, as SQLite keeps dates
    return day - days  # PostgreSQL: date - integer is a date


_CHUNK = 500
"""Ids asked for in one query (well under any database's limit on parameters)."""


def ending_histories(session: Session, first: date, last: date) -> EndingHistories:
    """See `EndingHistories`: the clients with an episode ending in `first`..`last` that may be
    a guarded discharge, and their episodes around then, read as plain rows: a few queries (the
    episodes asked for by client id, `_CHUNK` at a time)."""
    ending = and_(col(EpisodeRow.end_date) >= first, col(EpisodeRow.end_date) <= last)
    # Only the clients who may have a guarded discharge in the range (the rules decide): an
    # episode ending in it with no episode of its side starting the next day (a change of
    # worker) and one of the other side open on its end day. Most endings are changes of worker.
    ended, same, other = aliased(EpisodeRow), aliased(EpisodeRow), aliased(EpisodeRow)
    clients = (
        select(col(ended.client_id))
        .where(
            col(ended.end_date) >= first,
            col(ended.end_date) <= last,
            ~select(col(same.id))
            .where(
                col(same.client_id) == col(ended.client_id),
                col(same.service) == col(ended.service),
                col(same.start_date) == _days_before(session, col(ended.end_date), -1),
                or_(col(same.end_date).is_(None), col(same.end_date) >= col(same.start_date)),
            )
            .exists(),
            select(col(other.id))
            .where(
                col(other.client_id) == col(ended.client_id),
                col(other.service) != col(ended.service),
                col(other.start_date) <= col(ended.end_date),
                or_(col(other.end_date).is_(None), col(other.end_date) >= col(ended.end_date)),
            )
            .exists(),
        )
        .distinct()
    )
    refs: dict[int, str] = dict(
        driver_rows(
            session.connection(),
            select(col(ClientRow.id), col(ClientRow.client_ref)).where(col(ClientRow.id).in_(clients)),
        )
    )
    if not refs:
        return EndingHistories({}, {})
    after = last + timedelta(days=1)
    names = worker_names(reader_of(session))
    organisations = {
        id_: name for id_, name in session.execute(select(col(OrganisationRow.id), col(OrganisationRow.name)))
    }
    days = Days()
    episodes: dict[int, list[Episode]] = {}
    ids = sorted(refs)
    for start in range(0, len(ids), _CHUNK):  # the clients asked for by id: read once above
        for id_, client_id, service, organisation, team, worker, begun, end, version in driver_rows(
            session.connection(),
            select(
                col(EpisodeRow.id),
                col(EpisodeRow.client_id),
                col(EpisodeRow.service),
                col(EpisodeRow.organisation_id),
                col(EpisodeRow.team),
                col(EpisodeRow.worker_id),
                col(EpisodeRow.start_date),
                col(EpisodeRow.end_date),
                col(EpisodeRow.version),
            )
            .where(
                col(EpisodeRow.client_id).in_(ids[start : start + _CHUNK]),
                col(EpisodeRow.start_date) <= after,
                or_(col(EpisodeRow.end_date).is_(None), col(EpisodeRow.end_date) >= first),
            )
            .order_by(
                col(EpisodeRow.client_id),
                col(EpisodeRow.start_date),
                col(EpisodeRow.service),
                col(EpisodeRow.id),
            ),
        ):
            episodes.setdefault(client_id, []).append(
                Episode(
                    refs[client_id],
                    SERVICES[service],
                    organisations[organisation],
                    days[begun],
                    days[end],
                    team,
                    names[worker],
                    id_,
                    version,
                )
            )
    reasons = {
        episode_id: reason
        for episode_id, reason in session.execute(
            select(col(DischargeNoteRow.episode_id), col(DischargeNoteRow.reason))
            .join(EpisodeRow, col(EpisodeRow.id) == col(DischargeNoteRow.episode_id))
            .where(ending)
        )
    }
    return EndingHistories(episodes, reasons)


def contacts_before_ends(
    session: Session, episode_ids: Sequence[int], window_days: int, outcomes: Collection[str]
) -> dict[int, list[Contact]]:
    """By client id, the contacts with one of `outcomes` dated in the `window_days` days up to
    the end date of one of the (ended) episodes `episode_ids`, by date; read as plain rows."""
    names = worker_names(reader_of(session))
    days = Days()
    ended = aliased(EpisodeRow)
    contacts: dict[int, list[Contact]] = {}
    seen: set[int] = set()
    for start in range(0, len(episode_ids), _CHUNK):
        near = (
            select(
                *(col(getattr(ContactRow, name)) for name in CONTACT_COLUMNS),
                col(ClientRow.client_ref),
            )
            .join(ended, col(ended.client_id) == col(ContactRow.client_id))
            .join(ClientRow, col(ClientRow.id) == col(ContactRow.client_id))
            .where(
                col(ended.id).in_(list(episode_ids[start : start + _CHUNK])),
                col(ContactRow.date) <= col(ended.end_date),
                col(ContactRow.date) >= _days_before(session, col(ended.end_date), window_days - 1),
                col(ContactRow.outcome).in_(list(outcomes)),
            )
            .order_by(col(ContactRow.client_id), col(ContactRow.date), col(ContactRow.id))
        )
        for row in driver_rows(session.connection(), near):
            id_, client_id, ref = row[0], row[1], row[-1]
            if id_ in seen:  # near the ends of two of the client's episodes
                continue
            seen.add(id_)
            contacts.setdefault(client_id, []).append(contact_of(row[:-1], ref, names, days))
    return contacts
