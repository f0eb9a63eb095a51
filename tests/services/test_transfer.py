"""The CSV folder (SPEC §3): import all or nothing with every problem as FILE:LINE: column: message,
matching so that a second import changes nothing, and an export that re-imports byte for byte."""

from __future__ import annotations

import csv
import io
import os
import random
import shutil
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ddcase.domain import ContactKind, ContactMode, ImportRejected, Month, Outcome, Role, Service
from ddcase.domain.errors import DomainError
from ddcase.services.base import Context
from ddcase.services.casework import CaseworkService
from ddcase.services.figures import FiguresService
from ddcase.services.transfer import (
    COLUMNS,
    FileCounts,
    TransferService,
    escape_cell,
    unescape_cell,
)
from ddcase.storage import audit
from ddcase.storage.database import Database, make_engine
from ddcase.storage.migrations import migrate
from ddcase.storage.tables import AuditEventRow
from tests.permissions import owner_mode

TODAY = date(2026, 11, 22)

WORKERS_CSV = """\
name,organisation,service,role,email,phone
Ann Smith,Luton CMHT,mental_health,care_coordinator,ann.smith@nhs.net,01632 960001
Bob Jones,ResoLUTiONs,substance_misuse,key_worker,,
"""
CLIENTS_CSV = """\
client_ref,initials,nhs_number,date_of_birth,ethnicity,referral_route,consent_to_share_on
RT100001,AB,943 476 5919,01/02/1980,A,staff,2026-09-15
RT100002,CD,,,Z,self,
"""
# Columns in another order than SPEC's: any order is allowed.
EPISODES_CSV = """\
start_date,client_ref,service,organisation,team,worker,end_date
2026-06-01,RT100001,mental_health,Luton CMHT,North,Ann Smith,
2026-07-01,RT100001,substance_misuse,ResoLUTiONs,,Bob Jones,
2026-08-01,RT100002,substance_misuse,ResoLUTiONs,,Cath Green,
10/01/2026,RT100002,mental_health,Luton CMHT,South,,31/03/2026
"""
CONTACTS_CSV = """\
client_ref,date,kind,mode,outcome,mh_worker,sm_worker,client_present,duration_minutes,note
RT100001,2026-10-05,joint_appointment,face_to_face,,Ann Smith,Bob Jones,yes,60,Joint review at the hub
RT100001,2026-10-20,liaison,telephone,attended,Ann Smith,Bob Jones,no,15,
RT100001,20/10/2026,liaison,telephone,attended,Ann Smith,Bob Jones,no,15,
RT100002,2026-09-01,information_shared,letter,,,Cath Green,,,"Care plan sent, with ""risk"" summary"
"""
BASE = {
    "workers.csv": WORKERS_CSV,
    "clients.csv": CLIENTS_CSV,
    "episodes.csv": EPISODES_CSV,
    "contacts.csv": CONTACTS_CSV,
}


# ---------------------------------------------------------------------------------------- helpers


def write_folder(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / name).write_bytes(data)
    return folder


def make_context(path: Path) -> Context:
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    return Context(
        Database(engine),
        user="Test User",
        today=lambda: TODAY,
        now=lambda: datetime(2026, 11, 22, 10, 42, tzinfo=UTC),
    )


def audit_actions(context: Context) -> list[str]:
    with context.db.read() as session:
        return list(session.scalars(select(AuditEventRow.action).order_by(AuditEventRow.seq)))


def audit_count(context: Context) -> int:
    with context.db.read() as session:
        return audit.count(session)


def read_folder(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in COLUMNS}


def rejected(transfer: TransferService, folder: Path) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        transfer.import_folder(folder)
    return [str(p) for p in caught.value.problems]


@pytest.fixture
def transfer(context: Context) -> TransferService:
    return TransferService(context)


@pytest.fixture
def casework(context: Context) -> CaseworkService:
    return CaseworkService(context)


# ---------------------------------------------------------------------------------------- import


def test_a_small_folder_imports_with_the_right_counts(tmp_path, transfer, casework):
    summary = transfer.import_folder(write_folder(tmp_path / "in", BASE))

    assert summary.workers == FileCounts(created=3)  # Cath Green comes from episodes.csv
    assert summary.clients == FileCounts(created=2)
    assert summary.episodes == FileCounts(created=4)
    assert summary.contacts == FileCounts(created=3)  # two equal rows are one contact
    assert casework.counts() == {"workers": 3, "clients": 2, "episodes": 4, "contacts": 3}


def test_imported_data_reads_back_through_the_services(tmp_path, context, transfer, casework):
    transfer.import_folder(write_folder(tmp_path / "in", BASE))

    client = casework.client("RT100001")
    assert (client.initials, client.nhs_number, client.date_of_birth) == (
        "AB",
        "9434765919",
        date(1980, 2, 1),
    )
    assert (client.ethnicity, client.referral_route.value, client.consent_to_share_on) == (
        "A",
        "staff",
        date(2026, 9, 15),
    )
    ended = [e for e in casework.episodes("RT100002") if e.service is Service.MENTAL_HEALTH]
    assert (ended[0].start_date, ended[0].end_date, ended[0].team) == (
        date(2026, 1, 10),
        date(2026, 3, 31),
        "South",
    )
    letter = casework.contacts("RT100002")[0]
    assert letter.note == 'Care plan sent, with "risk" summary'
    assert (letter.outcome, letter.mh_worker, letter.sm_worker) == (Outcome.ATTENDED, None, "Cath Green")
    assert (letter.client_present, letter.duration_minutes) == (None, None)
    ann = next(w for w in casework.workers() if w.name == "Ann Smith")
    assert (ann.email, ann.phone, ann.role) == ("ann.smith@nhs.net", "01632 960001", Role.CARE_COORDINATOR)

    october = FiguresService(context).month(Month(2026, 10))
    assert (october.mutual_clients, october.jointly_worked) == (1, 1)


