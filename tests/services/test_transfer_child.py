"""contacts.csv read in a spawned child process beside the import (issue 18, parallel.py): the
same rows stored and the same problems reported, in the same order, as when it is read in the
import's own process; a child that dies or fails stops the import with nothing written. Each test
forces the child (`child_from_bytes=0`) on a small folder, with spawn, as on Windows."""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from sqlalchemy import text

from ddcase.domain import DomainError, ImportRejected
from ddcase.services.casework import CaseworkService
from ddcase.services.transfer import TransferService, parallel
from ddcase.services.transfer.contacts import ContactSink, Progress, read_contacts
from ddcase.services.transfer.reading import Problems
from tests.services.test_transfer import (
    BASE,
    CONTACTS_HEADER,
    big_folder,
    make_context,
    read_folder,
    realistic_folder,
    write_folder,
)
from tests.services.test_transfer_streaming import schema

EVERY_COLUMN = (
    "SELECT client.client_ref, contact.date, contact.kind, contact.mode, contact.outcome, mh.name, sm.name, "
    "contact.client_present, typeof(contact.client_present), contact.duration_minutes, contact.note, "
    "contact.fingerprint, contact.version, contact.updated_at, contact.updated_by "
    "FROM contact JOIN client ON client.id = contact.client_id "
    "LEFT JOIN worker mh ON mh.id = contact.mh_worker_id LEFT JOIN worker sm ON sm.id = contact.sm_worker_id "
    "ORDER BY contact.id"
)

NOTHING = {"workers": 0, "clients": 0, "episodes": 0, "contacts": 0}


def every_contact(context) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    with context.db.read() as session:
        return [tuple(row) for row in session.execute(text(EVERY_COLUMN))]


def both_ways(tmp_path: Path, folder: Path, chunk: int) -> tuple[object, object]:
    """The folder imported in one process and with the child, each into a new log: what each
    import gave (its summary or its problems) and what each log then holds."""
    results = []
    for name, child_from in (("one", None), ("child", 0)):
        context = make_context(tmp_path / f"{name}.sqlite3")
        transfer = TransferService(context, chunk_size=chunk, child_from_bytes=child_from)
        try:
            outcome: object = transfer.import_folder(folder)
        except ImportRejected as rejected:
            outcome = (rejected.problems, rejected.total)
        results.append((outcome, every_contact(context), CaseworkService(context).counts(), schema(context)))
    return results[0], results[1]


def test_the_child_is_spawned_and_reads_the_contacts(tmp_path):
    assert parallel.SPAWN.get_start_method() == "spawn"
    folder = big_folder(tmp_path / "in", clients=30, contacts=600)
    context = make_context(tmp_path / "log.sqlite3")
    children: list[str] = []

    TransferService(context, chunk_size=50, child_from_bytes=0).import_folder(
        folder, progress=lambda _done, _of: children.extend(p.name for p in multiprocessing.active_children())
    )

    assert "ddcase-contacts" in children
    assert CaseworkService(context).counts()["contacts"] == 600
    assert not multiprocessing.active_children()  # ended with the import


@pytest.mark.parametrize("chunk", [1, 7, 20_000])
def test_the_same_rows_as_in_one_process(tmp_path, chunk):
    folder = realistic_folder(tmp_path / "in", clients=40, contacts=300)
    one, child = both_ways(tmp_path, folder, chunk)
    assert one == child
    assert len(child[1]) > 250  # type: ignore[index]


def test_the_same_rows_with_repeats_and_a_log_that_holds_contacts(tmp_path):
    folder = big_folder(tmp_path / "in", clients=20, contacts=400)
    rows = (folder / "contacts.csv").read_text(encoding="utf-8").splitlines()
    (folder / "contacts.csv").write_text("\n".join([*rows, *rows[1:50]]) + "\n", encoding="utf-8")
    one, child = both_ways(tmp_path, folder, 30)
    assert one == child
    for name, child_from in (("one", None), ("child", 0)):  # again, into the log that has them
        context = make_context(tmp_path / f"{name}.sqlite3")
        summary = TransferService(context, chunk_size=30, child_from_bytes=child_from).import_folder(folder)
        assert (summary.contacts.created, summary.contacts.unchanged) == (0, 400)


