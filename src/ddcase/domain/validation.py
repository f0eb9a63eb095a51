"""Validation in one place (SPEC §1, §3): the app, the CSV import and the command line all call
these. Each `check_*` returns every problem found, so a form or an import can list them all.

Pure: today's date is an argument.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import cast

from ddcase.domain.errors import FieldProblem
from ddcase.domain.values import Client, Contact, Definition, Episode, Worker

#: Longest text accepted in each free-text field; SQLite would not enforce a VARCHAR length.
MAX_LENGTH = {
    "client_ref": 20,
    "initials": 6,
    "name": 80,
    "organisation": 80,
    "team": 80,
    "worker": 80,
    "mh_worker": 80,
    "sm_worker": 80,
    "email": 254,
    "phone": 30,
    "note": 500,
    "agreed_in": 200,
    "audit_name": 200,
    "question": 300,
    "text": 500,
}
MAX_DURATION_MINUTES = 24 * 60
EARLIEST_DATE = date(1900, 1, 1)

_CLIENT_REF_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]*$")
_INITIALS_RE = re.compile(r"^[A-Za-z][A-Za-z.' -]*$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_RE = re.compile(r"^[0-9+() -]+$")
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)
_UK_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", re.ASCII)


def parse_date(text: str) -> date:
    """SPEC §3: dates are YYYY-MM-DD; DD/MM/YYYY (UK spreadsheets) is also accepted.

    Raises ValueError with a message a user can read.
    """
    value = text.strip()
    match = _ISO_DATE_RE.match(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _UK_DATE_RE.match(value)
        if not match:
            raise ValueError(f"not a date (use YYYY-MM-DD or DD/MM/YYYY): {text!r}")
        day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"no such date: {text!r}") from None


_NHS_NUMBER_WEIGHTS = range(10, 1, -1)  # of the first nine digits


def nhs_number_is_valid(digits: str) -> bool:
    """NHS Data Dictionary Modulus 11: weights 10..2 on digits 1-9; check = 11 - (sum mod 11);
    11 becomes 0; 10 means the number is invalid."""
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()):
        return False
    total = sum(map(operator.mul, map(int, digits[:9]), _NHS_NUMBER_WEIGHTS))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9]) and digits != "0000000000"


def normalise_nhs_number(text: str) -> str:
    """Strip spaces and hyphens (3-3-4 format). Raises ValueError if not a valid NHS number."""
    digits = re.sub(r"[\s-]", "", text)
    if not (digits.isascii() and digits.isdigit()) or len(digits) != 10:
        raise ValueError("an NHS number has 10 digits")
    if not nhs_number_is_valid(digits):
        raise ValueError("not a valid NHS number (the check digit does not match)")
    return digits


#: The first three digits of NHS numbers in use (docs/decisions.md, "NHS numbers never issued"):
#: Scotland's CHI (010-311) and Northern Ireland (320-399), with the 3xx England also uses;
#: England, Wales and the Isle of Man (400-499, 600-799); and 999, the range NHS Digital keeps
#: for test and training data (never a person's, but the demo and training logs use it).
NHS_NUMBER_PREFIXES_IN_USE = ((10, 399), (400, 499), (600, 799), (999, 999))


def nhs_number_warnings(
    digits: str | None, client_ref: str, in_use: Mapping[str, Collection[str]]
) -> list[str]:
    """What to warn about in a valid NHS number, before it is saved (not an error: the user may
    confirm): a number never issued to anyone (all ten digits the same, or a range no part of the
    UK issues), and a number already recorded for another client (`in_use`: number -> the
    client_refs holding it, `nhs_numbers_in_use`). The one home of the rule, for the client form, the import and the
    command line."""
    if not digits:
        return []
    warnings = []
    if len(set(digits)) == 1:
        warnings.append("all ten digits are the same: a placeholder, never issued to a person")
    elif not any(low <= int(digits[:3]) <= high for low, high in NHS_NUMBER_PREFIXES_IN_USE):
        warnings.append(f"no part of the UK issues NHS numbers starting {digits[:3]}: check it")
    others = sorted(ref for ref in in_use.get(digits, ()) if ref != client_ref)
    if others:
        more = f" and {len(others) - 1} more" if len(others) > 1 else ""
        warnings.append(
            f"{format_nhs_number(digits)} is already recorded for client {others[0]}{more}: one "
            "person, one NHS number (check both records)"
        )
    return warnings


def nhs_numbers_in_use(clients: Iterable[tuple[str | None, str]]) -> dict[str, set[str]]:
    """(nhs_number, client_ref) pairs -> each number and the clients holding it."""
    in_use: dict[str, set[str]] = {}
    for number, ref in clients:
        if number:
            in_use.setdefault(number, set()).add(ref)
    return in_use


def format_nhs_number(digits: str) -> str:
    """'943 476 5919', as printed on NHS letters."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == 10 else digits


