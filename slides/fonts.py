"""Text widths as viewers will see them, and the fonts that draw each character.

A deck is measured at build time but shown wherever it is opened. A viewer without the theme
font shows one of the theme's `substitutes` instead (Arial, DejaVu Sans, Noto Sans), and any
viewer draws the characters the font lacks (CJK, Arabic, emoji) with a fallback font. So a text
is as wide as the widest of those faces draws it, each with the theme's fallbacks for the
characters it lacks; text measured so fits whichever font the viewer has.

Without a substitute's files (a machine without the Debian font packages), the theme font's
width times the substitute's `width` factor stands in for it: conservative, never a crash.
"""

from __future__ import annotations

import logging
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from slides import model, stored
from slides.errors import Problem
from slides.theme import Fallback, Font, Theme, load_theme, theme_path

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont
    from PIL import ImageFont

REFERENCE_PT = 100.0  # widths are measured at this size and scaled
BITMAP_PX = 109  # colour emoji fonts (CBDT) have this one strike only


class Face(msgspec.Struct, frozen=True):
    """One way the text may be drawn: a font (or the theme font scaled by a factor)."""

    font: Font
    scale: float = 1.0  # a stand-in for a substitute whose files are missing


class Measurer:
    """Widths of text in points: the widest of the theme font and its substitutes."""

    def __init__(self, theme: Theme) -> None:
        self.theme = theme
        self.fallbacks = [f.font for f in theme.fallbacks]
        # Widths at REFERENCE_PT: fitting tries one text at many sizes, and every output
        # measures the same labels again.
        self._widths: dict[tuple[str, bool, bool, bool], float] = {}
        self._slots: dict[str, list] = {}  # the fallbacks of each slot (ea, cs)

    def faces(self, mono: bool) -> list[Face]:
        """The theme font and the faces a viewer may show instead of it."""
        own = self.theme.mono if mono else self.theme.sans
        faces = [Face(own)]
        for sub in self.theme.substitutes.get("mono" if mono else "sans", ()):
            faces.append(Face(sub.font) if sub.font.regular else Face(own, sub.width))
        return faces

    def width(
        self, text: str, size: float, bold: bool = False, italic: bool = False, mono: bool = False
    ) -> float:
        """The widest any of the faces draws `text` at `size` points."""
        key = (text, bold, italic, mono)
        found = self._widths.get(key)
        if found is None:
            faces = self.faces(mono)
            found = self._widths[key] = max(
                self._face_width(face, text, bold, italic) for face in faces
            )
        return found * (size / REFERENCE_PT)

    def _face_width(self, face: Face, text: str, bold: bool, italic: bool) -> float:
        total = 0.0
        for font, run in self.runs(face.font, text):
            total += _length(font.file(bold, italic) if font else None, run)
        return total * face.scale

    def runs(self, font: Font, text: str) -> Iterator[tuple[Font | None, str]]:
        """Runs of text with the font that draws them: `font`, else the first fallback that has
        the character (None when no font has it)."""
        own = _characters(font.regular)
        if own is not None and own.issuperset(text):
            yield font, text  # the common case: no fallback needed
            return
        current: Font | None = font
        start = 0
        for i, ch in enumerate(text):
            chosen = self.font_for(ch, font)
            if i and chosen != current:
                yield current, text[start:i]
                start = i
            current = chosen
        if text:
            yield current, text[start:]

    def font_for(self, ch: str, first: Font | None = None) -> Font | None:
        """The font that draws a character: `first` (the theme font) or a fallback.

        Marks, spaces and invisible format characters go with the text around them.
        """
        first = first or self.theme.sans
        if _invisible(ch):
            return first
        for font in (first, *self.fallbacks):
            found = _charset(font.regular)
            if found is not None and ord(ch) in found:
                return font
        return None

    def files(self) -> list[str]:
        """The substitutes' and fallbacks' files found here: measurements depend on which."""
        subs = [s.font for kind in self.theme.substitutes.values() for s in kind]
        return [str(f) for font in (*subs, *self.fallbacks) for f in font.files]

    def missing(self, text: str) -> list[str]:
        """Characters of text no font of the theme (own, fallbacks) can draw, each once."""
        own = _characters(self.theme.sans.regular) or frozenset()
        if own.issuperset(text):  # most text, looked at in C
            return []
        others = dict.fromkeys(ch for ch in text if ch not in own)  # the theme font's: drawn
        return [ch for ch in others if self.font_for(ch) is None]

    def slot_font(self, text: str, slot: str, language: str) -> str | None:
        """The fallback family the PPTX names for a slot (ea, cs) in a lecture of `language`:
        the first of that slot that has the text's characters, else the first of that slot."""
        fonts = self._slots.get(slot)
        if fonts is None:
            fonts = self._slots[slot] = [f for f in self.theme.fallbacks if f.slot == slot]
        if not text or max(text) <= "\u02ff":  # most texts: no lookup (every run asks)
            return fonts[0].family(language) if fonts else None
        beyond_latin = {ord(ch) for ch in text if ch > "\u02ff"}
        for fallback in fonts:
            found = _charset(fallback.font.regular)
            if found is not None and any(code in found for code in beyond_latin):
                return fallback.family(language)
        return fonts[0].family(language) if fonts else None

    def slot_runs(self, text: str, language: str, latin: str) -> list[tuple[str, dict[str, str]]]:
        """The text in the runs the PPTX writes it in, each with the families it names for East
        Asian and complex-script characters (a:ea, a:cs): one run, unless its a:cs font lacks
        characters it would draw.

        The a:cs font draws a run's right-to-left letters and the digits and punctuation among
        them. Noto Sans Hebrew has neither digits nor punctuation, and LibreOffice then takes
        them from its colour emoji font, whose digits its PDFs leave out; Hebrew letters in a
        run that names Noto Sans Arabic have no glyphs at all. Such characters go in runs of
        their own, naming the complex-script fallback that has them, else `latin` (the run's
        Latin font) when the theme font has them.
        """
        slots = {slot: f for slot in ("ea", "cs") if (f := self.slot_font(text, slot, language))}
        if "cs" not in slots or max(text, default="") <= "\u02ff":
            return [(text, slots)]
        fallbacks = [(f, _charset(f.font.regular) or frozenset()) for f in self._slots["cs"]]
        own = _characters(self.theme.sans.regular) or frozenset()

        def script_font(ch: str) -> tuple[Fallback, frozenset[int]] | None:
            """The complex-script fallback of a strong letter that needs one; None for Latin."""
            if ch > "\u02ff" or unicodedata.bidirectional(ch) in ("R", "AL"):
                return next((f for f in fallbacks if ord(ch) in f[1]), None)
            return None

        strong = [ch for ch in text if unicodedata.bidirectional(ch) in ("L", "R", "AL")]
        context = script_font(strong[0]) if strong else None  # weak text first: as what follows
        pieces: list[list] = []  # [text, a:cs family or None (whatever the run names)]
        for ch in text:
            family = None
            if unicodedata.bidirectional(ch) in ("L", "R", "AL"):
                context = script_font(ch)
                family = context[0].family(language) if context else None
            elif not _invisible(ch) and context is not None:
                if ord(ch) in context[1]:
                    family = context[0].family(language)
                elif ch in own:  # else (an emoji) the viewer's own fallback, as before
                    family = latin
            if pieces and family in (None, pieces[-1][1]):
                pieces[-1][0] += ch
            elif pieces and pieces[-1][1] is None:
                pieces[-1][0] += ch
                pieces[-1][1] = family
            else:
                pieces.append([ch, family])
        if len(pieces) == 1 and pieces[0][1] in (None, slots["cs"]):
            return [(text, slots)]
        return [(piece, {**slots, "cs": family or slots["cs"]}) for piece, family in pieces]


