"""contacts.csv streamed into the write transaction a chunk at a time (issue 7): duplicates within
the file and against the log, an error anywhere (the last line, a chunk's edge) rolls back every
chunk already written and is reported with its line, re-import changes nothing, the round trip
stays byte for byte, and the fast per-cell reading agrees with the row-by-row reading it stands
in for. Chunks are made tiny here so that their edges are reached by small files."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from ddcase.domain import ConflictError, ContactKind, ContactMode, ImportRejected, Service
from ddcase.services.casework import CaseworkService
from ddcase.services.transfer import CONTACTS, FileCounts, TransferService
from ddcase.services.transfer.cells import clean as _clean
from ddcase.services.transfer.checking import RowReader as _RowReader
from ddcase.services.transfer.checking import parse_contact as _parse_contact
from ddcase.services.transfer.contacts import ContactColumns as _ContactColumns
from ddcase.services.transfer.contacts import ContactSink as _ContactSink
from ddcase.services.transfer.contacts import reference_row as _reference_row
from ddcase.services.transfer.matching import Known as _Known
from ddcase.services.transfer.reading import Problems as _Problems
from ddcase.services.transfer.reading import Row as _Row
from ddcase.storage import repository
from tests.services.test_transfer import (
    BASE,
    CONTACTS_HEADER,
    TODAY,
    audit_count,
    big_folder,
    read_folder,
    realistic_folder,
    write_folder,
)

CONTACT_ROWS = [
    "RT100001,2026-10-05,joint_appointment,face_to_face,,Ann Smith,Bob Jones,yes,60,Joint review",
    "RT100001,2026-10-06,liaison,telephone,attended,Ann Smith,,no,15,",
    "RT100002,2026-09-01,information_shared,letter,,,Cath Green,,,Care plan sent",
    "RT100002,2026-09-02,liaison,email,cancelled,,Cath Green,,,",
    "RT100001,2026-10-07,care_plan_review,video,did_not_attend,Ann Smith,Bob Jones,no,30,",
    "RT100002,2026-09-03,other,meeting,,,,,,A note",
]


def contacts_csv(rows: list[str]) -> str:
    return CONTACTS_HEADER + "".join(row + "\n" for row in rows)


def folder_with_contacts(path: Path, rows: list[str]) -> Path:
    return write_folder(path, {**BASE, "contacts.csv": contacts_csv(rows)})


def contact_count(context) -> int:  # type: ignore[no-untyped-def]
    return CaseworkService(context).counts()["contacts"]


def schema(context) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Every table's indexes as the database describes them (the import drops and remakes those
    of the contact and episode tables when they are empty)."""
    with context.db.read() as session:
        if context.db.is_sqlite:
            query = (
                "SELECT name, coalesce(sql, tbl_name) FROM sqlite_master WHERE type = 'index' ORDER BY name"
            )
        else:
            query = (
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname"
            )
        rows = [tuple(row) for row in session.execute(text(query))]
    assert any("episode" in name for name, _ in rows) and any("contact" in name for name, _ in rows)
    return rows


@pytest.fixture(params=[1, 2, 3, 20_000], ids=lambda n: f"chunk{n}")
def chunk(request) -> int:  # type: ignore[no-untyped-def]
    return request.param


# ---------------------------------------------------------------------------------------- duplicates


def test_a_duplicate_within_the_file_is_one_contact_whatever_the_chunks(tmp_path, context, chunk):
    rows = CONTACT_ROWS[:3] + [CONTACT_ROWS[0], CONTACT_ROWS[2]] + CONTACT_ROWS[3:] + [CONTACT_ROWS[5]]
    summary = TransferService(context, chunk_size=chunk).import_folder(
        folder_with_contacts(tmp_path / "in", rows)
    )

    assert summary.contacts == FileCounts(created=6)
    assert contact_count(context) == 6


STORED = (
    "SELECT client.client_ref, contact.date, contact.kind, contact.mode, contact.outcome, contact.note, "
    "contact.fingerprint FROM contact JOIN client ON client.id = contact.client_id ORDER BY contact.id"
)


def stored_contacts(context) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    with context.db.read() as session:
        return [tuple(row) for row in session.execute(text(STORED))]


