"""The report's charts drawn into the PDF with less of ReportLab's general machinery (issue 18).

A chart is a `Drawing` of a few hundred plain shapes (lines, strings, circles, polygons, groups).
ReportLab's renderer (`renderPDF`) draws each shape as: save the graphics state, set the shape's
own state (its colours, line width, dash, font), draw it, restore the state; around that, for
every shape, it works out which of the shape's attributes are state, keeps a stack of the
combined state (and, on the way back, the state to undo, which it then drops), looks for derived
values, and gives the shape its canvas and parent while it is drawn. For the 26 charts of a
trust's report that bookkeeping is about a third of their drawing.

`ChartDrawing` is drawn by `_Renderer`, which makes the same calls on the canvas, in the same
order, with the same values, for the plain shapes the charts are made of (so the PDF's bytes are
the same: tests/reports/test_chart_drawing.py), and leaves anything else (a widget, a user node,
a derived value, a draw-time callback) to ReportLab's own code.
"""

from __future__ import annotations

from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.renderbase import STATE_DEFAULTS, StateTracker
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, PolyLine, Rect, String
from reportlab.graphics.transform import mmult
from reportlab.lib.validators import DerivedValue
from reportlab.rl_config import _unset_

from ddcase.reports.replay import once

#: The shapes drawn here, each by the renderer's own method for it.
_DRAW = {
    Line: "drawLine",
    String: "drawString",
    Circle: "drawCircle",
    PolyLine: "drawPolyLine",
    Polygon: "drawPolygon",
    Rect: "drawRect",
}


def shared(node: Any) -> Any:
    """`node`, marked as drawn the same wherever it is placed in a chart: it sets all of its own
    state (colours, widths, font, anchor), so the operators it makes the first time it is drawn
    in a document are written again in place of drawing it again (`replay.once`; a month's label,
    the grid, kept and placed again by the charts that share them: `run_chart`)."""
    node._shared = True  # a private attribute: not state, not a property
    return node


class ChartDrawing(Drawing):  # type: ignore[misc] (ReportLab has no type hints)
    """A `Drawing` drawn into the PDF by `_Renderer` (the same output as `renderPDF.draw`)."""

    def draw(self, showBoundary: Any = _unset_) -> None:  # noqa: N803 (ReportLab's name)
        shown = showBoundary if showBoundary is not _unset_ else getattr(self, "_showBoundary", _unset_)
        _Renderer().draw(renderPDF.renderScaledDrawing(self), self.canv, 0, 0, showBoundary=shown)


def _plain(node: object) -> bool:
    """A shape this module draws: one of `_DRAW`'s kinds or a group (not a subclass such as a
    widget or a user node), without a derived value or a draw-time callback."""
    kind = type(node)
    if kind not in _DRAW and kind is not Group:
        return False
    values = node.__dict__
    return "_drawTimeCallback" not in values and not any(isinstance(v, DerivedValue) for v in values.values())


class _Renderer(renderPDF._PDFRenderer):  # type: ignore[misc] (ReportLab has no type hints)
    """`renderPDF`'s renderer, taking a short way through the plain shapes: the state a shape
    sets is the shape's public attributes that are state (`getStateDelta`), pushed on the
    combined state (`StateTracker.push`, whose `pop` result the renderer never used) and applied
    as before (`applyStateChanges`, in the same order); then the shape is drawn by the same
    method, a group's members in turn."""

    def drawNode(self, node: Any) -> None:  # noqa: N802 (ReportLab's name)
        if _plain(node):
            self._draw(node)
        else:
            super().drawNode(node)

    def _draw(self, node: Any) -> None:
        """`drawNode` for a plain shape (`_plain`); a shared one's operators written again."""
        if "_shared" not in node.__dict__:
            self._fresh(node)
            return
        # What it inherits from the renderer (whether to fill and stroke) is part of the key;
        # whether the renderer fills and strokes after it comes back with its operators.
        self._fill, self._stroke = once(
            self._canvas, node, lambda: self._flags(node), (self._fill, self._stroke)
        )

    def _flags(self, node: Any) -> tuple[int, int]:
        self._fresh(node)
        return self._fill, self._stroke

    def _fresh(self, node: Any) -> None:
        """`drawNode` for a plain shape, drawn."""
        canvas = self._canvas
        tracker: StateTracker = self._tracker
        canvas.saveState()
        delta = {key: value for key, value in node.__dict__.items() if key in STATE_DEFAULTS}
        combined = tracker._combined
        state = combined[-1].copy()
        state.update(delta)
        if "transform" in delta:
            state["ctm"] = mmult(combined[-1]["ctm"], delta["transform"])
        combined.append(state)
        tracker._deltas.append(delta)
        self.applyStateChanges(delta, {})
        kind = type(node)
        if kind is Group:
            self.drawGroup(node)
        else:
            getattr(self, _DRAW[kind])(node)
        del combined[-1], tracker._deltas[-1]
        canvas.restoreState()

    def drawGroup(self, group: Any) -> None:  # noqa: N802 (ReportLab's name)
        members = group.getContents()
        if not all(_plain(node) for node in members):
            super().drawGroup(group)  # each member given its canvas and parent, then `drawNode`
            return
        for node in members:
            self._draw(node)
