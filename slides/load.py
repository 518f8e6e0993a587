"""YAML to the content model, with every problem located at its file, line, column and key.

Loading is safe: YAML is composed to nodes (no object construction), duplicate keys are errors,
alias expansion and nesting are bounded, and image paths must stay inside the lecture folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import msgspec
import yaml

from slides import model, pitfalls, tex
from slides import theme as themes
from slides.errors import ContentError, Problem, display_path

LECTURE_FILE = "lecture.yaml"
MAX_NODES = 200_000  # a lecture has a few thousand; more means an alias bomb
MAX_DEPTH = 40
MAX_BYTES = 5_000_000

Loc = tuple[str | int, ...]
Model = TypeVar("Model", bound=msgspec.Struct)


class _Mark:
    """A 1-based line and column, and the file when it is not the lecture file."""

    __slots__ = ("col", "file", "line")

    def __init__(self, mark: yaml.Mark, file: str | None = None) -> None:
        self.line, self.col, self.file = mark.line + 1, mark.column + 1, file


class Located:
    """Plain data from YAML, with the position of every key and value."""

    def __init__(self, file: str, base: Loc = ()) -> None:
        self.file = file
        self.base = base  # the key path of this file's contents in the lecture (a diagram file)
        self.values: dict[Loc, _Mark] = {}
        self.keys: dict[Loc, _Mark] = {}
        self.problems: list[Problem] = []
        self.reported: set[Loc] = set()  # places already explained: no second message there
        self.sources: dict[str, list[str]] = {}  # each file's lines, for corrected lines
        self._lines: list[str] = []  # the lines of the file being built
        self._count = 0
        self.numbers: set[Loc] = set()  # where YAML read a number (kept as text)

    def problem(self, loc: Loc, message: str, *, at_key: bool = False, severity: str = "error"):
        mark = self.mark(loc, at_key=at_key)
        self.problems.append(
            Problem(
                mark.file or self.file,
                mark.line,
                mark.col,
                format_path(self.base + loc),
                message,
                severity,  # type: ignore[arg-type]
            )
        )

    def locate(self, path: str, message: str, severity: str = "error") -> Problem:
        """A Problem at a key path such as 'topics[2].slides[0].image.src', in its own file."""
        marks = (mark for loc, mark in self.values.items() if format_path(loc) == path)
        mark = next(marks, None) or _Mark(yaml.Mark("", 0, 0, 0, None, None))
        return Problem(mark.file or self.file, mark.line, mark.col, path, message, severity)  # type: ignore[arg-type]

    def line_of(self, mark: _Mark) -> str:
        """The source line a mark points into."""
        lines = self.sources.get(mark.file or self.file, [])
        return lines[mark.line - 1] if mark.line <= len(lines) else ""

    def mark(self, loc: Loc, at_key: bool = False) -> _Mark:
        """The mark of the deepest known node on the way to loc."""
        for end in range(len(loc), -1, -1):
            key = loc[:end]
            if at_key and key in self.keys:
                return self.keys[key]
            if key in self.values:
                return self.values[key]
        return next(iter(self.values.values()))

    def build(self, node: yaml.Node, loc: Loc = ()) -> Any:
        """Plain Python data from a node, recording positions; problems collected, not raised."""
        self._count += 1
        if self._count > MAX_NODES:
            raise _Refused(f"more than {MAX_NODES} values (an alias bomb?)", node)
        if len(loc) > MAX_DEPTH:
            raise _Refused(f"nested deeper than {MAX_DEPTH} levels", node)
        self.values[loc] = _Mark(node.start_mark)
        if node.tag not in _PLAIN_TAGS:
            if not (node.tag.startswith("!") and isinstance(node, yaml.ScalarNode)):
                raise _Refused(f"the tag '{node.tag}' is not allowed; write plain values", node)
            start = node.start_mark  # `- !important`: text meant, read as a local tag
            self.problem(loc, pitfalls.tag_hint(self._lines[start.line], start.column))
            self.reported.add(loc)
            return node.value
        if isinstance(node, yaml.MappingNode):
            data: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = _scalar(key_node)
                if not isinstance(key, str | int | float | bool) or key is None:
                    self.values[loc + ("?",)] = _Mark(key_node.start_mark)
                    self.problem(loc + ("?",), "keys must be plain words")
                    continue
                key = str(key)
                if key in data:
                    self.keys[loc + (key,)] = _Mark(key_node.start_mark)
                    first = self.values[loc + (key,)]
                    self.problem(
                        loc + (key,),
                        f"duplicate key '{key}' (first given at line {first.line})",
                        at_key=True,
                    )
                    continue
                self.keys[loc + (key,)] = _Mark(key_node.start_mark)
                data[key] = self.build(value_node, loc + (key,))
            return data
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, loc + (i,)) for i, item in enumerate(node.value)]
        if not node.style and node.tag == "tag:yaml.org,2002:str":  # plain: None, or '' (libyaml)
            self._check_plain_text(node, loc)
        value = _scalar(node)
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.numbers.add(loc)
            return str(value)  # a number is kept as text: the model reads it as one where it must
        return value

    def _check_plain_text(self, node: yaml.ScalarNode, loc: Loc) -> None:
        """Warn where YAML quietly dropped part of unquoted text (a ` #…` or an `&anchor`)."""
        start, end = node.start_mark, node.end_mark
        line = self._lines[start.line] if start.line < len(self._lines) else ""
        dropped = None
        if end.line == start.line and end.column < len(line):
            dropped = pitfalls.comment_hint(line, start.column, end.column)
        if start.column < len(line) and line[start.column] == "&":
            dropped = pitfalls.anchor_hint(line, start.column)
        if dropped:
            self.problem(loc, dropped, severity="warning")


class _Refused(Exception):
    """The YAML cannot be turned into lecture data (too big, too deep, or a foreign tag)."""

    def __init__(self, message: str, node: yaml.Node) -> None:
        super().__init__(message)
        self.mark = _Mark(node.start_mark)


_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}
_resolver = yaml.SafeLoader("")  # only its constructor's scalar methods are used


def _scalar(node: yaml.Node) -> Any:
    """A scalar's value, as YAML 1.1 safe types; dates and times stay as written."""
    if not isinstance(node, yaml.ScalarNode):
        return node  # a mapping or list used as a key: reported by the caller
    if node.tag in _AS_WRITTEN:  # most scalars are text: no need for the constructor
        return node.value
    return _resolver.construct_object(node, deep=False)


