"""The main window's slots, one component per group of menu items (`records`: backups, restore,
encryption, subject access, purge; `transfer`: import, export, print; `logs`: new, open and
recent logs, the demo's own file; `help`: getting started, shortcuts, folders). Each is given
the window it serves, makes its QActions on that window and owns their slots; the window lays
them out in its menus and toolbar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def make_action(
    window: QWidget,
    text: str,
    slot: Callable[[], None],
    shortcut: QKeySequence | str | None = None,
    tip: str = "",
) -> QAction:
    """An action of `window`: its shortcut works whichever page has the focus."""
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    action.triggered.connect(slot)
    window.addAction(action)  # so the shortcut works whichever page has the focus
    return action
