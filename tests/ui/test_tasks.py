"""Whole tasks through the real window over real services: the first run, adding a client,
logging contacts until the status turns to jointly worked, the dashboard's figures."""

from __future__ import annotations

import json
from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt
from tests.ui.helpers import dashboard_loaded, show_dashboard

from ddcase.domain import Client, Contact, ContactKind, ContactMode, Episode, Month, Role, Service
from ddcase.domain.format import figure_text
from ddcase.ui.dialogs.contact_dialog import ContactDialog
from ddcase.ui.dialogs.episode_dialog import EpisodeDialog
from ddcase.ui.dialogs.mutual_client_dialog import MutualClientDialog, MutualClientDraft
from ddcase.ui.main_window import MainWindow
from ddcase.ui.models.mutual_client_model import StatusFilter

NOV = Month(2026, 11)
SO_FAR = ", so far: 22 of 30 days"  # today is 22 November: its figure is provisional (SPEC §5)
MH, SM = Service.MENTAL_HEALTH, Service.SUBSTANCE_MISUSE


def status_of(window: MainWindow, client_ref: str) -> str:
    model = window.caseload_page.model
    row = model.row_of(lambda entry: entry.client_ref == client_ref)
    assert row is not None, f"{client_ref} is not in the list"
    return model.value(row).status_text


def test_the_first_run_offers_the_demo_or_a_new_team_log(services, window, qtbot):
    assert window.stack.currentWidget() is window.welcome_page
    assert not window.log_contact_action.isEnabled()
    page = window.welcome_page
    assert not page.start_button.isEnabled()
    assert "name" in page.problem_label.text()
    qtbot.keyClicks(page.team_name_edit, "Luton North dual diagnosis")
    qtbot.keyClicks(page.owner_name_edit, "Ann Smith")
    page.role_combo.setCurrentIndex(page.role_combo.findData(Role.CARE_COORDINATOR.value))
    page.providers_edit.setPlainText("ResoLUTiONs\nTotal Wellbeing Luton\n")
    assert page.start_button.isEnabled()
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)

    saved = services.team.settings()
    assert (saved.team_name, saved.owner_name, saved.owner_role) == (
        "Luton North dual diagnosis",
        "Ann Smith",
        "care_coordinator",
    )
    assert saved.providers == ("ResoLUTiONs", "Total Wellbeing Luton")
    assert window.stack.currentWidget() is window.tabs
    assert window.tabs.currentWidget() is window.workers_page
    assert window.log_contact_action.isEnabled()
    assert "Luton North dual diagnosis" in window.windowTitle()


def test_adding_a_client_with_episodes_then_logging_contacts_turns_the_status_to_jointly_worked(
    small_team, window, monkeypatch
):
    monkeypatch.setattr(
        MutualClientDialog,
        "ask_mutual",
        classmethod(
            lambda cls, parent, **kw: MutualClientDraft(
                Client("RT100009", "LM", consent_to_share_on=date(2026, 10, 1)), []
            )
        ),
    )
    window.new_client_action.trigger()
    assert window.caseload_page.current_client_ref() == "RT100009"
    assert status_of(window, "RT100009") == "Not open to both services this month"

    panel = window.caseload_page.panel
    for episode in (
        Episode("RT100009", MH, "East London NHS Foundation Trust", date(2026, 9, 1), team="Luton North CMHT", worker="Ann Smith"),
        Episode("RT100009", SM, "ResoLUTiONs", date(2026, 9, 15), worker="Bob Jones"),
    ):  # fmt: skip
        monkeypatch.setattr(
            EpisodeDialog, "ask", classmethod(lambda cls, parent, _draft=episode, **kw: _draft)
        )
        panel.add_episode_button.click()
    assert panel.episode_model.rowCount() == 2
    assert status_of(window, "RT100009") == (
        "No joint appointment or care plan review in the window; no liaison this month"
    )

    asked = {}

    def log_joint_appointment(cls, parent, **kwargs):
        asked.update(kwargs)
        return Contact(
            kwargs["client_ref"], kwargs["today"], ContactKind.JOINT_APPOINTMENT, ContactMode.FACE_TO_FACE,
            mh_worker="Ann Smith", sm_worker="Bob Jones", client_present=True, duration_minutes=60,
        )  # fmt: skip

    monkeypatch.setattr(ContactDialog, "ask", classmethod(log_joint_appointment))
    panel.log_contact_button.click()
    assert asked["client_ref"] == "RT100009"
    assert asked["current_workers"]["RT100009"] == ("Ann Smith", "Bob Jones")
    assert status_of(window, "RT100009") == "Jointly worked"
    assert panel.contact_model.rowCount() == 1
    assert panel.strip.accessibleDescription().split("; ")[-1] == "November 2026: jointly worked"


