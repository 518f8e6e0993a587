"""A diagram's layout as the vector pieces the HTML deck (SVG) and the handout (Typst) draw.

The pieces are the painter's (paint.py), in layout units and in its order: filled shapes with
their outlines, connector lines with their arrow heads, then every text line on its baseline.
Each output scales the whole drawing into the picture's box, so it looks as the picture does,
but its labels stay text: selectable, searchable, read by screen readers, sharp when zoomed.
"""

from __future__ import annotations

import math

import msgspec

from slides.diagrams.shapes import HEAD, LINE_HEIGHT, OUTLINE, SCALE, Layout
from slides.diagrams.style import Style
from slides.diagrams.text_fit import Fonts


class Outline(msgspec.Struct, frozen=True):
    """A filled shape; its outline's stroke runs inside the box, as Pillow draws it."""

    kind: str  # rect, round, ellipse
    x: float
    y: float
    w: float
    h: float
    radius: float
    fill: str
    stroke: str | None
    stroke_width: float


class Stroke(msgspec.Struct, frozen=True):
    """A connector line, and the triangle of its arrow head (or no head)."""

    points: tuple[tuple[float, float], ...]
    color: str
    width: float
    head: tuple[tuple[float, float], ...] = ()


class Label(msgspec.Struct, frozen=True):
    """One line of text: `x` is its left edge, or its centre when `middle`; `y` its baseline."""

    text: str
    x: float
    y: float
    size: float
    bold: bool
    color: str
    middle: bool


class Vector(msgspec.Struct, frozen=True):
    """Everything a native output draws for one diagram, in layout units."""

    width: float
    height: float
    background: str
    shapes: tuple[Outline, ...]
    strokes: tuple[Stroke, ...]
    labels: tuple[Label, ...]

    @property
    def text(self) -> str:
        """The diagram's text in reading order, one line per label."""
        return "\n".join(label.text for label in self.labels)


def vector(geometry: Layout, style: Style) -> Vector:
    """The layout's pieces, placed as the painter places them."""
    fonts = Fonts.of(style, geometry.zoom)
    shapes = tuple(_outline(shape) for shape in geometry.shapes)
    strokes = tuple(_stroke(arrow) for arrow in geometry.arrows)
    labels = []
    for block in geometry.texts:
        for line in block.lines:
            # The painter centres the font's ascent + descent in the line's box; the baseline
            # lies the ascent below that (metrics in supersampled pixels, as it draws them).
            ascent, descent = fonts.metrics(line.size, line.bold)
            px = geometry.zoom * SCALE
            top = line.y + (line.size * LINE_HEIGHT - (ascent + descent) / px) / 2
            # A line the layout centred stays centred in a font of other widths.
            middle = abs(line.x + line.width / 2 - block.area.cx) < 0.5
            x = line.x + line.width / 2 if middle else line.x
            labels.append(
                Label(line.text, x, top + ascent / px, line.size, line.bold, line.color, middle)
            )
    return Vector(
        geometry.width, geometry.height, geometry.background, shapes, strokes, tuple(labels)
    )


def _outline(shape) -> Outline:
    b = shape.box
    if not shape.outline:
        return Outline(shape.kind, b.x, b.y, b.w, b.h, shape.radius, shape.fill, None, 0.0)
    half = OUTLINE / 2  # a vector stroke is centred on its path: move the path inwards
    return Outline(
        shape.kind, b.x + half, b.y + half, b.w - OUTLINE, b.h - OUTLINE,
        max(0.0, shape.radius - half), shape.fill, shape.outline, OUTLINE,
    )  # fmt: skip


def _stroke(arrow) -> Stroke:
    points = tuple(arrow.points)
    if not arrow.head:
        return Stroke(points, arrow.color, arrow.width)
    # The line stops where the head begins, so its square end does not poke out of the tip.
    (x0, y0), (x1, y1) = points[-2], points[-1]
    length = math.hypot(x1 - x0, y1 - y0) or 1
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    bx, by = x1 - ux * HEAD, y1 - uy * HEAD
    half = HEAD / 2
    head = ((x1, y1), (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half))
    return Stroke((*points[:-1], (bx, by)), arrow.color, arrow.width, head)