def test_a_worker_named_only_in_episodes_is_created_on_that_side(tmp_path, transfer, casework):
    transfer.import_folder(write_folder(tmp_path / "in", BASE))

    cath = [w for w in casework.workers() if w.name == "Cath Green"]
    assert [(w.service, w.organisation, w.role) for w in cath] == [
        (Service.SUBSTANCE_MISUSE, "ResoLUTiONs", Role.KEY_WORKER)
    ]
    assert casework.episodes("RT100002")[1].worker == "Cath Green"


def test_importing_the_same_folder_twice_changes_nothing(tmp_path, context, transfer, casework):
    folder = write_folder(tmp_path / "in", BASE)
    transfer.import_folder(folder)
    versions = [c.version for c in casework.clients()]
    before = audit_count(context)

    summary = transfer.import_folder(folder)

    assert summary.changed == 0
    assert summary.workers == FileCounts(unchanged=2)
    assert summary.clients == FileCounts(unchanged=2)
    assert summary.episodes == FileCounts(unchanged=4)
    assert summary.contacts == FileCounts(unchanged=3)
    assert casework.counts() == {"workers": 3, "clients": 2, "episodes": 4, "contacts": 3}
    assert [c.version for c in casework.clients()] == versions
    # A no-op import is still recorded: one entry, with zero changes.
    assert audit_count(context) == before + 1
    assert audit_actions(context)[-1] == "import"
    assert "Nothing changed" in str(summary)


def test_a_changed_row_updates_its_record_and_bumps_the_version(tmp_path, transfer, casework):
    transfer.import_folder(write_folder(tmp_path / "one", BASE))
    old = casework.client("RT100002")
    changed_clients = CLIENTS_CSV.replace("RT100002,CD,,,Z,self,", "RT100002,CD,,,Z,self,2026-11-01")
    changed_episodes = EPISODES_CSV.replace("ResoLUTiONs,,Cath Green,", "ResoLUTiONs,,Cath Green,2026-11-20")

    summary = transfer.import_folder(
        write_folder(tmp_path / "two", {"clients.csv": changed_clients, "episodes.csv": changed_episodes})
    )

    assert summary.clients == FileCounts(updated=1, unchanged=1)
    assert summary.episodes == FileCounts(updated=1, unchanged=3)
    new = casework.client("RT100002")
    assert (new.consent_to_share_on, new.version) == (date(2026, 11, 1), old.version + 1)
    assert casework.episodes("RT100002")[1].end_date == date(2026, 11, 20)


def test_a_byte_order_mark_is_accepted(tmp_path, transfer, casework):
    folder = write_folder(tmp_path / "in", {"clients.csv": b"\xef\xbb\xbf" + CLIENTS_CSV.encode()})

    assert transfer.import_folder(folder).clients == FileCounts(created=2)
    assert casework.client("RT100001").initials == "AB"


def test_uk_dates_and_windows_line_ends_are_accepted(tmp_path, transfer, casework):
    text = "client_ref,initials,date_of_birth,consent_to_share_on\r\nRT1,AB,29/02/1984,1/9/2026\r\n"
    transfer.import_folder(write_folder(tmp_path / "in", {"clients.csv": text}))

    client = casework.client("RT1")
    assert (client.date_of_birth, client.consent_to_share_on) == (date(1984, 2, 29), date(2026, 9, 1))


def test_blank_rows_are_ignored_and_lines_count_from_the_header(tmp_path, transfer):
    text = 'client_ref,initials\n\nRT1,AB\n,\n"RT2",CD\n\nRT3,EF,extra\n,,\n  ,  \n'
    with pytest.raises(ImportRejected) as caught:
        transfer.import_folder(write_folder(tmp_path / "in", {"clients.csv": text}))
    # Blank rows of any width are skipped; the row with three cells is reported at its own line.
    assert [str(p) for p in caught.value.problems] == [
        "clients.csv:7: -: this row has 3 cells but the header has 2 (a comma in a cell that is not "
        "wrapped in quotes?)"
    ]


def test_a_missing_clients_file_is_fine_when_the_clients_are_in_the_log(tmp_path, transfer, casework):
    transfer.import_folder(write_folder(tmp_path / "one", {"clients.csv": CLIENTS_CSV}))
    summary = transfer.import_folder(
        write_folder(
            tmp_path / "two",
            {
                "workers.csv": WORKERS_CSV,
                "contacts.csv": CONTACTS_CSV.splitlines()[0]
                + "\nRT100001,2026-10-05,liaison,email,,Ann Smith,,,,\n",
            },
        )
    )
    assert summary.contacts == FileCounts(created=1)
    assert summary.files == ("workers.csv", "contacts.csv")


