"""Reading and writing what was said when an episode was ended while the other side was open
(`discharge_note`, issue 17), finding the clients with an episode ending in a range, and
`ending_histories`: what the discharge guard reads of all of them at once (issue 18)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from ddcase.domain import Contact, EpisodeLine
from ddcase.storage.driver import Reader, in_list, reader_of
from ddcase.storage.driver_values import (
    CONTACT_COLUMNS,
    SERVICES,
    Days,
    contact_of,
    worker_names,
)
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


# ---------------------------------------------------------------- the guard's batched read


@dataclass(frozen=True, slots=True)
class EndingHistories:
    """What the discharge guard reads of every client with an episode ending in a range that may
    be a guarded discharge, in a few queries whatever their number (`ending_histories`).

    `episodes`: by client id (in client id order), the client's episodes open on some day from
    the range's first day to the day after its last (all that the guard reads of a discharge
    ending in the range), in the order `repository.episodes_for` gives them, as plain tuples (the
    guard makes an `Episode` only of those it finds discharges). `reasons`: what was
    noted when each episode ending in the range was ended, by episode id (absent: no note)."""

    episodes: dict[int, list[EpisodeLine]]
    reasons: dict[int, str | None]


_WINDOW = "{e}start_date <= ? AND ({e}end_date IS NULL OR {e}end_date >= ?)"
"""An episode open on some day from a first day to a last (the parameters), as SQL."""


def ending_histories(source: Session | Reader, first: date, last: date) -> EndingHistories:
    """See `EndingHistories`: the clients with an episode ending in `first`..`last` that may be
    a guarded discharge, and their episodes around then, read as plain rows in one query (and
    the names and notes in three small ones).

    Only the clients who may have a guarded discharge in the range are read (the rules decide):
    an episode ending in it with no valid episode of its side starting the day after (a change
    of worker: most endings are one) and one of the other side open on its end day. The endings
    are found by their end date (`ix_episode_overlap`); both questions are then asked of the
    episode index by client, service and dates (`ix_episode_client`, revision 0014) without
    reading the table: the day after's start is one look-up, the other side's open episode a
    few entries. Every episode the guard reads of such an ending is open from `first` to the
    day after `last`."""
    reader = reader_of(source)
    after = last + timedelta(days=1)
    rows = reader.rows(
        f"""
        WITH guarded AS (
            SELECT DISTINCT ended.client_id FROM episode ended
            WHERE ended.end_date >= ? AND ended.end_date <= ?
              AND NOT EXISTS (
                  SELECT 1 FROM episode later
                  WHERE later.client_id = ended.client_id AND later.service = ended.service
                    AND later.start_date = {reader.plus_days("ended.end_date", 1)}
                    AND (later.end_date IS NULL OR later.end_date >= later.start_date))
              AND EXISTS (
                  SELECT 1 FROM episode other
                  WHERE other.client_id = ended.client_id AND other.service <> ended.service
                    AND other.start_date <= ended.end_date
                    AND (other.end_date IS NULL OR other.end_date >= ended.end_date))
        )
        SELECT e.id, e.client_id, e.service, e.organisation_id, e.team, e.worker_id, e.start_date,
               e.end_date, e.version, client.client_ref
        FROM episode e JOIN client ON client.id = e.client_id
        WHERE e.client_id IN (SELECT client_id FROM guarded) AND {_WINDOW.format(e="e.")}
        ORDER BY e.client_id, e.start_date, e.service, e.id
        """,
        [first, last, after, first],
    )
    if not rows:
        return EndingHistories({}, {})
    names = worker_names(reader)
    organisations = dict(reader.rows("SELECT id, name FROM organisation"))
    days = Days()
    episodes: dict[int, list[EpisodeLine]] = {}
    # The rows come by client: each client's list is made once, not looked up for each row.
    client: int | None = None
    found: list[EpisodeLine] = []
    for id_, client_id, service, organisation, team, worker, begun, end, version, ref in rows:
        if client_id != client:
            client = client_id
            found = episodes[client_id] = []
        found.append(
            EpisodeLine(
                ref,
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
    reasons: dict[int, str | None] = dict(
        reader.rows(
            "SELECT discharge_note.episode_id, discharge_note.reason FROM discharge_note"
            " JOIN episode ON episode.id = discharge_note.episode_id"
            " WHERE episode.end_date >= ? AND episode.end_date <= ?",
            [first, last],
        )
    )
    return EndingHistories(episodes, reasons)


def contacts_before_ends(
    source: Session | Reader,
    episode_ids: Collection[int],
    window_days: int,
    outcomes: Collection[str],
    modes: Collection[str],
) -> dict[int, list[Contact]]:
    """By episode id, the contacts with one of `outcomes` and `modes` dated in the `window_days`
    days up to the end date of each of the (ended) episodes `episode_ids`, by date: one query,
    read as plain rows (a contact near the ends of two episodes is one value in both lists)."""
    if not episode_ids:
        return {}
    reader = reader_of(source)
    names = worker_names(reader)
    days = Days()
    among, params = reader.among("e.id", set(episode_ids))
    outcome_in, outcome_params = in_list("c.outcome", sorted(outcomes))
    mode_in, mode_params = in_list("c.mode", sorted(modes))
    columns = ", ".join(f"c.{name}" for name in CONTACT_COLUMNS)
    contacts: dict[int, list[Contact]] = {}
    made: dict[int, Contact] = {}
    for row in reader.rows(
        f"""
        SELECT e.id, {columns}, client.client_ref
        FROM episode e
        JOIN contact c ON c.client_id = e.client_id
        JOIN client ON client.id = e.client_id
        WHERE {among} AND {outcome_in} AND {mode_in}
          AND c.date <= e.end_date AND c.date >= {reader.plus_days("e.end_date", 1 - window_days)}
        ORDER BY e.id, c.date, c.id
        """,
        [*params, *outcome_params, *mode_params],
    ):
        contact = made.get(row[1])
        if contact is None:
            contact = made[row[1]] = contact_of(row[1:-1], row[-1], names, days)
        contacts.setdefault(row[0], []).append(contact)
    return contacts
