"""A table view set up the same way everywhere: sortable through a proxy, whole rows selected,
fixed row heights (fast with tens of thousands of rows), an accessible name."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ddcase.ui.models.base import VALUE_ROLE, SortingProxy, ValueTableModel


def make_table(
    model: ValueTableModel,
    name: str,
    *,
    proxy: QAbstractProxyModel | None = None,
    stretch: Any = None,
    parent: QWidget | None = None,
) -> tuple[QTableView, QAbstractProxyModel]:
    if proxy is None:
        proxy = SortingProxy(parent)
    proxy.setSourceModel(model)
    view = QTableView(parent)
    view.setModel(proxy)
    view.setAccessibleName(name)
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)  # Tab moves on to the next control, as a keyboard user expects
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch is None)
    if stretch is not None:
        header.setSectionResizeMode(int(stretch), QHeaderView.ResizeMode.Stretch)
    return view, proxy


def selected_value(view: QTableView) -> Any:
    """The domain value behind the current row, or None."""
    index = view.currentIndex()
    if not index.isValid() or not view.selectionModel().isRowSelected(index.row(), index.parent()):
        return None
    return index.siblingAtColumn(0).data(VALUE_ROLE)


def fit_columns(view: QTableView, widths: dict[Any, int]) -> None:
    """Column widths in characters, so they scale with the font (and the screen's DPI)."""
    char = view.fontMetrics().averageCharWidth()
    for column, chars in widths.items():
        view.setColumnWidth(int(column), chars * char + 16)
