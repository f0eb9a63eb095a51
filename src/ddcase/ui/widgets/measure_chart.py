"""One measure's chart on the Measures page (issue 16), drawn with QPainter from the points the
service gives (`services.measures.chart_points`): each part's centre line and limits, the aim,
and each month's point in the one colour language of `domain/marks.py` (hollow while in
progress). A proportion is drawn in percent, a count or value as it is."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ddcase.domain import Annotation
from ddcase.domain.marks import CENTRE_LINE, DATA_LINE, LIMIT_LINE, MARKS
from ddcase.services.measures import ChartPoint, month_text, number_text
from ddcase.ui.widgets.run_chart import AIM, NOTE, draw_mark


class MeasureChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points: list[ChartPoint] = []
        self._title = ""
        self._aim: float | None = None
        self._percent = False
        self._fixed_range: tuple[float, float] | None = None
        self._cycle_marks: list[Annotation] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("Chart of the measure chosen"))

    def set_chart(
        self,
        title: str,
        points: list[ChartPoint],
        *,
        aim: float | None,
        percent: bool,
        value_range: tuple[float, float] | None = None,
        cycle_marks: Sequence[Annotation] = (),
    ) -> None:
        """`value_range` fixes the scale (teams side by side share one); `cycle_marks` are the
        starts of the PDSA cycles linked to the measure, each a "P" marker at its month."""
        self._title, self._points, self._aim, self._percent = title, points, aim, percent
        self._fixed_range = value_range
        self._cycle_marks = list(cycle_marks)
        shown = self.cycle_marks_shown()
        extra = "; ".join(f"{m.month.label()}: {m.text}" for m in shown)
        self.setAccessibleDescription(f"{title}. {extra}." if shown else title)
        self.update()

    def cycle_marks_shown(self) -> list[Annotation]:
        """The PDSA cycles' starts that fall within the chart's months."""
        months = {p.month for p in self._points}
        return [m for m in self._cycle_marks if m.month in months]

    def title(self) -> str:
        return self._title

    def sizeHint(self) -> QSize:
        return QSize(640, 240)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, 120)

    def value_range(self) -> tuple[float, float]:
        """The scale drawn: 0-100% for a proportion, else the values' own (or the one given)."""
        return self._range()

    def _range(self) -> tuple[float, float]:
        if self._fixed_range is not None:
            return self._fixed_range
        if self._percent:
            return 0.0, 100.0
        numbers = [v for p in self._points for v in (p.value, p.centre, p.lower, p.upper) if v is not None]
        if self._aim is not None:
            numbers.append(self._aim)
        if not numbers:
            return 0.0, 1.0
        low, high = min(numbers), max(numbers)
        pad = (high - low) * 0.08 or 1.0
        return low - pad, high + pad

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        background = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        painter.fillRect(self.rect(), background)
        metrics = painter.fontMetrics()
        painter.setPen(text)
        painter.drawText(QPointF(8, metrics.ascent() + 4), self._title or self.tr("Choose a measure above"))
        if not self._points:
            painter.end()
            return
        plot = QRectF(
            56, metrics.height() + 14, self.width() - 120, self.height() - metrics.height() * 2 - 30
        )
        low, high = self._range()
        step = plot.width() / len(self._points)

        def x_of(index: int) -> float:
            return plot.left() + step * (index + 0.5)

        def y_of(value: float) -> float:
            return plot.bottom() - (value - low) / (high - low) * plot.height()

        painter.setPen(QPen(QColor("#cccccc"), 1))
        for tick in range(5):
            value = low + (high - low) * tick / 4
            y = y_of(value)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            label = f"{number_text(round(value, 2))}{'%' if self._percent else ''}"
            painter.setPen(text)
            painter.drawText(QRectF(0, y - 8, plot.left() - 6, 16), Qt.AlignmentFlag.AlignRight, label)
            painter.setPen(QPen(QColor("#cccccc"), 1))
        for part in sorted({p.part for p in self._points}):
            indexes = [i for i, p in enumerate(self._points) if p.part == part]
            left, right = x_of(indexes[0]) - step / 2, x_of(indexes[-1]) + step / 2
            first = self._points[indexes[0]]
            for value, colour, width in (
                (first.centre, CENTRE_LINE, 1.6),
                (first.lower, LIMIT_LINE, 1.0),
                (first.upper, LIMIT_LINE, 1.0),
            ):
                if value is None:
                    continue
                if colour == LIMIT_LINE and any(self._points[i].upper != first.upper for i in indexes):
                    continue  # p chart limits vary by month: drawn per month below
                painter.setPen(QPen(QColor(colour), width))
                painter.drawLine(QPointF(left, y_of(value)), QPointF(right, y_of(value)))
            for i in indexes:
                p = self._points[i]
                if (
                    p.upper is not None
                    and p.lower is not None
                    and any(self._points[j].upper != first.upper for j in indexes)
                ):
                    painter.setPen(QPen(QColor(LIMIT_LINE), 1.0))
                    for limit in (p.lower, p.upper):
                        painter.drawLine(
                            QPointF(x_of(i) - step / 2, y_of(limit)), QPointF(x_of(i) + step / 2, y_of(limit))
                        )
        if self._aim is not None:
            painter.setPen(QPen(AIM, 1.4, Qt.PenStyle.DashDotLine))
            painter.drawLine(QPointF(plot.left(), y_of(self._aim)), QPointF(plot.right(), y_of(self._aim)))
            painter.drawText(QPointF(plot.right() + 4, y_of(self._aim) + 4), self.tr("Aim"))
        painter.setPen(QPen(QColor(DATA_LINE), 1.3))
        previous: QPointF | None = None
        for i, p in enumerate(self._points):
            if p.value is None:
                previous = None
                continue
            here = QPointF(x_of(i), y_of(p.value))
            if previous is not None:
                painter.drawLine(previous, here)
            previous = here
        for i, p in enumerate(self._points):
            if p.value is not None:
                draw_mark(painter, QPointF(x_of(i), y_of(p.value)), 3.6, MARKS[p.kind], background)
        index = {p.month: i for i, p in enumerate(self._points)}
        for mark in self.cycle_marks_shown():  # a PDSA cycle's start: "P" on a square
            x = x_of(index[mark.month])
            painter.setPen(QPen(QColor(NOTE), 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(NOTE))
            marker = QRectF(x - 7, plot.top() - 8, 14, 14)
            painter.drawRect(marker)
            painter.setPen(QColor("white"))
            painter.drawText(marker, Qt.AlignmentFlag.AlignCenter, "P")
        painter.setPen(text)
        every = max(1, -(-len(self._points) // 8))
        for i, p in enumerate(self._points):
            last = len(self._points) - 1
            if i % every == 0 if i != last else (last % every == 0 or last % every >= every / 2 + 1):
                painter.drawText(
                    QRectF(x_of(i) - 40, plot.bottom() + 4, 80, metrics.height()),
                    Qt.AlignmentFlag.AlignHCenter,
                    month_text(p.month),
                )
        painter.end()
