"""The printed handout: every slide as a framed panel with its speaker notes and lines for notes.

The Jinja template `templates/handout.typ.j2` turns the deck plan into Typst source that calls
the layout functions of `templates/handout.typ`; the `typst` package compiles it in-process. All
lecture text enters the source as Typst string literals (see `typst_string`), so no content can
become Typst markup, whatever characters it holds.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from slides import fonts, inline, stored, tex
from slides.contrast import on_paper
from slides.deck import Frame
from slides.diagrams import vector_of
from slides.errors import BuildError
from slides.place import geometry
from slides.place.frames import Decoration, Picture, PlacedFrame, Table, Text, mirrored
from slides.place.paragraphs import CAPTION_PT, Para
from slides.render import Build, atomic_path
from slides.theme import TEMPLATES, Theme
from slides.words import words

TEMPLATE = "handout.typ.j2"
# PDF/UA-1 (accessible: tagged, with title, language, alt text and heading order) and PDF/A-2a
# (archival, tagged); Typst checks their rules as it compiles. Measured on genai-intro (24
# pages), CPU per compile, median of 9: 0.424 s without, 0.426 s with UA-1, 0.417 s with both.
PDF_STANDARDS = ("ua-1", "a-2a")
LIBRARY = TEMPLATES / "handout.typ"
PAPER = {"a4": "a4", "letter": "us-letter"}

# Languages whose words Typst adds itself ("Contents") are in letters the theme's own fonts
# have: a handout in one of them needs only the fallbacks its source's characters need.
LATIN_TYPST_WORDS = frozenset(("en", "de", "fr", "es", "nl", "it"))


def render(build: Build) -> Path:
    """Write <lecture>-handout.pdf; a Typst error becomes a BuildError, the old PDF stays."""
    import typst  # imported here: only a handout build pays for loading the compiler

    target = build.output("handout")
    work = (build.out_dir / ".cache" / "handout").resolve()
    work.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(LIBRARY, work / "handout.typ")  # the name main.typ imports
    pictures = [p.path.resolve() for p in build.assets.all()]
    if build.theme.logo is not None:
        pictures.append(build.theme.logo.resolve())
    # Typst reads files only under its root: the common folder of the source and the pictures.
    root = Path(os.path.commonpath([work, *pictures]))
    source = typst_source(build, root)
    theme = _typeset_theme(build.theme, source, build.lecture.language)
    # The source names the fallbacks kept; it is the same otherwise (see font_stack).
    language = build.lecture.language
    source = source.replace(font_stack(build.theme, language), font_stack(theme, language), 1)
    main = work / "main.typ"
    main.write_text(source, encoding="utf-8")
    build.assets.ready()  # Typst reads the pictures
    with atomic_path(target) as temp:
        try:
            warnings = _compile(typst, main, temp, root, _font_options(theme))
        except typst.TypstError as error:
            # The diagnostic names the file, line and source line (of main.typ or handout.typ).
            detail = (error.diagnostic or error.message).strip()
            raise BuildError(f"the handout could not be compiled:\n{detail}") from None
        for warning in warnings:  # before the PDF replaces the last one: --strict may refuse it
            build.warn("handout", warning)
    return target


def _typeset_theme(theme: Theme, source: str, language: str) -> Theme:
    """The theme with only the fallback fonts the handout can draw with: those that have a
    character of its source that the theme's own fonts lack.

    Typst reads every font it is given before it sets a word: the default theme's 13 fallback
    files are 0.045 s of a compile, for a lecture that may need none of them. A fallback
    without any of those characters is never chosen, so the PDF is the same without it.
    Lecture text is in the source as string literals; a formula's symbols are not (texmath
    writes them by name), nor the words Typst adds in a language outside LATIN_TYPST_WORDS:
    with either, every fallback is kept.
    """
    latin_words = typst_language(language)[0] in LATIN_TYPST_WORDS
    if not theme.fallbacks or "math.equation(" in source or not latin_words:
        return theme
    own = (theme.sans, theme.mono)  # code is set in the mono font, the rest in the sans
    chars = set(source) | _library_chars()
    lacking = {ch for ch in chars if ch >= " " and not all(fonts.has(f, ch) for f in own)}
    needed = tuple(f for f in theme.fallbacks if any(fonts.has(f.font, ch) for ch in lacking))
    return theme if needed == theme.fallbacks else replace(theme, fallbacks=needed)


@cache
def _library_chars() -> frozenset[str]:
    return frozenset(LIBRARY.read_text("utf-8"))


def font_stack(theme: Theme, language: str) -> str:
    """The source's font stack: the theme font and its fallbacks (as named in the lecture's
    language). It comes before any lecture text, whose quotes are escaped in string literals,
    so it is the source's first match."""
    families = theme.sans_stack(language)
    return "sans: (" + "".join(f"{typst_string(family)}, " for family in families) + ")"


