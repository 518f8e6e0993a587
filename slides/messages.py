"""Why data does not fit the content model, as messages a lecturer understands, at the right key.

msgspec stops at the first mistake. Once it has found one, the data is checked again here node
by node against the same declarations (as `msgspec.inspect` describes them), so every mistake
in the file is reported in one go. A union is resolved by the value's shape, an unknown key gets
a did-you-mean, and where YAML read text as something else (a mapping, true, null) the message
says so (slides.pitfalls).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

import msgspec
from msgspec import inspect

from slides import model, pitfalls
from slides import theme_file as themes

if TYPE_CHECKING:
    from slides.load import Located

Loc = tuple[str | int, ...]
Found = tuple[Loc, str, bool]  # where, the message, whether it points at the key (not the value)

MAPPING = "a mapping (key: value lines)"
EXPECTED = {  # what a value of each kind is called in a message
    inspect.StrType: "text",
    inspect.ListType: "a list (lines starting with '- ')",
    inspect.StructType: MAPPING,
    inspect.DictType: MAPPING,
    inspect.BoolType: "true or false",
    inspect.IntType: "a whole number",
    inspect.FloatType: "a number",
    inspect.NoneType: "nothing",
}
SCALARS = {inspect.BoolType: bool, inspect.IntType: int, inspect.FloatType: float}


def mistakes(data: Any, schema: type, located: Located) -> list[Found]:
    """Every mistake in `data`, which msgspec found does not fit `schema`, in the keys' order."""
    found = list(_Checker(located).check(data, inspect.type_info(schema), ()))
    if not found:  # a mistake the checks here do not know: msgspec's own words, at its place
        try:
            model.convert(data, schema)
        except msgspec.ValidationError as error:
            found = [_at(error, ())]
    unique: dict[tuple[Loc, str], Found] = {}
    for item in found:
        unique.setdefault(item[:2], item)
    return list(unique.values())


