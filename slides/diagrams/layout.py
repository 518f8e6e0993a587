"""Diagram geometry from data: shapes, connectors and fitted text, in layout units.

The layout is pure geometry: it measures text with the theme's font (through `Fonts`) but draws
nothing, so tests can check that shapes don't overlap and text stays inside its shape without
looking at pixels. `paint.py` turns a `Layout` into a PNG.

Sizes are chosen for where the picture is shown. A diagram is laid out for its room on the
slide (the body box, or a column, less heading and caption) in units of UNIT_PT points: at
that scale text of MIN_TEXT units is 16 pt on the slide. The canvas is as wide as the room and
only as tall as the drawing needs (between 3:1 and 4:3), so the picture fills its room's width
instead of leaving bands; the painter draws it at `zoom` pixels per unit, at least WIDTH px wide.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from PIL import ImageFont

from slides import inline, model
from slides.fonts import line_metrics, measurer
from slides.place import geometry

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


# --- geometry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rect(geometry.Box):
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
    centred: bool = False  # drawn about the middle of `width` (a viewer's font may be narrower)
    para: int = 0  # which of the block's paragraphs the line belongs to

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
    """Everything the painter draws, in order: shapes, then arrows, then text.

    Geometry is in layout units; the painter draws `zoom` pixels per unit (see `pixels`).
    """

    kind: str
    width: float
    height: float
    background: str
    zoom: float = 1.0
    shapes: list[Shape] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    texts: list[TextBlock] = field(default_factory=list)

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
        self.shapes = [dataclasses.replace(s, box=_shift(s.box, dx, dy)) for s in self.shapes]
        self.arrows = [
            dataclasses.replace(a, points=tuple((x + dx, y + dy) for x, y in a.points))
            for a in self.arrows
        ]
        self.texts = [
            dataclasses.replace(
                b,
                area=_shift(b.area, dx, dy),
                lines=tuple(dataclasses.replace(ln, x=ln.x + dx, y=ln.y + dy) for ln in b.lines),
            )
            for b in self.texts
        ]


HEAD = 34  # arrow heads' length and width, in units


def _shift(r: Rect, dx: float, dy: float) -> Rect:
    return Rect(r.x + dx, r.y + dy, r.w, r.h)


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
    theme: str | None = None  # the theme folder: text is measured as its viewers may show it

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
            theme=str(theme.folder),
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
    """The theme's regular and bold faces, measured at the size the painter draws them.

    The painter draws `zoom` pixels per unit at SCALE× supersampling, with whole-pixel font
    sizes; measuring with the very same fonts keeps the text where the layout put it. With a
    theme, a text is as wide as the widest font a viewer may show it in (slides.fonts), so a
    label fits its shape in the PPTX wherever it is opened, not only in the picture.
    """

    def __init__(
        self, regular: Path | None, bold: Path | None, zoom: float = 1.0, theme: str | None = None
    ) -> None:
        self.regular, self.bold = regular, bold or regular
        self.zoom = zoom
        self.widest = measurer(theme) if theme else None
        self._widths: dict[tuple[str, int, bool], float] = {}  # layouts try many box sizes

    @classmethod
    def of(cls, style: Style, zoom: float = 1.0) -> Fonts:
        return cls(style.regular, style.bold, zoom, style.theme)

    def font(self, size: int, bold: bool) -> ImageFont.FreeTypeFont:
        """The face at `size` units, as the painter draws it (in supersampled pixels)."""
        return _font(self.bold if bold else self.regular, round(size * self.zoom * SCALE))

    def metrics(self, size: int, bold: bool) -> tuple[float, float]:
        """Ascent and descent in supersampled pixels, as office applications set a line."""
        path = self.bold if bold else self.regular
        if path is None:
            return self.font(size, bold).getmetrics()
        ascent, descent = line_metrics(path)
        px = round(size * self.zoom * SCALE)
        return ascent * px, descent * px

    def runs(self, text: str, size: int, bold: bool) -> list[tuple[ImageFont.FreeTypeFont, str]]:
        """Runs of a line with the face that draws them: the theme's, or a fallback for the
        characters it lacks (CJK, Arabic). A bitmap-only fallback (colour emoji) is left out."""
        own = self.font(size, bold)
        if self.widest is None:
            return [(own, text)]
        runs = []
        for font, run in self.widest.runs(self.widest.theme.sans, text):
            face = own
            if font is not None and font != self.widest.theme.sans:
                try:
                    face = _font(font.file(bold), round(size * self.zoom * SCALE))
                except OSError:
                    face = own
            runs.append((face, run))
        return runs

    def width(self, text: str, size: int, bold: bool) -> float:
        key = (text, size, bold)
        found = self._widths.get(key)
        if found is None:
            found = self.font(size, bold).getlength(text) / (self.zoom * SCALE)
            if self.widest is not None:
                found = max(found, self.widest.width(text, size, bold))
            self._widths[key] = found
        return found


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


def _breaks_words(paras: list[Para], width: float, size: int, fonts: Fonts) -> bool:
    """Whether a word of the paragraphs is wider than a line of `width` at `size`."""
    for para in paras:
        psize = max(MIN_TEXT, round(size * para.scale))
        indent = fonts.width(BULLET, psize, para.bold) if para.bullet else 0.0
        if any(fonts.width(w, psize, para.bold) > width - indent for w in para.text.split()):
            return True
    return False


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
    """Wrap and shrink paragraphs until they fit `area`; cut with '…' if even MIN_TEXT can't.

    The largest size that fits without breaking a word wins; only when none does is a word
    broken (a long word in a narrow box) or, at MIN_TEXT, the text cut.
    """
    sizes = [*range(max(max_size, MIN_TEXT), MIN_TEXT, -2), MIN_TEXT]  # MIN_TEXT even from odd
    fitting = None
    for size in sizes:
        placed = _set_lines(paras, area.w, size, fonts)
        if _height(placed) <= area.h:
            if not _breaks_words(paras, area.w, size, fonts):
                break
            fitting = fitting or placed
    else:
        placed = fitting or placed
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
                    bullet = BULLET.strip()
                    lines.append(Line(bullet, left_x, y, psize, para.bold, indent * 0.6, color))
            else:
                x = area.x + (area.w - width) / 2
            centred = para.align != "left"
            lines.append(Line(text, x, y, psize, para.bold, width, color, centred, n))
            y += psize * LINE_HEIGHT
    return TextBlock(area, tuple(lines), shape, truncated, tuple(paras), valign)


def size_of(block: TextBlock) -> int:
    """The size of the block's first (largest) paragraph."""
    return max((line.size for line in block.lines), default=MIN_TEXT)


