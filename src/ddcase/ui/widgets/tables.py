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


#: Pixels a heading needs beside its text for the sort indicator and the section's margins.
_SORT_ARROW_ROOM = 30


def fit_columns(view: QTableView, widths: dict[Any, int]) -> None:
    """Column widths in characters, so they scale with the font (and the screen's DPI); never
    narrower than the column's heading with room for the sort arrow beside it."""
    char = view.fontMetrics().averageCharWidth()
    header = view.horizontalHeader()
    model = view.model()
    for column, chars in widths.items():
        heading = model.headerData(int(column), Qt.Orientation.Horizontal) if model is not None else None
        needed = header.fontMetrics().horizontalAdvance(str(heading or "")) + _SORT_ARROW_ROOM
        view.setColumnWidth(int(column), max(chars * char + 16, needed))
