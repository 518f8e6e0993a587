"""A note's inline markdown as the lecture's inline syntax: text, emphasis, code, links, $math$,
Obsidian's embeds, wikilinks, comments and highlights; and what did not carry over, as
findings at the note's lines."""

from __future__ import annotations

import html.parser
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from markdown_it.token import Token

from slides import tex
from slides.inline import literal_dollars

PICTURE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff"}
EMBED = re.compile(r"!\[\[([^\]\n]+)\]\]")
_WIKILINK = re.compile(r"(?<!!)\[\[([^\]\n]+)\]\]")
COMMENT = re.compile(r"%%(.*?)(%%|\Z)", re.DOTALL)
_TASK = re.compile(r"^\\\[([ xX])\] ")  # a task box at an item's start, as escaped text
_HIGHLIGHT = re.compile(r"==([^=\n]+)==")


@dataclass
class Finding:
    """Something of the note that did not carry over as it was, at a line of the note."""

    line: int
    message: str


class InlineReader:
    """Reads inline tokens; `warnings` gathers what did not carry over as it was."""

    def __init__(self) -> None:
        self.warnings: list[Finding] = []

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Finding(line, message))

    def _lines(self, inline: Token) -> tuple[list[str], list[dict]]:
        """An inline token as lines of lecture text (inline syntax) and the pictures in it."""
        lines: list[str] = [""]
        pictures: list[dict] = []
        link: list[str | None] = []
        first = (inline.map[0] + 1) if inline.map else 1
        for child in inline.children or []:
            kind = child.type
            line = first + len(lines) - 1  # the note's line this child is on
            if kind == "text":
                lines[-1] += self._text(child.content, pictures, line)
            elif kind == "text_special":  # an escaped character (or an entity): literal
                lines[-1] += escape(child.content)
            elif kind in ("softbreak", "hardbreak"):
                lines.append("")
            elif kind == "strong_open" or kind == "strong_close":
                lines[-1] += "**"
            elif kind == "em_open" or kind == "em_close":
                lines[-1] += "*"
            elif kind == "code_inline":
                lines[-1] += f"`{child.content.replace('`', chr(39))}`" if child.content else ""
            elif kind in ("math_inline", "math_inline_double"):
                lines[-1] += self._math(child.content, kind != "math_inline", line)
            elif kind == "link_open":
                href = child.attrGet("href") or ""
                safe = re.match(r"^(https?://|mailto:)[^\s()]+$", str(href))
                link.append(str(href) if safe else None)
                if safe:
                    lines[-1] += "["
            elif kind == "link_close":
                href = link.pop() if link else None
                if href:
                    lines[-1] += f"]({href})"
            elif kind == "image":
                src, alt = str(child.attrGet("src") or ""), _plain_children(child) or None
                name = Path(unquote(src)).name
                pictures.append(
                    {
                        "target": src,
                        "alt": alt,
                        "name": name,
                        "line": line,
                        "source": f"![{alt or ''}]({src})",
                    }
                )
            elif kind == "html_inline" and re.match(r"^<br\s*/?>$", child.content, re.I):
                lines.append("")
            # s_open/s_close (strikethrough): the text stays, the marks go
        return [_tidy(line) for line in lines], pictures

    def _math(self, source: str, display: bool, line: int) -> str:
        """TeX math as the lecture writes it ($…$, $$…$$); a formula texmath cannot read stays
        readable as code, with a warning."""
        formula = " ".join(source.split())
        if not formula:
            return ""
        if tex.prepare([(formula, display)]):
            self.warn(line, "TeX math that texmath cannot read is kept as code")
            return f"`{formula.replace('`', chr(39))}`"
        fence = "$$" if display else "$"
        return f"{fence}{formula}{fence}"

    def _inline(self, inline: Token) -> str:
        """A heading's text on one line; a picture in a heading is kept as its name."""
        lines, pictures = self._lines(inline)
        names = [escape(p["name"]) for p in pictures]
        if pictures:
            line = (inline.map[0] + 1) if inline.map else 1
            self.warn(line, "a picture in a heading is kept as its file name")
        return " ".join(line for line in [*lines, *names] if line)

    def _text(self, text: str, pictures: list[dict], line: int) -> str:
        """Plain text of the note: Obsidian's embeds, links, comments and highlights handled."""
        out = []
        pos = 0
        for match in EMBED.finditer(text):
            out.append(self._plain_text(text[pos : match.start()], line))
            target, _, alias = match.group(1).partition("|")
            target = target.split("#", 1)[0].strip()
            if Path(target).suffix.lower() in PICTURE_TYPES:
                alt = (
                    alias.strip()
                    if alias and not re.match(r"^\d+(x\d+)?$", alias.strip())
                    else None
                )
                pictures.append(
                    {
                        "target": target,
                        "alt": alt,
                        "name": Path(target).name,
                        "source": match.group(0),
                        "line": line,
                    }
                )
            else:
                kind = "note" if not Path(target).suffix else "file"
                out.append(escape(f"(embedded {kind}: {target})"))
                self.warn(
                    line, f"embedded {kind} '{target}' is not a picture; its name is kept as text"
                )
            pos = match.end()
        out.append(self._plain_text(text[pos:], line))
        return "".join(out)

    def _plain_text(self, text: str, line: int) -> str:
        if "%%" in text:
            self.warn(line, "an Obsidian comment (%%…%%) was left out of the slide text")
        text = COMMENT.sub("", text)
        text = _WIKILINK.sub(lambda m: m.group(1).split("|")[-1].split("#")[0].strip(), text)
        parts = _HIGHLIGHT.split(text)  # ==highlight== becomes bold
        return "".join(f"**{escape(p)}**" if i % 2 else escape(p) for i, p in enumerate(parts))