def text_height(paras: list[Para], width: float, size: int, fonts: Fonts) -> float:
    return _height(_set_lines(paras, width, size, fonts))


# --- the kinds -----------------------------------------------------------------------------


class _NoRoom(Exception):
    """A kind cannot place its shapes apart on this canvas, even with its smallest text."""


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
        except _NoRoom:
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
    centre_paras = [Para(inline.plain(node.centre), 1.0, True)]
    spoke_paras = [labelled(item) for item in node.spokes]
    if n <= 2:  # one or two spokes sit beside the centre, so the drawing is wide, not tall
        angles = [0.0] if n == 1 else [math.pi, 0.0]
    else:
        angles = [-math.pi / 2 + 2 * math.pi * k / n for k in range(n)]

    def place(
        widths: list[float], heights: list[float], cw: float, ch: float
    ) -> tuple[list[Rect], Rect] | None:
        """Spoke boxes on an ellipse around the centre, or None when any two come too close."""
        boxes = []
        for a, bw, bh in zip(angles, widths, heights, strict=True):
            rx, ry = (area.w - bw) / 2, (area.h - bh) / 2
            if n <= 2:  # a short connector, not one across the whole slide
                rx = min(rx, (cw + bw) / 2 + 200)
            x, y = area.cx + rx * math.cos(a) - bw / 2, area.cy + ry * math.sin(a) - bh / 2
            boxes.append(Rect(x, y, bw, bh))
        centre = Rect(area.cx - cw / 2, area.cy - ch / 2, cw, ch)
        if not all(area.contains(b) for b in [*boxes, centre]):
            return None
        clear = all(not a.overlaps(b, GAP) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
        if clear and not any(b.overlaps(centre, GAP) for b in boxes):
            return boxes, centre
        return None

    # The largest text that fits with whole words, then the widest boxes that hold it without
    # overlapping (a box with a longer word is wider). The boxes are alike in height when
    # they fit so, else each as tall as its own text; the centre as large as its label needs.
    found = None
    for size in range(52, MIN_TEXT - 1, -4):
        cw, ch = _ellipse_for(centre_paras, round(size * 1.15), fonts)
        least = [_least_width(p, size, fonts) for p in spoke_paras]
        for bw in range(500, 179, -20):
            widths = [max(bw, w) for w in least]
            own = [
                max(_box_height([p], [w], size, fonts), 2.6 * size)
                for p, w in zip(spoke_paras, widths, strict=True)
            ]
            if found := place(widths, [max(own)] * n, cw, ch) or place(widths, own, cw, ch):
                break
        if found:
            break
    else:  # some text does not fit whole: the largest boxes that fit, the text cut to fit them
        size = MIN_TEXT
        cw, ch = _ellipse_for(centre_paras, MIN_TEXT, fonts)
        least_h = 2.6 * MIN_TEXT
        for bw in range(500, 179, -20):
            need = max(least_h, _box_height(spoke_paras, [bw] * n, size, fonts))
            for bh in [need - 10 * i for i in range(int((need - least_h) // 10) + 1)]:
                if found := place([bw] * n, [bh] * n, cw, ch):
                    break
            if found:
                break
    if not found:  # still crowded: everything smaller
        for scale in [1 - 0.04 * i for i in range(16)]:
            bw, bh = 500 * scale, 190 * scale
            found = place([bw] * n, [bh] * n, min(cw, 520 * scale), min(ch, 290 * scale))
            if found:
                break
        if not found:
            raise _NoRoom
    boxes, centre = found
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
            centre_paras,
            inner.inset(6),
            fonts,
            style.text_on(style.accent),
            max_size=round(size * 1.15),
            shape=hub,
        )
    )
    blocks = [
        fit_text(
            paras,
            _pad(out.shapes[s]),
            fonts,
            style.text_on(out.shapes[s].fill),
            max_size=size,
            shape=s,
        )
        for paras, s in zip(spoke_paras, spokes, strict=True)
    ]
    out.texts += _same_size(blocks, fonts)


BOX_PAD_X, BOX_PAD_Y = 28 * 0.6 + 8, 14  # as _pad does for a corner radius of 28


def _least_width(paras: list[Para], size: int, fonts: Fonts) -> float:
    """The narrowest rounded box that holds each word of the paragraphs whole at `size`."""
    words = [
        fonts.width(w, max(MIN_TEXT, round(size * p.scale)), p.bold)
        for p in paras
        for w in p.text.split()
    ]
    return max(words, default=0.0) + 2 * BOX_PAD_X + 1


def _box_height(paras_of: list[list[Para]], widths: list[float], size: int, fonts: Fonts) -> float:
    """The height of rounded boxes of these widths that hold their text at `size`."""
    need = max(
        text_height(p, w - 2 * BOX_PAD_X, size, fonts)
        for p, w in zip(paras_of, widths, strict=True)
    )
    # Some air above and below the text, so a box is not filled edge to edge.
    return need + 2 * BOX_PAD_Y + 0.5 * size


def _ellipse_for(paras: list[Para], size: int, fonts: Fonts) -> tuple[float, float]:
    """The smallest ellipse (from a few widths) whose inner rectangle holds the text at size."""
    for cw in range(200, 661, 20):
        ch = cw * 0.56
        inner = Rect(0, 0, cw / 2**0.5, ch / 2**0.5).inset(6)
        fits = all(fonts.width(w, size, True) <= inner.w for p in paras for w in p.text.split())
        if fits and text_height(paras, inner.w, size, fonts) <= inner.h:
            return cw, ch
    return 660, 660 * 0.56


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
    if area.w < NARROW:
        _sides_stacked(node, style, fonts, area, out)
        return
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


def _sides_stacked(
    node: model.SidesDiagram, style: Style, fonts: Fonts, area: Rect, out: Layout
) -> None:
    """The sides of a narrow diagram (in a column): left above the centre, right below it."""
    gap = 72  # room for an arrow
    parts = [
        (node.left, area.w, style.tint(0), style.colour(0), "left"),
        (node.centre, area.w * 0.8, style.accent, None, "centre"),
        (node.right, area.w, style.tint(1), style.colour(1), "right"),
    ]
    paras = [labelled(item, items_left=True) for item, *_ in parts]
    room = area.h - 2 * gap
    if room < 3 * 2.6 * MIN_TEXT:  # not even a line of text a box: a larger canvas
        raise _NoRoom
    # Each box as tall as its text needs at the largest size where all three fit; when even
    # the smallest does not, all shrink alike and the text is cut.
    for size in range(52, MIN_TEXT - 1, -4):
        needs = [
            max(2.6 * size, text_height(p, w - 56, size, fonts) + 28 + size)
            for p, (_, w, *_) in zip(paras, parts, strict=True)
        ]
        if sum(needs) <= room:
            break
    heights = [h * min(1.0, room / sum(needs)) for h in needs]
    y = area.y + (room - sum(heights)) / 2
    indices = []
    for (_, w, fill, outline, role), h in zip(parts, heights, strict=True):
        box = Rect(area.cx - w / 2, y, w, h)
        indices.append(out.add(Shape("round", box, fill, outline, role, radius=32)))
        y += h + gap
    left, centre, right = (out.shapes[i].box for i in indices)
    x = area.cx
    out.arrows.append(Arrow(((x, centre.y - 10), (x, left.bottom + 10)), style.muted, 10))
    out.arrows.append(Arrow(((x, centre.bottom + 10), (x, right.y - 10)), style.muted, 10))
    blocks = [
        fit_text(p, _pad(out.shapes[i]), fonts, style.text_on(fill), max_size=size, shape=i)
        for p, i, (_, _, fill, _, _) in zip(paras, indices, parts, strict=True)
    ]
    out.texts += [blocks[1], *_same_size([blocks[0], blocks[2]], fonts)]


def _flow(node: model.FlowDiagram, style: Style, fonts: Fonts, area: Rect, out: Layout):
    n = len(node.steps)
    hgap, vgap = 96, 96
    # At most five steps a row, each at least 280 units wide (two in a column).
    most = max(1, min(5, int((area.w + hgap) // (280 + hgap))))
    rows = math.ceil(n / most)
    per_row = math.ceil(n / rows)
    box_w = (area.w - (per_row - 1) * hgap) / per_row
    row_h = (area.h - (rows - 1) * vgap) / rows
    if row_h < 2.6 * MIN_TEXT:  # not even a line of text a step: a larger canvas
        raise _NoRoom
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
    if col_w < 260:  # four columns in a slide's column: a larger canvas
        raise _NoRoom
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
