"""The figures' read side: what the rules need to judge a month, read set-based in a few
queries whatever the number of clients. `month_facts` is the fast path (the database counts each
client's counting contacts), `figure_days` gives each client's counting days for the chart's
months, `figure_facts` lists the contacts, and `histories` reads whole histories for the to-do list.

Every query is SQL text run on the driver's own connection (`storage/driver.Reader`), whether
the caller holds a session (the app: the session's connection, in its transaction) or a plain
read of a file (`ddcase figures`, which then never imports SQLAlchemy: issue 18); each dialect's
differences are the Reader's. Rows <-> values are driver_values.py's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from operator import itemgetter
from typing import TYPE_CHECKING, Any

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
    Definition,
    Episode,
    EpisodeFact,
    Outcome,
    Service,
)
from ddcase.storage import driver_values
from ddcase.storage.driver import Beside, Reader, in_list, reader_of
from ddcase.storage.driver_values import (
    CLIENT_COLUMNS,
    CONTACT_COLUMNS,
    KINDS,
    MODES,
    OUTCOMES,
    SERVICES,
    Days,
    client_of,
    contact_of,
    worker_names,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: A condition (or any piece of SQL) and its parameters, in the order of its placeholders.
Sql = tuple[str, list[Any]]


def _all(parts: Sequence[Sql]) -> Sql:
    """Every one of `parts` holds."""
    if len(parts) == 1:
        return parts[0]
    return " AND ".join(f"({text})" for text, _ in parts), [p for _, params in parts for p in params]


def _any(parts: Sequence[Sql]) -> Sql:
    """One of `parts` holds."""
    return " OR ".join(f"({text})" for text, _ in parts), [p for _, params in parts for p in params]


def definitions(source: Session | Reader) -> list[Definition]:
    """The agreed definition versions (repository.definitions reads them the same way)."""
    return driver_values.definitions(reader_of(source))


# ---------------------------------------------------------------- histories for the rules

_OVERLAPPING = "episode.start_date <= ? AND (episode.end_date IS NULL OR episode.end_date >= ?)"


def histories(
    source: Session | Reader,
    first: date,
    last: date,
    contacts_from: date,
    contacts_to: date | None = None,
) -> list[ClientHistory]:
    """Every client with a mental_health and a substance_misuse episode both overlapping
    first..last, with all their episodes and their contacts from `contacts_from` to
    `contacts_to` (by default `last`): the to-do list looks ahead to next month and follows up
    missed appointments; the figures use the lighter `figure_days` and `month_facts`.

    Set-based: three queries whatever the number of clients, and in a fixed order, so that both
    databases hand the rules the same sequence.
    """
    reader = reader_of(source)
    days = Days()
    candidates = (
        f"SELECT episode.client_id FROM episode WHERE {_OVERLAPPING} AND episode.service = ? "
        f"INTERSECT SELECT episode.client_id FROM episode WHERE {_OVERLAPPING} AND episode.service = ?"
    )
    chosen = [last, first, Service.MENTAL_HEALTH.value, last, first, Service.SUBSTANCE_MISUSE.value]
    by_id: dict[int, Client] = {}
    clients = ", ".join(f"client.{name}" for name in CLIENT_COLUMNS)
    for row in reader.rows(
        f"SELECT {clients} FROM client WHERE client.id IN ({candidates}) ORDER BY client.client_ref", chosen
    ):
        client = client_of(row, days)
        by_id[client.id] = client  # type: ignore[index]  # a client read back has its id
    if not by_id:
        return []
    refs = {id_: client.client_ref for id_, client in by_id.items()}
    episodes: dict[int, list[Episode]] = defaultdict(list)
    for id_, client_id, service, team, start, end, version, organisation, worker in reader.rows(
        "SELECT episode.id, episode.client_id, episode.service, episode.team, episode.start_date, "
        "episode.end_date, episode.version, organisation.name, worker.name FROM episode "
        "JOIN organisation ON episode.organisation_id = organisation.id "
        "LEFT OUTER JOIN worker ON episode.worker_id = worker.id "
        f"WHERE episode.client_id IN ({candidates}) AND {_OVERLAPPING} "
        "ORDER BY episode.client_id, episode.service, episode.start_date, episode.id",
        [*chosen, last, first],
    ):
        episodes[client_id].append(
            Episode(
                refs[client_id],
                SERVICES[service],
                organisation,
                days[start],
                days[end],
                team,
                worker,
                id_,
                version,
            )  # fmt: skip
        )
    names = worker_names(reader)
    contacts: dict[int, list[Contact]] = defaultdict(list)
    columns = ", ".join(f"contact.{name}" for name in CONTACT_COLUMNS)
    for row in reader.rows(
        f"SELECT {columns} FROM contact WHERE contact.client_id IN ({candidates}) "
        "AND contact.date >= ? AND contact.date <= ? ORDER BY contact.client_id, contact.date, contact.id",
        [*chosen, contacts_from, last if contacts_to is None else contacts_to],
    ):
        contacts[row[1]].append(contact_of(row, refs[row[1]], names, days))
    return [
        ClientHistory(client, tuple(episodes[id_]), tuple(contacts[id_])) for id_, client in by_id.items()
    ]


def figure_facts(
    source: Session | Reader,
    first: date,
    last: date,
    counting: CountingContacts,
    *,
    team: str | None = None,
) -> list[ClientFacts]:
    """What the monthly figures need of every client with a mental_health and a substance_misuse
    episode both overlapping first..last: `histories`, lighter. Only the columns the rules read,
    as tuples (names looked up in small dictionaries rather than joined per row), and only the
    contacts `counting` says can count in some month of first..last (the rules work it out from
    the criteria table). Episodes come in the order they were recorded.

    With `team`, only the clients with an episode of that team overlapping first..last (SPEC §1:
    the only ones who can count for it), chosen in SQL; their every episode and counting contact
    still comes, so each is judged as with no team. The rules still apply the team's own test
    (an episode of the team open on a mutual day of the month).

    Four queries whatever the number of clients (five for one team: its clients first).
    """
    read = _EpisodeFacts(reader_of(source), first, last, team)
    if not read.both:
        return []
    contacts: dict[int, list[ContactFact]] = {client_id: [] for client_id in read.both}
    # The same day, kind and mode recur across a trust's clients: one ContactFact for each.
    facts_of: dict[tuple[Any, ...], ContactFact] = {}
    fact_of = facts_of.get
    days = read.days
    # One counting outcome (attended, SPEC §1) is not read back from every row.
    (outcome,) = counting.outcomes if len(counting.outcomes) == 1 else (None,)
    columns = "contact.client_id, contact.date, contact.kind, contact.mode"
    if outcome is None:
        columns += ", contact.outcome"
    where, params = _all(_counting(read.reader, [counting], first, last, team, read.both))
    for row in read.reader.rows(f"SELECT {columns} FROM contact WHERE {where}", params):
        found = contacts.get(row[0])
        if found is not None:  # a client open to both services
            key = row[1:]  # day, kind, mode (and outcome, when read)
            fact = fact_of(key)
            if fact is None:
                fact = facts_of[key] = ContactFact(
                    days[row[1]],
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
    source: Session | Reader,
    first: date,
    last: date,
    counting: CountingContacts,
    modes: Sequence[frozenset[ContactMode]],
    *,
    team: str | None = None,
    beside: Beside | None = None,
) -> list[ClientCountingFacts]:
    """`figure_facts` with each client's counting contacts as their days (`ContactDays`): for
    each of `modes` (each within `counting.modes`) and each tally of `counting`, the sorted days
    of the client's contacts of the tally's kinds, dated within it, in those modes. The database
    groups them by client, one row a client with each list as one value (`Reader.days_of`:
    SQLite's `group_concat`, PostgreSQL's `array_agg`), so a 24-month chart reads some 10,000
    rows rather than 300,000, and no tuple is made per contact.

    Four queries whatever the number of clients (five for one team: its clients first). With
    `beside`, the contacts' query runs on its second connection (the same snapshot) while the
    episodes are read and made facts here."""
    reader = reader_of(source)
    modes = tuple(modes)
    chosen = _Chosen([counting])
    columns: list[Sql] = []
    for these in modes:
        only = replace(counting, modes=these)
        for tally in counting.tallies:
            within, params = chosen.within(tally, only)
            columns.append((reader.days_of("contact.date", within), params))
    contacts = _ContactsRead(reader, columns, [counting], first, last, team, beside)
    read = _EpisodeFacts(reader, first, last, team)
    if not read.both:
        return []
    rows = contacts.rows(read.both)
    day = read.days.__getitem__
    split = reader.split_days
    none: tuple[tuple[date, ...], ...] = ((),) * len(counting.tallies)
    found: dict[int, ContactDays] = {}
    n = len(counting.tallies)
    starts = range(0, n * len(modes), n)
    new = tuple.__new__  # as ContactDays' own __new__ does, without its Python call (a row a client)
    both = read.both
    one = len(modes) == 1  # most ranges: each list is the one set of modes' (no slicing)
    for client_id, *values in rows:
        if client_id not in both:  # read beside, by date: every client's (`_ContactsRead`)
            continue
        lists = [() if value is None else tuple(sorted(map(day, split(value)))) for value in values]
        found[client_id] = new(
            ContactDays, (modes, (tuple(lists),) if one else tuple([tuple(lists[k : k + n]) for k in starts]))
        )
    nothing = ContactDays(modes, (none,) * len(modes))
    # As `clients_open_to_both` gives them, without its tuple a client made first.
    clients, episodes, get = read.clients, read.episodes, found.get
    return [
        new(ClientCountingFacts, (*clients[client_id], tuple(episodes[client_id]), get(client_id, nothing)))
        for client_id in both
    ]


def month_facts(
    source: Session | Reader,
    first: date,
    last: date,
    countings: Sequence[CountingContacts],
    *,
    team: str | None = None,
    beside: Beside | None = None,
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
    clients with no counting contact come with zero counts. With `beside`, the contacts' count
    runs on its second connection (the same snapshot) while the episodes are read here."""
    reader = reader_of(source)
    chosen = _Chosen(countings)
    columns: list[Sql] = []
    for counting in countings:
        for tally in counting.tallies:
            within, params = chosen.within(tally, counting)
            columns.append((f"sum(CASE WHEN {within} THEN 1 ELSE 0 END)", params))
        within, params = chosen.within(counting.latest, counting)
        columns.append((f"max(CASE WHEN {within} THEN contact.date END)", params))
    contacts = _ContactsRead(reader, columns, countings, first, last, team, beside)
    read = _EpisodeFacts(reader, first, last, team)
    if not read.both:
        return [[] for _ in countings]
    days = read.days
    rows = contacts.rows(read.both)
    clients = read.clients_open_to_both()
    found: list[list[ClientMonthFacts]] = []
    at = 1
    new = tuple.__new__  # as the named tuples' own __new__ does, without its Python call (a client each)
    for counting in countings:
        n = len(counting.tallies)
        counted = {row[0]: new(ContactCounts, (row[at : at + n], days[row[at + n]])) for row in rows}
        none = ContactCounts((0,) * n, None)
        found.append(
            [
                new(ClientMonthFacts, (ref, initials, consent, episodes, counted.get(client_id, none)))
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

    def conditions(self) -> list[Sql]:
        by_day: dict[date, list[str]] = defaultdict(list)
        for kind, day in sorted(self.since.items()):
            by_day[day].append(kind)
        kinds = [
            in_list("contact.kind", names)
            if day <= self.first
            else _all([in_list("contact.kind", names), ("contact.date >= ?", [day])])
            for day, names in sorted(by_day.items())
        ]
        return [
            ("contact.date >= ?", [self.first]),
            ("contact.date <= ?", [self.last]),
            self._outcome(self.outcomes),
            kinds[0] if len(kinds) == 1 else _any(kinds),
            *((self._mode(self.modes),) if self.modes != frozenset(ContactMode) else ()),
        ]

    @staticmethod
    def _outcome(outcomes: frozenset[Outcome]) -> Sql:
        values = sorted(o.value for o in outcomes)
        return ("contact.outcome = ?", values) if len(values) == 1 else in_list("contact.outcome", values)

    @staticmethod
    def _mode(modes: frozenset[ContactMode]) -> Sql:
        text, params = in_list("contact.mode", sorted(m.value for m in ContactMode if m not in modes))
        return text.replace(" IN ", " NOT IN ", 1), params

    def within(self, tally: ContactTally, counting: CountingContacts) -> Sql:
        """Of the chosen contacts, those in `tally` of `counting`."""
        parts: list[Sql] = []
        names = {k.value for k in tally.kinds}
        if not names >= self.kinds:
            parts.append(in_list("contact.kind", sorted(names)))
        if any(self.since[k] < tally.first for k in names):
            parts.append(("contact.date >= ?", [tally.first]))
        if tally.last < self.last:
            parts.append(("contact.date <= ?", [tally.last]))
        if counting.outcomes != self.outcomes:
            parts.append(self._outcome(counting.outcomes))
        if counting.modes != self.modes:
            parts.append(self._mode(counting.modes))
        return _all(parts) if parts else ("contact.id IS NOT NULL", [])


_CLIENT_ID, _EPISODE_ID = itemgetter(0), itemgetter(1)

#: An episode's columns as the figures read them: whether it is a mental_health episode (its
#: parameter: the service's stored text) as a number, not the text: one object less a row.
_EPISODE_COLUMNS = (
    "SELECT episode.client_id, episode.id, episode.service = ?, episode.organisation_id, episode.team, "
    "episode.worker_id, episode.start_date, episode.end_date FROM episode"
)
#: A service by what `_EPISODE_COLUMNS` says of it (0 or 1 on SQLite, False or True on PostgreSQL).
_SERVICE_OF = (Service.SUBSTANCE_MISUSE, Service.MENTAL_HEALTH)
#: The clients with an episode of a team overlapping a range (its parameters: last, first, team).
_IN_TEAM = (
    "SELECT of_team.client_id FROM episode AS of_team WHERE of_team.start_date <= ? "
    "AND (of_team.end_date IS NULL OR of_team.end_date >= ?) AND of_team.team = ?"
)


#: From this many days, all teams' counting contacts are read client by client (the clients open
#: to both services, through `ix_contact_client`: client, date, outcome, kind, mode) rather than
#: by date (`ix_contact_figures`): by client, SQLite needs no sort for the `GROUP BY` and skips
#: the contacts of clients open to one service. On the trust data set (12,000 clients open to
#: both in 24 months) that is 0.16 s against 0.23 s for the 24 months' query; they are even
#: at about six months, and for one month the date's run is the cheaper (0.022 against 0.027 s).
#: One team's contacts are read by its clients open to both services, whatever the range.
_BY_CLIENT_DAYS = 183


class _EpisodeFacts:
    """The figures' first read: every episode overlapping first..last (of the clients with an
    episode of `team` overlapping it, when given) as `EpisodeFact`s in the order they were
    recorded, each client's reference, initials and consent date, and the clients open to both
    services.

    The episodes come through the index that holds all their columns (`ix_episode_overlap`), as
    two runs of it (the open episodes, and those ended on or after `first`), without the client
    table (read apart, once a client), and are put in order here: asked to order them, SQLite
    would walk the client index and read every episode of the log instead. Only the episodes of
    the clients open to both services become facts."""

    def __init__(self, reader: Reader, first: date, last: date, team: str | None) -> None:
        self.reader = reader
        organisation = dict(reader.rows("SELECT id, name FROM organisation"))
        worker = worker_names(reader)
        self.days = days = Days()
        stored_mh = Service.MENTAL_HEALTH.value  # `_EPISODE_COLUMNS`' parameter
        if team is not None:
            # One team's: its clients first (`ix_episode_team`), then their episodes (each
            # client's, `ix_episode_client`), never the whole trust's open episodes. Two
            # statements, not one with the clients as a subquery: given the subquery, PostgreSQL
            # (with statistics) hashed every episode of the trust overlapping the range against
            # it, a cost that grows with the trust, not the team (docs/performance.md, issue 18,
            # sixth round).
            team_clients = {client_id for (client_id,) in reader.rows(_IN_TEAM, [last, first, team])}
            among, params = reader.among("episode.client_id", team_clients)
            rows = (
                reader.rows(
                    f"{_EPISODE_COLUMNS} WHERE {among} AND {_OVERLAPPING}", [stored_mh, *params, last, first]
                )
                if team_clients
                else []
            )
            by_service = [[r for r in rows if r[2]], [r for r in rows if not r[2]]]
        else:
            by_service = [
                reader.rows(
                    f"{_EPISODE_COLUMNS} WHERE episode.end_date IS NULL AND episode.start_date <= ? "
                    f"AND episode.service = ? UNION ALL {_EPISODE_COLUMNS} WHERE episode.end_date >= ? "
                    "AND episode.start_date <= ? AND episode.service = ?",
                    [stored_mh, last, service.value, stored_mh, first, last, service.value],
                )
                for service in (Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE)
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
        new, service_of = tuple.__new__, _SERVICE_OF
        for client_id, _id, is_mental_health, organisation_id, episode_team, worker_id, start, end in kept:
            # tuple.__new__, as the named tuple's own __new__ does, without its Python call: a
            # 24-month chart makes some 55,000.
            episode = new(EpisodeFact, (service_of[is_mental_health], organisation[organisation_id],
                                        days[start], days[end], episode_team, worker[worker_id]))  # fmt: skip
            found = episodes.get(client_id)
            if found is None:
                episodes[client_id] = [episode]
            else:
                found.append(episode)
        # Each client's reference, initials and consent, read apart: joined to every episode
        # row, the client table cost SQLite a lookup per episode (a 24-month chart reads 56,000).
        self.clients: dict[int, tuple[str, str, date | None]] = {}
        if both:
            among, params = reader.among("client.id", both)
            self.clients = {
                client_id: (ref, initials, days[consent])
                for client_id, ref, initials, consent in reader.rows(
                    f"SELECT client.id, client.client_ref, client.initials, client.consent_to_share_on "
                    f"FROM client WHERE {among}",
                    params,
                )
            }

    def clients_open_to_both(self) -> list[tuple[int, str, str, date | None, tuple[EpisodeFact, ...]]]:
        """Each client open to both services: id, reference, initials, consent date, episodes."""
        clients, episodes = self.clients, self.episodes
        return [(client_id, *clients[client_id], tuple(episodes[client_id])) for client_id in self.both]


def _counting(
    reader: Reader,
    countings: Sequence[CountingContacts],
    first: date,
    last: date,
    team: str | None,
    both: set[int] | None,
) -> list[Sql]:
    """The contacts any of `countings` says can count: of the clients open to both services
    (`both`, when known) for one team, or over a long range (`_BY_CLIENT_DAYS`). Without `both`
    (read beside the episodes, the clients not known yet), the contacts of every client: by
    client over a long range (`Reader.every_client`: on SQLite, through `ix_contact_client`, no
    sort for the `GROUP BY`), else by date. A superset, as every read here keeps only the rows
    of the clients open to both."""
    conditions = _Chosen(countings).conditions()
    long = (last - first).days >= _BY_CLIENT_DAYS
    if both is not None and (team is not None or long):
        # By the clients' ids, not the team's clients as a subquery: given that, PostgreSQL
        # hashed the whole trust's contacts in range against it (issue 18, sixth round).
        conditions.append(reader.among("contact.client_id", both))
    elif both is None and long:
        conditions += reader.every_client("contact.client_id")
    return conditions


class _ContactsRead:
    """The figures' read of the counting contacts (`columns`: what is read of each client's,
    grouped by client), on the main reader once the clients open to both are known (`rows`),
    or begun at once on `beside`'s connection, in its thread, before the
    episodes are read: then for every client (`_counting` without `both`: by client over a long
    range, by date over a short one), since the clients are not known yet, and done whole in
    the statement's first step (`Reader.at_once`); the readers keep the rows of those open to
    both. The rows are the same either way (tests/storage/test_figures_beside.py)."""

    def __init__(
        self,
        reader: Reader,
        columns: list[Sql],
        countings: Sequence[CountingContacts],
        first: date,
        last: date,
        team: str | None,
        beside: Beside | None,
    ) -> None:
        selected = ", ".join(text for text, _ in columns)
        self.reader, self.params = reader, [p for _, params in columns for p in params]
        self.select = (
            f"SELECT contact.client_id, {selected} FROM contact WHERE {{}} GROUP BY contact.client_id"
        )
        self.countings, self.first, self.last, self.team = countings, first, last, team
        if beside is None:
            self.begun = None
        else:
            # Done whole in its first step (`Reader.at_once`): streamed, it would wait on
            # Python's lock at every row while this thread makes the episodes' facts.
            sql, params = self._statement(None)
            self.begun = beside.rows(reader.at_once(sql), params)

    def _statement(self, both: set[int] | None) -> Sql:
        where, params = _all(_counting(self.reader, self.countings, self.first, self.last, self.team, both))
        return self.select.replace("{}", where), self.params + params

    def rows(self, both: set[int]) -> list[tuple[Any, ...]]:
        """The contacts' rows (with `beside`: when its read has ended; its error is raised here)."""
        if self.begun is not None:
            return self.begun.result()
        return self.reader.rows(*self._statement(both))
