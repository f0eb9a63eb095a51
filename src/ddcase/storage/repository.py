"""Rows <-> domain values, and the queries the services reuse. Sessions come from the caller
(`Database.read()` / `Database.write()`); nothing here commits. (No `from __future__ import
annotations` here: the function `annotations` below would shadow it for type checkers.)"""

import itertools
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, Table, or_, select, text
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from ddcase.domain import (
    Annotation,
    Client,
    ClientHistory,
    Contact,
    ContactKind,
    ContactMode,
    Definition,
    Episode,
    MeasureSettings,
    Month,
    Outcome,
    ReferralRoute,
    Role,
    Service,
    Worker,
)
from ddcase.domain.fingerprint import contact_fingerprint as contact_fingerprint
from ddcase.domain.fingerprint import fingerprint_of as fingerprint_of
from ddcase.storage import driver_values
from ddcase.storage.database import Stamp
from ddcase.storage.driver import reader_of
from ddcase.storage.driver_values import (
    CLIENT_COLUMNS,
    DEFINITION_COLUMNS,
    ROUTES,
    Days,
    client_of,
    driver_rows,
)

# The figures' read side (figures_read.py) and the printed figures (printed_figures.py) moved
# out of this file (issue 13 item 3); their names stay here for the code of branches merging now.
from ddcase.storage.figures_read import figure_facts as figure_facts
from ddcase.storage.figures_read import histories as histories
from ddcase.storage.figures_read import month_facts as month_facts
from ddcase.storage.printed_figures import PrintedFigures as PrintedFigures
from ddcase.storage.printed_figures import add_printed_figures as add_printed_figures
from ddcase.storage.printed_figures import printed_figures as printed_figures
from ddcase.storage.tables import (
    AnnotationRow,
    ClientRow,
    ContactRow,
    DefinitionRow,
    EpisodeRow,
    MeasureSettingsRow,
    OrganisationRow,
    SettingRow,
    WorkerRow,
    table_of,
)

# ---------------------------------------------------------------- organisations and workers


def organisation_ids(session: Session) -> dict[str, int]:
    return {
        name: id_ for id_, name in session.execute(select(col(OrganisationRow.id), col(OrganisationRow.name)))
    }


def organisation_id(
    session: Session, name: str, service: Service, cache: dict[str, int] | None = None
) -> int:
    """The organisation's id, creating it on first use."""
    if cache is not None and name in cache:
        return cache[name]
    row = session.scalars(select(OrganisationRow).where(col(OrganisationRow.name) == name)).first()
    if row is None:
        row = OrganisationRow(name=name, service=service.value)
        session.add(row)
        session.flush()
    assert row.id is not None
    if cache is not None:
        cache[name] = row.id
    return row.id


def organisations(session: Session, service: Service | None = None) -> list[str]:
    query = select(col(OrganisationRow.name)).order_by(col(OrganisationRow.name))
    if service is not None:
        query = query.where(col(OrganisationRow.service) == service.value)
    return list(session.scalars(query))


def worker_value(row: WorkerRow, organisation: str) -> Worker:
    return Worker(
        name=row.name,
        organisation=organisation,
        service=Service(row.service),
        role=Role(row.role) if row.role else None,
        email=row.email,
        phone=row.phone,
        id=row.id,
        version=row.version,
        left_on=row.left_on,
    )


def workers(session: Session) -> list[Worker]:
    rows = session.execute(
        select(WorkerRow, col(OrganisationRow.name))
        .join(OrganisationRow, col(WorkerRow.organisation_id) == col(OrganisationRow.id))
        .order_by(col(WorkerRow.service), col(WorkerRow.name))
    )
    return [worker_value(w, org) for w, org in rows]


def worker_ids(session: Session) -> dict[tuple[str, str], int]:
    """(service, name) -> id for every worker."""
    return {
        (service, name): id_
        for id_, service, name in session.execute(
            select(col(WorkerRow.id), col(WorkerRow.service), col(WorkerRow.name))
        )
    }


def worker_row(session: Session, service: Service, name: str) -> WorkerRow | None:
    return session.scalars(
        select(WorkerRow).where(col(WorkerRow.service) == service.value, col(WorkerRow.name) == name)
    ).first()