def measurer(theme: str | Path) -> Measurer:
    """The measurer of a theme (its folder, or a built-in theme's name), shared within the
    process (its fonts load once).

    Remembered by the theme's content (slides.cache.theme_digest), as the theme itself is.
    """
    from slides.cache import theme_digest

    folder = theme_path(theme)
    return _measurer(folder, theme_digest(folder))


@cache
def _measurer(theme: Path, content: str) -> Measurer:
    return Measurer(load_theme(theme))


def _invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Mn", "Me", "Cf", "Cc")


def has(font: Font, ch: str) -> bool:
    """Whether a font's file has a character (False without a file)."""
    found = _charset(font.regular)
    return found is not None and ord(ch) in found


class CodePoints:
    """The code points a font has, as runs of consecutive ones (`code in points`)."""

    __slots__ = ("ends", "starts")

    def __init__(self, starts: list[int], ends: list[int]) -> None:
        self.starts, self.ends = starts, ends

    def __contains__(self, code: int) -> bool:
        run = bisect_right(self.starts, code) - 1
        return run >= 0 and code <= self.ends[run]


@cache
def _charset(path: Path | None) -> CodePoints | None:
    """The code points a font file has; None without a file.

    Kept between processes as runs, apart from the advances: any text with a dash or a curly
    quote asks the CJK fallback whether it has them (the PPTX names a font for East Asian
    text), and its 2,000 runs load in 0.2 ms where its 45,000 advances take 10-15 ms.
    """
    if path is None:
        return None
    runs = stored.remembered(
        "code-points-1", stored.file_stamp(path), lambda: _runs(_advances(path)[0])
    )
    return CodePoints(*runs)


