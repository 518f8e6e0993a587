"""Placed frames: every frame of the deck plan as boxes in points, decided once for all outputs.

A `PlacedFrame` holds what a slide shows and where: its title and body text as measured
paragraphs (`Text`), pictures with their alt text (`Picture`), tables with their column widths
and row heights (`Table`), accent bars (`Decoration`), the footer and the slide number. The
renderers only serialise it: the PPTX writes each element with its template, and the other
outputs read the sizes and places they need from it.

Elements are in drawing order. Colours are the theme's roles (`text`, `accent`, …); an output
whose colours come from elsewhere (a user's PowerPoint template) leaves them out.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

import msgspec
from msgspec.structs import replace

from slides import inline, model
from slides.deck import Frame
from slides.inline import Span
from slides.place import geometry, paragraphs
from slides.place.fit import DISPLAY_TITLE_PT, Fitter
from slides.place.geometry import Box, PictureLayout
from slides.place.paragraphs import Para, text_spans
from slides.words import words

if TYPE_CHECKING:
    from slides.assets import Assets
    from slides.pptx_theme import TemplateLook
    from slides.render import Build
    from slides.theme import Theme

# The slide layout each kind of frame asks for (an output maps it to its own layouts).
LayoutKind = Literal["title", "agenda", "section", "text", "columns", "plain", "closing"]
FOOTER_PT = 12.0
NUMBER_W = 120.0  # the slide number's box, right-aligned at the margin
FOOTER_W = 600.0
TITLE_RULE = Box(geometry.MARGIN, geometry.TITLE_BOX[1] + geometry.TITLE_BOX[3] + 1, 72, 3)
SIDE_BAR = Box(0, 0, 20, geometry.SLIDE_H)  # the accent bar of the title and closing slides
UNDER_TITLE = Box(72, geometry.TITLE_SLIDE_BOX.bottom + 4, 96, 5)
EQUATION_PAD = 6.0  # points either side of an equation's measured width
LOGO_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff")


class Text(msgspec.Struct, frozen=True):
    """Paragraphs in a box, exactly as the fitter measured them.

    `slot` says what holds them: the slide's title, a body placeholder of the layout (when it
    has a free one), or a text box of its own.
    """

    box: Box
    paras: tuple[Para, ...]
    slot: Literal["title", "body", "box"] = "body"
    anchor: Literal["t", "ctr", "b"] = "t"
    name: str = ""  # what an editor calls the shape ("Footer", "Code"); "" for body text
    inset: float = 0.0  # inner margin on every side
    fill: str | None = None  # colour role of the box's background (code)
    field: Literal["slidenum"] | None = None  # a field the application keeps current
    builds: bool = False  # the body text an incremental slide shows click by click


class Picture(msgspec.Struct, frozen=True):
    """A picture file scaled into a box, with its alt text."""

    box: Box
    path: Path
    alt: str
    name: Literal["Picture", "Diagram", "Logo"]
    node: model.Image | model.DiagramBase | None = None  # what the lecture says (not the logo)
    caption: str | None = None  # the caption shown under it (None: none, or no room for it)
    caption_box: Box | None = None  # where that caption is set (a Text of its own on the slide)
    decorative: bool = False  # a repeat of what was said before (the logo): no alt text

    @property
    def drawn(self) -> model.DiagramBase | None:
        """The diagram when it is drawn from data (an output may draw it natively)."""
        node = self.node
        is_drawn = isinstance(node, model.DiagramBase) and node.source_path is None
        return node if is_drawn else None


class TableStyle(msgspec.Struct, frozen=True):
    """How every table looks, in the theme's colour roles; each output draws it from here."""

    header_fill: str = "accent"
    header_text: str = "accent_text"  # the header's text, bold
    bands: tuple[str, str] = ("background", "surface")  # body rows' fills, alternating
    rule: str = "background"  # the lines between cells: thin gaps that part the fills
    rule_pt: float = 1.0

    def fill(self, row: int) -> str:
        """The fill behind a row (0: the header)."""
        return self.header_fill if row == 0 else self.bands[(row - 1) % 2]


