"""Text that fits, measured at build time with the theme font's real metrics.

The geometry of a content slide lives here, in points on a 960 × 540 pt (16:9) slide, so that
the PPTX renderer places text exactly where it was measured and the HTML deck (1280 × 720 px,
1 pt = 4/3 px) and the handout scale the same boxes.

A slide body is laid out as `Para`s (one per paragraph: its spans, size, indent, bullet, gap
before it). The fitter wraps them with measured word widths, tries body sizes 28 → 18 pt, and
splits a slide that cannot fit at 18 pt into continued parts. The PPTX renderer writes the very
same `Para`s, so what was measured is what is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from slides import model
from slides.errors import Problem
from slides.inline import Span, parse, plain

SLIDE_W, SLIDE_H = 960.0, 540.0  # points; 13.333 × 7.5 inches
MARGIN = 48.0
TITLE_BOX = (MARGIN, 28.0, SLIDE_W - 2 * MARGIN, 72.0)  # x, y, w, h
BODY_BOX = (MARGIN, 112.0, SLIDE_W - 2 * MARGIN, 380.0)
FOOTER_Y = 508.0
FOOTER_H = 20.0
COLUMN_GAP = 36.0
MAX_BODY_PT, MIN_BODY_PT = 28.0, 18.0
SIZES = (28.0, 26.0, 24.0, 22.0, 20.0, 18.0)  # body sizes tried, largest first
LINE_SPACING = 1.2  # line height as a multiple of the font size
PARAGRAPH_GAP = 0.35  # extra space before each paragraph, in lines
INDENT = 0.9  # per nesting level, in ems
QUOTE_INDENT = 24.0  # points: room for the quote's accent bar
BULLETS = ("•", "–", "◦")  # bullet character per nesting level (repeats after the last)

TITLE_MAX_PT, TITLE_MIN_PT = 36.0, 24.0
TITLE_FLOOR_PT = 18.0  # a title that cannot fit two lines at 24 pt shrinks to here, with a warning
TITLE_LINE_SPACING = 1.1
TITLE_MAX_LINES = 2
TITLE_CLEARANCE = 8.0  # points kept free under the title text

CAPTION_PT = 18.0  # captions under pictures: one size everywhere
CAPTION_GAP = 8.0  # between a picture and its caption
MIN_PICTURE_SHARE = 0.4  # a picture keeps at least this share of its box's height
CODE_PAD = 12.0  # inner padding of the code box
CODE_MAX_PT = 24.0  # code and tables look oversized at 28 pt
TABLE_MAX_PT = 24.0
CELL_PAD_X, CELL_PAD_Y = 6.0, 4.0
FLOOR_PT = 10.0  # content that cannot be split shrinks no further than this
SAFETY = 0.98  # wrap width share: room for other renderers' slightly different metrics
AGENDA_SIZES = (*SIZES, 16.0, 14.0, 12.0)  # a long agenda may go below the body minimum

# The title, section and closing slides (x, y, w, h in points like the boxes above).
DISPLAY_TITLE_PT = (44.0, 28.0)  # largest and smallest title size there, up to 3 lines
QUOTE_BAR_W = 6.0  # the accent bar left of a quotation


@dataclass(frozen=True)
class Box:
    """A rectangle in points from the slide's top-left corner."""

    x: float
    y: float
    w: float
    h: float

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w


TITLE_SLIDE_BOX = Box(72.0, 110.0, 816.0, 190.0)  # title of the title and closing slides
SUBTITLE_BOX = Box(72.0, 322.0, 816.0, 170.0)  # subtitle, author, institution, date
SECTION_LABEL_BOX = Box(72.0, 170.0, 816.0, 30.0)  # "Part 2 of 7"
SECTION_TITLE_BOX = Box(72.0, 206.0, 816.0, 160.0)
LOGO_BOX = Box(760.0, 28.0, 152.0, 64.0)  # the theme's logo, top right of the title slide


