"""No two Alt+letter keys clash in any window: every dialog, every page of the main window with its
menu bar, and each menu. A clash makes Alt+letter go to the first of the two and hides the other
(issue 12: Alt+M was both Mode and the substance misuse worker, Alt+A both Add note and Aim)."""

from __future__ import annotations

import re
from collections import defaultdict

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenu, QTabBar, QWidget
from tests.ui.every_dialog import every_dialog
from tests.ui.helpers import dashboard_loaded


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


def test_no_two_alt_keys_clash_in_any_dialog(qtbot, tmp_path):
    dialogs = every_dialog(tmp_path)
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
