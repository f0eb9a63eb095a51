"""Rows <-> domain values, and the queries the services reuse. Sessions come from the caller
(`Database.read()` / `Database.write()`); nothing here commits. (No `from __future__ import annotations` here: the function `annotations`
below would shadow it for type checkers.)"""

import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, Executable, Table, and_, case, func, or_, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session

from ddcase.domain import (
    Annotation,
    Client,
    ClientFacts,
    ClientHistory,
    ClientMonthFacts,
    Contact,
    ContactCounts,
    ContactFact,
    ContactKind,
    ContactMode,
    ContactTally,
    CountingContacts,
    Definition,
    Episode,
    EpisodeFact,
    MeasureSettings,
    Month,
    Outcome,
    ReferralRoute,
    Role,
    Service,
    Worker,
)
from ddcase.storage.database import Stamp

# The printed figures moved to storage/printed_figures.py (issue 13 item 3); these names stay
# while services/reporting.py (rewritten by another branch) still reads them from here.
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
)

# ---------------------------------------------------------------- organisations and workers


def organisation_ids(session: Session) -> dict[str, int]:
    return {name: id_ for id_, name in session.execute(select(OrganisationRow.id, OrganisationRow.name))}


def organisation_id(
    session: Session, name: str, service: Service, cache: dict[str, int] | None = None
) -> int:
    """The organisation's id, creating it on first use."""
    if cache is not None and name in cache:
        return cache[name]
    row = session.scalars(select(OrganisationRow).where(OrganisationRow.name == name)).first()
    if row is None:
        row = OrganisationRow(name=name, service=service.value)
        session.add(row)
        session.flush()
    assert row.id is not None
    if cache is not None:
        cache[name] = row.id
    return row.id


def organisations(session: Session, service: Service | None = None) -> list[str]:
    query = select(OrganisationRow.name).order_by(OrganisationRow.name)
    if service is not None:
        query = query.where(OrganisationRow.service == service.value)
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
        select(WorkerRow, OrganisationRow.name)
        .join(OrganisationRow, WorkerRow.organisation_id == OrganisationRow.id)
        .order_by(WorkerRow.service, WorkerRow.name)
    )
    return [worker_value(w, org) for w, org in rows]


def worker_ids(session: Session) -> dict[tuple[str, str], int]:
    """(service, name) -> id for every worker."""
    return {
        (service, name): id_
        for id_, service, name in session.execute(select(WorkerRow.id, WorkerRow.service, WorkerRow.name))
    }


def worker_names(session: Session) -> dict[int, str]:
    return {id_: name for id_, name in session.execute(select(WorkerRow.id, WorkerRow.name))}


def worker_row(session: Session, service: Service, name: str) -> WorkerRow | None:
    return session.scalars(
        select(WorkerRow).where(WorkerRow.service == service.value, WorkerRow.name == name)
    ).first()


def caseload_rows(session: Session, worker_id: int, day: date) -> list[tuple[EpisodeRow, str]]:
    """A worker's episodes open on `day` or starting later, each with its client's reference,
    in the order they were recorded."""
    query = (
        select(EpisodeRow, ClientRow.client_ref)
        .join(ClientRow, EpisodeRow.client_id == ClientRow.id)
        .where(
            EpisodeRow.worker_id == worker_id,
            or_(EpisodeRow.end_date.is_(None), EpisodeRow.end_date >= day),  # type: ignore[union-attr,operator]  # SQLModel types a column attribute as its value
        )
        .order_by(EpisodeRow.id)  # type: ignore[arg-type]  # as above
    )
    return [(row, ref) for row, ref in session.execute(query)]


