"""Start-up at trust scale: the window shows before the caseload is read (it fills in from the
pool, saying it is loading, and a refresh after an edit always wins over an older load); a
background opening check that finds damage stops the app; and the caseload's filter, sorting and
selection work together on the proxy that holds its shown rows (RowListProxy)."""

from __future__ import annotations

import functools
import threading
from datetime import date

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QTableView
from tests.safety.helpers import damage, make_db, sha256

from ddcase.cli import open_services
from ddcase.domain import Client, Criterion, Month
from ddcase.services.figures import ClientMonth
from ddcase.ui.app import open_session
from ddcase.ui.dialogs.mutual_client_dialog import MutualClientDialog, MutualClientDraft
from ddcase.ui.main_window import MainWindow
from ddcase.ui.models.mutual_client_model import (
    ClientFilterProxy,
    MutualClientTableModel,
    StatusFilter,
    caseload,
)
from ddcase.ui.pages.caseload_page import CaseloadPage

NOV = Month(2026, 11)
Column = MutualClientTableModel.Column


def refs_shown(proxy: ClientFilterProxy) -> list[str]:
    return [proxy.index(row, Column.REFERENCE).data() for row in range(proxy.rowCount())]


# ---------------------------------------------------------------------- loading after the window shows


def test_the_window_shows_at_once_and_the_clients_fill_in_after(small_team, settings, qtbot, message_boxes):
    window = MainWindow(small_team, settings)
    qtbot.addWidget(window)
    window.show()
    page = window.caseload_page
    assert window.isVisible() and page.is_loading()
    assert page.loading_row.isVisibleTo(page) and page.count_label.text() == "Loading..."
    assert page.model.rowCount() == 0
    window.wait_for_background_work()
    assert not page.is_loading() and not page.loading_row.isVisibleTo(page)
    assert sorted(e.client_ref for e in page.model.rows()) == [f"RT10000{n}" for n in range(1, 6)]
    assert page.count_label.text() == f"{page.proxy.rowCount()} of 5 clients shown"
    window.close()


def test_a_client_added_while_the_caseload_loads_is_not_hidden_by_the_older_load(
    small_team, settings, qtbot, message_boxes, monkeypatch
):
    read = threading.Event()
    release = threading.Event()
    original = CaseloadPage.load
    loads = []

    def held_load(self, month):  # type: ignore[no-untyped-def]
        data = original(self, month)
        loads.append(month)
        if len(loads) == 1:  # the start-up load: read, then held back until after the edit
            read.set()
            release.wait(30)
        return data

    monkeypatch.setattr(CaseloadPage, "load", held_load)
    monkeypatch.setattr(
        MutualClientDialog,
        "ask_mutual",
        classmethod(lambda cls, parent, **kw: MutualClientDraft(Client("RT100009", "LM"), [])),
    )
    window = MainWindow(small_team, settings)
    qtbot.addWidget(window)
    window.show()
    assert read.wait(30)  # the background load has read the log without RT100009
    window.new_client_action.trigger()  # saved, and the page refreshed at once
    assert window.caseload_page.current_client_ref() == "RT100009"
    release.set()
    window.wait_for_background_work()  # the older rows arrive now, and are dropped
    refs = {e.client_ref for e in window.caseload_page.model.rows()}
    assert "RT100009" in refs and len(refs) == 6
    assert window.caseload_page.current_client_ref() == "RT100009"
    assert not window.caseload_page.is_loading()
    window.close()


def test_a_background_opening_check_that_finds_damage_stops_the_app(tmp_path, settings, qtbot, message_boxes):
    from ddcase.storage.opening import stamp_matches, write_stamp

    db = make_db(tmp_path / "team.sqlite3", [f"RT3{n:05}" for n in range(60)], with_history=True)
    assert stamp_matches(db)  # closed cleanly: the next opening need not wait for the check
    pages = db.stat().st_size // int.from_bytes(db.read_bytes()[16:18], "big")
    damage(db, range(pages - 2, pages + 1))  # a disk fault that changes no metadata:
    assert write_stamp(db)  # the stamp is made to match the damaged file
    before = sha256(db)
    session = open_session(str(db), open_services)
    assert session is not None and session.services.opening_check.in_background
    window = MainWindow(session.services, settings, session=session)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(message_boxes.of("critical")), timeout=30_000)
    [(title, text)] = message_boxes.of("critical")
    assert title == "The database is damaged" and "ddcase has not changed it" in text
    assert not window.isVisible()
    window.wait_for_background_work()
    session.close()
    assert sha256(db) == before
    assert not stamp_matches(db)  # the next start checks in full, and offers the backup


def _record_progress(monkeypatch) -> list[str]:
    """The texts of the progress boxes the opening shows (shown at once, not after a moment)."""
    from PySide6.QtWidgets import QProgressDialog

    from ddcase.ui import app as app_module

    shown: list[str] = []

    class Recording(QProgressDialog):
        def show(self) -> None:
            shown.append(self.labelText())
            super().show()

    monkeypatch.setattr(app_module, "QProgressDialog", Recording)
    monkeypatch.setattr(app_module, "PROGRESS_AFTER_MS", 0)
    return shown


