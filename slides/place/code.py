"""Code as laid out: highlighted runs, line numbers, marked lines and hanging indents.

Pygments tokenises the source once; each token becomes a `Span` whose `role` is a colour of the
theme's code palette (`code_keyword`, `code_string`, … in theme.yaml), so the PPTX, the HTML
deck and the handout colour the same characters the same way. Each source line is one `Para`:
its own indentation (and line number) fill the first line, and a wrapped continuation starts at
the line's indentation (`Para.left`), not at column 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

import msgspec
from pygments.token import Comment, Keyword, Literal, Name, Operator, String, _TokenType

from slides import model
from slides.inline import Span
from slides.place.paragraphs import Para

if TYPE_CHECKING:
    from pygments.lexer import Lexer

# Token kinds of the palette, most specific first: the first that contains a token wins.
KINDS: tuple[tuple[_TokenType, str], ...] = (
    (Comment, "comment"),
    (String, "string"),
    (Literal.Number, "number"),
    (Keyword.Type, "type"),
    (Keyword, "keyword"),
    (Operator.Word, "keyword"),
    (Name.Builtin, "type"),
    (Name.Class, "type"),
    (Name.Function, "function"),
    (Name.Decorator, "function"),
    (Name.Tag, "keyword"),
    (Name.Attribute, "function"),
)
PALETTE = tuple(dict.fromkeys(kind for _, kind in KINDS))  # the theme's `code:` keys
MAX_HANG_CHARS = 16  # continuations start at most this many characters in
MARK = "code_mark"  # colour role behind highlighted lines
NUMBER_ROLE = "muted"  # line numbers


class CodeLine(msgspec.Struct, frozen=True):
    """One source line: its number, its highlighted runs, its indentation, whether marked."""

    number: int
    runs: tuple[Span, ...]
    indent: int  # leading spaces
    marked: bool


def role_of(token: _TokenType) -> str | None:
    """The palette role of a Pygments token type (None: the code's plain text colour)."""
    for kind_type, kind in KINDS:
        if token in kind_type:
            return f"code_{kind}"
    return None


def source_lines(code: model.Code) -> list[str]:
    """The code's lines, tabs expanded, trailing spaces and trailing blank lines dropped."""
    return [line.rstrip() for line in code.source.expandtabs(4).rstrip().split("\n")]


def code_lines(code: model.Code) -> list[CodeLine]:
    """The code's lines, highlighted by Pygments for its language (plain when unknown)."""
    marked = set(marked_lines(code))
    runs = _highlight("\n".join(source_lines(code)), code.language.lower())
    return [
        CodeLine(code.first_line + i, line, _indent(line), code.first_line + i in marked)
        for i, line in enumerate(runs)
    ]


def marked_lines(code: model.Code) -> Iterator[int]:
    """Line numbers of `highlight: "3, 5-7"`, as written (numbered from first_line)."""
    for part in (code.highlight or "").split(","):
        if part.strip():
            lo, _, hi = part.partition("-")
            yield from range(int(lo), int(hi or lo) + 1)


def code_paras(code: model.Code, size: float, advance: float) -> list[Para]:
    """One monospace paragraph per line; `advance` is the mono font's character width in ems.

    A line's number and indentation fill its first line; a continuation starts at the
    indentation (at most MAX_HANG_CHARS in), so wrapped code keeps its shape.
    """
    lines = code_lines(code)
    digits = len(str(lines[-1].number)) if code.line_numbers else 0
    paras = []
    for line in lines:
        gutter: tuple[Span, ...] = ()
        if code.line_numbers:
            gutter = (Span(f"{line.number:>{digits}}  ", code=True, role=NUMBER_ROLE),)
        chars = (len(gutter[0].text) if gutter else 0) + line.indent
        hang = min(chars, MAX_HANG_CHARS) * advance * size
        paras.append(
            Para(
                gutter + line.runs,
                size,
                left=hang,
                lead=hang,
                mono=True,
                mark=MARK if line.marked else None,
            )
        )
    return paras


def split_units(code: model.Code) -> list[list[str]]:
    """The code in the pieces a split keeps together: statements and whole blocks.

    A block is what a line opens up to where it closes: brackets until they balance, BEGIN …
    END/COMMIT, then … fi, do … done, and the indented lines under a line ending in `:`
    (with its else/except/finally parts). Anything else is a statement of its own; comment
    lines go with the statement after them. A block too long for a slide is split by the
    fitter line by line.
    """
    lines = source_lines(code)
    comments = [_is_comment(line.runs) for line in code_lines(code)]
    units: list[list[str]] = []
    i = 0
    while i < len(lines):
        end = i
        while end < len(lines) and comments[end]:  # a comment stays with what it is about
            end += 1
        end = _block_end(lines, end) if end < len(lines) and lines[end].strip() else max(end, i + 1)
        units.append(lines[i:end])
        i = end
    return units


def _is_comment(runs: tuple[Span, ...]) -> bool:
    """Whether a line holds a comment and nothing else."""
    text = [span for span in runs if span.text.strip()]
    return bool(text) and all(span.role == "code_comment" for span in text)


_OPEN_WORDS = ("begin", "case")  # as a line's first word
_OPEN_ENDINGS = ("then", "do", "begin")  # as a line's last word
_CLOSE_WORDS = ("end", "commit", "rollback", "fi", "done", "esac")
_CONTINUE_WORDS = ("else", "elif", "except", "finally")  # Python: still the same block


def _words(line: str) -> list[str]:
    return line.strip().lower().replace(";", " ").replace(":", " ").split()


def _word_depth(line: str) -> int:
    """+1 for a line that opens a BEGIN-, then- or do-block, -1 for one that closes it."""
    words = _words(line)
    if not words:
        return 0
    if words[0] in _CLOSE_WORDS:
        return -1
    return 1 if words[0] in _OPEN_WORDS or words[-1] in _OPEN_ENDINGS else 0


def _brackets(line: str) -> int:
    return sum(line.count(c) for c in "({[") - sum(line.count(c) for c in ")}]")


def _block_end(lines: list[str], start: int) -> int:
    """The index after the statement or block that starts at `start`."""
    head = lines[start]
    for depth_of in (_word_depth, _brackets):
        if depth_of(head) > 0:
            depth = 0
            for j in range(start, len(lines)):
                depth += depth_of(lines[j])
                if depth <= 0:
                    return j + 1
            return len(lines)
    if not head.rstrip().endswith(":"):
        return start + 1
    indent = len(head) - len(head.lstrip())
    end = start + 1
    for j in range(start + 1, len(lines)):
        line = lines[j]
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip())
        if depth < indent or (depth == indent and _words(line)[0] not in _CONTINUE_WORDS):
            break
        end = j + 1
    return end


