"""Ending an episode while the other service is open asks how it was involved (issue 17), by
keyboard: the episode form, then the question; a reason, or ending it without them (flagged)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from tests.ui.keys import Keyboard, Modal

from ddcase.domain import Month, Service
from ddcase.services.discharges import DischargeService
from ddcase.ui.casework_actions import CaseworkActions
from ddcase.ui.dialogs.discharge_dialog import DischargeDialog
from ddcase.ui.dialogs.episode_dialog import EpisodeDialog


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _key_worker_episode(services):  # type: ignore[no-untyped-def]
    return next(e for e in services.casework.episodes("RT100003") if e.service is Service.SUBSTANCE_MISUSE)


def _end_on_20_november(keys: Keyboard):  # type: ignore[no-untyped-def]
    def step(dialog) -> None:  # type: ignore[no-untyped-def]
        keys.alt("e")
        keys.type("20/11/2026")
        keys.press(Qt.Key.Key_Return)

    return step


def test_a_reason_typed_is_saved_with_the_ending(small_team, parent, qtbot):
    services = small_team
    actions = CaseworkActions(services)
    keys = Keyboard()
    shown: list[str] = []

    def say_how(dialog) -> None:  # type: ignore[no-untyped-def]
        shown.append(dialog.windowTitle())
        assert not dialog.ok_button.isEnabled()  # Enter alone does not answer
        keys.type("Agreed with Dev Patel by phone")
        keys.press(Qt.Key.Key_Return)

    modal = Modal([(EpisodeDialog, _end_on_20_november(keys)), (DischargeDialog, say_how)])
    saved = actions.save_episode(parent, "RT100003", _key_worker_episode(services))
    modal.done()
    assert saved is not None and saved.end_date == date(2026, 11, 20)
    assert shown == ["Was the other service involved?"]
    [discharge] = DischargeService(services.context).discharges(Month(2026, 11), Month(2026, 11))
    assert discharge.reason == "Agreed with Dev Patel by phone" and not discharge.flagged


def test_ending_without_the_other_service_is_saved_and_flagged_for_its_worker(small_team, parent, qtbot):
    services = small_team
    actions = CaseworkActions(services)
    keys = Keyboard()

    def without_them(dialog) -> None:  # type: ignore[no-untyped-def]
        keys.alt("w")
        qtbot.waitUntil(dialog.ok_button.isEnabled)  # a check box's Alt key clicks it a moment later
        keys.press(Qt.Key.Key_Return)

    modal = Modal([(EpisodeDialog, _end_on_20_november(keys)), (DischargeDialog, without_them)])
    actions.save_episode(parent, "RT100003", _key_worker_episode(services))
    modal.done()
    flagged = DischargeService(services.context).flagged(Month(2026, 11), other_worker="Dev Patel")
    assert [(d.client_ref, d.end_date) for d in flagged] == [("RT100003", date(2026, 11, 20))]


def test_cancelling_the_question_saves_nothing(small_team, parent, qtbot):
    services = small_team
    actions = CaseworkActions(services)
    keys = Keyboard()

    def cancel(dialog) -> None:  # type: ignore[no-untyped-def]
        keys.press(Qt.Key.Key_Escape)

    modal = Modal([(EpisodeDialog, _end_on_20_november(keys)), (DischargeDialog, cancel)])
    assert actions.save_episode(parent, "RT100003", _key_worker_episode(services)) is None
    modal.done()
    assert _key_worker_episode(services).end_date is None


def test_a_flagged_discharge_is_on_to_do_for_the_other_sides_coordinator(small_team, window, qtbot):
    services = small_team
    services.casework.save_episode(replace(_key_worker_episode(services), end_date=date(2026, 11, 20)))
    window.tabs.setCurrentWidget(window.todo_page)
    page = window.todo_page
    window.activateWindow()
    page.coordinator_combo.setFocus()
    qtbot.waitUntil(lambda: page.coordinator_combo.hasFocus())
    keys = Keyboard()
    keys.type("Dev")  # the coordinator by keyboard, as a person picks it
    assert page.coordinator_combo.currentData() == "Dev Patel"
    assert [(d.client_ref, d.other_worker) for d in page.discharges_box.model.rows()] == [
        ("RT100003", "Dev Patel")
    ]
    assert page.discharges_box.isVisible()
    keys.press(Qt.Key.Key_Up)  # Everyone, Ann Smith, Dev Patel
    assert page.coordinator_combo.currentData() == "Ann Smith"
    assert page.discharges_box.model.rows() == [] and not page.discharges_box.isVisible()
    keys.press(Qt.Key.Key_Down)