def caseload_rows(session: Session, worker_id: int, day: date) -> list[tuple[EpisodeRow, str]]:
    """A worker's episodes open on `day` or starting later, each with its client's reference,
    in the order they were recorded."""
    query = (
        select(EpisodeRow, col(ClientRow.client_ref))
        .join(ClientRow, col(EpisodeRow.client_id) == col(ClientRow.id))
        .where(
            col(EpisodeRow.worker_id) == worker_id,
            or_(col(EpisodeRow.end_date).is_(None), col(EpisodeRow.end_date) >= day),
        )
        .order_by(col(EpisodeRow.id))
    )
    return [(row, ref) for row, ref in session.execute(query)]


def episode_starts_on(session: Session, like: EpisodeRow, day: date) -> bool:
    """Whether the client has an episode with the same side and organisation as `like` starting
    on `day` (an episode is unique by client, side, organisation and start)."""
    return (
        session.scalars(
            select(col(EpisodeRow.id)).where(
                col(EpisodeRow.client_id) == like.client_id,
                col(EpisodeRow.service) == like.service,
                col(EpisodeRow.organisation_id) == like.organisation_id,
                col(EpisodeRow.start_date) == day,
            )
        ).first()
        is not None
    )


# ---------------------------------------------------------------- clients


def client_value(row: ClientRow) -> Client:
    return Client(
        client_ref=row.client_ref,
        initials=row.initials,
        nhs_number=row.nhs_number,
        date_of_birth=row.date_of_birth,
        ethnicity=row.ethnicity,
        referral_route=ReferralRoute(row.referral_route) if row.referral_route else None,
        consent_to_share_on=row.consent_to_share_on,
        id=row.id,
        version=row.version,
    )


def client_row(session: Session, client_ref: str) -> ClientRow | None:
    return session.scalars(select(ClientRow).where(col(ClientRow.client_ref) == client_ref)).first()


def client_ids(session: Session) -> dict[str, int]:
    return {ref: id_ for id_, ref in session.execute(select(col(ClientRow.id), col(ClientRow.client_ref)))}


def clients(session: Session, refs: Collection[str] | None = None) -> list[Client]:
    """Every client by reference, or only those with the references given (in one statement,
    however many)."""
    if refs is None:
        # The whole caseload (20,000 clients in a trust): plain driver rows, each distinct date
        # parsed once, rather than an ORM entity and SQLAlchemy's date parsing per row.
        days = Days()
        rows = driver_rows(session.connection(), select(*_CLIENT).order_by(col(ClientRow.client_ref)))
        return [
            Client(
                ref,
                initials,
                nhs,
                days[born],
                ethnicity,
                ROUTES[route] if route else None,
                days[consent],
                id_,
                version,
            )  # fmt: skip
            for ref, initials, nhs, born, ethnicity, route, consent, id_, version in rows
        ]
    wanted = set(refs)
    if not wanted:
        return []
    # One statement, the references as one value (`Reader.among_texts`), plain driver rows, each
    # distinct date parsed once: the meeting PDF reads the month's 3,500 mutual clients of a
    # trust for its completeness table (issue 18; it was 13 statements of 500 bound values,
    # each built and compiled by SQLAlchemy, and a row at a time).
    reader = reader_of(session)
    among, params = reader.among_texts("client.client_ref", wanted)
    days = Days()
    found = [
        client_of(row, days) for row in reader.rows(f"SELECT {_CLIENT_SQL} FROM client WHERE {among}", params)
    ]
    found.sort(key=lambda c: c.client_ref)
    return found


_CLIENT = [col(getattr(ClientRow, name)) for name in CLIENT_COLUMNS]
_CLIENT_SQL = ", ".join(f"client.{name}" for name in CLIENT_COLUMNS)


def client_names(session: Session) -> list[tuple[str, str]]:
    """(client_ref, initials) of every client, by reference as `clients` orders them: all the
    caseload table shows of a client (issue 18: at five trusts, 100,000 `Client` values with
    their dates parsed cost more than the table's own rows)."""
    statement = select(col(ClientRow.client_ref), col(ClientRow.initials)).order_by(col(ClientRow.client_ref))
    return driver_rows(session.connection(), statement)


