"""Parity: read every output back and compare it with the deck plan.

A slide lost, reordered or missing its notes or pictures in one output is a build failure that
names the slide and the output. The readers are deliberately independent of the renderers: they
parse the files (PPTX XML, the HTML deck, the PDFs' text) as any other program would.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

import msgspec

from slides import inline, model
from slides.deck import Deck, Frame

if TYPE_CHECKING:
    from slides.theme import Theme


class SlideFacts(msgspec.Struct, frozen=True):
    """What a reader can tell about one slide of an output."""

    title: str
    notes: str
    pictures: int  # the lecture's pictures and diagrams
    logos: int = 0  # the theme's logo: a picture too, but the theme's, not the lecture's
    labels: tuple[str, ...] = ()  # the text of the diagrams drawn from data (expected)
    drawn: str | None = None  # the text of the diagrams an output drew natively (read back)


def expected(deck: Deck, theme: Theme | None = None) -> list[SlideFacts]:
    """The facts every slide-shaped output must show, from the deck plan and the theme's logo
    (on the title slide, or on every slide)."""
    return [
        SlideFacts(
            squash(inline.plain(frame.display_title)),
            squash(_notes_prose(frame.notes)),
            _picture_count(frame.slide) if frame.slide else 0,
            int(theme is not None and theme.shows_logo(frame.kind)),
            _labels(frame.slide) if frame.slide else (),
        )
        for frame in deck.frames
    ]


def _labels(slide: model.Slide) -> tuple[str, ...]:
    """The texts of the slide's diagrams drawn from data (a pasted file is only a picture)."""
    from slides.diagrams.alt import texts

    nodes = [slide.diagram, *(column.diagram for column in slide.columns or [])]
    drawn = [node for node in nodes if node is not None and node.source_path is None]
    return tuple(squash(text) for node in drawn for text in texts(node))


def _notes_prose(notes: str) -> str:
    """Notes without their formulas: each output sets math in its own form, read back apart."""
    return "".join(span.text for span in inline.notes_spans(notes) if not span.math)


def _picture_count(slide: model.Slide) -> int:
    nodes = [slide.image, slide.diagram]
    for column in slide.columns or []:
        nodes += [column.image, column.diagram]
    return sum(node is not None for node in nodes)


def squash(text: str) -> str:
    """Text reduced to what survives every format: letters, digits, punctuation and symbols.

    Whitespace, combining marks and invisible format characters are dropped, since PDF text
    extraction does not keep them reliably.
    """
    return unicodedata.normalize("NFKD", text).translate(_KEPT)


class _Kept(dict):
    """A str.translate table: each character kept (itself) or dropped (None), looked up once."""

    def __missing__(self, code: int) -> int | None:
        kept = code if unicodedata.category(chr(code))[0] in "LNPS" else None
        self[code] = kept
        return kept


_KEPT = _Kept()


def read_html(path: Path, logo: Path | None = None) -> list[SlideFacts]:
    """Slides of a reveal.js deck: leaf <section>s in document order.

    An <img> showing the theme's logo file (beside the deck, or embedded) counts as a logo.
    """
    from lxml import html  # only the HTML deck's read-back parses HTML

    logo_bytes = logo.read_bytes() if logo is not None else None
    tree = html.parse(str(path))
    facts = []
    for section in tree.iterfind(".//div[@class='slides']//section"):
        if section.find(".//section") is not None:
            continue  # a vertical stack, not a slide
        heading = next(iter(section.iter("h1", "h2", "h3")), None)
        title = heading.text_content() if heading is not None else ""
        for formula in section.xpath(".//span[contains(concat(' ', @class, ' '), ' math ')]"):
            formula.drop_tree()  # TeX for KaTeX to set: compared apart from the text
        notes = " ".join(a.text_content() for a in section.iterfind(".//aside"))
        images = [img.get("src") or img.get("data-src", "") for img in section.iter("img")]
        logos = sum(_image_bytes(src, path.parent) == logo_bytes for src in images) if logo else 0
        # A diagram drawn from data is inline SVG with role="img"; its labels are <text>.
        svgs = section.xpath(".//*[local-name()='svg'][@role='img']")
        drawn = squash("".join(t.text_content() for s in svgs for t in s.iter("text")))
        pictures = len(images) - logos + len(svgs)
        facts.append(
            SlideFacts(squash(title), squash(notes), pictures, logos, drawn=drawn if svgs else None)
        )
    return facts


def _image_bytes(src: str, folder: Path) -> bytes | None:
    """The bytes an <img> shows: a data: URI's, or a file's beside the deck."""
    if src.startswith("data:"):
        header, _, data = src.partition(",")
        return base64.b64decode(data) if header.endswith(";base64") else unquote(data).encode()
    file = folder / unquote(src)
    return file.read_bytes() if "://" not in src and file.is_file() else None


_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")