TABLE_STYLE = TableStyle()


class Table(msgspec.Struct, frozen=True):
    """A table: column widths, row heights (header first), a paragraph per cell, its style."""

    box: Box
    widths: tuple[float, ...]
    heights: tuple[float, ...]
    rows: tuple[tuple[Para, ...], ...]
    fills: tuple[str, ...]  # colour role behind each row
    style: TableStyle = TABLE_STYLE


class Decoration(msgspec.Struct, frozen=True):
    """A filled rectangle without outline (accent bars)."""

    box: Box
    role: str


Element = Text | Picture | Table | Decoration
E = TypeVar("E", Text, Picture, Table, Decoration)


class PlacedFrame(msgspec.Struct, frozen=True):
    """One slide, placed: its layout kind, title, elements in drawing order, background."""

    frame: Frame
    layout: LayoutKind
    title: Text
    elements: tuple[Element, ...]
    background: str | None = None  # colour role filling the whole slide

    @property
    def notes(self) -> str:
        return self.frame.notes


def place_deck(build: Build) -> list[PlacedFrame]:
    """Every frame of the build's deck plan, placed."""
    placer = _Placer(build.lecture, build.theme, build.template, build.assets)
    return [placer.frame(frame) for frame in build.deck.frames]


def place_title_slide(lecture: model.Lecture, theme: Theme) -> PlacedFrame:
    """The lecture's title slide, placed without the rest of its deck (the course index shows
    it), as a build without a PowerPoint template places it."""
    return _Placer(lecture, theme).frame(Frame("title", lecture.title, 1))


def mirrored(box: Box) -> Box:
    """A box mirrored across the slide's middle: where a right-to-left lecture has it."""
    return Box(geometry.SLIDE_W - box.x - box.w, box.y, box.w, box.h)


def _right_to_left(element: E) -> E:
    """An element as a right-to-left lecture shows it: mirrored across the slide (columns,
    footer, slide number, the title's rule), its paragraphs starting at the right. Code stays
    left to right; a diagram is drawn as it is, in its mirrored box."""
    box = mirrored(element.box)
    if isinstance(element, Text):
        if element.name == "Code":
            return replace(element, box=box)
        return replace(element, box=box, paras=tuple(map(_rtl_para, element.paras)))
    if isinstance(element, Picture):
        caption = mirrored(element.caption_box) if element.caption_box else None
        return replace(element, box=box, caption_box=caption)
    if isinstance(element, Table):
        rows = tuple(tuple(map(_rtl_para, reversed(row))) for row in element.rows)
        return replace(element, box=box, widths=element.widths[::-1], rows=rows)
    return replace(element, box=box)


def _rtl_para(para: Para) -> Para:
    flipped = {"left": "right", "right": "left"}.get(para.align, para.align)
    return replace(para, align=flipped, rtl=True)


def layout_kind(frame: Frame) -> LayoutKind:
    """The layout a frame asks for: content frames by what their body holds."""
    if frame.kind != "content":
        return frame.kind
    assert frame.slide is not None
    body = frame.slide.kind
    if body in ("bullets", "questions", "modules", "quote"):
        return "text"
    return "columns" if body == "columns" else "plain"


def alt_text(alt: str, node: model.Image | model.DiagramBase, frame: Frame, language: str) -> str:
    """Alt text from the content (alt, caption or slide title, in the lecture's language),
    never a file name."""
    for candidate in (alt, node.alt, node.caption):
        if candidate and candidate.strip() and not _PATHLIKE.fullmatch(candidate.strip()):
            return inline.plain(" ".join(candidate.split()))
    said = words(language)
    kind = said.diagram if isinstance(node, model.DiagramBase) else said.picture
    return kind.format(title=inline.plain(frame.title))


_PATHLIKE = re.compile(r"[^\s]*[/\\][^\s]*|[^\s]+\.(png|jpe?g|gif|svg|webp|bmp|tiff?)", re.I)


