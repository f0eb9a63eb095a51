"""The shared PostgreSQL team database (issue 6): who may do what, with real roles on the test
server; passwords; and bringing a laptop's SQLite log in with `migrate-to`."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from ddcase.cli import main, open_services
from ddcase.domain import (
    Annotation,
    Client,
    Contact,
    ContactKind,
    ContactMode,
    Definition,
    DomainError,
    Episode,
    Month,
    Role,
    Service,
    Worker,
)
from ddcase.storage import audit
from ddcase.storage.database import PermissionDeniedError, StorageError, make_engine
from ddcase.storage.tables import AuditEventRow
from tests.pg_server import PASSWORD_USER

MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE
_names = itertools.count(1)


def as_user(url: str, user: str) -> str:
    return make_url(url).set(username=user).render_as_string(hide_password=False)


@pytest.fixture
def team_db(pg_database, capsys) -> str:
    """An empty team database set up by `ddcase team-setup`, as its administrator would."""
    url = pg_database()
    assert main(["team-setup", "--db", url]) == 0
    assert "roles created" in capsys.readouterr().out
    return url


def add_person(url: str, role: str) -> str:
    name = f"{role}_{next(_names)}"
    assert main(["team-setup", "--db", url, "--add-user", name, "--role", role, "--no-password"]) == 0
    return name


def a_client_with_episodes(services) -> None:
    services.casework.save_worker(Worker("Ann Smith", "ELFT", MH, Role.CARE_COORDINATOR))
    services.casework.save_worker(Worker("Bob Jones", "ResoLUTiONs", SM, Role.KEY_WORKER))
    services.casework.save_client(Client("RT100001", "AB", consent_to_share_on=date(2026, 1, 5)))
    services.casework.save_episode(
        Episode("RT100001", MH, "ELFT", date(2025, 4, 1), team="Luton North CMHT", worker="Ann Smith")
    )
    services.casework.save_episode(
        Episode("RT100001", SM, "ResoLUTiONs", date(2026, 9, 1), worker="Bob Jones")
    )


# ---------------------------------------------------------------------- roles and grants


def test_a_readonly_person_reads_the_figures_but_cannot_record(team_db):
    admin = open_services(team_db)
    a_client_with_episodes(admin)
    admin.close()
    reader = open_services(as_user(team_db, add_person(team_db, "readonly")))
    try:
        assert reader.context.user.startswith("readonly_")
        assert [c.client_ref for c in reader.casework.clients()] == ["RT100001"]
        assert reader.figures.month(Month.parse("2026-10")).mutual_clients == 1
        with pytest.raises(
            PermissionDeniedError, match="You do not have permission to record or edit clients"
        ):
            reader.casework.save_client(Client("RT100002", "CD"))
        assert reader.maintenance.check().ok
    finally:
        reader.close()


def test_a_coordinator_records_as_themselves_but_cannot_change_the_definition(team_db):
    name = add_person(team_db, "coordinator")
    coordinator = open_services(as_user(team_db, name))
    try:
        a_client_with_episodes(coordinator)
        client = coordinator.casework.client("RT100001")
        coordinator.casework.save_client(replace(client, initials="AC"))
        with pytest.raises(
            DomainError, match="You do not have permission to change the operational definition"
        ):
            coordinator.definitions.agree(Definition(liaison=False), Month.parse("2026-12"))
        with pytest.raises(DomainError, match="You do not have permission to change the chart notes"):
            coordinator.notes.save_annotation(Annotation(Month.parse("2026-10"), "Joint clinic started"))
        with coordinator.context.db.read() as session:
            users = set(
                session.scalars(
                    select(AuditEventRow.app_user).where(
                        AuditEventRow.entity.in_(["client", "worker", "episode"])
                    )
                )
            )
        assert users == {name}
        assert coordinator.casework.client("RT100001").version == 2
    finally:
        coordinator.close()


def test_an_audit_entry_must_name_the_person_connected_and_cannot_be_changed(team_db):
    name = add_person(team_db, "coordinator")
    coordinator = open_services(as_user(team_db, name))
    try:
        coordinator.context.user = "someone else"
        with pytest.raises(PermissionDeniedError):
            coordinator.casework.save_client(Client("RT100009", "ZZ"))
        coordinator.context.user = name
        coordinator.casework.save_client(Client("RT100009", "ZZ"))
        for statement in (
            "UPDATE audit_event SET app_user = 'x'",
            "DELETE FROM audit_event",
            "TRUNCATE audit_event",
        ):
            with pytest.raises(PermissionDeniedError, match="write to the audit trail|do that"):
                with coordinator.context.db.write() as session:
                    session.execute(text(statement))
        assert coordinator.maintenance.check().ok
    finally:
        coordinator.close()


def test_a_manager_can_change_the_definition_and_the_notes(team_db):
    manager = open_services(as_user(team_db, add_person(team_db, "manager")))
    try:
        agreed = manager.definitions.agree(Definition(liaison=False), Month.parse("2026-12"))
        assert agreed.version == 2
        manager.notes.save_annotation(Annotation(Month.parse("2026-10"), "Joint clinic started"))
        a_client_with_episodes(manager)  # a manager is also a coordinator
    finally:
        manager.close()


def test_a_manager_purges_and_the_trail_loses_the_values_but_a_coordinator_cannot(team_db):
    """On the team database too, a purge removes the anonymised client's values from the trail
    (a manager's task: only managers may delete from audit_value), and the chain still verifies."""
    manager = open_services(as_user(team_db, add_person(team_db, "manager")))
    try:
        a_client_with_episodes(manager)
        for episode in manager.casework.episodes("RT100001"):
            manager.casework.save_episode(replace(episode, end_date=date(2026, 10, 31)))
    finally:
        manager.close()
    coordinator = open_services(as_user(team_db, add_person(team_db, "coordinator")))
    try:
        with pytest.raises(PermissionDeniedError):
            coordinator.retention.purge(date(2026, 11, 1))
        assert coordinator.casework.client("RT100001").initials == "AB"
    finally:
        coordinator.close()
    manager = open_services(as_user(team_db, add_person(team_db, "manager")))
    try:
        assert manager.retention.purge(date(2026, 11, 1)).clients == ("RT100001",)
        history = manager.audit_trail.history("RT100001")
        assert [e.action for e in history[-2:]] == ["redact", "purge"]
        assert all(e.redacted for e in history[:-2]) and len(history) > 2
        assert manager.audit_trail.verify().intact
    finally:
        manager.close()


def test_running_team_setup_again_changes_nothing_and_add_user_can_change_a_role(team_db, capsys, pg_admin):
    assert main(["team-setup", "--db", team_db]) == 0
    assert "none (they existed)" in capsys.readouterr().out
    name = add_person(team_db, "readonly")
    assert (
        main(["team-setup", "--db", team_db, "--add-user", name, "--role", "manager", "--no-password"]) == 0
    )
    assert "updated as ddcase_manager" in capsys.readouterr().out
    with pg_admin.engine.connect() as conn:
        groups = conn.execute(
            text(
                "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = :n"
            ),
            {"n": name},
        ).scalars()
        assert list(groups) == ["ddcase_manager"]


def test_team_setup_is_refused_for_a_log_file(capsys, tmp_path):
    code = main(["team-setup", "--db", str(tmp_path / "log.sqlite3")])
    assert code == 2 and "PostgreSQL team database" in capsys.readouterr().err


def test_a_new_password_is_not_read_from_a_pipe(team_db, capsys):
    code = main(["team-setup", "--db", team_db, "--add-user", "someone", "--role", "readonly"])
    assert code == 2 and "--no-password" in capsys.readouterr().err


# ---------------------------------------------------------------------- passwords


@pytest.fixture
def password_user(team_db, pg_admin) -> str:
    """PASSWORD_USER must give a password (pg_hba.conf of the test server); it is set here."""
    services = open_services(team_db)
    try:
        services.team_database.add_user(PASSWORD_USER, "readonly", "correct horse battery staple")
    finally:
        services.close()
    with pg_admin.engine.connect() as conn:
        stored = conn.execute(
            text("SELECT rolpassword FROM pg_authid WHERE rolname = :n"), {"n": PASSWORD_USER}
        )
        assert stored.scalar().startswith("SCRAM-SHA-256$")  # a verifier, not the password
    return as_user(team_db, PASSWORD_USER)


def test_the_password_is_asked_for_once_when_the_server_wants_one(password_user):
    asked: list[str] = []

    def prompt(where: str) -> str:
        asked.append(where)
        return "correct horse battery staple"

    engine = make_engine(password_user, password_prompt=prompt)
    try:
        for _ in range(2):
            with engine.connect() as conn:
                assert conn.execute(text("SELECT current_user")).scalar() == PASSWORD_USER
            engine.dispose()  # a new connection: the answer is remembered in memory
        assert len(asked) == 1 and asked[0].startswith(f"{PASSWORD_USER}@127.0.0.1")
    finally:
        engine.dispose()


def test_a_pgpass_file_is_used_without_asking(password_user, tmp_path, monkeypatch):
    url = make_url(password_user)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(
        f"{url.host}:{url.port}:{url.database}:{PASSWORD_USER}:correct horse battery staple\n",
        encoding="utf-8",
    )
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    services = open_services(password_user)
    try:
        assert services.context.user == PASSWORD_USER
    finally:
        services.close()


def test_a_wrong_password_is_a_plain_message(password_user, capsys):
    engine = make_engine(password_user, password_prompt=lambda where: "wrong")
    from ddcase.storage.database import translate_errors

    with pytest.raises(StorageError, match="did not accept the password"), translate_errors():
        with engine.connect():
            pass
    engine.dispose()
    code = main(["figures", "--db", password_user, "--month", "2026-10"])  # no terminal: no prompt
    assert code == 2 and "did not accept the password" in capsys.readouterr().err


# ---------------------------------------------------------------------- migrate-to


def laptop_log(tmp_path, seed: int | None = None):
    path = tmp_path / f"laptop-{next(_names)}.sqlite3"
    if seed is not None:
        assert main(["demo", "--db", str(path), "--seed", str(seed)]) == 0
    return str(path)


def figures_json(target: str, month: str, capsys) -> dict:
    capsys.readouterr()
    assert main(["figures", "--db", target, "--month", month, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def measures_json(target: str, month: str, capsys) -> dict:
    capsys.readouterr()
    assert main(["measures", "--db", target, "--month", month, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def cycles_json(target: str, capsys) -> list[dict]:  # type: ignore[type-arg]
    capsys.readouterr()
    assert main(["pdsa", "list", "--db", target, "--all-teams", "--json"]) == 0
    return [{k: v for k, v in c.items() if k != "id"} for c in json.loads(capsys.readouterr().out)["cycles"]]


def test_moving_a_team_copies_everything_once_and_the_figures_agree(team_db, tmp_path, capsys):
    laptop = laptop_log(tmp_path, seed=2)
    capsys.readouterr()
    assert main(["migrate-to", team_db, "--db", laptop]) == 0
    first = capsys.readouterr().out
    assert "Copied into the team database" in first and "300 clients" in first
    for month in ("2026-10", "2025-12"):
        assert figures_json(laptop, month, capsys) == figures_json(team_db, month, capsys)
        assert measures_json(laptop, month, capsys) == measures_json(team_db, month, capsys)
    cycles = cycles_json(laptop, capsys)
    assert len(cycles) == 2 and cycles_json(team_db, capsys) == cycles  # the PDSA cycles too
    assert main(["migrate-to", team_db, "--db", laptop]) == 0
    assert "Nothing to copy" in capsys.readouterr().out
    team = open_services(team_db)
    try:
        assert team.casework.counts()["clients"] == 300
        # Issue 17: the caseload audit with every round and answer, once.
        source = open_services(laptop)
        try:
            [audit_] = source.audits.audits()
            assert team.audits.audits() == [replace(audit_, version=1)]
            assert team.audits.rounds(audit_.slug) == [
                replace(r, audit=replace(r.audit, version=1)) for r in source.audits.rounds(audit_.slug)
            ]
        finally:
            source.close()
        with team.context.db.read() as session:
            moves = audit.entries(session, AuditEventRow.action == "migrate-to")
            assert audit.verify(session).intact
        assert [json.loads(m.after_json)["clients"] for m in moves] == [300, 0]
        assert all(m.row.app_user == "ddcase_test" for m in moves)
    finally:
        team.close()


def test_an_offline_coordinators_log_joins_the_team_without_duplicating_a_client(team_db, tmp_path, capsys):
    team = open_services(team_db)
    a_client_with_episodes(team)
    laptop = open_services(laptop_log(tmp_path))
    try:
        a_client_with_episodes(laptop)
        laptop.casework.save_client(replace(laptop.casework.client("RT100001"), initials="XY"))
        laptop.casework.save_client(Client("RT100002", "CD"))
        laptop.casework.save_contact(
            Contact("RT100001", date(2026, 10, 6), ContactKind.JOINT_APPOINTMENT, ContactMode.FACE_TO_FACE)
        )
        summary = team.team_database.bring_in(laptop.context, "laptop")
        assert (summary.workers, summary.clients, summary.episodes, summary.contacts) == (0, 1, 0, 1)
        assert summary.clients_differing == ("RT100001",)
        assert team.casework.client("RT100001").initials == "AB"  # the team's copy wins
        assert [c.client_ref for c in team.casework.clients()] == ["RT100001", "RT100002"]
        assert len(team.casework.contacts("RT100001")) == 1
        assert team.team_database.bring_in(laptop.context, "laptop").added == 0
    finally:
        team.close()
        laptop.close()


def test_a_log_with_a_different_definition_is_refused_unless_the_team_database_is_empty(
    team_db, pg_database, tmp_path
):
    laptop = open_services(laptop_log(tmp_path))
    team = open_services(team_db)
    try:
        a_client_with_episodes(laptop)
        laptop.definitions.agree(Definition(liaison=False), Month.parse("2026-06"))
        team.casework.save_client(Client("RT900001", "ZZ"))
        with pytest.raises(DomainError, match="different definition versions"):
            team.team_database.bring_in(laptop.context, "laptop")
        assert team.casework.counts()["clients"] == 1
        empty = open_services(pg_database())
        try:
            summary = empty.team_database.bring_in(laptop.context, "laptop")
            assert summary.definitions == 1
            assert [d.version for d in empty.definitions.versions()] == [1, 2]
            assert empty.definitions.in_force(Month.parse("2026-07")).liaison is False
        finally:
            empty.close()
    finally:
        team.close()
        laptop.close()


def test_migrate_to_is_all_or_nothing(team_db, tmp_path, monkeypatch):
    from ddcase.services import team_database

    laptop = open_services(laptop_log(tmp_path))
    team = open_services(team_db)
    try:
        a_client_with_episodes(laptop)

        def fail(*args, **kwargs):
            raise RuntimeError("the network went down")

        monkeypatch.setattr(team_database.audit, "append", fail)
        with pytest.raises(RuntimeError):
            team.team_database.bring_in(laptop.context, "laptop")
        monkeypatch.undo()
        assert team.casework.counts() == {"workers": 0, "clients": 0, "episodes": 0, "contacts": 0}
    finally:
        team.close()
        laptop.close()


def test_a_log_with_a_broken_audit_trail_is_not_copied(team_db, tmp_path, capsys):
    laptop = laptop_log(tmp_path, seed=4)
    engine = create_engine(f"sqlite:///{laptop}")
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_event_no_update"))  # someone holding the file
        conn.execute(text("UPDATE audit_event SET app_user = 'someone else' WHERE seq = 1"))
        conn.execute(  # ...and puts the guard back
            text(
                "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
            )
        )
    engine.dispose()
    capsys.readouterr()
    assert main(["migrate-to", team_db, "--db", laptop]) == 2
    assert "audit trail is broken" in capsys.readouterr().err