def test_repeats_in_a_first_import_keep_the_first_of_each_and_the_unique_index(tmp_path, context, chunk):
    """Into an empty contact table (SQLite) the fingerprint's unique index is dropped for the load
    and the repeats are removed after it: the log must hold each distinct contact once, in the
    order of its first line, and the unique index must be back and working."""
    before = schema(context)
    order = [0, 1, 0, 2, 2, 3, 1, 4, 5, 5, 0]
    summary = TransferService(context, chunk_size=chunk).import_folder(
        folder_with_contacts(tmp_path / "in", [CONTACT_ROWS[n] for n in order])
    )

    assert summary.contacts == FileCounts(created=6)
    assert summary.as_record()["contacts"] == {"created": 6, "updated": 0, "unchanged": 0}
    stored = stored_contacts(context)
    expected = [CONTACT_ROWS[n].split(",") for n in (0, 1, 2, 3, 4, 5)]  # each first seen in this order
    assert [(ref, str(day), kind, mode) for ref, day, kind, mode, *_ in stored] == [
        (cells[0], cells[1], cells[2], cells[3]) for cells in expected
    ]
    assert [note for *_, note, _fingerprint in stored] == [cells[9] or None for cells in expected]
    assert schema(context) == before
    with pytest.raises(ConflictError), context.db.write() as session:
        session.execute(
            text(
                "INSERT INTO contact (client_id, date, kind, mode, outcome, fingerprint, version) "
                "SELECT client_id, date, kind, mode, outcome, fingerprint, version FROM contact "
                "WHERE id = (SELECT min(id) FROM contact)"
            )
        )


def test_a_first_import_with_repeats_stores_what_an_import_into_a_log_with_contacts_does(tmp_path, chunk):
    """The load into an empty table (plain inserts, repeats removed afterwards) against the
    row-by-row way of a table that already holds contacts (ON CONFLICT DO NOTHING): the same
    contacts, in the same order, with the same counts."""
    from tests.services.test_transfer import make_context

    rng = random.Random(11)
    rows = [rng.choice(CONTACT_ROWS[:5]) for _ in range(40)]
    folder = folder_with_contacts(tmp_path / "in", rows)

    empty = make_context(tmp_path / "empty.sqlite3")
    loaded = TransferService(empty, chunk_size=chunk).import_folder(folder)

    holding = make_context(tmp_path / "holding.sqlite3")
    TransferService(holding).import_folder(folder_with_contacts(tmp_path / "one", [CONTACT_ROWS[5]]))
    kept = TransferService(holding, chunk_size=chunk).import_folder(folder)

    assert loaded.contacts == kept.contacts == FileCounts(created=len(set(rows)))
    assert stored_contacts(empty) == stored_contacts(holding)[1:]


def test_a_contact_already_in_the_log_is_unchanged_and_counted_once(tmp_path, context, chunk):
    transfer = TransferService(context, chunk_size=chunk)
    transfer.import_folder(folder_with_contacts(tmp_path / "one", CONTACT_ROWS[:3]))

    # The three stored contacts, each twice (across chunk edges), and three new ones, one twice.
    rows = [CONTACT_ROWS[0], CONTACT_ROWS[3], CONTACT_ROWS[1], CONTACT_ROWS[0], CONTACT_ROWS[4]]
    rows += [CONTACT_ROWS[2], CONTACT_ROWS[1], CONTACT_ROWS[5], CONTACT_ROWS[2], CONTACT_ROWS[3]]
    summary = transfer.import_folder(folder_with_contacts(tmp_path / "two", rows))

    assert summary.contacts == FileCounts(created=3, unchanged=3)
    assert contact_count(context) == 6


def test_a_duplicate_exactly_at_a_chunk_edge(tmp_path, context):
    # With chunks of 2: rows 1-2 are the first chunk, rows 3-4 the second; row 3 repeats row 2.
    rows = [CONTACT_ROWS[0], CONTACT_ROWS[1], CONTACT_ROWS[1], CONTACT_ROWS[2]]
    summary = TransferService(context, chunk_size=2).import_folder(
        folder_with_contacts(tmp_path / "in", rows)
    )
    assert summary.contacts == FileCounts(created=3)
    assert contact_count(context) == 3