def test_the_status_filter_search_and_team_filter_narrow_the_list(small_team, window, qtbot):
    page = window.caseload_page
    assert page.proxy.rowCount() == 4  # RT100005 is open to the CMHT only
    page.status_combo.setCurrentIndex(page.status_combo.findData(int(StatusFilter.NOT_JOINTLY_WORKED)))
    assert page.proxy.rowCount() == 3
    qtbot.keyClicks(page.search_edit, "dev")
    assert page.proxy.rowCount() == 2
    page.search_edit.clear()
    page.team_combo.setCurrentIndex(page.team_combo.findData("Luton North CMHT"))
    assert page.proxy.rowCount() == 1
    page.status_combo.setCurrentIndex(page.status_combo.findData(int(StatusFilter.ALL)))
    page.team_combo.setCurrentIndex(0)
    assert page.proxy.rowCount() == 5
    assert "5 of 5" in page.count_label.text()


def test_the_dashboard_shows_the_figures_of_the_service_and_of_ddcase_figures(
    small_team, window, db_url, capsys, qtbot
):
    from ddcase.cli import main

    show_dashboard(window, qtbot)
    expected = small_team.figures.month(NOV)
    assert (
        window.dashboard_page.headline_label.text()
        == figure_text(expected.jointly_worked, expected.mutual_clients, expected.percentage) + SO_FAR
    )
    assert main(["figures", "--month", "2026-11", "--json", "--db", db_url]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert (
        window.dashboard_page.headline_label.text()
        == figure_text(cli["jointly_worked"], cli["mutual_clients"], cli["percentage"]) + SO_FAR
        == "1 of 4 mutual clients jointly worked (25%)" + SO_FAR
    )
    coordinators = {
        g.name: (g.mutual_clients, g.jointly_worked) for g in window.dashboard_page.coordinator_model.rows()
    }
    assert coordinators == {"Ann Smith": (2, 1), "Dev Patel": (2, 0)}


def test_logging_the_missing_contact_moves_the_dashboard_figure(small_team, window, monkeypatch, qtbot):
    show_dashboard(window, qtbot)
    monkeypatch.setattr(
        ContactDialog,
        "ask",
        classmethod(
            lambda cls, parent, **kw: Contact(
                "RT100003", date(2026, 11, 20), ContactKind.CARE_PLAN_REVIEW, ContactMode.MEETING
            )
        ),
    )
    window.log_contact_action.trigger()
    dashboard_loaded(window, qtbot)
    assert (
        window.dashboard_page.headline_label.text() == "2 of 4 mutual clients jointly worked (50%)" + SO_FAR
    )
    # November is in progress: no "up from October" on its figure so far (SPEC §5).
    assert window.dashboard_page.change_label.text().startswith("In progress: no change is given")


def test_ctrl_n_opens_the_contact_dialog_from_any_page(small_team, window, qtbot, monkeypatch):
    opened = []
    monkeypatch.setattr(ContactDialog, "ask", classmethod(lambda cls, parent, **kw: opened.append(kw)))
    window.activateWindow()
    for page in (window.caseload_page, window.todo_page, window.dashboard_page):
        window.tabs.setCurrentWidget(page)
        qtbot.keyClick(window.tabs.currentWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert len(opened) == 3


def test_the_to_do_list_is_the_coordinators_clients_and_missed_appointments(small_team, window):
    window.tabs.setCurrentWidget(window.todo_page)
    page = window.todo_page
    assert [c.client_ref for c in page.model.rows()] == ["RT100002", "RT100003", "RT100004"]
    assert [m.client_ref for m in page.missed_model.rows()] == ["RT100004"]
    assert page.summary_label.text() == "3 clients to work jointly, the first by 30 Nov 2026"
    page.coordinator_combo.setCurrentIndex(page.coordinator_combo.findData("Ann Smith"))
    assert [c.client_ref for c in page.model.rows()] == ["RT100002"]
    assert page.missed_model.rowCount() == 0


def test_a_deleted_contact_is_asked_about_first(small_team, window, message_boxes):
    page = window.caseload_page
    assert page.select_client("RT100001")
    panel = page.panel
    panel.contact_view.selectRow(0)
    message_boxes.answer = message_boxes.answer.No
    panel.delete_contact_button.click()
    assert panel.contact_model.rowCount() == 1
    message_boxes.answer = message_boxes.answer.Yes
    panel.delete_contact_button.click()
    assert panel.contact_model.rowCount() == 0
    assert len(message_boxes.of("question")) == 2
    assert status_of(window, "RT100001") != "Jointly worked"


def test_the_month_viewed_and_the_window_are_remembered(small_team, services, settings, qtbot, message_boxes):
    first = MainWindow(services, settings)
    qtbot.addWidget(first)
    first.month_combo.set_current_month(Month(2026, 8))
    first.close()
    again = MainWindow(services, QSettings(settings.fileName(), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    assert again.month() == Month(2026, 8)
    again.close()


def test_a_service_error_is_shown_as_a_message_not_a_traceback(
    small_team, window, monkeypatch, message_boxes
):
    monkeypatch.setattr(
        ContactDialog,
        "ask",
        classmethod(
            lambda cls, parent, **kw: Contact(
                "RT100001", date(2026, 11, 2), ContactKind.LIAISON, ContactMode.TELEPHONE, mh_worker="Nobody"
            )
        ),
    )
    window.log_contact_action.trigger()
    [(title, text)] = message_boxes.of("warning")
    assert title == "Contact not saved"
    assert "Nobody" in text


@pytest.mark.parametrize("kind", ["DomainError", "Exception"])
def test_a_database_that_cannot_be_opened_gives_a_clear_message(kind, choice_boxes, tmp_path):
    from ddcase.domain import DomainError
    from ddcase.ui.app import open_session

    def opener(_argument):
        raise (
            DomainError("This database was written by a newer version of ddcase.")
            if kind == "DomainError"
            else RuntimeError("boom")
        )

    assert open_session(str(tmp_path / "x.sqlite3"), opener) is None
    [(title, text, buttons)] = choice_boxes.shown
    assert title == "ddcase cannot open the database"
    assert sorted(buttons) == ["&Open another database file...", "&Quit"]
    assert (
        ("newer version" in text)
        if kind == "DomainError"
        else ("details are in" in text and "boom" not in text)
    )


def test_a_change_of_worker_ends_the_episode_and_opens_the_next(small_team, window, monkeypatch):
    from ddcase.ui.dialogs.change_worker_dialog import ChangeWorkerDialog, WorkerChange

    page = window.caseload_page
    page.select_client("RT100001")
    panel = page.panel
    row = panel.episode_model.row_of(lambda e: e.service is SM)
    panel.episode_view.selectRow(
        page.panel.episode_view.model().mapFromSource(panel.episode_model.index(row, 0)).row()
    )
    monkeypatch.setattr(
        ChangeWorkerDialog,
        "ask",
        classmethod(lambda cls, parent, **kw: WorkerChange("Cat Green", date(2026, 11, 16))),
    )
    panel.change_worker_button.click()
    episodes = small_team.casework.episodes("RT100001")
    key_workers = [(e.worker, e.start_date, e.end_date) for e in episodes if e.service is SM]
    assert key_workers == [
        ("Bob Jones", date(2026, 4, 1), date(2026, 11, 15)),
        ("Cat Green", date(2026, 11, 16), None),
    ]
    assert panel.episode_model.rowCount() == 3
    assert status_of(window, "RT100001") == "Jointly worked"


def test_agreeing_a_new_definition_keeps_the_history_and_the_earlier_months(
    small_team, window, monkeypatch, qtbot
):
    from ddcase.domain import Definition
    from ddcase.ui.dialogs.definition_dialog import DefinitionDialog, DefinitionDraft

    window.tabs.setCurrentWidget(window.definition_page)
    monkeypatch.setattr(
        DefinitionDialog,
        "ask",
        classmethod(lambda cls, parent, **kw: DefinitionDraft(Definition(consent=False), Month(2026, 11))),
    )
    window.definition_page.agree_button.click()
    assert [d.version for d in window.definition_page.model.rows()] == [2, 1]
    assert "consent" not in window.definition_page.words_label.text()
    show_dashboard(window, qtbot)
    assert (
        window.dashboard_page.headline_label.text() == "2 of 4 mutual clients jointly worked (50%)" + SO_FAR
    )
    window.month_combo.set_current_month(Month(2026, 10))
    assert small_team.figures.month(Month(2026, 10)).definition_version == 1


def test_the_keyboard_reaches_the_search_and_the_months(small_team, window, qtbot):
    window.activateWindow()
    window.tabs.setCurrentWidget(window.workers_page)
    qtbot.keyClick(window.workers_page, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.caseload_page
    assert window.caseload_page.search_edit.hasFocus()
    qtbot.keyClicks(window.caseload_page.search_edit, "RT100004")
    assert window.caseload_page.proxy.rowCount() == 1
    qtbot.keyClick(window.caseload_page.search_edit, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.month() == Month(2026, 10)
    qtbot.keyClick(window.caseload_page.search_edit, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.dashboard_page
    dashboard_loaded(window, qtbot)
    assert "October 2026" in window.dashboard_page.scope_label.text()


def test_a_page_read_on_the_windows_thread_shows_the_wait_cursor_and_gives_it_back(
    small_team, window, monkeypatch, message_boxes
):
    """The pages read on the window's thread (the to-do list, the caseload after a change of
    month) show the wait cursor meanwhile, and give it back, also when the reading fails."""
    from PySide6.QtGui import QGuiApplication

    from ddcase.domain import DomainError

    seen = []
    refresh = window.todo_page.refresh

    def watched(month):
        cursor = QGuiApplication.overrideCursor()
        seen.append(cursor.shape() if cursor is not None else None)
        refresh(month)

    monkeypatch.setattr(window.todo_page, "refresh", watched)
    window.tabs.setCurrentWidget(window.todo_page)
    assert seen == [Qt.CursorShape.WaitCursor]
    assert QGuiApplication.overrideCursor() is None

    def failing(month):
        raise DomainError("The database could not be read.")

    monkeypatch.setattr(window.todo_page, "refresh", failing)
    window.tabs.setCurrentWidget(window.workers_page)
    window.month_combo.set_current_month(Month(2026, 10))  # every page stale
    window.tabs.setCurrentWidget(window.todo_page)
    assert message_boxes.of("warning") and QGuiApplication.overrideCursor() is None


def test_the_dashboard_reads_in_the_pool_and_a_later_month_wins(small_team, window, qtbot):
    """The dashboard's figures (a trust's all-teams take about 1.3 s) are read in the window's
    pool: the page says it is loading, and when the month changes again before they come, only
    the newer month's figures are shown."""
    page = window.dashboard_page
    window.tabs.setCurrentWidget(page)
    assert page.is_loading() and page.loading_label.isVisibleTo(page)
    window.month_combo.set_current_month(Month(2026, 10))  # before the November figures came
    dashboard_loaded(window, qtbot)
    window.wait_for_background_work()  # the November load's result, if it came last, is dropped
    assert not page.loading_label.isVisibleTo(page)
    october = small_team.figures.month(Month(2026, 10))
    assert page.headline_label.text() == figure_text(
        october.jointly_worked, october.mutual_clients, october.percentage
    )
    assert page.scope_label.text().startswith("October 2026, all teams.")
    page.team_combo.setCurrentIndex(page.team_combo.findData("Luton North CMHT"))
    dashboard_loaded(window, qtbot)
    north = small_team.figures.month(Month(2026, 10), "Luton North CMHT")
    assert page.headline_label.text() == figure_text(
        north.jointly_worked, north.mutual_clients, north.percentage
    )
    assert "Luton North CMHT" in page.scope_label.text()
