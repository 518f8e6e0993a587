"""Diagram geometry from data: shapes, connectors and fitted text, in pixels of a 1920×1080 canvas.

The layout is pure geometry: it measures text with the theme's font (through `Fonts`) but draws
nothing, so tests can check that shapes don't overlap and text stays inside its shape without
looking at pixels. `paint.py` turns a `Layout` into a PNG.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from PIL import ImageFont

from slides import inline, model

WIDTH, HEIGHT = 1920, 1080
MARGIN = 48
SCALE = 2  # the painter draws at 2× and downscales: text is measured at that size too
MIN_TEXT = 28  # px at 1920 wide: the smallest text still readable when projected
LINE_HEIGHT = 1.2
OUTLINE = 6
GAP = 28  # least space between two shapes


# --- geometry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

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


@dataclass(frozen=True)
class Shape:
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


@dataclass(frozen=True)
class Line:
    """One line of text: its top-left corner, size in px and measured width."""

    text: str
    x: float
    y: float
    size: int
    bold: bool
    width: float
    color: str

    @property
    def box(self) -> Rect:
        return Rect(self.x, self.y, self.width, self.size * LINE_HEIGHT)


@dataclass(frozen=True)
class TextBlock:
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


@dataclass(frozen=True)
class Arrow:
    """A connector: a polyline, with an arrow head at its last point when `head`."""

    points: tuple[tuple[float, float], ...]
    color: str
    width: float = 8
    head: bool = True


@dataclass
class Layout:
    """Everything the painter draws, in order: shapes, then arrows, then text."""

    kind: str
    width: int
    height: int
    background: str
    shapes: list[Shape] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    texts: list[TextBlock] = field(default_factory=list)

    def add(self, shape: Shape) -> int:
        self.shapes.append(shape)
        return len(self.shapes) - 1


# --- colours -------------------------------------------------------------------------------


def _rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def mix(base: str, over: str, amount: float) -> str:
    """`over` laid on `base` with opacity `amount`, as #RRGGBB."""
    b, o = _rgb(base), _rgb(over)
    return "#" + "".join(f"{round(b[i] + (o[i] - b[i]) * amount):02X}" for i in range(3))


