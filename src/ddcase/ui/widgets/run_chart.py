"""The run chart or p chart of the monthly figure (SPEC §5), drawn with QPainter: the points, the
centre line of each part, the limits of a p chart, the aim, the team's notes as numbered markers,
and the points that make a signal marked in the one colour language of `domain/marks.py` (the
PDF's too). Nothing is computed here: every number comes from FiguresService.series().

Every point has a tooltip (month, counts, %, limits, signals, provisional); clicking a point
emits `month_clicked`, which the window answers with that month's clients."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ddcase.domain import Annotation, Month
from ddcase.domain.format import percent_text
from ddcase.domain.marks import CENTRE_LINE, DATA_LINE, LIMIT_LINE, MARKS, Mark, PointKind, Shape
from ddcase.services.figures import MonthAnalysis, Series

CENTRE = QColor(CENTRE_LINE)
LIMIT = QColor(LIMIT_LINE)
LINE = QColor(DATA_LINE)
AIM = QColor("#2e7d32")
NOTE = QColor("#6a1b9a")
HIGHLIGHT = QColor(31, 95, 168, 28)


def draw_mark(painter: QPainter, centre: QPointF, radius: float, mark: Mark, background: QColor) -> None:
    """One point in its mark: a circle or a triangle pointing the way of the signal, filled in
    its colour (or hollow, for the month in progress), with a dark outline."""
    r = radius * mark.size
    painter.setPen(QPen(QColor(mark.outline), 1.1))
    painter.setBrush(QBrush(QColor(mark.fill) if mark.fill else background))
    x, y = centre.x(), centre.y()
    if mark.shape is Shape.CIRCLE:
        painter.drawEllipse(centre, r, r)
    elif mark.shape is Shape.TRIANGLE_UP:
        painter.drawPolygon(
            QPolygonF([QPointF(x - r, y + r * 0.8), QPointF(x + r, y + r * 0.8), QPointF(x, y - r)])
        )
    else:
        painter.drawPolygon(
            QPolygonF([QPointF(x - r, y - r * 0.8), QPointF(x + r, y - r * 0.8), QPointF(x, y + r)])
        )


class RunChart(QWidget):
    month_clicked = Signal(object)  # the Month of the point clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._series: Series | None = None
        self._highlight: Month | None = None
        self._empty_text: str | None = None
        self._current: Month | None = None  # the point chosen with the keyboard
        self._cycle_marks: list[Annotation] = []  # the PDSA cycles' starts (issue 16 item 6)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("Run chart of the monthly figure"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Left/Right choose a point, Enter opens it
        self.setMouseTracking(True)  # the pointing hand over a point

    def set_series(
        self, series: Series | None, highlight: Month | None = None, cycle_marks: Sequence[Annotation] = ()
    ) -> None:
        """`cycle_marks`: the starts of the PDSA cycles linked to the measure, each drawn as a
        "P" marker at its month (apart from the numbered notes)."""
        self._series = series
        self._highlight = highlight
        self._cycle_marks = list(cycle_marks)
        description = series.analysis.reading if series else ""
        shown = self.cycle_marks_shown()
        if shown:
            description += " " + "; ".join(f"{m.month.label()}: {m.text}" for m in shown) + "."
        self.setAccessibleDescription(description)
        self.update()

    def cycle_marks_shown(self) -> list[Annotation]:
        """The PDSA cycles' starts that fall within the chart's months."""
        if self._series is None:
            return []
        months = {m.month for m in self._series.analysis.months}
        return [m for m in self._cycle_marks if m.month in months]

    def set_empty_text(self, text: str | None) -> None:
        """What the chart says while it has no months to show (None: that there are none yet)."""
        self._empty_text = text
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(720, 340)

    def minimumSizeHint(self) -> QSize:
        return QSize(360, 220)

    # ------------------------------------------------------------------ geometry

    def _small_font(self) -> QFont:
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.85))
        return small

    def _plot_rect(self) -> QRectF:
        line = self.fontMetrics().height()
        rows = self._legend_places()[-1][2] + 1 if self._series is not None else 1
        bottom = line * (3.3 + 1.1 * rows)
        return QRectF(self.rect().adjusted(int(line * 3.2), int(line * 1.8), -line, -int(bottom)))

    def _legend_places(self) -> list[tuple[tuple[str, object, str], float, int]]:
        """Each legend entry with its x and its row: a new row when the last is full."""
        metrics = QFontMetricsF(self._small_font())
        left = int(self.fontMetrics().height() * 3.2)
        x, row = float(left), 0
        places = []
        for item in self._legend_items():
            width = 22 + metrics.horizontalAdvance(item[2]) + 16
            if x + width - 16 > self.width() and x > left:
                x, row = float(left), row + 1
            places.append((item, x, row))
            x += width
        return places or [(("", None, ""), float(left), 0)]

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

    def _step(self) -> float:
        assert self._series is not None
        return self._plot_rect().width() / max(1, len(self._series.analysis.months))

    def _radius(self) -> float:
        return max(3.5, min(6.0, self._step() / 5))

    def point_positions(self) -> list[tuple[MonthAnalysis, QPointF]]:
        """Where each month's point is drawn (months with no mutual clients have none)."""
        series = self._series
        if series is None or not series.analysis.months:
            return []
        plot, top, step = self._plot_rect(), self._top_percent(), self._step()
        return [
            (m, QPointF(plot.left() + step * (n + 0.5), plot.bottom() - plot.height() * m.percentage / top))
            for n, m in enumerate(series.analysis.months)
            if m.percentage is not None
        ]

    def month_at(self, position: QPointF) -> MonthAnalysis | None:
        """The month whose point is under `position` (within a few pixels), if any."""
        reach = self._radius() * 1.6 + 3 if self._series is not None else 0
        best: tuple[float, MonthAnalysis] | None = None
        for month, point in self.point_positions():
            distance = math.hypot(point.x() - position.x(), point.y() - position.y())
            if distance <= reach and (best is None or distance < best[0]):
                best = (distance, month)
        return best[1] if best else None

    def tooltip_at(self, position: QPointF) -> str | None:
        """What the tooltip says over `position`: the month's point, or nothing."""
        month = self.month_at(position)
        return self.tooltip_for(month) if month is not None else None

    def tooltip_for(self, month: MonthAnalysis) -> str:
        """'Nov 2026: 69 of 143 jointly worked (48%) / Limits 31% to 55% / ...' on lines."""
        lines = [
            self.tr("%1: %2 of %3 jointly worked (%4)")
            .replace("%1", month.month.label())
            .replace("%2", str(month.jointly_worked))
            .replace("%3", str(month.mutual_clients))
            .replace("%4", percent_text(month.percentage))
        ]
        if month.provisional:
            lines.append(self.tr("Provisional: the month is in progress, left out of the analysis."))
        if month.centre is not None and not month.provisional:
            lines.append(self.tr("Centre line %1").replace("%1", percent_text(100 * month.centre)))
        if month.lower_limit is not None and month.upper_limit is not None:
            lines.append(
                self.tr("Limits %1 to %2")
                .replace("%1", percent_text(100 * month.lower_limit))
                .replace("%2", percent_text(100 * month.upper_limit))
            )
        if month.signals:
            lines.append(self.tr("Signal: %1").replace("%1", "; ".join(month.signals)))
        elif not month.provisional:
            lines.append(self.tr("No signal (common cause)"))
        lines.append(self.tr("Click to see the month's clients."))
        return "\n".join(lines)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        over = self.month_at(event.position()) is not None
        self.setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        month = self.month_at(event.position()) if event.button() == Qt.MouseButton.LeftButton else None
        if month is None:
            super().mousePressEvent(event)
            return
        self.month_clicked.emit(month.month)

    # ------------------------------------------------------------------ the keyboard

    def current_month(self) -> MonthAnalysis | None:
        """The point chosen by the keyboard (Left/Right), shown with a ring and its tooltip."""
        positions = self.point_positions()
        if not positions:
            return None
        if self._current is None or self._current not in {m.month for m, _ in positions}:
            months = [m for m, _ in positions]
            return next((m for m in months if m.month == self._highlight), months[-1])
        return next(m for m, _ in positions if m.month == self._current)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        positions = self.point_positions()
        current = self.current_month()
        if current is None:
            super().keyPressEvent(event)
            return
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.month_clicked.emit(current.month)
            return
        steps = {
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Home: -len(positions),
            Qt.Key.Key_End: len(positions),
        }
        if key not in steps:
            super().keyPressEvent(event)
            return
        months = [m.month for m, _ in positions]
        index = max(0, min(len(months) - 1, months.index(current.month) + steps[key]))
        self._current = months[index]
        self.update()
        point = positions[index][1].toPoint()
        QToolTip.showText(self.mapToGlobal(point), self.tooltip_for(positions[index][0]), self)

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
        step = self._step()

        def x_of(number: int) -> float:
            return plot.left() + step * (number + 0.5)

        def y_of(percent: float) -> float:
            return plot.bottom() - plot.height() * percent / top

        index = {m.month: n for n, m in enumerate(months)}
        if self._highlight in index:
            n = index[self._highlight]
            painter.fillRect(QRectF(x_of(n) - step / 2, plot.top(), step, plot.height()), HIGHLIGHT)

        # grid and y axis
        small = self._small_font()
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
                # Dashed when the part's runs analysis signals, as on paper.
                style = Qt.PenStyle.DashLine if part.runs_signal else Qt.PenStyle.SolidLine
                painter.setPen(QPen(CENTRE, 1.6, style))
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

        # the line (dotted into the month in progress) and the points
        previous: QPointF | None = None
        previous_part = None
        for n, m in enumerate(months):
            if m.percentage is None:
                previous = None
                continue
            point = QPointF(x_of(n), y_of(m.percentage))
            if previous is not None and previous_part == m.part:
                style = Qt.PenStyle.DotLine if m.provisional else Qt.PenStyle.SolidLine
                painter.setPen(QPen(LINE, 1.6, style))
                painter.drawLine(previous, point)
            previous, previous_part = point, m.part
        radius = self._radius()
        background = self.palette().color(QPalette.ColorRole.Base)
        for m, point in self.point_positions():
            draw_mark(painter, point, radius, MARKS[m.kind], background)
        chosen = self.current_month() if self.hasFocus() else None
        if chosen is not None:  # the keyboard's point: a ring the colour of focus
            ring = next(p for m, p in self.point_positions() if m.month == chosen.month)
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(ring, radius * 2.2, radius * 2.2)

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

        # the PDSA cycles' starts: a "P" on a square, apart from the numbered notes
        for mark in self.cycle_marks_shown():
            x = x_of(index[mark.month]) + 3
            painter.setPen(QPen(NOTE, 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, plot.top() + 8), QPointF(x, plot.bottom()))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(NOTE)
            marker = QRectF(x - 7, plot.top() + 4, 14, 14)
            painter.drawRect(marker)
            painter.setPen(QColor("white"))
            painter.drawText(marker, Qt.AlignmentFlag.AlignCenter, "P")

        self._draw_legend(painter, plot, text)
        painter.end()

    def legend_labels(self) -> list[str]:
        """The legend's entries: only what the chart shows."""
        return [label for _kind, _what, label in self._legend_items()]

    def _legend_items(self) -> list[tuple[str, object, str]]:
        assert self._series is not None
        analysis = self._series.analysis
        shown = {m.kind for m in analysis.months if m.percentage is not None}
        items: list[tuple[str, object, str]] = [
            ("point", MARKS[kind], self.tr(MARKS[kind].label)) for kind in PointKind if kind in shown
        ]
        if any(p.centre is not None for p in analysis.parts):
            items.append(("line", CENTRE, self.tr("Centre line")))
        if any(p.runs_signal for p in analysis.parts):
            items.append(("dash", CENTRE, self.tr("Dashed: runs signal")))
        if any(m.upper_limit is not None for m in analysis.months):
            items.append(("dash", LIMIT, self.tr("Limits")))
        if self._series.settings.aim_percentage is not None:
            items.append(("dashdot", AIM, self.tr("Aim")))
        if any(a.month in {m.month for m in analysis.months} for a in self._series.annotations):
            items.append(("note", NOTE, self.tr("Note")))
        if self.cycle_marks_shown():
            items.append(("cycle", NOTE, self.tr("PDSA cycle starts")))
        return items

    def _draw_legend(self, painter: QPainter, plot: QRectF, text: QColor) -> None:
        metrics = painter.fontMetrics()
        background = self.palette().color(QPalette.ColorRole.Base)
        for (kind, colour, label), x, row in self._legend_places():
            if not label:
                continue
            y = plot.bottom() + metrics.height() * (2.4 + 1.3 * row)
            if kind == "point":
                assert isinstance(colour, Mark)
                draw_mark(painter, QPointF(x + 8, y), 4.5, colour, background)
            elif kind == "note":
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
                painter.drawEllipse(QPointF(x + 8, y), 6, 6)
            elif kind == "cycle":
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
                marker = QRectF(x + 2, y - 6, 12, 12)
                painter.drawRect(marker)
                painter.setPen(QColor("white"))
                painter.drawText(marker, Qt.AlignmentFlag.AlignCenter, "P")
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
