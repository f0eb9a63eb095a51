"""The table model every list in the app uses: a list of frozen values, one IntEnum of columns,
the value itself and a sort key through custom roles."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
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
        decorated = self.decorate(value, column, role)
        if decorated is None and role == Qt.ItemDataRole.ToolTipRole:
            # A narrow window elides long cells ("No joint appointment or care plan revi..."):
            # the whole text is always a hover away, in every table.
            shown = self.display(value, column)
            return shown if isinstance(shown, str) and shown else None
        return decorated

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


class RowListProxy(QAbstractProxyModel):
    """A filtering proxy that holds the list of source rows it shows, worked out in Python in
    one pass (`accepted_rows`), instead of asking Python about every row through
    `filterAcceptsRow`: a QSortFilterProxyModel makes 20,000 calls back across the Qt boundary
    for each keystroke, and keeps a mapping for every row, which takes longer than a keystroke
    may (docs/performance.md). A change of filter resets the proxy (the page puts the selection
    back); sorting is the source model's (ValueTableModel.sort), and the proxy follows it
    keeping its persistent indexes (selection, current row) on the same values."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[int] = []  # proxy row -> source row, in the source's order
        self._where: dict[int, int] | None = None  # source row -> proxy row, built when asked
        self._held: list[tuple[QPersistentModelIndex, QPersistentModelIndex]] = []

    # ---------------------------------------------------------------- for subclasses

    def accepted_rows(self, candidates: Iterable[int] | None) -> list[int]:
        """The source rows to show, in order, from `candidates` (None: every row)."""
        model = self.sourceModel()
        count = model.rowCount() if model is not None else 0
        return list(range(count)) if candidates is None else list(candidates)

    def refilter(self, *, narrowing: bool = False) -> None:
        """Work the shown rows out again; `narrowing` when only rows shown now can still pass."""
        self.beginResetModel()
        self._rows = self.accepted_rows(list(self._rows) if narrowing else None)
        self._where = None
        self.endResetModel()

    # ---------------------------------------------------------------- the source

    def setSourceModel(self, model: QAbstractItemModel) -> None:  # noqa: N802 (Qt's name)
        old = self.sourceModel()
        if old is not None:
            for signal, slot in self._connections(old):
                signal.disconnect(slot)
        self.beginResetModel()
        super().setSourceModel(model)
        for signal, slot in self._connections(model):
            signal.connect(slot)
        self._rows = self.accepted_rows(None)
        self._where = None
        self.endResetModel()

    def _connections(self, model: QAbstractItemModel) -> list[tuple[Any, Any]]:
        return [
            (model.modelAboutToBeReset, self._on_source_about_to_be_reset),
            (model.modelReset, self._on_source_reset),
            (model.layoutAboutToBeChanged, self._on_source_layout_about_to_be_changed),
            (model.layoutChanged, self._on_source_layout_changed),
            (model.dataChanged, self._on_source_data_changed),
            (model.rowsInserted, self._on_source_reset),
            (model.rowsRemoved, self._on_source_reset),
        ]

    def _on_source_about_to_be_reset(self) -> None:
        self.beginResetModel()

    def _on_source_reset(self, *_args: Any) -> None:
        if not _args:  # modelReset: beginResetModel was called on modelAboutToBeReset
            self._rows = self.accepted_rows(None)
            self._where = None
            self.endResetModel()
            return
        self.beginResetModel()  # rows inserted or removed: the value models never do this
        self._rows = self.accepted_rows(None)
        self._where = None
        self.endResetModel()

    def _on_source_layout_about_to_be_changed(self, *_args: Any) -> None:
        """The source is about to sort: note where each persistent index's value is."""
        self.layoutAboutToBeChanged.emit()
        self._held = [
            (QPersistentModelIndex(index), QPersistentModelIndex(self.mapToSource(index)))
            for index in self.persistentIndexList()
        ]

    def _on_source_layout_changed(self, *_args: Any) -> None:
        self._rows = self.accepted_rows(None)
        self._where = None
        old = [QModelIndex(proxy) for proxy, _source in self._held]
        new = [self.mapFromSource(QModelIndex(source)) for _proxy, source in self._held]
        self._held = []
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def _on_source_data_changed(
        self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Any = ()
    ) -> None:
        rows = [self._where_of().get(r) for r in range(top_left.row(), bottom_right.row() + 1)]
        shown = [r for r in rows if r is not None]
        if shown:
            self.dataChanged.emit(
                self.index(min(shown), top_left.column()), self.index(max(shown), bottom_right.column())
            )

    def _where_of(self) -> dict[int, int]:
        if self._where is None:
            self._where = {source: proxy for proxy, source in enumerate(self._rows)}
        return self._where

    # ---------------------------------------------------------------- QAbstractProxyModel

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        model = self.sourceModel()
        return 0 if parent.isValid() or model is None else model.columnCount()

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not (0 <= row < len(self._rows)) or not (0 <= column < self.columnCount()):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, index: _Index | None = None) -> Any:  # type: ignore[override]  # QAbstractItemModel.parent() is two overloads in one
        if index is None:  # QObject.parent()
            return super().parent()
        return QModelIndex()

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and bool(self._rows)

    def mapToSource(self, proxy_index: _Index) -> QModelIndex:
        model = self.sourceModel()
        if model is None or not proxy_index.isValid() or not 0 <= proxy_index.row() < len(self._rows):
            return QModelIndex()
        return model.index(self._rows[proxy_index.row()], proxy_index.column())

    def mapFromSource(self, source_index: _Index) -> QModelIndex:
        if not source_index.isValid():
            return QModelIndex()
        row = self._where_of().get(source_index.row())
        if row is None:
            return QModelIndex()
        return self.index(row, source_index.column())

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        model = self.sourceModel()
        if model is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            return section + 1 if role == Qt.ItemDataRole.DisplayRole else None
        return model.headerData(section, orientation, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        model = self.sourceModel()
        if model is not None:
            model.sort(column, order)  # the source emits layoutChanged; the proxy follows