#: Unicode category Cc (C0, DEL and C1 controls) except the line feed; a test checks it against
#: unicodedata, which is much slower to ask one character at a time.
_CONTROL_RE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


#: Fields of one line: a line break is refused in them (notes, chart notes and other longer
#: texts may run over several lines).
ONE_LINE_FIELDS = frozenset(
    {
        "audit_name",
        "question",
        "client_ref",
        "initials",
        "name",
        "organisation",
        "team",
        "worker",
        "mh_worker",
        "sm_worker",
        "email",
        "phone",
        "owner",
    }
)

#: Invisible characters that change how text is shown, not what it says (issue 14, hole 8): the
#: bidirectional embeddings, overrides and isolates, and the direction marks. A note holding
#: U+202E reads backwards from there on: what a reader sees is not what is stored (the
#: "Trojan Source" trick). Named so that the message can say which one was found.
HIDDEN_CHARACTERS = {
    "\u061c": "Arabic letter mark",
    "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark",
    "\u202a": "left-to-right embedding",
    "\u202b": "right-to-left embedding",
    "\u202c": "pop directional formatting",
    "\u202d": "left-to-right override",
    "\u202e": "right-to-left override",
    "\u2066": "left-to-right isolate",
    "\u2067": "right-to-left isolate",
    "\u2068": "first strong isolate",
    "\u2069": "pop directional isolate",
}
_HIDDEN_RE = re.compile(f"[{''.join(HIDDEN_CHARACTERS)}]")


def text_problem(field: str, value: str | None, *, required: bool = False) -> str | None:
    """The problem with a free-text value, or None: required, too long, control characters, or
    invisible characters that change how the text is shown (`HIDDEN_CHARACTERS`). The one rule
    for every text field, called by the domain's checks, the services and the import."""
    if value is None or value.strip() == "":
        return "required" if required else None
    limit = MAX_LENGTH.get(field, MAX_LENGTH["text"])
    if len(value) > limit:
        return f"too long ({len(value)} characters; at most {limit})"
    if _CONTROL_RE.search(value):
        return "contains a control character"
    if "\n" in value and field in ONE_LINE_FIELDS:
        return "contains a line break: this field is one line"
    if found := _HIDDEN_RE.search(value):
        character = found.group()
        return (
            f"contains an invisible character that changes how the text is shown "
            f"(U+{ord(character):04X}, {HIDDEN_CHARACTERS[character]}) at position {found.start() + 1}: "
            "remove it"
        )
    return None


@functools.lru_cache(maxsize=1 << 12)
def _text_problem(field: str, value: str | None, required: bool) -> str | None:
    """`text_problem`, remembered for the last few thousand values: an import checks the same
    teams, organisations, workers and references again and again (120,000 episodes name a few
    hundred of them). Pure, so remembering changes nothing but the time."""
    return text_problem(field, value, required=required)


def _check_text(problems: list[FieldProblem], field: str, value: str | None, required: bool = False) -> None:
    message = _text_problem(field, value, required)
    if message:
        problems.append(FieldProblem(field, message))


def _check_date(
    problems: list[FieldProblem], field: str, value: date | None, today: date, required: bool = False
) -> None:
    if value is None:
        if required:
            problems.append(FieldProblem(field, "required"))
        return
    if value > today:
        problems.append(FieldProblem(field, f"{value.isoformat()} is in the future"))
    elif value < EARLIEST_DATE:
        problems.append(FieldProblem(field, f"{value.isoformat()} is before 1900"))