_AS_WRITTEN = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"}


def format_path(loc: Loc) -> str:
    """('topics', 3, 'slides', 2, 'image') -> 'topics[3].slides[2].image'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_lecture(
    folder: Path, display: str | None = None, theme: Path | None = None
) -> tuple[model.Lecture, list[Problem]]:
    """Load and validate `folder/lecture.yaml`; returns the lecture and its warnings. A `theme`
    folder given (--theme) stands in for the lecture's own `theme:`.

    Raises ContentError with every error found (and the warnings) when the lecture is invalid.
    """
    path = folder / LECTURE_FILE
    file = display or str(path)
    located = Located(file)
    data = _read_yaml(path, located)
    _include_diagram_files(data, folder, located)
    theme = _check_theme(data, located, folder, theme)
    lecture = _validate(data, located, model.Lecture) if isinstance(data, dict) else None
    if lecture is not None:
        model.annotate(lecture, folder=folder.resolve(), theme_folder=theme, located=located)
        _check_files(lecture, located)
        tex.check(lecture, located)
        _warn(lecture, located)
    errors = [p for p in located.problems if p.severity == "error"]
    if errors or lecture is None:
        raise ContentError(located.problems)
    return lecture, located.problems


def read_validated(path: Path, schema: type[Model]) -> tuple[Model, Located]:
    """A YAML file other than the lecture (a theme) validated against `schema`, with its marks.

    Raises ContentError with every problem found, located in the file.
    """
    located = Located(display_path(path))
    data = _read_yaml(path, located)
    valid = _validate(data, located, schema) if isinstance(data, dict) else None
    if valid is None or located.problems:
        raise ContentError(located.problems)
    return valid, located


def _check_theme(data: Any, located: Located, folder: Path, given: Path | None) -> Path | None:
    """The lecture's theme folder: the one given (--theme), else the one its `theme:` names.

    An unknown theme, or a mistake in the theme's own file, is reported with the lecture's
    problems; then None.
    """
    ref = data.get("theme", "default") if isinstance(data, dict) else None
    if given is None and (not isinstance(ref, str) or not ref):
        return None  # not text: the schema says so
    found = given or themes.find_theme(ref, folder)
    if found is None:
        if themes.is_path(ref):
            where = f"no theme.yaml in {display_path(folder / ref)}"
            hint = "Write the path of a theme folder, relative to the lecture folder."
        else:
            import difflib  # only for a mistake

            known = themes.names_near(folder)
            close = difflib.get_close_matches(ref, known, n=1) or ["default"]
            where = (
                f"no theme '{ref}' in themes/ beside the lecture or above it, nor built in "
                f"(themes: {', '.join(known)})"
            )
            hint = f"Write:  theme: {close[0]}"
        located.problem(("theme",), f"{where}. {hint}")
        located.reported.add(("theme",))
        return None
    try:
        themes.load_theme(found)
    except ContentError as error:
        located.problems += error.problems
    return found


def _read_yaml(path: Path, located: Located) -> Any:
    """The file's plain data, positions recorded in `located`; None when it cannot be read."""

    def fail(message: str, line: int = 1, col: int = 1, loc: Loc = ()) -> None:
        path = format_path(located.base + loc) if loc else ""
        located.problems.append(Problem(located.file, line, col, path, message))

    if not path.is_file():
        fail(f"no {path.name} here (looked for {path})")
        return None
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        fail(f"the file is {len(raw):,} bytes; a lecture file may have at most {MAX_BYTES:,}")
        return None
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark is accepted and dropped
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        col = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        fail(f"not UTF-8 text (byte 0x{raw[error.start]:02x}); save the file as UTF-8", line, col)
        return None
    lines = located.sources[located.file] = located._lines = text.splitlines()
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as error:
        from slides.messages import vocabulary  # the messages are read only for a mistake

        hint = pitfalls.syntax_hint(lines, error, vocabulary())
        if hint is not None:
            line, col, message, key = hint
            loc = pitfalls.path_at_error(text, line - 1)
            fail(message, line, col, loc + (key,) if key and loc[-1:] != (key,) else loc)
            return None
        mark = error.problem_mark or error.context_mark
        message = f"YAML syntax: {error.problem or error.context}"
        if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line]:
            message += " (indent with spaces, not tabs)"
        fail(message, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1)
        return None
    except yaml.YAMLError as error:
        fail(f"YAML: {error}")
        return None
    if node is None:
        fail("the file is empty; a lecture needs at least a title and topics")
        return None
    try:
        data = located.build(node)
    except _Refused as error:
        fail(str(error), error.mark.line, error.mark.col)
        return None
    except yaml.constructor.ConstructorError as error:
        mark = error.problem_mark
        fail(f"YAML: {error.problem}", mark.line + 1 if mark else 1, mark.column + 1 if mark else 1)
        return None
    if not isinstance(data, dict):
        located.problem((), "expected a mapping of keys (key: value lines)")
    return data