def nhs_numbers(session: Session) -> list[tuple[str, str]]:
    """(nhs_number, client_ref) of every client with an NHS number (the duplicate warning)."""
    statement = select(col(ClientRow.nhs_number), col(ClientRow.client_ref)).where(
        col(ClientRow.nhs_number).is_not(None)
    )
    return [(str(row[0]), row[1]) for row in session.connection().execute(statement)]  # none is None


#: A client's columns as plain rows (`client_of`), in the order of Client's fields.


def apply_client(row: ClientRow, client: Client) -> None:
    row.client_ref = client.client_ref
    row.initials = client.initials
    row.nhs_number = client.nhs_number
    row.date_of_birth = client.date_of_birth
    row.ethnicity = client.ethnicity
    row.referral_route = client.referral_route.value if client.referral_route else None
    row.consent_to_share_on = client.consent_to_share_on


# ---------------------------------------------------------------- episodes

_MhWorker = aliased(WorkerRow)


def _episode_query() -> Select[EpisodeRow, str, str, str]:
    return (
        select(EpisodeRow, col(ClientRow.client_ref), col(OrganisationRow.name), col(WorkerRow.name))
        .join(ClientRow, col(EpisodeRow.client_id) == col(ClientRow.id))
        .join(OrganisationRow, col(EpisodeRow.organisation_id) == col(OrganisationRow.id))
        .outerjoin(WorkerRow, col(EpisodeRow.worker_id) == col(WorkerRow.id))
    )


def episode_value(row: EpisodeRow, client_ref: str, organisation: str, worker: str | None) -> Episode:
    return Episode(
        client_ref=client_ref,
        service=Service(row.service),
        organisation=organisation,
        start_date=row.start_date,
        end_date=row.end_date,
        team=row.team,
        worker=worker,
        id=row.id,
        version=row.version,
    )


def episodes_for(session: Session, client_id: int) -> list[Episode]:
    rows = session.execute(
        _episode_query()
        .where(col(EpisodeRow.client_id) == client_id)
        .order_by(col(EpisodeRow.start_date), col(EpisodeRow.service))
    )
    return [episode_value(*r) for r in rows]


def episode_of(session: Session, episode_id: int) -> Episode:
    """One episode by id, as `episodes_for` gives it (a save reads back only what it stored)."""
    return episode_value(*session.execute(_episode_query().where(col(EpisodeRow.id) == episode_id)).one())


def all_episodes(session: Session) -> list[Episode]:
    rows = session.execute(
        _episode_query().order_by(
            col(ClientRow.client_ref), col(EpisodeRow.service), col(EpisodeRow.start_date)
        )
    )
    return [episode_value(*r) for r in rows]


# The teams named on mental-health episodes, in order. A DISTINCT over the episodes reads every
# one of them (0.05-0.08 s at trust scale, paid by every page, report and summary that lists the
# teams); this walks ix_episode_team from one team to the next (one index look-up a team, on SQLite
# and PostgreSQL alike) and keeps a team when a mental-health episode names it.
_TEAMS = text(
    """
    WITH RECURSIVE named(team) AS (
        SELECT MIN(team) FROM episode
        UNION ALL
        SELECT (SELECT MIN(e.team) FROM episode e WHERE e.team > named.team)
        FROM named WHERE named.team IS NOT NULL
    )
    SELECT named.team FROM named
    WHERE named.team IS NOT NULL
      AND EXISTS (SELECT 1 FROM episode e WHERE e.team = named.team AND e.service = :service)
    ORDER BY named.team
    """
)


def teams(session: Session) -> list[str]:
    return list(session.scalars(_TEAMS, {"service": Service.MENTAL_HEALTH.value}))


# ---------------------------------------------------------------- contacts

_SmWorker = aliased(WorkerRow)