def test_reimport_changes_nothing(tmp_path, context, chunk):
    transfer = TransferService(context, chunk_size=chunk)
    folder = realistic_folder(tmp_path / "in", clients=20, contacts=60)
    first = transfer.import_folder(folder)
    versions = [c.version for c in CaseworkService(context).clients()]
    counts = CaseworkService(context).counts()

    again = transfer.import_folder(folder)

    assert again.changed == 0
    assert again.contacts == FileCounts(unchanged=first.contacts.created)
    assert CaseworkService(context).counts() == counts
    assert [c.version for c in CaseworkService(context).clients()] == versions


# ---------------------------------------------------------------------------------------- all or nothing


def test_an_error_on_the_last_line_of_a_large_file_leaves_the_log_unchanged(tmp_path, context):
    transfer = TransferService(context, chunk_size=500)
    transfer.import_folder(write_folder(tmp_path / "first", BASE))
    before = (CaseworkService(context).counts(), audit_count(context), schema(context))
    folder = big_folder(tmp_path / "big", clients=50, contacts=3000)  # six chunks
    contacts = folder / "contacts.csv"
    contacts.write_text(
        contacts.read_text(encoding="utf-8") + "RT200001,2026-13-01,liaison,telephone,,,,,,\n",
        encoding="utf-8",
    )

    with pytest.raises(ImportRejected) as caught:
        transfer.import_folder(folder)

    assert [str(p) for p in caught.value.problems] == ["contacts.csv:3002: date: no such date: '2026-13-01'"]
    assert (CaseworkService(context).counts(), audit_count(context), schema(context)) == before


def test_an_error_into_an_empty_log_puts_back_the_indexes_and_writes_nothing(tmp_path, context):
    """Into an empty contact table the secondary indexes are dropped and built after the load
    (SQLite): a rejected import must leave them exactly as they were."""
    before = schema(context)
    folder = big_folder(tmp_path / "big", clients=50, contacts=1200)
    contacts = folder / "contacts.csv"
    contacts.write_text(
        contacts.read_text(encoding="utf-8") + "RT404,2026-10-01,liaison,telephone,,,,,,\n", encoding="utf-8"
    )

    with pytest.raises(ImportRejected) as caught:
        TransferService(context, chunk_size=100).import_folder(folder)

    assert [str(p) for p in caught.value.problems] == [
        "contacts.csv:1202: client_ref: unknown client RT404: not in clients.csv or the log"
    ]
    assert schema(context) == before
    assert CaseworkService(context).counts() == {"workers": 0, "clients": 0, "episodes": 0, "contacts": 0}
    assert audit_count(context) == 0


def test_a_successful_import_into_an_empty_log_leaves_the_indexes_as_they_were(tmp_path, context):
    before = schema(context)
    TransferService(context, chunk_size=7).import_folder(
        big_folder(tmp_path / "big", clients=30, contacts=200)
    )
    assert schema(context) == before
    with context.db.read() as session:
        if context.db.is_sqlite:
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"


@pytest.mark.parametrize("bad_line", [3, 4, 5, 6], ids=["last-of-chunk1", "first-of-chunk2", "mid", "last"])
def test_an_error_at_a_chunk_edge_is_reported_and_nothing_is_written(tmp_path, context, bad_line):
    """Chunks of 2 contacts: lines 2-3, 4-5, 6-7. An error on any of them rejects the whole import."""
    rows = list(CONTACT_ROWS)
    rows[bad_line - 2] = rows[bad_line - 2].replace(",liaison,", ",visit,").replace(",other,", ",visit,")
    rows[bad_line - 2] = rows[bad_line - 2].replace(",joint_appointment,", ",visit,")
    rows[bad_line - 2] = rows[bad_line - 2].replace(",information_shared,", ",visit,")
    rows[bad_line - 2] = rows[bad_line - 2].replace(",care_plan_review,", ",visit,")

    with pytest.raises(ImportRejected) as caught:
        TransferService(context, chunk_size=2).import_folder(folder_with_contacts(tmp_path / "in", rows))

    assert [str(p) for p in caught.value.problems] == [
        f"contacts.csv:{bad_line}: kind: unknown kind 'visit': use joint_appointment, care_plan_review, "
        "liaison, information_shared or other"
    ]
    assert CaseworkService(context).counts() == {"workers": 0, "clients": 0, "episodes": 0, "contacts": 0}


