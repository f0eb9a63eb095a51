"""The main window's frame in one home: its menu bar's titles in order. The main window fills
the menus; the opening window (ui/app.py, issue 18) shows the same titles greyed while the log
opens, so the frame does not jump when the main window takes its place. Imports nothing of the
database side: the opening window reads it before its first paint."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMainWindow, QMenu

#: The menu bar's titles, left to right, each with its Alt key.
MENU_TITLES = ("&File", "&View", "T&ools", "&Help")


def add_menus(window: QMainWindow) -> list[QMenu]:
    """The menu bar's menus, empty, in MENU_TITLES' order."""
    return [window.menuBar().addMenu(QCoreApplication.translate("frame", title)) for title in MENU_TITLES]
