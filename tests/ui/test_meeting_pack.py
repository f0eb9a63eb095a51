"""Issue 15, item 5: the meeting pack from one click. Print summary (Ctrl+P, Enter) saves the last
complete month's PDF in Documents under a name with no identifiers and opens it (a remembered
choice); "leave out the follow-up list" is the CLI's --no-client-list; a second print never
replaces the first; "Change..." saves elsewhere through Qt's own file dialog, typed into. The
dashboard saves its chart as PNG and its series as CSV, exactly `ddcase series --csv`'s."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from ddcase.domain import Month
from ddcase.ui.dialogs.print_dialog import PrintDialog

OCT = Month(2026, 10)  # today is 22 Nov 2026: October is the last complete month


def when_focused(act: Callable[[QWidget, QWidget], None], *, kind: type | None = None) -> None:
    """Once a modal dialog (of `kind`) is up with the focus in it: act(dialog, focused widget),
    with keystrokes, as a person would."""
    tries: list[int] = []

    def attempt() -> None:
        dialog, focus = QApplication.activeModalWidget(), QApplication.focusWidget()
        ready = dialog is not None and focus is not None and dialog.isAncestorOf(focus)
        if ready and kind is not None and not isinstance(dialog, kind):
            ready = False
        if not ready:
            if dialog is not None and focus is None:
                dialog.activateWindow()  # back from a dialog it opened (offscreen keeps no focus)
            tries.append(1)
            if dialog is not None and len(tries) > 300:
                dialog.close()  # never focused: fail in the test rather than hang
                return
            QTimer.singleShot(20, attempt)
            return
        assert dialog is not None and focus is not None
        act(dialog, focus)

    QTimer.singleShot(0, attempt)


def press(*keys: tuple[Qt.Key, Qt.KeyboardModifier]) -> Callable[[QWidget, QWidget], None]:
    def act(_dialog: QWidget, _focus: QWidget) -> None:
        for key, modifier in keys:
            QTest.keyClick(QApplication.focusWidget(), key, modifier)
            if modifier == ALT:
                QTest.qWait(250)  # a mnemonic clicks its button after a moment (animateClick)

    return act


NONE = Qt.KeyboardModifier.NoModifier
ALT = Qt.KeyboardModifier.AltModifier
ENTER = (Qt.Key.Key_Return, NONE)


def print_summary(window, qtbot, act: Callable[[QWidget, QWidget], None]) -> None:
    when_focused(act)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # back from the dialog before
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.is_busy(), timeout=60_000)


def pdf_text(path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_ctrl_p_enter_saves_last_month_in_documents_and_opens_it(
    small_team, window, qtbot, documents, opened
):
    print_summary(window, qtbot, press(ENTER))
    saved = documents / "ddcase all teams 2026-10.pdf"
    assert sorted(p.name for p in documents.iterdir()) == [saved.name]
    assert opened == [str(saved)]
    text = pdf_text(saved)
    assert "Joint working summary: October 2026" in text
    assert "Follow-up list: mutual clients not jointly worked in October 2026" in text
    assert "Produced 22 Nov 2026 at 10:42 GMT" in text  # UK time, the zone named
    assert window.statusBar().currentMessage() == f"Saved {saved}"
    # Printed again: a new file beside it, the first kept as it was.
    first = saved.read_bytes()
    print_summary(window, qtbot, press(ENTER))
    again = documents / "ddcase all teams 2026-10 (2).pdf"
    assert {p.name for p in documents.iterdir()} == {saved.name, again.name}
    assert saved.read_bytes() == first and opened == [str(saved), str(again)]


def test_the_log_team_name_names_the_file(small_team, window, qtbot, documents):
    from ddcase.services.team import TeamSettings

    small_team.team.save(TeamSettings(team_name="North CMHT", owner_name="Ann Smith", owner_role="Manager"))
    print_summary(window, qtbot, press(ENTER))
    assert [p.name for p in documents.iterdir()] == ["ddcase North CMHT 2026-10.pdf"]


def test_leave_out_the_follow_up_list_and_not_opening_is_remembered(
    small_team, window, qtbot, documents, opened, settings
):
    # Alt+F ticks "Leave out the follow-up list", Alt+O unticks "Open the PDF when it is saved".
    print_summary(window, qtbot, press((Qt.Key.Key_F, ALT), (Qt.Key.Key_O, ALT), ENTER))
    saved = documents / "ddcase all teams 2026-10.pdf"
    text = pdf_text(saved)
    assert "Joint working summary: October 2026" in text and "Follow-up list" not in text
    assert opened == []
    # The same as the command line's --no-client-list: the audit entry says so.
    entry = next(e for e in small_team.audit_trail.latest() if e.action == "report")
    assert entry.after["client_list"] is False
    # Next time: not opened (remembered), and the follow-up list is back (a choice per print).
    print_summary(window, qtbot, press(ENTER))
    second = documents / "ddcase all teams 2026-10 (2).pdf"
    assert "Follow-up list" in pdf_text(second) and opened == []
    settings.sync()
    assert settings.value("print/open_when_saved") in (False, "false")


@pytest.mark.qt_log_ignore(
    "This plugin does not support (raise|grabbing the keyboard)"
)  # the file dialog, offscreen
def test_change_saves_where_the_user_types(small_team, window, qtbot, documents, opened, tmp_path):
    elsewhere = tmp_path / "meetings"
    elsewhere.mkdir()
    target = elsewhere / "pack.pdf"

    def in_the_print_dialog(dialog: QWidget, focus: QWidget) -> None:
        when_focused(in_the_file_dialog, kind=QFileDialog)
        QTest.keyClick(focus, Qt.Key.Key_H, ALT)  # C&hange...: Qt's own file dialog

    def in_the_file_dialog(file_dialog: QWidget, name_field: QWidget) -> None:
        QTest.keyClick(name_field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(name_field, str(target))
        when_focused(back_in_the_print_dialog, kind=PrintDialog)
        QTest.keyClick(name_field, Qt.Key.Key_Return)

    def back_in_the_print_dialog(dialog: QWidget, focus: QWidget) -> None:
        shown.append(dialog.path_label.text())
        QTest.keyClick(focus, Qt.Key.Key_Return)

    shown: list[str] = []
    print_summary(window, qtbot, in_the_print_dialog)
    assert shown == [str(target)]
    assert target.exists() and list(documents.iterdir()) == []
    assert "Joint working summary: October 2026" in pdf_text(target)
    assert opened == [str(target)]
