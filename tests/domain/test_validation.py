"""Validation (SPEC §1, §3): NHS numbers, dates, text fields, and whole records."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ddcase.domain import Client, Contact, ContactKind, ContactMode, Definition, Episode, Service, Worker
from ddcase.domain.validation import (
    MAX_LENGTH,
    check_client,
    check_contact,
    check_definition,
    check_episode,
    check_worker,
    format_nhs_number,
    nhs_number_is_valid,
    nhs_number_warnings,
    normalise_nhs_number,
    parse_date,
    text_problem,
)

TODAY = date(2026, 3, 15)


def fields(problems):
    return [p.field for p in problems]


# --- NHS numbers: Modulus 11 ---------------------------------------------------------------


@pytest.mark.parametrize(
    "digits",
    [
        "9434765919",  # the NHS Data Dictionary example: sum 299, 299 mod 11 = 2, 11 - 2 = 9
        "4010232137",  # check value 7
        "1000000060",  # 10 + 12 = 22, 22 mod 11 = 0, check 11 becomes 0
    ],
)
def test_nhs_number_with_matching_check_digit_is_valid(digits):
    assert nhs_number_is_valid(digits)


@pytest.mark.parametrize(
    ("digits", "why"),
    [
        ("9434765918", "wrong check digit"),
        ("9434765910", "wrong check digit"),
        ("1234567890", "check value 10 is never valid"),
        ("1234567891", "check value 10 is never valid"),
        ("0000000000", "all zeros"),
        ("943476591", "9 digits"),
        ("94347659190", "11 digits"),
        ("94347659A9", "a letter"),
        ("943 476 5919", "spaces are for normalise_nhs_number, not the check"),
        ("", "empty"),
        ("٩٤٣٤٧٦٥٩١٩", "Arabic-Indic digits are not NHS number digits"),
        ("943476591¹", "a superscript digit"),
    ],
)
def test_nhs_number_is_invalid(digits, why):
    assert not nhs_number_is_valid(digits), why


@pytest.mark.parametrize(
    "text",
    ["9434765919", "943 476 5919", "943-476-5919", " 943 476 5919 ", "943  476-5919"],
)
def test_normalise_nhs_number_strips_spaces_and_hyphens(text):
    assert normalise_nhs_number(text) == "9434765919"


@pytest.mark.parametrize(
    "text",
    [
        "943 476 5918",
        "123 456 7890",
        "000 000 0000",
        "943 476 591",
        "943 476 59190",
        "943 476 591X",
        "943.476.5919",
        "",
        "943 476 591¹",
        "٩٤٣ ٤٧٦ ٥٩١٩",
    ],
)
def test_normalise_nhs_number_rejects_invalid_numbers_with_a_readable_message(text):
    with pytest.raises(ValueError) as raised:
        normalise_nhs_number(text)
    assert "NHS number" in str(raised.value)


def test_format_nhs_number_is_three_three_four():
    assert format_nhs_number("9434765919") == "943 476 5919"
    assert format_nhs_number("94347") == "94347"


@given(st.text("0123456789", min_size=9, max_size=9))
def test_at_most_one_check_digit_makes_nine_digits_a_valid_number(first_nine):
    valid = [d for d in "0123456789" if nhs_number_is_valid(first_nine + d)]
    assert len(valid) <= 1


@given(st.text("0123456789", min_size=10, max_size=10))
def test_nhs_number_check_is_the_modulus_11_rule_spelled_out(digits):
    # The check as the NHS Data Dictionary spells it, one digit at a time: nhs_number_is_valid
    # computes it with map() (issue 18: an import checks 20,000 numbers twice each).
    total = sum(int(digits[i]) * (10 - i) for i in range(9))
    check = {11: 0}.get(11 - total % 11, 11 - total % 11)
    expected = check != 10 and check == int(digits[9]) and digits != "0000000000"
    assert nhs_number_is_valid(digits) == expected


@given(st.text("0123456789", min_size=10, max_size=10))
def test_normalise_accepts_exactly_the_valid_numbers_in_three_three_four_form(digits):
    spaced = f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    if nhs_number_is_valid(digits):
        assert normalise_nhs_number(spaced) == digits
    else:
        with pytest.raises(ValueError):
            normalise_nhs_number(spaced)


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-15", date(2026, 3, 15)),
        ("15/03/2026", date(2026, 3, 15)),
        ("5/3/2026", date(2026, 3, 5)),
        ("05/03/2026", date(2026, 3, 5)),  # UK order: 5 March, not 3 May
        (" 2026-03-15 ", date(2026, 3, 15)),
        ("29/02/2024", date(2024, 2, 29)),
        ("2024-02-29", date(2024, 2, 29)),
        ("31/12/2025", date(2025, 12, 31)),
    ],
)
def test_parse_date_reads_iso_and_uk_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2026",
        "29/02/2023",
        "2023-02-29",
        "2100-02-29",
        "2026-13-01",
        "00/01/2026",
        "2026-04-31",
    ],
)
def test_parse_date_rejects_days_that_do_not_exist(text):
    with pytest.raises(ValueError, match="no such date"):
        parse_date(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "2026/03/15",
        "15-03-2026",
        "03/15/26",
        "2026-3-15",
        "20260315",
        "15.03.2026",
        "2026-03-15T10:00",
        "٢٠٢٦-٠٣-١٥",  # Arabic-Indic digits
    ],
)
def test_parse_date_rejects_garbage(text):
    with pytest.raises(ValueError, match="not a date"):
        parse_date(text)


# --- free text -------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["client_ref", "initials", "name", "team", "email", "phone", "note"])
def test_text_at_the_limit_is_accepted_and_one_more_is_too_long(field):
    limit = MAX_LENGTH[field]
    assert text_problem(field, "x" * limit) is None
    assert text_problem(field, "x" * (limit + 1)) == f"too long ({limit + 1} characters; at most {limit})"


@pytest.mark.parametrize(("field", "limit"), [("client_ref", 20), ("initials", 6), ("note", 500)])
def test_the_limits_are_the_agreed_ones(field, limit):
    assert MAX_LENGTH[field] == limit


def test_a_field_without_its_own_limit_uses_the_general_text_limit():
    assert text_problem("something_else", "x" * 500) is None
    assert text_problem("something_else", "x" * 501) is not None


@pytest.mark.parametrize("bad", ["\x00", "\t", "\r", "\x1b", "\x7f", "\x85"])
def test_control_characters_are_rejected(bad):
    assert text_problem("note", f"seen{bad}today") == "contains a control character"


def test_a_newline_in_a_note_is_allowed():
    assert text_problem("note", "seen today\nplan agreed") is None


@pytest.mark.parametrize("value", [None, "", "   ", "\n"])
def test_a_required_field_empty_or_whitespace_is_required(value):
    assert text_problem("client_ref", value, required=True) == "required"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_an_optional_field_may_be_blank(value):
    assert text_problem("team", value) is None


# --- whole records ---------------------------------------------------------------------------


def test_an_ordinary_client_has_no_problems():
    client = Client(
        "C001",
        "AB",
        nhs_number="9434765919",
        date_of_birth=date(1980, 5, 1),
        ethnicity="A",
        consent_to_share_on=TODAY,
    )
    assert check_client(client, TODAY) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"client_ref": ""}, "client_ref"),
        ({"client_ref": "   "}, "client_ref"),
        ({"client_ref": "C 001"}, "client_ref"),
        ({"client_ref": "C" * 21}, "client_ref"),
        ({"initials": ""}, "initials"),
        ({"initials": "A1"}, "initials"),
        ({"initials": "ABCDEFG"}, "initials"),
        ({"nhs_number": "9434765918"}, "nhs_number"),
        ({"nhs_number": "943 476 5919"}, "nhs_number"),
        ({"date_of_birth": date(2026, 3, 16)}, "date_of_birth"),
        ({"date_of_birth": date(1899, 12, 31)}, "date_of_birth"),
        ({"consent_to_share_on": date(2026, 3, 16)}, "consent_to_share_on"),
        ({"ethnicity": "a"}, "ethnicity"),
        ({"ethnicity": "AB"}, "ethnicity"),
    ],
)
def test_a_client_problem_names_its_field(changes, field):
    client = Client(**{"client_ref": "C001", "initials": "AB", **changes})
    assert set(fields(check_client(client, TODAY))) == {field}


def test_dates_on_today_are_accepted_and_tomorrow_is_in_the_future():
    assert check_client(Client("C001", "AB", consent_to_share_on=TODAY), TODAY) == []
    problems = check_client(Client("C001", "AB", consent_to_share_on=date(2026, 3, 16)), TODAY)
    assert [str(p) for p in problems] == ["consent_to_share_on: 2026-03-16 is in the future"]


def test_today_is_an_argument_not_the_clock():
    client = Client("C001", "AB", date_of_birth=date(2030, 1, 1))
    assert fields(check_client(client, TODAY)) == ["date_of_birth"]
    assert check_client(client, date(2030, 1, 1)) == []


def test_consent_before_date_of_birth_is_a_problem():
    client = Client("C001", "AB", date_of_birth=date(1990, 1, 1), consent_to_share_on=date(1989, 12, 31))
    assert fields(check_client(client, TODAY)) == ["consent_to_share_on"]


def test_every_client_problem_is_listed_not_just_the_first():
    client = Client("", "", nhs_number="1234567890", consent_to_share_on=date(2027, 1, 1))
    assert fields(check_client(client, TODAY)) == [
        "client_ref",
        "initials",
        "nhs_number",
        "consent_to_share_on",
    ]


def an_episode(**changes):
    values = {
        "client_ref": "C001",
        "service": Service.MENTAL_HEALTH,
        "organisation": "Trust",
        "start_date": date(2026, 1, 1),
        **changes,
    }
    return Episode(**values)


@pytest.mark.parametrize(
    ("start", "end", "problem_fields"),
    [
        (date(2026, 1, 10), None, []),
        (date(2026, 1, 10), date(2026, 1, 10), []),  # a one-day episode
        (date(2026, 1, 10), date(2026, 1, 11), []),
        (date(2026, 1, 10), date(2026, 1, 9), ["end_date"]),
        (date(2026, 3, 15), date(2026, 3, 15), []),
        (date(2026, 3, 16), None, ["start_date"]),
        (date(2026, 3, 1), date(2026, 3, 16), ["end_date"]),
    ],
)
def test_episode_dates(start, end, problem_fields):
    assert fields(check_episode(an_episode(start_date=start, end_date=end), TODAY)) == problem_fields


def test_an_episode_ending_before_it_starts_says_so():
    problems = check_episode(an_episode(start_date=date(2026, 1, 10), end_date=date(2026, 1, 9)), TODAY)
    assert [str(p) for p in problems] == ["end_date: before the start date"]


def test_an_episode_needs_an_organisation_but_not_a_worker():
    assert fields(check_episode(an_episode(organisation="  "), TODAY)) == ["organisation"]
    assert check_episode(an_episode(worker=None, team=None), TODAY) == []


def a_contact(**changes):
    values = {
        "client_ref": "C001",
        "date": date(2026, 3, 1),
        "kind": ContactKind.LIAISON,
        "mode": ContactMode.TELEPHONE,
        **changes,
    }
    return Contact(**values)


@pytest.mark.parametrize(
    ("changes", "problem_fields"),
    [
        ({}, []),
        ({"date": TODAY}, []),
        ({"date": date(2026, 3, 16)}, ["date"]),
        ({"duration_minutes": 1}, []),
        ({"duration_minutes": 1440}, []),
        ({"duration_minutes": 0}, ["duration_minutes"]),
        ({"duration_minutes": 1441}, ["duration_minutes"]),
        ({"note": "x" * 500}, []),
        ({"note": "x" * 501}, ["note"]),
        ({"note": "bell\x07"}, ["note"]),
        ({"client_ref": " "}, ["client_ref"]),
    ],
)
def test_contact_problems(changes, problem_fields):
    assert fields(check_contact(a_contact(**changes), TODAY)) == problem_fields


@pytest.mark.parametrize(
    ("changes", "problem_fields"),
    [
        ({}, []),
        ({"email": "ann@nhs.net", "phone": "+44 (0)161 123 4567"}, []),
        ({"email": "ann.nhs.net"}, ["email"]),
        ({"phone": "call me"}, ["phone"]),
        ({"name": ""}, ["name"]),
        ({"organisation": " "}, ["organisation"]),
    ],
)
def test_worker_problems(changes, problem_fields):
    worker = Worker(**{"name": "Ann", "organisation": "Trust", "service": Service.MENTAL_HEALTH, **changes})
    assert fields(check_worker(worker)) == problem_fields


@pytest.mark.parametrize(
    ("changes", "problem_fields"),
    [
        ({}, []),
        ({"min_overlap_days": 1}, []),
        ({"min_overlap_days": 31}, []),
        ({"min_overlap_days": 0}, ["min_overlap_days"]),
        ({"min_overlap_days": 32}, ["min_overlap_days"]),
        ({"joint_contact_window_days": 730}, []),
        ({"joint_contact_window_days": 0}, ["joint_contact_window_days"]),
        ({"joint_contacts_min": 0}, ["joint_contacts_min"]),
        ({"liaison_contacts_min": 51}, ["liaison_contacts_min"]),
    ],
)
def test_definition_parameters_have_sensible_bounds(changes, problem_fields):
    assert fields(check_definition(Definition(**changes))) == problem_fields


def test_the_control_character_check_is_unicodes_cc_category_except_the_line_feed():
    """...and the characters that change how text is shown (issue 14), no others."""
    import sys
    import unicodedata

    from ddcase.domain.validation import HIDDEN_CHARACTERS, text_problem

    controls = {chr(n) for n in range(sys.maxunicode + 1) if unicodedata.category(chr(n)) == "Cc"} - {"\n"}
    flagged = {ch for ch in map(chr, range(0x3000)) if text_problem("note", f"a{ch}b")}
    assert flagged == {ch for ch in controls if ord(ch) < 0x3000} | set(HIDDEN_CHARACTERS)
    assert {unicodedata.category(ch) for ch in HIDDEN_CHARACTERS} == {"Cf"}
    assert max(map(ord, controls)) < 0x3000


# ---------------------------------------------------------------------- NHS numbers to warn about


def _with_check_digit(body: str) -> str:
    check = 11 - sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True)) % 11
    assert check != 10, body
    return body + str(0 if check == 11 else check)


@pytest.mark.parametrize("digit", "0123456789")
def test_a_number_of_ten_same_digits_passes_the_check_but_is_warned_about(digit):
    number = digit * 10
    assert nhs_number_is_valid(number) or number == "0000000000"  # Mod 11 cannot tell them
    assert any("all ten digits are the same" in w for w in nhs_number_warnings(number, "RT1", {}))


@pytest.mark.parametrize(
    ("body", "warned"),
    [
        ("000123456", True),  # below Scotland's lowest CHI number
        ("010123456", False),  # Scotland (CHI)
        ("320123456", False),  # Northern Ireland
        ("401023456", False),  # England, Wales, Isle of Man
        ("512345678", True),
        ("612345678", False),
        ("812345678", True),
        ("943476591", True),  # the public validators' example: valid, never issued
        ("999464023", False),  # NHS Digital's test range: the demo's numbers
    ],
)
def test_a_number_from_a_range_no_part_of_the_uk_issues_is_warned_about(body, warned):
    number = _with_check_digit(body) if body != "943476591" else "9434765919"
    found = nhs_number_warnings(number, "RT1", {})
    assert bool(found) == warned, found
    if warned:
        assert f"starting {number[:3]}" in found[0]


def test_a_number_already_recorded_for_another_client_is_warned_about():
    number = _with_check_digit("401023456")
    assert nhs_number_warnings(number, "RT2", {number: {"RT2"}}) == []  # the client's own number
    (warning,) = nhs_number_warnings(number, "RT3", {number: {"RT2"}})
    assert f"{format_nhs_number(number)} is already recorded for client RT2:" in warning
    (warning,) = nhs_number_warnings(number, "RT3", {number: {"RT3", "RT4", "RT2"}})
    assert "already recorded for client RT2 and 1 more" in warning
    assert nhs_number_warnings(None, "RT3", {number: {"RT2"}}) == []


# ---------------------------------------------------------------------- invisible characters


@pytest.mark.parametrize(
    "hidden",
    [
        "\u061c",
        "\u200e",
        "\u200f",
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        *"\u2066\u2067\u2068\u2069",
    ],
)
def test_characters_that_change_how_text_is_shown_are_refused_and_named(hidden):
    message = text_problem("note", f"seen{hidden} today")
    assert message is not None
    assert f"(U+{ord(hidden):04X}, " in message and "at position 5" in message


@pytest.mark.parametrize(
    "fine", ["Zoë O'Brien-Smith", "ناصر", "שלום", "Łódź", "emoji 🙂", "line one\nline two"]
)
def test_ordinary_text_in_any_script_is_accepted(fine):
    assert text_problem("note", fine) is None


@pytest.mark.parametrize(
    "field", ["client_ref", "initials", "name", "organisation", "team", "worker", "email", "phone"]
)
def test_a_line_break_is_refused_in_a_one_line_field(field):
    assert text_problem(field, "Lu\nN") == "contains a line break: this field is one line"
    assert text_problem("note", "Lu\nN") is None  # notes may run over several lines
