"""What a diagram's layout is made of, in layout units: rectangles, shapes, lines of text,
arrows, and the `Layout` holding them; the sizes every diagram kind shares."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

import msgspec
from msgspec.structs import replace

from slides.place import geometry

if TYPE_CHECKING:
    from slides.diagrams.text_fit import Para

WIDTH = 1920  # the least width of a diagram PNG, in pixels
BODY = (geometry.BODY_BOX[2], geometry.BODY_BOX[3])  # the room of a whole-slide diagram, in points
UNIT_PT = BODY[0] / WIDTH  # one layout unit in points on the slide: the body box is 1920 units
MARGIN = 48
SCALE = 2  # the painter draws at 2× and downscales: text is measured at that size too
MIN_TEXT = 36  # units: 16 pt on the slide, the smallest text still readable when projected
LINE_HEIGHT = 1.2
OUTLINE = 6
GAP = 28  # least space between two shapes
NARROW = 1200  # units: a drawing area narrower than this (a column) stacks the sides
WIDEST, TALLEST = 3.0, 4 / 3  # the canvas's aspect ratio (width / height) stays between these
HEAD = 34  # arrow heads' length and width, in units


class Rect(geometry.Box, frozen=True):
    """A rectangle in layout units, with what the diagram layouts ask of one."""

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def inset(self, dx: float, dy: float | None = None) -> Rect:
        dy = dx if dy is None else dy
        return Rect(self.x + dx, self.y + dy, self.w - 2 * dx, self.h - 2 * dy)

    def contains(self, other: Rect, tolerance: float = 0.01) -> bool:
        return (
            other.x >= self.x - tolerance
            and other.y >= self.y - tolerance
            and other.right <= self.right + tolerance
            and other.bottom <= self.bottom + tolerance
        )

    def overlaps(self, other: Rect, gap: float = 0.0) -> bool:
        """True when the two rectangles come closer than `gap`."""
        return not (
            self.right + gap <= other.x
            or other.right + gap <= self.x
            or self.bottom + gap <= other.y
            or other.bottom + gap <= self.y
        )


ShapeKind = Literal["rect", "round", "ellipse"]


class Shape(msgspec.Struct, frozen=True):
    """A filled shape with an outline; `role` names it in messages and tests ('set 1')."""

    kind: ShapeKind
    box: Rect
    fill: str
    outline: str | None
    role: str
    radius: float = 0.0  # corner radius of 'round' shapes

    def contains_point(self, x: float, y: float, tolerance: float = 0.01) -> bool:
        b = self.box
        if self.kind == "ellipse":
            a, c = b.w / 2, b.h / 2
            return ((x - b.cx) / a) ** 2 + ((y - b.cy) / c) ** 2 <= 1 + tolerance / min(a, c)
        if not (b.x - tolerance <= x <= b.right + tolerance):
            return False
        if not (b.y - tolerance <= y <= b.bottom + tolerance):
            return False
        if self.kind == "round" and self.radius:
            r = self.radius
            nx = min(max(x, b.x + r), b.right - r)  # the nearest point of the inner rectangle
            ny = min(max(y, b.y + r), b.bottom - r)
            return math.hypot(x - nx, y - ny) <= r + tolerance
        return True

    def contains_rect(self, rect: Rect) -> bool:
        corners = [(rect.x, rect.y), (rect.right, rect.y), (rect.x, rect.bottom)]
        corners.append((rect.right, rect.bottom))
        return all(self.contains_point(x, y) for x, y in corners)

    def outline_points(self, n: int = 180) -> list[tuple[float, float]]:
        """Points along the shape's edge (for containment tests of nested shapes)."""
        b = self.box
        if self.kind == "ellipse":
            return [
                (b.cx + b.w / 2 * math.cos(t), b.cy + b.h / 2 * math.sin(t))
                for t in (2 * math.pi * i / n for i in range(n))
            ]
        return [(b.x, b.y), (b.right, b.y), (b.x, b.bottom), (b.right, b.bottom)]