def luminance(color: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = map(channel, _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True)
class Style:
    """Theme colours and font files a diagram is drawn with."""

    background: str
    text: str
    heading: str
    accent: str
    accent_text: str
    muted: str
    surface: str
    palette: tuple[str, ...]
    regular: Path | None
    bold: Path | None

    @classmethod
    def of(cls, theme) -> Style:
        c = theme.colors
        return cls(
            background=c.get("background", "#FFFFFF"),
            text=c["text"],
            heading=c.get("heading", c["text"]),
            accent=c["accent"],
            accent_text=c.get("accent_text", "#FFFFFF"),
            muted=c.get("muted", c["text"]),
            surface=c.get("surface", c.get("background", "#FFFFFF")),
            palette=tuple(theme.palette) or (c["accent"],),
            regular=theme.sans.file(),
            bold=theme.sans.file(bold=True),
        )

    def colour(self, i: int) -> str:
        return self.palette[i % len(self.palette)]

    def tint(self, i: int, amount: float = 0.22) -> str:
        """A light fill of palette colour i, so that body text stays readable on it."""
        return mix(self.background, self.colour(i), amount)

    def text_on(self, fill: str) -> str:
        """The theme's text colour that reads best on a fill."""
        return max((self.text, self.accent_text, self.heading), key=lambda c: contrast(c, fill))


# --- text ----------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _font(path: Path | None, size: int) -> ImageFont.FreeTypeFont:
    if path is None:  # no theme font: Pillow's bundled scalable font still measures and draws
        return ImageFont.load_default(size=size)  # type: ignore[return-value]
    return ImageFont.truetype(str(path), size)


class Fonts:
    """The theme's regular and bold faces, measured at the painter's drawing scale."""

    def __init__(self, regular: Path | None, bold: Path | None) -> None:
        self.regular, self.bold = regular, bold or regular

    def font(self, size: int, bold: bool, scale: int = SCALE) -> ImageFont.FreeTypeFont:
        return _font(self.bold if bold else self.regular, size * scale)

    def width(self, text: str, size: int, bold: bool) -> float:
        return self.font(size, bold).getlength(text) / SCALE


@dataclass(frozen=True)
class Para:
    """A paragraph to fit: relative size, weight, alignment and an optional bullet."""

    text: str
    scale: float = 1.0
    bold: bool = False
    align: Literal["left", "center"] = "center"
    bullet: bool = False


def labelled(item: str | model.Labelled, *, items_left: bool = False) -> list[Para]:
    """A diagram part as paragraphs: its label in bold, then its detail lines."""
    part = model.as_labelled(item)
    paras = [Para(inline.plain(part.label), 1.0, True)]
    align: Literal["left", "center"] = "left" if items_left else "center"
    paras += [Para(inline.plain(text), 0.78, False, align, items_left) for text in part.items]
    return paras


def _wrap(text: str, width: float, size: int, bold: bool, fonts: Fonts) -> list[str]:
    """Greedy word wrap; a word wider than the line is broken between characters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if fonts.width(trial, size, bold) <= width:
            current = trial
            continue
        if current:
            lines.append(current)
        current = ""
        while fonts.width(word, size, bold) > width:
            cut = len(word) - 1
            while cut > 1 and fonts.width(word[:cut] + "-", size, bold) > width:
                cut -= 1
            lines.append(word[:cut] + "-")
            word = word[cut:]
        current = word
    if current or not lines:
        lines.append(current)
    return lines


BULLET = "•  "


def _set_lines(
    paras: list[Para], width: float, size: int, fonts: Fonts
) -> list[tuple[Para, int, list[str], float]]:
    """Each paragraph wrapped at `size`: (para, its size, lines, indent of bullet lines)."""
    out = []
    for para in paras:
        psize = max(MIN_TEXT, round(size * para.scale))
        indent = fonts.width(BULLET, psize, para.bold) if para.bullet else 0.0
        out.append((para, psize, _wrap(para.text, width - indent, psize, para.bold, fonts), indent))
    return out


def _height(set_lines: list[tuple[Para, int, list[str], float]]) -> float:
    gaps = sum(
        cur[1] * (0.6 if prev[0].bold and not cur[0].bold else 0.35)  # more air after a label
        for prev, cur in itertools.pairwise(set_lines)
    )
    return sum(len(lines) * psize * LINE_HEIGHT for _, psize, lines, _ in set_lines) + gaps


def fit_text(
    paras: list[Para],
    area: Rect,
    fonts: Fonts,
    color: str,
    *,
    max_size: int,
    shape: int | None = None,
    valign: Literal["top", "middle"] = "middle",
) -> TextBlock:
    """Wrap and shrink paragraphs until they fit `area`; cut with '…' if even MIN_TEXT can't."""
    size = max(max_size, MIN_TEXT)
    while True:
        placed = _set_lines(paras, area.w, size, fonts)
        if _height(placed) <= area.h or size <= MIN_TEXT:
            break
        size -= 2
    truncated = False
    while _height(placed) > area.h and placed:
        truncated = True  # the full text stays in the alt text; the drawing shows what fits
        para, psize, lines, indent = placed[-1]
        if len(lines) > 1 or len(placed) == 1:
            lines = lines[:-1]
            if not lines:
                placed.pop()
                break
            last = lines[-1]
            while last and fonts.width(last + "…", psize, para.bold) > area.w - indent:
                last = last[:-1]
            placed[-1] = (para, psize, [*lines[:-1], last.rstrip() + "…"], indent)
        else:
            placed.pop()
    return _place(placed, area, fonts, color, shape, valign, truncated, paras)


def _place(
    placed, area: Rect, fonts: Fonts, color: str, shape, valign, truncated, paras
) -> TextBlock:
    height = _height(placed)
    y = area.y + (area.h - height) / 2 if valign == "middle" else area.y
    y = max(y, area.y)
    lines: list[Line] = []
    # Left-aligned (bullet) paragraphs share one left edge, centred as a block.
    left_width = max(
        (
            indent + fonts.width(text, psize, para.bold)
            for para, psize, texts, indent in placed
            if para.align == "left"
            for text in texts
        ),
        default=0.0,
    )
    left_x = area.x + (area.w - left_width) / 2
    for n, (para, psize, texts, indent) in enumerate(placed):
        if n:
            y += psize * (0.6 if placed[n - 1][0].bold and not para.bold else 0.35)
        for i, text in enumerate(texts):
            width = fonts.width(text, psize, para.bold)
            if para.align == "left":
                x = left_x + indent
                if para.bullet and i == 0:
                    lines.append(
                        Line(BULLET.strip(), left_x, y, psize, para.bold, indent * 0.6, color)
                    )
            else:
                x = area.x + (area.w - width) / 2
            lines.append(Line(text, x, y, psize, para.bold, width, color))
            y += psize * LINE_HEIGHT
    return TextBlock(area, tuple(lines), shape, truncated, tuple(paras), valign)


def size_of(block: TextBlock) -> int:
    """The size of the block's first (largest) paragraph."""
    return max((line.size for line in block.lines), default=MIN_TEXT)


def text_height(paras: list[Para], width: float, size: int, fonts: Fonts) -> float:
    return _height(_set_lines(paras, width, size, fonts))


# --- the kinds -----------------------------------------------------------------------------


def layout(node: model.DiagramBase, style: Style) -> Layout:
    """The geometry of a diagram node, on a WIDTH×HEIGHT canvas."""
    fonts = Fonts(style.regular, style.bold)
    out = Layout(node.kind, WIDTH, HEIGHT, style.background)  # type: ignore[attr-defined]
    area = Rect(MARGIN, MARGIN, WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN)
    if node.title:
        band = Rect(MARGIN, MARGIN - 12, WIDTH - 2 * MARGIN, 112)
        out.texts.append(
            fit_text(
                [Para(inline.plain(node.title), 1.0, True)], band, fonts, style.heading, max_size=64
            )
        )
        area = Rect(area.x, band.bottom + 24, area.w, area.bottom - band.bottom - 24)
    KINDS[node.kind](node, style, fonts, area, out)  # type: ignore[attr-defined]
    return out


def _nested(node: model.NestedDiagram, style: Style, fonts: Fonts, area: Rect, out: Layout):
    sets = node.sets
    n = len(sets)
    band = area.h * (0.82 / n if n > 1 else 0)  # the label band at the top of each outer ring
    floor = band * 0.12  # each ring sits a little above the bottom of the one around it
    shrink = area.w * 0.5 / (n - 1) if n > 1 else 0
    shapes = []
    for i in range(n):
        top, bottom = area.y + i * band, area.bottom - i * floor
        width = area.w - i * shrink
        box = Rect(area.cx - width / 2, top, width, bottom - top)
        fill = mix(style.background, style.colour(i), min(0.45, 0.16 + 0.08 * i))
        shape = Shape("ellipse", box, fill, style.colour(i), f"set {i + 1}")
        shapes.append(out.add(shape))
    blocks = []
    for i, item in enumerate(sets):
        shape = out.shapes[shapes[i]]
        fill = shape.fill
        paras = labelled(item)
        if i == n - 1:  # the innermost set: the largest rectangle inside the ellipse
            b = shape.box
            inner = Rect(
                b.cx - b.w / 2**0.5 / 2, b.cy - b.h / 2**0.5 / 2, b.w / 2**0.5, b.h / 2**0.5
            )
            blocks.append(
                fit_text(
                    paras, inner.inset(10), fonts, style.text_on(fill), max_size=64, shape=shapes[i]
                )
            )
        else:
            next_top = out.shapes[shapes[i + 1]].box.y
            blocks.append(
                _fit_in_cap(paras, shape, shape.box.y + 10, next_top - 10, fonts, style, shapes[i])
            )
    out.texts += _same_size(blocks, fonts)


def _fit_in_cap(paras, shape: Shape, y0: float, y1: float, fonts: Fonts, style: Style, index: int):
    """Fit text in the cap of an ellipse between y0 and y1 (above the inner ring)."""
    b = shape.box

    def chord(y: float) -> tuple[float, float]:
        t = max(0.0, 1 - ((y - b.cy) / (b.h / 2)) ** 2)
        half = b.w / 2 * math.sqrt(t) - 16
        return b.cx - half, b.cx + half

    color = style.text_on(shape.fill)
    size = 64
    block = None
    while size >= MIN_TEXT:
        height = size * LINE_HEIGHT
        for _ in range(4):  # the block's height decides where it sits, which decides its width
            top = y1 - height - (y1 - y0 - height) * 0.35
            x0, x1 = chord(max(top, y0))
            h = text_height(paras, x1 - x0, size, fonts)
            if h <= height:
                break
            height = h
        top = y1 - height - max(0.0, (y1 - y0 - height) * 0.35)
        if top >= y0 and height <= y1 - y0:
            x0, x1 = chord(top)
            block = fit_text(
                paras,
                Rect(x0, top, x1 - x0, height + 0.5),
                fonts,
                color,
                max_size=size,
                shape=index,
            )
            if not block.truncated:
                return block
        size -= 2
    x0, x1 = chord(y0)
    return fit_text(
        paras, Rect(x0, y0, x1 - x0, y1 - y0), fonts, color, max_size=MIN_TEXT, shape=index
    )


def _same_size(blocks: list[TextBlock], fonts: Fonts) -> list[TextBlock]:
    """Refit sibling blocks at the smallest size any of them needed, so they look alike."""
    if len(blocks) < 2:
        return blocks
    size = min(size_of(b) for b in blocks)
    return [
        fit_text(
            list(b.paras),
            b.area,
            fonts,
            b.lines[0].color if b.lines else "#000000",
            max_size=size,
            shape=b.shape,
            valign=b.valign,
        )
        for b in blocks
    ]


def _hub(node: model.HubDiagram, style: Style, fonts: Fonts, area: Rect, out: Layout):
    n = len(node.spokes)
    angles = [-math.pi / 2 + 2 * math.pi * k / n for k in range(n)]
    for scale in [1 - 0.04 * i for i in range(16)]:
        bw, bh = 500 * scale, 190 * scale
        cw, ch = 520 * scale, 290 * scale
        rx, ry = (area.w - bw) / 2, (area.h - bh) / 2
        boxes = [
            Rect(area.cx + rx * math.cos(a) - bw / 2, area.cy + ry * math.sin(a) - bh / 2, bw, bh)
            for a in angles
        ]
        centre = Rect(area.cx - cw / 2, area.cy - ch / 2, cw, ch)
        clear = all(not a.overlaps(b, GAP) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
        if clear and not any(b.overlaps(centre, GAP) for b in boxes):
            break
    hub = out.add(Shape("ellipse", centre, style.accent, None, "centre"))
    spokes = []
    for i, box in enumerate(boxes):
        spokes.append(
            out.add(
                Shape(
                    "round",
                    box,
                    style.tint(i),
                    style.colour(i),
                    f"spoke {i + 1}",
                    radius=min(28, box.h / 4),
                )
            )
        )
        start = _ellipse_edge(centre, box.cx, box.cy, 6)
        end = _rect_edge(box, centre.cx, centre.cy, 6)
        out.arrows.append(Arrow((start, end), style.colour(i), 7, head=False))
    c = out.shapes[hub].box
    inner = Rect(c.cx - c.w / 2**0.5 / 2, c.cy - c.h / 2**0.5 / 2, c.w / 2**0.5, c.h / 2**0.5)
    out.texts.append(
        fit_text(
            [Para(inline.plain(node.centre), 1.0, True)],
            inner.inset(6),
            fonts,
            style.text_on(style.accent),
            max_size=60,
            shape=hub,
        )
    )
    blocks = [
        fit_text(
            labelled(item),
            _pad(out.shapes[s]),
            fonts,
            style.text_on(out.shapes[s].fill),
            max_size=52,
            shape=s,
        )
        for item, s in zip(node.spokes, spokes, strict=True)
    ]
    out.texts += _same_size(blocks, fonts)


def _pad(shape: Shape) -> Rect:
    """The text area of a rounded box: inside its corners with some air."""
    return shape.box.inset(max(18, shape.radius * 0.6 + 8), 14)


def _ellipse_edge(e: Rect, tx: float, ty: float, gap: float) -> tuple[float, float]:
    """Where the line from an ellipse's centre towards (tx, ty) leaves it, plus `gap`."""
    dx, dy = tx - e.cx, ty - e.cy
    a, b = e.w / 2, e.h / 2
    t = 1 / math.sqrt((dx / a) ** 2 + (dy / b) ** 2)
    length = math.hypot(dx, dy)
    return e.cx + dx * t + dx / length * gap, e.cy + dy * t + dy / length * gap


def _rect_edge(r: Rect, tx: float, ty: float, gap: float) -> tuple[float, float]:
    """Where the line from a rectangle's centre towards (tx, ty) leaves it, plus `gap`."""
    dx, dy = tx - r.cx, ty - r.cy
    t = min(
        (r.w / 2) / abs(dx) if dx else math.inf,
        (r.h / 2) / abs(dy) if dy else math.inf,
    )
    length = math.hypot(dx, dy)
    return r.cx + dx * t + dx / length * gap, r.cy + dy * t + dy / length * gap


def _sides(node: model.SidesDiagram, style: Style, fonts: Fonts, area: Rect, out: Layout):
    side_w, centre_w = area.w * 0.32, area.w * 0.24
    gap = (area.w - 2 * side_w - centre_w) / 2
    parts = [
        (node.left, Rect(area.x, 0, side_w, 0), style.tint(0), style.colour(0), "left"),
        (node.centre, Rect(area.x + side_w + gap, 0, centre_w, 0), style.accent, None, "centre"),
        (
            node.right,
            Rect(area.right - side_w, 0, side_w, 0),
            style.tint(1),
            style.colour(1),
            "right",
        ),
    ]
    heights = []
    for item, column, _, _, _ in parts:
        paras = labelled(item, items_left=True)
        need = text_height(paras, column.w - 56, 56, fonts) + 80
        heights.append(min(area.h, max(area.h * 0.5, need)))
    side_h = max(heights[0], heights[2])
    indices = []
    for (_item, column, fill, outline, role), h in zip(
        parts, (side_h, heights[1], side_h), strict=True
    ):
        box = Rect(column.x, area.cy - h / 2, column.w, h)
        indices.append(out.add(Shape("round", box, fill, outline, role, radius=32)))
    centre, left, right = (out.shapes[i].box for i in (indices[1], indices[0], indices[2]))
    y = area.cy
    out.arrows.append(Arrow(((centre.x - 10, y), (left.right + 10, y)), style.muted, 10))
    out.arrows.append(Arrow(((centre.right + 10, y), (right.x - 10, y)), style.muted, 10))
    blocks = []
    for (item, _, fill, _, _), index in zip(parts, indices, strict=True):
        shape = out.shapes[index]
        blocks.append(
            fit_text(
                labelled(item, items_left=True),
                _pad(shape),
                fonts,
                style.text_on(fill),
                max_size=56,
                shape=index,
            )
        )
    out.texts += [blocks[1], *_same_size([blocks[0], blocks[2]], fonts)]


def _flow(node: model.FlowDiagram, style: Style, fonts: Fonts, area: Rect, out: Layout):
    n = len(node.steps)
    rows = math.ceil(n / 5)
    per_row = math.ceil(n / rows)
    hgap, vgap = 96, 96
    box_w = (area.w - (per_row - 1) * hgap) / per_row
    row_h = (area.h - (rows - 1) * vgap) / rows
    paras = [labelled(step, items_left=True) for step in node.steps]
    need = max(text_height(p, box_w - 44, 52, fonts) for p in paras) + 60
    box_h = min(row_h, max(need, min(row_h, area.h * 0.36)))
    indices = []
    for k in range(n):
        row, col = divmod(k, per_row)
        in_row = min(per_row, n - row * per_row)
        # A shorter last row is centred under the others.
        offset = (per_row - in_row) * (box_w + hgap) / 2
        x = area.x + offset + col * (box_w + hgap)
        y = area.y + row * (row_h + vgap) + (row_h - box_h) / 2
        box = Rect(x, y, box_w, box_h)
        indices.append(
            out.add(
                Shape(
                    "round",
                    box,
                    style.tint(k),
                    style.colour(k),
                    f"step {k + 1}",
                    radius=min(28, box_h / 4),
                )
            )
        )
    for k in range(n - 1):
        a, b = out.shapes[indices[k]].box, out.shapes[indices[k + 1]].box
        if abs(a.cy - b.cy) < 1:
            out.arrows.append(Arrow(((a.right + 10, a.cy), (b.x - 10, b.cy)), style.muted))
        else:  # to the next row: down, back to the left, down again, through the gap between rows
            mid = (a.bottom + b.y) / 2
            points = ((a.cx, a.bottom + 10), (a.cx, mid), (b.cx, mid), (b.cx, b.y - 10))
            out.arrows.append(Arrow(points, style.muted))
    blocks = [
        fit_text(
            p, _pad(out.shapes[i]), fonts, style.text_on(out.shapes[i].fill), max_size=52, shape=i
        )
        for p, i in zip(paras, indices, strict=True)
    ]
    out.texts += _same_size(blocks, fonts)


def _compare(node: model.CompareDiagram, style: Style, fonts: Fonts, area: Rect, out: Layout):
    k = len(node.columns)
    gap = 56
    col_w = (area.w - (k - 1) * gap) / k
    heads = [[Para(inline.plain(c.label), 1.0, True)] for c in node.columns]
    bodies = [
        [Para(inline.plain(t), 1.0, False, "left", True) for t in c.items] for c in node.columns
    ]
    head_h = max(120.0, max(text_height(h, col_w - 48, 56, fonts) for h in heads) + 40)
    head_h = min(head_h, area.h * 0.3)
    need = max((text_height(b, col_w - 64, 52, fonts) for b in bodies if b), default=0) + 72
    body_h = min(area.h - head_h - 20, max(need, area.h * 0.3))
    # The columns sit in the middle of the area, not at its top.
    top = area.y + (area.h - head_h - 20 - body_h) / 2
    body_top = top + head_h + 20
    head_blocks, body_blocks = [], []
    for i in range(k):
        x = area.x + i * (col_w + gap)
        head = out.add(
            Shape(
                "round",
                Rect(x, top, col_w, head_h),
                style.colour(i),
                None,
                f"column {i + 1} heading",
                radius=24,
            )
        )
        head_blocks.append(
            fit_text(
                heads[i],
                _pad(out.shapes[head]),
                fonts,
                style.text_on(style.colour(i)),
                max_size=56,
                shape=head,
            )
        )
        if bodies[i]:
            body = out.add(
                Shape(
                    "round",
                    Rect(x, body_top, col_w, body_h),
                    style.tint(i, 0.12),
                    style.colour(i),
                    f"column {i + 1}",
                    radius=24,
                )
            )
            body_blocks.append(
                fit_text(
                    bodies[i],
                    _pad(out.shapes[body]).inset(8, 10),
                    fonts,
                    style.text,
                    max_size=52,
                    shape=body,
                )
            )
    out.texts += _same_size(head_blocks, fonts) + _same_size(body_blocks, fonts)


KINDS: dict[str, Callable[..., None]] = {
    "nested": _nested,
    "hub": _hub,
    "sides": _sides,
    "flow": _flow,
    "compare": _compare,
}