def _contact_query() -> Select[ContactRow, str, str, str]:
    return (
        select(ContactRow, col(ClientRow.client_ref), col(_MhWorker.name), col(_SmWorker.name))
        .join(ClientRow, col(ContactRow.client_id) == col(ClientRow.id))
        .outerjoin(_MhWorker, col(ContactRow.mh_worker_id) == col(_MhWorker.id))
        .outerjoin(_SmWorker, col(ContactRow.sm_worker_id) == col(_SmWorker.id))
    )


def contact_value(row: ContactRow, client_ref: str, mh: str | None, sm: str | None) -> Contact:
    return Contact(
        client_ref=client_ref,
        date=row.date,
        kind=ContactKind(row.kind),
        mode=ContactMode(row.mode),
        outcome=Outcome(row.outcome),
        mh_worker=mh,
        sm_worker=sm,
        client_present=row.client_present,
        duration_minutes=row.duration_minutes,
        note=row.note,
        id=row.id,
        version=row.version,
    )


def contacts_for(session: Session, client_id: int) -> list[Contact]:
    rows = session.execute(
        _contact_query()
        .where(col(ContactRow.client_id) == client_id)
        .order_by(col(ContactRow.date).desc(), col(ContactRow.id))
    )
    return [contact_value(*r) for r in rows]


def contact_of(session: Session, contact_id: int) -> Contact:
    """One contact by id, as `contacts_for` gives it (a client may have hundreds: a save reads
    back only the one it stored)."""
    return contact_value(*session.execute(_contact_query().where(col(ContactRow.id) == contact_id)).one())


def all_contacts(session: Session) -> list[Contact]:
    rows = session.execute(
        _contact_query().order_by(col(ClientRow.client_ref), col(ContactRow.date), col(ContactRow.id))
    )
    return [contact_value(*r) for r in rows]


def apply_contact(
    row: ContactRow, contact: Contact, client_id: int, workers: dict[tuple[str, str], int]
) -> None:
    row.client_id = client_id
    row.date = contact.date
    row.kind = contact.kind.value
    row.mode = contact.mode.value
    row.outcome = contact.outcome.value
    row.mh_worker_id = (
        workers[(Service.MENTAL_HEALTH.value, contact.mh_worker)] if contact.mh_worker else None
    )
    row.sm_worker_id = (
        workers[(Service.SUBSTANCE_MISUSE.value, contact.sm_worker)] if contact.sm_worker else None
    )
    row.client_present = contact.client_present
    row.duration_minutes = contact.duration_minutes
    row.note = contact.note
    row.fingerprint = contact_fingerprint(contact)


def client_history(session: Session, client_id: int) -> ClientHistory:
    row = session.get(ClientRow, client_id)
    assert row is not None
    return ClientHistory(
        client_value(row), tuple(episodes_for(session, client_id)), tuple(contacts_for(session, client_id))
    )


# ---------------------------------------------------------------- definitions


def definition_value(row: DefinitionRow) -> Definition:
    return driver_values.definition_of([getattr(row, name) for name in DEFINITION_COLUMNS])


def definitions(session: Session) -> list[Definition]:
    return driver_values.definitions(reader_of(session))


def worker_names(session: Session) -> dict[int | None, str | None]:
    """Every worker's name by id, and None for no worker."""
    return driver_values.worker_names(reader_of(session))


def definition_row(definition: Definition) -> DefinitionRow:
    return DefinitionRow(
        number=definition.version,
        first_month=str(definition.first_month) if definition.first_month else None,
        named_workers=definition.named_workers,
        consent=definition.consent,
        joint_contact=definition.joint_contact,
        liaison=definition.liaison,
        joint_contacts_min=definition.joint_contacts_min,
        joint_contact_window_days=definition.joint_contact_window_days,
        liaison_contacts_min=definition.liaison_contacts_min,
        min_overlap_days=definition.min_overlap_days,
        written_contacts_count=definition.written_contacts_count,
        agreed_on=definition.agreed_on,
        note=definition.note,
        agreed_in=definition.agreed_in,
    )


# ---------------------------------------------------------------- chart notes and settings


def annotation_value(row: AnnotationRow) -> Annotation:
    return Annotation(
        month=Month.parse(row.month),
        text=row.text,
        team=row.team or None,
        new_part=row.new_part,
        id=row.id,
        version=row.version,
    )


