"""PowerPoint output: a native, editable deck written from the deck plan.

Every frame of `build.deck` becomes one slide, in order. Text goes into real text frames with
explicit sizes chosen by `slides.fit` (autofit off), laid out from the same `Para`s the fitter
measured, so nothing overflows in PowerPoint, Keynote or LibreOffice. Each topic is a PowerPoint
section. With a user template, its slide master and layouts are used, picked by layout name.
Two builds of the same content give byte-identical files.

The template (or python-pptx's default one) keeps its masters, layouts and theme; slides,
notes slides and pictures are written as XML text and the package is zipped once
(`slides.render.pptx_package`). Building them through python-pptx's slide API cost about 8 ms
per slide (cloning layout placeholders, relating parts by scanning every relationship, a proxy
for every property) and importing it 0.14 s; this writer takes about 0.6 ms per slide.
"""

from __future__ import annotations

import re
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from slides import inline, model
from slides.deck import Frame
from slides.errors import BuildError, ContentError
from slides.place import fit, geometry, paragraphs
from slides.place.geometry import Box
from slides.place.paragraphs import Para
from slides.render import Build, atomic_path
from slides.render.pptx_builds import click_steps, timing_xml
from slides.render.pptx_metadata import write_metadata
from slides.render.pptx_package import (
    CT,
    RT,
    XML_HEAD,
    Package,
    Part,
    Rel,
    layouts,
    masters,
    open_package,
    qn,
    rid_number,
    xml_safe,
)


class Emu(int):
    """A length in English Metric Units: 914 400 per inch, 12 700 per point."""


TITLE_TYPES = ("title", "ctrTitle", "vertTitle")  # values of p:ph/@type
SLIDE_WIDTH, SLIDE_HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 × 7.5 in = 960 × 540 pt

# Frame kinds -> layout names to try, in order of preference. Templates are matched by NAME.
LAYOUTS: dict[str, tuple[str, ...]] = {
    "title": ("Title Slide", "Title Only", "Title and Content", "Blank"),
    "agenda": ("Title and Content", "Title Only", "Blank"),
    "section": ("Section Header", "Title Only", "Title Slide", "Blank"),
    "text": ("Title and Content", "Title Only", "Blank"),
    "columns": ("Two Content", "Comparison", "Title and Content", "Title Only", "Blank"),
    "plain": ("Title Only", "Title and Content", "Blank"),
    "closing": ("Title Slide", "Title Only", "Title and Content", "Blank"),
}
WHAT = {
    "title": "the title slide",
    "agenda": "the agenda",
    "section": "section slides",
    "text": "text slides",
    "columns": "two-column slides",
    "plain": "picture, table and code slides",
    "closing": "the closing slide",
}

# Font substitution hints: an Office without Lato falls back to a proportional sans
# (pitchFamily 34 = variable pitch, swiss), and to a fixed-pitch font for code (49 = fixed, modern).
FONT_HINTS = {
    "Lato": ("020F0502020204030203", "34"),
    "DejaVu Sans Mono": ("020B0609030804020204", "49"),
}
P14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"
SECTIONS_URI = "{521415D9-36F7-43E2-AB2F-B90AF26B5E84}"
SLIDENUM_FIELD_ID = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"

# The geometry of the title, section and closing slides lives in slides.fit (names kept here
# for modules that import them from the PPTX renderer).
TITLE_SLIDE_BOX = geometry.TITLE_SLIDE_BOX
SUBTITLE_BOX = geometry.SUBTITLE_BOX
SECTION_LABEL_BOX = geometry.SECTION_LABEL_BOX
SECTION_TITLE_BOX = geometry.SECTION_TITLE_BOX
LOGO_BOX = geometry.LOGO_BOX
QUOTE_BAR_W = geometry.QUOTE_BAR_W

NSMAP = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
}
TABLE_URI = "http://schemas.openxmlformats.org/drawingml/2006/table"
TABLE_STYLE = "{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}"  # Office's default ("Medium Style 2")
# Placeholder names as PowerPoint (and python-pptx) give them, by p:ph/@type (no type: obj).
PH_NAMES = {
    "body": "Text Placeholder",
    "chart": "Chart Placeholder",
    "clipArt": "ClipArt Placeholder",
    "ctrTitle": "Title",
    "dgm": "SmartArt Placeholder",
    "media": "Media Placeholder",
    "obj": "Content Placeholder",
    "pic": "Picture Placeholder",
    "subTitle": "Subtitle",
    "tbl": "Table Placeholder",
    "title": "Title",
    "vertTitle": "Title",
}
# What a picture's first bytes say it is: (file extension, content type).
IMAGE_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8", "jpg", "image/jpeg"),
    (b"GIF8", "gif", "image/gif"),
    (b"BM", "bmp", "image/bmp"),
    (b"II*\x00", "tiff", "image/tiff"),
    (b"MM\x00*", "tiff", "image/tiff"),
)

SLIDE_OPEN = '<p:sld xmlns:a="{a}" xmlns:r="{r}" xmlns:p="{p}"><p:cSld>'.format(**NSMAP)
TREE_OPEN = (
    '<p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
    "<p:grpSpPr/>"
)
SLIDE_CLOSE = "</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr>"
RECT = '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
# A notes slide around its placeholders, as python-pptx's template (pptx/templates/notes.xml).
NOTES_OPEN = (
    '<p:notes xmlns:a="{a}" xmlns:p="{p}" xmlns:r="{r}"><p:cSld><p:spTree><p:nvGrpSpPr>'
    '<p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm>'
    '<a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/>'
    "</a:xfrm></p:grpSpPr>".format(**NSMAP)
)
NOTES_CLOSE = "</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:notes>"


@dataclass(frozen=True)
class _Layout:
    """A slide layout as a new slide needs it: its part and the placeholders it inherits."""

    name: str
    partname: str
    # In the layout's order: (the p:ph element as XML, shape name without its number,
    # p:ph type, p:ph idx)
    placeholders: tuple[tuple[str, str, str, int], ...]


