"""The CSV format of SPEC §3: the files, their columns, and how one cell is written and read
(formula escaping, cleaning, the small conversions every file shares)."""

from __future__ import annotations

import functools
import re
import sys
from datetime import date
from enum import StrEnum
from typing import TypeVar

from ddcase.domain.validation import parse_date

WORKERS = "workers.csv"
CLIENTS = "clients.csv"
EPISODES = "episodes.csv"
CONTACTS = "contacts.csv"

#: SPEC §3: the files, in the order they are read and written, and their columns in SPEC order.
COLUMNS: dict[str, tuple[str, ...]] = {
    WORKERS: ("name", "organisation", "service", "role", "email", "phone"),
    CLIENTS: (
        "client_ref",
        "initials",
        "nhs_number",
        "date_of_birth",
        "ethnicity",
        "referral_route",
        "consent_to_share_on",
    ),
    EPISODES: ("client_ref", "service", "organisation", "team", "worker", "start_date", "end_date"),
    CONTACTS: (
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
    ),
}
REQUIRED: dict[str, frozenset[str]] = {
    WORKERS: frozenset({"name", "organisation", "service"}),
    CLIENTS: frozenset({"client_ref", "initials"}),
    EPISODES: frozenset({"client_ref", "service", "organisation", "start_date"}),
    CONTACTS: frozenset({"client_ref", "date", "kind", "mode"}),
}
FILES = tuple(COLUMNS)

#: The column of a problem that is about a whole row or file rather than one cell.
WHOLE_ROW = "-"

#: SPEC §3: cells a spreadsheet could run as a formula (OWASP, CWE-1236).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_INTERN_UP_TO = 80  # characters: references, names, codes and short notes

E = TypeVar("E", bound=StrEnum)

WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")

#: The same few thousand dates recur a million times in a trust's contacts.csv: parse each once
#: and share the value.
parse_date_cached = functools.lru_cache(maxsize=8192)(parse_date)


def escape_cell(text: str) -> str:
    """SPEC §3: a cell a spreadsheet would run as a formula is written with a leading apostrophe.
    Text that already starts with apostrophes before such a character gets one more, so that
    `unescape_cell` always gives the original back."""
    if text.lstrip("'").startswith(_FORMULA_START):
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """The inverse of `escape_cell`: one leading apostrophe is dropped when what follows the
    apostrophes starts with =, +, -, @, tab or carriage return. "'tis" stays "'tis"."""
    if text.startswith("'") and text.lstrip("'").startswith(_FORMULA_START):
        return text[1:]
    return text


def clean(cell: str) -> str:
    """A cell as the log stores it: unescaped, Windows line breaks inside it made plain, and
    surrounding spaces dropped (as the app's own forms do). Short cells are interned: a trust's
    contacts.csv repeats the same references, names and notes a million times."""
    if cell.startswith("'"):
        cell = unescape_cell(cell)
    if "\r" in cell:
        cell = cell.replace("\r\n", "\n").replace("\r", "\n")
    cell = cell.strip()
    return sys.intern(cell) if len(cell) <= _INTERN_UP_TO else cell


@functools.cache
def members(kind: type[E]) -> dict[str, E]:
    """The enum's members by value (a dict look-up; calling the enum costs several times more)."""
    return {member.value: member for member in kind}


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def iso(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def lines_before(text: str) -> int:
    """How many line breaks the text holds (\\r\\n, \\n or a lone \\r each count once), the way the
    csv module counts them."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")
