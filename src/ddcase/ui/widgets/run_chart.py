"""The run chart or p chart of the monthly figure (SPEC §5), drawn with QPainter: the points, the
centre line of each part, the limits of a p chart, the aim, the team's notes as numbered markers,
and the points that make a signal highlighted. Nothing is computed here: every number comes from
FiguresService.series()."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ddcase.domain import Month
from ddcase.domain.format import percent_text
from ddcase.services.figures import Series

POINT = QColor("#1f5fa8")
CENTRE = QColor("#424242")
LIMIT = QColor("#7b7b7b")
AIM = QColor("#2e7d32")
RUN_SIGNAL = QColor("#e08a00")
OUTSIDE = QColor("#c62828")
NOTE = QColor("#6a1b9a")
HIGHLIGHT = QColor(31, 95, 168, 28)


class RunChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._series: Series | None = None
        self._highlight: Month | None = None
        self._empty_text: str | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("Run chart of the monthly figure"))
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)

    def set_series(self, series: Series | None, highlight: Month | None = None) -> None:
        self._series = series
        self._highlight = highlight
        self.setAccessibleDescription(series.analysis.reading if series else "")
        self.update()

    def set_empty_text(self, text: str | None) -> None:
        """What the chart says while it has no months to show (None: that there are none yet)."""
        self._empty_text = text
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(720, 340)

    def minimumSizeHint(self) -> QSize:
        return QSize(360, 220)

    # ------------------------------------------------------------------ geometry

    def _plot_rect(self) -> QRectF:
        line = self.fontMetrics().height()
        return QRectF(self.rect().adjusted(int(line * 3.2), int(line * 1.8), -line, -int(line * 4.4)))

    def _top_percent(self) -> float:
        assert self._series is not None
        values = [0.0]
        settings = self._series.settings
        for m in self._series.analysis.months:
            values += [v * 100 for v in (m.upper_limit, m.centre) if v is not None]
            if m.percentage is not None:
                values.append(m.percentage)
        if settings.aim_percentage is not None:
            values.append(settings.aim_percentage)
        return float(min(100, max(20, math.ceil((max(values) + 4) / 10) * 10)))

    # ------------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        text = self.palette().color(QPalette.ColorRole.Text)
        series = self._series
        if series is None or not series.analysis.months:
            painter.setPen(text)
            empty = self._empty_text or self.tr("No months to chart yet.")
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, empty)
            painter.end()
            return
        months = series.analysis.months
        plot = self._plot_rect()
        top = self._top_percent()
        step = plot.width() / max(1, len(months))

        def x_of(number: int) -> float:
            return plot.left() + step * (number + 0.5)

        def y_of(percent: float) -> float:
            return plot.bottom() - plot.height() * percent / top

        index = {m.month: n for n, m in enumerate(months)}
        if self._highlight in index:
            n = index[self._highlight]
            painter.fillRect(QRectF(x_of(n) - step / 2, plot.top(), step, plot.height()), HIGHLIGHT)

        # grid and y axis
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.85))
        painter.setFont(small)
        grid = 10 if top <= 60 else 20
        for value in range(0, int(top) + 1, grid):
            y = y_of(value)
            painter.setPen(QPen(QColor(0, 0, 0, 30), 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            painter.drawText(
                QRectF(0, y - 10, plot.left() - 6, 20),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{value}%",
            )
        painter.setPen(QPen(text, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())

        # x labels: every month if there is room, else every second or third
        label_width = painter.fontMetrics().horizontalAdvance("Mmm 00") + 6
        every = max(1, math.ceil(label_width / step))
        for n, m in enumerate(months):
            if (len(months) - 1 - n) % every == 0:
                painter.drawText(
                    QRectF(x_of(n) - label_width / 2, plot.bottom() + 4, label_width, 18),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    m.month.short_label(),
                )

        # parts: centre line and limits; a vertical line where a new part starts
        for part in series.analysis.parts:
            numbers = [n for n, m in enumerate(months) if m.part == part.part]
            if not numbers:
                continue
            first, last = numbers[0], numbers[-1]
            if first > 0:
                painter.setPen(QPen(CENTRE, 1, Qt.PenStyle.DotLine))
                painter.drawLine(
                    QPointF(x_of(first) - step / 2, plot.top()),
                    QPointF(x_of(first) - step / 2, plot.bottom()),
                )
            if part.centre is not None:
                painter.setPen(QPen(CENTRE, 1.6))
                y = y_of(part.centre * 100)
                painter.drawLine(QPointF(x_of(first) - step / 2, y), QPointF(x_of(last) + step / 2, y))
                painter.setPen(CENTRE)
                label = f"{'p̄' if str(part.chart) == 'p' else 'median'} {percent_text(part.centre * 100)}"
                painter.drawText(QPointF(x_of(first) - step / 2 + 3, y - 4), label)
            pen = QPen(LIMIT, 1.2, Qt.PenStyle.DashLine if not part.trial else Qt.PenStyle.DotLine)
            painter.setPen(pen)
            for side in ("lower_limit", "upper_limit"):
                path = QPainterPath()
                started = False
                for n in numbers:
                    value = getattr(months[n], side)
                    if value is None:
                        started = False
                        continue
                    y = y_of(value * 100)
                    left, right = QPointF(x_of(n) - step / 2, y), QPointF(x_of(n) + step / 2, y)
                    if started:
                        path.lineTo(left)
                    else:
                        path.moveTo(left)
                        started = True
                    path.lineTo(right)
                painter.drawPath(path)

        # aim
        settings = series.settings
        if settings.aim_percentage is not None:
            y = y_of(settings.aim_percentage)
            painter.setPen(QPen(AIM, 1.6, Qt.PenStyle.DashDotLine))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            aim = self.tr("Aim %1").replace("%1", percent_text(settings.aim_percentage))
            if settings.aim_by:
                aim += " " + self.tr("by %1").replace("%1", settings.aim_by.short_label())
            width = painter.fontMetrics().horizontalAdvance(aim)
            painter.drawText(QPointF(plot.right() - width - 4, y - 4), aim)

        # the line and the points
        signal_months = set()
        for part in series.analysis.parts:
            if part.runs_signal:
                signal_months.update(part.longest_run_months)
        painter.setPen(QPen(POINT, 1.8))
        previous: QPointF | None = None
        previous_part = None
        for n, m in enumerate(months):
            if m.percentage is None:
                previous = None
                continue
            point = QPointF(x_of(n), y_of(m.percentage))
            if previous is not None and previous_part == m.part:
                painter.drawLine(previous, point)
            previous, previous_part = point, m.part
        radius = max(3.5, min(6.0, step / 5))
        for n, m in enumerate(months):
            if m.percentage is None:
                continue
            point = QPointF(x_of(n), y_of(m.percentage))
            colour = OUTSIDE if m.outside_limits else RUN_SIGNAL if m.month in signal_months else POINT
            painter.setPen(QPen(QColor("white"), 1.2))
            painter.setBrush(QBrush(colour))
            r = radius * (1.35 if colour != POINT else 1)
            painter.drawEllipse(point, r, r)

        # notes as numbered markers along the top
        painter.setFont(small)
        for number, note in enumerate(series.annotations, start=1):
            if note.month not in index:
                continue
            x = x_of(index[note.month])
            painter.setPen(QPen(NOTE, 1, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(x, plot.top() + 8), QPointF(x, plot.bottom()))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(NOTE)
            marker = QRectF(x - 8, plot.top() - 14, 16, 16)
            painter.drawEllipse(marker)
            painter.setPen(QColor("white"))
            painter.drawText(marker, Qt.AlignmentFlag.AlignCenter, str(number))

        self._draw_legend(painter, plot, text)
        painter.end()

    def _draw_legend(self, painter: QPainter, plot: QRectF, text: QColor) -> None:
        assert self._series is not None
        kinds = {str(p.chart) for p in self._series.analysis.parts}
        items: list[tuple[str, QColor, str]] = [
            ("point", POINT, self.tr("Jointly worked %")),
            ("line", CENTRE, self.tr("Centre line")),
        ]
        if "p" in kinds:
            items.append(("dash", LIMIT, self.tr("Limits (3 sigma)")))
        if self._series.settings.aim_percentage is not None:
            items.append(("dashdot", AIM, self.tr("Aim")))
        items += [("point", RUN_SIGNAL, self.tr("Run signal")), ("point", OUTSIDE, self.tr("Outside limits"))]
        if self._series.annotations:
            items.append(("note", NOTE, self.tr("Note")))
        metrics = painter.fontMetrics()
        x = plot.left()
        y = plot.bottom() + metrics.height() * 2.4
        for kind, colour, label in items:
            if kind == "point":
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
                painter.drawEllipse(QPointF(x + 8, y), 4.5, 4.5)
            elif kind == "note":
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
                painter.drawEllipse(QPointF(x + 8, y), 6, 6)
            else:
                style = {
                    "line": Qt.PenStyle.SolidLine,
                    "dash": Qt.PenStyle.DashLine,
                    "dashdot": Qt.PenStyle.DashDotLine,
                }[kind]
                painter.setPen(QPen(colour, 1.8, style))
                painter.drawLine(QPointF(x, y), QPointF(x + 16, y))
            painter.setPen(text)
            painter.drawText(QPointF(x + 22, y + metrics.ascent() / 2 - 1), label)
            x += 22 + metrics.horizontalAdvance(label) + 16