@dataclass
class _Placeholder:
    """A placeholder the slide inherits from its layout: filled later, or left out."""

    at: int  # its place in the slide's shape list
    shape_id: int
    name: str
    ph: str  # the p:ph element


@dataclass
class _Slide:
    """One slide being written, as XML text: its shapes, relationships, placeholders, notes.

    Shapes are XML strings (f-strings are some 40 times quicker than lxml elements here);
    placeholders keep their place in the layout's z-order until they are filled or dropped.
    """

    layout: _Layout
    shapes: list[str] = field(default_factory=list)
    rels: dict[tuple[str, str, bool], str] = field(default_factory=dict)  # -> rId
    last_id: int = 1  # the shape tree itself is shape 1
    title: _Placeholder | None = None
    free: list[_Placeholder] = field(default_factory=list)  # body placeholders not yet used
    background: str = ""
    timing: str = ""  # p:timing: click builds (slides.render.pptx_builds)
    notes: str = ""

    def __post_init__(self) -> None:
        self.relate(RT.SLIDE_LAYOUT, self.layout.partname)
        found = []
        for ph, base, kind, idx in self.layout.placeholders:
            holder = self.placeholder(ph, base)
            if kind in TITLE_TYPES:
                self.title = self.title or holder
            else:
                found.append((idx, holder))
        # Body text fills them in idx order (python-pptx's slide.placeholders order).
        self.free = [holder for _, holder in sorted(found, key=lambda pair: pair[0])]

    def new_id(self) -> int:
        self.last_id += 1
        return self.last_id

    def relate(self, reltype: str, target: str, external: bool = False) -> str:
        """The rId of a relationship to target (a partname or a URL), added once."""
        key = (reltype, target, external)
        if key not in self.rels:
            self.rels[key] = f"rId{len(self.rels) + 1}"
        return self.rels[key]

    def placeholder(self, ph: str, base: str) -> _Placeholder:
        """A placeholder at the end of the shape list, empty until filled."""
        shape_id = self.new_id()
        holder = _Placeholder(len(self.shapes), shape_id, f"{base} {shape_id - 1}", ph)
        self.shapes.append("")
        return holder

    def fill(self, holder: _Placeholder, box: Box, body: str) -> None:
        """Give a placeholder its position, size and text."""
        self.shapes[holder.at] = (
            f'<p:sp><p:nvSpPr><p:cNvPr id="{holder.shape_id}" name="{holder.name}"/>'
            f'<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr>{holder.ph}</p:nvPr>'
            f"</p:nvSpPr><p:spPr>{_xfrm(box)}</p:spPr>{body}</p:sp>"
        )

    def xml(self) -> bytes:
        """The slide part: the title first (screen readers follow the shape tree), then the
        other shapes in the order they were added; unused placeholders are left out."""
        shapes = self.shapes
        if self.title is not None:
            title = shapes[self.title.at]
            shapes = [title] + [s for i, s in enumerate(shapes) if i != self.title.at]
        return (
            XML_HEAD
            + (
                SLIDE_OPEN
                + self.background
                + TREE_OPEN
                + "".join(shapes)
                + SLIDE_CLOSE
                + self.timing
                + "</p:sld>"
            ).encode()
        )


def _e(points: float) -> int:
    """Points as whole EMU (12 700 per point)."""
    return round(points * 12700)


SIZE_TOLERANCE = 9144  # EMU: a hundredth of an inch; PowerPoint's own 16:9 sizes differ by less


def _size_warning(name: str, width: int, height: int) -> list[str]:
    """A warning when a template's slides are not the deck's size (compared in EMU)."""
    if abs(width - SLIDE_WIDTH) <= SIZE_TOLERANCE and abs(height - SLIDE_HEIGHT) <= SIZE_TOLERANCE:
        return []
    inches = f"{width / 914400:.2f} × {height / 914400:.2f} in"
    return [
        f"template {name} has {inches} slides; the deck's are 13.33 × 7.50 in (16:9), "
        "so the layouts' own placeholder positions may not line up"
    ]


def _xfrm(box: Box, tag: str = "a:xfrm") -> str:
    """A shape's position and size in EMU."""
    return (
        f'<{tag}><a:off x="{_e(box.x)}" y="{_e(box.y)}"/>'
        f'<a:ext cx="{_e(box.w)}" cy="{_e(box.h)}"/></{tag}>'
    )


def _solid(colour: str) -> str:
    """A solid fill of a colour given as '#RRGGBB'."""
    return f'<a:solidFill><a:srgbClr val="{colour.lstrip("#").upper()}"/></a:solidFill>'


def _attr(text: str) -> str:
    """Text for an XML attribute value in double quotes."""
    return _text(text).replace('"', "&quot;")


def render(build: Build) -> Path:
    """Write build.output("pptx"); returns its path."""
    writer = _DeckWriter(build)
    data = writer.write()
    for message in writer.warnings:
        build.warn("pptx", message)
    target = build.output("pptx")
    with atomic_path(target) as temp:
        temp.write_bytes(data)
    return target


def emu(points: float) -> Emu:
    """Points as EMU (12 700 per point), rounded to a whole EMU."""
    return Emu(round(points * 12700))


