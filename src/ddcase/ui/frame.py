"""The main window's frame in one home: its menu bar's titles in order, its size before one is
remembered and the least it may be made, and where its geometry is remembered. The main window
fills the menus; the opening window (ui/app.py, issue 18) shows the same frame, its menus greyed,
while the log opens, so nothing jumps when the main window takes its place. Imports nothing of
the database side: the opening window reads it before its first paint."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, QSize
from PySide6.QtWidgets import QMainWindow, QMenu

#: The menu bar's titles, left to right, each with its Alt key.
MENU_TITLES = ("&File", "&View", "T&ools", "&Help")
#: The window's size until the person sizes it (then their size is remembered).
FIRST_SIZE = QSize(1280, 760)
LEAST_SIZE = QSize(900, 560)
GEOMETRY_KEY = "window/geometry"


def add_menus(window: QMainWindow) -> list[QMenu]:
    """The menu bar's menus, empty, in MENU_TITLES' order."""
    return [window.menuBar().addMenu(QCoreApplication.translate("frame", title)) for title in MENU_TITLES]


def restore_geometry(window: QMainWindow, settings: QSettings) -> None:
    """The window where and as large as the person last left the main window; FIRST_SIZE the
    first time. Never smaller than LEAST_SIZE."""
    window.resize(FIRST_SIZE)
    window.setMinimumSize(LEAST_SIZE)
    geometry = settings.value(GEOMETRY_KEY)
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)


def remember_geometry(window: QMainWindow, settings: QSettings) -> None:
    settings.setValue(GEOMETRY_KEY, window.saveGeometry())
