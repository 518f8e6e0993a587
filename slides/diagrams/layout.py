"""Diagram geometry from data: shapes, connectors and fitted text, in layout units.

The layout is pure geometry: it measures text with the theme's font (through `Fonts`) but draws
nothing, so tests can check that shapes don't overlap and text stays inside its shape without
looking at pixels. `paint.py` turns a `Layout` into a PNG.

This module is the entry point (`layout`: canvas size, title band, growing the canvas when
shapes do not fit). What a layout is made of is in `shapes.py`, colours in `style.py`, text
fitting in `text_fit.py`, and each diagram kind's placement in `kinds/<kind>.py`.

Sizes are chosen for where the picture is shown. A diagram is laid out for its room on the
slide (the body box, or a column, less heading and caption) in units of UNIT_PT points: at
that scale text of MIN_TEXT units is 16 pt on the slide. The canvas is as wide as the room and
only as tall as the drawing needs (between 3:1 and 4:3), so the picture fills its room's width
instead of leaving bands; the painter draws it at `zoom` pixels per unit, at least WIDTH px wide.
"""

from __future__ import annotations

from slides import inline, model
from slides.diagrams.kinds import KINDS
from slides.diagrams.shapes import (
    BODY,
    MARGIN,
    MIN_TEXT,
    TALLEST,
    UNIT_PT,
    WIDEST,
    WIDTH,
    Layout,
    NoRoom,
    Rect,
    Shape,
)
from slides.diagrams.style import Style
from slides.diagrams.text_fit import Fonts, Para, fit_text

# The names callers of the layout use, wherever they are defined.
__all__ = [
    "BODY",
    "GROWTH",
    "MARGIN",
    "MIN_TEXT",
    "UNIT_PT",
    "WIDTH",
    "Layout",
    "Rect",
    "Shape",
    "Style",
    "cut_labels",
    "layout",
]

GROWTH = (1.0, 1.4, 2.0, 2.8)  # canvas sizes tried when the shapes do not fit: text gets smaller


def layout(node: model.DiagramBase, style: Style, room: tuple[float, float] = BODY) -> Layout:
    """The geometry of a diagram node shown in a room of `room` (width, height) points.

    The canvas is the room's width (in units) and as tall as the drawing needs; the drawing is
    centred on it. Only when the shapes cannot be placed apart (a dozen spokes in a column) is
    the canvas made larger, and the text shown smaller than 16 pt.
    """
    for grow in GROWTH:
        try:
            return _layout(node, style, (room[0] * grow, room[1] * grow))
        except NoRoom:
            continue
    raise AssertionError("every diagram fits a canvas GROWTH[-1] times its room")


def _layout(node: model.DiagramBase, style: Style, room: tuple[float, float]) -> Layout:
    width = round(room[0] / UNIT_PT)
    # Taller than 4:3 would be a narrow picture; the room caps it unless it is that narrow.
    tallest = max(width / WIDEST, min(room[1] / UNIT_PT, width / TALLEST))
    zoom = max(1.0, WIDTH / width)
    fonts = Fonts.of(style, zoom)
    out = Layout(node.kind, width, tallest, style.background, zoom=zoom)  # type: ignore[attr-defined]
    area = Rect(MARGIN, MARGIN, width - 2 * MARGIN, tallest - 2 * MARGIN)
    if node.title:
        band = Rect(MARGIN, MARGIN - 12, width - 2 * MARGIN, 112)
        out.texts.append(
            fit_text(
                [Para(inline.plain(node.title), 1.0, True)], band, fonts, style.heading, max_size=64
            )
        )
        area = Rect(area.x, band.bottom + 24, area.w, area.bottom - band.bottom - 24)
    KINDS[node.kind](node, style, fonts, area, out)  # type: ignore[attr-defined]
    _fit_canvas(out, tallest)
    return out


def _fit_canvas(out: Layout, tallest: float) -> None:
    """Crop the canvas to the drawing and a margin, and centre the drawing on it."""
    drawn = out.bounds()
    height = min(tallest, max(out.width / WIDEST, drawn.h + 2 * MARGIN))
    height = max(height, drawn.h)  # never cut the drawing, whatever the aspect
    # A whole number of pixels tall, so the PNG's aspect is the layout's.
    out.height = round(height * out.zoom) / out.zoom
    out.moved((out.width - drawn.w) / 2 - drawn.x, (out.height - drawn.h) / 2 - drawn.y)


def cut_labels(out: Layout) -> list[tuple[str, str]]:
    """(its text, what is shown of it) for each part whose text the layout had to cut with '…';
    a part's text is its label and items, as a list of them is cut after the last shown."""
    return [
        (
            " ".join(para.text for para in block.paras),
            " ".join(line.text for line in block.lines if line.text != "•"),
        )
        for block in out.texts
        if block.truncated and block.paras
    ]