class _DeckWriter:
    """Builds the presentation for one Build; collects warnings on the way."""

    def __init__(self, build: Build) -> None:
        self.build = build
        self.lecture = build.lecture
        self.theme = build.theme
        self.fitter = fit.Fitter.for_theme(self.lecture.theme)
        self.warnings: list[str] = []
        self.template = self._template_path()
        # With a user template its colours and backgrounds rule; ours only without one.
        self.styled = self.template is None
        self.package = self._open()
        self._all_layouts = layouts(self.package)
        self.layouts = self._layouts_by_name()
        self._warned_layouts: set[str] = set()
        self._layout_info: dict[str, _Layout] = {}  # by layout partname
        self._slide: _Slide | None = None  # the slide being written (hyperlinks relate to it)
        self._media: dict[Path, tuple[str, str]] = {}  # picture file -> partname, type
        sans, mono = self.theme.sans.family, self.theme.mono.family
        self._latin = {False: _latin(sans, False), True: _latin(mono, True)}
        self._lang = _attr(self.lecture.language)

    # -- the whole deck ---------------------------------------------------------------------

    def write(self) -> bytes:
        """Build every frame and return the finished file's bytes."""
        slides: list[_Slide] = []
        for frame in self.build.deck.frames:
            try:
                slides.append(self._frame(frame))
            except (OSError, ValueError) as error:
                where = f" ({frame.where})" if frame.where else ""
                raise BuildError(f"PPTX: slide {frame.number}{where}: {error}") from error
        # Slide ids in p:sldIdLst: 256 up (the template's own slides are gone).
        slide_ids = {frame.number: 256 + i for i, frame in enumerate(self.build.deck.frames)}
        self._sections(slide_ids)
        write_metadata(self.package, self.lecture, len(slides), sum(1 for s in slides if s.notes))
        return self._package(slides, list(slide_ids.values()))

    def _frame(self, frame: Frame) -> _Slide:
        kind = frame.kind
        if kind == "content":
            assert frame.slide is not None
            body = frame.slide.kind
            if body in ("bullets", "questions", "modules", "quote"):
                kind = "text"
            elif body == "columns":
                kind = "columns"
            else:
                kind = "plain"
        slide = self._slide = _Slide(self._layout_of(self._layout(kind)))
        {
            "title": self._title_slide,
            "agenda": self._agenda,
            "section": self._section,
            "content": self._content,
            "closing": self._closing,
        }[frame.kind](slide, frame)
        # Placeholders left unfilled stay out: they would show "Click to add text" when editing.
        slide.notes = frame.notes
        return slide

    # -- frame kinds ------------------------------------------------------------------------

    def _title_slide(self, slide, frame: Frame) -> None:
        lecture = self.lecture
        if self.styled:
            self._rect(slide, Box(0, 0, 20, geometry.SLIDE_H), "accent")
            self._rect(slide, Box(72, TITLE_SLIDE_BOX.bottom + 4, 96, 5), "accent")
        size, _ = self.fitter.title_pt(lecture.title, TITLE_SLIDE_BOX, fit.DISPLAY_TITLE_PT, 3)
        para = paragraphs.title_para(lecture.title, size)
        self._title(slide, [para], TITLE_SLIDE_BOX, "b")
        lines: list[Para] = []
        if lecture.subtitle:
            lines.append(Para(paragraphs.text_spans(lecture.subtitle), 26.0, gap=0))
        who = [x for x in (lecture.author, lecture.institution) if x]
        if lecture.author:
            lines.append(Para(paragraphs.text_spans(lecture.author), 20.0, bold=True, gap=14.0))
        if lecture.institution:
            lines.append(
                Para(paragraphs.text_spans(lecture.institution), 20.0, role="muted", gap=4.0)
            )
        if lecture.date:
            lines.append(
                Para(
                    paragraphs.text_spans(lecture.date),
                    18.0,
                    role="muted",
                    gap=4.0 if who else 14.0,
                )
            )
        if lines:
            self._body(slide, lines, SUBTITLE_BOX)
        if self.theme.logo is not None:
            self._logo(slide)

    def _agenda(self, slide, frame: Frame) -> None:
        self._content_title(slide, frame.display_title)
        titles = [topic.title for topic in self.lecture.topics]
        size = self.fitter.agenda_pt(titles)
        self._body(slide, paragraphs.agenda_paras(titles, size), geometry.body_box())
        self._footer(slide, frame)

    def _section(self, slide, frame: Frame) -> None:
        if self.styled:  # a solid background of the accent colour
            fill = _solid(self.theme.color("accent"))
            slide.background = f"<p:bg><p:bgPr>{fill}<a:effectLst/></p:bgPr></p:bg>"
        role = "accent_text" if self.styled else "heading"
        assert frame.topic is not None
        total = len(self.lecture.topics)
        label = Para((inline.Span(f"Part {frame.topic + 1} of {total}"),), 20.0, role=role)
        self._body(slide, [label], SECTION_LABEL_BOX)
        size, _ = self.fitter.title_pt(frame.title, SECTION_TITLE_BOX, fit.DISPLAY_TITLE_PT, 3)
        title = paragraphs.title_para(frame.title, size)
        self._title(slide, [replace(title, role=role)], SECTION_TITLE_BOX, "t")

    def _closing(self, slide, frame: Frame) -> None:
        if self.styled:
            self._rect(slide, Box(0, 0, 20, geometry.SLIDE_H), "accent")
        size, _ = self.fitter.title_pt(frame.title, TITLE_SLIDE_BOX, fit.DISPLAY_TITLE_PT, 3)
        para = replace(paragraphs.title_para(frame.title, size), align="center")
        self._title(slide, [para], TITLE_SLIDE_BOX, "b")
        who = [x for x in (self.lecture.author, self.lecture.institution) if x]
        if who:
            lines = [
                Para(paragraphs.text_spans(text), 20.0, role="muted", align="center", gap=4.0)
                for text in who
            ]
            self._body(slide, lines, SUBTITLE_BOX)

    def _content(self, slide, frame: Frame) -> None:
        content = frame.slide
        assert content is not None
        self._content_title(slide, frame.display_title)
        size = frame.body_pt
        box = geometry.body_box()
        texts: list[int] = []  # the body's text shapes, for click builds
        if content.columns is not None:
            for column, col_box in zip(content.columns, geometry.column_boxes(), strict=True):
                text = self._column(slide, frame, column, col_box, size)
                texts += [text] if text is not None else []
        elif content.image is not None or content.diagram is not None:
            self._picture_group(slide, frame, content.image or content.diagram, box, None, size)
        elif content.table is not None:
            self._table(slide, content.table, box, size)
        elif content.code is not None:
            self._code(slide, content.code, box, size)
        elif content.quote is not None:
            self._quote(slide, content.quote, box, size)
        else:
            texts.append(self._body(slide, paragraphs.slide_paras(content, size), box))
        if content.incremental:
            # Slide kinds without steps (modules, quote, pictures…) get no builds.
            slide.timing = timing_xml(list(zip(texts, click_steps(content), strict=False)))
        self._footer(slide, frame)

    # -- content pieces ---------------------------------------------------------------------

    def _content_title(self, slide, title: str) -> None:
        size, _ = self.fitter.title_pt(title)
        self._title(slide, [paragraphs.title_para(title, size)], geometry.title_box(), "b")
        if self.styled:
            self._rect(
                slide,
                Box(geometry.MARGIN, geometry.TITLE_BOX[1] + geometry.TITLE_BOX[3] + 1, 72, 3),
                "accent",
            )

    def _column(
        self, slide, frame: Frame, column: model.Column, box: Box, size: float
    ) -> int | None:
        """A column; returns the id of its text shape (None for a picture column)."""
        if column.bullets is not None:
            return self._body(slide, paragraphs.column_paras(column, size), box)
        node = column.image or column.diagram
        # Beside a bullets column, a picture lines up with the top of the text.
        self._picture_group(slide, frame, node, box, column.heading, size, centre=False)
        return None

    def _picture_group(
        self, slide, frame: Frame, node, box: Box, heading, size: float, centre: bool = True
    ) -> None:
        picture = self.build.assets.picture(node)
        aspect = picture.width / picture.height
        layout = self.fitter.picture_layout(
            box, aspect, node, heading, size, centre=centre
        ) or self.fitter.picture_layout(box, aspect, node, heading, size, 0.0, centre)
        if layout is None:  # a caption taller than the whole box: show the picture alone
            layout = geometry.PictureLayout(None, geometry.place_picture(box, aspect), None)
        if layout.heading is not None and heading:
            para = Para(paragraphs.text_spans(heading), size, bold=True, role="heading")
            self._body(slide, [para], layout.heading)
        kind = "Diagram" if isinstance(node, model.DiagramBase) else "Picture"
        alt = _alt_text(picture.alt, node, frame)
        drawn = kind == "Diagram" and node.source_path is None
        if drawn and self.build.options.pptx_diagrams == "native":
            from slides.render.pptx_diagram import diagram_xml  # editable shapes, same layout

            slide.shapes.append(diagram_xml(self.build, node, layout.picture, alt, slide.new_id))
        else:
            self._picture(slide, picture.path, layout.picture, alt, kind)
        if layout.caption is not None and node.caption:
            self._body(slide, [paragraphs.caption_para(node.caption)], layout.caption)

    def _quote(self, slide, quote: model.Quote, box: Box, size: float) -> None:
        paras = paragraphs.quote_paras(quote, size)
        height = self.fitter.height(paras, box.w)
        top = box.y + (box.h - height) / 2
        if self.styled:
            self._rect(slide, Box(box.x, top, QUOTE_BAR_W, height), "accent")
        self._body(slide, paras, Box(box.x, top, box.w, height))

    def _code(self, slide, code: model.Code, box: Box, size: float) -> None:
        paras = paragraphs.code_paras(code, size)
        pad = geometry.CODE_PAD
        height = self.fitter.height(paras, box.w - 2 * pad) + 2 * pad
        place = Box(box.x, box.y, box.w, min(height, box.h))
        # Always our colours here: the box has our light fill, whatever the template's text.
        body = self._text_body(paras, inset=pad, colour=True)
        self._textbox(slide, place, body, "Code", fill=self.theme.color("surface"))

    def _table(self, slide, table: model.Table, box: Box, size: float) -> None:
        widths, heights = self.fitter.table_layout(table, size, box.w)
        rows = [table.header, *table.rows]
        shape_id = slide.new_id()
        # A template's table style bands the rows; ours are filled below.
        band = "" if self.styled else ' bandRow="1"'
        out = [
            f'<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="{shape_id}" '
            f'name="Table {shape_id - 1}"/><p:cNvGraphicFramePr><a:graphicFrameLocks '
            f'noGrp="1"/></p:cNvGraphicFramePr><p:nvPr/></p:nvGraphicFramePr>'
            f"{_xfrm(Box(box.x, box.y, box.w, sum(heights)), 'p:xfrm')}"
            f'<a:graphic><a:graphicData uri="{TABLE_URI}"><a:tbl><a:tblPr firstRow="1"{band}>'
            f"<a:tableStyleId>{TABLE_STYLE}</a:tableStyleId></a:tblPr><a:tblGrid>",
            *(f'<a:gridCol w="{_e(w)}"/>' for w in widths),
            "</a:tblGrid>",
        ]
        pad_x, pad_y = _e(geometry.CELL_PAD_X), _e(geometry.CELL_PAD_Y)
        margins = f'marL="{pad_x}" marR="{pad_x}" marT="{pad_y}" marB="{pad_y}" anchor="t"'
        for r, (row, h) in enumerate(zip(rows, heights, strict=True)):
            out.append(f'<a:tr h="{_e(h)}">')
            fill = ""
            if self.styled:
                role = "accent" if r == 0 else ("surface" if r % 2 == 0 else "background")
                fill = _solid(self.theme.color(role))
            for text in row:
                para = paragraphs.cell_para(text, size, header=r == 0)
                if self.styled and r == 0:
                    para = replace(para, role="accent_text")
                out.append(
                    '<a:tc><a:txBody><a:bodyPr wrap="square"><a:noAutofit/></a:bodyPr>'
                    f"<a:lstStyle/>{self._paragraphs([para])}</a:txBody>"
                    f"<a:tcPr {margins}>{fill}</a:tcPr></a:tc>"
                )
            out.append("</a:tr>")
        out.append("</a:tbl></a:graphicData></a:graphic></p:graphicFrame>")
        slide.shapes.append("".join(out))

    def _footer(self, slide, frame: Frame) -> None:
        """The lecture's footer text and the slide number (as a field PowerPoint keeps current)."""
        y, h = geometry.FOOTER_Y, geometry.FOOTER_H
        if self.lecture.footer:
            para = Para(paragraphs.text_spans(self.lecture.footer), 12.0, role="muted")
            body = self._text_body([para], "ctr")
            self._textbox(slide, Box(geometry.MARGIN, y, 600.0, h), body, "Footer")
        fill = _solid(self.theme.color("muted")) if self.styled else ""
        number = (
            f'<a:fld id="{SLIDENUM_FIELD_ID}" type="slidenum"><a:rPr lang="{self._lang}" '
            f'sz="1200">{fill}{self._latin[False]}</a:rPr><a:t>{frame.number}</a:t></a:fld>'
        )
        para = Para((), 12.0, role="muted", align="right")
        body = self._text_body([para], "ctr", field=number)
        box = Box(geometry.SLIDE_W - geometry.MARGIN - 120.0, y, 120.0, h)
        self._textbox(slide, box, body, "Slide Number")

    def _logo(self, slide) -> None:
        logo = self.theme.logo
        assert logo is not None
        if logo.suffix.lower() not in (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff"):
            self.warnings.append(f"theme logo {logo.name}: PowerPoint needs PNG or JPEG; left out")
            return
        from PIL import Image

        with Image.open(logo) as img:
            w, h = img.size
        place = geometry.place_picture(LOGO_BOX, w / h)
        self._picture(slide, logo, place, self.theme.logo_alt(self.lecture.institution), "Logo")

    # -- text -------------------------------------------------------------------------------

    def _title(self, slide: _Slide, paras: Sequence[Para], box: Box, anchor: str) -> None:
        """Fill the slide's title placeholder (adding one if the layout has none)."""
        if slide.title is None:  # a layout without a title: a title placeholder of our own
            slide.title = slide.placeholder('<p:ph type="title"/>', "Title")
        slide.fill(slide.title, box, self._text_body(paras, anchor))

    def _body(self, slide: _Slide, paras: Sequence[Para], box: Box, anchor: str = "t") -> int:
        """Text in the next free body placeholder of the layout, or else in a new text box;
        returns the shape's id."""
        body = self._text_body(paras, anchor)
        if slide.free:
            holder = slide.free.pop(0)
            slide.fill(holder, box, body)
            return holder.shape_id
        return self._textbox(slide, box, body)

    @staticmethod
    def _textbox(
        slide: _Slide, box: Box, body: str, name: str = "", fill: str | None = None
    ) -> int:
        """A text box (p:sp with txBox="1"), named '<name> <id>' or else 'TextBox <id - 1>';
        returns its id."""
        shape_id = slide.new_id()
        label = f"{name} {shape_id}" if name else f"TextBox {shape_id - 1}"
        background = "<a:noFill/>" if fill is None else _solid(fill)
        slide.shapes.append(
            f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{label}"/><p:cNvSpPr txBox="1"/>'
            f"<p:nvPr/></p:nvSpPr><p:spPr>{_xfrm(box)}{RECT}{background}</p:spPr>{body}</p:sp>"
        )
        return shape_id

    def _picture(self, slide: _Slide, path: Path, box: Box, alt: str, kind: str) -> None:
        """A picture (p:pic) of an image file, stored once in the package, with its alt text."""
        rel = slide.relate(RT.IMAGE, self._media_part(path))
        shape_id = slide.new_id()
        slide.shapes.append(
            f'<p:pic><p:nvPicPr><p:cNvPr id="{shape_id}" name="{kind} {shape_id}" '
            f'descr="{_attr(alt)}"/><p:cNvPicPr><a:picLocks noChangeAspect="1"/></p:cNvPicPr>'
            f'<p:nvPr/></p:nvPicPr><p:blipFill><a:blip r:embed="{rel}"/><a:stretch>'
            f"<a:fillRect/></a:stretch></p:blipFill><p:spPr>{_xfrm(box)}{RECT}</p:spPr></p:pic>"
        )

    def _media_part(self, path: Path) -> str:
        """The partname of a picture file's media part; each file is stored once.

        Prepared pictures are named by their content, so identical pictures are one file. A
        diagram's file may still be being drawn: its bytes are read when the package is written.
        """
        if path not in self._media:
            if path.suffix.lower() == ".png" and not path.exists():
                kind = IMAGE_TYPES[0]  # a diagram being drawn
            else:
                with path.open("rb") as file:
                    head = file.read(8)
                kind = next((t for t in IMAGE_TYPES if head.startswith(t[0])), None)
            if kind is None:
                raise ValueError(f"{path.name}: not a PNG, JPEG, GIF, BMP or TIFF picture")
            _, ext, content_type = kind
            self._media[path] = (self.package.partname(f"/ppt/media/image%d.{ext}"), content_type)
        return self._media[path][0]

    def _text_body(
        self,
        paras: Sequence[Para],
        anchor: str = "t",
        inset: float = 0.0,
        colour: bool | None = None,
        field: str = "",
    ) -> str:
        """A shape's text body holding paras exactly as the fitter measured them.

        Wrapping on, autofit off, insets explicit; every paragraph and run property is set so
        nothing is inherited from a layout's text styles. A field (the slide number) goes at
        the end of the first paragraph.
        """
        m = _e(inset)
        return (
            f'<p:txBody><a:bodyPr wrap="square" anchor="{anchor}" lIns="{m}" rIns="{m}" '
            f'tIns="{m}" bIns="{m}"><a:noAutofit/></a:bodyPr><a:lstStyle/>'
            f"{self._paragraphs(paras, colour, field)}</p:txBody>"
        )

    def _paragraphs(
        self, paras: Sequence[Para], colour: bool | None = None, field: str = ""
    ) -> str:
        """DrawingML paragraphs; colours are ours without a user template (colour=None)."""
        colour = self.styled if colour is None else colour
        if not paras:
            return self._paragraph(Para((), 12.0), True, colour, field)
        return "".join(
            self._paragraph(para, i == 0, colour, field if i == 0 else "")
            for i, para in enumerate(paras)
        )

    def _paragraph(self, para: Para, first: bool, colour: bool, field: str = "") -> str:
        level = f' lvl="{min(para.level, 8)}"' if para.level else ""
        align = {"left": "l", "center": "ctr", "right": "r"}[para.align]
        before = 0 if first else round(para.gap * 100)
        out = [
            f'<a:p><a:pPr marL="{_e(para.left)}" indent="{-_e(para.hang)}" algn="{align}"'
            f'{level}><a:lnSpc><a:spcPts val="{round(para.line * 100)}"/></a:lnSpc>'
            f'<a:spcBef><a:spcPts val="{before}"/></a:spcBef>'
            '<a:spcAft><a:spcPts val="0"/></a:spcAft>'
        ]
        if para.bullet:
            if colour:
                accent = self.theme.color("accent")[1:]
                out.append(f'<a:buClr><a:srgbClr val="{accent}"/></a:buClr>')
            out.append(
                '<a:buFont typeface="Arial" pitchFamily="34" charset="0"/>'
                f'<a:buChar char="{_attr(para.bullet)}"/></a:pPr>'
            )
        else:
            out.append("<a:buNone/></a:pPr>")
        size = round(para.size * 100)
        head = f'<a:r><a:rPr lang="{self._lang}" sz="{size}" '
        for span in para.spans:
            bold = "1" if para.bold or span.bold else "0"
            italic = "1" if para.italic or span.italic else "0"
            # cap="none": some layouts set titles in capitals
            out.append(f'{head}b="{bold}" i="{italic}" cap="none" dirty="0">')
            if colour:
                value = self.theme.color("accent" if span.href else para.role)
                out.append(f'<a:solidFill><a:srgbClr val="{value[1:]}"/></a:solidFill>')
            out.append(self._latin[para.mono or span.code])
            if span.href:
                assert self._slide is not None
                rel = self._slide.relate(RT.HYPERLINK, span.href, external=True)
                out.append(f'<a:hlinkClick r:id="{rel}"/>')
            out.append(f"</a:rPr><a:t>{_text(span.text)}</a:t></a:r>")
        # The end-of-paragraph mark sets an empty paragraph's height (blank code lines).
        out.append(
            f'{field}<a:endParaRPr lang="{self._lang}" sz="{size}">'
            f"{self._latin[para.mono]}</a:endParaRPr></a:p>"
        )
        return "".join(out)

    def _rect(self, slide: _Slide, box: Box, role: str) -> None:
        """A filled rectangle without outline or shadow (accent bars)."""
        shape_id = slide.new_id()
        # The shape style and empty text body PowerPoint gives a new rectangle.
        slide.shapes.append(
            f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="Decoration {shape_id}"/>'
            f"<p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr>{_xfrm(box)}{RECT}"
            f"{_solid(self.theme.color(role))}<a:ln><a:noFill/></a:ln><a:effectLst/></p:spPr>"
            '<p:style><a:lnRef idx="1"><a:schemeClr val="accent1"/></a:lnRef><a:fillRef idx="3">'
            '<a:schemeClr val="accent1"/></a:fillRef><a:effectRef idx="2"><a:schemeClr '
            'val="accent1"/></a:effectRef><a:fontRef idx="minor"><a:schemeClr val="lt1"/>'
            '</a:fontRef></p:style><p:txBody><a:bodyPr rtlCol="0" anchor="ctr"/><a:lstStyle/>'
            '<a:p><a:pPr algn="ctr"/></a:p></p:txBody></p:sp>'
        )

    # -- the presentation -------------------------------------------------------------------

    def _template_path(self) -> Path | None:
        option = self.build.options.pptx_template
        if option is not None:
            path = Path(option)
            if not path.is_file():
                raise BuildError(f"--pptx-template: file not found: {path}")
            return path
        relative = self.lecture.pptx_template
        if relative is None:
            return None
        from slides.load import resolve_inside

        path, reason = resolve_inside(self.lecture.folder, relative, what="template")
        if path is None:
            raise ContentError([self.lecture.problem("pptx_template", reason)])
        return path

    def _open(self) -> Package:
        """The template (or the default one) without its own slides, at 16:9."""
        try:
            package = open_package(self.template)
        except (zipfile.BadZipFile, ValueError, etree.LxmlError) as error:
            name = self.template or "python-pptx's default template"
            raise BuildError(f"pptx template {name}: not a PowerPoint file ({error})") from None
        pres = package.main
        if not masters(package):
            raise BuildError(f"pptx template {self.template}: not a PowerPoint file (no master)")
        id_list = pres.edit().find(qn("p:sldIdLst"))
        if id_list is not None:  # the template's own slides go (and parts only they use)
            pres.rels = [rel for rel in pres.rels if rel.reltype != RT.SLIDE]
            for entry in list(id_list):
                id_list.remove(entry)
        size = pres.xml.find(qn("p:sldSz"))
        if size is None:
            size = etree.Element(qn("p:sldSz"))
            (id_list if id_list is not None else pres.xml.find(qn("p:sldMasterIdLst"))).addnext(
                size
            )
        if self.template is not None:
            width, height = int(size.get("cx", "0")), int(size.get("cy", "0"))
            self.warnings += _size_warning(self.template.name, width, height)
        size.set("cx", str(SLIDE_WIDTH))
        size.set("cy", str(SLIDE_HEIGHT))
        if self.template is None:
            self._theme_fonts_and_colours(package)
        return package

    def _layouts_by_name(self) -> dict[str, Part]:
        found: dict[str, Part] = {}
        for layout in self._all_layouts:
            found.setdefault(_layout_name(layout).strip().lower(), layout)
        return found

    def _layout(self, kind: str) -> Part:
        wanted = LAYOUTS[kind]
        for name in wanted:
            layout = self.layouts.get(name.lower())
            if layout is not None:
                if name != wanted[0] and kind not in self._warned_layouts:
                    self._warned_layouts.add(kind)
                    self.warnings.append(
                        f"template {self._template_name()} has no layout '{wanted[0]}'; "
                        f"using '{_layout_name(layout)}' for {WHAT[kind]}"
                    )
                return layout
        if not self._all_layouts:
            raise BuildError(f"pptx template {self._template_name()}: it has no slide layouts")
        layout = self._all_layouts[0]
        if kind not in self._warned_layouts:
            self._warned_layouts.add(kind)
            self.warnings.append(
                f"template {self._template_name()} has none of the layouts "
                f"{', '.join(repr(n) for n in wanted)}; using '{_layout_name(layout)}' "
                f"for {WHAT[kind]}"
            )
        return layout

    def _layout_of(self, layout: Part) -> _Layout:
        """What a new slide needs of a layout, read once per layout."""
        if layout.name not in self._layout_info:
            placeholders = []
            for shape in layout.xml.iterfind("p:cSld/p:spTree/*", NSMAP):
                ph = shape.find("*/p:nvPr/p:ph", NSMAP)
                # Date, footer and slide number stay on the layout (PowerPoint, python-pptx).
                if ph is None or ph.get("type") in ("dt", "ftr", "sldNum"):
                    continue
                attrs = {k: ph.get(k) for k in ("type", "orient", "sz", "idx") if ph.get(k)}
                kind = attrs.get("type", "obj")
                base = PH_NAMES.get(kind, "Placeholder")
                if attrs.get("orient") == "vert":
                    base = f"Vertical {base}"
                xml = "".join(f' {k}="{_attr(v)}"' for k, v in attrs.items())
                idx = int(attrs["idx"]) if attrs.get("idx", "").isdigit() else 0
                placeholders.append((f"<p:ph{xml}/>", base, kind, idx))
            self._layout_info[layout.name] = _Layout(
                _layout_name(layout), layout.name, tuple(placeholders)
            )
        return self._layout_info[layout.name]

    def _template_name(self) -> str:
        return self.template.name if self.template else "(default)"

    def _theme_fonts_and_colours(self, package: Package) -> None:
        """Name Lato (with substitution hints) and our colours in the master's theme."""
        master = masters(package)[0]
        root = package.related(master, RT.THEME)[0].edit()
        a = NSMAP["a"]
        ns = {"a": a}
        family = self.theme.sans.family
        panose, pitch = FONT_HINTS.get(family, (None, "34"))
        for latin in root.iterfind(".//a:fontScheme/*/a:latin", ns):
            latin.set("typeface", family)
            if panose:
                latin.set("panose", panose)
            latin.set("pitchFamily", pitch)
            latin.set("charset", "0")
        scheme = root.find(".//a:clrScheme", ns)
        if scheme is not None:
            scheme.set("name", f"slides {self.theme.name}")
            colours = {
                "dk1": self.theme.color("text"),
                "lt1": self.theme.color("background"),
                "dk2": self.theme.color("heading"),
                "lt2": self.theme.color("surface"),
                "hlink": self.theme.color("accent"),
                "folHlink": self.theme.color("muted"),
            }
            for i, colour in enumerate(self.theme.palette[:6], start=1):
                colours[f"accent{i}"] = colour
            for name, colour in colours.items():
                slot = scheme.find(f"a:{name}", ns)
                if slot is None:
                    continue
                for child in list(slot):
                    slot.remove(child)
                etree.SubElement(slot, f"{{{a}}}srgbClr", val=colour.lstrip("#").upper())

    def _sections(self, slide_ids: dict[int, int]) -> None:
        """One PowerPoint section per topic (title and agenda join the first, closing the last)."""
        deck = self.build.deck
        groups = [[f.number for f in section.frames] for section in deck.sections]
        placed = {n for group in groups for n in group}
        first_topic = min(groups[0]) if groups and groups[0] else 0
        for frame in deck.frames:
            if frame.number in placed:
                continue
            (groups[0] if frame.number < first_topic else groups[-1]).append(frame.number)
        pres = self.package.main.edit()
        ext_list = pres.find(qn("p:extLst"))
        if ext_list is None:
            ext_list = etree.SubElement(pres, qn("p:extLst"))
        for ext in ext_list.findall(qn("p:ext")):
            if ext.get("uri") == SECTIONS_URI:
                ext_list.remove(ext)
        ext = etree.Element(qn("p:ext"), uri=SECTIONS_URI)
        ext_list.insert(0, ext)
        section_list = etree.SubElement(ext, f"{{{P14}}}sectionLst", nsmap={"p14": P14})
        for index, (section, numbers) in enumerate(zip(deck.sections, groups, strict=True)):
            guid = uuid.uuid5(
                uuid.NAMESPACE_URL, f"slides:{self.lecture.name}:{index}:{section.title}"
            )
            element = etree.SubElement(
                section_list,
                f"{{{P14}}}section",
                name=xml_safe(inline.plain(section.title)),
                id="{" + str(guid).upper() + "}",
            )
            ids = etree.SubElement(element, f"{{{P14}}}sldIdLst")
            for number in sorted(numbers):
                etree.SubElement(ids, f"{{{P14}}}sldId", id=str(slide_ids[number]))

    # -- the package ------------------------------------------------------------------------

    def _package(self, slides: Sequence[_Slide], ids: Sequence[int]) -> bytes:
        """The finished file: the template's parts, then every slide, notes slide and picture."""
        package = self.package
        pres = package.main
        notes_head = notes_tail = b""
        master = ""
        if any(slide.notes for slide in slides):
            notes_head, notes_tail = self._notes_template()  # adds a notes master if missing
            master = package.notes_master().name
        id_list = pres.edit().find(qn("p:sldIdLst"))
        if id_list is None:  # after the slide (and notes) masters
            id_list = etree.Element(qn("p:sldIdLst"))
            anchor = pres.xml.find(qn("p:notesMasterIdLst"))
            (anchor if anchor is not None else pres.xml.find(qn("p:sldMasterIdLst"))).addnext(
                id_list
            )
        first = max((rid_number(rel.rid) for rel in pres.rels), default=0) + 1
        new: list[Part] = []
        for n, (slide, slide_id) in enumerate(zip(slides, ids, strict=True)):
            name = package.partname("/ppt/slides/slide%d.xml")
            rid = f"rId{first + n}"
            pres.rels.append(Rel(rid, RT.SLIDE, name))
            etree.SubElement(id_list, qn("p:sldId"), {"id": str(slide_id), qn("r:id"): rid})
            notes = None
            if slide.notes:
                notes_name = package.partname("/ppt/notesSlides/notesSlide%d.xml")
                slide.relate(RT.NOTES_SLIDE, notes_name)
                xml = _notes_xml(notes_head, notes_tail, slide.notes)
                rels = [Rel("rId1", RT.NOTES_MASTER, master), Rel("rId2", RT.SLIDE, name)]
                notes = Part(notes_name, CT.NOTES_SLIDE, xml, rels)
            rels = [Rel(rid, *key) for key, rid in slide.rels.items()]
            new.append(Part(name, CT.SLIDE, slide.xml(), rels))
            if notes is not None:
                new.append(notes)
        self.build.assets.ready()
        new += [Part(name, kind, path.read_bytes()) for path, (name, kind) in self._media.items()]
        return package.write(new)

    def _notes_template(self) -> tuple[bytes, bytes]:
        """A notes slide with the notes master's placeholders, split where the notes go.

        Made once, as python-pptx's notes_slide makes each (the master's slide image, notes and
        slide number placeholders); every notes slide is the two halves around its paragraphs.
        """
        master = self.package.notes_master().xml
        names = {"sldImg": "Slide Image Placeholder", "body": "Notes Placeholder"}
        cloned = [
            {k: ph.get(k) for k in ("type", "orient", "sz", "idx") if ph.get(k)}
            for ph in master.iterfind("p:cSld/p:spTree/*/*/p:nvPr/p:ph", NSMAP)
            if ph.get("type") in ("sldImg", "body", "sldNum")
        ]
        if not any(attrs["type"] == "body" for attrs in cloned):  # a notes placeholder of ours
            cloned.append({"type": "body", "idx": "1"})
        shapes = []
        for last_id, attrs in enumerate(cloned, start=2):
            kind = attrs["type"]
            xml = "".join(f' {k}="{_attr(v)}"' for k, v in attrs.items())
            name = f"{names.get(kind, 'Slide Number Placeholder')} {last_id - 1}"
            body = "<p:txBody><a:bodyPr/><a:lstStyle/>\0</p:txBody>" if kind == "body" else ""
            shapes.append(
                f'<p:sp><p:nvSpPr><p:cNvPr id="{last_id}" name="{name}"/><p:cNvSpPr>'
                f'<a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph{xml}/></p:nvPr></p:nvSpPr>'
                f"<p:spPr/>{body}</p:sp>"
            )
        head, tail = (NOTES_OPEN + "".join(shapes) + NOTES_CLOSE).split("\0", 1)
        return XML_HEAD + head.encode(), tail.encode()


def _latin(family: str, mono: bool) -> str:
    """The a:latin element naming a font, with hints for an Office that lacks it."""
    panose, pitch = FONT_HINTS.get(family, (None, "49" if mono else "34"))
    hint = f' panose="{panose}"' if panose else ""
    return f'<a:latin typeface="{_attr(family)}"{hint} pitchFamily="{pitch}" charset="0"/>'


def _layout_name(layout: Part) -> str:
    """A layout's name (p:cSld/@name), as PowerPoint shows it."""
    csld = layout.xml.find(qn("p:cSld"))
    return "" if csld is None else csld.get("name", "")


def _notes_xml(head: bytes, tail: bytes, notes: str) -> bytes:
    """A notes slide: the notes master's placeholders (head, tail) around the notes' paragraphs."""
    paras = "".join(
        f"<a:p><a:r><a:t>{_text(line)}</a:t></a:r></a:p>" if line else "<a:p/>"
        for line in notes.split("\n")
    )
    return head + paras.encode() + tail


def _alt_text(alt: str, node, frame: Frame) -> str:
    """Alt text from the content (alt, caption or slide title), never a file path."""
    for candidate in (alt, getattr(node, "alt", None), getattr(node, "caption", None)):
        if candidate and candidate.strip() and not _looks_like_path(candidate):
            return inline.plain(" ".join(candidate.split()))
    title = inline.plain(frame.title)
    return f"{'Diagram' if isinstance(node, model.DiagramBase) else 'Picture'}: {title}"


def _text(text: str) -> str:
    """Text for XML character data: escaped, without the characters XML cannot hold."""
    return xml_safe(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _looks_like_path(text: str) -> bool:
    text = text.strip()
    return bool(
        re.fullmatch(r"[^\s]*[/\\][^\s]*|[^\s]+\.(png|jpe?g|gif|svg|webp|bmp|tiff?)", text, re.I)
    )