def test_every_error_is_still_reported_after_the_first(tmp_path, context):
    rows = list(CONTACT_ROWS)
    rows[0] = rows[0].replace("2026-10-05", "2026-12-25")
    rows[3] = rows[3].replace("RT100002", "RT999")
    rows[5] = rows[5].replace(",meeting,", ",fax,")
    transfer = TransferService(context, chunk_size=2)
    folder = folder_with_contacts(tmp_path / "in", rows)

    with pytest.raises(ImportRejected) as caught:
        transfer.import_folder(folder)

    expected = [
        "contacts.csv:2: date: 2026-12-25 is in the future",
        "contacts.csv:5: client_ref: unknown client RT999: not in clients.csv or the log",
        "contacts.csv:7: mode: unknown mode 'fax': use face_to_face, video, telephone, meeting, email or letter",
    ]
    assert [str(p) for p in caught.value.problems] == expected
    assert [str(p) for p in transfer.check_folder(folder)] == expected


def test_a_problem_in_another_file_stops_contacts_being_written_but_they_are_still_checked(tmp_path, context):
    rows = [*CONTACT_ROWS, "RT100001,2026-10-05,liaison,telephone,,,,maybe,,"]
    folder = write_folder(
        tmp_path / "in",
        {
            **BASE,
            "clients.csv": BASE["clients.csv"].replace("RT100002,CD", "RT100002,"),
            "contacts.csv": contacts_csv(rows),
        },
    )
    with pytest.raises(ImportRejected) as caught:
        TransferService(context, chunk_size=2).import_folder(folder)
    assert [str(p) for p in caught.value.problems] == [
        "clients.csv:3: initials: required",
        "contacts.csv:8: client_present: use yes or no, or leave it blank, not 'maybe'",
    ]
    assert CaseworkService(context).counts() == {"workers": 0, "clients": 0, "episodes": 0, "contacts": 0}


def test_a_file_full_of_errors_lists_every_one_of_them(tmp_path, context):
    """SPEC §3: every error is reported, all of them, not just the first."""
    rows = [f"RT100001,2026-10-{1 + n % 28:02d},liaison,telephone,,,,,{n % 7}x," for n in range(1005)]
    folder = folder_with_contacts(tmp_path / "in", rows)

    with pytest.raises(ImportRejected) as caught:
        TransferService(context).import_folder(folder)

    problems = [str(p) for p in caught.value.problems]
    assert caught.value.total == 1005 == len(problems)
    assert problems[0] == "contacts.csv:2: duration_minutes: a positive whole number of minutes, not '0x'"
    assert problems[-1] == "contacts.csv:1006: duration_minutes: a positive whole number of minutes, not '3x'"
    assert str(caught.value).startswith("Import rejected: 1,005 errors; nothing was written.\n")
    assert contact_count(context) == 0


def test_a_capped_problem_list_counts_what_it_does_not_list():

    problems = _Problems(listed=3)
    for line in range(2, 10):
        problems.add("contacts.csv", line, "date", "not a date")
    shown = [str(p) for p in problems.sorted()]
    assert problems.total == 8 and len(shown) == 4
    assert shown[-1] == "contacts.csv:5: -: 5 more problems are not listed (the first of them on this line)"


# ---------------------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("size", [1, 3, 20_000])
def test_export_import_export_is_byte_identical_with_any_chunk_size(tmp_path, context, size):
    transfer = TransferService(context, chunk_size=size)
    transfer.import_folder(realistic_folder(tmp_path / "hand-made", clients=25, contacts=120))
    transfer.export_folder(tmp_path / "first")

    from tests.services.test_transfer import make_context

    other = make_context(tmp_path / "other.sqlite3")
    TransferService(other, chunk_size=size).import_folder(tmp_path / "first")
    TransferService(other).export_folder(tmp_path / "second")

    assert read_folder(tmp_path / "first") == read_folder(tmp_path / "second")
    assert transfer.import_folder(tmp_path / "first").changed == 0