def pdf_pages(path: Path) -> list[str]:
    """The text of each page of a PDF: poppler's pdftotext when installed (10× faster), or pypdf."""
    tool = shutil.which("pdftotext")
    text = _pdftotext(tool, path) if tool else None
    if text is not None:
        # Drop the invisible joiners Typst places, which pypdf drops too; \f ends each page.
        return _INVISIBLE.sub("", text).split("\f")[:-1]
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(path).pages]


# From this many pages on, two pdftotext processes read the two halves side by side: the
# handout's read-back is the last thing a full build waits for. It halves that wait when a core
# is free, for about 0.02 s more CPU (a second process reads the document and its fonts too).
SPLIT_FROM = 8
_PAGE_COUNT = re.compile(rb"/Type\s*/Pages\s*/Count\s+(\d+)")  # the page tree, as Typst writes it
# A PDF/A's colour output intent, which pdftotext sets up again for every page (poppler's
# Gfx::initDisplayProfile builds the ICC profile's colour transforms): 0.10 s of the 0.16 s
# it takes to read a 24-page handout, for colours text extraction never uses.
_OUTPUT_INTENT, _HIDDEN = b"/OutputIntents", b"/OutputIntentX"


def _pdftotext(tool: str, path: Path) -> str | None:
    """The whole text, pages ended by \\f; None if pdftotext fails.

    pdftotext reads the file's bytes with the output intent's key renamed (the same length:
    every offset holds) when the key is there once, as Typst writes it; the text is the same.
    """
    data = path.read_bytes()
    if data.count(_OUTPUT_INTENT) == 1:
        data = data.replace(_OUTPUT_INTENT, _HIDDEN)
    found = [int(n) for n in _PAGE_COUNT.findall(data)]
    half = max(found, default=0) // 2
    # The second range runs to the end, whatever the count said; one core gains nothing.
    if half * 2 >= SPLIT_FROM and (os.cpu_count() or 1) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(2) as pool:
            parts = list(
                pool.map(
                    _pdftotext_range,
                    [tool] * 2,
                    [data] * 2,
                    [["-l", str(half)], ["-f", str(half + 1)]],
                )
            )
        if None not in parts:
            return "".join(parts)  # type: ignore[arg-type]
    return _pdftotext_range(tool, data, [])


def _pdftotext_range(tool: str, data: bytes, pages: list[str]) -> str | None:
    done = subprocess.run(
        [tool, "-raw", "-enc", "UTF-8", *pages, "-", "-"], input=data, capture_output=True
    )
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def pdf_page_count(path: Path) -> int:
    """The number of pages of a PDF, without reading their text."""
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def compare(name: str, want: list[SlideFacts], got: list[SlideFacts], deck: Deck) -> list[str]:
    """Drift between the plan and one output, one message per difference."""
    problems = []
    if len(got) != len(want):
        problems.append(f"{name}: {len(got)} slides, the lecture has {len(want)}")
    for frame, w, g in zip(deck.frames, want, got, strict=False):
        where = _where(frame)
        if w.title and w.title not in g.title:
            problems.append(f"{name}: slide {frame.number} ({where}): title is not '{frame.title}'")
            break  # everything after a lost slide would be reported again
        if w.notes and w.notes != g.notes:
            problems.append(f"{name}: slide {frame.number} ({where}): speaker notes differ")
        if w.pictures != g.pictures:
            problems.append(
                f"{name}: slide {frame.number} ({where}): "
                f"{g.pictures} pictures, the lecture has {w.pictures}"
            )
        if w.logos != g.logos:
            problems.append(
                f"{name}: slide {frame.number} ({where}): "
                f"{g.logos} logos, the theme puts {w.logos} there"
            )
        if w.pictures == g.pictures and g.drawn is not None:  # native diagrams' labels are text
            missing = missing_labels(w.labels, g.drawn)
            if missing:
                problems.append(
                    f"{name}: slide {frame.number} ({where}): diagram text '{missing[0]}' missing"
                )
    return problems


def missing_labels(labels: tuple[str, ...], text: str) -> list[str]:
    """The squashed labels not found in a diagram's squashed text.

    A label the layout had to cut (slides.diagrams.text_fit) is found as drawn: each '…' in
    the drawing stands for the characters left out there, at least its first one shown. A
    label left out whole is found when the one before it ends in a '…' (the lines that did
    not fit, dropped from the end of a shape).
    """
    missing = []
    after_cut = False
    text = text.replace("-", "").replace("...", "…")  # squash() spells '…' as its three dots
    for label in labels:
        found = _drawn_as(label.replace("-", "").replace("...", "…"), text)
        if found is None and not after_cut:
            missing.append(label)
        after_cut = found == "cut" or (found is None and after_cut)
    return missing


def _drawn_as(label: str, text: str) -> str | None:
    """'whole' when the label is in the text, 'cut' when it is there with parts (its end
    among them) left out at a '…', 'inside' when cut inside only, else None."""
    if label + "…" in text:  # whole, and what followed it left out
        return "cut"
    if label in text:
        return "whole"
    best = None
    end = len(label)
    for start in (i for i, char in enumerate(text) if label and char == label[0]):
        shown = {1}  # how many of the label's characters the text so far accounts for
        for char in text[start + 1 :]:
            if not shown or end in shown:
                break
            if char == "…":  # its end left out here: the label is found, cut
                best = best or "cut"
                shown = set(range(min(shown) + 1, end))
            else:
                shown = {done + 1 for done in shown if done < end and label[done] == char}
        if end in shown:
            return "inside"
    return best
    return best


