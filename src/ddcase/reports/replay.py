"""Something drawn again in the same PDF, its operators written again (issue 18): a chart's grid
and month labels, the same on each of the 20 teams' charts, and a long table's header row, the
same on each of its pages, are drawn once a document and copied after that.

`once` is safe for what draws the same operators wherever it is drawn from the same state: it
saves and restores the graphics state around itself (so what follows is drawn as before), and
sets what it uses (colours, widths, font) or takes it from the canvas's state, which is part of
the key. The position is not: a drawing is placed by the transformation before it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

Result = TypeVar("Result")

#: Operators that name a resource of the page (a transparency state, a form or image, a
#: shading): what makes one is always drawn afresh, so that each page lists what it uses.
_PAGE_RESOURCES = (" gs", " Do", " sh")

#: The canvas's state that a drawing may take as it is (ReportLab's `Canvas.STATE_ATTRIBUTES`
#: but the position: the transformation and the text's place).
_STATE = (
    "_fontname _fontsize _textMode _leading _fillMode _charSpace _wordSpace _horizScale _textRenderMode _rise "
    "_lineCap _lineJoin _lineWidth _mitreLimit _fillColorObj _strokeColorObj"
).split()

#: For each canvas (one a document): the operators once drawn, keyed by what was drawn, the
#: canvas's state and the caller's own key; with what was drawn (kept alive, so that its id is
#: not taken by another) and what the drawing returned.
_DRAWN: WeakKeyDictionary[Any, dict[tuple[Any, ...], tuple[object, list[str], Any]]] = WeakKeyDictionary()


def once(canvas: Any, drawn: object, draw: Callable[[], Result], key: Hashable = None) -> Result:
    """`draw()`, which draws `drawn` on `canvas`; or, when `drawn` was drawn on this canvas
    before from the same state (the canvas's, and the caller's `key`), the operators it made
    then, added again, and what `draw()` returned then."""
    state = tuple(getattr(canvas, name) for name in _STATE)
    found_key = (
        id(drawn),
        state,
        repr(canvas._lineDash),
        tuple(canvas._extgstate._d.items()),
        key,
    )
    drawings = _DRAWN.setdefault(canvas, {})
    found = drawings.get(found_key)
    if found is not None and found[0] is drawn:
        canvas._code.extend(found[1])
        return found[2]  # type: ignore[no-any-return]
    code = canvas._code
    start = len(code)
    result = draw()
    made = code[start:]
    if canvas._code is code and not any(op.endswith(_PAGE_RESOURCES) for op in made):
        drawings[found_key] = (drawn, made, result)
    return result
