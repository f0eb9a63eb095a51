"""Small tools for the safety tests: a database with a few clients, file hashes, damage."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

from ddcase.domain import Client, ContactKind, ContactMode, Episode, Service
from ddcase.domain import Contact as ContactValue


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def open_app(path: Path):  # type: ignore[no-untyped-def]
    from ddcase.cli import open_services

    return open_services(str(path))


def add_clients(app, refs: list[str], *, with_history: bool = False) -> None:  # type: ignore[no-untyped-def]
    from ddcase.domain import Worker

    if with_history and not app.casework.workers():
        app.casework.save_worker(Worker("Ann Care", "CMHT Luton", Service.MENTAL_HEALTH))
        app.casework.save_worker(Worker("Bob Key", "ResoLUTiONs", Service.SUBSTANCE_MISUSE))
    for ref in refs:
        app.casework.save_client(
            Client(ref, "AB", nhs_number="9434765919", date_of_birth=date(1980, 1, 2), ethnicity="A")
        )
        if with_history:
            app.casework.save_episode(
                Episode(
                    ref,
                    Service.MENTAL_HEALTH,
                    "CMHT Luton",
                    date(2024, 1, 1),
                    date(2024, 6, 30),
                    team="Luton North",
                    worker="Ann Care",
                )
            )
            app.casework.save_contact(
                ContactValue(
                    ref,
                    date(2024, 2, 1),
                    ContactKind.LIAISON,
                    ContactMode.TELEPHONE,
                    mh_worker="Ann Care",
                    note=f"rang about {ref}",
                )
            )


def make_db(path: Path, refs: list[str], **kwargs: bool) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)  # --db never creates folders (issue 14)
    app = open_app(path)
    try:
        add_clients(app, refs, **kwargs)
    finally:
        app.close()
    return path


def client_refs(path: Path) -> set[str]:
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:
        return {r[0] for r in conn.execute("SELECT client_ref FROM client")}


def damage(path: Path, pages: range = range(2, 6)) -> None:
    """Overwrite the b-tree headers of some pages with garbage: quick_check must notice."""
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big") or 65536
    for page in pages:
        start = (page - 1) * page_size
        if start + 12 <= len(data):
            data[start : start + 12] = b"\xff" * 12
    path.write_bytes(bytes(data))


def execute(path: Path, *statements: str) -> None:
    """Run SQL on a file and close it (a `with sqlite3.connect()` block commits but leaves the
    connection open, and its later close would checkpoint into the file behind our back)."""
    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()