def test_other_files_are_ignored_and_listed(tmp_path, transfer):
    folder = write_folder(
        tmp_path / "in", {"clients.csv": CLIENTS_CSV, "notes.csv": "x\n", "readme.txt": "hi"}
    )
    summary = transfer.import_folder(folder)
    assert summary.ignored == ("notes.csv",)


def test_a_folder_without_any_of_the_files_is_refused(tmp_path, transfer):
    folder = write_folder(tmp_path / "in", {"other.csv": "a\n"})
    with pytest.raises(DomainError, match="holds none of workers.csv, clients.csv"):
        transfer.import_folder(folder)
    with pytest.raises(DomainError, match="There is no folder"):
        transfer.import_folder(tmp_path / "missing")


# ---------------------------------------------------------------------------------------- errors

CONTACTS_HEADER = (
    "client_ref,date,kind,mode,outcome,mh_worker,sm_worker,client_present,duration_minutes,note\n"
)
EPISODES_HEADER = "client_ref,service,organisation,team,worker,start_date,end_date\n"
SAVE_AS = "save it from Excel as 'CSV UTF-8 (Comma delimited)'"

ERROR_CASES = {
    "unknown column": (
        "workers.csv",
        "name,organisation,service,grade,Role\nAnn Smith,Luton CMHT,mental_health,band 6,\n"
        "Bob Jones,ResoLUTiONs,substance_misuse,,key_worker\n",
        [
            "workers.csv:1: grade: unknown column; the columns are name, organisation, service, role, email, phone",
            "workers.csv:1: Role: unknown column (did you mean role?); the columns are name, organisation, "
            "service, role, email, phone",
        ],
    ),
    "missing required column": (
        "clients.csv",
        "client_ref,nhs_number\nRT100001,\nRT100002,\n",
        ["clients.csv:1: initials: this required column is missing from the header"],
    ),
    "a column twice": (
        "clients.csv",
        "client_ref,initials,initials\nRT100001,AB,AB\nRT100002,CD,CD\n",
        ["clients.csv:1: initials: this column appears twice"],
    ),
    "cp1252 bytes": (
        "workers.csv",
        b"name,organisation,service\nAnn Smith,Luton CMHT,mental_health\n"
        b"Zo\xeb Brown,ResoLUTiONs,substance_misuse\n",
        [f"workers.csv:3: -: not UTF-8 (byte 0xEB on this line; perhaps Windows-1252): {SAVE_AS}"],
    ),
    "UTF-16": (
        "workers.csv",
        "name,organisation,service\n".encode("utf-16"),
        [f"workers.csv:1: -: the file is UTF-16 ('Unicode text'), not UTF-8: {SAVE_AS}"],
    ),
    "NUL byte": (
        "contacts.csv",
        CONTACTS_HEADER + "RT100001,2026-10-05,liaison,telephone,,,,,,ok\nRT100001,2026-10-06,liaison,\x00\n",
        [
            "contacts.csv:3: -: contains a NUL character: the file is damaged or not a CSV text file; "
            + SAVE_AS
        ],
    ),
    "empty file": (
        "contacts.csv",
        "",
        ["contacts.csv:1: -: the first line must be the header row (the column names)"],
    ),
    "31 February": (
        "episodes.csv",
        EPISODES_HEADER + "RT100001,mental_health,Luton CMHT,North,Ann Smith,31/02/2026,\n",
        ["episodes.csv:2: start_date: no such date: '31/02/2026'"],
    ),
    "not a date": (
        "clients.csv",
        "client_ref,initials,date_of_birth\nRT100001,AB,1980-13-01\nRT100002,CD,Feb 1980\n",
        [
            "clients.csv:2: date_of_birth: no such date: '1980-13-01'",
            "clients.csv:3: date_of_birth: not a date (use YYYY-MM-DD or DD/MM/YYYY): 'Feb 1980'",
        ],
    ),
    "future dates": (
        "contacts.csv",
        CONTACTS_HEADER
        + "RT100001,2026-11-23,liaison,telephone,,,,,,\nRT100001,01/01/2027,liaison,email,,,,,,\n",
        [
            "contacts.csv:2: date: 2026-11-23 is in the future",
            "contacts.csv:3: date: 2027-01-01 is in the future",
        ],
    ),
    "end before start": (
        "episodes.csv",
        EPISODES_HEADER + "RT100001,mental_health,Luton CMHT,North,Ann Smith,2026-06-01,2026-05-31\n",
        ["episodes.csv:2: end_date: before the start date"],
    ),
    "required cells": (
        "episodes.csv",
        EPISODES_HEADER + ",,,North,,,\n",
        [
            "episodes.csv:2: client_ref: required",
            "episodes.csv:2: service: required",
            "episodes.csv:2: organisation: required",
            "episodes.csv:2: start_date: required",
        ],
    ),
    "unknown client": (
        "contacts.csv",
        CONTACTS_HEADER + "RT999,2026-10-05,liaison,telephone,,,,,,\n",
        ["contacts.csv:2: client_ref: unknown client RT999: not in clients.csv or the log"],
    ),
    "unknown kind, mode and outcome": (
        "contacts.csv",
        CONTACTS_HEADER + "RT100001,2026-10-05,joint,phone,dna,,,,,\n",
        [
            "contacts.csv:2: kind: unknown kind 'joint': use joint_appointment, care_plan_review, liaison, "
            "information_shared or other",
            "contacts.csv:2: mode: unknown mode 'phone': use face_to_face, video, telephone, meeting, email or letter",
            "contacts.csv:2: outcome: unknown outcome 'dna': use attended, did_not_attend or cancelled",
        ],
    ),
    "unknown side": (
        "episodes.csv",
        EPISODES_HEADER + "RT100001,cmht,Luton CMHT,North,,2026-06-01,\n",
        ["episodes.csv:2: service: unknown service 'cmht': use mental_health or substance_misuse"],
    ),
    "unknown role and referral route": (
        "workers.csv",
        "name,organisation,service,role\nAnn Smith,Luton CMHT,mental_health,nurse\n",
        ["workers.csv:2: role: unknown role 'nurse': use care_coordinator, key_worker, manager or other"],
    ),
    "unknown referral route": (
        "clients.csv",
        "client_ref,initials,referral_route\nRT100001,AB,gp\nRT100002,CD,\n",
        ["clients.csv:2: referral_route: unknown referral_route 'gp': use staff, self, drop_in or other"],
    ),
    "invalid NHS numbers": (
        "clients.csv",
        "client_ref,initials,nhs_number\nRT100001,AB,943 476 5918\nRT100002,CD,9.43E+09\n",
        [
            "clients.csv:2: nhs_number: not a valid NHS number (the check digit does not match): '943 476 5918'",
            "clients.csv:3: nhs_number: an NHS number has 10 digits: '9.43E+09'",
        ],
    ),
    "client_present and duration": (
        "contacts.csv",
        CONTACTS_HEADER
        + "RT100001,2026-10-05,liaison,telephone,,,,maybe,1.5,\nRT100001,2026-10-06,liaison,telephone,,,,Yes,0,\n",
        [
            "contacts.csv:2: client_present: use yes or no, or leave it blank, not 'maybe'",
            "contacts.csv:2: duration_minutes: a positive whole number of minutes, not '1.5'",
            "contacts.csv:3: duration_minutes: between 1 and 1440 minutes",
        ],
    ),
    "text too long and control characters": (
        "contacts.csv",
        CONTACTS_HEADER
        + f"RT100001,2026-10-05,liaison,telephone,,,,,,{'x' * 501}\nRT100001,2026-10-06,liaison,telephone,,,,,,a\x07b\n",
        [
            "contacts.csv:2: note: too long (501 characters; at most 500)",
            "contacts.csv:3: note: contains a control character",
        ],
    ),
    "stray quote": (
        "contacts.csv",
        CONTACTS_HEADER + 'RT100001,2026-10-05,liaison,telephone,,,,,,"Joint" review\n'
        "RT100001,2026-10-06,liaison,telephone,,,,,,fine\n",
        [
            'contacts.csv:2: -: a quote (") in the wrong place: a cell with quotes must be wrapped in quotes '
            'and every quote inside it doubled ("")'
        ],
    ),
    "unclosed quote across lines": (
        "contacts.csv",
        CONTACTS_HEADER + 'RT100001,2026-10-05,liaison,telephone,,,,,,"one\ntwo\nthree\n',
        ['contacts.csv:2: -: a quoted cell starting on this line is never closed (a " is missing)'],
    ),
    "a row after a multi-line note keeps its physical line": (
        "contacts.csv",
        CONTACTS_HEADER + 'RT100001,2026-10-05,liaison,telephone,,,,,,"line one\nline two"\n'
        "RT100001,2026-10-06,liaison,teams,,,,,,\n",
        [
            "contacts.csv:4: mode: unknown mode 'teams': use face_to_face, video, telephone, meeting, "
            "email or letter"
        ],
    ),
    "a huge cell": (
        "contacts.csv",
        CONTACTS_HEADER + f"RT100001,2026-10-05,liaison,telephone,,,,,,{'x' * 200_000}\n",
        ["contacts.csv:2: -: a cell is longer than 131072 characters"],
    ),
    "unknown workers in contacts": (
        "contacts.csv",
        CONTACTS_HEADER + "RT100001,2026-10-05,liaison,telephone,,Dan Brown,Ann Smith,,,\n",
        [
            "contacts.csv:2: mh_worker: no mental health worker called Dan Brown in workers.csv, episodes.csv "
            "or the log",
            "contacts.csv:2: sm_worker: no substance misuse worker called Ann Smith in workers.csv, "
            "episodes.csv or the log (Ann Smith is a mental health worker)",
        ],
    ),
    "a client twice with different details": (
        "clients.csv",
        "client_ref,initials\nRT100001,AB\nRT100002,CD\nRT100001,XY\nRT100002,CD\n",
        ["clients.csv:4: client_ref: RT100001 is on line 2 with different details"],
    ),
    "a worker twice with different details": (
        "workers.csv",
        WORKERS_CSV + "Ann Smith,Bedford CMHT,mental_health,care_coordinator,,\n",
        ["workers.csv:4: name: the same mental health worker is on line 2 with different details"],
    ),
    "an episode twice with different details": (
        "episodes.csv",
        EPISODES_HEADER + "RT100001,mental_health,Luton CMHT,North,Ann Smith,2026-06-01,\n"
        "RT100001,mental_health,Luton CMHT,South,Ann Smith,01/06/2026,\n",
        [
            "episodes.csv:3: start_date: the same episode (client, service, organisation and start date) "
            "is on line 2 with different details"
        ],
    ),
    "a value under a column with no name": (
        "clients.csv",
        "client_ref,initials,,\nRT100001,AB,,\nRT100002,CD,,oops\n",
        ["clients.csv:3: -: a value in column 4, which has no name in the header"],
    ),
}


