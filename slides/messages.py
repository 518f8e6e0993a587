"""Pydantic's validation errors as messages a lecturer understands, at the right key.

Union branches that do not fit the value are pruned, unknown keys get a did-you-mean, and where
YAML read text as something else (a mapping, true, null) the message says so (slides.pitfalls).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from slides import model, pitfalls
from slides import theme_file as themes

if TYPE_CHECKING:
    from slides.load import Located

Loc = tuple[str | int, ...]


def friendly(
    error: ValidationError, data: Any, located: Located
) -> Iterator[tuple[Loc, str, bool]]:
    """Pydantic's errors as (location, message, point-at-key), union branches pruned.

    Where YAML read text as something else (`- Alice pays Bob: done` as a mapping, `answer:
    Yes` as true), the one message says so and shows the line in quotes.
    """
    items = error.errors(include_url=False)
    misread = dict(_misread_text(items, data, located))
    found: list[tuple[Loc, str, bool]] = []
    suggested: set[Loc] = set()  # 'unknown key titel (did you mean title?)' covers 'missing title'
    for item in items:
        loc = _real_loc(tuple(item["loc"]), data)
        if loc is None:
            continue  # an error of a union branch that does not match the value's shape
        place = next((loc[:end] for end in range(len(loc) + 1) if loc[:end] in misread), None)
        if place is not None:
            found.append((place, misread[place], False))
            continue
        message, at_key = _message(item, loc)
        if "did you mean '" in message:
            suggested.add(loc[:-1] + (message.split("did you mean '")[1].split("'")[0],))
        if item["type"] == "missing":
            loc = loc[:-1]  # point at the mapping that lacks the key
        elif item["type"] == "union_tag_invalid":
            loc = loc + ("kind",)
        found.append((loc, message, at_key))
    seen: set[tuple[Loc, str]] = set()
    for loc, message, at_key in found:
        missing_key = message.removeprefix("missing required key '").rstrip("'")
        if message.startswith("missing") and loc + (missing_key,) in suggested:
            continue
        if (loc, message) not in seen:
            seen.add((loc, message))
            yield loc, message, at_key


def _misread_text(items: list, data: Any, located: Located) -> Iterator[tuple[Loc, str]]:
    """(place, message) where text was expected and YAML read a mapping, true/false or null."""
    for item in items:
        if item["type"] != "string_type":
            continue
        raw = tuple(item["loc"])
        loc = _real_loc(raw[:-1] if raw[-1] in ("str", "constrained-str") else raw, data)
        mark = located.values.get(loc) if loc is not None else None
        if mark is None:
            continue
        line, value = located.line_of(mark), item["input"]
        if isinstance(value, dict):
            hint = pitfalls.colon_hint(line, mark.col - 1, value, vocabulary())
        else:
            hint = pitfalls.scalar_hint(line, mark.col - 1, value)
        if hint:
            yield loc, hint


def _real_loc(loc: Loc, data: Any) -> Loc | None:
    """Drop union tags from a pydantic location; None when the branch doesn't fit the data."""
    real: list[str | int] = []
    value = data
    for part in loc:
        in_dict = isinstance(value, dict) and part in value
        in_list = isinstance(value, list) and isinstance(part, int) and part < len(value)
        if in_dict or in_list:
            value = value[part]
            real.append(part)
        elif isinstance(part, str) and (part[:1].isupper() or "str" in part):
            # A union branch: a model class (mapping) or a string type.
            wants_mapping = part[:1].isupper()
            if wants_mapping != isinstance(value, dict):
                return None
        elif isinstance(part, str) and part in model.DIAGRAM_KINDS:
            continue
        else:
            real.append(part)  # a missing or unknown key: the last part
            value = None
    return tuple(real)


@cache
def vocabulary() -> frozenset[str]:
    """Every key of the lecture and theme formats."""
    words: set[str] = set()
    for cls in [*vars(model).values(), *vars(themes).values()]:
        if isinstance(cls, type) and issubclass(cls, BaseModel):
            words.update(cls.model_fields)
    return frozenset(words)


def _message(item: dict, loc: Loc) -> tuple[str, bool]:
    kind, value = item["type"], item.get("input")
    key = loc[-1] if loc else ""
    if kind == "missing":
        return f"missing required key '{key}'", False
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(key), sorted(vocabulary()), n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown key '{key}'{hint}", True
    if kind == "union_tag_invalid":
        ctx = item["ctx"]
        return f"unknown kind {ctx['tag']!r}; expected one of {ctx['expected_tags']}", False
    if kind == "union_tag_not_found":
        return f"missing required key 'kind' (one of {', '.join(model.DIAGRAM_KINDS)})", False
    expected = {
        "string_type": "text",
        "list_type": "a list (lines starting with '- ')",
        "model_type": "a mapping (key: value lines)",
        "model_attributes_type": "a mapping (key: value lines)",
        "dict_type": "a mapping (key: value lines)",
        "bool_type": "true or false",
        "bool_parsing": "true or false",
        "int_type": "a whole number",
        "int_parsing": "a whole number",
    }.get(kind)
    if expected:
        return f"expected {expected}, got {_describe(value)}", False
    if kind == "string_too_short":
        return "must not be empty", False
    if kind == "too_short":
        n = item["ctx"]["min_length"]
        return f"needs at least {n} item{'s' if n != 1 else ''}, got {len(value)}", False
    if kind == "too_long":
        n = item["ctx"]["max_length"]
        return f"takes at most {n} items, got {len(value)}", False
    if kind == "string_too_long":
        return f"is {len(value):,} characters; at most {item['ctx']['max_length']:,}", False
    if kind == "string_pattern_mismatch" and item["ctx"]["pattern"] == themes.COLOUR_PATTERN:
        return f'expected a colour written "#RRGGBB" (in quotes), got {_describe(value)}', False
    if kind == "string_pattern_mismatch":
        return f"{_describe(value)} is not a valid {key}", False
    if kind == "value_error":
        return str(item["ctx"]["error"]), False
    return item["msg"], False


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…'"
