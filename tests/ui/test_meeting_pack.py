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
from tests.ui.helpers import show_dashboard

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


@pytest.fixture
def machine_in_new_york(monkeypatch):
    """The computer set to another zone than the UK's: the pack must still say UK time."""
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_one_click_pack_opens_on_the_measures_summary_in_uk_time(
    small_team, window, qtbot, documents, machine_in_new_york
):
    """Issue 16's family of measures stays the pack's first page after issue 15's one click, and
    its Produced line is UK local time (domain/times.py), not the computer's (05:42 in New York)."""
    print_summary(window, qtbot, press(ENTER))
    saved = documents / "ddcase all teams 2026-10.pdf"
    first = " ".join(PdfReader(saved).pages[0].extract_text().split())
    assert "The family of measures" in first
    assert "October 2026, All teams: each measure's latest value and aim" in first
    assert "Rule that fired" in first
    assert "Produced 22 Nov 2026 at 10:42 GMT" in first  # 10:42 UTC is 10:42 GMT in November
    assert "05:42" not in first and "Joint working summary: October 2026" in first


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


def click_and_save(window, qtbot, button) -> None:
    """Click the button; in Qt's own file dialog that opens on Documents, Enter keeps the name."""
    when_focused(lambda _dialog, field: QTest.keyClick(field, Qt.Key.Key_Return), kind=QFileDialog)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_the_dashboard_saves_its_chart_as_png_for_slides(small_team, window, qtbot, documents):
    from PySide6.QtGui import QImage

    show_dashboard(window, qtbot)
    page = window.dashboard_page
    click_and_save(window, qtbot, page.chart_button)
    saved = documents / "ddcase all teams chart 2026-11.png"
    assert [p.name for p in documents.iterdir()] == [saved.name]
    image = QImage(str(saved))
    assert (image.width(), image.height()) == (2 * page.chart.width(), 2 * page.chart.height())
    assert window.statusBar().currentMessage() == f"Saved {saved}"
    # Not a blank picture: the chart's line and points are drawn on it.
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 5


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_the_dashboard_saves_its_series_exactly_as_series_csv(
    small_team, window, qtbot, documents, capsys, tmp_path
):
    from ddcase.cli import main

    show_dashboard(window, qtbot)
    page = window.dashboard_page
    click_and_save(window, qtbot, page.csv_button)
    saved = documents / "ddcase all teams series 2026-11.csv"
    assert [p.name for p in documents.iterdir()] == [saved.name]
    # The chart's 24 months, December 2024 to November 2026.
    capsys.readouterr()
    db = str(tmp_path / "test.sqlite3")
    assert main(["--db", db, "series", "--from", "2024-12", "--to", "2026-11", "--csv"]) == 0
    expected = capsys.readouterr().out
    assert saved.read_text(encoding="utf-8") == expected
    lines = expected.splitlines()
    assert lines[0] == "month,mutual_clients,jointly_worked,percentage" and len(lines) == 25
    # Hand-worked: in November 2026, 4 mutual clients, 1 jointly worked (RT100001), 25%.
    assert lines[-1] == "2026-11,4,1,25.0"
