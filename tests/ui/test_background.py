"""The slow work runs off the GUI thread: import, export and print (the demo team: test_logs.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog
from tests.ui.helpers import show_dashboard

from ddcase.domain import Month
from ddcase.domain.format import figure_text
from ddcase.ui.dialogs.import_problems_dialog import ImportProblemsDialog


def wait_idle(window, qtbot) -> None:
    qtbot.waitUntil(lambda: not window.is_busy(), timeout=60_000)


def export(window, qtbot, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """File > Export into a new folder, answered as a user would; the folder."""
    folder = tmp_path / "export"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(folder)))
    window.export_action.trigger()
    wait_idle(window, qtbot)
    return folder


def test_an_export_then_an_import_of_a_broken_folder_lists_every_error_and_writes_nothing(
    small_team, window, qtbot, tmp_path, monkeypatch, message_boxes
):
    folder = export(window, qtbot, tmp_path, monkeypatch)
    assert (folder / "contacts.csv").exists()
    assert message_boxes.of("information")[-1][0] == "Export done"

    clients = folder / "clients.csv"
    text = clients.read_text(encoding="utf-8").splitlines()
    text.append("RT100099,ZZ,9434765918,,,,")
    text.append("RT100098,,,,,,")
    clients.write_text("\n".join(text) + "\n", encoding="utf-8")
    shown = []
    monkeypatch.setattr(
        ImportProblemsDialog, "show_problems", classmethod(lambda cls, parent, p, total=None: shown.append(p))
    )
    before = small_team.casework.counts()
    window.import_action.trigger()
    wait_idle(window, qtbot)
    assert len(shown) == 1 and len(shown[0]) >= 2
    assert all(str(p).startswith("clients.csv:") for p in shown[0])
    assert small_team.casework.counts() == before


def test_print_summary_writes_the_pdf_with_the_dashboards_figure(
    small_team, window, qtbot, documents, opened
):
    from pypdf import PdfReader

    out = documents / "ddcase all teams 2026-11.pdf"
    show_dashboard(window, qtbot)
    assert window.dashboard_page.headline_label.text().endswith("jointly worked (25%), so far: 22 of 30 days")
    assert window.print_action.isEnabled()

    def choose_the_month_in_progress() -> None:  # the dialog offers October, the last complete month
        dialog, focus = QApplication.activeModalWidget(), QApplication.focusWidget()
        if dialog is None or focus is None or not dialog.isAncestorOf(focus):
            QTimer.singleShot(20, choose_the_month_in_progress)
            return
        QTest.keyClick(focus, Qt.Key.Key_Home)  # the newest month: November, in progress
        QTest.keyClick(focus, Qt.Key.Key_Return)

    QTimer.singleShot(0, choose_the_month_in_progress)
    window.print_action.trigger()
    wait_idle(window, qtbot)
    assert [p.name for p in documents.iterdir()] == [out.name] and opened == [str(out)]
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    figures = small_team.figures.month(Month(2026, 11))
    assert figure_text(figures.jointly_worked, figures.mutual_clients, figures.percentage) in text
    # The headline wraps on paper: read it as words.
    assert f"Provisional: {window.dashboard_page.headline_label.text()}" in " ".join(text.split())


def test_an_import_moves_the_busy_bar_as_it_reads(
    small_team, window, qtbot, tmp_path, monkeypatch, message_boxes
):
    export(window, qtbot, tmp_path, monkeypatch)  # the import then reads the same folder
    values: list[int] = []
    window.busy_bar.valueChanged.connect(values.append)

    window.import_action.trigger()
    wait_idle(window, qtbot)

    assert message_boxes.of("information")[-1][0] == "Import done"
    assert values and values[-1] == 1000 and values == sorted(values)
    assert window.busy_bar.maximum() == 0  # "working" again for whatever runs next