def test_contacts_that_only_the_slow_reading_accepts_are_still_imported(tmp_path, context, monkeypatch):
    """The per-cell reading is a shortcut: a row it does not accept is read the slow way, which
    decides. Were the shortcut ever stricter than the domain, nothing would be lost."""
    monkeypatch.setattr(_ContactColumns, "note", lambda self, cell: None)
    transfer = TransferService(context, chunk_size=3)
    transfer.import_folder(realistic_folder(tmp_path / "hand-made", clients=10, contacts=40))
    transfer.export_folder(tmp_path / "slow")
    monkeypatch.undo()

    from tests.services.test_transfer import make_context

    other = make_context(tmp_path / "other.sqlite3")
    TransferService(other).import_folder(realistic_folder(tmp_path / "hand-made-2", clients=10, contacts=40))
    TransferService(other).export_folder(tmp_path / "fast")
    assert read_folder(tmp_path / "slow") == read_folder(tmp_path / "fast")


def test_progress_is_reported_up_to_the_size_of_the_files(tmp_path, context):
    folder = big_folder(tmp_path / "big", clients=20, contacts=400)
    total = sum(
        (folder / name).stat().st_size
        for name in ("workers.csv", "clients.csv", "episodes.csv", "contacts.csv")
    )
    seen: list[tuple[int, int]] = []

    TransferService(context, chunk_size=50).import_folder(
        folder, progress=lambda done, of: seen.append((done, of))
    )

    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert all(of == total for _, of in seen)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert len(seen) >= 400 // 50


def test_a_chunk_size_below_one_is_refused(context):
    with pytest.raises(ValueError):
        TransferService(context, chunk_size=0)


# ---------------------------------------------------------------------------------------- fast = slow

WORKERS = {
    ("mental_health", "Ann Smith"): 1,
    ("substance_misuse", "Bob Jones"): 2,
    ("mental_health", "Ann"): 3,
}
CLIENTS = {"RT1": 10, "RT2": 11}


#: Per column (SPEC order): cells that are valid on their own, and cells that are not.
CELLS = (
    (["RT1", "RT2", " RT2 ", "'RT1"], ["RT3", "", "'=RT1", "RT 1"]),
    (["2026-10-05", "05/10/2026", "1/9/2026", " 2026-11-22"], ["2026-11-23", "31/02/2026", "1899-12-31", ""]),
    ([k.value for k in ContactKind] + ["Liaison"], ["", "visit"]),
    ([m.value for m in ContactMode] + ["EMAIL "], ["", "fax"]),
    (["", "attended", "did_not_attend", "Cancelled"], ["dna"]),
    (["", "Ann Smith", "Ann"], ["Bob Jones", "Nobody"]),
    (["", "Bob Jones", " Bob Jones"], ["Ann Smith"]),
    (["", "yes", "no", "No"], ["y", "maybe"]),
    (["", "1", "60", "1440", "007"], ["0", "1441", "1.5", "-5"]),
    (["", "A note", "'=SUM(A1)", "'tis", "x" * 500, "line\r\nbreak"], ["x" * 501, "bell\x07"]),
)
JUNK = st.text(alphabet="aZ0 -'=\"\x07\r\n\t/é", max_size=6)


@st.composite
def row_cells(draw):  # type: ignore[no-untyped-def]
    """A row of cells, mostly valid ones (so that about half the rows are valid), some invalid,
    now and then junk."""
    cells = []
    for valid, invalid in CELLS:
        roll = draw(st.integers(0, 39))
        if roll == 0:
            cells.append(draw(JUNK))
        elif roll <= 2:
            cells.append(draw(st.sampled_from(invalid)))
        else:
            cells.append(draw(st.sampled_from(valid)))
    return tuple(cells)


class FakeWriter:
    tail = (1, "stamp", "user")

    @staticmethod
    def value(column: str, value: object) -> object:
        # Marks values that went through the column's conversion; None stays None, as in ContactWriter.
        return None if value is None else ("db", column, value)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=row_cells())