def check_worker(worker: Worker) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    _check_text(problems, "name", worker.name, required=True)
    _check_text(problems, "organisation", worker.organisation, required=True)
    _check_text(problems, "email", worker.email)
    _check_text(problems, "phone", worker.phone)
    if worker.email and not _EMAIL_RE.match(worker.email.strip()):
        problems.append(FieldProblem("email", "not an email address"))
    if worker.phone and not _PHONE_RE.match(worker.phone.strip()):
        problems.append(FieldProblem("phone", "use digits, spaces, +, ( and ) only"))
    return problems


def check_client(client: Client, today: date) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    _check_text(problems, "client_ref", client.client_ref, required=True)
    if client.client_ref and not _CLIENT_REF_RE.match(client.client_ref):
        problems.append(FieldProblem("client_ref", "use letters, digits, '/', '_', '.' and '-' only"))
    _check_text(problems, "initials", client.initials, required=True)
    if client.initials and not _INITIALS_RE.match(client.initials):
        problems.append(FieldProblem("initials", "use letters only"))
    if client.nhs_number is not None and not nhs_number_is_valid(client.nhs_number):
        problems.append(FieldProblem("nhs_number", "not a valid NHS number (the check digit does not match)"))
    _check_date(problems, "date_of_birth", client.date_of_birth, today)
    _check_date(problems, "consent_to_share_on", client.consent_to_share_on, today)
    if client.ethnicity is not None and not re.fullmatch(r"[A-Z]", client.ethnicity):
        problems.append(
            FieldProblem("ethnicity", "an NHS ethnic category is one letter A-Z (Z = not stated)")
        )
    if (
        client.date_of_birth
        and client.consent_to_share_on
        and client.consent_to_share_on < client.date_of_birth
    ):
        problems.append(FieldProblem("consent_to_share_on", "before the date of birth"))
    return problems


def check_episode(episode: Episode, today: date) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    _check_text(problems, "client_ref", episode.client_ref, required=True)
    _check_text(problems, "organisation", episode.organisation, required=True)
    _check_text(problems, "team", episode.team)
    _check_text(problems, "worker", episode.worker)
    _check_date(problems, "start_date", episode.start_date, today, required=True)
    _check_date(problems, "end_date", episode.end_date, today)
    if (
        episode.end_date is not None
        and episode.start_date is not None
        and episode.end_date < episode.start_date
    ):
        problems.append(FieldProblem("end_date", "before the start date"))
    return problems


#: The contact fields `check_contact` checks, in the order it reports them. Each is checked on its
#: own (no rule reads two fields), so the CSV import can check each distinct value of a column once
#: with `contact_field_problem` and know the row passes `check_contact` exactly when every one of
#: its values does.
CONTACT_CHECKED_FIELDS = ("client_ref", "date", "mh_worker", "sm_worker", "note", "duration_minutes")


def contact_field_problem(field: str, value: object, today: date) -> str | None:
    """The problem with one field of a contact, or None (`check_contact` is made of these).
    `value` has the type of the Contact field `field` names (the casts below say which)."""
    if field == "client_ref":
        return text_problem(field, cast(str | None, value), required=True)
    if field == "date":
        problems: list[FieldProblem] = []
        _check_date(problems, field, cast(date | None, value), today, required=True)
        return problems[0].message if problems else None
    if field == "duration_minutes":
        minutes = cast(int | None, value)
        if minutes is not None and not 0 < minutes <= MAX_DURATION_MINUTES:
            return f"between 1 and {MAX_DURATION_MINUTES} minutes"
        return None
    return text_problem(field, cast(str | None, value))


def check_contact(contact: Contact, today: date) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    for field in CONTACT_CHECKED_FIELDS:
        message = contact_field_problem(field, getattr(contact, field), today)
        if message:
            problems.append(FieldProblem(field, message))
    return problems


def check_definition(definition: Definition) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not 1 <= definition.min_overlap_days <= 31:
        problems.append(FieldProblem("min_overlap_days", "between 1 and 31 days"))
    if not 1 <= definition.joint_contacts_min <= 50:
        problems.append(FieldProblem("joint_contacts_min", "between 1 and 50 contacts"))
    if not 1 <= definition.joint_contact_window_days <= 730:
        problems.append(FieldProblem("joint_contact_window_days", "between 1 and 730 days"))
    if not 1 <= definition.liaison_contacts_min <= 50:
        problems.append(FieldProblem("liaison_contacts_min", "between 1 and 50 contacts"))
    _check_text(problems, "note", definition.note)
    _check_text(problems, "agreed_in", definition.agreed_in)
    return problems
