"""A throwaway PostgreSQL server for the tests: initdb into a temporary folder, listen on
127.0.0.1 only on a free port, fsync off, stopped with `pg_ctl -m fast stop` at the end.

initdb refuses to run as root, so as root the server runs as the `postgres` user (Debian's
package creates it) through runuser. Authentication is `trust` on loopback: every test role
connects without a password (fine for a server that lives for one test run), except PASSWORD_USER,
which must give a SCRAM password.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "ddcase_test"
# The one role that must give a password (to test asking for it); everyone else is trusted.
PASSWORD_USER = "pw_tester"


class PostgresUnavailable(RuntimeError):
    """The server binaries are missing or the server would not start."""


def server_bin_dir() -> Path:
    """PostgreSQL's server binaries: $PG_BIN, else Debian's newest /usr/lib/postgresql/N/bin,
    else wherever initdb is on PATH."""
    configured = os.environ.get("PG_BIN")
    if configured:
        return Path(configured)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if found:
        return Path(found[-1])
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresUnavailable(
        "PostgreSQL server binaries were not found (apt-get install postgresql, or set PG_BIN)."
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    def __init__(self) -> None:
        self.bin = server_bin_dir()
        self.folder = Path(tempfile.mkdtemp(prefix="ddcase-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.host = "127.0.0.1"
        self._run_as: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                raise PostgresUnavailable("running as root, and runuser is missing")
            self._run_as = ["runuser", "-u", os.environ.get("PG_TEST_OS_USER", "postgres"), "--"]
            shutil.chown(self.folder, user=self._run_as[2])
        self.started = False

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql+psycopg://{user}@{self.host}:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self._run_as, *args], capture_output=True, text=True, check=False, timeout=120, encoding="utf-8"
        )

    def start(self) -> PostgresServer:
        done = self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        if done.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
        hba = self.data / "pg_hba.conf"
        hba.write_text(
            f"host all {PASSWORD_USER} {self.host}/32 scram-sha-256\n"
            f"host all all {self.host}/32 trust\n"
            "local all all trust\n",
            encoding="utf-8",
        )
        options = " ".join(
            [
                f"-c listen_addresses={self.host}",
                f"-p {self.port}",
                f"-k {self.folder}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
                "-c timezone=UTC",
            ]
        )
        done = self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        )
        if done.returncode != 0:
            log = (self.folder / "server.log").read_text(errors="replace", encoding="utf-8")[-2000:]
            raise PostgresUnavailable(f"pg_ctl start failed: {done.stderr.strip()}\n{log}")
        self.started = True
        return self

    def stop(self) -> None:
        if self.started:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
            self.started = False
        shutil.rmtree(self.folder, ignore_errors=True)