HOSTILE = [
    "RT100001,2026-10-05,joint_appointment,face_to_face,,Ann Smith,Bob Jones,yes,60,Fine,",
    "RT100001,2026-10-05,joint_appointment,face_to_face,,Ann Smith,Bob Jones,yes,60,Fine,",
    "RT100001,2026-12-25,liaison,telephone,,,,,,In the future,",
    'RT999,2026-10-06,liaison,fax,maybe,Bob Jones,Ann Smith,perhaps,-5,\'=HYPERLINK("x"),',
    ",,,,,,,,,,",
    "RT100002,2026-09-01,liaison,letter,,,Cath Green,,,too,many,cells",
    "RT100002,2026-09-02,liaison,letter,,,Cath Green,,,under an unnamed column,oops",
    'RT100002,2026-09-03,"liai"son,letter,,,,,,a quote in the wrong place,',
    'RT100002,2026-09-04,liaison,email,,,,,,"a line\r\nbreak, quoted",',
    "RT100002,31/02/2026,other,meeting,,,,,,,",
    "  ,2026-09-05,other,meeting,,,,,,no client,",
    "RT100001,2026-10-07,care_plan_review,video,did_not_attend,Ann Smith,Nobody,no,30,,",
    'RT100002,2026-09-06,other,meeting,,,,,,"never closed,',
]


def test_a_hostile_file_gives_the_same_problems_in_the_same_order(tmp_path):
    header = CONTACTS_HEADER.strip() + ","  # and one column with no name
    contacts = header + "\n" + "\n".join(HOSTILE * 3) + "\n"
    folder = write_folder(tmp_path / "in", {**BASE, "contacts.csv": contacts})
    for chunk in (1, 3, 20_000):
        one, child = both_ways(tmp_path / f"chunk{chunk}", folder, chunk)
        assert one == child
        (problems, total), stored, counts, _ = child  # type: ignore[misc]
        assert total == len(problems) > 20 and stored == [] and counts == NOTHING


def test_problems_before_the_contacts_are_checked_in_this_process_and_still_reported(tmp_path):
    rows = CONTACTS_HEADER + "RT100001,2026-10-05,liaison,fax,,,,,,\n"
    folder = write_folder(
        tmp_path / "in",
        {
            **BASE,
            "clients.csv": BASE["clients.csv"].replace("RT100002,CD", "RT100002,"),
            "contacts.csv": rows,
        },
    )
    one, child = both_ways(tmp_path, folder, 20_000)
    assert one == child
    assert [str(p) for p in child[0][0]] == [  # type: ignore[index]
        "clients.csv:3: initials: required",
        "contacts.csv:2: mode: unknown mode 'fax': use face_to_face, video, telephone, meeting, email or letter",
    ]


def test_a_missing_optional_column_reads_the_same(tmp_path):
    folder = big_folder(tmp_path / "in", clients=10, contacts=100)
    lines = (folder / "contacts.csv").read_text(encoding="utf-8").splitlines()
    (folder / "contacts.csv").write_text(
        "\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n", encoding="utf-8"
    )  # no note column
    one, child = both_ways(tmp_path, folder, 9)
    assert one == child


# ------------------------------------------------------------------ a child that dies or fails
# Top-level functions: the spawned child imports this module to run them.


def dies_at_once(connection: Connection) -> None:
    connection.recv()
    os._exit(3)


class _DyingWriter:
    """Sends its first batch of rows, then the process dies."""

    def __init__(self, connection: Connection, values: object) -> None:
        self._connection = connection
        self.value = values.value  # type: ignore[attr-defined]
        self.sent = 0

    def write(self, rows: list[tuple[object, ...]]) -> None:
        if self.sent:
            os._exit(9)
        self._connection.send(("rows", rows))
        self.sent += 1


def dies_after_its_first_rows(connection: Connection) -> None:
    work = connection.recv()
    writer = _DyingWriter(connection, work.values)
    sink = ContactSink(writer, work.client_ids, work.worker_ids)
    read_contacts(
        work.path,
        work.today,
        work.known,
        Problems(),
        sink,
        chunk_size=work.chunk_size,
        progress=Progress(None, 0),
    )
    os._exit(9)


def fails(connection: Connection) -> None:
    connection.recv()
    connection.send(("failed", "ValueError: something in the child"))


@pytest.mark.parametrize("entry", [dies_at_once, dies_after_its_first_rows, fails])
def test_a_child_that_dies_or_fails_stops_the_import_with_nothing_written(tmp_path, monkeypatch, entry):
    folder = big_folder(tmp_path / "in", clients=20, contacts=300)
    context = make_context(tmp_path / "log.sqlite3")
    before = schema(context)
    monkeypatch.setattr(parallel, "child_main", entry)

    with pytest.raises(DomainError, match="nothing was written") as caught:
        TransferService(context, chunk_size=20, child_from_bytes=0).import_folder(folder)

    assert "the process reading contacts.csv ended" in str(caught.value)
    assert CaseworkService(context).counts() == NOTHING
    assert schema(context) == before  # the indexes and guards the load dropped are back
    assert not multiprocessing.active_children()
    # and the log takes the same folder afterwards, with a child that lives
    monkeypatch.undo()
    TransferService(context, chunk_size=20, child_from_bytes=0).import_folder(folder)
    assert CaseworkService(context).counts()["contacts"] == 300