def _runs(codes: Iterable[int]) -> tuple[list[int], list[int]]:
    """The first and last of each run of consecutive numbers."""
    starts: list[int] = []
    ends: list[int] = []
    for code in sorted(codes):
        if ends and code == ends[-1] + 1:
            ends[-1] = code
        else:
            starts.append(code)
            ends.append(code)
    return starts, ends


@cache
def _characters(path: Path | None) -> frozenset[str] | None:
    """The characters a font file has, to ask whether it has all of a text's: a set of str is
    asked in C, 5-8x quicker than each character's code point looked up in _charset."""
    return None if path is None else frozenset(map(chr, _advances(path)[0]))


@cache
def _advances(path: Path) -> tuple[dict[int, int], int]:
    """A font's advance width per code point and its units per em (the first font of a
    collection).

    Kept between processes (slides.stored): reading them takes fontTools 0.33 s for the CJK
    fallback, whose 65,000 glyphs are named by parsing its CFF table.
    """
    return stored.remembered("advances-1", stored.file_stamp(path), lambda: _read_advances(path))


def _read_advances(path: Path) -> tuple[dict[int, int], int]:
    with _open_font(path) as font:
        metrics = font["hmtx"].metrics
        advances = {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}
        return advances, font["head"].unitsPerEm


@cache
def line_metrics(path: Path) -> tuple[float, float]:
    """A font's ascent and descent per em as office applications set lines (OS/2 usWin*).

    FreeType (and so Pillow) uses the typographic metrics instead when a font asks for them
    (Lato 2 does), which puts a line's text higher than PowerPoint and LibreOffice put it.
    """
    return stored.remembered("line-metrics-1", stored.file_stamp(path), lambda: _read_lines(path))


def _read_lines(path: Path) -> tuple[float, float]:
    with _open_font(path) as font:
        os2, per_em = font["OS/2"], font["head"].unitsPerEm
        return os2.usWinAscent / per_em, os2.usWinDescent / per_em


def _open_font(path: Path) -> TTFont:
    """A font file opened with fontTools (imported only when a font is read, not remembered)."""
    from fontTools.ttLib import TTFont

    # fontTools logs odd but harmless header dates (Lato 2's) as warnings: not the user's concern.
    logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)
    return TTFont(str(path), fontNumber=0, lazy=True)


