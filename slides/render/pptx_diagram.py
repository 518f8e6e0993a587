"""Diagrams as native PowerPoint shapes: the drawing's layout as one editable group.

The same `slides.diagrams.layout` geometry the PNG painter draws becomes a `p:grpSp` of real
shapes (ellipses, rounded rectangles, connectors with arrow heads) in the theme's colours, with
the text in real text boxes, so a lecturer can edit a label or move a box in PowerPoint. The
group takes the picture's place and size on the slide and carries its alt text (`descr`).

The group is DrawingML written with lxml, as the PPTX writer writes its slides: it goes into any
slide's shape tree (`p:spTree`), given a function that hands out the slide's shape ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from slides import model
from slides.diagrams import Layout, Style, layout
from slides.diagrams.layout import BULLET, LINE_HEIGHT, MIN_TEXT, OUTLINE, Fonts, TextBlock
from slides.place.geometry import Box
from slides.render import Build

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
PRESETS = {"ellipse": "ellipse", "round": "roundRect", "rect": "rect"}
# PowerPoint may measure a line a little wider than FreeType did: room so it wraps alike.
SLACK = 1.04
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def a(tag: str) -> str:
    return f"{{{A}}}{tag}"


def p(tag: str) -> str:
    return f"{{{P}}}{tag}"


def diagram_group(
    build: Build, node: model.DiagramBase, box: Box, alt: str, new_id: Callable[[], int]
) -> etree._Element:
    """The diagram as a `p:grpSp` filling `box` (points), laid out as for its picture."""
    style = Style.of(build.theme)
    geometry = layout(node, style, build.assets.room(node))
    fonts = Fonts(style.regular, style.bold, geometry.zoom)
    return _Painter(geometry, box, build.theme.sans.family, fonts, new_id).group(alt)


def diagram_xml(
    build: Build, node: model.DiagramBase, box: Box, alt: str, new_id: Callable[[], int]
) -> str:
    """The same group as XML text, for a writer that assembles slides as strings."""
    return etree.tostring(diagram_group(build, node, box, alt, new_id), encoding="unicode")


def emu(points: float) -> str:
    return str(round(points * 12700))


class _Painter:
    """Writes one layout as DrawingML, in the painter's order: shapes, arrows, then text."""

    def __init__(
        self, geometry: Layout, box: Box, font: str, fonts: Fonts, new_id: Callable[[], int]
    ) -> None:
        self.geometry, self.box, self.font, self.fonts = geometry, box, font, fonts
        self.new_id = new_id
        # Points per layout unit: the group fills the box the picture would have filled.
        self.sx, self.sy = box.w / geometry.width, box.h / geometry.height

    def at(self, x: float, y: float) -> tuple[float, float]:
        """A layout point in points on the slide."""
        return self.box.x + x * self.sx, self.box.y + y * self.sy

    def group(self, alt: str) -> etree._Element:
        group_id = self.new_id()
        grp = etree.Element(p("grpSp"), nsmap={"a": A, "p": P})
        nv = etree.SubElement(grp, p("nvGrpSpPr"))
        etree.SubElement(nv, p("cNvPr"), id=str(group_id), name=f"Diagram {group_id - 1}",
                         descr=_CONTROL.sub("", alt))  # fmt: skip
        etree.SubElement(nv, p("cNvGrpSpPr"))
        etree.SubElement(nv, p("nvPr"))
        xfrm = etree.SubElement(etree.SubElement(grp, p("grpSpPr")), a("xfrm"))
        b = self.box
        # Children are placed in slide coordinates: the child frame is the group's own frame.
        etree.SubElement(xfrm, a("off"), x=emu(b.x), y=emu(b.y))
        etree.SubElement(xfrm, a("ext"), cx=emu(b.w), cy=emu(b.h))
        etree.SubElement(xfrm, a("chOff"), x=emu(b.x), y=emu(b.y))
        etree.SubElement(xfrm, a("chExt"), cx=emu(b.w), cy=emu(b.h))
        for shape in self.geometry.shapes:
            grp.append(self._shape(shape))
        for arrow in self.geometry.arrows:
            grp.append(self._arrow(arrow))
        for block in self.geometry.texts:
            if (text := self._text(block)) is not None:
                grp.append(text)
        return grp

    # -- pieces -----------------------------------------------------------------------------

    def _sp(self, name: str, x: float, y: float, w: float, h: float, text_box: bool = False):
        """A p:sp with its id, name and position (points); returns (sp, spPr)."""
        shape_id = self.new_id()
        sp = etree.Element(p("sp"))
        nv = etree.SubElement(sp, p("nvSpPr"))
        etree.SubElement(nv, p("cNvPr"), id=str(shape_id), name=f"{name} {shape_id - 1}")
        etree.SubElement(nv, p("cNvSpPr"), {"txBox": "1"} if text_box else {})
        etree.SubElement(nv, p("nvPr"))
        sp_pr = etree.SubElement(sp, p("spPr"))
        _xfrm(sp_pr, x, y, w, h)
        return sp, sp_pr

    def _shape(self, shape) -> etree._Element:
        b = shape.box
        x, y = self.at(b.x, b.y)
        sp, sp_pr = self._sp(shape.role.capitalize(), x, y, b.w * self.sx, b.h * self.sy)
        geom = etree.SubElement(sp_pr, a("prstGeom"), prst=PRESETS[shape.kind])
        av = etree.SubElement(geom, a("avLst"))
        if shape.kind == "round":  # the corner radius as a share of the shorter side
            share = min(0.5, shape.radius / min(b.w, b.h))
            etree.SubElement(av, a("gd"), name="adj", fmla=f"val {round(share * 100000)}")
        _solid(sp_pr, shape.fill)
        ln = etree.SubElement(sp_pr, a("ln"))
        if shape.outline:
            ln.set("w", emu(OUTLINE * self.sx))
            _solid(ln, shape.outline)
        else:
            etree.SubElement(ln, a("noFill"))
        return sp

    def _arrow(self, arrow) -> etree._Element:
        points = [self.at(x, y) for x, y in arrow.points]
        xs, ys = [x for x, _ in points], [y for _, y in points]
        if len(points) == 2 or len(set(xs)) == 1 or len(set(ys)) == 1:
            line = self._connector(points[0], points[-1])
        else:  # an elbow between rows of a flow: an open path
            line = self._path(points)
        sp_pr = line.find(p("spPr"))
        ln = etree.SubElement(sp_pr, a("ln"), w=emu(arrow.width * self.sx))
        _solid(ln, arrow.color)
        if arrow.head:
            etree.SubElement(ln, a("tailEnd"), type="triangle", w="med", len="med")
        return line

    def _connector(self, start, end) -> etree._Element:
        (x0, y0), (x1, y1) = start, end
        shape_id = self.new_id()
        cxn = etree.Element(p("cxnSp"))
        nv = etree.SubElement(cxn, p("nvCxnSpPr"))
        etree.SubElement(nv, p("cNvPr"), id=str(shape_id), name=f"Connector {shape_id - 1}")
        etree.SubElement(nv, p("cNvCxnSpPr"))
        etree.SubElement(nv, p("nvPr"))
        sp_pr = etree.SubElement(cxn, p("spPr"))
        xfrm = _xfrm(sp_pr, min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0))
        # A line runs from the top left to the bottom right of its box; flips turn it.
        if x1 < x0:
            xfrm.set("flipH", "1")
        if y1 < y0:
            xfrm.set("flipV", "1")
        geom = etree.SubElement(sp_pr, a("prstGeom"), prst="line")
        etree.SubElement(geom, a("avLst"))
        return cxn

    def _path(self, points: list[tuple[float, float]]) -> etree._Element:
        x0, y0 = min(x for x, _ in points), min(y for _, y in points)
        w, h = max(x for x, _ in points) - x0, max(y for _, y in points) - y0
        sp, sp_pr = self._sp("Connector", x0, y0, w, h)
        geom = etree.SubElement(sp_pr, a("custGeom"))
        for tag in ("avLst", "gdLst", "ahLst", "cxnLst"):
            etree.SubElement(geom, a(tag))
        etree.SubElement(geom, a("rect"), l="0", t="0", r="r", b="b")
        path = etree.SubElement(etree.SubElement(geom, a("pathLst")), a("path"),
                                w=emu(w), h=emu(h), fill="none")  # fmt: skip
        for n, (x, y) in enumerate(points):
            step = etree.SubElement(path, a("moveTo" if n == 0 else "lnTo"))
            etree.SubElement(step, a("pt"), x=emu(x - x0), y=emu(y - y0))
        etree.SubElement(sp_pr, a("noFill"))
        return sp

    def _text(self, block: TextBlock) -> etree._Element | None:
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
        sp, sp_pr = self._sp("Label", x, y, width * self.sx, block.area.h * self.sy, True)
        etree.SubElement(etree.SubElement(sp_pr, a("prstGeom"), prst="rect"), a("avLst"))
        etree.SubElement(sp_pr, a("noFill"))
        body = etree.SubElement(sp, p("txBody"))
        anchor = "ctr" if block.valign == "middle" else "t"
        body_pr = etree.SubElement(body, a("bodyPr"), wrap="square", lIns="0", tIns="0",
                                   rIns="0", bIns="0", anchor=anchor, rtlCol="0")  # fmt: skip
        etree.SubElement(body_pr, a("noAutofit"))
        etree.SubElement(body, a("lstStyle"))
        shown = _shown_paras(block)
        colour = words[0].color
        for n, para in enumerate(shown):
            psize = max(MIN_TEXT, round(size * para.scale))
            pt = psize * self.sx
            para_el = etree.SubElement(body, a("p"))
            p_pr = etree.SubElement(para_el, a("pPr"), algn="l" if para.align == "left" else "ctr")
            if para.bullet and left_x is not None:
                indent = self.fonts.width(BULLET, psize, para.bold) * self.sx
                p_pr.set("marL", emu((left_x - x0) * self.sx + indent))
                p_pr.set("indent", emu(-indent))
            spacing = etree.SubElement(p_pr, a("lnSpc"))
            etree.SubElement(spacing, a("spcPts"), val=str(round(pt * LINE_HEIGHT * 100)))
            if n:  # the layout's gap between paragraphs: more after a label
                gap = 0.6 if shown[n - 1].bold and not para.bold else 0.35
                before = etree.SubElement(p_pr, a("spcBef"))
                etree.SubElement(before, a("spcPts"), val=str(round(pt * gap * 100)))
            if para.bullet:  # the text's own font and size, as the picture draws it
                etree.SubElement(p_pr, a("buSzPct"), val="100000")
                etree.SubElement(p_pr, a("buFont"), typeface=self.font)
                etree.SubElement(p_pr, a("buChar"), char=BULLET.strip())
            else:
                etree.SubElement(p_pr, a("buNone"))
            run = etree.SubElement(para_el, a("r"))
            r_pr = etree.SubElement(run, a("rPr"), sz=str(round(pt * 100)), b="1" if para.bold
                                    else "0", dirty="0")  # fmt: skip
            _solid(r_pr, colour)
            etree.SubElement(r_pr, a("latin"), typeface=self.font)
            etree.SubElement(run, a("t")).text = _CONTROL.sub("", para.text)
        return sp


def _shown_paras(block: TextBlock) -> list:
    """The paragraphs the layout fitted, cut as the drawing cuts them when they did not fit."""
    if not block.truncated:
        return list(block.paras)
    # The drawing shows the lines that fit, the last ending in '…': show that text.
    text = " ".join(line.text for line in block.lines if line.text != BULLET.strip())
    shown = []
    for para in block.paras:
        if not text:
            break
        take = para.text if text.startswith(para.text) else text
        shown.append(type(para)(take, para.scale, para.bold, para.align, para.bullet))
        text = text[len(take) :].lstrip()
    return shown


def _xfrm(sp_pr, x: float, y: float, w: float, h: float) -> etree._Element:
    xfrm = etree.SubElement(sp_pr, a("xfrm"))
    etree.SubElement(xfrm, a("off"), x=emu(x), y=emu(y))
    etree.SubElement(xfrm, a("ext"), cx=emu(w), cy=emu(h))
    return xfrm


def _solid(parent, colour: str) -> None:
    fill = etree.SubElement(parent, a("solidFill"))
    etree.SubElement(fill, a("srgbClr"), val=colour.lstrip("#").upper())
