"""Text in a diagram's shapes: measured with the theme's fonts as the painter draws them,
wrapped, and shrunk (or cut) until it fits its area."""

from __future__ import annotations

import itertools
import math
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import msgspec

from slides import inline, model
from slides.diagrams.shapes import LINE_HEIGHT, MIN_TEXT, SCALE, Line, Rect, TextBlock
from slides.diagrams.style import Style
from slides.fonts import Measurer, line_metrics

if TYPE_CHECKING:
    from PIL import ImageFont


@lru_cache(maxsize=256)
def _font(path: Path | None, size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont  # a painted diagram only (--pptx-diagrams picture)

    if path is None:  # no theme font: Pillow's bundled scalable font still measures and draws
        return ImageFont.load_default(size=size)  # type: ignore[return-value]
    return ImageFont.truetype(str(path), size)


class Fonts:
    """The theme's regular and bold faces, measured at the size the painter draws them.

    The painter draws `zoom` pixels per unit at SCALE× supersampling, with whole-pixel font
    sizes; measuring with the very same fonts keeps the text where the layout put it. With a
    theme, a text is as wide as the widest font a viewer may show it in (slides.fonts), so a
    label fits its shape in the PPTX wherever it is opened, not only in the picture; when no
    picture is painted (`painted` False), that width alone: Pillow's shaping was half of a
    layout's CPU, for a picture nobody sees.
    """

    def __init__(
        self,
        regular: Path | None,
        bold: Path | None,
        zoom: float = 1.0,
        widest: Measurer | None = None,
        painted: bool = True,
    ) -> None:
        self.regular, self.bold = regular, bold or regular
        self.zoom = zoom
        self.widest = widest
        self.pillow_too = painted or widest is None  # with no viewers' fonts, Pillow measures
        self._widths: dict[tuple[str, int, bool], float] = {}  # layouts try many box sizes
        # Each text's wraps, with the range of line widths over which the lines stay the same.
        self.wraps: dict[tuple[str, int, bool, bool], list[tuple[float, float, list[str]]]] = {}

    @classmethod
    def of(cls, style: Style, zoom: float = 1.0) -> Fonts:
        return cls(style.regular, style.bold, zoom, style.widest, style.painted)

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
            widest = self.widest.width(text, size, bold) if self.widest is not None else 0.0
            if self.pillow_too:
                found = max(self.font(size, bold).getlength(text) / (self.zoom * SCALE), widest)
            else:
                found = widest
            self._widths[key] = found
        return found

    def at_least(self, text: str, size: int, bold: bool) -> float:
        """A width the text is at least, found without Pillow: its width when known, else the
        viewers' widest font's (`width` is the larger of that and Pillow's)."""
        known = self._widths.get((text, size, bold))
        if known is not None:
            return known
        return self.widest.width(text, size, bold) if self.widest is not None else 0.0

    def fits(self, text: str, size: int, bold: bool, room: float) -> bool:
        """Whether `width(text, size, bold) <= room`."""
        return self.measure_in(text, size, bold, room)[0]

    def measure_in(self, text: str, size: int, bold: bool, room: float) -> tuple[bool, float]:
        """Whether the text fits `room`, and its width; when it does not fit, possibly only a
        width it is at least: a text the viewers' widest font already makes too wide is not
        shaped by Pillow (its width is the larger of the two)."""
        widest = self.widest  # its widths are remembered by the measurer
        if widest is not None and (text, size, bold) not in self._widths:
            least = widest.width(text, size, bold)
            if least > room:
                return False, least
        width = self.width(text, size, bold)
        return width <= room, width


class Para(msgspec.Struct, frozen=True):
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


def _wrap(
    text: str, width: float, size: int, bold: bool, fonts: Fonts, cut: bool = True
) -> list[str]:
    """Greedy word wrap that never breaks a word inside: a word wider than the line is cut to
    what fits, ending in '…' (the full text stays in the alt text).

    Measuring a shape's height (cut=False), such a word counts as the lines its pieces would
    fill, so a shape sized for text that is later shown smaller is as tall as it always was.
    """
    # Layouts wrap a text at many widths. The greedy wrap's lines depend only on which trials
    # fit, so they hold for every width from the widest accepted trial up to (not including)
    # the narrowest rejected one: remembered with that range, they are the same lines.
    known = fonts.wraps.setdefault((text, size, bold, cut), [])
    for low, high, lines in known:
        if low <= width < high:
            return list(lines)
    lines = []
    current = ""
    low, high, whole = 0.0, math.inf, True
    for word in text.split():
        trial = f"{current} {word}" if current else word
        fits, measured = fonts.measure_in(trial, size, bold, width)
        if fits:
            low, current = max(low, measured), trial
            continue
        high = min(high, measured)
        if current:
            lines.append(current)
        current = word
        fits, measured = fonts.measure_in(word, size, bold, width)
        if fits:
            low = max(low, measured)
        else:
            whole = False  # the cut or pieces depend on the width itself
            if cut:
                current = _cut(word, width, size, bold, fonts)
            else:
                lines += _pieces(word, width, size, bold, fonts)
                current = lines.pop()
    if current or not lines:
        lines.append(current)
    if whole:
        known.append((low, high, lines))
    return list(lines)


def _pieces(word: str, width: float, size: int, bold: bool, fonts: Fonts) -> list[str]:
    """The word in pieces of at most `width` (each but the last with a hyphen): the lines a
    word too wide for its line would fill, for measuring only."""
    pieces = []
    while len(word) > 1 and not fonts.fits(word, size, bold, width):  # a letter stays whole
        end = len(word) - 1
        while end > 1 and not fonts.fits(word[:end] + "-", size, bold, width):
            end -= 1
        pieces.append(word[:end] + "-")
        word = word[end:]
    return [*pieces, word]


def _cut(text: str, width: float, size: int, bold: bool, fonts: Fonts) -> str:
    """The text shortened until it and a closing '…' fit `width` (at least the '…')."""
    text = text.rstrip()
    while text and not fonts.fits(text + "…", size, bold, width):
        text = text[:-1].rstrip()
    return text + "…"


BULLET = "•  "


def _set_lines(
    paras: list[Para], width: float, size: int, fonts: Fonts, cut: bool = True
) -> list[tuple[Para, int, list[str], float]]:
    """Each paragraph wrapped at `size`: (para, its size, lines, indent of bullet lines)."""
    out = []
    for para in paras:
        psize = max(MIN_TEXT, round(size * para.scale))
        indent = fonts.width(BULLET, psize, para.bold) if para.bullet else 0.0
        lines = _wrap(para.text, width - indent, psize, para.bold, fonts, cut)
        out.append((para, psize, lines, indent))
    return out


def _breaks_words(paras: list[Para], width: float, size: int, fonts: Fonts) -> bool:
    """Whether a word of the paragraphs is wider than a line of `width` at `size`."""
    for para in paras:
        psize = max(MIN_TEXT, round(size * para.scale))
        indent = fonts.width(BULLET, psize, para.bold) if para.bullet else 0.0
        if not all(fonts.fits(w, psize, para.bold, width - indent) for w in para.text.split()):
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

    The largest size that fits with every word whole wins; only when none does is a word too
    wide for the box cut short, or, at MIN_TEXT, the lines that do not fit left out. A word is
    never broken inside (what reads as two words). `truncated` says that text was cut.
    """
    sizes = [*range(max(max_size, MIN_TEXT), MIN_TEXT, -2), MIN_TEXT]  # MIN_TEXT even from odd
    for size in sizes:  # else MIN_TEXT, which shows the most of the text that is cut
        placed = _set_lines(paras, area.w, size, fonts)
        if _height(placed) <= area.h and not _breaks_words(paras, area.w, size, fonts):
            break
    truncated = _breaks_words(paras, area.w, size, fonts)
    if _height(placed) > area.h:
        truncated = True  # the full text stays in the alt text; the drawing shows what fits
        while placed and _height(placed) > area.h:
            para, psize, lines, indent = placed[-1]
            if len(lines) > 1:
                placed[-1] = (para, psize, lines[:-1], indent)
            else:
                placed.pop()
        if placed:  # the last line shown says that more was left out
            para, psize, lines, indent = placed[-1]
            if not lines[-1].endswith("…"):
                last = _cut(lines[-1], area.w - indent, psize, para.bold, fonts)
                placed[-1] = (para, psize, [*lines[:-1], last], indent)
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
    """The height of the paragraphs wrapped to `width` at `size`, for sizing a shape."""
    return _height(_set_lines(paras, width, size, fonts, cut=False))


def same_size(blocks: list[TextBlock], fonts: Fonts) -> list[TextBlock]:
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