def _shaped(text: str) -> bool:
    """Whether text needs shaping to be measured: right-to-left scripts, marks, joiners,
    variation selectors and emoji modifiers change what is drawn; elsewhere a text is as wide
    as its characters' advances."""
    if text.isascii():  # most text: only ASCII's modifier symbols (^ `) can say yes
        return not _ASCII_PLAIN.issuperset(text)
    return any(map(_shapes, text))


def _shapes(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("R", "AL") or unicodedata.category(ch) in _SHAPING


_SHAPING = {"Mn", "Mc", "Me", "Cf", "Sk"}
_ASCII_PLAIN = frozenset(ch for ch in map(chr, range(128)) if not _shapes(ch))


@cache
def _pillow(path: Path | None) -> tuple[ImageFont.FreeTypeFont, float]:
    """A Pillow font for a file and the factor from its size to REFERENCE_PT points."""
    from PIL import ImageFont  # only for shaped text and bitmap fonts: loaded when met

    if path is None:  # no file at all: Pillow's own scalable font still measures
        return ImageFont.load_default(size=REFERENCE_PT * 10), 0.1  # type: ignore[return-value]
    try:
        return ImageFont.truetype(str(path), size=round(REFERENCE_PT * 10)), 0.1
    except OSError:  # a bitmap font (colour emoji) exists at one size only
        return ImageFont.truetype(str(path), size=BITMAP_PX), REFERENCE_PT / BITMAP_PX


def _length(path: Path | None, text: str) -> float:
    """Width of text at REFERENCE_PT points: its characters' advances, without pair kerning
    or ligatures, as PowerPoint sets text unless asked; shaped text through Pillow (Raqm).

    Unkerned text is the wider of the two, so lines measured this way fit in either
    application.
    """
    if path is not None and not _shaped(text):
        advances, per_em = _advances(path)
        codes = list(map(ord, text))  # each character looked at in C, not in a Python loop
        if all(map(advances.__contains__, codes)):
            return sum(map(advances.__getitem__, codes)) * REFERENCE_PT / per_em
    font, factor = _pillow(path)
    try:
        return font.getlength(text, features=["-kern"]) * factor
    except (KeyError, ValueError):  # no Raqm: basic layout does not kern anyway
        return font.getlength(text) * factor


def glyph_warnings(lecture: model.Lecture) -> list[Problem]:
    """A warning for each slide (or the title slide) holding characters no font can draw.

    Such a character shows as a box in every output, and leaves no text in the PDFs.
    """
    widths = measurer(lecture.theme_folder)
    fallbacks = ", ".join(f.font.family for f in widths.theme.fallbacks) or "none"
    found = []
    title_texts = [lecture.title, lecture.subtitle, lecture.author, lecture.institution]
    places = [("title", "the title slide", [*title_texts, lecture.footer, lecture.closing_title])]
    for t, topic in enumerate(lecture.topics):
        places.append((f"topics[{t}].title", f"section '{topic.title}'", [topic.title]))
        for s, slide in enumerate(topic.slides):
            texts = _strings(msgspec.to_builtins(slide))
            places.append((f"topics[{t}].slides[{s}]", f"slide '{slide.title}'", texts))
    for where, name, texts in places:
        missing = widths.missing("".join(t for t in texts if t))
        if missing:
            shown = ", ".join(f"'{ch}' (U+{ord(ch):04X})" for ch in missing[:5])
            found.append(
                Problem(
                    "", 0, 0, where,
                    f"{name}: no font has {shown}: it shows as a box and is lost from the PDFs' "
                    f"text; write it otherwise or install a font that has it (the theme's "
                    f"fallbacks: {fallbacks})",
                    "warning",
                )
            )  # fmt: skip
    return found


def _strings(value: object, found: list[str] | None = None) -> list[str]:
    """Every string inside a dumped model (dicts, lists), in order (plain recursive calls: a
    chain of generators passes each string up through every level)."""
    found = [] if found is None else found
    if isinstance(value, str):
        found.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _strings(item, found)
    return found
