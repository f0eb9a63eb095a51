"""No two Alt+letter keys clash in any window: every dialog, every page of the main window with its
menu bar, and each menu. A clash makes Alt+letter go to the first of the two and hides the other
(issue 12: Alt+M was both Mode and the substance misuse worker, Alt+A both Add note and Aim)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QDialog, QGroupBox, QLabel, QMenu, QTabBar, QWidget
from tests.ui.helpers import dashboard_loaded

import ddcase.ui.dialogs
from ddcase.domain import AuditEntry, Definition, Episode, ImportProblem, MeasureSettings, Month, Service

TODAY = date(2026, 12, 5)


def mnemonic(text: str) -> str | None:
    """The letter after a single '&' ('&&' is a literal ampersand), lower case."""
    match = re.search(r"&(\w)", text.replace("&&", ""))
    return match.group(1).lower() if match else None


def _texts(root: QWidget) -> list[str]:
    """The texts that give an Alt+letter in `root` as it is shown now."""
    texts = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or isinstance(widget, QMenu):
            continue
        if isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count())]
    return texts


def clashes(texts: list[str]) -> dict[str, list[str]]:
    by_key: dict[str, list[str]] = defaultdict(list)
    for text in texts:
        key = mnemonic(text)
        if key:
            by_key[key].append(text)
    return {key: found for key, found in by_key.items() if len(found) > 1}


def _main_window_scopes(window, qtbot) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Each place a person can be in the main window, and the Alt+letters live there."""
    menu_bar = [action.text() for action in window.menuBar().actions()]
    scopes = {}
    for action in window.menuBar().actions():
        scopes[f"menu {action.text()}"] = [a.text() for a in action.menu().actions() if not a.isSeparator()]
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        page = window.tabs.currentWidget()
        if page is window.dashboard_page:
            dashboard_loaded(window, qtbot)
        inner = [None]
        if page is window.caseload_page:
            assert page.select_client("RT100001")
            inner = list(range(page.panel.record_tabs.count()))
        for tab in inner:
            if tab is not None:
                page.panel.record_tabs.setCurrentIndex(tab)
            name = f"page {window.tabs.tabText(index)}" + (f", inner tab {tab}" if tab is not None else "")
            scopes[name] = menu_bar + _texts(window)
    return scopes


def test_no_two_alt_keys_clash_on_any_page_or_menu_of_the_main_window(small_team, window, qtbot):
    found = {
        scope: clash
        for scope, texts in _main_window_scopes(window, qtbot).items()
        if (clash := clashes(texts))
    }
    assert found == {}


def test_no_two_alt_keys_clash_on_the_welcome_page(window):
    assert window.stack.currentWidget() is window.welcome_page
    texts = [action.text() for action in window.menuBar().actions()] + _texts(window)
    assert clashes(texts) == {}


def _every_dialog(tmp_path: Path) -> list[QDialog]:
    from ddcase.ui.dialogs.aim_dialog import AimDialog
    from ddcase.ui.dialogs.change_worker_dialog import ChangeWorkerDialog
    from ddcase.ui.dialogs.client_dialog import ClientDialog
    from ddcase.ui.dialogs.contact_dialog import ContactDialog
    from ddcase.ui.dialogs.definition_dialog import DefinitionDialog
    from ddcase.ui.dialogs.episode_dialog import EpisodeDialog
    from ddcase.ui.dialogs.history_dialog import HistoryDialog
    from ddcase.ui.dialogs.import_problems_dialog import ImportProblemsDialog
    from ddcase.ui.dialogs.note_dialog import NoteDialog
    from ddcase.ui.dialogs.purge_dialog import PurgeDialog
    from ddcase.ui.dialogs.restore_dialog import RestoreDialog
    from ddcase.ui.dialogs.worker_dialog import WorkerDialog

    episode = Episode("RT1", Service.MENTAL_HEALTH, "ELFT", date(2026, 1, 1))
    entries: list[AuditEntry] = []
    return [
        ContactDialog(None, clients=[], workers=[], current_workers={}, today=TODAY),
        ClientDialog(None, today=TODAY, existing_refs=set()),
        EpisodeDialog(None, client_ref="RT1", today=TODAY, workers=[], organisations={}, teams=[]),
        ChangeWorkerDialog(None, episode=episode, workers=[], today=TODAY),
        WorkerDialog(None, organisations={}, taken=set()),
        DefinitionDialog(None, current=Definition(), first=Month(2026, 12), last=Month(2027, 3)),
        NoteDialog(None, first=Month(2026, 1), last=Month(2026, 11), month=Month(2026, 11), team=None),
        AimDialog(None, settings=MeasureSettings(), first=Month(2026, 1), last=Month(2027, 3)),
        PurgeDialog(None, today=TODAY),
        HistoryDialog(None, client_ref="RT1", entries=entries),
        ImportProblemsDialog(None, [ImportProblem("clients.csv", 2, "client_ref", "required")]),
        RestoreDialog(None, backups=[], folder=tmp_path),
    ]


def _dialog_classes() -> set[type]:
    found = set()
    for info in pkgutil.iter_modules(ddcase.ui.dialogs.__path__):
        module = importlib.import_module(f"ddcase.ui.dialogs.{info.name}")
        for _, value in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(value, QDialog)
                and value.__module__ == module.__name__
                and not inspect.isabstract(value)
            ):
                if value.__name__ != "FormDialog":
                    found.add(value)
    return found


def test_no_two_alt_keys_clash_in_any_dialog(qtbot, tmp_path):
    dialogs = _every_dialog(tmp_path)
    assert {type(d) for d in dialogs} >= _dialog_classes(), "a dialog is missing from this test"
    found = {}
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        if clash := clashes(_texts(dialog)):
            found[type(dialog).__name__] = clash
        dialog.close()
    assert found == {}


def test_a_clash_is_found():
    assert clashes(["&Mode:", "Substance &misuse worker:", "&Date:", "D&uration:"]) == {
        "m": ["&Mode:", "Substance &misuse worker:"]
    }
    assert mnemonic("Tom && Jerry") is None