def _include_diagram_files(data: Any, folder: Path, located: Located) -> None:
    """Replace `diagram: diagrams/x.yaml` by that file's contents, keeping its own positions."""
    if not isinstance(data, dict) or not isinstance(data.get("topics"), list):
        return
    holders: list[tuple[Loc, dict]] = []
    for t, topic in enumerate(data["topics"]):
        slides = topic.get("slides") if isinstance(topic, dict) else None
        for s, slide in enumerate(slides if isinstance(slides, list) else []):
            if not isinstance(slide, dict):
                continue
            holders.append((("topics", t, "slides", s), slide))
            columns = slide.get("columns")
            for c, column in enumerate(columns if isinstance(columns, list) else []):
                if isinstance(column, dict):
                    holders.append((("topics", t, "slides", s, "columns", c), column))
    for loc, holder in holders:
        name = holder.get("diagram")
        if not isinstance(name, str):
            continue
        path, reason = resolve_inside(folder, name, "diagram file")
        if path is None or path.suffix not in (".yaml", ".yml"):
            located.problem(loc + ("diagram",), reason or f"'{name}' is not a .yaml file")
            located.reported.add(loc + ("diagram",))
            continue
        included = Located(display_path(path), base=loc + ("diagram",))
        holder["diagram"] = _read_yaml(path, included)
        located.problems += included.problems
        located.sources.update(included.sources)
        located.reported |= {included.base + loc for loc in included.reported}
        for marks, into in ((included.values, located.values), (included.keys, located.keys)):
            for sub, mark in marks.items():
                mark.file = included.file
                into[loc + ("diagram",) + sub] = mark


