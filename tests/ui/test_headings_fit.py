"""Every table's headings can be read at the narrowest window the app allows (1024x700): a
column sized in characters was narrower than its heading and the sort arrow ("Version" on the
Definition page read "Versio" under the arrow)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from tests.ui.helpers import dashboard_loaded

ARROW = 16  # the sort indicator's width in Qt's Fusion and Windows styles


def _clipped(view: QTableView) -> list[str]:
    header = view.horizontalHeader()
    model = view.model()
    found = []
    for column in range(model.columnCount()):
        if header.isSectionHidden(column) or header.sectionResizeMode(column) == header.ResizeMode.Stretch:
            continue
        heading = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        if header.sectionSize(column) < header.fontMetrics().horizontalAdvance(heading) + ARROW:
            found.append(f"{heading!r}: {header.sectionSize(column)} px")
    return found


def test_every_heading_fits_at_1024_by_700(small_team, window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.resize(1024, 700)
    clipped = {}
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        page = window.tabs.currentWidget()
        if page is window.dashboard_page:
            dashboard_loaded(window, qtbot)
        for view in page.findChildren(QTableView):
            if view.isVisibleTo(page) and (found := _clipped(view)):
                clipped[f"{window.tabs.tabText(index)}: {view.accessibleName()}"] = found
    assert clipped == {}
