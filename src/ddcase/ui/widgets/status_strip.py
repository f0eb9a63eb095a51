"""A client's jointly-worked status month by month: one coloured cell a month, drawn with
QPainter, with a tooltip saying what was missing."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ddcase.domain import Month
from ddcase.services.figures import ClientMonth
from ddcase.ui.models.mutual_client_model import STATUS_COLOURS, Status
from ddcase.ui.text import missing_text


def _status(month: ClientMonth | None) -> Status:
    if month is None:
        return Status.NOT_MUTUAL
    if not month.is_mutual:
        return Status.EXCLUDED
    return Status.JOINTLY_WORKED if month.jointly_worked else Status.NOT_JOINTLY_WORKED


def _explain(month: Month, result: ClientMonth | None) -> str:
    status = _status(result)
    if status is Status.JOINTLY_WORKED:
        what = "jointly worked"
    elif status is Status.NOT_JOINTLY_WORKED:
        assert result is not None
        what = missing_text(result).lower()
    elif status is Status.EXCLUDED:
        assert result is not None
        what = f"not counted: open to both services for only {result.mutual_days} days"
    else:
        what = "not open to both services"
    return f"{month.label()}: {what}"


class StatusStrip(QWidget):
    """Set with `set_months([(month, ClientMonth | None), ...])`."""

    CELL_HEIGHT = 22

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._months: list[tuple[Month, ClientMonth | None]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.tr("Jointly worked, month by month"))

    def set_months(self, months: list[tuple[Month, ClientMonth | None]]) -> None:
        self._months = list(months)
        self.setAccessibleDescription("; ".join(_explain(m, r) for m, r in self._months))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(12 * 40, self.CELL_HEIGHT + 2 * self.fontMetrics().height() + 6)

    def minimumSizeHint(self) -> QSize:
        return QSize(12 * 28, self.sizeHint().height())

    def _cell(self, number: int) -> QRect:
        count = max(1, len(self._months))
        width = self.width() / count
        return QRect(round(number * width) + 1, 0, round(width) - 2, self.CELL_HEIGHT)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_colour = self.palette().color(QPalette.ColorRole.WindowText)
        for number, (month, result) in enumerate(self._months):
            cell = self._cell(number)
            status = _status(result)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(STATUS_COLOURS[status])
            painter.drawRoundedRect(cell, 3, 3)
            if status is Status.JOINTLY_WORKED:
                painter.setPen(QColor("white"))
                painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, "✓")
            painter.setPen(text_colour)
            line = self.fontMetrics().height()
            label = QRect(cell.left(), cell.bottom() + 2, cell.width(), line)
            painter.drawText(label, Qt.AlignmentFlag.AlignCenter, month.short_label()[:3])
            if number == 0 or month.month == 1:
                painter.drawText(
                    label.translated(0, line), Qt.AlignmentFlag.AlignCenter, self._year_text(month, cell)
                )
        painter.end()

    def _year_text(self, month: Month, cell: QRect) -> str:
        """The year under a cell: in full where it fits, else as '25 (a narrow window would print
        two adjacent years over each other: December and January)."""
        full = str(month.year)
        if self.fontMetrics().horizontalAdvance(full) <= cell.width():
            return full
        return f"\u2019{month.year % 100:02d}"

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            for number, (month, result) in enumerate(self._months):
                if self._cell(number).adjusted(-1, 0, 1, 20).contains(event.pos()):
                    QToolTip.showText(event.globalPos(), _explain(month, result), self)
                    return True
            QToolTip.hideText()
            return True
        return super().event(event)
