"""Help > Getting started (a short page shipped in resources/help/, read offline) and Help >
Keyboard shortcuts (made from the window's own QActions when it opens, so it cannot go stale)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QMenuBar,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ddcase.paths import resources_dir


def getting_started_file() -> Path:
    return resources_dir() / "help" / "getting-started.html"


def _closing_buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    return buttons


class GettingStartedDialog(QDialog):
    """The getting-started page in a text browser: links inside it only; nothing is fetched."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Getting started with ddcase"))
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setAccessibleName(self.tr("Getting started"))
        page = getting_started_file()
        if page.is_file():
            self.browser.setSearchPaths([str(page.parent)])
            self.browser.setSource(QUrl.fromLocalFile(str(page)))
        else:  # a build without resources/: say so rather than show nothing
            self.browser.setPlainText(
                self.tr("The getting-started page is missing from this installation (%1).").replace(
                    "%1", str(page)
                )
            )
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(_closing_buttons(self))
        self.resize(720, 640)
        self.browser.setFocus()

    def text(self) -> str:
        return self.browser.toPlainText()


def _label(action: QAction) -> str:
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").removesuffix("...")


def shortcut_rows(menu_bar: QMenuBar | None, window_actions: Iterable[QAction]) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every action with a keyboard shortcut: those in the menus, in
    menu order, then the window's other actions ("Anywhere"). Keys in the platform's own words."""
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()

    def keys(action: QAction) -> str:
        return ", ".join(
            k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if not k.isEmpty()
        )

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                walk(sub, f"{path} > {_label(action)}")
                continue
            if action.isSeparator() or id(action) in seen:
                continue
            seen.add(id(action))
            if keys(action):
                rows.append((path, _label(action), keys(action)))

    if menu_bar is not None:
        for action in menu_bar.actions():
            menu = action.menu()
            if isinstance(menu, QMenu):
                walk(menu, _label(action))
    for action in window_actions:
        if id(action) not in seen and keys(action) and action.text():
            seen.add(id(action))
            rows.append(("Anywhere", _label(action), keys(action)))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, rows: list[tuple[str, str, str]] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = rows if rows is not None else []
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels([self.tr("Menu"), self.tr("Action"), self.tr("Keys")])
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(_closing_buttons(self))
        self.resize(620, 560)
        self.table.setFocus()

    def rows(self) -> list[tuple[str, str, str]]:
        return [
            tuple(self.table.item(r, c).text() for c in range(3))  # type: ignore[misc,union-attr]  # every cell is filled; three of them
            for r in range(self.table.rowCount())
        ]