def test_the_per_cell_reading_agrees_with_the_row_reading(cells):
    """For any row: the fast path accepts it exactly when `_parse_contact` and the client and
    worker checks find nothing wrong, and then gives the same values and fingerprint."""
    known = _Known(set(CLIENTS), True, "clients.csv or the log", set(WORKERS), True)
    sink = _ContactSink(FakeWriter(), dict(CLIENTS), dict(WORKERS))  # type: ignore[arg-type]
    works = _ContactColumns(TODAY, known, sink).works()
    entries = [work(cell) for work, cell in zip(works, cells, strict=True)]

    problems = _Problems()
    columns = (
        "client_ref",
        "date",
        "kind",
        "mode",
        "outcome",
        "mh_worker",
        "sm_worker",
        "client_present",
        "duration_minutes",
        "note",
    )

    r = _RowReader(CONTACTS, _Row(2, {c: _clean(v) for c, v in zip(columns, cells, strict=True)}), problems)
    contact = _parse_contact(r, TODAY)
    if r.ok:
        for message in (
            known.client_problem(contact.client_ref),
            known.worker_problem(Service.MENTAL_HEALTH, contact.mh_worker),
            known.worker_problem(Service.SUBSTANCE_MISUSE, contact.sm_worker),
        ):
            if message:
                problems.add(CONTACTS, 2, "-", message)

    fast_ok = all(entry is not None for entry in entries)
    assert fast_ok == (not problems)
    if fast_ok:
        reference = _reference_row(contact, sink)  # type: ignore[arg-type]
        assert reference is not None
        fingerprint = repository.fingerprint_of([entry[0].decode() for entry in entries])
        assert fingerprint == reference[10] == repository.contact_fingerprint(contact)
        assert tuple(entry[1] for entry in entries) == reference[:10]


# ---------------------------------------------------------------------------------------- a trust's shape


def test_a_few_thousand_contacts_over_many_chunks_match_one_chunk(tmp_path, context):
    """The same file with chunks of 97 and of 20,000 gives the same log."""
    rng = random.Random(3)
    rows = []
    for n in range(2500):
        day = date(2025, 1, 1) + timedelta(days=rng.randrange(600))
        rows.append(
            f"RT10000{1 + n % 2},{day.isoformat()},{rng.choice(['liaison', 'other'])},"
            f"{rng.choice(['email', 'letter'])},,,,,,{rng.choice(['', 'x', 'y'])}"
        )
    folder = folder_with_contacts(tmp_path / "in", rows)
    summary = TransferService(context, chunk_size=97).import_folder(folder)
    TransferService(context).export_folder(tmp_path / "small-chunks")

    from tests.services.test_transfer import make_context

    other = make_context(tmp_path / "other.sqlite3")
    assert TransferService(other).import_folder(folder).contacts == summary.contacts
    TransferService(other).export_folder(tmp_path / "one-chunk")
    assert read_folder(tmp_path / "small-chunks") == read_folder(tmp_path / "one-chunk")
    buffer = io.StringIO((tmp_path / "one-chunk" / "contacts.csv").read_text(encoding="utf-8"))
    assert sum(1 for _ in csv.reader(buffer)) - 1 == summary.contacts.created


@pytest.mark.sqlite_only
def test_the_streamed_import_works_on_an_encrypted_database(tmp_path, chunk):
    """SQLCipher is SQLite under another driver: the driver-level inserts and the index rebuild
    must work through it the same."""
    pytest.importorskip("sqlcipher3")
    from ddcase.services.base import Context
    from ddcase.storage.cipher import SQLITE_HEADER, DatabaseKey
    from ddcase.storage.database import Database, make_engine
    from ddcase.storage.migrations import migrate
    from tests.services.test_transfer import make_context

    engine = make_engine(f"sqlite:///{tmp_path / 'secret.sqlite3'}", key=DatabaseKey.generate())
    try:
        migrate(engine)
        secret = Context(Database(engine), user="Test User", today=lambda: TODAY)
        before = schema(secret)
        folder = realistic_folder(tmp_path / "hand-made", clients=15, contacts=80)
        summary = TransferService(secret, chunk_size=chunk).import_folder(folder)
        TransferService(secret).export_folder(tmp_path / "from-secret")
        assert schema(secret) == before
    finally:
        engine.dispose()
    assert (tmp_path / "secret.sqlite3").read_bytes()[:16] != SQLITE_HEADER

    plain = make_context(tmp_path / "plain.sqlite3")
    assert TransferService(plain).import_folder(folder).contacts == summary.contacts
    TransferService(plain).export_folder(tmp_path / "from-plain")
    assert read_folder(tmp_path / "from-secret") == read_folder(tmp_path / "from-plain")