def _indent(runs: tuple[Span, ...]) -> int:
    text = "".join(span.text for span in runs)
    return len(text) - len(text.lstrip(" "))


@lru_cache(maxsize=256)
def _lexer(language: str) -> Lexer:
    # Pygments' lexers (their name table alone) load only for a lecture with code.
    from pygments.lexers import TextLexer, get_lexer_by_name
    from pygments.util import ClassNotFound

    options = {"stripnl": False, "ensurenl": False, "tabsize": 4}
    try:
        return get_lexer_by_name(language, **options) if language else TextLexer(**options)
    except ClassNotFound:
        return TextLexer(**options)


@lru_cache(maxsize=256)
def _highlight(source: str, language: str) -> tuple[tuple[Span, ...], ...]:
    """Runs of each line: adjacent tokens of one role merged, line breaks between lines."""
    lines: list[list[Span]] = [[]]
    for token, text in _lexer(language).get_tokens(source):
        role = role_of(token)
        for k, piece in enumerate(text.split("\n")):
            if k:
                lines.append([])
            if not piece:
                continue
            runs = lines[-1]
            if runs and runs[-1].role == role:
                runs[-1] = Span(runs[-1].text + piece, code=True, role=role)
            else:
                runs.append(Span(piece, code=True, role=role))
    count = source.count("\n") + 1
    lines += [[] for _ in range(count - len(lines))]
    return tuple(tuple(runs) for runs in lines[:count])
