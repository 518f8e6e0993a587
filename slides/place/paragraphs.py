"""Paragraphs of each slide kind, as laid out: what the fitter measures and the outputs show.

A slide body is a list of `Para`s (one per paragraph: its spans, size, indent, bullet, gap
before it). The fitter wraps them with measured word widths; the PPTX writes the very same
`Para`s, so what was measured is what is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import msgspec
from msgspec.structs import replace

from slides import model, tex
from slides.inline import Span, parse

LINE_SPACING = 1.2  # line height as a multiple of the font size
PARAGRAPH_GAP = 0.35  # extra space before each paragraph, in lines
INDENT = 0.9  # per nesting level, in ems
QUOTE_INDENT = 24.0  # points: room for the quote's accent bar
BULLETS = ("•", "–", "◦")  # bullet character per nesting level (repeats after the last)
TITLE_LINE_SPACING = 1.1
CAPTION_PT = 18.0  # captions under pictures: one size everywhere


class Para(msgspec.Struct, frozen=True):
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
    lead: float = 0.0  # the first line starts this far left of `left`, its spans filling it (code)
    mark: str | None = None  # colour role behind the text (highlighted code lines)
    rtl: bool = False  # runs right to left: starts at the box's right edge, `left` from there

    @property
    def line(self) -> float:
        """Line height in points: taller where a formula (a fraction, a sum) needs it."""
        return self.size * max(self.spacing, math_lines(self.spans))

    @property
    def hang(self) -> float:
        """Width of the hanging indent: the bullet's, or the first line's lead."""
        return INDENT * self.size if self.bullet else self.lead


@lru_cache(maxsize=4096)
def math_lines(spans: tuple[Span, ...]) -> float:
    """The line height (in ems) the tallest formula among spans needs; 0 without formulas."""
    heights = [tex.formula(s.text, s.math == "display").height for s in spans if s.math]
    return max(heights, default=0.0) + 0.2 if heights else 0.0


def text_spans(text: str) -> tuple[Span, ...]:
    """Inline spans of prose text, whitespace (line breaks too) collapsed to single spaces."""
    return parse(" ".join(text.split()))


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


MATH_GAP = 0.5  # space between displayed equations, in lines


def math_paras(math: model.Math, size: float) -> list[Para]:
    """Displayed equations, centred, one paragraph each (a box each on the PPTX slide)."""
    return [
        Para(
            (Span(" ".join(eq.split()), math="display"),), size, align="center", gap=MATH_GAP * size
        )
        for eq in math.equations
    ] + ([replace(caption_para(math.caption), gap=size)] if math.caption else [])


def agenda_paras(titles: Sequence[str], size: float, first: int = 1) -> list[Para]:
    """The agenda, or a part of it: topics numbered first, first + 1, …"""
    return [
        Para(
            (Span(f"{i}  ", bold=True), *text_spans(title)),
            size,
            gap=0.5 * size * LINE_SPACING,
        )
        for i, title in enumerate(titles, start=first)
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
    """The paragraphs of a text slide's body (bullets, questions, modules, quote)."""
    if slide.bullets is not None:
        return bullet_paras(slide.bullets, size)
    if slide.questions is not None:
        return question_paras(slide.questions, size)
    if slide.modules is not None:
        return module_paras(slide.modules, slide.start, size)
    if slide.quote is not None:
        return quote_paras(slide.quote, size)
    if slide.math is not None:
        return math_paras(slide.math, size)
    return []


def title_para(title: str, size: float) -> Para:
    """A title as one bold paragraph."""
    return Para(text_spans(title), size, bold=True, role="heading", spacing=TITLE_LINE_SPACING)


def caption_para(caption: str) -> Para:
    """A picture caption: centred, muted, CAPTION_PT."""
    return Para(text_spans(caption), CAPTION_PT, role="muted", align="center")


def cell_para(cell: str, size: float, header: bool = False) -> Para:
    """One table cell's paragraph."""
    return Para(text_spans(cell) if cell.strip() else (), size, bold=header)
