"""`repository.insert_new` writes its rows straight through the driver (`insert_tuples`, the
episodes as tuples with the version and time stamp converted once for all of them): every column
is stored as SQLAlchemy's Core insert stores the same values (same value, same storage class on
SQLite), on SQLite and PostgreSQL, and the organisations get their ids in the order the records
first name them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import insert, select, text
from sqlmodel import Session

from ddcase.domain import Client, Episode, Service, Worker
from ddcase.storage import repository
from ddcase.storage.database import Stamp
from ddcase.storage.migrations import migrate
from ddcase.storage.tables import EpisodeRow, OrganisationRow, table_of

MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE
STAMP: Stamp = {
    "updated_at": datetime(2026, 11, 22, 10, 42, 7, 123456, tzinfo=UTC),
    "updated_by": "Dan O'Neil",
}

WORKERS = [
    Worker(name="Ann Lee", organisation="Riverside Trust", service=MH),
    Worker(name="Bo Chan", organisation="Harbour Recovery", service=SM),
]
CLIENTS = [Client(client_ref=f"C{n}", initials="AB") for n in range(1, 5)]
EPISODES = [
    Episode("C1", MH, "Riverside Trust", date(2024, 1, 2), None, "North", "Ann Lee"),
    Episode("C1", SM, "Harbour Recovery", date(2024, 1, 2), date(2024, 6, 30), None, "Bo Chan"),
    Episode("C2", SM, "Quayside Services", date(2023, 12, 31), date(2024, 1, 2), "South", None),
    Episode("C3", MH, "Hillview Trust", date(2024, 1, 2), None, None, None),
    Episode("C4", SM, "Quayside Services", date(2025, 2, 28), date(2025, 2, 28), "South", "Bo Chan"),
    Episode("C4", MH, "Riverside Trust", date(2020, 2, 29), None, "North", "Ann Lee"),
]

_COLUMNS = [c.name for c in table_of(EpisodeRow).c if c.name != "id"]


def _stored(session: Session, ids: list[int]) -> list[tuple[object, ...]]:
    table = table_of(EpisodeRow)
    rows = session.execute(
        select(*(table.c[name] for name in _COLUMNS)).where(table.c.id.in_(ids)).order_by(table.c.id)
    )
    found = [tuple(row) for row in rows]
    if session.get_bind().dialect.name == "sqlite":  # the storage class too: 'text' is not 'integer'
        types = ", ".join(f"typeof({name})" for name in _COLUMNS)
        id_list = ", ".join(str(i) for i in ids)
        kinds = session.execute(
            text(f"SELECT {types} FROM episode WHERE id IN ({id_list}) ORDER BY id")
        ).all()
        found = [(*row, *kind) for row, kind in zip(found, kinds, strict=True)]
    return found


def test_episodes_are_stored_as_the_core_insert_stores_them(engine):
    migrate(engine)
    with Session(engine) as session, session.begin():
        repository.insert_new(session, WORKERS, CLIENTS, EPISODES, [], stamp=STAMP)
        written = [row.id for row in session.scalars(select(EpisodeRow).order_by(EpisodeRow.id))]
        organisations = {
            row.name: row.id for row in session.scalars(select(OrganisationRow).order_by(OrganisationRow.id))
        }
        # The same episodes again through SQLAlchemy's Core insert (a day later each, as the
        # episode's unique key holds the start date), to compare column by column.
        clients, workers = repository.client_ids(session), repository.worker_ids(session)
        core = [
            {
                "client_id": clients[e.client_ref],
                "service": e.service.value,
                "organisation_id": organisations[e.organisation],
                "team": e.team,
                "worker_id": workers[(e.service.value, e.worker)] if e.worker else None,
                "start_date": e.start_date.replace(year=e.start_date.year - 1, day=1),
                "end_date": e.end_date,
                "version": 1,
                **STAMP,
            }
            for e in EPISODES
        ]
        session.execute(insert(table_of(EpisodeRow)), core)
        every = [row.id for row in session.scalars(select(EpisodeRow).order_by(EpisodeRow.id))]
        by_core = [i for i in every if i not in written]
        start = _COLUMNS.index("start_date")
        ours = _stored(session, written)
        theirs = _stored(session, by_core)
        assert len(ours) == len(EPISODES) == len(theirs)
        for mine, core_row, episode in zip(ours, theirs, EPISODES, strict=True):
            assert mine[start] == episode.start_date
            assert mine[:start] + mine[start + 1 :] == core_row[:start] + core_row[start + 1 :]
    # Organisations in the order first named: the workers', then the episodes'.
    assert list(organisations) == [
        "Riverside Trust",
        "Harbour Recovery",
        "Quayside Services",
        "Hillview Trust",
    ]
    assert list(organisations.values()) == sorted(organisations.values())