def episode_starts_on(session: Session, like: EpisodeRow, day: date) -> bool:
    """Whether the client has an episode with the same side and organisation as `like` starting
    on `day` (an episode is unique by client, side, organisation and start)."""
    return (
        session.scalars(
            select(EpisodeRow.id).where(
                EpisodeRow.client_id == like.client_id,
                EpisodeRow.service == like.service,
                EpisodeRow.organisation_id == like.organisation_id,
                EpisodeRow.start_date == day,
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
    return session.scalars(select(ClientRow).where(ClientRow.client_ref == client_ref)).first()


def client_ids(session: Session) -> dict[str, int]:
    return {ref: id_ for id_, ref in session.execute(select(ClientRow.id, ClientRow.client_ref))}


def clients(session: Session, refs: Collection[str] | None = None) -> list[Client]:
    """Every client by reference, or only those with the references given (read a few hundred
    at a time, within every database's limit on bound values)."""
    if refs is None:
        # The whole caseload (20,000 clients in a trust): plain driver rows, each distinct date
        # parsed once, rather than an ORM entity and SQLAlchemy's date parsing per row.
        days = _Days()
        rows = _driver_rows(session.connection(), select(*_CLIENT_COLUMNS).order_by(ClientRow.client_ref))
        return [
            Client(
                ref,
                initials,
                nhs,
                days[born],
                ethnicity,
                _ROUTES[route] if route else None,
                days[consent],
                id_,
                version,
            )  # fmt: skip
            for ref, initials, nhs, born, ethnicity, route, consent, id_, version in rows
        ]
    wanted = sorted(set(refs))
    found: list[Client] = []
    connection = session.connection()  # plain rows: a trust's month has thousands of clients
    for i in range(0, len(wanted), _REFS_AT_ONCE):
        chunk = wanted[i : i + _REFS_AT_ONCE]
        rows = connection.execute(select(*_CLIENT_COLUMNS).where(ClientRow.client_ref.in_(chunk)))
        found += [_client_of(row) for row in rows]
    found.sort(key=lambda c: c.client_ref)
    return found


_REFS_AT_ONCE = 500

#: A client's columns as plain rows (`_client_of`), in the order of Client's fields.
_CLIENT_COLUMNS = (
    ClientRow.client_ref,
    ClientRow.initials,
    ClientRow.nhs_number,
    ClientRow.date_of_birth,
    ClientRow.ethnicity,
    ClientRow.referral_route,
    ClientRow.consent_to_share_on,
    ClientRow.id,
    ClientRow.version,
)


def _client_of(row: Any) -> Client:
    ref, initials, nhs, born, ethnicity, route, consent, id_, version = row
    return Client(ref, initials, nhs, born, ethnicity, _ROUTES[route] if route else None,
                  consent, id_, version)  # fmt: skip


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


def _episode_query():  # type: ignore[no-untyped-def]  # the Select's long column tuple
    return (
        select(EpisodeRow, ClientRow.client_ref, OrganisationRow.name, WorkerRow.name)
        .join(ClientRow, EpisodeRow.client_id == ClientRow.id)
        .join(OrganisationRow, EpisodeRow.organisation_id == OrganisationRow.id)
        .outerjoin(WorkerRow, EpisodeRow.worker_id == WorkerRow.id)
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
        .where(EpisodeRow.client_id == client_id)
        .order_by(EpisodeRow.start_date, EpisodeRow.service)
    )
    return [episode_value(*r) for r in rows]


def all_episodes(session: Session) -> list[Episode]:
    rows = session.execute(
        _episode_query().order_by(ClientRow.client_ref, EpisodeRow.service, EpisodeRow.start_date)
    )
    return [episode_value(*r) for r in rows]


def teams(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(EpisodeRow.team)
            .where(EpisodeRow.team.is_not(None), EpisodeRow.service == Service.MENTAL_HEALTH.value)
            .distinct()
            .order_by(EpisodeRow.team)
        )
    )


# ---------------------------------------------------------------- contacts

_SmWorker = aliased(WorkerRow)


def _contact_query():  # type: ignore[no-untyped-def]  # as above
    return (
        select(ContactRow, ClientRow.client_ref, _MhWorker.name, _SmWorker.name)
        .join(ClientRow, ContactRow.client_id == ClientRow.id)
        .outerjoin(_MhWorker, ContactRow.mh_worker_id == _MhWorker.id)
        .outerjoin(_SmWorker, ContactRow.sm_worker_id == _SmWorker.id)
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
        .where(ContactRow.client_id == client_id)
        .order_by(ContactRow.date.desc(), ContactRow.id)
    )
    return [contact_value(*r) for r in rows]


def all_contacts(session: Session) -> list[Contact]:
    rows = session.execute(_contact_query().order_by(ClientRow.client_ref, ContactRow.date, ContactRow.id))
    return [contact_value(*r) for r in rows]


def contact_fingerprint(contact: Contact) -> str:
    """SPEC §3: contacts are matched by all of their columns; this is their digest."""
    parts = [
        contact.client_ref,
        contact.date.isoformat(),
        contact.kind.value,
        contact.mode.value,
        contact.outcome.value,
        contact.mh_worker or "",
        contact.sm_worker or "",
        "" if contact.client_present is None else ("yes" if contact.client_present else "no"),
        "" if contact.duration_minutes is None else str(contact.duration_minutes),
        contact.note or "",
    ]
    return fingerprint_of(parts)


def fingerprint_of(parts: Sequence[str]) -> str:
    """The digest of a contact's columns as text, in SPEC order (dates YYYY-MM-DD, client_present
    yes/no, empty for a missing value); the CSV import computes it from the cells it has read."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


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


# ---------------------------------------------------------------- histories for the rules


_SERVICES = {s.value: s for s in Service}
_KINDS = {k.value: k for k in ContactKind}
_MODES = {m.value: m for m in ContactMode}
_OUTCOMES = {o.value: o for o in Outcome}
_ROUTES = {r.value: r for r in ReferralRoute}


def histories(
    session: Session,
    first: date,
    last: date,
    contacts_from: date,
    contacts_to: date | None = None,
) -> list[ClientHistory]:
    """Every client with a mental_health and a substance_misuse episode both overlapping
    first..last, with all their episodes and their contacts from `contacts_from` to
    `contacts_to` (by default `last`): the to-do list looks ahead to next month and follows up
    missed appointments; the figures use the lighter `figure_facts`.

    Set-based: three queries whatever the number of clients. Rows are read as plain columns,
    not ORM objects (a trust's month is tens of thousands of contacts), and in a fixed order, so
    that both databases hand the rules the same sequence.
    """
    overlapping = and_(
        EpisodeRow.start_date <= last, or_(EpisodeRow.end_date.is_(None), EpisodeRow.end_date >= first)
    )
    mh = select(EpisodeRow.client_id).where(overlapping, EpisodeRow.service == Service.MENTAL_HEALTH.value)
    sm = select(EpisodeRow.client_id).where(overlapping, EpisodeRow.service == Service.SUBSTANCE_MISUSE.value)
    candidates = select(mh.intersect(sm).subquery().c.client_id)
    by_id: dict[int, Client] = {}
    for row in session.execute(
        select(*_CLIENT_COLUMNS).where(ClientRow.id.in_(candidates)).order_by(ClientRow.client_ref)
    ):
        client = _client_of(row)
        by_id[client.id] = client  # type: ignore[index]  # a client read back has its id
    if not by_id:
        return []
    refs = {id_: client.client_ref for id_, client in by_id.items()}
    episodes: dict[int, list[Episode]] = defaultdict(list)
    for row in session.execute(
        select(
            EpisodeRow.id,
            EpisodeRow.client_id,
            EpisodeRow.service,
            EpisodeRow.team,
            EpisodeRow.start_date,
            EpisodeRow.end_date,
            EpisodeRow.version,
            OrganisationRow.name.label("organisation"),
            WorkerRow.name.label("worker"),
        )
        .join(OrganisationRow, EpisodeRow.organisation_id == OrganisationRow.id)
        .outerjoin(WorkerRow, EpisodeRow.worker_id == WorkerRow.id)
        .where(EpisodeRow.client_id.in_(candidates), overlapping)
        .order_by(EpisodeRow.client_id, EpisodeRow.service, EpisodeRow.start_date, EpisodeRow.id)
    ):
        episodes[row.client_id].append(
            Episode(
                client_ref=refs[row.client_id],
                service=_SERVICES[row.service],
                organisation=row.organisation,
                start_date=row.start_date,
                end_date=row.end_date,
                team=row.team,
                worker=row.worker,
                id=row.id,
                version=row.version,
            )
        )
    names = worker_names(session)
    names[None] = None  # type: ignore[index]  # None stands for no worker
    query = (
        select(
            ContactRow.id,
            ContactRow.client_id,
            ContactRow.date,
            ContactRow.kind,
            ContactRow.mode,
            ContactRow.outcome,
            ContactRow.mh_worker_id,
            ContactRow.sm_worker_id,
            ContactRow.client_present,
            ContactRow.duration_minutes,
            ContactRow.note,
            ContactRow.version,
        )
        .where(
            ContactRow.client_id.in_(candidates),
            ContactRow.date >= contacts_from,
            ContactRow.date <= (last if contacts_to is None else contacts_to),
        )
        .order_by(ContactRow.client_id, ContactRow.date, ContactRow.id)
    )
    contacts: dict[int, list[Contact]] = defaultdict(list)
    # Tuples unpacked, not Row attributes: this loop runs for every contact of the month.
    for id_, client_id, day, kind, mode, outcome, mh, sm, present, minutes, note, version in session.execute(
        query
    ):
        contacts[client_id].append(
            Contact(
                refs[client_id],
                day,
                _KINDS[kind],
                _MODES[mode],
                _OUTCOMES[outcome],
                names[mh],
                names[sm],
                present,
                minutes,
                note,
                id_,
                version,
            )
        )
    return [
        ClientHistory(client, tuple(episodes[id_]), tuple(contacts[id_])) for id_, client in by_id.items()
    ]


class _Days(dict):  # type: ignore[type-arg]  # a dict keyed by what the driver gives
    """A date for each value the driver gives: ISO text on SQLite (parsed once per distinct day,
    not once per row), a date already on PostgreSQL, None for no date."""

    def __missing__(self, value: str | date | None) -> date | None:
        day = value if value is None or isinstance(value, date) else date.fromisoformat(value[:10])
        self[value] = day
        return day


def _driver_rows(connection: Connection, statement: Executable) -> list[tuple[Any, ...]]:
    """The statement's rows as the database driver gives them (plain tuples), without
    SQLAlchemy's processing of each value: the figures of a 24-month chart read some 350,000 rows,
    and turning each SQLite date into a date with a regular expression cost more than SQLite's
    own work. The caller converts (see `_Days`)."""
    result = connection.execute(statement)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def figure_facts(
    session: Session,
    first: date,
    last: date,
    counting: CountingContacts,
    *,
    team: str | None = None,
) -> list[ClientFacts]:
    """What the monthly figures need of every client with a mental_health and a substance_misuse
    episode both overlapping first..last: `histories`, lighter. Only the columns the rules read,
    as tuples rather than ORM rows (names looked up in small dictionaries rather than joined per
    row), and only the contacts `counting` says can count in some month of first..last (the
    rules work it out from the criteria table). Episodes come in the order they were recorded.

    With `team`, only the clients with an episode of that team overlapping first..last (SPEC §1:
    the only ones who can count for it), chosen in SQL; their every episode and counting contact
    still comes, so each is judged as with no team. The rules still apply the team's own test
    (an episode of the team open on a mutual day of the month).

    Four queries whatever the number of clients.
    """
    read = _EpisodeFacts(session, first, last, team)
    if not read.both:
        return []
    contacts: dict[int, list[ContactFact]] = {client_id: [] for client_id in read.both}
    # The same day, kind and mode recur across a trust's clients: one ContactFact for each.
    facts_of: dict[tuple[Any, ...], ContactFact] = {}
    fact_of = facts_of.get
    days = read.days
    # One counting outcome (attended, SPEC §1) is not read back from every row.
    (outcome,) = counting.outcomes if len(counting.outcomes) == 1 else (None,)
    columns = [ContactRow.client_id, ContactRow.date, ContactRow.kind, ContactRow.mode]
    if outcome is None:
        columns.append(ContactRow.outcome)
    for row in _driver_rows(read.connection, select(*columns).where(*read.counting([counting]))):
        found = contacts.get(row[0])
        if found is not None:  # a client open to both services
            key = row[1:]  # day, kind, mode (and outcome, when read)
            fact = fact_of(key)
            if fact is None:
                fact = facts_of[key] = ContactFact(
                    days[row[1]],  # type: ignore[arg-type]  # a contact always has a day
                    _KINDS[row[2]],
                    _MODES[row[3]],
                    outcome or _OUTCOMES[row[4]],
                )
            found.append(fact)
    return [
        ClientFacts(ref, initials, consent, episodes, tuple(contacts[client_id]))
        for client_id, ref, initials, consent, episodes in read.clients_open_to_both()
    ]


def month_facts(
    session: Session,
    first: date,
    last: date,
    countings: Sequence[CountingContacts],
    *,
    team: str | None = None,
) -> list[list[ClientMonthFacts]]:
    """`figure_facts` for some months (within first..last), each month's counting contacts
    counted by the database rather than listed (`ContactCounts`): for each month's
    `CountingContacts`, how many of a client's contacts fall in each of its tallies (one for each
    criterion counted from contacts: the joint-contact window's joint appointments and care plan
    reviews, the month's liaison, ...) and the last date in its `latest` tally (the last joint
    contact). A month's figure needs only these, and a trust's month has tens of thousands of
    counting contacts: counted in SQL, one row comes back per client instead of one per contact.
    Several months (the dashboard's month and the month before) share one read.

    One list for each of `countings`, of every client open to both services in first..last;
    clients with no counting contact come with zero counts."""
    read = _EpisodeFacts(session, first, last, team)
    if not read.both:
        return [[] for _ in countings]
    chosen = _Chosen(countings)
    days = read.days
    columns = []
    for counting in countings:
        columns += [
            func.sum(case((chosen.within(tally, counting), 1), else_=0)) for tally in counting.tallies
        ]
        columns.append(func.max(case((chosen.within(counting.latest, counting), ContactRow.date))))
    rows = _driver_rows(
        read.connection,
        select(ContactRow.client_id, *columns)
        .where(*read.counting(countings))
        .group_by(ContactRow.client_id),
    )
    clients = list(read.clients_open_to_both())
    found: list[list[ClientMonthFacts]] = []
    at = 1
    for counting in countings:
        n = len(counting.tallies)
        counted = {row[0]: ContactCounts(row[at : at + n], days[row[at + n]]) for row in rows}
        none = ContactCounts((0,) * n, None)
        found.append(
            [
                ClientMonthFacts(ref, initials, consent, episodes, counted.get(client_id, none))
                for client_id, ref, initials, consent, episodes in clients
            ]
        )
        at += n + 1
    return found


class _Chosen:
    """The SQL that chooses the contacts some `CountingContacts` say count: the kinds of every
    tally, each from the first day any tally counts it, and within one of them the test of a
    tally (leaving out what the choice already says, so that SQLite does no needless work)."""

    def __init__(self, countings: Sequence[CountingContacts]) -> None:
        since: dict[str, date] = {}
        self.last = date.min
        self.outcomes: frozenset[Outcome] = frozenset()
        self.modes: frozenset[ContactMode] = frozenset()
        for counting in countings:
            for tally in (*counting.tallies, counting.latest):
                for kind in tally.kinds:
                    since[kind.value] = min(since.get(kind.value, tally.first), tally.first)
                self.last = max(self.last, tally.last)
            self.outcomes |= counting.outcomes
            self.modes |= counting.modes
        self.kinds = frozenset(since)
        self.first = min(since.values(), default=date.max)
        self.since = since

    def conditions(self) -> list[ColumnElement[bool]]:
        by_day: dict[date, list[str]] = defaultdict(list)
        for kind, day in sorted(self.since.items()):
            by_day[day].append(kind)
        kinds = [
            ContactRow.kind.in_(names)
            if day <= self.first
            else and_(ContactRow.kind.in_(names), ContactRow.date >= day)
            for day, names in sorted(by_day.items())
        ]
        return [
            ContactRow.date >= self.first,
            ContactRow.date <= self.last,
            self._outcome(self.outcomes),
            kinds[0] if len(kinds) == 1 else or_(*kinds),
            *((self._mode(self.modes),) if self.modes != frozenset(ContactMode) else ()),
        ]

    @staticmethod
    def _outcome(outcomes: frozenset[Outcome]) -> ColumnElement[bool]:
        values = sorted(o.value for o in outcomes)
        return ContactRow.outcome == values[0] if len(values) == 1 else ContactRow.outcome.in_(values)

    @staticmethod
    def _mode(modes: frozenset[ContactMode]) -> ColumnElement[bool]:
        return ContactRow.mode.not_in(sorted(m.value for m in ContactMode if m not in modes))

    def within(self, tally: ContactTally, counting: CountingContacts) -> ColumnElement[bool]:
        """Of the chosen contacts, those in `tally` of `counting`."""
        parts: list[ColumnElement[bool]] = []
        names = {k.value for k in tally.kinds}
        if not names >= self.kinds:
            parts.append(ContactRow.kind.in_(sorted(names)))
        if any(self.since[k] < tally.first for k in names):
            parts.append(ContactRow.date >= tally.first)
        if tally.last < self.last:
            parts.append(ContactRow.date <= tally.last)
        if counting.outcomes != self.outcomes:
            parts.append(self._outcome(counting.outcomes))
        if counting.modes != self.modes:
            parts.append(self._mode(counting.modes))
        return and_(*parts) if len(parts) > 1 else parts[0] if parts else ContactRow.id.is_not(None)


class _EpisodeFacts:
    """The figures' first read: every episode overlapping first..last (of the clients with an
    episode of `team` overlapping it, when given) as `EpisodeFact`s in the order they were
    recorded, each client's reference, initials and consent date, and the clients open to both
    services; then the conditions that choose their counting contacts.

    The episodes come through the index that holds all their columns (`ix_episode_overlap`), as
    two runs of it (the open episodes, and those ended on or after `first`), and are put in order
    here: asked to order them, SQLite would walk the client index and read every episode of the
    log instead."""

    def __init__(self, session: Session, first: date, last: date, team: str | None) -> None:
        self.connection = connection = session.connection()
        self.first, self.last = first, last
        organisation = {
            id_: name for id_, name in connection.execute(select(OrganisationRow.id, OrganisationRow.name))
        }
        worker = {id_: name for id_, name in connection.execute(select(WorkerRow.id, WorkerRow.name))}
        worker[None] = None  # type: ignore[index]  # None stands for no worker
        self.days = days = _Days()
        self.in_team = None
        of_team: list[ColumnElement[bool]] = []
        if team is not None:
            self.in_team = select(EpisodeRow.client_id).where(
                EpisodeRow.start_date <= last,
                or_(EpisodeRow.end_date.is_(None), EpisodeRow.end_date >= first),
                EpisodeRow.team == team,
            )
            of_team = [EpisodeRow.client_id.in_(self.in_team)]
        columns = select(
            EpisodeRow.client_id,
            EpisodeRow.id,
            ClientRow.client_ref,
            ClientRow.initials,
            ClientRow.consent_to_share_on,
            EpisodeRow.service,
            EpisodeRow.organisation_id,
            EpisodeRow.team,
            EpisodeRow.worker_id,
            EpisodeRow.start_date,
            EpisodeRow.end_date,
        ).join(ClientRow, EpisodeRow.client_id == ClientRow.id)
        rows = _driver_rows(
            connection,
            union_all(
                columns.where(EpisodeRow.end_date.is_(None), EpisodeRow.start_date <= last, *of_team),
                columns.where(EpisodeRow.end_date >= first, EpisodeRow.start_date <= last, *of_team),
            ),
        )
        rows.sort()  # by client, then id (unique): the order the episodes were recorded
        self.clients: dict[int, tuple[str, str, date | None]] = {}
        self.episodes: dict[int, list[EpisodeFact]] = {}
        clients, episodes = self.clients, self.episodes
        mental_health: set[int] = set()
        substance_misuse: set[int] = set()
        is_mental_health = Service.MENTAL_HEALTH.value
        for client_id, _id, ref, initials, consent, service, organisation_id, episode_team, worker_id, \
                start, end in rows:  # fmt: skip
            episode = EpisodeFact(_SERVICES[service], organisation[organisation_id], days[start], days[end],
                                  episode_team, worker[worker_id])  # fmt: skip
            if client_id not in clients:
                clients[client_id] = (ref, initials, days[consent])
                episodes[client_id] = [episode]
            else:
                episodes[client_id].append(episode)
            (mental_health if service == is_mental_health else substance_misuse).add(client_id)
        self.both = mental_health & substance_misuse

    def clients_open_to_both(self) -> Iterator[tuple[int, str, str, date | None, tuple[EpisodeFact, ...]]]:
        """Each client open to both services: id, reference, initials, consent date, episodes."""
        for client_id in self.both:
            ref, initials, consent = self.clients[client_id]
            yield client_id, ref, initials, consent, tuple(self.episodes[client_id])

    def counting(self, countings: Sequence[CountingContacts]) -> list[ColumnElement[bool]]:
        """The contacts any of `countings` says can count (of the clients of the team, when
        given)."""
        conditions = _Chosen(countings).conditions()
        if self.in_team is not None:
            conditions.append(ContactRow.client_id.in_(self.in_team))
        return conditions


def client_history(session: Session, client_id: int) -> ClientHistory:
    row = session.get(ClientRow, client_id)
    assert row is not None
    return ClientHistory(
        client_value(row), tuple(episodes_for(session, client_id)), tuple(contacts_for(session, client_id))
    )


# ---------------------------------------------------------------- definitions


def definition_value(row: DefinitionRow) -> Definition:
    return Definition(
        version=row.number,
        first_month=Month.parse(row.first_month) if row.first_month else None,
        named_workers=row.named_workers,
        consent=row.consent,
        joint_contact=row.joint_contact,
        liaison=row.liaison,
        joint_contacts_min=row.joint_contacts_min,
        joint_contact_window_days=row.joint_contact_window_days,
        liaison_contacts_min=row.liaison_contacts_min,
        min_overlap_days=row.min_overlap_days,
        written_contacts_count=row.written_contacts_count,
        agreed_on=row.agreed_on,
        note=row.note,
        agreed_in=row.agreed_in,
    )


def definitions(session: Session) -> list[Definition]:
    return [
        definition_value(r) for r in session.scalars(select(DefinitionRow).order_by(DefinitionRow.number))
    ]


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
    query = select(AnnotationRow).order_by(AnnotationRow.month, AnnotationRow.id)
    if team is not None:
        query = query.where(AnnotationRow.team.in_(["", team]))
    else:
        query = query.where(AnnotationRow.team == "")
    return [annotation_value(r) for r in session.scalars(query)]


def all_annotations(session: Session) -> list[Annotation]:
    """Every chart note, of every team."""
    query = select(AnnotationRow).order_by(AnnotationRow.month, AnnotationRow.id)
    return [annotation_value(r) for r in session.scalars(query)]


def measure_settings(session: Session, team: str | None) -> MeasureSettings:
    row = session.get(MeasureSettingsRow, team or "")
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
        session.scalars(select(ClientRow.id).limit(1)).first() is not None
        or session.scalars(select(WorkerRow.id).limit(1)).first() is not None
    )


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT the rows (each a dict with the same keys) in one `executemany` of the driver. Each
    value goes through its column type's bind processor, as SQLAlchemy's Core insert would send
    it, but without the Core's per-row parameter handling, which costs several times more."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    processors = [
        (position, processor)
        for position, name in enumerate(names)
        if (processor := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join([mark] * len(names))})"
    )
    # Each distinct value converted once: dates repeat, and every row has the same time stamp.
    converted: list[dict[Any, Any]] = [{} for _ in processors]
    values = []
    for row in rows:
        cells = [row[name] for name in names]
        for (position, processor), done in zip(processors, converted, strict=True):
            value = cells[position]
            if value is not None:
                if value not in done:
                    done[value] = processor(value)
                cells[position] = done[value]
        values.append(tuple(cells))
    connection.exec_driver_sql(sql, values)


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
    for worker in workers:
        organisation_id(session, worker.organisation, worker.service, org_cache)
    for episode in episodes:
        organisation_id(session, episode.organisation, episode.service, org_cache)
    for name, service in organisations:
        organisation_id(session, name, service, org_cache)
    if workers:
        insert_rows(
            session,
            WorkerRow.__table__,
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
            ClientRow.__table__,
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
    if episodes:
        insert_rows(
            session,
            EpisodeRow.__table__,
            [
                {
                    "client_id": refs[e.client_ref],
                    "service": e.service.value,
                    "organisation_id": org_cache[e.organisation],
                    "team": e.team,
                    "worker_id": ids[(e.service.value, e.worker)] if e.worker else None,
                    "start_date": e.start_date,
                    "end_date": e.end_date,
                    "version": 1,
                    **stamp,
                }
                for e in episodes
            ],
        )
    if contacts:
        mh, sm = Service.MENTAL_HEALTH.value, Service.SUBSTANCE_MISUSE.value
        insert_rows(
            session,
            ContactRow.__table__,
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


# ---------------------------------------------------------------- contacts in bulk (the CSV import)


#: The columns `ContactWriter.write` takes, in this order, for each row.
CONTACT_INSERT_COLUMNS = (
    "client_id",
    "date",
    "kind",
    "mode",
    "outcome",
    "mh_worker_id",
    "sm_worker_id",
    "client_present",
    "duration_minutes",
    "note",
    "fingerprint",
)
_ID_CHUNK = 500  # values per IN (...) list, well under every backend's parameter limit


#: The contact fingerprint's unique index (revision 0006: an index, so that a load can build it).
FINGERPRINT_INDEX = "uq_contact_fingerprint"


class ContactWriter:
    """Writes new contacts a batch at a time, inside the caller's write transaction, straight
    through the driver's `executemany` (SQLAlchemy's Core insert costs several microseconds a row
    in parameter processing; a trust's import is a million rows).

    A contact already stored is skipped by the unique index on its fingerprint
    (`INSERT ... ON CONFLICT (fingerprint) DO NOTHING`, on SQLite and PostgreSQL alike), and so is a
    repeat within the import. `created` counts the rows really inserted; `unchanged` the distinct
    contacts that were already stored before this writer started (told apart from repeats within
    the import by their id: rows stored before have an id up to the largest id seen at the start).

    A load (`load=True`) into an empty contact table on SQLite drops the table's indexes, the
    fingerprint's unique index included, and `finish` builds them again from the loaded rows:
    building an index once is several times cheaper than keeping it up to date row by row, above
    all the unique index of a random 64-character key. Meanwhile rows go in with a plain INSERT,
    so a repeat within the import is stored twice until `finish` removes every copy but the first
    (the lowest id, the row ON CONFLICT would have kept) and takes the copies off `created`. DDL is
    transactional on SQLite: a rolled-back load gets its indexes back with everything else.

    Values go to the driver as the column's type would send them: the caller passes each distinct
    value of a column through `value` once and reuses the result.
    """

    def __init__(self, session: Session, *, stamp: Stamp, load: bool = False) -> None:
        self._session = session
        self._connection = session.connection()
        dialect = self._connection.dialect
        table = ContactRow.__table__
        self._processors = {c.name: c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.c}
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        columns = (*CONTACT_INSERT_COLUMNS, "version", "updated_at", "updated_by")
        insert = f"INSERT INTO contact ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
        self.tail = (
            self.value("version", 1),
            self.value("updated_at", stamp["updated_at"]),
            self.value("updated_by", stamp["updated_by"]),
        )
        # Only the note and fingerprint are not passed through `value` by the caller (they differ
        # on every row); neither column's type has a bind processor today, but if one ever does,
        # it is applied here.
        self._per_row = [
            (CONTACT_INSERT_COLUMNS.index(name), processor)
            for name in ("note", "fingerprint")
            if (processor := self._processors[name]) is not None
        ]
        self._max_id_before = self._connection.exec_driver_sql("SELECT max(id) FROM contact").scalar() or 0
        self._matched = bytearray(self._max_id_before // 8 + 1)
        self.created = 0
        self.unchanged = 0
        self._dropped = drop_indexes(session, "contact") if load and self.table_was_empty else {}
        # Without the unique index, ON CONFLICT has nothing to go by: repeats are removed by `finish`.
        self._unique_after = self._dropped.get(FINGERPRINT_INDEX)
        self._sql = insert if self._unique_after else f"{insert} ON CONFLICT (fingerprint) DO NOTHING"

    @property
    def table_was_empty(self) -> bool:
        return self._max_id_before == 0

    def value(self, column: str, value: object) -> object:
        """`value` as the driver gets it for `column` (for SQLite, a date becomes 'YYYY-MM-DD')."""
        processor = self._processors[column]
        return value if value is None or processor is None else processor(value)

    def write(self, rows: list[tuple[object, ...]]) -> None:
        """Insert `rows` (each CONTACT_INSERT_COLUMNS followed by `tail`), skipping those
        already stored."""
        if not rows:
            return
        if self._per_row:
            rows = [self._processed(row) for row in rows]
        inserted = self._connection.exec_driver_sql(self._sql, rows).rowcount
        self.created += inserted
        if inserted < len(rows) and self._max_id_before:
            self._count_stored(rows)

    def finish(self) -> None:
        """After the last `write`: build the indexes a load dropped, the fingerprint's first (its
        repeats removed), then the others from what is left."""
        if self._unique_after:
            try:
                self._connection.exec_driver_sql(self._unique_after)
            except IntegrityError:
                # Repeats within the import (SQLite undoes just the failed statement): keep the
                # first of each, as ON CONFLICT DO NOTHING would have, and build the index again.
                removed = self._connection.exec_driver_sql(
                    "DELETE FROM contact WHERE id NOT IN (SELECT min(id) FROM contact GROUP BY fingerprint)"
                ).rowcount
                self.created -= removed
                self._connection.exec_driver_sql(self._unique_after)
        create_indexes(
            self._session, [sql for name, sql in self._dropped.items() if name != FINGERPRINT_INDEX]
        )
        self._dropped = {}
        self._unique_after = None

    def _processed(self, row: tuple[object, ...]) -> tuple[object, ...]:
        cells = list(row)
        for position, processor in self._per_row:
            if cells[position] is not None:
                cells[position] = processor(cells[position])
        return tuple(cells)

    def _count_stored(self, rows: list[tuple[object, ...]]) -> None:
        fingerprints = list({row[10] for row in rows})
        matched = self._matched
        for start in range(0, len(fingerprints), _ID_CHUNK):
            chunk = fingerprints[start : start + _ID_CHUNK]
            found = select(ContactRow.id).where(
                ContactRow.id <= self._max_id_before, ContactRow.fingerprint.in_(chunk)
            )
            for (row_id,) in self._connection.execute(found):
                byte, bit = divmod(row_id, 8)
                if not matched[byte] & (1 << bit):
                    matched[byte] |= 1 << bit
                    self.unchanged += 1


def drop_indexes(session: Session, table: str) -> dict[str, str]:
    """On SQLite, drop the table's indexes (not those SQLite makes itself for a UNIQUE
    constraint or a primary key) and return, by name, the statements that make them again,
    exactly as they were: after a bulk load, building an index from sorted rows is several times
    faster than keeping it up to date row by row. DDL is transactional on SQLite, so a
    rolled-back import gets its indexes back. Elsewhere nothing is dropped and the result is
    empty: on PostgreSQL, DROP INDEX would lock the table against every reader of the team
    database until the import commits."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return {}
    indexes = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY name",
        (table,),
    ).all()
    for name, _sql in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    return {name: sql for name, sql in indexes}


def create_indexes(session: Session, statements: Iterable[str]) -> None:
    """Make again the indexes `drop_indexes` dropped."""
    connection = session.connection()
    for sql in statements:
        connection.exec_driver_sql(sql)
