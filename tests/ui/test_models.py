"""Every table model passes Qt's model tester, and the main list stays fast with 20,000 rows."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from ddcase.domain import Client, Criterion, Month
from ddcase.services.figures import ClientMonth
from ddcase.ui.models.base import SORT_ROLE, VALUE_ROLE
from ddcase.ui.models.contact_model import ContactTableModel
from ddcase.ui.models.definition_model import AnnotationTableModel, DefinitionTableModel
from ddcase.ui.models.episode_model import EpisodeTableModel
from ddcase.ui.models.figures_model import GroupFiguresTableModel, ReasonTableModel
from ddcase.ui.models.mutual_client_model import (
    CaseloadEntry,
    ClientFilterProxy,
    MutualClientTableModel,
    Status,
    StatusFilter,
    caseload,
)
from ddcase.ui.models.todo_model import AtRiskTableModel, MissedAppointmentTableModel, ToDoTableModel
from ddcase.ui.models.worker_model import WorkerTableModel

NOV = Month(2026, 11)


def test_every_table_model_passes_the_model_tester(small_team, qtmodeltester):
    services = small_team
    figures = services.figures.month(NOV)
    todo = services.figures.to_do(NOV)
    series = services.figures.series(NOV.plus(-5), NOV)
    filled = {
        MutualClientTableModel(): caseload(
            services.casework.client_names(), [*figures.clients, *figures.excluded]
        ),
        ContactTableModel(): services.casework.contacts("RT100001"),
        EpisodeTableModel(): services.casework.episodes("RT100001"),
        WorkerTableModel(): services.casework.workers(),
        ToDoTableModel(): todo.not_yet,
        AtRiskTableModel(): todo.at_risk_next_month,
        MissedAppointmentTableModel(): todo.missed_appointments,
        GroupFiguresTableModel("Care coordinator"): figures.by_care_coordinator(),
        ReasonTableModel(): figures.reasons(),
        DefinitionTableModel(): services.definitions.versions(),
        AnnotationTableModel(): series.annotations,
    }
    for model, rows in filled.items():
        model.set_rows(rows)
        assert model.rowCount() == len(rows)
        qtmodeltester.check(model, force_py=True)
        if rows:
            index = model.index(0, 0)
            assert model.data(index, VALUE_ROLE) == list(rows)[0]
            assert model.data(index, SORT_ROLE) is not None


def _entry(number: int) -> tuple[Client, ClientMonth]:
    ref = f"RT{number:06d}"
    failed = number % 3 == 0
    month = ClientMonth(
        client_ref=ref,
        initials="AB",
        month=NOV,
        definition_version=1,
        mutual_days=30,
        excluded=None,
        teams=(f"Team {number % 4}",),
        criteria=((Criterion.CONSENT, not failed),),
        care_coordinator=f"Coordinator {number % 40}",
        key_worker=f"Key worker {number % 30}",
        provider="ResoLUTiONs",
        last_joint_contact=date(2026, 11, 1 + number % 20),
        joint_contacts_in_window=1,
        liaison_contacts_in_month=1,
    )
    return Client(ref, "AB"), month


def test_the_main_list_sorts_and_filters_20000_clients(qtbot):
    """The trust-sized list sorted and filtered as a person types. How fast is measured by
    benchmarks/run.py's caseload table against its floor, never by a timed test (a loaded
    machine fails one for nothing)."""
    pairs = [_entry(n) for n in range(20_000)]
    model = MutualClientTableModel()
    proxy = ClientFilterProxy()
    proxy.setSourceModel(model)
    model.set_rows(caseload([(c.client_ref, c.initials) for c, _ in pairs], [m for _, m in pairs]))
    proxy.sort(MutualClientTableModel.Column.STATUS, Qt.SortOrder.AscendingOrder)
    proxy.set_search("rt0001")
    proxy.set_status(StatusFilter.NOT_JOINTLY_WORKED)
    assert proxy.rowCount() == sum(1 for n in range(100, 200) if n % 3 == 0)


def test_the_caseloads_rows_are_each_clients_entry_as_made_one_at_a_time():
    """`caseload` makes the rows of the clients not open to both services as tuples directly
    (issue 18): every row, whatever the client's status, equals `CaseloadEntry.of` for the
    client (the plain reading), in the clients' order, and shows and sorts the same."""
    clients = [(f"Rt{n:05}", "Ab" if n % 2 else "cD") for n in range(60)]
    months = []
    for n in range(0, 60, 2):  # half open to both; of those, some excluded, some not worked
        month = _entry(n)[1]
        assert month is not None
        month = month._replace(client_ref=clients[n][0], key_worker=None if n % 9 else "Kim O'Neil")
        if n % 4 == 0:
            month = month._replace(excluded="short_overlap", mutual_days=5)
        months.append(month)
    rows = caseload(clients, months)
    by_ref = {m.client_ref: m for m in months}
    assert rows == [CaseloadEntry.of(ref, initials, by_ref.get(ref)) for ref, initials in clients]
    assert {row.status for row in rows} == set(Status)
    assert all(type(row) is CaseloadEntry for row in rows)
    # what the search box matches, worked by hand: the reference and initials, one space, lower
    # case; in a month open to both services the names follow
    assert rows[1].search_text == "rt00001 ab" and rows[1].month is None
    assert rows[0].search_text.startswith("rt00000 cd ") and "kim o'neil" in rows[0].search_text
    model = MutualClientTableModel()
    model.set_rows(rows)
    plain = MutualClientTableModel()
    plain.set_rows([CaseloadEntry.of(ref, initials, by_ref.get(ref)) for ref, initials in clients])
    for column in MutualClientTableModel.Column:
        for row in range(len(clients)):
            got, want = rows[row], plain.rows()[row]
            assert model.display(got, column) == plain.display(want, column)
            assert model.sort_key(got, column) == plain.sort_key(want, column)


def test_the_history_says_when_a_purge_removed_an_entrys_values():
    from datetime import UTC, datetime

    from ddcase.domain import AuditEntry
    from ddcase.ui.models.audit_model import change_lines, what_text

    at = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    emptied = AuditEntry(3, at, "ann", None, "update", "client", "RT1", redacted=True)
    assert change_lines(emptied) == ["(values removed from the trail when the client was anonymised)"]
    redaction = AuditEntry(9, at, "ann", None, "redact", "audit", "RT1", after={"entries": [1, 3, 4]})
    assert change_lines(redaction) == ["Values removed from 3 earlier entries"]
    assert what_text(redaction) == "Audit values removed (purge)"
    kept = AuditEntry(
        4, at, "ann", None, "update", "client", "RT1", before={"initials": "AB"}, after={"initials": "CD"}
    )
    assert change_lines(kept) == ["Initials: AB → CD"]


def test_an_elided_cell_shows_its_whole_text_on_hover():
    """At 1024x700 the dashboard's reasons are cut ("No joint appointment or care plan revi..."):
    every table gives the whole text as the cell's tooltip, unless the model says more there."""
    model = ReasonTableModel()
    model.set_rows([(Criterion.JOINT_CONTACT, 32)])
    reason = model.data(model.index(0, ReasonTableModel.Column.REASON), Qt.ItemDataRole.ToolTipRole)
    assert reason == model.data(model.index(0, ReasonTableModel.Column.REASON))
    assert reason.startswith("No joint appointment or care plan review")
    assert model.data(model.index(0, ReasonTableModel.Column.CLIENTS), Qt.ItemDataRole.ToolTipRole) == "32"