def annotations(session: Session, team: str | None = None) -> list[Annotation]:
    """Notes for a team's chart: its own and those for every team ('')."""
    query = select(AnnotationRow).order_by(col(AnnotationRow.month), col(AnnotationRow.id))
    if team is not None:
        query = query.where(col(AnnotationRow.team).in_(["", team]))
    else:
        query = query.where(col(AnnotationRow.team) == "")
    return [annotation_value(r) for r in session.scalars(query)]


def all_annotations(session: Session) -> list[Annotation]:
    """Every chart note, of every team."""
    query = select(AnnotationRow).order_by(col(AnnotationRow.month), col(AnnotationRow.id))
    return [annotation_value(r) for r in session.scalars(query)]


def annotations_of_teams(session: Session, teams: Sequence[str | None]) -> list[list[Annotation]]:
    """`annotations` for each of `teams`, from one read of every note (a chart's notes are a few
    a team: the summary and the meeting PDF of all teams read them once, not once a team)."""
    every = all_annotations(session)
    return [[a for a in every if a.team is None or (team is not None and a.team == team)] for team in teams]


def measure_settings(session: Session, team: str | None) -> MeasureSettings:
    return _measure_settings_value(session.get(MeasureSettingsRow, team or ""), team)


def measure_settings_of_teams(session: Session, teams: Sequence[str | None]) -> list[MeasureSettings]:
    """`measure_settings` for each of `teams`, from one read of every team's (a row a team)."""
    rows = {row.team: row for row in session.scalars(select(MeasureSettingsRow))}
    return [_measure_settings_value(rows.get(team or ""), team) for team in teams]


def _measure_settings_value(row: MeasureSettingsRow | None, team: str | None) -> MeasureSettings:
    if row is None:
        return MeasureSettings(team=team)
    return MeasureSettings(
        team=team,
        aim_percentage=row.aim_percentage,
        aim_by=Month.parse(row.aim_by) if row.aim_by else None,
        aim_text=row.aim_text,
        baseline_months=row.baseline_months,
        version=row.version,
    )


def settings(session: Session) -> dict[str, str]:
    return {row.key: row.value for row in session.scalars(select(SettingRow))}


def set_setting(session: Session, key: str, value: str) -> None:
    row = session.get(SettingRow, key)
    if row is None:
        session.add(SettingRow(key=key, value=value))
    else:
        row.value = value