def test_a_database_made_by_an_earlier_version_is_updated_with_progress_shown(
    tmp_path, settings, qtbot, monkeypatch, message_boxes
):
    """Revision 0006 rebuilds a trust's contact table (about 9 s for a million contacts), after
    a backup: the opening says so instead of showing nothing."""
    import shutil
    from pathlib import Path

    from ddcase.services.session import needs_update
    from ddcase.storage.opening import stamp_matches, write_stamp

    db = tmp_path / "old.sqlite3"
    shutil.copy(Path(__file__).parents[1] / "fixtures" / "db-0001.sqlite3", db)
    assert write_stamp(db) and stamp_matches(db)  # closed cleanly by that version: no full check
    assert needs_update(db)
    shown = _record_progress(monkeypatch)
    session = open_session(str(db), open_services)
    assert session is not None
    assert [text.split("\n")[0] for text in shown] == ["Updating the database..."]
    assert not needs_update(db) and not message_boxes.of("critical")
    session.close()


def test_a_current_database_closed_cleanly_opens_without_a_progress_box(
    tmp_path, settings, qtbot, monkeypatch, message_boxes
):
    from ddcase.services.session import needs_update
    from ddcase.storage.opening import stamp_matches

    db = make_db(tmp_path / "team.sqlite3", ["RT300001"])
    assert stamp_matches(db) and not needs_update(db)
    shown = _record_progress(monkeypatch)
    session = open_session(str(db), open_services)
    assert session is not None and shown == []
    session.close()


def test_the_app_takes_the_days_backup_after_its_window_shows(tmp_path, qapp, settings, monkeypatch):
    import shutil
    import sys

    from ddcase.services.backup import list_backups
    from ddcase.ui.app import run

    db = make_db(tmp_path / "team.sqlite3", [f"RT3{n:05}" for n in range(20)], with_history=True)
    shutil.rmtree(tmp_path / "backups")  # no backup today yet
    monkeypatch.setenv("DDCASE_SMOKE_QUIT_AFTER_MS", "1500")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    at_opening = []

    def opener(argument, **options):  # type: ignore[no-untyped-def]
        services = open_services(argument, **options)
        at_opening.append((options, list_backups(db)))
        return services

    assert run(str(db), opener, settings=settings, daily_backup_after_showing=True) == 0
    assert at_opening == [({"daily_backup": False}, [])]  # the window did not wait for it
    assert [b.kind for b in list_backups(db)] == ["daily"]  # taken once it showed (closing waits)


# ---------------------------------------------------------------------- the filter


@functools.cache
def _entry(number: int) -> tuple[Client, ClientMonth | None]:
    ref = f"RT{number:05}"
    if number % 7 == 0:
        return Client(ref, "ZZ"), None  # not open to both services
    failed = number % 3 == 0
    month = ClientMonth(
        client_ref=ref,
        initials="AB",
        month=NOV,
        definition_version=1,
        mutual_days=30 if number % 11 else 5,
        excluded=None if number % 11 else "short_overlap",
        teams=(f"Team {number % 4}",),
        criteria=((Criterion.CONSENT, not failed),),
        care_coordinator=f"Coordinator {number % 40}",
        key_worker=f"Key worker {number % 30}",
        provider="ResoLUTiONs" if number % 2 else "Total Wellbeing Luton",
        last_joint_contact=date(2026, 11, 1 + number % 20),
        joint_contacts_in_window=1,
        liaison_contacts_in_month=1,
    )
    return Client(ref, "AB" if number % 5 else "CD"), month


def _filled(count: int) -> tuple[MutualClientTableModel, ClientFilterProxy]:
    pairs = [_entry(n) for n in range(count)]
    model = MutualClientTableModel()
    model.set_rows(
        caseload([(c.client_ref, c.initials) for c, _ in pairs], [m for _, m in pairs if m is not None])
    )
    proxy = ClientFilterProxy()
    proxy.setSourceModel(model)
    return model, proxy


def _expected(number_range: range, words: list[str], status: StatusFilter, team: str | None) -> set[str]:
    """Worked out from the values, not from the proxy's search texts."""
    found = set()
    for number in number_range:
        client, month = _entry(number)
        if month is None:
            state = "not mutual"
        elif month.excluded:
            state = "excluded"
        else:
            state = "not jointly worked" if number % 3 == 0 else "jointly worked"
        wanted = {
            StatusFilter.ALL: True,
            StatusFilter.MUTUAL: state in ("jointly worked", "not jointly worked"),
            StatusFilter.NOT_JOINTLY_WORKED: state == "not jointly worked",
            StatusFilter.JOINTLY_WORKED: state == "jointly worked",
            StatusFilter.EXCLUDED: state == "excluded",
        }[status]
        if team is not None and (month is None or team not in month.teams):
            wanted = False
        fields = [client.client_ref, client.initials]
        if month is not None:
            fields += [month.care_coordinator or "", month.key_worker or "", month.provider or ""]
        text = " ".join(fields).lower()
        if wanted and all(word in text for word in words):
            found.add(client.client_ref)
    return found