class _Checker:
    def __init__(self, located: Located) -> None:
        self.located = located

    def check(self, value: Any, t: Any, loc: Loc, extra: dict | None = None) -> Iterator[Found]:
        """The mistakes in one value against one type of the model, and in what it holds."""
        if isinstance(t, inspect.Metadata):  # constraints' own messages ride in Meta(extra=…)
            yield from self.check(value, t.type, loc, {**(extra or {}), **(t.extra or {})})
        elif isinstance(t, inspect.UnionType):
            yield from self._union(value, t, loc)
        elif isinstance(t, inspect.StructType):
            yield from self._struct(value, t, loc)
        elif isinstance(t, inspect.ListType):
            yield from self._list(value, t, loc)
        elif isinstance(t, inspect.DictType):
            yield from self._dict(value, t, loc)
        else:
            message = self._scalar(value, t, loc, extra or {})
            if message:
                yield loc, message, False

    def _union(self, value: Any, t: inspect.UnionType, loc: Loc) -> Iterator[Found]:
        types = [_bare(u) for u in t.types]
        if value is None and any(isinstance(u, inspect.NoneType) for u in types):
            return
        structs = [u for u in t.types if isinstance(_bare(u), inspect.StructType)]
        others = [
            u for u in t.types if not isinstance(_bare(u), inspect.StructType | inspect.NoneType)
        ]
        if not (isinstance(value, dict) and structs):
            yield from self.check(value, (others or structs)[0], loc)
            return
        if any(isinstance(_bare(u), inspect.StrType) for u in others):
            hint = self._misread(value, loc)  # `- Alice pays Bob: done`: text read as a mapping
            if hint:
                yield loc, hint, False
                return
        tagged = [_bare(u) for u in structs if _bare(u).tag_field]
        if not tagged:
            yield from self.check(value, structs[0], loc)
            return
        field, tags = tagged[0].tag_field, [s.tag for s in tagged]
        if field not in value:
            yield loc, f"missing required key '{field}' (one of {', '.join(tags)})", False
            return
        match = next((s for s in tagged if s.tag == value[field]), None)
        if match is None:
            listed = ", ".join(map(repr, tags))
            message = f"unknown {field} {value[field]!r}; expected one of {listed}"
            yield loc + (field,), message, False
            return
        yield from self.check(value, match, loc)

    def _struct(self, value: Any, t: inspect.StructType, loc: Loc) -> Iterator[Found]:
        if not isinstance(value, dict):
            yield loc, f"expected {MAPPING}, got {self._describe(value, loc)}", False
            return
        try:
            model.convert(value, t.cls)
            return  # this part fits
        except msgspec.ValidationError as error:
            failure = error
        names = {f.encode_name for f in t.fields} | {t.tag_field}
        unknown = [key for key in value if key not in names]
        suggested = {key: _suggestion(key) for key in unknown}
        found: list[Found] = []
        for f in t.fields:
            if f.encode_name in value:
                found += self.check(value[f.encode_name], f.type, loc + (f.encode_name,))
            elif f.required and f.encode_name not in suggested.values():
                found.append((loc, f"missing required key '{f.encode_name}'", False))
        for key in unknown:  # 'unknown key titel (did you mean title?)' covers 'missing title'
            hint = f" (did you mean '{suggested[key]}'?)" if suggested[key] else ""
            found.append((loc + (key,), f"unknown key '{key}'{hint}", True))
        if found:
            yield from found
            return
        cause = failure.__cause__  # every part fits: the node's own check (__post_init__) failed
        if isinstance(cause, model.Mistakes):
            for sub, message in cause.found:
                yield loc + sub, message, False
        elif isinstance(cause, ValueError):
            yield loc, str(cause), False
        else:
            yield _at(failure, loc)

    def _list(self, value: Any, t: inspect.ListType, loc: Loc) -> Iterator[Found]:
        if not isinstance(value, list):
            yield (
                loc,
                f"expected {EXPECTED[inspect.ListType]}, got {self._describe(value, loc)}",
                False,
            )
            return
        n = len(value)
        if t.min_length is not None and n < t.min_length:
            s = "s" if t.min_length != 1 else ""
            yield loc, f"needs at least {t.min_length} item{s}, got {n}", False
        if t.max_length is not None and n > t.max_length:
            yield loc, f"takes at most {t.max_length} items, got {n}", False
        for i, item in enumerate(value):
            yield from self.check(item, t.item_type, loc + (i,))

    def _dict(self, value: Any, t: inspect.DictType, loc: Loc) -> Iterator[Found]:
        if not isinstance(value, dict):
            yield loc, f"expected {MAPPING}, got {self._describe(value, loc)}", False
            return
        keys = _bare(t.key_type)  # the model's only mappings are keyed by a few words
        for key, item in value.items():
            if isinstance(keys, inspect.LiteralType) and key not in keys.values:
                listed = " or ".join(map(repr, keys.values))
                yield loc + (key,), f"unknown key {key!r}; expected {listed}", True
            else:
                yield from self.check(item, t.value_type, loc + (key,))

    def _scalar(self, value: Any, t: Any, loc: Loc, extra: dict) -> str | None:
        """What is wrong with a single value (text, number, true/false, one of a few words)."""
        got = self._describe(value, loc)
        if isinstance(t, inspect.LiteralType):
            if value in t.values:
                return None
            return f"expected {' or '.join(map(repr, t.values))}, got {got}"
        if isinstance(t, inspect.StrType):
            if not isinstance(value, str):
                return self._misread(value, loc) or f"expected text, got {got}"
            if t.min_length and len(value) < t.min_length:
                return "must not be empty"
            if t.max_length is not None and len(value) > t.max_length:
                return f"is {len(value):,} characters; at most {t.max_length:,}"
            if t.pattern and not re.search(t.pattern, value):
                key = next((part for part in reversed(loc) if isinstance(part, str)), "value")
                return extra.get("mistake", "{value} is not a valid {key}").format(
                    value=got, key=key
                )
            return None
        if type(t) in SCALARS:
            try:
                number = model.convert(value, SCALARS[type(t)])
            except msgspec.ValidationError:
                return f"expected {EXPECTED[type(t)]}, got {got}"
            return _out_of_range(number, t, got)
        if isinstance(t, inspect.NoneType):
            return None if value is None else f"expected nothing, got {got}"
        return None  # any value is allowed

    def _describe(self, value: Any, loc: Loc) -> str:
        """The value as the message shows it: a number YAML read (kept as text) unquoted."""
        return value if loc in self.located.numbers else _describe(value)

    def _misread(self, value: Any, loc: Loc) -> str | None:
        """Where text was expected and YAML read a mapping, true/false or null: why, and what
        to write."""
        mark = self.located.values.get(loc)
        if mark is None:
            return None
        line = self.located.line_of(mark)
        if isinstance(value, dict):
            return pitfalls.colon_hint(line, mark.col - 1, value, vocabulary())
        return pitfalls.scalar_hint(line, mark.col - 1, value)


def _bare(t: Any) -> Any:
    """A type without its Meta annotations."""
    return _bare(t.type) if isinstance(t, inspect.Metadata) else t


def _out_of_range(number: float, t: Any, got: str) -> str | None:
    """What a number breaks of its type's bounds (true or false has none)."""
    for name, words, broken in (
        ("ge", "at least", float.__lt__),
        ("gt", "more than", float.__le__),
        ("le", "at most", float.__gt__),
        ("lt", "less than", float.__ge__),
    ):
        bound = getattr(t, name, None)
        if bound is not None and broken(float(number), float(bound)):
            return f"must be {words} {bound}, got {got}"
    return None


def _at(error: msgspec.ValidationError, loc: Loc) -> Found:
    """msgspec's own message, at the place below `loc` it names (`- at `$.rows[1]``)."""
    message, _, path = str(error).partition(" - at `$")
    parts = re.findall(r"\.([^.\[`]+)|\[(\d+)\]", path)
    sub = tuple(int(index) if index else key for key, index in parts)
    return loc + sub, message[:1].lower() + message[1:], False


def _suggestion(key: str) -> str | None:
    close = difflib.get_close_matches(str(key), sorted(vocabulary()), n=1, cutoff=0.6)
    return close[0] if close else None


@cache
def vocabulary() -> frozenset[str]:
    """Every key of the lecture and theme formats."""
    words: set[str] = set()
    for cls in [*vars(model).values(), *vars(themes).values()]:
        if isinstance(cls, type) and issubclass(cls, msgspec.Struct):
            words.update(f.encode_name for f in msgspec.structs.fields(cls))
            words.add(cls.__struct_config__.tag_field or "")
    return frozenset(words - {""})


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