def has_records(session: Session) -> bool:
    """Whether the log holds any client or worker."""
    return (
        session.scalars(select(col(ClientRow.id)).limit(1)).first() is not None
        or session.scalars(select(col(WorkerRow.id)).limit(1)).first() is not None
    )


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT the rows (each a dict with the same keys) in one `executemany` of the driver
    (`insert_tuples`)."""
    if not rows:
        return
    names = list(rows[0])
    insert_tuples(session, table, names, ([row[name] for name in names] for row in rows))


def insert_tuples(
    session: Session,
    table: Table,
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    shared: dict[str, Any] | None = None,
) -> None:
    """INSERT the rows (each the values of `names`, in that order) in one `executemany` of the
    driver, every row also given `shared`'s values (columns all the rows have the same value in:
    a load's version and time stamp). Each value goes through its column type's bind processor, as
    SQLAlchemy's Core insert would send it, but without the Core's per-row parameter handling,
    which costs several times more; each distinct value is converted once."""
    connection = session.connection()
    dialect = connection.dialect
    shared = shared or {}
    columns = [*names, *shared]

    def processor_of(name: str) -> Any:
        return table.c[name].type.dialect_impl(dialect).bind_processor(dialect)

    processors: list[tuple[int, Any, dict[Any, Any]]] = [
        (position, processor, {})
        for position, name in enumerate(names)
        if (processor := processor_of(name)) is not None
    ]
    tail = tuple(
        value if value is None or (processor := processor_of(name)) is None else processor(value)
        for name, value in shared.items()
    )
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    values = []
    for row in rows:
        cells = list(row)
        # Dates repeat, and every row has the same time stamp: each distinct value converted once.
        for position, processor, done in processors:
            value = cells[position]
            if value is not None:
                if value not in done:
                    done[value] = processor(value)
                cells[position] = done[value]
        values.append((*cells, *tail))
    if values:
        connection.exec_driver_sql(sql, values)


#: Rows per `insert_rows` where a load may hold many (a trust's 120,000 episodes as dicts were
#: some 40 MB at once).
_INSERT_CHUNK = 10_000
#: The columns of an episode `insert_new` gives each row (the version and stamp are shared).
_EPISODE_COLUMNS = ("client_id", "service", "organisation_id", "team", "worker_id", "start_date", "end_date")


def insert_new(
    session: Session,
    workers: Sequence[Worker],
    clients: Sequence[Client],
    episodes: Sequence[Episode],
    contacts: Sequence[Contact],
    *,
    stamp: Stamp,
    is_demo: bool = False,
    organisations: Sequence[tuple[str, Service]] = (),
) -> None:
    """Insert records known to be new, set-based (a few statements whatever the count).

    Workers and clients named by episodes and contacts must be in the arguments or already
    stored. `stamp` gives updated_at/updated_by for every row. Organisations named by the records
    (and any extra in `organisations`) are created on first use.
    """
    org_cache = organisation_ids(session)
    named = itertools.chain(
        ((w.organisation, w.service) for w in workers),
        ((e.organisation, e.service) for e in episodes),
        organisations,
    )
    for name, service in dict.fromkeys(named):  # each once, in the order first named
        organisation_id(session, name, service, org_cache)
    if workers:
        insert_rows(
            session,
            table_of(WorkerRow),
            [
                {
                    "name": w.name,
                    "organisation_id": org_cache[w.organisation],
                    "service": w.service.value,
                    "role": w.role.value if w.role else None,
                    "email": w.email,
                    "phone": w.phone,
                    "left_on": w.left_on,
                    "version": 1,
                    **stamp,
                }
                for w in workers
            ],
        )
    if clients:
        insert_rows(
            session,
            table_of(ClientRow),
            [
                {
                    "client_ref": c.client_ref,
                    "initials": c.initials,
                    "nhs_number": c.nhs_number,
                    "date_of_birth": c.date_of_birth,
                    "ethnicity": c.ethnicity,
                    "referral_route": c.referral_route.value if c.referral_route else None,
                    "consent_to_share_on": c.consent_to_share_on,
                    "is_demo": is_demo,
                    "version": 1,
                    **stamp,
                }
                for c in clients
            ],
        )
    ids = worker_ids(session)
    refs = client_ids(session)
    service_of = {service: service.value for service in Service}
    for start in range(0, len(episodes), _INSERT_CHUNK):  # a chunk's rows at a time: memory
        insert_tuples(
            session,
            table_of(EpisodeRow),
            _EPISODE_COLUMNS,
            [
                (
                    refs[e.client_ref],
                    service_of[e.service],
                    org_cache[e.organisation],
                    e.team,
                    ids[(service_of[e.service], e.worker)] if e.worker else None,
                    e.start_date,
                    e.end_date,
                )
                for e in episodes[start : start + _INSERT_CHUNK]
            ],
            {"version": 1, **stamp},
        )
    if contacts:
        mh, sm = Service.MENTAL_HEALTH.value, Service.SUBSTANCE_MISUSE.value
        insert_rows(
            session,
            table_of(ContactRow),
            [
                {
                    "client_id": refs[c.client_ref],
                    "date": c.date,
                    "kind": c.kind.value,
                    "mode": c.mode.value,
                    "outcome": c.outcome.value,
                    "mh_worker_id": ids[(mh, c.mh_worker)] if c.mh_worker else None,
                    "sm_worker_id": ids[(sm, c.sm_worker)] if c.sm_worker else None,
                    "client_present": c.client_present,
                    "duration_minutes": c.duration_minutes,
                    "note": c.note,
                    "fingerprint": contact_fingerprint(c),
                    "version": 1,
                    **stamp,
                }
                for c in contacts
            ],
        )