def test_typing_on_and_back_always_shows_exactly_the_matching_rows(qtmodeltester):
    model, proxy = _filled(1000)
    qtmodeltester.check(proxy, force_py=True)
    typed = ["r", "rt", "rt0", "rt00", "rt001", "rt0012", "rt001", "rt00", "", "cd", "cd ", "cd t",
             "cd total", "cd tot", "coordinator 1", "coordinator 12", "  Key WORKER 2 ", "nobody", ""]  # fmt: skip
    for status in (
        StatusFilter.ALL,
        StatusFilter.MUTUAL,
        StatusFilter.NOT_JOINTLY_WORKED,
        StatusFilter.EXCLUDED,
    ):
        proxy.set_status(status)
        for team in (None, "Team 2"):
            proxy.set_team(team)
            for text in typed:
                proxy.set_search(text)
                words = text.strip().lower().split()
                assert set(refs_shown(proxy)) == _expected(range(1000), words, status, team), (
                    status,
                    team,
                    text,
                )
    qtmodeltester.check(proxy, force_py=True)


def test_the_coordinator_filter_and_the_search_combine():
    _model, proxy = _filled(400)
    proxy.set_status(StatusFilter.ALL)
    proxy.set_coordinator("Coordinator 4")
    proxy.set_search("total")
    expected = {
        c.client_ref
        for c, m in map(_entry, range(400))
        if m is not None and m.care_coordinator == "Coordinator 4" and m.provider == "Total Wellbeing Luton"
    }
    assert set(refs_shown(proxy)) == expected and expected


def test_sorting_keeps_the_filter_and_follows_the_header(qtbot):
    model, proxy = _filled(500)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    proxy.set_status(StatusFilter.ALL)
    proxy.set_search("rt001")
    view.sortByColumn(Column.REFERENCE, Qt.SortOrder.DescendingOrder)
    assert refs_shown(proxy) == sorted((f"RT{n:05}" for n in range(100, 200)), reverse=True)
    view.horizontalHeader().setSortIndicator(Column.REFERENCE, Qt.SortOrder.AscendingOrder)  # as a click does
    assert refs_shown(proxy)[0] == "RT00100"
    proxy.sort(Column.LAST_JOINT_CONTACT, Qt.SortOrder.AscendingOrder)
    days = [
        proxy.index(row, Column.LAST_JOINT_CONTACT).data(Qt.ItemDataRole.UserRole + 1)
        for row in range(proxy.rowCount())
    ]
    assert days == sorted(days) and len(days) == 100
    proxy.set_search("rt0019")  # a filter after a sort keeps the sort
    last_joint = {
        c.client_ref: (m.last_joint_contact.isoformat() if m else "") for c, m in map(_entry, range(500))
    }
    expected = sorted((f"RT{n:05}" for n in range(190, 200)), key=lambda ref: (last_joint[ref], ref))
    assert refs_shown(proxy) == expected and expected[0] == "RT00196"  # no joint contact: first
    model.set_rows(reversed(model.rows()))  # new rows keep the order the user chose
    assert refs_shown(proxy) == expected


def test_a_sort_keeps_the_selected_row_on_the_same_client(qtbot):
    _model, proxy = _filled(300)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    proxy.set_status(StatusFilter.ALL)
    row = refs_shown(proxy).index("RT00042")
    view.selectionModel().setCurrentIndex(
        proxy.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    proxy.sort(Column.REFERENCE, Qt.SortOrder.DescendingOrder)
    assert view.currentIndex().data() == "RT00042"
    assert [i.data() for i in view.selectionModel().selectedRows()] == ["RT00042"]


def test_the_chosen_client_stays_selected_while_the_search_still_shows_them(small_team, window, qtbot):
    page = window.caseload_page
    page.status_combo.setCurrentIndex(page.status_combo.findData(int(StatusFilter.ALL)))
    assert page.select_client("RT100003")
    qtbot.keyClicks(page.search_edit, "RT10000")
    assert page.proxy.rowCount() == 5
    assert [i.data() for i in page.table_view.selectionModel().selectedRows()] == ["RT100003"]
    qtbot.keyClicks(page.search_edit, "4")  # RT100004 only: the chosen client is hidden
    assert refs_shown(page.proxy) == ["RT100004"]
    assert page.table_view.selectionModel().selectedRows() == []
    assert page.panel.client_ref() == "RT100003"  # the details stay until another is chosen
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Backspace)
    assert [i.data() for i in page.table_view.selectionModel().selectedRows()] == ["RT100003"]


def test_the_to_do_list_still_opens_on_your_own_clients_read_when_the_page_is_first_shown(
    small_team, settings, qtbot, message_boxes
):
    from ddcase.services.team import TeamSettings

    small_team.team.save(TeamSettings("Luton North", "Dev Patel", "care_coordinator"))
    window = MainWindow(small_team, settings)
    qtbot.addWidget(window)
    window.show()
    window.wait_for_background_work()
    window.tabs.setCurrentWidget(window.todo_page)
    assert window.todo_page.coordinator_combo.currentData() == "Dev Patel"
    assert [c.client_ref for c in window.todo_page.model.rows()] == ["RT100003", "RT100004"]
    window.close()
