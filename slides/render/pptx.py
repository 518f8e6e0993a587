"""PowerPoint output: a native, editable deck built with python-pptx from the deck plan.

Every frame of `build.deck` becomes one slide, in order. Text goes into real text frames with
explicit sizes chosen by `slides.fit` (autofit off), laid out from the same `Para`s the fitter
measured, so nothing overflows in PowerPoint, Keynote or LibreOffice. Each topic is a PowerPoint
section. With a user template, its slide master and layouts are used, picked by layout name.
Two builds of the same content give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
from pptx.exc import PackageNotFoundError
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.oxml.ns import qn
from pptx.util import Emu

from slides import fit, inline, model
from slides.deck import Frame
from slides.errors import BuildError, ContentError, Problem
from slides.fit import Box, Para
from slides.render import Build, atomic_path

TITLE_TYPES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE)
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
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
EPOCH = dt.datetime(2000, 1, 1)

# The geometry of the title, section and closing slides lives in slides.fit (names kept here
# for modules that import them from the PPTX renderer).
TITLE_SLIDE_BOX = fit.TITLE_SLIDE_BOX
SUBTITLE_BOX = fit.SUBTITLE_BOX
SECTION_LABEL_BOX = fit.SECTION_LABEL_BOX
SECTION_TITLE_BOX = fit.SECTION_TITLE_BOX
LOGO_BOX = fit.LOGO_BOX
QUOTE_BAR_W = fit.QUOTE_BAR_W


def render(build: Build) -> Path:
    """Write build.output("pptx"); returns its path."""
    writer = _DeckWriter(build)
    data = writer.write()
    for message in writer.warnings:
        print(f"warning: {message}", file=sys.stderr)
    if build.options.strict and writer.warnings:
        raise BuildError(f"{len(writer.warnings)} PPTX warning(s) in --strict mode")
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
        self.prs = self._open()
        self.layouts = self._layouts_by_name()
        self._warned_layouts: set[str] = set()
        self._free: list = []  # body placeholders of the slide being built, not yet used
        self._part = None
        self._title_shape = None

    # -- the whole deck ---------------------------------------------------------------------

    def write(self) -> bytes:
        """Build every frame and return the finished file's bytes."""
        slide_ids: dict[int, int] = {}
        for frame in self.build.deck.frames:
            try:
                self._frame(frame)
            except (OSError, ValueError) as error:
                where = f" ({frame.where})" if frame.where else ""
                raise BuildError(f"PPTX: slide {frame.number}{where}: {error}") from error
            # The id of the slide just added; slide.slide_id searches every slide (quadratic).
            slide_ids[frame.number] = self.prs.slides._sldIdLst[-1].id
        self._sections(slide_ids)
        self._properties()
        buffer = io.BytesIO()
        self.prs.save(buffer)
        return _deterministic_zip(buffer.getvalue())

    def _frame(self, frame: Frame):
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
        slide = self.prs.slides.add_slide(self._layout(kind))
        self._part = slide.part  # hyperlinks are relationships of the slide's part
        # One scan of the layout's placeholders: python-pptx looks them up by XPath each time.
        self._title_shape, self._free = None, []
        for ph in slide.placeholders:
            if ph.placeholder_format.type in TITLE_TYPES:
                self._title_shape = self._title_shape or ph
            else:
                self._free.append(ph)
        {
            "title": self._title_slide,
            "agenda": self._agenda,
            "section": self._section,
            "content": self._content,
            "closing": self._closing,
        }[frame.kind](slide, frame)
        for placeholder in self._free:  # unused: would show "Click to add text" when editing
            placeholder._element.getparent().remove(placeholder._element)
        self._title_first(slide, self._title_shape)
        if frame.notes:
            slide.notes_slide.notes_text_frame.text = frame.notes
        return slide

    # -- frame kinds ------------------------------------------------------------------------

    def _title_slide(self, slide, frame: Frame) -> None:
        lecture = self.lecture
        if self.styled:
            self._rect(slide, Box(0, 0, 20, fit.SLIDE_H), "accent")
            self._rect(slide, Box(72, TITLE_SLIDE_BOX.bottom + 4, 96, 5), "accent")
        size, _ = self.fitter.title_pt(lecture.title, TITLE_SLIDE_BOX, fit.DISPLAY_TITLE_PT, 3)
        para = fit.Fitter.title_para(lecture.title, size)
        self._title(slide, [para], TITLE_SLIDE_BOX, MSO_ANCHOR.BOTTOM)
        lines: list[Para] = []
        if lecture.subtitle:
            lines.append(Para(fit.text_spans(lecture.subtitle), 26.0, gap=0))
        who = [x for x in (lecture.author, lecture.institution) if x]
        if lecture.author:
            lines.append(Para(fit.text_spans(lecture.author), 20.0, bold=True, gap=14.0))
        if lecture.institution:
            lines.append(Para(fit.text_spans(lecture.institution), 20.0, role="muted", gap=4.0))
        if lecture.date:
            lines.append(
                Para(fit.text_spans(lecture.date), 18.0, role="muted", gap=4.0 if who else 14.0)
            )
        if lines:
            self._body(slide, lines, SUBTITLE_BOX)
        if self.theme.logo is not None:
            self._logo(slide)

    def _agenda(self, slide, frame: Frame) -> None:
        self._content_title(slide, frame.display_title)
        titles = [topic.title for topic in self.lecture.topics]
        size = self.fitter.agenda_pt(titles)
        self._body(slide, fit.agenda_paras(titles, size), fit.body_box())
        self._footer(slide, frame)

    def _section(self, slide, frame: Frame) -> None:
        if self.styled:
            slide.background.fill.solid()
            slide.background.fill.fore_color.rgb = self._rgb("accent")
        role = "accent_text" if self.styled else "heading"
        assert frame.topic is not None
        total = len(self.lecture.topics)
        label = Para((inline.Span(f"Part {frame.topic + 1} of {total}"),), 20.0, role=role)
        self._body(slide, [label], SECTION_LABEL_BOX)
        size, _ = self.fitter.title_pt(frame.title, SECTION_TITLE_BOX, fit.DISPLAY_TITLE_PT, 3)
        title = fit.Fitter.title_para(frame.title, size)
        self._title(slide, [replace(title, role=role)], SECTION_TITLE_BOX, MSO_ANCHOR.TOP)

    def _closing(self, slide, frame: Frame) -> None:
        if self.styled:
            self._rect(slide, Box(0, 0, 20, fit.SLIDE_H), "accent")
        size, _ = self.fitter.title_pt(frame.title, TITLE_SLIDE_BOX, fit.DISPLAY_TITLE_PT, 3)
        para = replace(fit.Fitter.title_para(frame.title, size), align="center")
        self._title(slide, [para], TITLE_SLIDE_BOX, MSO_ANCHOR.BOTTOM)
        who = [x for x in (self.lecture.author, self.lecture.institution) if x]
        if who:
            lines = [
                Para(fit.text_spans(text), 20.0, role="muted", align="center", gap=4.0)
                for text in who
            ]
            self._body(slide, lines, SUBTITLE_BOX)

    def _content(self, slide, frame: Frame) -> None:
        content = frame.slide
        assert content is not None
        self._content_title(slide, frame.display_title)
        size = frame.body_pt
        box = fit.body_box()
        if content.columns is not None:
            for column, col_box in zip(content.columns, fit.column_boxes(), strict=True):
                self._column(slide, frame, column, col_box, size)
        elif content.image is not None or content.diagram is not None:
            self._picture_group(slide, frame, content.image or content.diagram, box, None, size)
        elif content.table is not None:
            self._table(slide, content.table, box, size)
        elif content.code is not None:
            self._code(slide, content.code, box, size)
        elif content.quote is not None:
            self._quote(slide, content.quote, box, size)
        else:
            self._body(slide, fit.slide_paras(content, size), box)
        self._footer(slide, frame)

    # -- content pieces ---------------------------------------------------------------------

    def _content_title(self, slide, title: str) -> None:
        size, _ = self.fitter.title_pt(title)
        self._title(slide, [fit.Fitter.title_para(title, size)], fit.title_box(), MSO_ANCHOR.BOTTOM)
        if self.styled:
            self._rect(
                slide, Box(fit.MARGIN, fit.TITLE_BOX[1] + fit.TITLE_BOX[3] + 1, 72, 3), "accent"
            )

    def _column(self, slide, frame: Frame, column: model.Column, box: Box, size: float) -> None:
        if column.bullets is not None:
            self._body(slide, fit.column_paras(column, size), box)
        else:
            node = column.image or column.diagram
            # Beside a bullets column, a picture lines up with the top of the text.
            self._picture_group(slide, frame, node, box, column.heading, size, centre=False)

    def _picture_group(
        self, slide, frame: Frame, node, box: Box, heading, size: float, centre: bool = True
    ) -> None:
        picture = self.build.assets.picture(node)
        aspect = picture.width / picture.height
        layout = self.fitter.picture_layout(
            box, aspect, node, heading, size, centre=centre
        ) or self.fitter.picture_layout(box, aspect, node, heading, size, 0.0, centre)
        if layout is None:  # a caption taller than the whole box: show the picture alone
            layout = fit.PictureLayout(None, fit.place_picture(box, aspect), None)
        if layout.heading is not None and heading:
            para = Para(fit.text_spans(heading), size, bold=True, role="heading")
            self._body(slide, [para], layout.heading)
        shape = slide.shapes.add_picture(
            str(picture.path),
            emu(layout.picture.x),
            emu(layout.picture.y),
            emu(layout.picture.w),
            emu(layout.picture.h),
        )
        alt = _alt_text(picture.alt, node, frame)
        cnv = shape._element.nvPicPr.cNvPr
        cnv.set("descr", alt)
        cnv.set(
            "name",
            f"{'Diagram' if isinstance(node, model.DiagramBase) else 'Picture'} {cnv.get('id')}",
        )
        if layout.caption is not None and node.caption:
            self._body(slide, [fit.caption_para(node.caption)], layout.caption)

    def _quote(self, slide, quote: model.Quote, box: Box, size: float) -> None:
        paras = fit.quote_paras(quote, size)
        height = self.fitter.height(paras, box.w)
        top = box.y + (box.h - height) / 2
        if self.styled:
            self._rect(slide, Box(box.x, top, QUOTE_BAR_W, height), "accent")
        self._body(slide, paras, Box(box.x, top, box.w, height))

    def _code(self, slide, code: model.Code, box: Box, size: float) -> None:
        paras = fit.code_paras(code, size)
        pad = fit.CODE_PAD
        height = self.fitter.height(paras, box.w - 2 * pad) + 2 * pad
        shape = slide.shapes.add_textbox(
            emu(box.x), emu(box.y), emu(box.w), emu(min(height, box.h))
        )
        shape.name = f"Code {shape.shape_id}"
        shape.fill.solid()
        shape.fill.fore_color.rgb = self._rgb("surface")
        # Always our colours here: the box has our light fill, whatever the template's text.
        self._fill(shape.text_frame, paras, inset=pad, colour=True)

    def _table(self, slide, table: model.Table, box: Box, size: float) -> None:
        widths, heights = self.fitter.table_layout(table, size, box.w)
        rows = [table.header, *table.rows]
        frame = slide.shapes.add_table(
            len(rows), len(table.header), emu(box.x), emu(box.y), emu(box.w), emu(sum(heights))
        )
        grid = frame.table
        grid.first_row = True
        grid.horz_banding = not self.styled
        for c, w in enumerate(widths):
            grid.columns[c].width = emu(w)
        for r, (row, h) in enumerate(zip(rows, heights, strict=True)):
            grid.rows[r].height = emu(h)
            for c, text in enumerate(row):
                cell = grid.cell(r, c)
                para = fit.cell_para(text, size, header=r == 0)
                if self.styled:
                    cell.fill.solid()
                    if r == 0:
                        cell.fill.fore_color.rgb = self._rgb("accent")
                        para = replace(para, role="accent_text")
                    else:
                        cell.fill.fore_color.rgb = self._rgb(
                            "surface" if r % 2 == 0 else "background"
                        )
                cell.margin_left = cell.margin_right = emu(fit.CELL_PAD_X)
                cell.margin_top = cell.margin_bottom = emu(fit.CELL_PAD_Y)
                cell.vertical_anchor = MSO_ANCHOR.TOP
                cell.text_frame.word_wrap = True
                cell.text_frame.auto_size = MSO_AUTO_SIZE.NONE
                self._paragraphs(cell.text_frame, [para])

    def _footer(self, slide, frame: Frame) -> None:
        """The lecture's footer text and the slide number (as a field PowerPoint keeps current)."""
        y, h = fit.FOOTER_Y, fit.FOOTER_H
        if self.lecture.footer:
            para = Para(fit.text_spans(self.lecture.footer), 12.0, role="muted")
            shape = self._box(slide, [para], Box(fit.MARGIN, y, 600.0, h), MSO_ANCHOR.MIDDLE)
            shape.name = f"Footer {shape.shape_id}"
        shape = self._box(
            slide,
            [Para((), 12.0, role="muted", align="right")],
            Box(fit.SLIDE_W - fit.MARGIN - 120.0, y, 120.0, h),
            MSO_ANCHOR.MIDDLE,
        )
        shape.name = f"Slide Number {shape.shape_id}"
        p = shape.text_frame.paragraphs[0]._p
        field = etree.SubElement(p, qn("a:fld"), id=SLIDENUM_FIELD_ID, type="slidenum")
        rpr = etree.SubElement(field, qn("a:rPr"), lang=self.lecture.language, sz="1200")
        self._style_rpr(rpr, "muted")
        etree.SubElement(field, qn("a:t")).text = str(frame.number)
        end = p.find(qn("a:endParaRPr"))
        if end is not None:
            p.remove(end)
            p.append(end)

    def _logo(self, slide) -> None:
        logo = self.theme.logo
        assert logo is not None
        if logo.suffix.lower() not in (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff"):
            self.warnings.append(f"theme logo {logo.name}: PowerPoint needs PNG or JPEG; left out")
            return
        from PIL import Image

        with Image.open(logo) as img:
            w, h = img.size
        place = fit.place_picture(LOGO_BOX, w / h)
        shape = slide.shapes.add_picture(
            str(logo), emu(place.x), emu(place.y), emu(place.w), emu(place.h)
        )
        owner = inline.plain(self.lecture.institution) if self.lecture.institution else ""
        shape._element.nvPicPr.cNvPr.set("descr", f"{owner} logo" if owner else "Logo")

    # -- text -------------------------------------------------------------------------------

    def _title(self, slide, paras: Sequence[Para], box: Box, anchor) -> None:
        """Fill the slide's title placeholder (adding one if the layout has none)."""
        shape = self._title_shape
        if shape is None:  # a layout without a title: a title placeholder of our own
            shape_id = max((s.shape_id for s in slide.shapes), default=1) + 1
            slide.shapes._spTree.add_placeholder(
                shape_id, f"Title {shape_id}", PP_PLACEHOLDER.TITLE, "horz", "full", 0
            )
            shape = self._title_shape = slide.shapes.title
        self._place(shape, box)
        self._fill(shape.text_frame, paras, anchor=anchor)

    def _body(self, slide, paras: Sequence[Para], box: Box, anchor=MSO_ANCHOR.TOP):
        """Text in the next free body placeholder of the layout, or else in a new text box."""
        if self._free:
            shape = self._free.pop(0)
            self._place(shape, box)
            self._fill(shape.text_frame, paras, anchor=anchor)
            return shape
        return self._box(slide, paras, box, anchor)

    def _box(self, slide, paras: Sequence[Para], box: Box, anchor=MSO_ANCHOR.TOP):
        shape = slide.shapes.add_textbox(emu(box.x), emu(box.y), emu(box.w), emu(box.h))
        self._fill(shape.text_frame, paras, anchor=anchor)
        return shape

    @staticmethod
    def _place(shape, box: Box) -> None:
        shape.left, shape.top, shape.width, shape.height = (
            emu(box.x),
            emu(box.y),
            emu(box.w),
            emu(box.h),
        )

    def _fill(
        self,
        frame,
        paras: Sequence[Para],
        anchor=MSO_ANCHOR.TOP,
        inset: float = 0.0,
        colour: bool | None = None,
    ) -> None:
        """Write paragraphs into a text frame exactly as the fitter measured them."""
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.vertical_anchor = anchor
        frame.margin_left = frame.margin_right = emu(inset)
        frame.margin_top = frame.margin_bottom = emu(inset)
        self._paragraphs(frame, paras, colour)

    def _paragraphs(self, frame, paras: Sequence[Para], colour: bool | None = None) -> None:
        """Replace a text frame's paragraphs with `paras`, written as DrawingML directly.

        Building the XML with lxml is several times quicker than python-pptx's proxies, and
        every property is set explicitly so nothing is inherited from a layout's text styles.
        Colours are ours without a user template (colour=None), the template's with one.
        """
        colour = self.styled if colour is None else colour
        body = frame._txBody
        for old in body.findall(qn("a:p")):
            body.remove(old)
        for i, para in enumerate(paras):
            body.append(self._paragraph(para, i == 0, colour))
        if not paras:
            body.append(self._paragraph(Para((), 12.0), True, colour))

    def _paragraph(self, para: Para, first: bool, colour: bool):
        p = etree.Element(qn("a:p"))
        attrs = {
            "marL": str(emu(para.left)),
            "indent": str(-emu(para.hang)),
            "algn": {"left": "l", "center": "ctr", "right": "r"}[para.align],
        }
        if para.level:
            attrs["lvl"] = str(min(para.level, 8))
        ppr = etree.SubElement(p, qn("a:pPr"), attrs)
        for tag, points in (("a:lnSpc", para.line), ("a:spcBef", 0 if first else para.gap)):
            spacing = etree.SubElement(ppr, qn(tag))
            etree.SubElement(spacing, qn("a:spcPts"), val=str(round(points * 100)))
        spacing = etree.SubElement(ppr, qn("a:spcAft"))
        etree.SubElement(spacing, qn("a:spcPts"), val="0")
        if para.bullet:
            if colour:
                clr = etree.SubElement(ppr, qn("a:buClr"))
                etree.SubElement(clr, qn("a:srgbClr"), val=self.theme.color("accent")[1:])
            etree.SubElement(ppr, qn("a:buFont"), typeface="Arial", pitchFamily="34", charset="0")
            etree.SubElement(ppr, qn("a:buChar"), char=para.bullet)
        else:
            etree.SubElement(ppr, qn("a:buNone"))
        size = str(round(para.size * 100))
        for span in para.spans:
            run = etree.SubElement(p, qn("a:r"))
            rpr = etree.SubElement(
                run,
                qn("a:rPr"),
                lang=self.lecture.language,
                sz=size,
                b="1" if para.bold or span.bold else "0",
                i="1" if para.italic or span.italic else "0",
                cap="none",  # some layouts set titles in capitals
                dirty="0",
            )
            if colour:
                fill = etree.SubElement(rpr, qn("a:solidFill"))
                value = self.theme.color("accent" if span.href else para.role)
                etree.SubElement(fill, qn("a:srgbClr"), val=value[1:])
            self._typeface(rpr, para.mono or span.code)
            if span.href:
                rel = self._part.relate_to(span.href, RT.HYPERLINK, is_external=True)
                etree.SubElement(rpr, qn("a:hlinkClick"), {qn("r:id"): rel})
            etree.SubElement(run, qn("a:t")).text = _xml_safe(span.text)
        # The end-of-paragraph mark sets an empty paragraph's height (blank code lines).
        end = etree.SubElement(p, qn("a:endParaRPr"), lang=self.lecture.language, sz=size)
        self._typeface(end, para.mono)
        return p

    def _typeface(self, rpr, mono: bool) -> None:
        """Name the font (with substitution hints) in a run's properties, after any fill."""
        family = self.theme.mono.family if mono else self.theme.sans.family
        panose, pitch = FONT_HINTS.get(family, (None, "49" if mono else "34"))
        latin = rpr.find(qn("a:latin"))
        if latin is None:
            latin = etree.SubElement(rpr, qn("a:latin"))
        latin.set("typeface", family)
        if panose:
            latin.set("panose", panose)
        latin.set("pitchFamily", pitch)
        latin.set("charset", "0")

    def _style_rpr(self, rpr, role: str) -> None:
        if self.styled:
            fill = etree.SubElement(rpr, qn("a:solidFill"))
            etree.SubElement(fill, qn("a:srgbClr"), val=self.theme.color(role)[1:])
        self._typeface(rpr, mono=False)

    def _rect(self, slide, box: Box, role: str):
        shape = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, emu(box.x), emu(box.y), emu(box.w), emu(box.h)
        )
        shape.fill.solid()
        shape.fill.fore_color.rgb = self._rgb(role)
        shape.line.fill.background()
        shape.shadow.inherit = False
        shape.name = f"Decoration {shape.shape_id}"
        return shape

    def _rgb(self, role: str) -> RGBColor:
        return RGBColor.from_string(self.theme.color(role)[1:])

    @staticmethod
    def _title_first(slide, title) -> None:
        """Put the title first in the shape tree: screen readers read shapes in tree order."""
        if title is None:
            return
        tree = slide.shapes._spTree
        element = title._element
        first = next(
            e for e in tree.iterchildren() if e.tag not in (qn("p:nvGrpSpPr"), qn("p:grpSpPr"))
        )
        if first is not element:
            first.addprevious(element)

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

        folder = self.lecture.folder
        path, reason = resolve_inside(folder, relative)
        if path is None and reason.startswith("image not found"):
            reason = f"template not found: {folder / relative}"  # the loader speaks of images
        if path is None:
            line, col = self.lecture.line_of("pptx_template")
            located = self.lecture._located
            file = getattr(located, "file", "lecture.yaml")
            raise ContentError([Problem(file, line, col, "pptx_template", reason)])
        return path

    def _open(self):
        if self.template is None:
            prs = Presentation()
            self._theme_fonts_and_colours(prs)
        else:
            prs = _open_template(self.template)
            for sld_id in list(prs.slides._sldIdLst):  # the template's own slides go
                prs.part.drop_rel(sld_id.rId)
                prs.slides._sldIdLst.remove(sld_id)
            if (prs.slide_width, prs.slide_height) != (SLIDE_WIDTH, SLIDE_HEIGHT):
                self.warnings.append(
                    f"template {self.template.name} has {prs.slide_width / 914400:.2f} × "
                    f"{prs.slide_height / 914400:.2f} in slides; the deck is 16:9 "
                    "(13.33 × 7.5 in), so the layouts' own placeholder positions may not line up"
                )
        prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
        _count_partnames(prs.part.package)
        return prs

    def _layouts_by_name(self) -> dict[str, object]:
        found: dict[str, object] = {}
        for master in self.prs.slide_masters:
            for layout in master.slide_layouts:
                found.setdefault(layout.name.strip().lower(), layout)
        return found

    def _layout(self, kind: str):
        wanted = LAYOUTS[kind]
        for name in wanted:
            layout = self.layouts.get(name.lower())
            if layout is not None:
                if name != wanted[0] and kind not in self._warned_layouts:
                    self._warned_layouts.add(kind)
                    self.warnings.append(
                        f"template {self._template_name()} has no layout '{wanted[0]}'; "
                        f"using '{layout.name}' for {WHAT[kind]}"
                    )
                return layout
        layout = self.prs.slide_masters[0].slide_layouts[0]
        if kind not in self._warned_layouts:
            self._warned_layouts.add(kind)
            self.warnings.append(
                f"template {self._template_name()} has none of the layouts "
                f"{', '.join(repr(n) for n in wanted)}; using '{layout.name}' for {WHAT[kind]}"
            )
        return layout

    def _template_name(self) -> str:
        return self.template.name if self.template else "(default)"

    def _theme_fonts_and_colours(self, prs) -> None:
        """Name Lato (with substitution hints) and our colours in the master's theme."""
        part = prs.slide_master.part.part_related_by(RT.THEME)
        root = etree.fromstring(part.blob)
        a = "http://schemas.openxmlformats.org/drawingml/2006/main"
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
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

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
        pres = self.prs.part._element
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
                name=inline.plain(section.title),
                id="{" + str(guid).upper() + "}",
            )
            ids = etree.SubElement(element, f"{{{P14}}}sldIdLst")
            for number in sorted(numbers):
                etree.SubElement(ids, f"{{{P14}}}sldId", id=str(slide_ids[number]))

    def _properties(self) -> None:
        lecture = self.lecture
        props = self.prs.core_properties
        props.title = inline.plain(lecture.title)
        props.subject = inline.plain(lecture.subtitle) if lecture.subtitle else ""
        props.author = inline.plain(lecture.author) if lecture.author else ""
        props.last_modified_by = props.author
        props.language = lecture.language
        props.comments = ""
        props.keywords = ", ".join(inline.plain(t.title) for t in lecture.topics)[:255]
        props.revision = 1
        # Fixed timestamps: two builds of the same content must be byte-identical.
        stamp = _date_of(lecture.date)
        props.created = stamp
        props.modified = stamp
        props.last_printed = stamp