def _font_options(theme: Theme) -> dict:
    """Typst's font options: a folder of links to the theme's font files (its own, mono,
    fallbacks) and no others.

    Typst reads every font file in the folders it is given, and the system's: Debian's Noto
    alone is 270 files, 0.2 s of CPU a compile, for families the handout never names. Where no
    links can be made, or a theme font has no file here (Typst may know its family from the
    system), Typst searches the fonts' folders and the system's fonts.
    """
    fonts = [theme.sans, theme.mono, *(f.font for f in theme.fallbacks)]
    files = list(dict.fromkeys(str(file.resolve()) for font in fonts for file in font.files))
    own = theme.sans.regular is not None and theme.mono.regular is not None
    folder = stored.linked("fonts", files) if own else None
    if folder is None:
        return {"font_paths": [str(d) for d in theme.font_dirs]}
    return {"font_paths": [str(folder)], "ignore_system_fonts": True}


def _compile(typst, main: Path, output: Path, root: Path, fonts: dict) -> list[str]:
    """Compile the handout, declaring PDF_STANDARDS; returns Typst's warnings.

    Typst refuses to declare a standard whose rules the document breaks. Content can break
    them (a character no font has, an icon font's private-use character): the handout is then
    compiled without the declaration, and a warning says which rule failed.
    """
    options = {"output": str(output), "root": str(root), **fonts}
    try:
        _, warnings = typst.compile_with_warnings(
            str(main), pdf_standards=list(PDF_STANDARDS), **options
        )
        return [warning.message for warning in warnings]
    except typst.TypstError as error:
        if not _BROKEN_STANDARD.match(error.message):
            raise
        _, warnings = typst.compile_with_warnings(str(main), **options)
        hint = "".join(f" ({hint})" for hint in error.hints)
        refused = f"not declared PDF/UA-1 or PDF/A-2a: {error.message}{hint}"
        return [refused, *(warning.message for warning in warnings)]


_BROKEN_STANDARD = re.compile(r"(PDF/[AU]+-\w+, )*PDF/[AU]+-\w+ error: ")


def typst_source(build: Build, root: Path) -> str:
    """The handout's Typst source; picture paths are written relative to `root`."""
    lecture, theme = build.lecture, build.theme
    lang, region = typst_language(lecture.language)
    said = words(lecture.language)  # the handout's own labels

    placed = {placed.frame.number: placed for placed in build.placed}
    # Boxes drawn on every slide, on the side the placement puts them (mirrored right to left).
    side = mirrored if build.lecture.right_to_left else (lambda box: box)

    def pictures_of(frame: Frame) -> list[dict[str, object]]:
        """The slide's pictures as placed (not the logo): file or drawing, alt text, box, and
        caption with its box (None when it has none, or no room for one)."""
        shown = []
        for found in placed[frame.number].elements:
            if not isinstance(found, Picture) or found.node is None:
                continue
            picture = {
                "alt": found.alt,
                "box": _box(found.box),
                "caption": found.caption,
                "caption_box": _box(found.caption_box) if found.caption_box else None,
            }
            if found.drawn is not None:
                # Drawn from data with Typst's own shapes: its labels stay text in the PDF.
                shown.append({"drawing": vector_of(build, found.drawn), **picture})
            else:
                shown.append({"path": inside(found.path), "drawing": None, **picture})
        return shown

    def texts_of(frame: Frame) -> list[dict[str, object]]:
        """The slide's text where the placement put it (body text, a quote, equations, a
        column's heading), paragraph by paragraph; not its title, footer and number (drawn
        with the handout's own), code (code_of) or a picture's caption (pictures_of)."""
        elements = placed[frame.number].elements
        captions = {e.caption_box for e in elements if isinstance(e, Picture) and e.caption_box}
        return [
            {"box": _box(e.box), "anchor": e.anchor, "blocks": _blocks(e.paras)}
            for e in elements
            if isinstance(e, Text)
            and e.slot != "title"
            and e.name not in ("Footer", "Slide Number", "Code")
            and e.box not in captions
        ]

    def bars_of(frame: Frame) -> list[tuple[float, float, float, float]]:
        """The accent bars as placed: the rule under the title, a quote's bar."""
        return [_box(e.box) for e in placed[frame.number].elements if isinstance(e, Decoration)]

    def title_pt(frame: Frame) -> float:
        """The title's size, as placed."""
        return placed[frame.number].title.paras[0].size

    def fit(frame: Frame) -> bool:
        """Whether Typst measures the body, to shrink it if it is too tall (see has_room)."""
        return build.template is not None or not has_room(placed[frame.number])

    def inside(path: Path) -> str:
        return "/" + path.resolve().relative_to(root).as_posix()

    logo = None
    if theme.logo is not None:
        logo = {
            "path": inside(theme.logo),
            "alt": theme.logo_alt(lecture.institution, lecture.language),
        }

    slide_logo = None  # logo_on: every: in each slide's footer, where the PPTX puts it
    if theme.logo is not None and theme.shows_logo("content"):
        box = side(geometry.FOOTER_LOGO_BOX)
        slide_logo = {"path": inside(theme.logo), "box": _box(box)}

    def code_of(frame: Frame) -> Markup:
        from slides.render import code

        return code.typst(code.code_box(placed[frame.number]))

    def table_of(frame: Frame) -> Markup:
        from slides.render import table

        return table.typst(table.placed_table(placed[frame.number]))

    return (
        environment()
        .get_template(TEMPLATE)
        .render(
            lecture=build.lecture,
            frames=build.deck.frames,
            pictures_of=pictures_of,
            texts_of=texts_of,
            bars_of=bars_of,
            caption_pt=CAPTION_PT,
            code_of=code_of,
            table_of=table_of,
            title_pt=title_pt,
            fit=fit,
            lang=lang,
            region=region,
            paper=PAPER.get(build.options.paper, "a4"),
            layout=build.options.handout_layout,
            colors=theme.colors,
            ink=on_paper(theme),
            logo=logo,
            slide_logo=slide_logo,
            mono=theme.mono.family,
            font_stack=Markup(font_stack(theme, build.lecture.language)),
            geometry={
                "width": geometry.SLIDE_W,
                "height": geometry.SLIDE_H,
                "title": geometry.TITLE_BOX,
                "body": geometry.BODY_BOX,
            },
            labels={"notes": said.notes, "own": said.own, "handout": said.handout},
        )
    )


