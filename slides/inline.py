r"""The one inline syntax of lecture text: **bold**, *italic*, `code`, [links](https://…) and
TeX math, `$…$` inline and `$$…$$` displayed.

Every renderer maps the same spans to its own form, so no format's markup leaks into another.
A backslash makes the next character literal. Links keep only http(s) and mailto targets:
anything else (javascript:, file:) stays as plain text. Math follows pandoc's rule (its
markdown reader, `tex_math_dollars`): an opening `$` has a non-space after it, a closing `$` a
non-space before it and no digit after it, so "$20 and $30" stays text; `\$` is a literal dollar.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import msgspec

_MATH = (
    r"\$\$(?P<display>(?:[^$\\]|\\.)+?)\$\$"
    r"|\$(?![\s$])(?P<math>(?:[^$\\]|\\.)+?)(?<!\s)\$(?!\d)"
)
_TOKEN = re.compile(
    _MATH + r"|\\(?P<escaped>.)"
    r"|`(?P<code>[^`]+)`"
    r"|\[(?P<label>[^\]]+)\]\((?P<href>[^)\s]+)\)"
    r"|(?P<strong>\*\*)"
    r"|(?P<em>\*)",
    re.DOTALL,
)
_SAFE_HREF = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


class Span(msgspec.Struct, frozen=True):
    """A run of text with one set of properties."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None
    role: str | None = None  # a theme colour of its own (highlighted code); None: the paragraph's
    math: str | None = None  # "inline" or "display": `text` is TeX


@lru_cache(maxsize=4096)
def parse(text: str) -> tuple[Span, ...]:
    """Split text into spans. Unclosed markers show as the literal characters."""
    spans: list[Span] = []
    bold = italic = False
    buffer: list[str] = []
    # Markers only count when closed later in the text; precompute which ones are.
    closes = _closed_markers(text)

    def flush() -> None:
        if buffer:
            spans.append(Span("".join(buffer), bold, italic))
            buffer.clear()

    pos = 0
    for match in _TOKEN.finditer(text):
        buffer.append(text[pos : match.start()])
        pos = match.end()
        kind = match.lastgroup
        if kind in ("display", "math"):
            flush()
            tex = match[kind].strip()
            spans.append(Span(tex, bold, italic, math="display" if kind == "display" else "inline"))
        elif kind == "escaped":
            buffer.append(match["escaped"])
        elif kind == "code":
            flush()
            spans.append(Span(match["code"], bold, italic, code=True))
        elif kind == "href":
            href = match["href"]
            if _SAFE_HREF.match(href):
                flush()
                spans.append(Span(_unescape(match["label"]), bold, italic, href=href))
            else:
                buffer.append(match.group(0))
        elif kind in ("strong", "em"):
            if match.start() not in closes:
                buffer.append(match.group(0))
                continue
            flush()
            if kind == "strong":
                bold = not bold
            else:
                italic = not italic
    buffer.append(text[pos:])
    flush()
    return tuple(_merge(spans))


def plain(text: str) -> str:
    """The text as a reader sees it, without markers (math as its TeX)."""
    return "".join(span.text for span in parse(text))


def words(text: str) -> list[str]:
    """The words of a text (split at whitespace), each formula one word with its spaces."""
    inside = set()
    for match in _TOKEN.finditer(text):
        if match.lastgroup in ("display", "math"):
            inside.update(range(match.start(), match.end()))
    out: list[str] = []
    current: list[str] = []
    for i, ch in enumerate(text):
        if ch.isspace() and i not in inside:
            if current:
                out.append("".join(current))
                current = []
        else:
            current.append(ch)
    if current:
        out.append("".join(current))
    return out


def _closed_markers(text: str) -> set[int]:
    """Positions of ** and * markers that have a matching marker after them."""
    open_at: dict[str, int] = {}
    closed: set[int] = set()
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind not in ("strong", "em"):
            continue
        if kind in open_at:
            closed.update({open_at.pop(kind), match.start()})
        else:
            open_at[kind] = match.start()
    return closed


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        last = merged[-1] if merged else None
        same = last and (last.bold, last.italic, last.code, last.href, last.math) == (
            span.bold,
            span.italic,
            span.code,
            span.href,
            span.math,
        )
        if last and same and not span.code and span.href is None and span.math is None:
            merged[-1] = Span(last.text + span.text, span.bold, span.italic)
        else:
            merged.append(span)
    return merged


def formulas(text: str) -> list[Span]:
    """The math spans of a text."""
    return [span for span in parse(" ".join(text.split())) if span.math]


_NOTES_TOKEN = re.compile(_MATH + r"|\\(?P<escaped>\$)", re.DOTALL)


def notes_spans(text: str) -> tuple[Span, ...]:
    """Speaker notes are plain text but for math: $…$, $$…$$ and \\$ for a literal dollar."""
    spans: list[Span] = []
    pos = 0
    for match in _NOTES_TOKEN.finditer(text):
        spans.append(Span(text[pos : match.start()]))
        pos = match.end()
        kind = match.lastgroup
        if kind == "escaped":
            spans.append(Span("$"))
        else:
            tex = " ".join(match[kind].split())
            spans.append(Span(tex, math="display" if kind == "display" else "inline"))
    spans.append(Span(text[pos:]))
    return tuple(_merge(spans))


def notes_lines(text: str) -> list[tuple[Span, ...]]:
    """Notes as lines of spans (a formula never spans lines: its line breaks are spaces)."""
    lines: list[list[Span]] = [[]]
    for span in notes_spans(text):
        if span.math:
            lines[-1].append(span)
            continue
        for k, part in enumerate(span.text.split("\n")):
            if k:
                lines.append([])
            if part:
                lines[-1].append(Span(part))
    return [tuple(line) for line in lines]


def notes_plain(text: str) -> str:
    """Notes as a reader sees them, formulas as their TeX: what outputs without math show."""
    return "".join(span.text for span in notes_spans(text))


def literal_dollars(text: str, readable: Callable[[str, bool], bool]) -> str:
    """Text whose math that `readable` refuses is made literal (its dollars escaped)."""

    def keep(match: re.Match) -> str:
        kind = match.lastgroup
        if kind in ("display", "math") and not readable(
            " ".join(match[kind].split()), kind == "display"
        ):
            return match.group(0).replace("$", "\\$")
        return match.group(0)

    return _NOTES_TOKEN.sub(keep, text)
