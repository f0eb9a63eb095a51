"""The figures' read side: what the rules need to judge a month, read set-based in a few
queries whatever the number of clients. `month_facts` is the fast path (the database counts each
client's counting contacts), `figure_facts` lists the contacts for the chart's months, and
`histories` reads whole histories for the to-do list. Rows <-> values are repository.py's."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Integer,
    and_,
    any_,
    bindparam,
    case,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlmodel import Session

from ddcase.domain import (
    Client,
    ClientCountingFacts,
    ClientFacts,
    ClientHistory,
    ClientMonthFacts,
    Contact,
    ContactCounts,
    ContactDays,
    ContactFact,
    ContactMode,
    ContactTally,
    CountingContacts,
    Episode,
    EpisodeFact,
    Outcome,
    Service,
)
from ddcase.storage.driver_values import (
    CLIENT_COLUMNS,
    KINDS,
    MODES,
    OUTCOMES,
    SERVICES,
    Days,
    client_of,
    driver_rows,
    worker_names,
)
from ddcase.storage.tables import (
    ClientRow,
    ContactRow,
    EpisodeRow,
    OrganisationRow,
    WorkerRow,
)

# ---------------------------------------------------------------- histories for the rules


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
        select(*CLIENT_COLUMNS).where(ClientRow.id.in_(candidates)).order_by(ClientRow.client_ref)
    ):
        client = client_of(row)
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
                service=SERVICES[row.service],
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
                KINDS[kind],
                MODES[mode],
                OUTCOMES[outcome],
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
    for row in driver_rows(read.connection, select(*columns).where(*read.counting([counting]))):
        found = contacts.get(row[0])
        if found is not None:  # a client open to both services
            key = row[1:]  # day, kind, mode (and outcome, when read)
            fact = fact_of(key)
            if fact is None:
                fact = facts_of[key] = ContactFact(
                    days[row[1]],  # type: ignore[arg-type]  # a contact always has a day
                    KINDS[row[2]],
                    MODES[row[3]],
                    outcome or OUTCOMES[row[4]],
                )
            found.append(fact)
    return [
        ClientFacts(ref, initials, consent, episodes, tuple(contacts[client_id]))
        for client_id, ref, initials, consent, episodes in read.clients_open_to_both()
    ]


def figure_days(
    session: Session,
    first: date,
    last: date,
    counting: CountingContacts,
    modes: Sequence[frozenset[ContactMode]],
    *,
    team: str | None = None,
) -> list[ClientCountingFacts]:
    """`figure_facts` with each client's counting contacts as their days (`ContactDays`): for
    each of `modes` (each within `counting.modes`) and each tally of `counting`, the sorted days
    of the client's contacts of the tally's kinds, dated within it, in those modes. The database
    groups them by client, one row a client with each list as one value (SQLite's
    `group_concat`, PostgreSQL's `array_agg`), so a 24-month chart reads some 10,000 rows rather
    than 300,000, and no tuple is made per contact.

    Four queries whatever the number of clients."""
    read = _EpisodeFacts(session, first, last, team)
    if not read.both:
        return []
    modes = tuple(modes)
    chosen = _Chosen([counting])
    on_sqlite = read.connection.dialect.name == "sqlite"
    columns = []
    for these in modes:
        only = replace(counting, modes=these)
        for tally in counting.tallies:
            within = chosen.within(tally, only)
            if on_sqlite:
                columns.append(func.group_concat(ContactRow.date).filter(within))
            else:
                columns.append(func.array_agg(ContactRow.date).filter(within))
    rows = driver_rows(
        read.connection,
        select(ContactRow.client_id, *columns)
        .where(*read.counting([counting]))
        .group_by(ContactRow.client_id),
    )
    day = read.days.__getitem__
    none: tuple[tuple[date, ...], ...] = ((),) * len(counting.tallies)
    found: dict[int, ContactDays] = {}
    n = len(counting.tallies)
    for row in rows:
        lists = [
            () if value is None else tuple(sorted(map(day, value.split(",") if on_sqlite else value)))
            for value in row[1:]
        ]
        found[row[0]] = ContactDays(modes, tuple(tuple(lists[k : k + n]) for k in range(0, len(lists), n)))
    nothing = ContactDays(modes, (none,) * len(modes))
    return [
        ClientCountingFacts(ref, initials, consent, episodes, found.get(client_id, nothing))
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
    rows = driver_rows(
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


_CLIENT_ID, _EPISODE_ID = itemgetter(0), itemgetter(1)


def _among(ids: set[int], connection: Connection) -> ColumnElement[bool]:
    """The clients of `ids`, however many, as one value: a JSON array on SQLite (an `IN` list
    would need a parameter each), an array on PostgreSQL."""
    if connection.dialect.name == "sqlite":
        return ClientRow.id.in_(
            select(literal_column("value")).select_from(func.json_each(json.dumps(sorted(ids))))
        )
    return ClientRow.id == any_(bindparam("ids", sorted(ids), type_=ARRAY(Integer)))


class _EpisodeFacts:
    """The figures' first read: every episode overlapping first..last (of the clients with an
    episode of `team` overlapping it, when given) as `EpisodeFact`s in the order they were
    recorded, each client's reference, initials and consent date, and the clients open to both
    services; then the conditions that choose their counting contacts.

    The episodes come through the index that holds all their columns (`ix_episode_overlap`), as
    two runs of it (the open episodes, and those ended on or after `first`), without the client
    table (read apart, once a client), and are put in order here: asked to order them, SQLite
    would walk the client index and read every episode of the log instead. Only the episodes of
    the clients open to both services become facts."""

    def __init__(self, session: Session, first: date, last: date, team: str | None) -> None:
        self.connection = connection = session.connection()
        self.first, self.last = first, last
        organisation = {
            id_: name for id_, name in connection.execute(select(OrganisationRow.id, OrganisationRow.name))
        }
        worker = {id_: name for id_, name in connection.execute(select(WorkerRow.id, WorkerRow.name))}
        worker[None] = None  # type: ignore[index]  # None stands for no worker
        self.days = days = Days()
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
            EpisodeRow.service,
            EpisodeRow.organisation_id,
            EpisodeRow.team,
            EpisodeRow.worker_id,
            EpisodeRow.start_date,
            EpisodeRow.end_date,
        )
        if of_team:
            # One team's: from its clients (`ix_episode_team`, then each client's episodes), not
            # through the whole trust's open episodes.
            rows = driver_rows(
                connection,
                columns.where(
                    *of_team,
                    EpisodeRow.start_date <= last,
                    or_(EpisodeRow.end_date.is_(None), EpisodeRow.end_date >= first),
                ),
            )
            is_mental_health = Service.MENTAL_HEALTH.value
            by_service = [
                [r for r in rows if r[2] == is_mental_health],
                [r for r in rows if r[2] != is_mental_health],
            ]
        else:
            by_service = [
                driver_rows(
                    connection,
                    union_all(
                        columns.where(
                            EpisodeRow.end_date.is_(None), EpisodeRow.start_date <= last, of_service
                        ),
                        columns.where(
                            EpisodeRow.end_date >= first, EpisodeRow.start_date <= last, of_service
                        ),
                    ),
                )
                for of_service in (
                    EpisodeRow.service == s.value for s in (Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE)
                )
            ]
        # Only the clients open to both services are judged: their episodes alone become facts.
        # One read a service, so that the clients open to both are found in C (sets of ids).
        mental_health, substance_misuse = by_service
        self.both = both = set(map(_CLIENT_ID, mental_health)).intersection(map(_CLIENT_ID, substance_misuse))
        kept = [row for row in mental_health if row[0] in both]
        kept += [row for row in substance_misuse if row[0] in both]
        kept.sort(key=_EPISODE_ID)  # the order the episodes were recorded
        self.episodes: dict[int, list[EpisodeFact]] = {}
        episodes = self.episodes
        for client_id, _id, service, organisation_id, episode_team, worker_id, start, end in kept:
            episode = EpisodeFact(SERVICES[service], organisation[organisation_id], days[start], days[end],
                                  episode_team, worker[worker_id])  # fmt: skip
            found = episodes.get(client_id)
            if found is None:
                episodes[client_id] = [episode]
            else:
                found.append(episode)
        # Each client's reference, initials and consent, read apart: joined to every episode
        # row, the client table cost SQLite a lookup per episode (a 24-month chart reads 56,000).
        who = select(ClientRow.id, ClientRow.client_ref, ClientRow.initials, ClientRow.consent_to_share_on)
        self.clients: dict[int, tuple[str, str, date | None]] = {
            client_id: (ref, initials, days[consent])
            for client_id, ref, initials, consent in driver_rows(
                connection, who.where(_among(both, connection))
            )
        }

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