@pytest.mark.parametrize("file, content, expected", ERROR_CASES.values(), ids=ERROR_CASES.keys())
def test_every_kind_of_error_is_reported_as_file_line_column_message(
    tmp_path, context, transfer, casework, file, content, expected
):
    transfer.import_folder(write_folder(tmp_path / "first", BASE))
    counts, entries = casework.counts(), audit_count(context)
    folder = write_folder(tmp_path / "in", {**BASE, file: content})

    assert rejected(transfer, folder) == expected
    assert transfer.check_folder(folder) and [str(p) for p in transfer.check_folder(folder)] == expected
    assert casework.counts() == counts
    assert audit_count(context) == entries


def test_errors_in_several_files_are_all_reported_at_once_and_nothing_is_written(
    tmp_path, context, transfer, casework
):
    before = casework.counts()
    folder = write_folder(
        tmp_path / "in",
        {
            "workers.csv": WORKERS_CSV.replace("key_worker", "keyworker"),
            "clients.csv": CLIENTS_CSV.replace("943 476 5919", "943 476 5910"),
            "episodes.csv": EPISODES_HEADER
            + "RT100001,mental_health,Luton CMHT,North,Ann Smith,31/02/2026,\n",
            "contacts.csv": CONTACTS_HEADER
            + "RT100001,2026-12-01,visit,telephone,,,,,,\nRT404,2026-10-01,liaison,email,,,,,,\n",
        },
    )

    problems = rejected(transfer, folder)

    assert problems == [
        "workers.csv:3: role: unknown role 'keyworker': use care_coordinator, key_worker, manager or other",
        "clients.csv:2: nhs_number: not a valid NHS number (the check digit does not match): '943 476 5910'",
        "episodes.csv:2: start_date: no such date: '31/02/2026'",
        "contacts.csv:2: date: 2026-12-01 is in the future",
        "contacts.csv:2: kind: unknown kind 'visit': use joint_appointment, care_plan_review, liaison, "
        "information_shared or other",
        "contacts.csv:3: client_ref: unknown client RT404: not in clients.csv or the log",
    ]
    assert casework.counts() == before
    assert audit_count(context) == 0