class Line(msgspec.Struct, frozen=True):
    """One line of text: its top-left corner, size in px and measured width."""

    text: str
    x: float
    y: float
    size: int
    bold: bool
    width: float
    color: str
    centred: bool = False  # drawn about the middle of `width` (a viewer's font may be narrower)
    para: int = 0  # which of the block's paragraphs the line belongs to

    @property
    def box(self) -> Rect:
        return Rect(self.x, self.y, self.width, self.size * LINE_HEIGHT)


class TextBlock(msgspec.Struct, frozen=True):
    """Fitted lines inside `area`; `shape` is the index of the shape holding them (or None)."""

    area: Rect
    lines: tuple[Line, ...]
    shape: int | None
    truncated: bool = False
    paras: tuple[Para, ...] = ()  # what was fitted, so sibling blocks can be refitted alike
    valign: Literal["top", "middle"] = "middle"

    @property
    def box(self) -> Rect:
        """The bounding box of the lines."""
        boxes = [line.box for line in self.lines]
        x, y = min(b.x for b in boxes), min(b.y for b in boxes)
        return Rect(x, y, max(b.right for b in boxes) - x, max(b.bottom for b in boxes) - y)


class Arrow(msgspec.Struct, frozen=True):
    """A connector: a polyline, with an arrow head at its last point when `head`."""

    points: tuple[tuple[float, float], ...]
    color: str
    width: float = 8
    head: bool = True


class Layout(msgspec.Struct):
    """Everything the painter draws, in order: shapes, then arrows, then text.

    Geometry is in layout units; the painter draws `zoom` pixels per unit (see `pixels`).
    """

    kind: str
    width: float
    height: float
    background: str
    zoom: float = 1.0
    shapes: list[Shape] = msgspec.field(default_factory=list)
    arrows: list[Arrow] = msgspec.field(default_factory=list)
    texts: list[TextBlock] = msgspec.field(default_factory=list)

    def add(self, shape: Shape) -> int:
        self.shapes.append(shape)
        return len(self.shapes) - 1

    @property
    def pixels(self) -> tuple[int, int]:
        """The size of the painted PNG."""
        return round(self.width * self.zoom), round(self.height * self.zoom)

    def bounds(self) -> Rect:
        """The box around everything drawn: shapes with their outlines, arrows, text."""
        boxes = [s.box.inset(-OUTLINE / 2) for s in self.shapes]
        for arrow in self.arrows:
            xs, ys = [x for x, _ in arrow.points], [y for _, y in arrow.points]
            pad = max(arrow.width / 2, HEAD / 2 if arrow.head else 0)
            boxes.append(Rect(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)).inset(-pad))
        boxes += [line.box for block in self.texts for line in block.lines]
        x, y = min(b.x for b in boxes), min(b.y for b in boxes)
        return Rect(x, y, max(b.right for b in boxes) - x, max(b.bottom for b in boxes) - y)

    def moved(self, dx: float, dy: float) -> None:
        """Shift everything drawn by (dx, dy)."""
        self.shapes = [replace(s, box=_shift(s.box, dx, dy)) for s in self.shapes]
        self.arrows = [
            replace(a, points=tuple((x + dx, y + dy) for x, y in a.points)) for a in self.arrows
        ]
        self.texts = [
            replace(
                b,
                area=_shift(b.area, dx, dy),
                lines=tuple(replace(ln, x=ln.x + dx, y=ln.y + dy) for ln in b.lines),
            )
            for b in self.texts
        ]


def _shift(r: Rect, dx: float, dy: float) -> Rect:
    return Rect(r.x + dx, r.y + dy, r.w, r.h)


def text_area(shape: Shape) -> Rect:
    """The text area of a rounded box: inside its corners with some air."""
    return shape.box.inset(max(18, shape.radius * 0.6 + 8), 14)


class NoRoom(Exception):
    """A kind cannot place its shapes apart on this canvas, even with its smallest text."""
