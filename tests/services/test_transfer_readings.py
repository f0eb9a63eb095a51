"""The small files' cells read through remembered readings (issue 18: `RowReader.date` and
`RowReader.enum` work out each distinct cell once) agree with the plain conversions they stand in
for, `read_date` and `read_enum`: the same value and the same problem, reported under the row's own
column, however often and in whatever order the cells come."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from ddcase.domain import ReferralRoute, Role, Service
from ddcase.services.transfer import checking
from ddcase.services.transfer.checking import RowReader, read_date, read_enum
from ddcase.services.transfer.reading import Problems, Row

DATE_CELLS = st.one_of(
    st.dates(min_value=date(1890, 1, 1), max_value=date(2030, 12, 31)).map(date.isoformat),
    st.dates(min_value=date(1890, 1, 1), max_value=date(2030, 12, 31)).map(lambda d: d.strftime("%d/%m/%Y")),
    st.text("0123456789-/ x", max_size=12),
    st.sampled_from(["", "2026-02-30", "31/04/2026", "2026-1-5", " 2026-01-05 "]),
)
ENUM_CELLS = st.one_of(
    st.sampled_from([m.value for m in (*Service, *Role, *ReferralRoute)]),
    st.sampled_from(["", "MENTAL_HEALTH", "Self", "gp ", "unknown"]),
    st.text("abcdefghijklmnopqrstuvwxyz_", max_size=14),
)
KINDS = (("service", Service, True), ("role", Role, False), ("referral_route", ReferralRoute, False))


def _problems_of(problems: Problems) -> list[tuple[str, str]]:
    return [(p.column, p.message) for p in problems.sorted()]


def _plain(column: str, reading: tuple[object, str | None]) -> tuple[object, list[tuple[str, str]]]:
    value, problem = reading
    return value, [] if problem is None else [(column, problem)]


@settings(max_examples=300, deadline=None)
@given(st.lists(DATE_CELLS, min_size=1, max_size=6))
def test_a_date_cell_reads_as_read_date_reads_it(cells):
    for column in ("start_date", "date_of_birth", "start_date"):  # each cell again, and elsewhere
        for cell in cells:
            problems = Problems()
            r = RowReader("episodes.csv", Row(2, {column: cell}), problems)
            got = r.date(column)
            assert (got, _problems_of(problems)) == _plain(column, read_date(cell))
            assert r.ok == (read_date(cell)[1] is None)


@settings(max_examples=300, deadline=None)
@given(st.lists(ENUM_CELLS, min_size=1, max_size=6))
def test_an_enum_cell_reads_as_read_enum_reads_it(cells):
    # The same kinds under other column names too: a problem names the row's own column.
    columns = [
        *KINDS,
        ("kind_b", Service, True),
        ("route", ReferralRoute, False),
        ("service", Service, False),
    ]
    for column, kind, required in [*columns, *columns]:
        for cell in cells:
            problems = Problems()
            r = RowReader("workers.csv", Row(2, {column: cell}), problems)
            got = r.enum(column, kind, required=required)
            assert (got, _problems_of(problems)) == _plain(
                column, read_enum(column, kind, cell, required=required)
            )


def test_a_missing_cell_reads_as_blank():
    problems = Problems()
    r = RowReader("episodes.csv", Row(2, {}), problems)
    assert r.date("end_date") is None
    assert r.enum("service", Service, required=True) is None
    assert _problems_of(problems) == [("service", "required")]


def test_stage_1_keeps_no_reading_after_it(tmp_path):
    (tmp_path / "clients.csv").write_text(
        "client_ref,initials,date_of_birth,referral_route\nA1,AB,1980-01-02,self\nA2,CD,31/02/1980,nope\n",
        encoding="utf-8",
    )
    problems = Problems()
    parsed = checking.parse({"clients.csv": tmp_path / "clients.csv"}, date(2026, 3, 15), problems)
    assert [client.date_of_birth for _, client in parsed.clients] == [date(1980, 1, 2)]
    assert [(p.line, p.column) for p in problems.sorted()] == [(3, "date_of_birth"), (3, "referral_route")]
    assert not checking._DATE_READINGS and not checking._ENUM_READINGS  # a long-lived app keeps none