def body_box() -> Box:
    """The box that holds a content slide's body."""
    return Box(*BODY_BOX)


def title_box() -> Box:
    """The box that holds a content slide's title text.

    TITLE_BOX less a strip at its bottom, so descenders clear the accent rule drawn below.
    """
    x, y, w, h = TITLE_BOX
    return Box(x, y, w, h - TITLE_CLEARANCE)


def column_boxes() -> tuple[Box, Box]:
    """The two boxes of a two-column slide, side by side inside BODY_BOX."""
    x, y, w, h = BODY_BOX
    half = (w - COLUMN_GAP) / 2
    return Box(x, y, half, h), Box(x + half + COLUMN_GAP, y, half, h)


@dataclass(frozen=True)
class Para:
    """One paragraph as laid out: what the renderer writes and the fitter measured."""

    spans: tuple[Span, ...]
    size: float  # points
    left: float = 0.0  # where the text starts, from the box's left edge (points)
    bullet: str | None = None  # drawn in the hanging indent just left of `left`
    bold: bool = False  # applied on top of the spans' own styles
    italic: bool = False
    mono: bool = False  # code: monospace font, whitespace kept
    role: str = "text"  # theme colour name
    align: str = "left"  # left, center, right
    gap: float = 0.0  # space before the paragraph (points; ignored on the first)
    spacing: float = LINE_SPACING
    level: int = 0  # outline level (bullets)

    @property
    def line(self) -> float:
        """Line height in points."""
        return self.size * self.spacing

    @property
    def hang(self) -> float:
        """Width of the hanging indent that holds the bullet."""
        return INDENT * self.size if self.bullet else 0.0


def text_spans(text: str) -> tuple[Span, ...]:
    """Inline spans of prose text, whitespace (line breaks too) collapsed to single spaces."""
    return parse(" ".join(text.split()))


# --- paragraphs of each slide kind -----------------------------------------------------------


def bullet_paras(items: Sequence[model.BulletItem], size: float, level: int = 0) -> list[Para]:
    """Nested bullets: one paragraph per bullet, indented and marked per level."""
    paras: list[Para] = []
    for item in items:
        bullet = model.as_bullet(item)
        paras.append(
            Para(
                text_spans(bullet.text),
                size,
                left=INDENT * size * (level + 1),
                bullet=BULLETS[level % len(BULLETS)],
                gap=PARAGRAPH_GAP * size * LINE_SPACING,
                level=level,
            )
        )
        paras += bullet_paras(bullet.items, size, level + 1)
    return paras


def question_paras(questions: Sequence[model.Question], size: float) -> list[Para]:
    """Question in bold, the answer below it, the example in muted italics."""
    lh = size * LINE_SPACING
    paras: list[Para] = []
    for q in questions:
        paras.append(Para(text_spans(q.question), size, bold=True, role="heading", gap=0.8 * lh))
        indent = INDENT * size
        paras.append(Para(text_spans(q.answer), size, left=indent, gap=0.15 * lh, level=1))
        if q.example:
            paras.append(
                Para(
                    text_spans(q.example),
                    size,
                    left=indent,
                    italic=True,
                    role="muted",
                    gap=0.15 * lh,
                    level=1,
                )
            )
    return paras


def module_paras(modules: Sequence[model.Module], start: int, size: float) -> list[Para]:
    """Numbered modules (1. …) with numbered sub-items (1.1 …)."""
    lh = size * LINE_SPACING
    paras: list[Para] = []
    for i, module in enumerate(modules):
        n = start + i
        number = Span(f"{n}. ", bold=True)
        paras.append(
            Para((number, *text_spans(module.title)), size, bold=True, role="heading", gap=0.6 * lh)
        )
        for j, item in enumerate(module.items, start=1):
            paras.append(
                Para(
                    (Span(f"{n}.{j}  ", bold=True), *text_spans(item)),
                    size,
                    left=INDENT * size * 1.5,
                    gap=0.2 * lh,
                    level=1,
                )
            )
    return paras


