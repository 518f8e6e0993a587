"""The content model: one lecture, as every renderer sees it.

The msgspec structs below are the single definition of the lecture format: `load.py` validates
YAML against them, `build.py schema` exports their JSON Schema, and every renderer reads them.
Constraints are declared with the types (`Meta`); checks across fields run in `__post_init__`.
Text fields hold the small inline syntax of `slides.inline` (**bold**, *italic*, `code`, links,
$math$).
"""

from __future__ import annotations

import copy
import inspect
from pathlib import Path
from typing import Annotated, Any, TypeVar

import msgspec
from msgspec import UNSET, Meta, UnsetType

from slides.errors import Problem
from slides.words import words

Text = Annotated[str, Meta(min_length=1, max_length=20_000)]


class Mistakes(ValueError):
    """Mistakes a node's own check found, each at a key path below the node."""

    def __init__(self, found: list[tuple[tuple[str | int, ...], str]]) -> None:
        super().__init__("; ".join(message for _, message in found))
        self.found = found


class Node(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Base of every content node: unknown keys are errors, nodes never change once loaded."""

    def __reduce__(self) -> str | tuple[Any, ...]:
        """Pickled with what the loader found (see annotate): msgspec's own pickling keeps the
        fields only. A build is pickled for a worker started early (slides.workers)."""
        reduced = super().__reduce__()
        if not hasattr(self, "__dict__"):
            return reduced
        found = {key: value for key, value in vars(self).items() if key not in _LOADERS_OWN}
        return (*reduced, found) if found else reduced


# What the loader notes that only the process that loaded the lecture needs, left out of a
# pickle: where each key is written, for messages about the YAML (Lecture.problem), which the
# renderers never give (theirs name their output). 28 % of a pickled build's bytes at 293 slides.
_LOADERS_OWN = frozenset({"_located"})


def annotate(node: Node, **found: Any) -> None:
    """Record what the loader found about a node (a resolved file): kept beside its fields, in
    its __dict__, never read from YAML."""
    vars(node).update({f"_{key}": value for key, value in found.items()})


N = TypeVar("N", bound=Node)


def replace(node: N, **changes: Any) -> N:
    """A copy of a node with some fields changed, as the fitter makes a slide's parts. Not
    checked again: a part of a code's lines may leave out the lines it marks."""
    changed = copy.copy(node)
    if hasattr(node, "__dict__"):  # what the loader found (copy.copy leaves it out)
        vars(changed).update(vars(node))
    for name, value in changes.items():
        msgspec.structs.force_setattr(changed, name, value)
    return changed


def convert(data: Any, schema: type[Any]) -> Any:
    """Plain data as the model: the one way data becomes nodes (text "3" is read as a number
    where the model wants one, "true" as a boolean)."""
    return msgspec.convert(data, schema, strict=False)


def json_schema(schema: type[msgspec.Struct]) -> dict[str, Any]:
    """The JSON Schema of a file format, for editors: the format's own object at the root."""
    definitions = msgspec.json.schema(schema)["$defs"]
    for definition in definitions.values():
        if "description" in definition:  # a docstring as written, its indent removed
            definition["description"] = inspect.cleandoc(definition["description"])
    return {**definitions.pop(schema.__name__), "$defs": definitions}


# --- bullets -------------------------------------------------------------------------------


class Bullet(Node):
    """A bullet with sub-bullets. In YAML a plain string is a bullet without children."""

    text: Text
    items: Annotated[list[BulletItem], Meta(description="Sub-bullets.")] = []

    @property
    def children(self) -> list[Bullet]:
        return [as_bullet(item) for item in self.items]


BulletItem = Annotated[Text | Bullet, Meta(description="A bullet: text, or {text, items}.")]


def as_bullet(item: str | Bullet) -> Bullet:
    """A bullet item as a `Bullet`, whether it was written as a string or a mapping."""
    return item if isinstance(item, Bullet) else Bullet(text=item)


# --- pictures ------------------------------------------------------------------------------


class Image(Node, dict=True):
    """A picture file under the lecture's `images/` folder."""

    src: Annotated[
        Text, Meta(description="Path relative to the lecture folder, e.g. images/x.png.")
    ]
    alt: Annotated[Text | None, Meta(description="Alternative text for screen readers.")] = None
    caption: Text | None = None

    @property
    def path(self) -> Path:
        """The resolved file, set by the loader after checking it is inside the lecture."""
        path = vars(self).get("_path")
        assert path is not None, "image path is resolved by slides.load"
        return path


class Labelled(Node):
    """A label with optional detail lines, used by diagram parts."""

    label: Text
    items: list[Text] = []


LabelItem = Annotated[Text | Labelled, Meta(description="A label, or {label, items}.")]


def as_labelled(item: str | Labelled) -> Labelled:
    return item if isinstance(item, Labelled) else Labelled(label=item)


class DiagramBase(Node, tag_field="kind", kw_only=True, dict=True):
    """A diagram drawn from data; `kind` (the class's tag) says which."""

    title: Annotated[Text | None, Meta(description="Heading drawn above the diagram.")] = None
    source: Annotated[
        Text | None,
        Meta(
            description="File name of the original picture (e.g. 'Pasted image 2025….png'). "
            "When that file is in images/, it is shown instead of the drawing."
        ),
    ] = None
    alt: Annotated[Text | None, Meta(description="Alt text; derived from the data if absent.")] = (
        None
    )
    caption: Text | None = None

    @property
    def kind(self) -> str:
        return self.__struct_config__.tag  # type: ignore[return-value]

    @property
    def source_path(self) -> Path | None:
        """The real pasted picture when the lecture has it, else None (the drawing is used)."""
        return vars(self).get("_source_path")


class NestedDiagram(DiagramBase, tag="nested"):
    """Nested sets, outermost first: AI ⊃ ML ⊃ DL ⊃ GenAI."""

    sets: Annotated[list[LabelItem], Meta(min_length=1, max_length=8)]


class HubDiagram(DiagramBase, tag="hub"):
    """A centre with spokes around it."""

    centre: Text
    spokes: Annotated[list[LabelItem], Meta(min_length=1, max_length=12)]


class SidesDiagram(DiagramBase, tag="sides"):
    """A centre between two sides, e.g. builder ← foundation models → user."""

    centre: LabelItem
    left: LabelItem
    right: LabelItem


class FlowDiagram(DiagramBase, tag="flow"):
    """Steps in order, left to right (wrapping onto rows)."""

    steps: Annotated[list[LabelItem], Meta(min_length=1, max_length=12)]


class CompareDiagram(DiagramBase, tag="compare"):
    """Two to four columns side by side."""

    columns: Annotated[list[Labelled], Meta(min_length=2, max_length=4)]


Diagram = Annotated[
    NestedDiagram | HubDiagram | SidesDiagram | FlowDiagram | CompareDiagram,
    Meta(
        description="A diagram as data; in lecture.yaml also the path of a YAML file holding "
        "one (e.g. diagrams/impact.yaml)."
    ),
]
DIAGRAM_KINDS = tuple(k.__struct_config__.tag for k in DiagramBase.__subclasses__())


# --- the other slide bodies ----------------------------------------------------------------


class Column(Node):
    """One side of a two-column slide: bullets, an image or a diagram."""

    heading: Text | None = None
    bullets: list[BulletItem] | None = None
    image: Image | None = None
    diagram: Diagram | None = None

    def __post_init__(self) -> None:
        _exactly_one(self, ("bullets", "image", "diagram"), "a column")


class Quote(Node):
    text: Text
    attribution: Text | None = None


class Question(Node):
    question: Text
    answer: Text
    example: Text | None = None


class Module(Node):
    """A numbered module with sub-items (numbered n.1, n.2, …)."""

    title: Text
    items: list[Text] = []


class Table(Node):
    header: Annotated[list[Text], Meta(min_length=1, max_length=8)]
    rows: Annotated[list[list[str]], Meta(min_length=1)]

    def __post_init__(self) -> None:
        """Every row as wide as the header; each ragged row is reported at its own line."""
        width = len(self.header)
        ragged = [
            (
                ("rows", i),
                f"row {i + 1} has {len(row)} cell{'' if len(row) == 1 else 's'}, the header has "
                f'{width}: give it {width} (write "" for an empty cell)',
            )
            for i, row in enumerate(self.rows)
            if len(row) != width
        ]
        if ragged:
            raise Mistakes(ragged)


LINE_RANGES = r"^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$"  # "3, 5-7"


class Code(Node, kw_only=True):
    """Source code, highlighted in the theme's code palette (Pygments names the languages)."""

    language: Annotated[str, Meta(pattern=r"^[A-Za-z0-9_+#.-]{0,30}$")] = ""
    source: Annotated[str, Meta(min_length=1, max_length=20_000)]
    line_numbers: Annotated[bool, Meta(description="Number the lines.")] = False
    first_line: Annotated[
        int, Meta(ge=1, le=1_000_000, description="Number of the first line (for an excerpt).")
    ] = 1
    highlight: Annotated[
        Annotated[str, Meta(pattern=LINE_RANGES)] | None,
        Meta(description='Lines to mark, by their numbers: "3", "3, 5-7".'),
    ] = None

    def __post_init__(self) -> None:
        last = self.first_line + len(self.source.rstrip().split("\n")) - 1
        for part in self.highlight.split(",") if self.highlight else ():
            lo, _, hi = (n.strip() for n in part.partition("-"))
            if not self.first_line <= int(lo) <= int(hi or lo) <= last:
                message = (
                    f"lines {part.strip()} are not among the code's lines "
                    f"{self.first_line}-{last}; write numbers in that range, low to high"
                )
                raise Mistakes([(("highlight",), message)])


class Math(Node):
    """Displayed equations, one under another, with an optional caption."""

    equations: Annotated[
        list[Text],
        Meta(
            min_length=1,
            max_length=8,
            description="TeX math without delimiters, e.g. '\\sum_{i=1}^n i = \\frac{n(n+1)}{2}'.",
        ),
    ]
    caption: Text | None = None


SLIDE_KINDS = (
    "bullets",
    "image",
    "diagram",
    "columns",
    "quote",
    "questions",
    "modules",
    "table",
    "code",
    "math",
)


class Slide(Node):
    """One slide. Exactly one body key (bullets, image, …) says what kind of slide it is."""

    title: Text
    notes: Annotated[str | None, Meta(description="Speaker notes (plain text, paragraphs).")] = None
    incremental: Annotated[bool, Meta(description="Reveal bullets one at a time.")] = False
    bullets: list[BulletItem] | None = None
    image: Image | None = None
    diagram: Diagram | None = None
    columns: Annotated[list[Column], Meta(min_length=2, max_length=2)] | None = None
    quote: Quote | None = None
    questions: Annotated[list[Question], Meta(min_length=1)] | None = None
    modules: Annotated[list[Module], Meta(min_length=1)] | None = None
    start: Annotated[int, Meta(ge=0, description="First number of a modules list.")] = 1
    table: Table | None = None
    code: Code | None = None
    math: Math | None = None

    def __post_init__(self) -> None:
        _exactly_one(self, SLIDE_KINDS, "a slide")

    @property
    def kind(self) -> str:
        return next(k for k in SLIDE_KINDS if getattr(self, k) is not None)


class Topic(Node):
    """A topic: one section of the deck (a PowerPoint section, a reveal.js vertical stack)."""

    title: Text
    slides: Annotated[list[Slide], Meta(min_length=1)]


class Lecture(Node, kw_only=True, dict=True):
    """A whole lecture, as written in `content/<lecture>/lecture.yaml`."""

    title: Text
    subtitle: Text | None = None
    author: Text | None = None
    institution: Text | None = None
    date: Text | None = None
    language: Annotated[str, Meta(pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")] = "en"
    theme: Annotated[
        str,
        Meta(
            min_length=1,
            description="A theme's name (themes/<name>/ beside the lecture or in a folder above "
            "it, else a built-in one: default, dark) or the path of a theme folder relative to "
            "the lecture folder, e.g. ../themes/dept (docs/themes.md).",
        ),
    ] = "default"
    footer: Annotated[Text | None, Meta(description="Footer text on content slides.")] = None
    pptx_template: Annotated[
        Text | None, Meta(description="A .pptx whose slide master and layouts the deck uses.")
    ] = None
    agenda: Annotated[bool, Meta(description="Add an agenda slide listing the topics.")] = True
    closing: Annotated[
        Text | UnsetType | None,
        Meta(
            description="Title of the closing slide, kept as written. Without it, the slide "
            "asks for questions in the lecture's language (Questions?, Fragen?, Vragen? ...; "
            "English in a language the tool has no words for); null for no closing slide."
        ),
    ] = UNSET
    topics: Annotated[list[Topic], Meta(min_length=1)]

    def problem(self, path: str, message: str, severity: str = "error") -> Problem:
        """A problem found after loading, at the file, line and column of a key path."""
        located = vars(self).get("_located")  # slides.load.Located: positions for messages
        if located is None:  # a lecture made in code, not loaded from a file
            return Problem("lecture.yaml", 1, 1, path, message, severity)  # type: ignore[arg-type]
        return located.locate(path, message, severity)

    @property
    def folder(self) -> Path:
        """The lecture folder (set by the loader)."""
        folder = vars(self).get("_folder")
        assert folder is not None
        return folder

    @property
    def theme_folder(self) -> Path:
        """The folder of the lecture's theme (found by the loader; built in for a lecture made
        in code)."""
        from slides.theme import theme_path

        return vars(self).get("_theme_folder") or theme_path(self.theme)

    @property
    def name(self) -> str:
        """The lecture's name: its folder's name, used for output file names."""
        return self.folder.name

    @property
    def closing_title(self) -> str | None:
        """The closing slide's title: `closing:` as written, the words of the lecture's language
        when it is absent (slides.words), None for no closing slide."""
        if self.closing is UNSET:
            return words(self.language).closing
        return self.closing

    @property
    def right_to_left(self) -> bool:
        """Whether the lecture's language is written from right to left (Arabic, Hebrew, …):
        every output then lays its slides out from the right."""
        return writes_right_to_left(self.language)


# Languages written from right to left (their primary subtag).
RIGHT_TO_LEFT = frozenset(
    ("ar", "arc", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "ug", "ur", "yi")
)


def writes_right_to_left(language: str) -> bool:
    """Whether a language (a BCP 47 tag: ar, he-IL) is written from right to left."""
    return language.split("-")[0].lower() in RIGHT_TO_LEFT


def _exactly_one(node: Node, keys: tuple[str, ...], what: str) -> None:
    present = [k for k in keys if getattr(node, k) is not None]
    if len(present) != 1:
        listed = ", ".join(keys)
        if present:
            raise ValueError(f"{what} takes one of {listed}; found {', '.join(present)}")
        raise ValueError(f"{what} needs one of: {listed}")