def _count_partnames(package) -> None:
    """Name new parts (notes slides, …) by counting instead of walking the whole package.

    python-pptx's next_partname walks every part for each new one: quadratic, most of the time
    of a 1,000-slide deck. Names already taken are read once per kind of part.
    """
    taken: dict[str, set[str]] = {}
    start: dict[str, int] = {}

    def next_partname(tmpl: str) -> PackURI:
        if tmpl not in taken:
            taken[tmpl] = {str(part.partname) for part in package.iter_parts()}
        n = start.get(tmpl, 1)
        while tmpl % n in taken[tmpl]:
            n += 1
        taken[tmpl].add(tmpl % n)
        start[tmpl] = n + 1
        return PackURI(tmpl % n)

    package.next_partname = next_partname


def _open_template(path: Path):
    """Open a .pptx (or .potx) template; a bad file is a BuildError naming it."""
    try:
        data = path.read_bytes()
        if path.suffix.lower() in (".potx", ".potm"):
            data = _potx_as_pptx(data)
        return Presentation(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise BuildError(f"pptx template {path}: not a PowerPoint file ({error})") from None


def _potx_as_pptx(data: bytes) -> bytes:
    """A PowerPoint template package relabelled as a presentation (python-pptx opens only those)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                blob = blob.replace(
                    b"presentationml.template.main+xml", b"presentationml.presentation.main+xml"
                )
            dst.writestr(info.filename, blob)
    return out.getvalue()


def _deterministic_zip(data: bytes) -> bytes:
    """The same package with fixed entry timestamps and attributes, entries in written order."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def _date_of(text: str | None) -> dt.datetime:
    """The lecture's date when it is an ISO date (2026-11-28), else a fixed epoch."""
    match = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})", text or "")
    if match:
        try:
            return dt.datetime(*map(int, match.groups()))
        except ValueError:
            pass
    return EPOCH


def _alt_text(alt: str, node, frame: Frame) -> str:
    """Alt text from the content (alt, caption or slide title), never a file path."""
    for candidate in (alt, getattr(node, "alt", None), getattr(node, "caption", None)):
        if candidate and candidate.strip() and not _looks_like_path(candidate):
            return inline.plain(" ".join(candidate.split()))
    title = inline.plain(frame.title)
    return f"{'Diagram' if isinstance(node, model.DiagramBase) else 'Picture'}: {title}"


def _xml_safe(text: str) -> str:
    """Text without the control characters XML cannot hold."""
    return _CONTROL.sub("", text)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _looks_like_path(text: str) -> bool:
    text = text.strip()
    return bool(
        re.fullmatch(r"[^\s]*[/\\][^\s]*|[^\s]+\.(png|jpe?g|gif|svg|webp|bmp|tiff?)", text, re.I)
    )
