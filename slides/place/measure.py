"""Measuring text with the theme's fonts: word widths and wrapped lines of paragraphs.

Widths come from the font files themselves (Pillow/FreeType), so a line measured here breaks
where PowerPoint, LibreOffice and the browser break it. Measured once per word and style at a
reference size, then scaled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from slides import tex
from slides.place.paragraphs import Para

Measure = Callable[..., float]  # measure(text, size_pt, bold, mono, italic=False) -> points
MATH = ("inline", "display")  # the `mono` of a formula's piece (see `words`)
SAFETY = 0.98  # wrap width share: room for other renderers' slightly different metrics


class TextMeasure:
    """Widths, wrapped lines and heights of paragraphs, remembered once measured."""

    def __init__(self, measure: Measure) -> None:
        self.measure = measure
        self._unit: dict[tuple[str, bool, bool, bool], float] = {}
        self._wrapped: dict[tuple, list[tuple[str, float]]] = {}

    def width(self, text: str, size: float, bold=False, italic=False, mono=False) -> float:
        """Width of text in points; measured once at a reference size, then scaled."""
        key = (text, bold, italic, mono)
        unit = self._unit.get(key)
        if unit is None and mono in MATH:  # a formula: `mono` says inline or display
            unit = self._unit[key] = tex.formula(text, mono == "display").width
        if unit is None:
            unit = self.measure(text, 100.0, bold, mono, italic=italic) / 100.0
            self._unit[key] = unit
        return unit * size

    def wrap(self, para: Para, width: float) -> list[tuple[str, float]]:
        """Lines of a paragraph wrapped greedily at spaces within width: (text, width) pairs.

        A word wider than the line is broken between characters, as PowerPoint does.
        """
        # Splitting measures the same paragraphs many times: remember each wrap.
        key = (
            para.spans,
            para.size,
            para.bold,
            para.italic,
            para.mono,
            para.left,
            para.lead,
            width,
        )
        found = self._wrapped.get(key)
        if found is None:
            found = self._wrapped[key] = self._wrap(para, width)
        return found

    def _wrap(self, para: Para, width: float) -> list[tuple[str, float]]:
        avail = max(1.0, width - para.left) * SAFETY
        # The first line starts `lead` further left, so it has that much more room (code).
        first_avail = avail + para.lead * SAFETY
        size = para.size
        space = self.width(" ", size, para.bold, para.italic, para.mono)
        lines: list[tuple[str, float]] = []
        text, used, started = "", 0.0, False
        for word, pieces in words(para):
            w = sum(self.width(t, size, b, i, m) for t, b, i, m in pieces)
            if started:
                if used + space + w <= (avail if lines else first_avail):
                    text, used = f"{text} {word}", used + space + w
                    continue
                lines.append((text, used))
                text, used, started = "", 0.0, False
                if not word:
                    continue  # spaces at a wrap hang at the end of the line, as in PowerPoint
            if w <= (avail if lines else first_avail):
                text, used, started = word, w, True
                continue
            # An unbreakable word wider than the line: break it between characters.
            for t, b, i, m in pieces:
                for ch in [t] if m in MATH else t:  # a formula is never broken
                    cw = self.width(ch, size, b, i, m)
                    if used + cw > (avail if lines else first_avail) and text:
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

    def within(self, paras: Sequence[Para], width: float, limit: float) -> bool:
        """Whether paragraphs stacked in a box of this width are at most `limit` tall.

        Every paragraph takes a line at least: when even that is too tall (a long agenda at its
        larger sizes), nothing is wrapped. Summed as `height` sums, so never above it.
        """
        least = 0.0
        for i, para in enumerate(paras):
            if i:
                least += para.gap
            least += para.line
        return least <= limit and self.height(paras, width) <= limit

    def longest_word(self, para: Para) -> float:
        return max(
            sum(self.width(t, para.size, b, i, m) for t, b, i, m in pieces)
            for _, pieces in words(para)
        )


def words(para: Para) -> list[tuple[str, list[tuple[str, bool, bool, bool]]]]:
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
        if span.math:  # a formula is one unbreakable piece, measured by slides.tex
            started = True
            text.append(span.text)
            pieces.append((span.text, style[0], style[1], span.math))
            continue
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
def theme_measure(theme: Path, content: str) -> Measure:
    """Widths as slides.fonts measures them: the widest of the theme font and its substitutes.

    One per theme content (its digest: an edited font is new).
    """
    from slides.fonts import measurer

    widths = measurer(theme)

    def measure(
        text: str, size_pt: float, bold: bool = False, mono: bool = False, italic: bool = False
    ) -> float:
        return widths.width(text, size_pt, bold, italic, mono)

    return measure