def _compose(text: str) -> yaml.Node | None:
    """YAML nodes via libyaml (10× faster, same nodes and marks); errors from the Python parser.

    The pure-Python parser runs again only on a broken file, so messages read the same whether
    or not PyYAML was built with libyaml.
    """
    try:
        return yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return yaml.compose(text, Loader=yaml.SafeLoader)


def _validate(data: Any, located: Located, schema: type[Model]) -> Model | None:
    try:
        return model.convert(data, schema)
    except msgspec.ValidationError:
        from slides.messages import mistakes  # the messages are read only for a mistake

        for loc, message, at_key in mistakes(data, schema, located):
            if not any(loc[: len(done)] == done for done in located.reported):
                located.problem(loc, message, at_key=at_key)
        return None


def _walk_pictures(lecture: model.Lecture) -> Iterator[tuple[Loc, model.Image | Any]]:
    """Every image and diagram in the lecture with its location."""
    for t, topic in enumerate(lecture.topics):
        for s, slide in enumerate(topic.slides):
            base: Loc = ("topics", t, "slides", s)
            for key in ("image", "diagram"):
                if getattr(slide, key) is not None:
                    yield base + (key,), getattr(slide, key)
            for c, column in enumerate(slide.columns or []):
                for key in ("image", "diagram"):
                    if getattr(column, key) is not None:
                        yield base + ("columns", c, key), getattr(column, key)


def resolve_inside(folder: Path, relative: str, what: str = "image") -> tuple[Path | None, str]:
    """A path inside the lecture folder, or None and the reason it is refused (names `what`)."""
    candidate = Path(relative)
    if candidate.is_absolute() or relative.startswith(("/", "\\")):
        return None, f"'{relative}' is an absolute path; give a path inside the lecture folder"
    if ".." in candidate.parts:
        return None, f"'{relative}' leaves the lecture folder ('..' is not allowed)"
    path = folder / candidate
    real = path.resolve()
    if not real.is_relative_to(folder.resolve()):
        return None, f"'{relative}' points outside the lecture folder (a symbolic link?)"
    if not real.exists():
        return None, f"{what} not found: {path}"
    if not real.is_file():
        return None, f"'{relative}' is not a file"
    return real, ""


def _check_files(lecture: model.Lecture, located: Located) -> None:
    folder = lecture.folder
    if lecture.pptx_template is not None:
        path, reason = resolve_inside(folder, lecture.pptx_template, "template")
        if path is None:
            located.problem(("pptx_template",), reason)
    for loc, picture in _walk_pictures(lecture):
        if isinstance(picture, model.Image):
            path, reason = resolve_inside(folder, picture.src)
            if path is None:
                located.problem(loc + ("src",), reason)
            else:
                model.annotate(picture, path=path)
        elif picture.source:
            path, _ = resolve_inside(folder, f"images/{picture.source}")
            if path is not None:
                model.annotate(picture, source_path=path)


def _warn(lecture: model.Lecture, located: Located) -> None:
    for t, topic in enumerate(lecture.topics):
        for s, slide in enumerate(topic.slides):
            if not (slide.notes or "").strip():
                located.problem(
                    ("topics", t, "slides", s), "slide has no speaker notes", severity="warning"
                )
    for loc, picture in _walk_pictures(lecture):
        if isinstance(picture, model.Image) and not picture.alt:
            located.problem(
                loc, "image has no alt text; screen readers will skip it", severity="warning"
            )