def task_box(inline: Token, line: str) -> str:
    """A list item's task box `[ ]` / `[x]` as ☐ / ☑ (an escaped one stays text)."""
    first = (inline.children or [None])[0]
    if first is None or first.type != "text":
        return line
    return _TASK.sub(lambda m: "☐ " if m.group(1) == " " else "☑ ", line, count=1)


_SPECIAL = re.compile(r"([\\`*\[$])")


def escape(text: str) -> str:
    """Plain text made literal in the lecture's inline syntax."""
    return _SPECIAL.sub(r"\\\1", text)


def formulas(tokens: list[Token]) -> Iterator[tuple[str, bool]]:
    """Every formula of the parsed note, as `_math` asks tex about it."""
    for token in tokens:
        if token.type in ("math_inline", "math_inline_double", "math_block", "math_block_label"):
            yield " ".join(token.content.split()), token.type != "math_inline"
        yield from formulas(token.children or [])


def readable_math(notes: str) -> str:
    """Notes whose $…$ texmath cannot read made literal text (the lecture would not load).

    A dollar made literal can pair the ones after it anew: again until nothing changes, and
    when that does not settle, every dollar literal."""
    for _ in range(4):
        fixed = literal_dollars(notes, lambda tex_, display: not tex.prepare([(tex_, display)]))
        if fixed == notes:
            return notes
        notes = fixed
    return notes.replace("$", "\\$")


def _tidy(line: str) -> str:
    line = " ".join(line.split())
    return re.sub(r"\*\*\s*\*\*", "", line).strip()  # empty bold left by removed content


def one_line(text: str) -> str:
    return " ".join(text.split())


def as_plain(text: str) -> str:
    from slides.inline import plain

    return plain(text)


def _plain_children(token: Token) -> str:
    kinds = ("text", "text_special", "code_inline")
    return "".join(c.content for c in token.children or [] if c.type in kinds)


class _TextOnly(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(markup: str) -> str:
    """The text of an HTML fragment, tags and comments removed."""
    parser = _TextOnly()
    parser.feed(markup)
    parser.close()
    return one_line(" ".join(parser.parts))
