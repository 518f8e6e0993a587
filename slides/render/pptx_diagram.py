"""Diagrams as native PowerPoint shapes: the drawing's layout as one editable group.

The same `slides.diagrams.layout` geometry the PNG painter draws becomes a group of real shapes
(ellipses, rounded rectangles, connectors with arrow heads) in the theme's colours, with the
text in real text boxes, so a lecturer can edit a label or move a box in PowerPoint. The group
takes the picture's place and size on the slide and carries its alt text (`descr`).

This module places the pieces in points on the slide; templates/pptx/diagram.xml.j2 writes
them as DrawingML. The group goes into any slide's shape tree, given a function that hands out
the slide's shape ids.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import msgspec
from lxml import etree

from slides import model
from slides.diagrams import Layout
from slides.diagrams.shapes import LINE_HEIGHT, MIN_TEXT, OUTLINE, TextBlock
from slides.diagrams.text_fit import BULLET, Fonts
from slides.jinja import environment
from slides.place.geometry import Box
from slides.render import Build

PRESETS = {"ellipse": "ellipse", "round": "roundRect", "rect": "rect"}
# PowerPoint may measure a line a little wider than FreeType did: room so it wraps alike.
SLACK = 1.04


class Piece(msgspec.Struct):
    """One shape of the group, in points on the slide, as the diagram template draws it."""

    kind: str  # shape, connector, path, label
    id: int
    name: str
    box: Box
    preset: str = "rect"
    adjust: int | None = None  # a rounded rectangle's corner, in 1/100 000 of the shorter side
    fill: str = ""  # 'RRGGBB'
    line: str = ""  # outline or line colour
    line_w: float = 0.0  # points
    head: bool = False
    flip_h: bool = False
    flip_v: bool = False
    points: list[tuple[float, float]] = msgspec.field(
        default_factory=list
    )  # a path's, from its box
    anchor: str = "ctr"
    paras: list[dict] = msgspec.field(default_factory=list)  # a label's paragraphs


def diagram_group(
    build: Build, node: model.DiagramBase, box: Box, alt: str, new_id: Callable[[], int]
) -> etree._Element:
    """The diagram as a `p:grpSp` element (for python-pptx's shape tree)."""
    return etree.fromstring(diagram_xml(build, node, box, alt, new_id))


def diagram_xml(
    build: Build, node: model.DiagramBase, box: Box, alt: str, new_id: Callable[[], int]
) -> str:
    """The diagram as a `p:grpSp` filling `box` (points), laid out as for its picture."""
    return Diagrams(build).xml(node, box, alt, new_id)


class Diagrams:
    """The native diagrams of one deck: the template's module and the measuring fonts are
    made once for all of them (the fonts' measurer is found by looking at the font files)."""

    def __init__(self, build: Build) -> None:
        self.build = build
        self.style = build.assets.style  # as the diagrams were laid out
        self.fonts = functools.cache(Fonts.of)
        font, lang = build.theme.sans.family, build.lecture.language
        context = {"font": font, "bullet": BULLET.strip(), "lang": lang}
        self.template = environment("xml").get_template("pptx/diagram.xml.j2").make_module(context)

    def xml(self, node: model.DiagramBase, box: Box, alt: str, new_id: Callable[[], int]) -> str:
        """The diagram as a `p:grpSp` filling `box` (points), laid out as for its picture."""
        geometry = self.build.assets.layout(node)
        fonts = self.fonts(self.style, geometry.zoom)
        painter = _Painter(geometry, box, fonts, new_id, self.build.lecture.language)
        group_id = new_id()
        pieces = painter.pieces()
        return str(self.template.group(group_id, f"Diagram {group_id - 1}", alt, box, pieces))


class _Painter:
    """Places one layout's pieces on the slide, in the painter's order: shapes, arrows, text."""

    def __init__(
        self,
        geometry: Layout,
        box: Box,
        fonts: Fonts,
        new_id: Callable[[], int],
        language: str,
    ) -> None:
        self.geometry, self.box, self.fonts = geometry, box, fonts
        self.language = language  # the fallback fonts' names depend on it (CJK forms)
        self.new_id = new_id
        # Points per layout unit: the group fills the box the picture would have filled.
        self.sx, self.sy = box.w / geometry.width, box.h / geometry.height

    def at(self, x: float, y: float) -> tuple[float, float]:
        """A layout point in points on the slide."""
        return self.box.x + x * self.sx, self.box.y + y * self.sy

    def pieces(self) -> list[Piece]:
        out = [self._shape(shape) for shape in self.geometry.shapes]
        out += [self._arrow(arrow) for arrow in self.geometry.arrows]
        out += [label for block in self.geometry.texts if (label := self._label(block))]
        return out

    def _runs(self, text: str) -> list[tuple[str, dict[str, str]]]:
        """A line's runs with the East Asian and complex-script fonts each names (a:ea, a:cs;
        fonts.Measurer.slot_runs)."""
        widest = self.fonts.widest
        if widest is None:
            return [(text, {})]
        return widest.slot_runs(text, self.language, widest.theme.sans.family)

    def _piece(self, kind: str, name: str, box: Box, **more) -> Piece:
        shape_id = self.new_id()
        return Piece(kind, shape_id, f"{name} {shape_id - 1}", box, **more)

    def _shape(self, shape) -> Piece:
        b = shape.box
        x, y = self.at(b.x, b.y)
        adjust = None
        if shape.kind == "round":  # the corner radius as a share of the shorter side
            adjust = round(min(0.5, shape.radius / min(b.w, b.h)) * 100000)
        return self._piece(
            "shape", shape.role.capitalize(), Box(x, y, b.w * self.sx, b.h * self.sy),
            preset=PRESETS[shape.kind], adjust=adjust, fill=_hex(shape.fill),
            line=_hex(shape.outline) if shape.outline else "",
            line_w=OUTLINE * self.sx if shape.outline else 0.0,
        )  # fmt: skip

    def _arrow(self, arrow) -> Piece:
        points = [self.at(x, y) for x, y in arrow.points]
        xs, ys = [x for x, _ in points], [y for _, y in points]
        line = {"line": _hex(arrow.color), "line_w": arrow.width * self.sx, "head": arrow.head}
        x0, y0 = min(xs), min(ys)
        box = Box(x0, y0, max(xs) - x0, max(ys) - y0)
        if len(points) == 2 or len(set(xs)) == 1 or len(set(ys)) == 1:
            (x_start, y_start), (x_end, y_end) = points[0], points[-1]
            # A line runs from the top left to the bottom right of its box; flips turn it.
            box = Box(min(x_start, x_end), min(y_start, y_end),
                      abs(x_end - x_start), abs(y_end - y_start))  # fmt: skip
            flips = {"flip_h": x_end < x_start, "flip_v": y_end < y_start}
            shape_id = self.new_id()
            return Piece("connector", shape_id, f"Connector {shape_id - 1}", box, **flips, **line)
        # An elbow between rows of a flow: an open path.
        relative = [(x - x0, y - y0) for x, y in points]
        return self._piece("path", "Connector", box, points=relative, **line)

    def _label(self, block: TextBlock) -> Piece | None:
        words = [line for line in block.lines if line.text != BULLET.strip()]
        if not words:
            return None
        size = max(line.size for line in words)
        # A box centred where the layout centred the block, as wide as its widest line.
        cx = block.area.cx
        half = max(max(cx - line.x, line.x + line.width - cx) for line in block.lines)
        width = 2 * half * SLACK + 2
        x0 = cx - width / 2
        # Bullet lines share one left edge inside it (the layout centres them as a block).
        left_x = min((line.x for line in block.lines if line.text == BULLET.strip()), default=None)
        x, y = self.at(x0, block.area.y)
        shown = _shown_paras(block)
        colour = _hex(words[0].color)
        paras = []
        for n, para in enumerate(shown):
            pt = max(MIN_TEXT, round(size * para.scale)) * self.sx
            indent = None
            if para.bullet and left_x is not None:
                bullet_w = self.fonts.width(
                    BULLET, max(MIN_TEXT, round(size * para.scale)), para.bold
                )
                indent = (bullet_w * self.sx, (left_x - x0) * self.sx + bullet_w * self.sx)
            gap = None
            if n:  # the layout's gap between paragraphs: more after a label
                gap = pt * (0.6 if shown[n - 1].bold and not para.bold else 0.35)
            # The layout's own lines, each measured with the widest font a viewer may show:
            # breaking there keeps every viewer's lines (and words) as the picture has them.
            lines = [line.text for line in words if line.para == n] or [para.text]
            paras.append({
                "lines": [self._runs(text) for text in lines],
                "size": pt, "bold": para.bold, "bullet": para.bullet,
                "align": "l" if para.align == "left" else "ctr", "indent": indent,
                "spacing": pt * LINE_HEIGHT, "gap": gap, "colour": colour,
            })  # fmt: skip
        box = Box(x, y, width * self.sx, block.area.h * self.sy)
        anchor = "ctr" if block.valign == "middle" else "t"
        return self._piece("label", "Label", box, anchor=anchor, paras=paras)


def _shown_paras(block: TextBlock) -> list:
    """The paragraphs the layout drew a line of: when they did not fit, the last are left out
    (and the lines shown, cut with '…', are the layout's own)."""
    drawn = {line.para for line in block.lines}
    return [para for n, para in enumerate(block.paras) if n in drawn]


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()
