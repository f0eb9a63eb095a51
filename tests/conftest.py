"""Fixtures shared by every layer's tests: a real, migrated database per test and the services
over it, with today fixed so that "not in the future" is deterministic.

The `engine` fixture (and so `context`, `casework`, `figures`, `definitions` and the command-line
tests' `db_target`) runs every test twice: on an SQLite file and on a PostgreSQL database of a
server the tests start themselves (tests/pg_server.py). A PostgreSQL test gets a fresh database
copied from a migrated template (CREATE DATABASE ... TEMPLATE), which takes milliseconds.

If PostgreSQL cannot start, its tests FAIL (they are never skipped): a run that silently lost half
its databases would look green. To run on SQLite alone on purpose, deselect them:
`pytest -m "not postgresql"`. A test that is SQLite-only by nature (PRAGMAs, the file itself) is
marked `@pytest.mark.sqlite_only`.

Windows' file rules are on in every test (tests/windows_rules.py): `os.fsync` refuses a read-only
descriptor, and a file this process holds open cannot be replaced, renamed or deleted. A test that
must break them says why: `@pytest.mark.without_windows_rules("why")`.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No test may touch the keystore of the person running the tests: processes the tests start have
# none at all (keyring's "fail" backend), and each test in this process gets an empty one in memory.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
os.environ.pop("DDCASE_KEY_FILE", None)
# Nor its config folder (the audit trail's keys and witness, storage/witness.py): one of the run's
# own, for this process and every process the tests start.
os.environ["DDCASE_CONFIG_DIR"] = tempfile.mkdtemp(prefix="ddcase-test-config-")
atexit.register(shutil.rmtree, os.environ["DDCASE_CONFIG_DIR"], ignore_errors=True)

TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _own_config_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may read or write the settings of the person running the tests (who "I" am, the
    trail's keys and witness): each test has its own config folder, named the way the app reads
    it (DDCASE_CONFIG_DIR), so a test may still name another one ("another computer")."""
    monkeypatch.setenv("DDCASE_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))


TEMPLATE = "ddcase_template"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: runs against the test PostgreSQL server")
    config.addinivalue_line("markers", "sqlite_only: SQLite by nature; not run on PostgreSQL")
    config.addinivalue_line(
        "markers",
        "without_windows_rules(why): this test may break Windows' file rules (tests/windows_rules.py); "
        "say why",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kept, dropped = [], []
    for item in items:
        backend = getattr(item, "callspec", None) and item.callspec.params.get("backend")
        if backend == "postgresql" and item.get_closest_marker("sqlite_only"):
            dropped.append(item)
            continue
        if "pg_server" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("postgresql"):
            item.add_marker(pytest.mark.postgresql)
        kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


# ---------------------------------------------------------------------- the PostgreSQL server


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server for the whole run, started on first use."""
    from tests.pg_server import PostgresServer, PostgresUnavailable

    try:
        server = PostgresServer().start()
    except PostgresUnavailable as error:
        pytest.fail(f"PostgreSQL could not start, so its tests fail: {error}", pytrace=False)
    yield server
    server.stop()


class PgAdmin:
    """Creates and drops databases and roles on the test server, as its superuser."""

    def __init__(self, server) -> None:  # type: ignore[no-untyped-def]
        from sqlalchemy import create_engine

        self.server = server
        self.engine = create_engine(server.url(), isolation_level="AUTOCOMMIT", poolclass=_null_pool())
        self._numbers = itertools.count(1)

    def execute(self, sql: str) -> None:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            conn.execute(text(sql))

    def create_database(self, template: str | None = None, prefix: str = "test") -> str:
        """A new database (a copy of `template`, or empty); returns its name."""
        name = f"{prefix}_{os.getpid()}_{next(self._numbers)}"
        self.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def url(self, name: str, user: str | None = None) -> str:
        return self.server.url(name, user) if user else self.server.url(name)


def _null_pool():  # type: ignore[no-untyped-def]
    from sqlalchemy.pool import NullPool

    return NullPool


@pytest.fixture(scope="session")
def pg_admin(pg_server) -> Iterator[PgAdmin]:
    admin = PgAdmin(pg_server)
    yield admin
    admin.engine.dispose()


@pytest.fixture(scope="session")
def pg_template(pg_admin: PgAdmin) -> str:
    """A migrated empty ddcase database that every PostgreSQL test database is copied from."""
    from ddcase.storage.database import make_engine
    from ddcase.storage.migrations import migrate

    pg_admin.execute(f'CREATE DATABASE "{TEMPLATE}"')
    engine = make_engine(pg_admin.url(TEMPLATE))
    migrate(engine)
    engine.dispose()  # CREATE DATABASE ... TEMPLATE needs the template to have no connections
    return TEMPLATE


@pytest.fixture
def pg_database(pg_admin: PgAdmin) -> Iterator[Callable[..., str]]:
    """A factory of fresh databases on the test server (URLs), dropped after the test."""
    made: list[str] = []

    def make(template: str | None = None, user: str | None = None) -> str:
        name = pg_admin.create_database(template)
        made.append(name)
        return pg_admin.url(name, user)

    yield make
    for name in made:
        pg_admin.drop_database(name)


# ---------------------------------------------------------------------- one suite, both databases


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A migrated, empty database for this test."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    template = request.getfixturevalue("pg_template")
    return request.getfixturevalue("pg_database")(template)


@pytest.fixture
def db_target(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """What a user passes as `--db`: a file path (SQLite) or a URL (an empty PostgreSQL database)."""
    if backend == "sqlite":
        return str(tmp_path / "test.sqlite3")
    return request.getfixturevalue("pg_database")()


@pytest.fixture
def engine(db_url: str):
    from ddcase.storage.database import make_engine
    from ddcase.storage.migrations import migrate

    engine = make_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


def make_context(engine, user: str = "Test User"):  # type: ignore[no-untyped-def]
    from ddcase.services.base import Context
    from ddcase.storage.database import Database

    return Context(
        Database(engine),
        user=user,
        today=lambda: TODAY,
        now=lambda: datetime(2026, 11, 22, 10, 42, tzinfo=UTC),
    )


@pytest.fixture
def context(engine):
    return make_context(engine)


@pytest.fixture
def casework(context):
    from ddcase.services.casework import CaseworkService

    return CaseworkService(context)


@pytest.fixture
def figures(context):
    from ddcase.services.figures import FiguresService

    return FiguresService(context)


@pytest.fixture
def definitions(context):
    from ddcase.services.definitions import DefinitionService

    return DefinitionService(context)


# ---------------------------------------------------------------------- Windows' file rules


@pytest.fixture(autouse=True)
def windows_rules(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Windows' file rules, on Linux, for every test (tests/windows_rules.py)."""
    marker = request.node.get_closest_marker("without_windows_rules")
    if marker is not None:
        if not marker.args or not str(marker.args[0]).strip():
            pytest.fail("@pytest.mark.without_windows_rules needs a reason", pytrace=False)
        yield
        return
    if not sys.platform.startswith("linux"):  # /proc/self/fd; on Windows the rules are real
        yield
        return
    from tests.windows_rules import PATCHES

    for name, guarded in PATCHES.items():
        monkeypatch.setattr(os, name, guarded)
    yield


# ---------------------------------------------------------------------- the keystore


@pytest.fixture(autouse=True)
def memory_keyring():
    """An empty in-memory keystore for every test (tests/keystore.py), and no key given earlier."""
    try:
        import keyring
    except ImportError:
        yield None
        return
    from ddcase.services.encryption import forget_given_keys
    from tests.keystore import MemoryKeyring

    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    forget_given_keys()
    try:
        yield backend
    finally:
        forget_given_keys()
        keyring.set_keyring(previous)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The filled demo team (`tests.reports.helpers.fill_demo`), made once per test module: slow
    to fill, so a test changes a copy (`demo_copy`)."""
    from tests.reports.helpers import fill_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    fill_demo(path)
    return path


@pytest.fixture
def demo_copy(demo_template: Path, tmp_path: Path) -> Path:
    """A test's own copy of the demo team."""
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_template, path)
    return path