def test_the_rejection_message_lists_every_problem(tmp_path, transfer):
    folder = write_folder(tmp_path / "in", {"clients.csv": "client_ref,initials\nRT1,\nRT2,\n"})
    with pytest.raises(ImportRejected) as caught:
        transfer.import_folder(folder)
    assert str(caught.value) == (
        "Import rejected: 2 errors; nothing was written.\n"
        "clients.csv:2: initials: required\n"
        "clients.csv:3: initials: required"
    )


def test_check_folder_is_a_dry_run(tmp_path, transfer, casework):
    assert transfer.check_folder(write_folder(tmp_path / "in", BASE)) == []
    assert casework.counts() == {"workers": 0, "clients": 0, "episodes": 0, "contacts": 0}


# ---------------------------------------------------------------------------------------- formula cells


@pytest.mark.parametrize(
    "value, written",
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+44 1632 960000", "'+44 1632 960000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),
        ("'tis", "'tis"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_formula_cells_are_escaped_and_read_back(value, written):
    assert escape_cell(value) == written
    assert unescape_cell(written) == value


def test_an_apostrophe_before_other_text_is_kept_on_import():
    assert unescape_cell("'tis the season") == "'tis the season"
    assert unescape_cell("'=SUM(A1)") == "=SUM(A1)"


# ---------------------------------------------------------------------------------------- export

FORMULA_NOTES = [
    '=HYPERLINK("http://x","y")',
    "+44 1632 960000",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "'=already quoted",
    "'tis the season",
    'Met at the hub, "good" engagement',
    "First line\nsecond line, with a comma",
    "Zoë Ó Súilleabháin asked for a call back",
]


def realistic_folder(folder: Path, seed: int = 7, clients: int = 60, contacts: int = 400) -> Path:
    """A team's worth of data written by hand (not by ddcase), formula-like text included."""
    rng = random.Random(seed)
    mh = [f"MH Worker {i}" for i in range(8)] + ["Zoë Ó Súilleabháin"]
    sm = [f"SM Worker {i}" for i in range(6)] + ["-Dash O'Neil"]
    rows = {name: [list(cols)] for name, cols in COLUMNS.items()}
    for name in mh:
        rows["workers.csv"].append(
            [name, "Luton CMHT", "mental_health", "care_coordinator", "", "+44 1632 960000"]
        )
    for name in sm:
        rows["workers.csv"].append([name, "ResoLUTiONs", "substance_misuse", "key_worker", "x@nhs.net", ""])
    for n in range(clients):
        ref = f"RT{100000 + n}"
        rows["clients.csv"].append(
            [
                ref,
                rng.choice(["AB", "C.D.", "O'N", "Zo"]),
                "",
                f"{rng.randint(1, 28):02d}/0{rng.randint(1, 9)}/19{rng.randint(50, 99)}",
                rng.choice(["A", "Z", ""]),
                rng.choice(["staff", "self", "drop_in", "other", ""]),
                rng.choice(["", "2026-03-01", "15/07/2026"]),
            ]
        )
        start = date(2025, 1, 1) + timedelta(days=rng.randint(0, 500))
        rows["episodes.csv"].append(
            [
                ref,
                "mental_health",
                "Luton CMHT",
                rng.choice(["North", "South"]),
                rng.choice(mh + [""]),
                start.isoformat(),
                "",
            ]
        )
        rows["episodes.csv"].append(
            [
                ref,
                "substance_misuse",
                "ResoLUTiONs",
                "",
                rng.choice(sm + ["New Key Worker", ""]),
                (start + timedelta(days=rng.randint(0, 60))).isoformat(),
                rng.choice(["", (start + timedelta(days=200)).isoformat()]),
            ]
        )
    for _ in range(contacts):
        rows["contacts.csv"].append(
            [
                f"RT{100000 + rng.randrange(clients)}",
                (date(2025, 6, 1) + timedelta(days=rng.randint(0, 530))).isoformat(),
                rng.choice([k.value for k in ContactKind]),
                rng.choice([m.value for m in ContactMode]),
                rng.choice(["", "attended", "did_not_attend", "cancelled"]),
                rng.choice(mh + [""]),
                rng.choice(sm + [""]),
                rng.choice(["yes", "no", ""]),
                rng.choice(["", "15", "60"]),
                rng.choice(FORMULA_NOTES + [""]),
            ]
        )
    files = {}
    for name, table in rows.items():
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(table)  # as Excel writes it
        files[name] = buffer.getvalue()
    return write_folder(folder, files)


def test_export_then_import_into_an_empty_log_then_export_is_byte_identical(tmp_path, transfer):
    transfer.import_folder(realistic_folder(tmp_path / "hand-made"))
    first = tmp_path / "first"
    transfer.export_folder(first)

    other = make_context(tmp_path / "other.sqlite3")
    TransferService(other).import_folder(first)
    TransferService(other).export_folder(tmp_path / "second")

    assert read_folder(first) == read_folder(tmp_path / "second")
    # And the export re-imports into its own log unchanged.
    assert transfer.import_folder(first).changed == 0


def test_formula_like_text_is_written_safely_and_read_back_exactly(tmp_path, transfer):
    transfer.import_folder(realistic_folder(tmp_path / "hand-made"))
    transfer.export_folder(tmp_path / "out")
    contacts = (tmp_path / "out" / "contacts.csv").read_text("utf-8")
    workers = (tmp_path / "out" / "workers.csv").read_text("utf-8")

    assert '"\'=HYPERLINK(""http://x"",""y"")"' in contacts
    assert ",'+44 1632 960000\n" in contacts and ",'-2+3" in contacts and ",'@SUM(A1)" in contacts
    assert ",'=1\n" in contacts  # the tab was trimmed on import, as the app's forms trim
    # A hand-made "'=..." loses its apostrophe on import (SPEC: read back to its original text).
    assert ",'=already quoted\n" in contacts and ",'tis the season" in contacts
    assert "'-Dash O'Neil" in workers and ",'+44 1632 960000\n" in workers

    other = make_context(tmp_path / "other.sqlite3")
    TransferService(other).import_folder(tmp_path / "out")
    everywhere = {
        c.note
        for client in CaseworkService(other).clients()
        for c in CaseworkService(other).contacts(client.client_ref)
    }
    assert {
        '=HYPERLINK("http://x","y")',
        "+44 1632 960000",
        "-2+3",
        "@SUM(A1)",
        "=1",
        "=already quoted",
        "'tis the season",
        "First line\nsecond line, with a comma",
        "Zoë Ó Súilleabháin asked for a call back",
    } <= everywhere
    assert "-Dash O'Neil" in {w.name for w in CaseworkService(other).workers()}


def test_export_files_are_utf8_without_bom_sorted_and_owner_only(tmp_path, context, transfer):
    transfer.import_folder(write_folder(tmp_path / "in", BASE))
    folder = tmp_path / "new" / "export"

    summary = transfer.export_folder(folder)

    assert (summary.workers, summary.clients, summary.episodes, summary.contacts) == (3, 2, 4, 3)
    assert owner_mode(folder, 0o700) == 0o700
    for name in COLUMNS:
        assert owner_mode(folder / name, 0o600) == 0o600
    assert sorted(os.listdir(folder)) == sorted(COLUMNS)  # no temporary files left behind
    assert (folder / "episodes.csv").read_bytes() == (
        b"client_ref,service,organisation,team,worker,start_date,end_date\n"
        b"RT100001,mental_health,Luton CMHT,North,Ann Smith,2026-06-01,\n"
        b"RT100001,substance_misuse,ResoLUTiONs,,Bob Jones,2026-07-01,\n"
        b"RT100002,mental_health,Luton CMHT,South,,2026-01-10,2026-03-31\n"
        b"RT100002,substance_misuse,ResoLUTiONs,,Cath Green,2026-08-01,\n"
    )
    assert (folder / "contacts.csv").read_text("utf-8").splitlines()[1:3] == [
        "RT100001,2026-10-05,joint_appointment,face_to_face,attended,Ann Smith,Bob Jones,yes,60,Joint review at the hub",
        "RT100001,2026-10-20,liaison,telephone,attended,Ann Smith,Bob Jones,no,15,",
    ]
    assert audit_actions(context)[-1] == "export"


def test_export_replaces_files_already_there(tmp_path, transfer):
    folder = write_folder(tmp_path / "out", {"clients.csv": "old\n"})
    os.chmod(folder / "clients.csv", 0o644)
    transfer.export_folder(folder)
    assert (folder / "clients.csv").read_bytes().startswith(b"client_ref,initials,")
    assert owner_mode(folder / "clients.csv", 0o600) == 0o600


def test_export_into_a_file_is_refused(tmp_path, context, transfer):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(DomainError, match="is a file, not a folder"):
        transfer.export_folder(tmp_path / "file")
    assert audit_count(context) == 0


# ---------------------------------------------------------------------------------------- speed


def big_folder(folder: Path, clients: int = 300, contacts: int = 5000) -> Path:
    rng = random.Random(1)
    mh = [f"Care Coordinator {i}" for i in range(20)]
    sm = [f"Key Worker {i}" for i in range(20)]
    workers = ["name,organisation,service,role"]
    workers += [f"{n},Luton CMHT,mental_health,care_coordinator" for n in mh]
    workers += [f"{n},ResoLUTiONs,substance_misuse,key_worker" for n in sm]
    client_rows = ["client_ref,initials,nhs_number,date_of_birth,consent_to_share_on"]
    episode_rows = [EPISODES_HEADER.strip()]
    for n in range(clients):
        client_rows.append(f"RT{200000 + n},AB,,01/02/1980,2026-01-0{1 + n % 9}")
        episode_rows.append(
            f"RT{200000 + n},mental_health,Luton CMHT,North,{rng.choice(mh)},2025-0{1 + n % 9}-01,"
        )
        episode_rows.append(
            f"RT{200000 + n},substance_misuse,ResoLUTiONs,,{rng.choice(sm)},2025-0{2 + n % 8}-01,"
        )
    contact_rows = [CONTACTS_HEADER.strip()]
    for n in range(contacts):
        day = date(2025, 10, 1) + timedelta(days=n % 400)
        contact_rows.append(
            f"RT{200000 + n % clients},{day.isoformat()},joint_appointment,face_to_face,,{rng.choice(mh)},"
            f"{rng.choice(sm)},yes,{30 + n % 60},Contact number {n}: reviewed the plan with both services"
        )
    return write_folder(
        folder,
        {
            "workers.csv": "\n".join(workers) + "\n",
            "clients.csv": "\n".join(client_rows) + "\n",
            "episodes.csv": "\n".join(episode_rows) + "\n",
            "contacts.csv": "\n".join(contact_rows) + "\n",
        },
    )


def test_300_clients_and_5000_contacts_import_in_well_under_5_seconds(tmp_path, transfer, casework):
    folder = big_folder(tmp_path / "big")

    started = time.perf_counter()
    summary = transfer.import_folder(folder)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = transfer.import_folder(folder)
    second = time.perf_counter() - started
    started = time.perf_counter()
    transfer.export_folder(tmp_path / "out")
    export = time.perf_counter() - started

    print(f"\nimport {first:.2f}s, re-import {second:.2f}s, export {export:.2f}s")
    assert summary.contacts == FileCounts(created=5000)
    assert again.changed == 0
    assert casework.counts() == {"workers": 40, "clients": 300, "episodes": 600, "contacts": 5000}
    assert first < 5 and second < 5


# ---------------------------------------------------------------------------------------- properties


@pytest.fixture(scope="module")
def template_db(tmp_path_factory) -> Path:
    """A migrated database to copy, so each hypothesis example starts from an empty log quickly."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


def fresh_context(template: Path, folder: Path, name: str) -> Context:
    path = folder / name
    shutil.copyfile(template, path)
    engine = make_engine(f"sqlite:///{path}")
    return Context(Database(engine), user="Test User", today=lambda: TODAY)


TRICKY = "aZë Ó'\"=+-@,;\n\t\r"


def stripped_text(alphabet: str, min_size: int, max_size: int):
    return (
        st.text(alphabet=alphabet, min_size=min_size, max_size=max_size)
        .map(lambda s: s.replace("\t", "").replace("\r", "").strip())
        .filter(lambda s: len(s) >= min_size)
    )


names = stripped_text("ABCxyzëÓ '=+-@,\"", 1, 12).filter(lambda s: "\n" not in s)
notes = st.one_of(st.none(), stripped_text(TRICKY + "xyz ", 1, 40))
days = st.dates(min_value=date(1990, 1, 1), max_value=TODAY)


def nhs_number(digits: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else digits + str(check)


@st.composite
def data_sets(draw):
    mh = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    sm = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    orgs = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    refs = draw(
        st.lists(
            st.from_regex(r"[A-Z][A-Z0-9/_.-]{0,7}", fullmatch=True), min_size=1, max_size=5, unique=True
        )
    )
    rows = {name: [list(cols)] for name, cols in COLUMNS.items()}
    for side, people in (("mental_health", mh), ("substance_misuse", sm)):
        for person in people:
            rows["workers.csv"].append(
                [
                    person,
                    draw(st.sampled_from(orgs)),
                    side,
                    draw(st.sampled_from([""] + [r.value for r in Role])),
                    draw(st.sampled_from(["", "a@b.nhs.uk"])),
                    draw(st.sampled_from(["", "+44 1632 960000", "01632 960001"])),
                ]
            )
    for ref in refs:
        dob = draw(st.one_of(st.none(), days))
        consent = draw(st.one_of(st.none(), st.dates(min_value=dob or date(1990, 1, 1), max_value=TODAY)))
        nhs = nhs_number(draw(st.from_regex(r"999[0-9]{6}", fullmatch=True)))
        rows["clients.csv"].append(
            [
                ref,
                draw(st.from_regex(r"[A-Za-z][A-Za-z.' -]{0,3}[A-Za-z]", fullmatch=True)),
                nhs or "",
                dob.isoformat() if dob else "",
                draw(st.sampled_from(["", "A", "Z"])),
                draw(st.sampled_from(["", "staff", "self", "drop_in", "other"])),
                consent.isoformat() if consent else "",
            ]
        )
        keys = set()
        for _ in range(draw(st.integers(0, 3))):
            side = draw(st.sampled_from(["mental_health", "substance_misuse"]))
            org = draw(st.sampled_from(orgs))
            start = draw(days)
            if (side, org, start) in keys:
                continue
            keys.add((side, org, start))
            end = draw(st.one_of(st.none(), st.dates(min_value=start, max_value=TODAY)))
            worker = draw(
                st.sampled_from([""] + (mh if side == "mental_health" else sm) + ["Brand New Person"])
            )
            rows["episodes.csv"].append(
                [
                    ref,
                    side,
                    org,
                    draw(st.sampled_from(["", "North", "=Team"])),
                    worker,
                    start.isoformat(),
                    end.isoformat() if end else "",
                ]
            )
        for _ in range(draw(st.integers(0, 4))):
            note = draw(notes)
            rows["contacts.csv"].append(
                [
                    ref,
                    draw(days).isoformat(),
                    draw(st.sampled_from([k.value for k in ContactKind])),
                    draw(st.sampled_from([m.value for m in ContactMode])),
                    draw(st.sampled_from(["attended", "did_not_attend", "cancelled"])),
                    draw(st.sampled_from([""] + mh)),
                    draw(st.sampled_from([""] + sm)),
                    draw(st.sampled_from(["", "yes", "no"])),
                    draw(st.sampled_from(["", "1", "45", "1440"])),
                    "" if note is None else note,
                ]
            )
    return rows


def csv_text(table: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([[escape_cell(c) for c in row] for row in table])
    return buffer.getvalue()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(data=data_sets())
def test_any_valid_data_set_round_trips_byte_for_byte(template_db, data):
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        folder = write_folder(root / "in", {name: csv_text(table) for name, table in data.items()})
        one = fresh_context(template_db, root, "one.sqlite3")
        two = fresh_context(template_db, root, "two.sqlite3")
        try:
            TransferService(one).import_folder(folder)
            TransferService(one).export_folder(root / "a")
            TransferService(two).import_folder(root / "a")
            TransferService(two).export_folder(root / "b")
            assert read_folder(root / "a") == read_folder(root / "b")
            assert TransferService(one).import_folder(root / "a").changed == 0
        finally:
            one.db.dispose()
            two.db.dispose()


JUNK = st.lists(st.sampled_from(list("\",\n\r\x00'=;\t\ufeffaé1/-") + ["\u2028", "x" * 50]), max_size=30).map(
    "".join
)


@st.composite
def broken_folders(draw):
    files: dict[str, str | bytes] = dict(BASE)
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(files)))
        content = files[name]
        how = draw(st.sampled_from(["insert", "bytes", "huge", "truncate"]))
        text = content if isinstance(content, str) else content.decode("utf-8", "replace")
        at = draw(st.integers(0, len(text)))
        if how == "insert":
            files[name] = text[:at] + draw(JUNK) + text[at:]
        elif how == "bytes":
            files[name] = text[:at].encode() + draw(st.binary(min_size=1, max_size=20)) + text[at:].encode()
        elif how == "huge":
            files[name] = text[:at] + "y" * draw(st.sampled_from([600, 140_000])) + text[at:]
        else:
            files[name] = text[:at]
    return files


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=broken_folders())
def test_malformed_files_only_ever_raise_import_rejected_and_write_nothing(template_db, files):
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        context = fresh_context(template_db, root, "log.sqlite3")
        try:
            transfer = TransferService(context)
            folder = write_folder(root / "in", files)
            problems = transfer.check_folder(folder)
            try:
                transfer.import_folder(folder)
            except ImportRejected as error:
                assert [str(p) for p in error.problems] == [str(p) for p in problems]
                assert all(str(p).count(":") >= 3 for p in error.problems)
                assert CaseworkService(context).counts() == {
                    "workers": 0,
                    "clients": 0,
                    "episodes": 0,
                    "contacts": 0,
                }
                assert audit_count(context) == 0
            else:
                assert problems == []
        finally:
            context.db.dispose()
