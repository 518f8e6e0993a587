"""Where Quarto sees a shortcode in a .qmd: our own port of its rules, for the tests.

Quarto can't be installed here. Read in quarto-cli at commit 5d1da592, its rules are:
1. Before pandoc reads the file, the raw text is scanned for shortcodes (src/resources/pandoc/
   datadir/readqmd.lua:128) by the grammar of lpegshortcode.lua:137-189; each one found is
   hidden in a token pandoc reads as a plain word (lpegshortcode.lua:323-360), an escape
   `{{</* x */>}}` or `{{{< x >}}}` as `{{{< x >}}}`. The scan isn't anchored at the end: at a
   `{{<` the grammar can't read it stops, and the rest of the file is lost (lpegshortcode.lua:
   165-171, 306-314).
2. A token left in text becomes a shortcode (readqmd.lua:210-255): an escaped one shows as
   `{{< x >}}`, a live one runs. In code, raw, math, some attribute values, link targets and image
   sources the token gives its text back (readqmd.lua:158-209), which is scanned again and run
   (src/resources/filters/customnodes/shortcodes.lua:210-253, 276-300, 302-375), an escape
   shown as written. (Quarto skips this for `.cell-code` blocks and `shortcodes="false"`, which
   our .qmd never writes.)
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable

from slides.render.html import pandoc_path

LIVE = "LIVE-SHORTCODE"
SPACE = " \n\t"
_TOKEN = re.compile(r"quartoshortcode([0-9A-F]+)x")

# An escape's text, or None for a live shortcode; what to write in its place.
Found = Callable[[str, str | None], str]


def _spaces(text: str, i: int) -> int:
    while i < len(text) and text[i] in SPACE:
        i += 1
    return i


def _word(text: str, i: int, stops: tuple[str, ...] = ()) -> int | None:
    """A quoted string, or non-space characters up to one of `stops`, not starting with a quote,
    } or > (lpegshortcode.lua:123-135, 147-154). Returns where it ends."""
    if text[i : i + 1] in ("'", '"'):
        close = text.find(text[i], i + 1)
        return None if close == -1 else close + 1
    if i >= len(text) or text[i] in "}>":
        return None
    end = i
    while end < len(text) and text[end] not in SPACE and not text.startswith(stops, end):
        end += 1
    return end if end > i else None


def _argument(text: str, i: int) -> int | None:
    """One item of a shortcode's body, Quarto's alternatives in its order (lpegshortcode.lua:
    157, 172, 178-182): a shortcode, key=shortcode, key=value, spaces, a word."""
    if (nested := _shortcode(text, i)) is not None:
        return nested[0]
    # Keys stop at :/?= so that URLs are not key=value (lpegshortcode.lua:156-157).
    if (key := _word(text, i, (":", "/", "?", "="))) is not None:
        equals = _spaces(text, key)
        if text.startswith("=", equals):
            value = _spaces(text, equals + 1)
            if (nested := _shortcode(text, value)) is not None:
                return nested[0]
            if (end := _word(text, value)) is not None:
                return end
    if text[i : i + 1] and text[i] in SPACE:
        return _spaces(text, i)
    if (end := _word(text, i, (">}}",))) is not None:
        return _spaces(text, end)
    return None


def _shortcode(text: str, i: int) -> tuple[int, str | None] | None:
    """The shortcode at i: where it ends and, for an escape, its text inside the escape
    (lpegshortcode.lua:144-145, 173-185); None where Quarto's grammar fails."""
    for opening, closing in (("{{{<", ">}}}"), ("{{</*", "*/>}}")):
        if text.startswith(opening, i) and (close := text.find(closing, i + len(opening))) != -1:
            return close + len(closing), text[i + len(opening) : close]
    if not text.startswith("{{<", i):
        return None
    start = end = _spaces(text, i + 3)
    while (after := _argument(text, end)) is not None and after > end:
        end = after
    if end == start:
        return None  # a shortcode needs a body (lpegshortcode.lua:177-183: ^1)
    end = _spaces(text, end)
    return (end + 3, None) if text.startswith(">}}", end) else None


def scan(text: str, found: Found) -> str:
    """The text with each shortcode replaced by found(...); cut at a `{{<` Quarto can't read."""
    out, pos = [], 0
    while starts := [at for at in (text.find("{{{<", pos), text.find("{{<", pos)) if at != -1]:
        start = min(starts)
        out.append(text[pos:start])
        if (shortcode := _shortcode(text, start)) is None:
            return "".join(out)
        end, escaped = shortcode
        out.append(found(text[start:end], escaped))
        pos = end
    return "".join(out) + text[pos:]


def shown_in_code(text: str) -> str:
    """Quarto's second scan, of text given back in code: escapes as written, LIVE marks. If it
    can't read even the start, it keeps the text (shortcodes.lua:252: `or text`)."""
    return scan(text, _run_or_show) or text


def _run_or_show(raw: str, escaped: str | None) -> str:
    return LIVE if escaped is None else "{{<" + escaped + ">}}"


def _hide(raw: str, escaped: str | None) -> str:
    shown = raw if escaped is None else "{{{<" + escaped + ">}}}"
    return f"quartoshortcode{shown.encode().hex().upper()}x"


def _give_back(text: str) -> str:
    return _TOKEN.sub(lambda m: bytes.fromhex(m[1]).decode(), text)


def _in_text(token: re.Match) -> str:
    raw = bytes.fromhex(token[1]).decode()
    return raw[1:-1] if raw.startswith("{{{<") else LIVE


# Nodes whose text Quarto gives back and scans again, and where their Attr is.
_TEXT = {"Code", "CodeBlock", "RawInline", "RawBlock", "Math"}
_ATTR = {"Header": 1, "Span": 0, "Div": 0, "Link": 0, "Image": 0}


def _stage_two(node: object) -> None:
    if isinstance(node, list):
        for child in node:
            _stage_two(child)
        return
    if not isinstance(node, dict):
        return
    kind, content = node.get("t"), node.get("c")
    if kind == "Str":
        node["c"] = _TOKEN.sub(_in_text, content)
    if kind in _TEXT:
        content[1] = shown_in_code(_give_back(content[1]))
    if kind in _ATTR:
        for pair in content[_ATTR[kind]][2]:
            pair[1] = shown_in_code(_give_back(pair[1]))
    if kind in ("Link", "Image"):
        content[2][0] = shown_in_code(_give_back(content[2][0]))
    for value in node.values():
        _stage_two(value)


def read_as_quarto(qmd: str) -> dict:
    """The .qmd's pandoc AST as Quarto's shortcode stages leave it, LIVE where one would run.
    A token left anywhere (Quarto would show it as is) stays quartoshortcode…x."""
    done = subprocess.run(
        [pandoc_path(), "--from=markdown", "--to=json"],
        input=scan(qmd, _hide),
        capture_output=True,
        text=True,
        check=True,
    )
    tree = json.loads(done.stdout)
    _stage_two(tree)
    return tree
