"""A shared PostgreSQL team database (issue 6; docs/team-database.md): setting up its roles,
adding the people who use it, and bringing a laptop's SQLite log into it (`migrate-to`).

Bringing a log in is all or nothing (one transaction on the team database) and adds only what is
missing, matched as the CSV import matches rows: a worker by side and name, a client by
client_ref, an episode by client, side, organisation and start date, a contact by all of its
columns. What the team database already holds is never overwritten: the team's copy wins, and the
summary counts the records whose details differ so that someone can look at them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ddcase.domain import Definition, DomainError, FieldProblem, ValidationError
from ddcase.services.audit_files import AuditFiles
from ddcase.services.base import Context, as_record, audit_change, changed_by
from ddcase.storage import audit, discharge_notes, records, repository, team_copy, team_roles
from ddcase.storage import manual_measures as manual_store
from ddcase.storage import pdsa as pdsa_store
from ddcase.storage.database import Stamp


@dataclass(frozen=True, slots=True)
class SetupSummary:
    database: str
    created_roles: tuple[str, ...]

    def __str__(self) -> str:
        made = ", ".join(self.created_roles) if self.created_roles else "none (they existed)"
        return (
            f"Team database {self.database} is up to date; roles created: {made}. Grants of "
            f"{', '.join(team_roles.GROUP_ROLES.values())} were renewed.\n"
            "Add people with: ddcase team-setup --add-user NAME --role coordinator|manager|readonly"
        )


@dataclass(frozen=True, slots=True)
class MoveSummary:
    workers: int = 0
    clients: int = 0
    episodes: int = 0
    contacts: int = 0
    definitions: int = 0
    notes: int = 0
    settings: int = 0
    already_there: int = 0
    clients_differing: tuple[str, ...] = ()

    @property
    def added(self) -> int:
        return self.workers + self.clients + self.episodes + self.contacts + self.definitions + self.notes

    def record(self) -> dict[str, Any]:
        return {
            "workers": self.workers,
            "clients": self.clients,
            "episodes": self.episodes,
            "contacts": self.contacts,
            "definitions": self.definitions,
            "notes": self.notes,
            "settings": self.settings,
            "already_there": self.already_there,
            "clients_differing": list(self.clients_differing),
        }

    def __str__(self) -> str:
        if not self.added and not self.settings:
            text = f"Nothing to copy: all {self.already_there} records are already in the team database."
        else:
            text = (
                f"Copied into the team database: {self.workers} workers, {self.clients} clients, "
                f"{self.episodes} episodes, {self.contacts} contacts, {self.definitions} definition "
                f"versions, {self.notes} chart notes and aims, {self.settings} settings "
                f"({self.already_there} records were already there)."
            )
        if self.clients_differing:
            shown = ", ".join(self.clients_differing[:10])
            more = f" and {len(self.clients_differing) - 10} more" if len(self.clients_differing) > 10 else ""
            text += (
                f"\nThe team database's details were kept for {len(self.clients_differing)} clients "
                f"that differ from this log: {shown}{more}. Check them in the app."
            )
        return text


class TeamDatabaseService:
    """Works on the team database of its context (the target of `migrate-to`)."""

    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db

    def _require_postgresql(self, what: str) -> None:
        if self._db.engine.dialect.name != "postgresql":
            raise DomainError(
                f"{what} is for a shared PostgreSQL team database (--db postgresql+psycopg://...), "
                "not a log file."
            )

    @staticmethod
    def _require_createrole(conn: Any, what: str) -> None:
        """An owner made without CREATEROLE cannot make roles: say so, and what to run."""
        if team_roles.may_create_roles(conn):
            return
        owner = team_roles.current_role(conn)
        raise DomainError(
            f"{what} creates PostgreSQL roles, and {owner} lacks the CREATEROLE privilege, so no "
            f"role was created or granted. Ask a PostgreSQL superuser to run: ALTER ROLE {owner} CREATEROLE; "
            "then run this again (docs/team-database.md, section 2)."
        )

    # ------------------------------------------------------------------ the administrator's side

    def setup(self) -> SetupSummary:
        """`ddcase team-setup`: the schema is already migrated (bootstrap.open_services); create the
        group roles and renew their grants. Run it again after every upgrade."""
        self._require_postgresql("team-setup")
        with self._db.write() as session:
            self._require_createrole(session.connection(), "team-setup")
            created = team_roles.grant_roles(session.connection())
            audit_change(
                self._context,
                session,
                action="team-setup",
                entity="team_database",
                key=None,
                after={"created_roles": created},
            )
        return SetupSummary(self._db.engine.url.database or "", tuple(created))

    def add_user(self, name: str, role: str, password: str | None) -> str:
        """Create a person's login role (or change their role). Without a password they log in by
        certificate or GSSAPI (Kerberos), as the server's pg_hba.conf says."""
        self._require_postgresql("Adding a user")
        problem = team_roles.check_login_name(name)
        if problem:
            raise ValidationError([FieldProblem("name", problem)])
        if role not in team_roles.GROUP_ROLES:
            raise ValidationError([FieldProblem("role", "the role is coordinator, manager or readonly")])
        with self._db.write() as session:
            conn = session.connection()
            self._require_createrole(conn, "Adding a user")
            verifier = None if password is None else team_roles.scram_verifier(conn, name, password)
            try:
                created = team_roles.add_login(conn, name, role, verifier)
            except LookupError:
                raise DomainError(
                    "The team database has no ddcase roles yet: run `ddcase team-setup` first."
                ) from None
            except PermissionError:
                groups = ", ".join(team_roles.GROUP_ROLES.values())
                raise DomainError(
                    f"{name} is an existing PostgreSQL role that ddcase did not create (a superuser, "
                    f"a role that can create roles, or not a member of {groups}), so it was left as "
                    "it is: neither its password nor its memberships were changed. Choose another "
                    "login name for this person."
                ) from None
            audit_change(
                self._context,
                session,
                action="add-user" if created else "change-user",
                entity="team_database",
                key=name,
                after={"role": role, "password": password is not None},
            )
        verb = "created" if created else "updated"
        how = "with a password" if password is not None else "without a password (certificate or GSSAPI)"
        return f"Login {name} {verb} as {team_roles.GROUP_ROLES[role]}, {how}."

    # ------------------------------------------------------------------ migrate-to

    def bring_in(self, source: Context, source_name: str) -> MoveSummary:
        """Copy the log behind `source` into this team database: all or nothing, and a second run
        adds nothing. Refuses a log whose audit trail is broken, and a log whose definition
        versions differ from the team's (unless the team database is still empty)."""
        log = self._read_source(source)
        with self._db.write() as session:
            summary = self._copy(session, log)
            audit_change(
                self._context,
                session,
                action="migrate-to",
                entity="team_database",
                key=source_name[:120],
                after={**summary.record(), "source_audit_head": log["audit_head"]},
            )
        return summary

    def _read_source(self, source: Context) -> dict[str, Any]:
        with source.db.read() as session:
            chain = audit.verify(session)
            if not chain.intact:
                raise DomainError(
                    f"This log's audit trail is broken ({chain.problem}), so it was not copied. "
                    "Run `ddcase check` and sort it out first."
                )
            return {
                "workers": repository.workers(session),
                "clients": repository.clients(session),
                "episodes": repository.all_episodes(session),
                "contacts": repository.all_contacts(session),
                "definitions": repository.definitions(session),
                "annotations": repository.all_annotations(session),
                "measures": team_copy.measure_settings(session),
                "manual_measures": [
                    (m, manual_store.values(session, m.id) if m.id is not None else [])
                    for m in manual_store.measures(session, every_team=True)
                ],
                "cycles": pdsa_store.cycles(session, every_team=True),
                "settings": repository.settings(session),
                "is_demo": repository.settings(session).get("is_demo") == "yes",
                "audit_head": team_copy.audit_head(session),
                # issue 17: the discharge reasons by episode, and the caseload audits
                "discharge_notes": _notes_by_episode(session),
                "caseload_audits": AuditFiles.snapshot(session),
            }

    def _copy(self, session: Any, log: dict[str, Any]) -> MoveSummary:
        team_is_empty = not repository.has_records(session)
        definitions = self._definitions_to_add(
            repository.definitions(session), log["definitions"], team_is_empty
        )

        known_workers = set(repository.worker_ids(session))
        workers = [w for w in log["workers"] if (w.service.value, w.name) not in known_workers]

        team_clients = {c.client_ref: c for c in repository.clients(session)}
        clients = [c for c in log["clients"] if c.client_ref not in team_clients]
        differing = tuple(
            c.client_ref
            for c in log["clients"]
            if c.client_ref in team_clients
            and _client_details(team_clients[c.client_ref]) != _client_details(c)
        )

        def episode_key(e: Any) -> tuple[Any, ...]:
            return (e.client_ref, e.service, e.organisation, e.start_date)

        known_episodes = {episode_key(e) for e in repository.all_episodes(session)}
        episodes = [e for e in log["episodes"] if episode_key(e) not in known_episodes]

        known_contacts = team_copy.contact_fingerprints(session)
        contacts = [c for c in log["contacts"] if repository.contact_fingerprint(c) not in known_contacts]

        stamp: Stamp = {
            "updated_at": self._context.now(),
            "updated_by": changed_by(self._context),
        }
        repository.insert_new(
            session, workers, clients, episodes, contacts, stamp=stamp, is_demo=log["is_demo"]
        )
        team_copy.add_definitions(session, definitions, stamp)

        known_notes = {(a.month, a.team, a.text) for a in repository.all_annotations(session)}
        notes = [a for a in log["annotations"] if (a.month, a.team, a.text) not in known_notes]
        team_copy.add_notes(session, notes, stamp)
        known_measures = {row.team for row in team_copy.measure_settings(session)}
        measures = [m for m in log["measures"] if m.team not in known_measures]
        team_copy.add_measure_settings(session, measures, stamp)
        manual = team_copy.add_manual_measures(session, log["manual_measures"], stamp)
        self._copy_issue_17(session, log)
        # PDSA cycles (issue 16 item 6): one the team lacks (by team, title and start) is added.
        known_cycles = {(c.team, c.title, c.start) for c in pdsa_store.cycles(session, every_team=True)}
        cycles = [c for c in log["cycles"] if (c.team, c.title, c.start) not in known_cycles]
        for cycle in cycles:
            pdsa_store.add_cycle(session, cycle, stamp)
        known_settings = repository.settings(session)
        settings = {k: v for k, v in log["settings"].items() if k not in known_settings}
        team_copy.add_settings(session, settings)

        total = sum(len(log[k]) for k in ("workers", "clients", "episodes", "contacts"))
        return MoveSummary(
            workers=len(workers),
            clients=len(clients),
            episodes=len(episodes),
            contacts=len(contacts),
            definitions=len(definitions),
            notes=len(notes) + len(measures) + manual + len(cycles),
            settings=len(settings),
            already_there=total - len(workers) - len(clients) - len(episodes) - len(contacts),
            clients_differing=differing,
        )

    def _copy_issue_17(self, session: Any, log: dict[str, Any]) -> None:
        """The discharge notes the team lacks (by episode: client, side, provider, start) and the
        caseload audits, rounds and answers it lacks."""
        records.flush(session)
        ids = {
            (e.client_ref, e.service, e.organisation, e.start_date): e.id
            for e in repository.all_episodes(session)
        }
        noted = {episode_id for episode_id, _ in discharge_notes.all_notes(session)}
        for key, reason in log["discharge_notes"].items():
            episode_id = ids.get(key)
            if episode_id is not None and episode_id not in noted:
                records.store(
                    session,
                    discharge_notes.new_note(episode_id, reason),
                    at=self._context.now(),
                    by=changed_by(self._context),
                )
        AuditFiles(self._context).add_missing(session, log["caseload_audits"])

    @staticmethod
    def _definitions_to_add(
        team: list[Definition], log: list[Definition], team_is_empty: bool
    ) -> list[Definition]:
        """SPEC §2: figures depend on the definition, so a log judged by other versions cannot
        join a team's figures unnoticed. Identical versions: nothing to add. An empty team
        database takes the log's later versions (moving a whole team). Otherwise: refuse."""

        def rules(d: Definition) -> tuple[Any, ...]:
            # What a version decides; its note and when and where it was agreed change no figure.
            return (d.version, d.first_month, *d.rules())

        team_rules, log_rules = [rules(d) for d in team], [rules(d) for d in log]
        if team_rules == log_rules:
            return []
        if team_is_empty and log_rules[: len(team_rules)] == team_rules:
            return log[len(team) :]
        raise DomainError(
            "This log judges months by different definition versions from the team database "
            f"(the log has {len(log)}, the team {len(team)}), so it was not copied: the team's "
            "figures would change unnoticed. Agree the same definition in both first, or ask the "
            "team's manager (docs/team-database.md)."
        )


def _notes_by_episode(session: Any) -> dict[tuple[Any, ...], str | None]:
    episodes = {e.id: e for e in repository.all_episodes(session)}
    return {
        (e.client_ref, e.service, e.organisation, e.start_date): reason
        for episode_id, reason in discharge_notes.all_notes(session)
        if (e := episodes.get(episode_id)) is not None
    }


def _client_details(client: Any) -> dict[str, Any]:
    record = as_record(client)
    record.pop("id", None)
    record.pop("version", None)
    return record