def quote_paras(quote: model.Quote, size: float) -> list[Para]:
    """The quotation in italics, the attribution right-aligned below."""
    spans = (Span("“"), *text_spans(quote.text), Span("”"))
    paras = [Para(spans, size, left=QUOTE_INDENT, italic=True, spacing=1.3)]
    if quote.attribution:
        paras.append(
            Para(
                (Span("— "), *text_spans(quote.attribution)),
                round(size * 0.8, 1),
                left=QUOTE_INDENT,
                role="muted",
                align="right",
                gap=0.8 * size * LINE_SPACING,
            )
        )
    return paras


def code_lines(code: model.Code) -> list[str]:
    """The code's lines, tabs expanded, trailing blank lines dropped."""
    return code.source.expandtabs(4).rstrip().split("\n")


def code_paras(code: model.Code, size: float) -> list[Para]:
    """One monospace paragraph per source line, whitespace kept."""
    return [
        Para((Span(line, code=True),) if line else (), size, mono=True)
        for line in (line.rstrip() for line in code_lines(code))
    ]


def agenda_paras(titles: Sequence[str], size: float) -> list[Para]:
    """The agenda: topics numbered 1, 2, …"""
    return [
        Para(
            (Span(f"{i}  ", bold=True), *text_spans(title)),
            size,
            gap=0.5 * size * LINE_SPACING,
        )
        for i, title in enumerate(titles, start=1)
    ]


def column_heading(column: model.Column, size: float) -> list[Para]:
    """A column's optional heading."""
    if not column.heading:
        return []
    return [Para(text_spans(column.heading), size, bold=True, role="heading")]


def column_paras(column: model.Column, size: float) -> list[Para]:
    """A bullets column: its heading, then its bullets."""
    return column_heading(column, size) + bullet_paras(column.bullets or [], size)


def slide_paras(slide: model.Slide, size: float) -> list[Para]:
    """The paragraphs of a text slide's body (bullets, questions, modules, quote, code)."""
    if slide.bullets is not None:
        return bullet_paras(slide.bullets, size)
    if slide.questions is not None:
        return question_paras(slide.questions, size)
    if slide.modules is not None:
        return module_paras(slide.modules, slide.start, size)
    if slide.quote is not None:
        return quote_paras(slide.quote, size)
    if slide.code is not None:
        return code_paras(slide.code, size)
    return []


def place_picture(area: Box, aspect: float) -> Box:
    """The largest box of the given aspect ratio (width / height) inside area, centred."""
    w = min(area.w, area.h * aspect)
    h = w / aspect
    return Box(area.x + (area.w - w) / 2, area.y + (area.h - h) / 2, w, h)


@dataclass(frozen=True)
class PictureLayout:
    """Where a picture, its caption and an optional heading go inside a box."""

    heading: Box | None
    picture: Box
    caption: Box | None


# --- the fitter ------------------------------------------------------------------------------


Measure = Callable[..., float]


