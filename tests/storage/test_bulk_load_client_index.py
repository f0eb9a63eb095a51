"""A first load keeps the contact table's client index while its rows come in client order
(issue 18, seventh round: contacts.csv as ddcase writes it, and a trust's, comes client by client,
so the index takes each row where it took the last, and its build after the last row is saved),
drops it at the first batch that goes back to an earlier client and builds it at the end with
the others. Either way the index ends as it was made, and holds exactly the table's rows: read
through it and read past it, the contacts are the same."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import event, text

from ddcase.services.transfer import TransferService
from ddcase.storage.bulk_load import CLIENT_INDEX
from tests.services.test_transfer import big_folder
from tests.services.test_transfer_streaming import schema

_COLUMNS = "client_id, date, outcome, kind, mode, mh_worker_id, sm_worker_id, note, fingerprint, id"


def _statements(engine) -> list[str]:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    return seen


def _contacts_reordered(folder: Path, arrange) -> Path:  # type: ignore[no-untyped-def]
    """Rewrite the folder's contacts.csv with its rows as `arrange` puts them."""
    path = folder / "contacts.csv"
    with path.open(encoding="utf-8", newline="") as file:
        header, *rows = list(csv.reader(file))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(arrange(rows))
    path.write_text(out.getvalue(), encoding="utf-8")
    return folder


def _in_client_order(rows: list[list[str]]) -> list[list[str]]:
    return sorted(rows, key=_by_client)


def _going_back_after(count: int):  # type: ignore[no-untyped-def]
    """The first `count` rows in client order, then one of the first client's, then the rest."""

    def arrange(rows: list[list[str]]) -> list[list[str]]:
        first, *rest = sorted(rows, key=_by_client)
        return [*rest[:count], first, *rest[count:]]

    return arrange


def _by_client(row: list[str]) -> tuple[str, str]:
    return row[0], row[1]


def _drops_of_the_client_index(seen: list[str]) -> list[int]:
    """For each DROP of the client index: how many contact batches had gone in before it."""
    inserts, drops = 0, []
    for statement in seen:
        if statement.startswith("INSERT INTO contact"):
            inserts += 1
        elif statement == f'DROP INDEX "{CLIENT_INDEX}"':
            drops.append(inserts)
    return drops


def _read_both_ways(context) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:  # type: ignore[no-untyped-def]
    with context.db.read() as session:
        assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        order = "ORDER BY client_id, date, outcome, kind, mode, id"
        through = session.execute(
            text(f"SELECT {_COLUMNS} FROM contact INDEXED BY {CLIENT_INDEX} {order}")
        ).all()
        past = session.execute(text(f"SELECT {_COLUMNS} FROM contact NOT INDEXED {order}")).all()
    return [tuple(r) for r in through], [tuple(r) for r in past]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_rows_in_client_order_keep_the_client_index_all_the_load(tmp_path: Path, context, engine):
    before = schema(context)
    folder = _contacts_reordered(big_folder(tmp_path / "f", clients=40, contacts=700), _in_client_order)
    seen = _statements(engine)

    summary = TransferService(context, chunk_size=100).import_folder(folder)

    assert summary.contacts.created == 700
    dropped = [s for s in seen if s.startswith("DROP INDEX")]
    assert dropped and f'DROP INDEX "{CLIENT_INDEX}"' not in dropped  # the others were dropped
    assert schema(context) == before
    through, past = _read_both_ways(context)
    assert len(through) == 700 and through == past


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_rows_going_back_to_an_earlier_client_drop_it_there_and_build_it_at_the_end(
    tmp_path: Path, context, engine
):
    """The first 200 rows in client order, then one row of the first client: chunks of 100, so
    the third batch starts by going back (in order within itself), and the index is dropped
    before it goes in."""
    before = schema(context)
    folder = _contacts_reordered(big_folder(tmp_path / "f", clients=40, contacts=700), _going_back_after(200))
    seen = _statements(engine)

    summary = TransferService(context, chunk_size=100).import_folder(folder)

    assert summary.contacts.created == 700
    assert _drops_of_the_client_index(seen) == [2]
    assert schema(context) == before
    through, past = _read_both_ways(context)
    assert len(through) == 700 and through == past


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_rows_out_of_order_within_the_first_batch_drop_it_before_any_goes_in(tmp_path: Path, context, engine):
    before = schema(context)
    seen = _statements(engine)

    TransferService(context, chunk_size=100).import_folder(
        big_folder(tmp_path / "f", clients=40, contacts=700)
    )

    assert _drops_of_the_client_index(seen) == [0]
    assert schema(context) == before
    through, past = _read_both_ways(context)
    assert len(through) == 700 and through == past