class _Placer:
    """Places the frames of one build, with the theme's fitter."""

    def __init__(
        self,
        lecture: model.Lecture,
        theme: Theme,
        template: TemplateLook | None = None,
        assets: Assets | None = None,
    ) -> None:
        self.lecture, self.theme, self.template = lecture, theme, template
        self._assets = assets  # the pictures: a title slide needs none
        self.fitter = Fitter.of(theme, template.boxes if template else None)

    @property
    def assets(self) -> Assets:
        assert self._assets is not None, "only a deck's title slide is placed without its pictures"
        return self._assets

    def frame(self, frame: Frame) -> PlacedFrame:
        place = {
            "title": self._title_slide,
            "agenda": self._agenda,
            "section": self._section,
            "content": self._content,
            "closing": self._closing,
        }[frame.kind]
        title, elements, background = place(frame)
        if frame.kind != "title" and self.theme.shows_logo(frame.kind):
            elements = [*elements, self._logo(geometry.FOOTER_LOGO_BOX, decorative=True)]
        if self.lecture.right_to_left:
            title, elements = _right_to_left(title), [_right_to_left(e) for e in elements]
        return PlacedFrame(frame, layout_kind(frame), title, tuple(elements), background)

    # -- frame kinds ------------------------------------------------------------------------

    def _title_slide(self, frame: Frame):
        lecture = self.lecture
        box = geometry.TITLE_SLIDE_BOX
        size, _ = self.fitter.title_pt(lecture.title, box, DISPLAY_TITLE_PT, 3)
        title = Text(box, (paragraphs.title_para(lecture.title, size),), "title", "b")
        bars = [Decoration(SIDE_BAR, "accent"), Decoration(UNDER_TITLE, "accent")]
        elements: list[Element] = [*bars, title]
        lines: list[Para] = []
        if lecture.subtitle:
            lines.append(Para(text_spans(lecture.subtitle), 26.0, gap=0))
        who = [x for x in (lecture.author, lecture.institution) if x]
        if lecture.author:
            lines.append(Para(text_spans(lecture.author), 20.0, bold=True, gap=14.0))
        if lecture.institution:
            lines.append(Para(text_spans(lecture.institution), 20.0, role="muted", gap=4.0))
        if lecture.date:
            gap = 4.0 if who else 14.0
            lines.append(Para(text_spans(lecture.date), 18.0, role="muted", gap=gap))
        if lines:
            elements.append(Text(geometry.SUBTITLE_BOX, tuple(lines)))
        if self.theme.shows_logo("title"):
            elements.append(self._logo(self.template_logo or geometry.LOGO_BOX))
        return title, elements, None

    def _agenda(self, frame: Frame):
        title, elements = self._content_title(frame.display_title)
        assert frame.listed is not None
        start, stop = frame.listed
        titles = [topic.title for topic in self.lecture.topics[start:stop]]
        paras = paragraphs.agenda_paras(titles, frame.body_pt, start + 1)
        elements.append(Text(self.fitter.boxes.body, tuple(paras)))
        return title, elements + self._footer(frame), None

    def _section(self, frame: Frame):
        assert frame.topic is not None
        label = Para((Span(frame.label),), 20.0, role="accent_text")
        box = geometry.SECTION_TITLE_BOX
        size, _ = self.fitter.title_pt(frame.title, box, DISPLAY_TITLE_PT, 3)
        para = replace(paragraphs.title_para(frame.title, size), role="accent_text")
        title = Text(box, (para,), "title", "t")
        return title, [Text(geometry.SECTION_LABEL_BOX, (label,)), title], "accent"

    def _closing(self, frame: Frame):
        box = geometry.TITLE_SLIDE_BOX
        size, _ = self.fitter.title_pt(frame.title, box, DISPLAY_TITLE_PT, 3)
        para = replace(paragraphs.title_para(frame.title, size), align="center")
        title = Text(box, (para,), "title", "b")
        elements: list[Element] = [Decoration(SIDE_BAR, "accent"), title]
        who = [x for x in (self.lecture.author, self.lecture.institution) if x]
        if who:
            lines = tuple(
                Para(text_spans(text), 20.0, role="muted", align="center", gap=4.0) for text in who
            )
            elements.append(Text(geometry.SUBTITLE_BOX, lines))
        return title, elements, None

    def _content(self, frame: Frame):
        content = frame.slide
        assert content is not None
        title, elements = self._content_title(frame.display_title)
        size = frame.body_pt
        box = self.fitter.boxes.body
        if content.columns is not None:
            for column, col_box in zip(content.columns, self.fitter.boxes.columns, strict=True):
                if column.bullets is not None:
                    paras = paragraphs.column_paras(column, size)
                    elements.append(Text(col_box, tuple(paras), builds=True))
                else:
                    node = column.image or column.diagram
                    assert node is not None
                    # Beside a bullets column, a picture lines up with the top of the text.
                    elements += self.picture_group(
                        frame, node, col_box, column.heading, size, centre=False
                    )
        elif content.image is not None or content.diagram is not None:
            node = content.image or content.diagram
            assert node is not None
            elements += self.picture_group(frame, node, box, None, size)
        elif content.table is not None:
            elements.append(self._table(content.table, box, size))
        elif content.code is not None:
            elements.append(self._code(content.code, box, size))
        elif content.quote is not None:
            elements += self._quote(content.quote, box, size)
        elif content.math is not None:
            elements += self._math(content.math, box, size)
        else:
            paras = paragraphs.slide_paras(content, size)
            elements.append(Text(box, tuple(paras), builds=True))
        return title, elements + self._footer(frame), None

    # -- pieces -----------------------------------------------------------------------------

    def _content_title(self, text: str) -> tuple[Text, list[Element]]:
        box = self.fitter.boxes.title
        size, _ = self.fitter.title_pt(text, box)
        title = Text(box, (paragraphs.title_para(text, size),), "title", "b")
        return title, [title, Decoration(TITLE_RULE, "accent")]

    def picture_layout(
        self,
        node: model.Image | model.DiagramBase,
        box: Box,
        heading: str | None,
        size: float,
        centre: bool = True,
    ) -> PictureLayout:
        """Heading, picture and caption in box; the picture alone if the caption leaves no room."""
        aspect = self.assets.picture(node).aspect
        found = self.fitter.picture_layout(
            box, aspect, node, heading, size, centre=centre
        ) or self.fitter.picture_layout(box, aspect, node, heading, size, 0.0, centre)
        if found is None:  # a caption taller than the whole box: show the picture alone
            found = PictureLayout(None, geometry.place_picture(box, aspect), None)
        return found

    def picture_group(
        self,
        frame: Frame,
        node: model.Image | model.DiagramBase,
        box: Box,
        heading: str | None,
        size: float,
        centre: bool = True,
    ) -> list[Element]:
        layout = self.picture_layout(node, box, heading, size, centre)
        out: list[Element] = []
        if layout.heading is not None and heading:
            para = Para(text_spans(heading), size, bold=True, role="heading")
            out.append(Text(layout.heading, (para,)))
        picture = self.assets.picture(node)
        name = "Diagram" if isinstance(node, model.DiagramBase) else "Picture"
        alt = alt_text(picture.alt, node, frame, self.lecture.language)
        caption = node.caption if layout.caption is not None and node.caption else None
        caption_box = layout.caption if caption else None
        out.append(Picture(layout.picture, picture.path, alt, name, node, caption, caption_box))
        if caption:
            out.append(Text(layout.caption, (paragraphs.caption_para(caption),)))
        return out

    def _quote(self, quote: model.Quote, box: Box, size: float) -> list[Element]:
        paras = paragraphs.quote_paras(quote, size)
        height = self.fitter.height(paras, box.w)
        top = box.y + (box.h - height) / 2
        bar = Decoration(Box(box.x, top, geometry.QUOTE_BAR_W, height), "accent")
        return [bar, Text(Box(box.x, top, box.w, height), tuple(paras))]

    def _math(self, math: model.Math, box: Box, size: float) -> list[Text]:
        """Each equation in a box of its own, as wide and tall as measured, centred; the
        caption below. (LibreOffice shows a PPTX formula only when it is a box's one paragraph.)
        """
        paras = paragraphs.math_paras(math, size)
        top = box.y + max(0.0, box.h - self.fitter.height(paras, box.w)) / 2
        out = []
        for i, para in enumerate(paras):
            top += para.gap if i else 0.0
            height = self.fitter.height([para], box.w)
            if para.spans[0].math:
                width = min(box.w, self.fitter.longest_word(para) + 2 * EQUATION_PAD)
                place = Box(box.x + (box.w - width) / 2, top, width, height)
                out.append(Text(place, (para,), "box", "ctr", "Equation"))
            else:
                out.append(Text(Box(box.x, top, box.w, height), (para,), "box", name="Caption"))
            top += height
        return out

    def _code(self, code: model.Code, box: Box, size: float) -> Text:
        paras = self.fitter.code_paras(code, size)
        pad = geometry.CODE_PAD
        height = self.fitter.height(paras, box.w - 2 * pad) + 2 * pad
        place = Box(box.x, box.y, box.w, min(height, box.h))
        return Text(place, tuple(paras), "box", name="Code", inset=pad, fill="surface")

    def _table(self, table: model.Table, box: Box, size: float) -> Table:
        widths, heights = self.fitter.table_layout(table, size, box.w)
        rows = []
        for r, row in enumerate([table.header, *table.rows]):
            cells = [paragraphs.cell_para(text, size, header=r == 0) for text in row]
            if r == 0:
                cells = [replace(para, role=TABLE_STYLE.header_text) for para in cells]
            rows.append(tuple(cells))
        fills = tuple(TABLE_STYLE.fill(r) for r in range(len(rows)))
        place = Box(box.x, box.y, box.w, sum(heights))
        return Table(place, tuple(widths), tuple(heights), tuple(rows), fills, TABLE_STYLE)

    def _footer(self, frame: Frame) -> list[Element]:
        """The lecture's footer text and the slide number."""
        y, h = geometry.FOOTER_Y, geometry.FOOTER_H
        out: list[Element] = []
        if self.lecture.footer:
            para = Para(text_spans(self.lecture.footer), FOOTER_PT, role="muted")
            box = self._clear(Box(geometry.MARGIN, y, FOOTER_W, h))
            out.append(Text(box, (para,), "box", "ctr", "Footer"))
        number = Para((Span(str(frame.number)),), FOOTER_PT, role="muted", align="right")
        box = self._clear(Box(geometry.SLIDE_W - geometry.MARGIN - NUMBER_W, y, NUMBER_W, h))
        out.append(Text(box, (number,), "box", "ctr", "Slide Number", field="slidenum"))
        return out

    def _clear(self, box: Box) -> Box:
        """A box clear of a PowerPoint template's logo and decorations."""
        for obstacle in self.template.obstacles if self.template else ():
            box = geometry.clear_of(box, obstacle)
        return box

    @cached_property
    def template_logo(self) -> Box | None:
        """The box of the logo a PowerPoint template's master shows on every slide, when that
        logo is the theme's (slides.pptx_theme): the title slide's logo goes exactly there in
        every output."""
        template = self.template
        if template is None or template.logo is None or self.theme.logo is None:
            return None
        if self.theme.logo.read_bytes() != template.logo.data:
            return None
        return template.logo.box

    def _logo(self, area: Box, decorative: bool = False) -> Picture:
        """The theme's logo in an area: top right of the title slide, with its alt text; in the
        footer of every other slide (logo_on: every), as decoration: a screen reader has
        heard it once, and 30 repeats of "… logo" would only hide the slides' own words."""
        logo = self.theme.logo
        assert logo is not None
        box = area
        if logo.suffix.lower() in LOGO_TYPES:
            from PIL import Image

            with Image.open(logo) as img:
                w, h = img.size
            box = geometry.place_picture(area, w / h)
        lecture = self.lecture
        alt = "" if decorative else self.theme.logo_alt(lecture.institution, lecture.language)
        return Picture(box, logo, alt, "Logo", decorative=decorative)
