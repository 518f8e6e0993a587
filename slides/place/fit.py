"""Text that fits: a body size for each slide, and slides split where they cannot fit.

The fitter tries body sizes 28 → 18 pt with text measured by the theme's fonts
(`slides.place.measure`), and splits a slide that cannot fit at 18 pt into continued parts;
the deck plan (`slides.deck`) asks it once per slide. Titles get the largest size that fits
their box in at most two lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from slides import inline, model
from slides.errors import Problem
from slides.inline import plain
from slides.place import code as code_layout
from slides.place import cutting
from slides.place.geometry import (
    CAPTION_GAP,
    CELL_PAD_X,
    CELL_PAD_Y,
    CODE_PAD,
    Box,
    PictureLayout,
    SlideBoxes,
    place_picture,
)
from slides.place.measure import SAFETY, TextMeasure, theme_measure

if TYPE_CHECKING:
    from slides.theme import Font, Theme
from slides.place.paragraphs import (
    LINE_SPACING,
    Para,
    agenda_paras,
    caption_para,
    cell_para,
    column_paras,
    slide_paras,
    text_spans,
    title_para,
)

MAX_BODY_PT, MIN_BODY_PT = 28.0, 18.0
SIZES = (28.0, 26.0, 24.0, 22.0, 20.0, 18.0)  # body sizes tried, largest first
TITLE_MAX_PT, TITLE_MIN_PT = 36.0, 24.0
TITLE_FLOOR_PT = 18.0  # a title that cannot fit two lines at 24 pt shrinks to here, with a warning
TITLE_MAX_LINES = 2
MIN_PICTURE_SHARE = 0.4  # a picture keeps at least this share of its box's height
CODE_MAX_PT = 24.0  # code and tables look oversized at 28 pt
TABLE_MAX_PT = 24.0
FLOOR_PT = 10.0  # content that cannot be split shrinks no further than this
# The agenda's text is never smaller than a slide's body (read from the back of the room): a
# list too long for one slide at MIN_BODY_PT continues on the next.
AGENDA_SIZES = SIZES
# The title, section and closing slides: largest and smallest title size, up to 3 lines.
DISPLAY_TITLE_PT = (44.0, 28.0)


class Fitter(TextMeasure):
    """Chooses a body size for each slide and splits slides that cannot fit at the minimum."""

    @classmethod
    def for_theme(cls, theme: str | Path) -> Fitter:
        """A fitter measuring with the theme's fonts (shared, so measurements are cached once);
        `theme` is its folder or a built-in theme's name.

        Shared per theme content, not name: an edited theme or font gets a fitter of its own.
        """
        from slides.cache import theme_digest
        from slides.theme import theme_path

        folder = theme_path(theme)
        return _fitter(folder, theme_digest(folder))

    boxes = SlideBoxes.of()  # a content slide's title, body and columns

    @classmethod
    def of(cls, theme: Theme, boxes: SlideBoxes | None = None) -> Fitter:
        """A fitter measuring with this theme's fonts into these boxes: a PowerPoint template
        (slides.pptx_theme) may name other fonts than the theme.yaml, and other boxes."""
        from slides.theme import load_theme

        own = load_theme(theme.folder)
        if (theme.sans, theme.mono) == (own.sans, own.mono) and boxes in (None, cls.boxes):
            return cls.for_theme(theme.folder)
        return _restyled_fitter(theme.folder, theme.sans, theme.mono, boxes or cls.boxes)

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
        box = box or self.boxes.title
        hi, lo = sizes
        size = hi
        while size >= TITLE_FLOOR_PT:
            para = title_para(title, size)
            lines = len(self.wrap(para, box.w))
            if lines * para.line <= box.h and (lines <= max_lines or size < lo):
                return size, size >= lo
            size -= 2.0
        return TITLE_FLOOR_PT, False

    def agenda(self, titles: Sequence[str]) -> tuple[float, list[tuple[int, int]]]:
        """The agenda's body size and its parts, each a slice (start, stop) of the topics.

        One slide at the largest size that fits, down to the agenda's floor; a list that is
        too long even then continues over the fewest slides on which an even split fits at
        the floor, all at the largest size at which every part fits.
        """
        box = self.boxes.body

        def fit(parts: list[tuple[int, int]], size: float) -> bool:
            return all(
                self.within(agenda_paras(titles[a:b], size, a + 1), box.w, box.h) for a, b in parts
            )

        for count in range(1, max(len(titles), 1) + 1):
            parts = even_parts(len(titles), count)
            if fit(parts, AGENDA_SIZES[-1]):
                return next(size for size in AGENDA_SIZES if fit(parts, size)), parts
        return AGENDA_SIZES[-1], even_parts(len(titles), len(titles))  # a title too long alone

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
        box = self.boxes.body
        if slide.columns is not None:
            return all(
                self._column_fits(column, size, col_box)
                for column, col_box in zip(slide.columns, self.boxes.columns, strict=True)
            )
        if slide.image is not None or slide.diagram is not None:
            return True  # a picture scales to the room its caption leaves
        if slide.table is not None:
            return sum(self.table_layout(slide.table, size, box.w)[1]) <= box.h
        if slide.code is not None:
            inner = box.w - 2 * CODE_PAD
            return self.height(self.code_paras(slide.code, size), inner) + 2 * CODE_PAD <= box.h
        return self.within(slide_paras(slide, size), box.w, box.h)

    def code_paras(self, code: model.Code, size: float) -> list[Para]:
        """The code's paragraphs at a size, indented by the mono font's own character width."""
        return code_layout.code_paras(code, size, self.width(" ", 1.0, mono=True))

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
            return self.within(column_paras(column, size), box.w, box.h)
        return True  # a picture column: the picture scales to the room left

    def _pictures_have_room(self, slide: model.Slide) -> bool:
        """Whether every picture keeps MIN_PICTURE_SHARE of its box beside heading and caption."""
        if slide.image is not None or slide.diagram is not None:
            return (
                self.picture_layout(self.boxes.body, 16 / 9, slide.image or slide.diagram)
                is not None
            )
        for column, box in zip(slide.columns or [], self.boxes.columns, strict=False):
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
                longest[c] = max(longest[c], self.longest_word(para))
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

    # -- splitting ----------------------------------------------------------------------------

    def _explode(self, slide: model.Slide) -> model.Slide:
        """Break a bullet too long for a slide of its own into pieces that fit.

        Splitting goes by whole bullets; one that alone overflows the box is cut at word
        boundaries (continued with "…"), so it can continue on the next slide instead of
        running off this one. (Long code lines wrap with a hanging indent instead.)
        """
        if slide.bullets is not None:
            items: list[model.BulletItem] = []
            for item in slide.bullets:
                bullet = model.as_bullet(item)
                alone = model.replace(slide, bullets=[bullet.text])
                if self.fits(alone, MIN_BODY_PT):
                    items.append(item)
                    continue
                pieces = cutting.pieces(
                    inline.words(bullet.text),  # never inside a formula
                    lambda text: self.fits(
                        model.replace(slide, bullets=[text + " …"]), MIN_BODY_PT
                    ),
                )
                items += [piece + " …" for piece in pieces[:-1]]
                items.append(model.replace(bullet, text=pieces[-1]))
            return model.replace(slide, bullets=items)
        return slide

    def _split(self, slide: model.Slide) -> list[tuple[model.Slide, float]]:
        """Continued parts that each fit at the minimum size, balanced in height."""
        slide = self._explode(slide)
        units = self._code_units(slide) if slide.code is not None else cutting.units(slide)
        if units is None or len(units[0]) < 2:
            return [(slide, self._best(slide, FLOOR_PT) or FLOOR_PT)]
        items, make = units

        def ok(chunk: Sequence) -> bool:
            return self.fits(make(chunk, offset=0), MIN_BODY_PT)

        # The fewest parts first (greedy), then as even as they can be: equal counts if
        # those fit, else the smallest count per part that needs no more parts.
        groups = cutting.greedy(items, ok)
        k, n = len(groups), len(items)
        even = [list(items[i * n // k : (i + 1) * n // k]) for i in range(k)]
        best = even if all(ok(chunk) for chunk in even) else groups
        if best is groups:
            for limit in range(-(-n // k), n):
                tried = cutting.greedy(
                    items, lambda chunk, limit=limit: len(chunk) <= limit and ok(chunk)
                )
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

    def _code_units(self, slide: model.Slide):
        """Code splits between blocks (a block too long for a slide alone: between its lines).

        Units are (index of the first line, lines); a part keeps the numbers of its lines.
        """
        code = slide.code
        assert code is not None

        def fits(lines: list[str]) -> bool:
            source = "\n".join(lines) or " "
            part = model.replace(slide, code=model.replace(code, source=source))
            return self.fits(part, MIN_BODY_PT)

        units: list[tuple[int, list[str]]] = []
        start = 0
        for block in code_layout.split_units(code):
            if fits(block):
                units.append((start, block))
            else:  # line by line; a line taller than a slide alone is cut into pieces
                for k, line in enumerate(block):
                    units += [
                        (start + k, [piece]) for piece in cutting.cut(line, lambda t: fits([t]))
                    ]
            start += len(block)

        def make(chunk: Sequence[tuple[int, list[str]]], offset: int) -> model.Slide:
            lines = [line for _, block in chunk for line in block]
            first = chunk[0][0]
            while len(lines) > 1 and not lines[0].strip():  # a part starts with code
                lines, first = lines[1:], first + 1
            update = {"source": "\n".join(lines), "first_line": code.first_line + first}
            return model.replace(slide, code=model.replace(code, **update))

        return units, make


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


def even_parts(total: int, count: int) -> list[tuple[int, int]]:
    """`total` items in `count` runs (start, stop) whose lengths differ by one at most, the
    longer runs first: 11 in 3 is 4, 4, 3."""
    size, extra = divmod(total, count)
    stops = [(i + 1) * size + min(i + 1, extra) for i in range(count)]
    return list(zip([0, *stops[:-1]], stops, strict=True))


def _short(title: str, limit: int = 48) -> str:
    """A title as messages quote it: plain text, cut to a readable length."""
    text = plain(title)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@cache
def _fitter(theme: Path, content: str) -> Fitter:
    return Fitter(theme_measure(theme, content))


@cache
def _restyled_fitter(theme: Path, sans: Font, mono: Font, boxes: SlideBoxes) -> Fitter:
    """A fitter for a theme whose text fonts a template replaced (its fallbacks stay), with
    the template's boxes."""
    from dataclasses import replace

    from slides.fonts import Measurer
    from slides.theme import load_theme

    widths = Measurer(replace(load_theme(theme), sans=sans, mono=mono))
    fitter = Fitter(
        lambda text, size, bold=False, mono=False, italic=False: widths.width(
            text, size, bold, italic, mono
        )
    )
    fitter.boxes = boxes
    return fitter
