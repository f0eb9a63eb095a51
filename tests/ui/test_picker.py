"""The one picker for workers and clients: any part of the name, whatever the case."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QFocusEvent

from ddcase.domain import Role, Service, Worker
from ddcase.ui.widgets.picker import UNCHOSEN, worker_picker

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")  # the completer's popup

MH = Service.MENTAL_HEALTH
WORKERS = [
    Worker("Yasmin Mitchell", "ELFT", MH, Role.CARE_COORDINATOR),
    Worker("Yasmin Akhtar", "ELFT", MH, Role.CARE_COORDINATOR),
    Worker("Bob Jones", "CGL", Service.SUBSTANCE_MISUSE, Role.KEY_WORKER),
]


def test_typing_any_part_of_a_name_picks_the_one_worker_it_names(qtbot):
    picker = worker_picker(WORKERS, MH, "Care coordinator")
    qtbot.addWidget(picker)
    assert picker.value() is None  # "(none)" to start
    for typed, wanted in (
        ("Yasmin A", "Yasmin Akhtar"),
        ("akh", "Yasmin Akhtar"),
        ("MITCH", "Yasmin Mitchell"),
    ):
        picker.lineEdit().clear()
        qtbot.keyClicks(picker, typed)
        assert picker.value() == wanted, typed
        assert picker.problem() is None
    picker.lineEdit().clear()
    qtbot.keyClicks(picker, "Yasmin")
    assert picker.value() is UNCHOSEN
    assert picker.problem() == "Yasmin names 2 of the list: type more of one"
    picker.lineEdit().clear()
    qtbot.keyClicks(picker, "Bob")  # another side's worker is not offered
    assert picker.value() is UNCHOSEN and "nothing in the list matches Bob" in (picker.problem() or "")


def test_leaving_the_field_completes_the_name(qtbot):
    picker = worker_picker(WORKERS, MH, "Care coordinator")
    qtbot.addWidget(picker)
    picker.lineEdit().clear()
    qtbot.keyClicks(picker, "akht")
    picker.focusOutEvent(QFocusEvent(QEvent.Type.FocusOut))
    assert picker.currentText() == "Yasmin Akhtar (ELFT)"
