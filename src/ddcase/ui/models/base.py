"""The table model every list in the app uses: a list of frozen values, one IntEnum of columns,
the value itself and a sort key through custom roles."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
VALUE_ROLE = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex


class ValueTableModel(QAbstractTableModel):
    """Subclasses set `Column` and `HEADERS` and say how a value is shown (`display`) and sorted
    (`sort_key`); the default sort key is the displayed text, without case."""

    Column: ClassVar[type[IntEnum]]
    HEADERS: ClassVar[dict[Any, str]]
    NUMERIC: ClassVar[frozenset[Any]] = frozenset()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        #: goes up whenever the rows change or move, so a proxy knows its cached answers are stale
        self.generation = 0
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Iterable[Any]) -> None:
        """Replace the rows, kept in the order the user last sorted by."""
        rows = list(rows)
        if self._sorted_by is not None:
            key = self.Column(self._sorted_by[0])
            rows.sort(
                key=lambda value: self.sort_key(value, key),
                reverse=self._sorted_by[1] == Qt.SortOrder.DescendingOrder,
            )
        self.beginResetModel()
        self._rows = rows
        self.generation += 1
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def value(self, row: int) -> Any:
        return self._rows[row]

    def row_of(self, predicate: Any) -> int | None:
        for number, value in enumerate(self._rows):
            if predicate(value):
                return number
        return None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.Column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        value = self._rows[index.row()]
        column = self.Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(value, column)
        if role == SORT_ROLE:
            return self.sort_key(value, column)
        if role == VALUE_ROLE:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return self.decorate(value, column, role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.Column):
            column = self.Column(section)
            if role == Qt.ItemDataRole.DisplayRole:
                return self.HEADERS[column]
            if role == Qt.ItemDataRole.TextAlignmentRole and column in self.NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in Python with one key call a row: a proxy comparing through data() makes a
        million calls across the Qt boundary for 20,000 rows, which takes seconds."""
        if not 0 <= column < len(self.Column):
            self._sorted_by = None  # -1: no sort; new rows keep the order the service gave
            return
        self._sorted_by = (column, order)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        where = [(index.row(), index.column()) for index in persistent]
        key = self.Column(column)
        order_of_rows = sorted(
            range(len(self._rows)),
            key=lambda row: self.sort_key(self._rows[row], key),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        new_row = {old: new for new, old in enumerate(order_of_rows)}
        self._rows = [self._rows[row] for row in order_of_rows]
        self.generation += 1
        self.changePersistentIndexList(persistent, [self.index(new_row[r], c) for r, c in where])
        self.layoutChanged.emit()

    def display(self, value: Any, column: Any) -> str:
        raise NotImplementedError

    def sort_key(self, value: Any, column: Any) -> Any:
        return self.display(value, column).lower()

    def decorate(self, value: Any, column: Any, role: int) -> Any:
        """Other roles (tooltips, colours) for subclasses; none by default."""
        return None


class SortingProxy(QSortFilterProxyModel):
    """Filters in the proxy, but hands sorting to the source model (see ValueTableModel.sort)."""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)
        # -1: keep the source's order; Qt reverses it if the order passed here is descending
        super().sort(-1, Qt.SortOrder.AscendingOrder)