def test_a_small_file_is_read_in_this_process(tmp_path, monkeypatch):
    folder = big_folder(tmp_path / "in", clients=5, contacts=20)
    context = make_context(tmp_path / "log.sqlite3")
    monkeypatch.setattr(parallel, "child_main", dies_at_once)  # would stop the import if started
    TransferService(context).import_folder(folder)
    assert CaseworkService(context).counts()["contacts"] == 20


def test_the_child_writes_the_same_log_on_either_database(tmp_path, context):
    """On PostgreSQL too (the driver takes other values there: dates and booleans as they are),
    the child's rows give the log an import in one process gives a new SQLite file."""
    folder = realistic_folder(tmp_path / "in", clients=30, contacts=250)
    reference = make_context(tmp_path / "one.sqlite3")
    TransferService(reference, chunk_size=13, child_from_bytes=None).import_folder(folder)
    TransferService(context, chunk_size=13, child_from_bytes=0).import_folder(folder)
    for which, log in (("one", reference), ("child", context)):
        TransferService(log).export_folder(tmp_path / which)
    assert read_folder(tmp_path / "child") == read_folder(tmp_path / "one")
    fingerprints = "SELECT fingerprint, version, updated_by FROM contact ORDER BY fingerprint"
    with reference.db.read() as one, context.db.read() as child:
        assert [tuple(r) for r in child.execute(text(fingerprints))] == [
            tuple(r) for r in one.execute(text(fingerprints))
        ]