class Fitter:
    """Chooses a body size for each slide and splits slides that cannot fit at the minimum."""

    def __init__(self, measure: Measure) -> None:
        self.measure = measure  # measure(text, size_pt, bold, mono, italic=False) -> points
        self._unit: dict[tuple[str, bool, bool, bool], float] = {}
        self._wrapped: dict[tuple, list[tuple[str, float]]] = {}

    @classmethod
    def for_theme(cls, theme_name: str) -> Fitter:
        """A fitter measuring with the theme's fonts (shared, so measurements are cached once).

        Shared per theme content, not name: an edited theme or font gets a fitter of its own.
        """
        from slides.cache import theme_digest

        return _fitter(theme_name, theme_digest(theme_name))

    # -- measuring --------------------------------------------------------------------------

    def width(self, text: str, size: float, bold=False, italic=False, mono=False) -> float:
        """Width of text in points; measured once at a reference size, then scaled."""
        key = (text, bold, italic, mono)
        unit = self._unit.get(key)
        if unit is None:
            unit = self.measure(text, 100.0, bold, mono, italic=italic) / 100.0
            self._unit[key] = unit
        return unit * size

    def wrap(self, para: Para, width: float) -> list[tuple[str, float]]:
        """Lines of a paragraph wrapped greedily at spaces within width: (text, width) pairs.

        A word wider than the line is broken between characters, as PowerPoint does.
        """
        # Splitting measures the same paragraphs many times: remember each wrap.
        key = (para.spans, para.size, para.bold, para.italic, para.mono, para.left, width)
        found = self._wrapped.get(key)
        if found is None:
            found = self._wrapped[key] = self._wrap(para, width)
        return found

    def _wrap(self, para: Para, width: float) -> list[tuple[str, float]]:
        avail = max(1.0, width - para.left) * SAFETY
        size = para.size
        space = self.width(" ", size, para.bold, para.italic, para.mono)
        lines: list[tuple[str, float]] = []
        text, used, started = "", 0.0, False
        for word, pieces in _words(para):
            w = sum(self.width(t, size, b, i, m) for t, b, i, m in pieces)
            if started:
                if used + space + w <= avail:
                    text, used = f"{text} {word}", used + space + w
                    continue
                lines.append((text, used))
                text, used, started = "", 0.0, False
                if not word:
                    continue  # spaces at a wrap hang at the end of the line, as in PowerPoint
            if w <= avail:
                text, used, started = word, w, True
                continue
            # An unbreakable word wider than the line: break it between characters.
            for t, b, i, m in pieces:
                for ch in t:
                    cw = self.width(ch, size, b, i, m)
                    if used + cw > avail and text:
                        lines.append((text, used))
                        text, used = "", 0.0
                    text, used, started = text + ch, used + cw, True
        lines.append((text, used))
        return lines

    def height(self, paras: Sequence[Para], width: float) -> float:
        """Height in points of paragraphs stacked in a box of the given width."""
        total = 0.0
        for i, para in enumerate(paras):
            if i:
                total += para.gap
            total += len(self.wrap(para, width)) * para.line
        return total

    # -- titles -------------------------------------------------------------------------------

    def title_pt(
        self,
        title: str,
        box: Box | None = None,
        sizes: tuple[float, float] = (TITLE_MAX_PT, TITLE_MIN_PT),
        max_lines: int = TITLE_MAX_LINES,
    ) -> tuple[float, bool]:
        """The largest title size (even points) at which the bold title fits the box.

        Returns (size, fits): fits is False when even the floor size needs more than
        max_lines lines (the title then shrinks further, down to TITLE_FLOOR_PT).
        """
        box = box or title_box()
        hi, lo = sizes
        size = hi
        while size >= TITLE_FLOOR_PT:
            para = self.title_para(title, size)
            lines = len(self.wrap(para, box.w))
            if lines * para.line <= box.h and (lines <= max_lines or size < lo):
                return size, size >= lo
            size -= 2.0
        return TITLE_FLOOR_PT, False

    def agenda_pt(self, titles: Sequence[str]) -> float:
        """The largest size at which the numbered topic list fits the body box."""
        box = body_box()
        for size in AGENDA_SIZES:
            if self.height(agenda_paras(titles, size), box.w) <= box.h:
                return size
        return AGENDA_SIZES[-1]

    @staticmethod
    def title_para(title: str, size: float) -> Para:
        """A title as one bold paragraph."""
        return Para(text_spans(title), size, bold=True, role="heading", spacing=TITLE_LINE_SPACING)

    # -- slides ---------------------------------------------------------------------------------

    def fit(self, slide: model.Slide, where: str) -> tuple[list[tuple[model.Slide, float]], list]:
        """[(slide or part of it, body size in points)] and any warnings."""
        warnings: list[Problem] = []
        size = self._best(slide)
        if not self._pictures_have_room(slide):
            warnings.append(
                warning(
                    where,
                    f"slide '{_short(slide.title)}': a caption is so long that it leaves the "
                    f"picture less than {MIN_PICTURE_SHARE:.0%} of its box; shorten it",
                )
            )
        if size is not None:
            parts = [(slide, size)]
        else:
            parts = self._split(slide)
            if len(parts) > 1:
                warnings.append(
                    warning(
                        where,
                        f"slide '{_short(slide.title)}' does not fit at {MIN_BODY_PT:g} pt; "
                        f"split into {len(parts)} continued slides",
                    )
                )
            small = min(size for _, size in parts)
            if not all(self.fits(part, size) for part, size in parts):
                warnings.append(
                    Problem(
                        "", 0, 0, where,
                        f"slide '{_short(slide.title)}' cannot fit on slides even at "
                        f"{FLOOR_PT:g} pt; shorten its text or split it into several slides",
                    )
                )  # fmt: skip
            elif small < MIN_BODY_PT:
                warnings.append(
                    warning(
                        where,
                        f"slide '{_short(slide.title)}' does not fit at {MIN_BODY_PT:g} pt and "
                        f"cannot be split further; shown at {small:g} pt — shorten it",
                    )
                )
        # Continued parts get " (2/3)" after the title: measure the longest form.
        suffix = f" ({len(parts)}/{len(parts)})" if len(parts) > 1 else ""
        _, fits = self.title_pt(slide.title + suffix)
        if not fits:
            warnings.append(
                warning(
                    where,
                    f"title '{_short(slide.title)}' needs more than {TITLE_MAX_LINES} lines "
                    f"at {TITLE_MIN_PT:g} pt; shorten it",
                )
            )
        return parts, warnings

    def fits(self, slide: model.Slide, size: float) -> bool:
        """Whether the slide's body fits its box at this body size."""
        box = body_box()
        if slide.columns is not None:
            return all(
                self._column_fits(column, size, col_box)
                for column, col_box in zip(slide.columns, column_boxes(), strict=True)
            )
        if slide.image is not None or slide.diagram is not None:
            return True  # a picture scales to the room its caption leaves
        if slide.table is not None:
            return sum(self.table_layout(slide.table, size, box.w)[1]) <= box.h
        if slide.code is not None:
            inner = box.w - 2 * CODE_PAD
            return self.height(code_paras(slide.code, size), inner) + 2 * CODE_PAD <= box.h
        return self.height(slide_paras(slide, size), box.w) <= box.h

    def _sizes(self, slide: model.Slide) -> tuple[float, ...]:
        cap = {"code": CODE_MAX_PT, "table": TABLE_MAX_PT}.get(slide.kind, MAX_BODY_PT)
        return tuple(s for s in SIZES if s <= cap)

    def _best(self, slide: model.Slide, floor: float = MIN_BODY_PT) -> float | None:
        sizes = self._sizes(slide)
        if floor < MIN_BODY_PT:
            sizes += tuple(s for s in _range(MIN_BODY_PT - 1, floor) if s < MIN_BODY_PT)
        return next((s for s in sizes if self.fits(slide, s)), None)

    def _column_fits(self, column: model.Column, size: float, box: Box) -> bool:
        if column.bullets is not None:
            return self.height(column_paras(column, size), box.w) <= box.h
        return True  # a picture column: the picture scales to the room left

    def _pictures_have_room(self, slide: model.Slide) -> bool:
        """Whether every picture keeps MIN_PICTURE_SHARE of its box beside heading and caption."""
        if slide.image is not None or slide.diagram is not None:
            return self.picture_layout(body_box(), 16 / 9, slide.image or slide.diagram) is not None
        for column, box in zip(slide.columns or [], column_boxes(), strict=False):
            node = column.image or column.diagram
            if node is not None and not self.picture_layout(box, 16 / 9, node, column.heading):
                return False
        return True

    def picture_layout(
        self,
        box: Box,
        aspect: float,
        node: model.Image | model.DiagramBase | None,
        heading: str | None = None,
        heading_pt: float = MAX_BODY_PT,
        min_share: float = MIN_PICTURE_SHARE,
        centre: bool = True,
    ) -> PictureLayout | None:
        """Heading, picture and caption inside box, the group centred vertically (or on top).

        None when the caption and heading leave the picture less than min_share of the box.
        """
        top, head_box = box.y, None
        if heading:
            para = Para(text_spans(heading), heading_pt, bold=True, role="heading")
            hh = self.height([para], box.w)
            head_box = Box(box.x, box.y, box.w, hh)
            top += hh + CAPTION_GAP
        caption_h = 0.0
        if node is not None and node.caption:
            caption_h = self.height([caption_para(node.caption)], box.w)
        room = box.bottom - top - (caption_h + CAPTION_GAP if caption_h else 0.0)
        if room < min_share * box.h or room <= 0:
            return None
        pic = place_picture(Box(box.x, top, box.w, room), aspect)
        # Pull picture and caption together and centre the pair in the room left over.
        spare = room - pic.h
        pic = Box(pic.x, top + (spare / 2 if centre else 0.0), pic.w, pic.h)
        caption = None
        if caption_h:
            caption = Box(box.x, pic.bottom + CAPTION_GAP, box.w, caption_h)
        return PictureLayout(head_box, pic, caption)

    def table_layout(
        self, table: model.Table, size: float, width: float
    ) -> tuple[list[float], list[float]]:
        """Column widths and row heights (header first) of a table at a body size."""
        n = len(table.header)
        rows = [table.header, *table.rows]
        natural = [0.0] * n
        longest = [0.0] * n
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                para = cell_para(cell, size, header=r == 0)
                natural[c] = max(natural[c], self.wrap(para, 1e9)[0][1])
                longest[c] = max(longest[c], self._longest_word(para))
        # Widths a cell needs so that wrap() (which keeps a SAFETY share) puts it on one line.
        pad = 2 * CELL_PAD_X
        natural = [w / SAFETY + pad + 1 for w in natural]
        minimum = [w / SAFETY + pad + 1 for w in longest]
        widths = _share(width, natural, minimum)
        heights = []
        for r, row in enumerate(rows):
            lines = max(
                len(self.wrap(cell_para(cell, size, header=r == 0), w - pad))
                for cell, w in zip(row, widths, strict=True)
            )
            heights.append(lines * size * LINE_SPACING + 2 * CELL_PAD_Y)
        return widths, heights

    def _longest_word(self, para: Para) -> float:
        return max(
            sum(self.width(t, para.size, b, i, m) for t, b, i, m in pieces)
            for _, pieces in _words(para)
        )

    # -- splitting ----------------------------------------------------------------------------

    def _explode(self, slide: model.Slide) -> model.Slide:
        """Break a bullet or code line too long for a slide of its own into pieces that fit.

        Splitting goes by whole bullets and lines; one that alone overflows the box is cut at
        word boundaries (bullets, continued with "…") or hard-wrapped (code), so it can
        continue on the next slide instead of running off this one.
        """
        if slide.bullets is not None:
            items: list[model.BulletItem] = []
            for item in slide.bullets:
                bullet = model.as_bullet(item)
                alone = slide.model_copy(update={"bullets": [bullet.text]})
                if self.fits(alone, MIN_BODY_PT):
                    items.append(item)
                    continue
                pieces = _pieces(
                    bullet.text.split(),
                    lambda text: self.fits(
                        slide.model_copy(update={"bullets": [text + " …"]}), MIN_BODY_PT
                    ),
                )
                items += [piece + " …" for piece in pieces[:-1]]
                items.append(bullet.model_copy(update={"text": pieces[-1]}))
            return slide.model_copy(update={"bullets": items})
        if slide.code is not None:
            inner = body_box().w - 2 * CODE_PAD
            per_line = int(inner // self.width("M", MIN_BODY_PT, mono=True))
            while (
                per_line > 8
                and len(
                    self.wrap(code_paras(model.Code(source="M" * per_line), MIN_BODY_PT)[0], inner)
                )
                > 1
            ):
                per_line -= 1  # the measured wrap has the last word: one line each
            lines = []
            for line in code_lines(slide.code):
                lines += [line[i : i + per_line] for i in range(0, len(line), per_line)] or [""]
            return slide.model_copy(
                update={"code": slide.code.model_copy(update={"source": "\n".join(lines)})}
            )
        return slide

    def _split(self, slide: model.Slide) -> list[tuple[model.Slide, float]]:
        """Continued parts that each fit at the minimum size, balanced in height."""
        slide = self._explode(slide)
        units = _units(slide)
        if units is None or len(units[0]) < 2:
            return [(slide, self._best(slide, FLOOR_PT) or FLOOR_PT)]
        items, make = units

        def ok(chunk: Sequence) -> bool:
            return self.fits(make(chunk, offset=0), MIN_BODY_PT)

        # The fewest parts first (greedy), then as even as they can be: equal counts if
        # those fit, else the smallest count per part that needs no more parts.
        groups = _greedy(items, ok)
        k, n = len(groups), len(items)
        even = [list(items[i * n // k : (i + 1) * n // k]) for i in range(k)]
        best = even if all(ok(chunk) for chunk in even) else groups
        if best is groups:
            for limit in range(-(-n // k), n):
                tried = _greedy(items, lambda chunk, limit=limit: len(chunk) <= limit and ok(chunk))
                if len(tried) <= k:
                    best = tried
                    break
        parts, offset = [], 0
        for chunk in best:
            parts.append(make(chunk, offset=offset))
            offset += len(chunk)
        sizes = [self._best(p) or self._best(p, FLOOR_PT) or FLOOR_PT for p in parts]
        common = min(sizes)  # one size across the parts of a slide reads as one slide
        return [(p, common) for p in parts]


def caption_para(caption: str) -> Para:
    """A picture caption: centred, muted, CAPTION_PT."""
    return Para(text_spans(caption), CAPTION_PT, role="muted", align="center")


def cell_para(cell: str, size: float, header: bool = False) -> Para:
    """One table cell's paragraph."""
    return Para(text_spans(cell) if cell.strip() else (), size, bold=header)


def warning(where: str, message: str) -> Problem:
    """A deck-plan warning about the slide at key path `where`."""
    return Problem("", 0, 0, where, message, "warning")


def _share(width: float, natural: list[float], minimum: list[float]) -> list[float]:
    """Column widths summing to width: shares of natural width, none below its minimum.

    Columns that would get less than their longest word are fixed at that width and the rest
    is shared again among the others (as browsers lay out automatic tables).
    """
    if sum(minimum) >= width:  # even the longest words do not fit: shrink them alike
        return [width * m / sum(minimum) for m in minimum]
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(natural)) if i not in fixed]
        room = width - sum(fixed.values())
        total = sum(natural[i] for i in free)
        shares = {i: room * natural[i] / total for i in free}
        short = {i: minimum[i] for i, w in shares.items() if w < minimum[i]}
        if not short:
            return [fixed.get(i, shares.get(i, 0.0)) for i in range(len(natural))]
        fixed.update(short)


def _range(hi: float, lo: float) -> list[float]:
    sizes, s = [], hi
    while s >= lo:
        sizes.append(s)
        s -= 1.0
    return sizes


def _short(title: str, limit: int = 48) -> str:
    """A title as messages quote it: plain text, cut to a readable length."""
    text = plain(title)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pieces(words: list[str], ok: Callable[[str], bool]) -> list[str]:
    """Consecutive runs of words, each as long as ok() allows (at least one word)."""
    pieces: list[str] = []
    start = 0
    while start < len(words):
        lo, hi = start + 1, len(words)
        while lo < hi:  # the longest run from start that fits: binary search
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if ok(" ".join(words[start:mid])) else (lo, mid - 1)
        pieces.append(" ".join(words[start:lo]))
        start = lo
    return pieces


def _greedy(items: Sequence, ok: Callable[[Sequence], bool]) -> list[list]:
    """Contiguous groups, each as long as ok() allows (at least one item)."""
    groups: list[list] = []
    current: list = []
    for item in items:
        if current and not ok([*current, item]):
            groups.append(current)
            current = []
        current.append(item)
    if current:
        groups.append(current)
    return groups


def _units(slide: model.Slide):
    """The units a slide splits into and a function building a part from some of them."""
    if slide.bullets is not None:
        return slide.bullets, lambda chunk, offset: slide.model_copy(update={"bullets": chunk})
    if slide.questions is not None:
        return slide.questions, lambda chunk, offset: slide.model_copy(update={"questions": chunk})
    if slide.modules is not None:
        return slide.modules, lambda chunk, offset: slide.model_copy(
            update={"modules": chunk, "start": slide.start + offset}
        )
    if slide.table is not None:
        table = slide.table
        return table.rows, lambda chunk, offset: slide.model_copy(
            update={"table": table.model_copy(update={"rows": chunk})}
        )
    if slide.code is not None:
        code = slide.code
        return code_lines(code), lambda chunk, offset: slide.model_copy(
            update={"code": code.model_copy(update={"source": "\n".join(chunk)})}
        )
    if slide.columns is not None:
        return _column_units(slide)
    return None


def _column_units(slide: model.Slide):
    """Two columns split together: bullets columns by top-level item, a picture repeats."""
    columns = slide.columns or []
    lists = [c.bullets for c in columns if c.bullets is not None]
    if not lists:
        return None
    longest = max(len(b) for b in lists)
    # Unit i holds the i-th top-level bullet of each bullets column.
    units = list(range(longest))

    def make(chunk: Sequence[int], offset: int) -> model.Slide:
        parts = []
        for column in columns:
            if column.bullets is None:
                parts.append(column)
            else:
                parts.append(
                    column.model_copy(
                        update={
                            "bullets": [column.bullets[i] for i in chunk if i < len(column.bullets)]
                        }
                    )
                )
        return slide.model_copy(update={"columns": parts})

    return units, make


def _words(para: Para) -> list[tuple[str, list[tuple[str, bool, bool, bool]]]]:
    """Words of a paragraph with their styled pieces (a word may mix styles: **bold**,)."""
    words: list[tuple[str, list]] = []
    text: list[str] = []
    pieces: list[tuple[str, bool, bool, bool]] = []
    started = False
    for span in para.spans:
        style = (
            para.bold or span.bold,
            para.italic or span.italic,
            para.mono or span.code,
        )
        for k, chunk in enumerate(span.text.split(" ")):
            if k:
                words.append(("".join(text), pieces))
                text, pieces = [], []
            started = True
            if chunk:
                text.append(chunk)
                pieces.append((chunk, *style))
    if started:
        words.append(("".join(text), pieces))
    if not para.mono:
        # Prose: runs of spaces were collapsed; drop empty words from leading/trailing spaces.
        words = [w for w in words if w[0]]
    return words or [("", [])]


@cache
def _fitter(theme_name: str, content: str) -> Fitter:
    return Fitter(_measurer(theme_name))


def _measurer(theme_name: str) -> Measure:
    """Widths as slides.fonts measures them: the widest of the theme font and its substitutes."""
    from slides.fonts import measurer

    widths = measurer(theme_name)

    def measure(
        text: str, size_pt: float, bold: bool = False, mono: bool = False, italic: bool = False
    ) -> float:
        return widths.width(text, size_pt, bold, italic, mono)

    return measure
