"""Text that YAML reads as something else, and the quoted line that fixes it.

A lecturer writes `- **A**tomicity: …`, `answer: Yes` or `- Alice pays Bob: done` and means
text; YAML reads an alias, true, or a key and its value. Each function here recognises one such
pitfall and returns the message to show, ending in the corrected line to write instead.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

import yaml

Loc = tuple[str | int, ...]

_INDICATORS = {
    "*": "YAML reads `*` at the start as an alias",
    "&": "YAML reads `&` at the start as an anchor",
    "!": "YAML reads `!` at the start as a tag",
    "|": "YAML reads `|` at the start as a block of text",
    ">": "YAML reads `>` at the start as a block of text",
    "@": "YAML does not allow `@` at the start of plain text",
    "`": "YAML does not allow a backquote (`) at the start of plain text",
    "%": "YAML does not allow `%` at the start of plain text",
}
_CLOSES = {'"': 'the closing `"`', "'": "the closing `'`", "[": "`]`", "{": "`}`"}
_ITEM = re.compile(r"[ \t]*(?:-[ \t]+)*")  # indentation and list dashes
_KEY = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:[ \t]+")
_COMMENT = re.compile(r"[ \t]+#[ \t].*$")  # '# ' after a space: a comment the user meant
_WORD = re.compile(r"[^\s,\]}#]+")


def quoted(text: str) -> str:
    """`text` as a YAML quoted scalar: double quotes, or single ones when it holds a `"`."""
    if '"' in text and "'" not in text:
        return f"'{text}'"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def corrected(line: str, start: int) -> str:
    """The line with its text from `start` in quotes (a trailing `# comment` stays outside)."""
    text = line[start:].rstrip()
    comment = _COMMENT.search(text)
    tail = comment.group(0) if comment else ""
    text = text[: len(text) - len(tail)]
    return (line[:start] + quoted(text) + tail).strip()


def _teach(reason: str, line: str, start: int, advice: str = "Put the text in quotes") -> str:
    return f"{reason}. {advice}:  {corrected(line, start)}"


def value_start(line: str, keys: Collection[str]) -> tuple[int, str | None]:
    """Where the value of a `- key: value` line starts, and its key (one of `keys` in a list)."""
    start = _ITEM.match(line).end()  # type: ignore[union-attr]
    key = _KEY.match(line, start)
    if key and (key.group(1) in keys or start == len(line) - len(line.lstrip())):
        return key.end(), key.group(1)
    return start, None


def syntax_hint(
    lines: list[str], error: yaml.MarkedYAMLError, keys: Collection[str]
) -> tuple[int, int, str, str | None] | None:
    """(line, column, message, key) for a syntax error caused by unquoted text (1-based)."""
    mark = error.problem_mark
    if mark is None or mark.line >= len(lines):
        return None
    line = lines[mark.line]
    start, key = value_start(line, keys)
    text = line[start:]
    if not text or mark.column < start:
        return None
    reason = _INDICATORS.get(text[0])
    if reason is None and "mapping values are not allowed" in (error.problem or ""):
        reason = "YAML reads `: ` as a key and its value"
    if reason is None and text[0] in _CLOSES and "found '<scalar>'" in (error.problem or ""):
        reason = f"YAML ends the text at {_CLOSES[text[0]]}"
    if reason is None:
        return None
    return mark.line + 1, start + 1, _teach(reason, line, start), key


def path_at_error(text: str, line: int) -> Loc:
    """The key path of the value YAML was reading when it stopped at a syntax error.

    The error is about the line's (0-based) text as a whole: the path is taken where YAML
    began reading that line (in `- "a" b` it stops at `b`, after reading "a" as the item).
    """
    # Per open container: [is mapping, key or index, wants a key, column].
    stack: list[list[Any]] = []
    first: Loc | None = None  # the path where the error's line begins
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
                _value_done(stack)
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            path = _path(stack)  # where a value read whole (a scalar) sits
            if stack and stack[-1][0] and stack[-1][2]:  # a key of a mapping
                scalar = isinstance(event, yaml.ScalarEvent)
                stack[-1][1:3] = [event.value if scalar else "?", False]
                path = _path(stack)
            elif isinstance(event, yaml.CollectionStartEvent):
                is_mapping = isinstance(event, yaml.MappingStartEvent)
                column = event.start_mark.column
                stack.append([is_mapping, None if is_mapping else 0, is_mapping, column])
                path = _path(stack)
            else:
                _value_done(stack)
            if first is None and event.start_mark.line == line:
                first = path  # (a block that the line's indentation closes is no node)
    except yaml.YAMLError:
        pass
    if first is not None:
        return first
    # YAML stopped before it closed the blocks that this line's indentation closes.
    source = text.splitlines()[line] if line < len(text.splitlines()) else ""
    indent = len(source) - len(source.lstrip())
    while stack and stack[-1][3] > indent:
        stack.pop()
        _value_done(stack)
    starts_a_list = source.lstrip().startswith("- ") and (not stack or stack[-1][0])
    return _path(stack) + ((0,) if starts_a_list else ())


def _path(stack: list[list[Any]]) -> Loc:
    return tuple(entry[1] for entry in stack if entry[1] is not None)


def _value_done(stack: list[list[Any]]) -> None:
    if not stack:
        return
    if stack[-1][0]:
        stack[-1][1:3] = [None, True]
    else:
        stack[-1][1] += 1


def scalar_hint(line: str, col: int, value: Any) -> str | None:
    """For true/false/null written where text belongs: the message with the quoted line."""
    if value is None:  # `text: #1F2933`: the value is empty, the colour a comment
        start = len(line) - len(line[col:].lstrip())
        comment = _WORD.match(line, start + 1) if line[start : start + 1] == "#" else None
        if comment:
            reason = f"YAML reads `#{comment.group(0)}` as a comment, so the value is empty"
            return _teach(reason, line, start)
    word = _WORD.match(line, col)
    if word is None or not (value is None or isinstance(value, bool)):
        return None
    read_as = "nothing (null)" if value is None else str(value).lower()
    return _teach(f"YAML reads `{word.group(0)}` as {read_as}", line, col)


def tag_hint(line: str, col: int) -> str:
    """For text starting with `!` (YAML's local tag)."""
    return _teach(_INDICATORS["!"], line, col)


def anchor_hint(line: str, col: int) -> str | None:
    """A warning for `- &Co rest`: YAML takes `&Co` as an anchor name and keeps only `rest`."""
    anchor = _WORD.match(line, col)
    if anchor is None or not anchor.group(0).startswith("&"):
        return None
    return _teach(f"YAML reads `{anchor.group(0)}` as an anchor and leaves it out", line, col)


def colon_hint(line: str, col: int, key_and_value: dict, keys: Collection[str]) -> str | None:
    """For `- Alice pays Bob: done`, read as a mapping of one key: the whole line quoted."""
    if len(key_and_value) != 1:
        return None
    [(key, value)] = key_and_value.items()
    if key in keys or isinstance(value, dict | list) or not line[col:].startswith(str(key)):
        return None
    return _teach("YAML reads `: ` as a key and its value", line, col)


def comment_hint(line: str, start: int, end: int) -> str | None:
    """A warning for `title: We are #1`: YAML ends the text at ` #`, the rest is a comment."""
    comment = re.match(r"[ \t]+(#\S.*)", line[end:])
    if comment is None:
        return None
    reason = f"YAML reads `{comment.group(1).rstrip()}` as a comment and leaves it out"
    return _teach(reason, line, start, "If it is part of the text, put the text in quotes")