def test_the_child_loads_neither_sqlalchemy_nor_the_storage_layer():
    """Its start-up and memory stay small (about 20 MB, against 60 with the storage layer): what
    the spawned child imports to run `parallel.child_main` and unpickle its work."""
    import subprocess
    import sys

    code = (
        "import sys, ddcase.services.transfer.parallel, ddcase.services.transfer.contacts; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'alembic') "
        "or m.startswith('ddcase.storage')))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, encoding="utf-8", check=True)
    assert found.stdout.strip() == "[]"


def test_a_writer_taking_values_no_plain_table_says_reads_in_this_process(tmp_path, monkeypatch):
    folder = big_folder(tmp_path / "in", clients=5, contacts=40)
    context = make_context(tmp_path / "log.sqlite3")
    monkeypatch.setattr(parallel.PlainValues, "of", classmethod(lambda cls, writer: None))
    monkeypatch.setattr(parallel, "child_main", dies_at_once)  # started, never given work
    TransferService(context, child_from_bytes=0).import_folder(folder)
    assert CaseworkService(context).counts()["contacts"] == 40


def test_plain_values_are_the_writers_own(context):
    """What the child is sent gives every value the writer's own conversion gives (on either
    database: dates as text on SQLite, as dates on PostgreSQL)."""
    from datetime import date

    from ddcase.domain import ContactKind, ContactMode, Outcome
    from ddcase.storage import bulk_load

    with context.db.write() as session:
        writer = bulk_load.ContactWriter(session, stamp={"updated_at": None, "updated_by": "x"})
        plain = parallel.PlainValues.of(writer)
        assert plain is not None
        cases = [("date", date(2026, 1, 2)), ("date", date(1999, 12, 31)), ("duration_minutes", 45)]
        cases += [("kind", k.value) for k in ContactKind] + [("mode", m.value) for m in ContactMode]
        cases += [("outcome", o.value) for o in Outcome] + [
            ("client_present", b) for b in (True, False, None)
        ]
        for column, value in cases:
            assert plain.value(column, value) == writer.value(column, value)
        session.rollback()


def test_a_child_that_cannot_be_started_leaves_the_file_to_this_process(tmp_path, monkeypatch):
    def refused(self: object, entry: object = None) -> None:
        raise PermissionError("starting a process is not allowed here")

    monkeypatch.setattr(parallel.ContactReader, "__init__", refused)
    folder = big_folder(tmp_path / "in", clients=5, contacts=40)
    context = make_context(tmp_path / "log.sqlite3")
    TransferService(context, child_from_bytes=0).import_folder(folder)
    assert CaseworkService(context).counts()["contacts"] == 40


# ------------------------------------------------------------------ the child starts early


def test_the_child_is_given_its_work_before_the_episodes_are_written(tmp_path, monkeypatch):
    """It reads contacts.csv while the episodes go in (their ids are not in its rows; the
    clients' and workers' are, and those are written first)."""
    from ddcase.storage import bulk_load

    events: list[str] = []
    start, insert_new = parallel.ContactReader.start, bulk_load.repository.insert_new

    # The handing over itself, not the pipe's class: Windows' pipe end is another class
    # (PipeConnection), so patching `Connection.send` saw nothing there.
    def sending(self, work):  # type: ignore[no-untyped-def]
        events.append("work")
        start(self, work)

    def inserting(session, workers, clients, episodes, contacts, **kwargs):  # type: ignore[no-untyped-def]
        if episodes:
            events.append("episodes")
        insert_new(session, workers, clients, episodes, contacts, **kwargs)

    monkeypatch.setattr(parallel.ContactReader, "start", sending)
    monkeypatch.setattr(bulk_load.repository, "insert_new", inserting)
    folder = big_folder(tmp_path / "in", clients=20, contacts=300)
    context = make_context(tmp_path / "log.sqlite3")

    TransferService(context, chunk_size=20, child_from_bytes=0).import_folder(folder)

    assert events[:2] == ["work", "episodes"]
    assert CaseworkService(context).counts()["contacts"] == 300


def test_the_child_reads_ahead_while_the_import_is_busy():
    """Its batches wait, pickled, up to `BACKLOG` of them, while the parent reads none (a pipe
    alone holds less than one), and come out whole and in order."""
    import threading

    parent_end, child_end = multiprocessing.Pipe()
    writer = parallel._PipeWriter(child_end, parallel.PlainValues({}, True))
    batches = [[(n, "2026-10-01", f"{n:064x}") for n in range(k * 5000, (k + 1) * 5000)] for k in range(4)]

    def write_all() -> None:
        for rows in batches:
            writer.write(rows)

    ahead = threading.Thread(target=write_all, daemon=True)
    ahead.start()
    ahead.join(timeout=20)
    assert not ahead.is_alive()  # did not wait for the parent
    assert [parallel.decode(parent_end.recv_bytes()) for _ in batches] == [("rows", rows) for rows in batches]
    writer.close()
    parent_end.close()
    child_end.close()
    assert parallel.BACKLOG >= len(batches)


def test_a_failure_writing_the_episodes_after_the_child_started_leaves_nothing(tmp_path, monkeypatch):
    """The child has its work (and may be reading ahead) when the episodes go in; if they fail,
    the import ends with nothing written and the child ends with it."""
    from ddcase.storage import bulk_load

    insert_new = bulk_load.repository.insert_new

    def failing(session, workers, clients, episodes, contacts, **kwargs):  # type: ignore[no-untyped-def]
        if episodes:
            raise RuntimeError("the disk failed")
        insert_new(session, workers, clients, episodes, contacts, **kwargs)

    monkeypatch.setattr(bulk_load.repository, "insert_new", failing)
    folder = big_folder(tmp_path / "in", clients=20, contacts=3000)
    context = make_context(tmp_path / "log.sqlite3")
    before = schema(context)

    with pytest.raises(RuntimeError, match="the disk failed"):
        TransferService(context, chunk_size=20, child_from_bytes=0).import_folder(folder)

    assert CaseworkService(context).counts() == NOTHING
    assert schema(context) == before
    assert not multiprocessing.active_children()


def test_batches_go_by_marshal_when_it_takes_them_and_come_back_the_same():
    """SQLite's rows (ints, text, None, a flag) are sent with marshal; a batch holding a value
    marshal does not take (PostgreSQL's dates) and every other message are pickled; each comes
    back equal, with the same types."""
    import datetime

    sqlite_rows = [
        (7, "2026-10-01", "liaison", "telephone", "attended", 3, None, 1, None, "a note é\u2603", "f" * 64),
        (2**40, "2026-10-02", "review", "video", "dna", None, 9, 0, 45, None, "0" * 64),
        (1, "", "x", "y", "z", None, None, True, None, "", "e" * 64),
    ]
    postgres_rows = [(7, datetime.date(2026, 10, 1), "liaison", True, None, "f" * 64)]
    for message, marshalled in (
        (("rows", sqlite_rows), True),
        (("rows", postgres_rows), False),
        (("at", 1234), False),
        (("done", ([], {"client_ref": 0})), False),
    ):
        data = parallel.encode(message)  # type: ignore[arg-type]
        assert (bytes(data[:1]) == b"M") is marshalled
        back = parallel.decode(data)
        assert back == message
        if message[0] == "rows":
            assert [list(map(type, row)) for row in back[1]] == [list(map(type, row)) for row in message[1]]