# A table or code box at most this share of the body box tall is set at its size without
# Typst measuring it first: Typst sets the cells and lines a little more tightly than the
# placement measured them, so one would have to be 25 % taller than that to overflow.
ROOM = 0.8


def _blocks(paras: Sequence[Para]) -> list[dict[str, object]]:
    """Paragraphs as the handout draws them: a run of bulleted ones as one list, a level below
    a bullet as a list in its item (the PDF tags them as lists, as screen readers expect), the
    others one by one; each block with its gap before it (none first) and its start indent."""
    blocks: list[dict[str, object]] = []
    levels: list[list[dict]] = []  # the open lists' items, outermost first
    for para in paras:
        if para.bullet is None:
            levels = []
            blocks.append({"para": para, "bullets": None, "inset": para.left - para.hang})
        else:
            item = {"para": para, "children": []}
            del levels[para.level + 1 :]
            if not levels:
                levels = [[]]
                blocks.append({"para": None, "bullets": levels[0], "inset": para.left - para.hang})
            while len(levels) <= para.level and levels[-1]:  # a level deeper: in the last item
                levels.append(levels[-1][-1]["children"])
            levels[-1].append(item)
        blocks[-1].setdefault("gap", para.gap if len(blocks) > 1 else 0.0)
    return blocks


def has_room(placed: PlacedFrame) -> bool:
    """Whether the slide's body surely fits the handout's body box at its placed size, so
    that Typst need not measure it (`fitted` in handout.typ: a quarter of the compile's work).

    Text, pictures and bars are drawn in their placed boxes (placed-text, placed-picture); a
    table or code is judged by its placed box, with ROOM to spare.
    """
    limit = ROOM * geometry.BODY_BOX[3]
    return all(
        element.box.h <= limit
        for element in placed.elements
        if isinstance(element, Table) or (isinstance(element, Text) and element.name == "Code")
    )


def _box(box: geometry.Box) -> tuple[float, float, float, float]:
    return box.x, box.y, box.w, box.h