def compare_handout(path: Path, deck: Deck) -> list[str]:
    """Every slide title and its notes appear in the handout, in order, in every script."""
    from slides.fonts import measurer

    widths = measurer(deck.lecture.theme_folder)
    drawn: dict[str, bool] = {}  # a character no font has leaves no text (a warning says so)

    def letters(value: str) -> str:
        kept = squash(value)
        for ch in set(kept).difference(drawn):  # each character looked up once
            drawn[ch] = widths.font_for(ch) is not None
        lost = {ord(ch): None for ch, found in drawn.items() if not found}
        return kept.translate(lost) if lost else kept

    # pdftotext gives right-to-left runs in visual order, ligatures (lam-alef) reversed: a run
    # of Arabic or Hebrew letters is compared as the letters it holds, across words (a phrase
    # in a line of another script).
    def comparable(value: str) -> str:
        return _RTL_RUN.sub(_sorted_run, letters(value))

    # In a lecture all in Arabic or Hebrew the whole text would be one run: there each word's
    # letters (and digits) are compared, a right-to-left line's words read from its right.
    def word_by_word(value: str, visual: bool = False) -> str:
        out = []
        for line in value.splitlines():
            words = [_RTL_RUN.sub(_sorted_run, letters(word)) for word in line.split()]
            words = ["".join(ch for ch in word if ch.isalnum()) for word in words]
            if visual and any(map(_RTL_RUN.match, words)) and not any(map(_LTR.search, words)):
                words.reverse()
            out += words
        return "".join(out)

    pages = "".join(pdf_pages(path))
    text, words = comparable(pages), word_by_word(pages, visual=True)
    problems, position, word_position = [], 0, 0
    for frame in deck.frames:
        if frame.kind != "content":
            continue
        title = comparable(inline.plain(frame.title))
        # A title mixing directions is laid out in visual order: find each run, in any order.
        pieces = [p for p in _RTL_RUN.split(title) if p] + _RTL_RUN.findall(title)
        found = text.find(title, position)
        if found < 0 and pieces and all(p in text[position:] for p in pieces):
            found = min(text.find(p, position) for p in pieces)
        if found >= 0:
            position = found + (len(title) if text.startswith(title, found) else 0)
        else:
            title = word_by_word(inline.plain(frame.title))
            found = words.find(title, word_position)
            if found < 0:
                problems.append(f"handout: slide {frame.number} ({_where(frame)}) is missing")
                continue
            word_position = found + len(title)
        # Each stretch of text between formulas (their glyphs are the handout's own).
        spans = [s.text for s in inline.notes_spans(frame.notes) if not s.math]
        if any(
            piece
            and piece not in text
            and not all(p in text for p in _RTL_RUN.split(piece))
            and word_by_word(span)[:60] not in words
            for span, piece in ((span, comparable(span)[:60]) for span in spans)
        ):
            problems.append(f"handout: slide {frame.number} ({_where(frame)}): notes missing")
    return problems


def _sorted_run(run: re.Match) -> str:
    return "".join(sorted(run[0]))


_RTL_RUN = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]+")  # Hebrew, Arabic
_LTR = re.compile("[^\\W\\d_\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")  # a letter of another script


def _pieces(text: str) -> list[str]:
    """The runs of one direction in text: found in any order where lines mix directions."""
    return [p for p in _RTL_RUN.split(text) if p] + _RTL_RUN.findall(text)


def _where(frame: Frame) -> str:
    return frame.where or frame.kind


def check_outputs(
    deck: Deck,
    outputs: dict[str, Path],
    theme: Theme | None = None,
    spare: bool = False,
    read_back: dict[str, list[SlideFacts]] | None = None,
) -> list[str]:
    """Compare the outputs that exist with the deck plan and the theme's logo; the drift found.

    A PPTX's slides come from `read_back` when its writer read them there (slides.render.pptx),
    else from the file; with a `spare` core (slides.workers.spare_core), a long one is read in
    two halves."""
    want = expected(deck, theme)
    logo = theme.logo if theme is not None else None
    problems = []
    if "pptx" in outputs:
        from slides.parity_pptx import read_pptx

        got = (read_back or {}).get("pptx")
        if got is None:
            got = read_pptx(outputs["pptx"], logo, spare)
        problems += compare("pptx", want, got, deck)
    if "html" in outputs:
        problems += compare("html", want, read_html(outputs["html"], logo), deck)
    if "handout" in outputs:
        problems += compare_handout(outputs["handout"], deck)
    if "pdf" in outputs:
        pages = pdf_page_count(outputs["pdf"])
        if pages != len(deck.frames):
            problems.append(f"slides pdf: {pages} pages, the lecture has {len(deck.frames)}")
    return problems