def environment() -> jinja2.Environment:
    """The shared Typst environment (slides.jinja), stricter: only filtered values may print.

    The handout writes lecture text as Typst string literals, not escaped markup, so it adds
    its own filters and a `finalize` that refuses any value they did not make (`Markup`, or a
    number): a template that prints raw lecture text fails loudly instead of guessing.
    """
    from slides.jinja import environment as shared

    env = shared("typst").overlay(finalize=_only_typst)
    env.filters = {
        **env.filters,  # a copy: the shared environment's filters stay as they are
        "str": lambda value: Markup(typst_string(str(value))),
        "inline": lambda value: Markup(typst_inline(value)),
        "notes": lambda value: Markup(typst_notes(value)),
        "equation": lambda value: Markup(f"[{typst_math(' '.join(value.split()), True)}]"),
        "inline_or_none": lambda value: Markup("none" if value is None else typst_inline(value)),
        "plain": inline.plain,
        "num": lambda value: Markup(f"{float(value):g}"),
        "pt": lambda value: Markup(f"{float(value):g}pt"),
        "paragraphs": paragraphs,
        "spans": lambda spans: Markup(typst_spans(spans)),
    }
    return env


def _only_typst(value: object) -> object:
    if isinstance(value, Markup) or (
        isinstance(value, int | float) and not isinstance(value, bool)
    ):
        return value
    raise TypeError(f"handout template printed an unescaped value: {value!r}")


def typst_string(text: str) -> str:
    """A Typst string literal holding exactly `text`."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '\\"':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\ufffd")  # a lone surrogate cannot be written as UTF-8
        elif code < 0x20 or 0x7F <= code < 0xA0 or char in "\u2028\u2029":
            out.append(f"\\u{{{code:x}}}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def typst_inline(text: str) -> str:
    """Lecture text with its inline syntax as a Typst content block built from string literals."""
    return typst_spans(inline.parse(text))


def typst_spans(spans: Sequence[inline.Span]) -> str:
    """Inline spans (parsed or placed) as a Typst content block built from string literals."""
    parts = []
    for span in spans:
        if span.math:  # Typst math from texmath (slides.tex): made of Typst's own syntax
            parts.append(typst_math(" ".join(span.text.split()), span.math == "display"))
            continue
        value = typst_string(span.text) if span.code or span.href else typst_words(span.text)
        if span.code:
            value = f"raw({value})"
        elif span.href:
            value = f"link({typst_string(span.href)}, {value})"
        if span.italic:
            value = f"emph({value})"
        if span.bold:
            value = f"strong({value})"
        parts.append("#" + value)
    return "[" + "".join(parts) + "]"


def typst_math(source: str, display: bool) -> str:
    """A formula as Typst math (texmath's, slides.tex) with its text as alt text (PDF/UA)."""
    found = tex.formula(source, display)
    block = "true" if display else "false"
    return f"#math.equation(alt: {typst_string(found.text)}, block: {block}, {found.typst}.body)"


def typst_notes(paragraph: str) -> str:
    """A paragraph of speaker notes (plain text but for math) as a Typst content block."""
    parts = []
    for span in inline.notes_spans(paragraph):
        if span.math:
            parts.append(typst_math(span.text, span.math == "display"))
        else:
            parts.append("#" + typst_words(span.text))
    return "[" + "".join(parts) + "]"


# Hangul jamo, compatibility jamo and syllables.
_HANGUL_WORD = re.compile(r"[^ ]*[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af][^ ]*")


def typst_words(text: str) -> str:
    """Text as a Typst string literal, or content where each word holding Hangul is a box.

    Korean breaks lines between words (as slides.place measures them, and as PowerPoint,
    LibreOffice and the deck's `word-break: keep-all` break them); Typst would break between
    any two syllables and has no setting for it. A box keeps the word whole and its text
    searchable, where a word joiner between syllables would land in the PDF's text."""
    if not _HANGUL_WORD.search(text):
        return typst_string(text)
    parts, at = [], 0
    for word in _HANGUL_WORD.finditer(text):
        if word.start() > at:
            parts.append("#" + typst_string(text[at : word.start()]))
        parts.append(f"#box({typst_string(word[0])})")
        at = word.end()
    if at < len(text):
        parts.append("#" + typst_string(text[at:]))
    return "[" + "".join(parts) + "]"


def paragraphs(notes: str) -> list[str]:
    """Speaker notes as paragraphs: split at blank lines, lines within a paragraph joined."""
    blocks = [" ".join(block.split()) for block in notes.replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block]


def typst_language(tag: str) -> tuple[str, str | None]:
    """Typst's language and region from a BCP 47 tag: 'en-GB' -> ('en', 'GB').

    Chinese in Traditional characters without a region is zh-Hant-TW (CLDR's likely subtags):
    Typst knows the script only by the region, and titled a zh-Hant handout's contents 目录,
    in Simplified characters.
    """
    parts = tag.split("-")
    region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    if region is None and parts[0].lower() == "zh" and "hant" in map(str.lower, parts[1:]):
        region = "TW"
    return parts[0].lower(), region
