"""The content model: one lecture, as every renderer sees it.

The pydantic models below are the single definition of the lecture format: `load.py` validates
YAML against them, `build.py schema` exports their JSON Schema, and every renderer reads them.
Text fields hold the small inline syntax of `slides.inline` (**bold**, *italic*, `code`, links,
$math$).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from slides.errors import Problem

if TYPE_CHECKING:
    from slides.errors import Problem

Text = Annotated[str, Field(min_length=1, max_length=20_000)]


class Node(BaseModel):
    """Base of every content node: unknown keys are errors, nodes never change once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


# --- bullets -------------------------------------------------------------------------------


class Bullet(Node):
    """A bullet with sub-bullets. In YAML a plain string is a bullet without children."""

    text: Text
    items: list[BulletItem] = Field(default_factory=list, description="Sub-bullets.")

    @property
    def children(self) -> list[Bullet]:
        return [as_bullet(item) for item in self.items]


BulletItem = Annotated[Text | Bullet, Field(description="A bullet: text, or {text, items}.")]


def as_bullet(item: str | Bullet) -> Bullet:
    """A bullet item as a `Bullet`, whether it was written as a string or a mapping."""
    return item if isinstance(item, Bullet) else Bullet(text=item)


# --- pictures ------------------------------------------------------------------------------


class Image(Node):
    """A picture file under the lecture's `images/` folder."""

    src: Text = Field(description="Path relative to the lecture folder, e.g. images/x.png.")
    alt: Text | None = Field(default=None, description="Alternative text for screen readers.")
    caption: Text | None = None
    _path: Path | None = PrivateAttr(default=None)

    @property
    def path(self) -> Path:
        """The resolved file, set by the loader after checking it is inside the lecture."""
        assert self._path is not None, "image path is resolved by slides.load"
        return self._path


class Labelled(Node):
    """A label with optional detail lines, used by diagram parts."""

    label: Text
    items: list[Text] = Field(default_factory=list)


LabelItem = Annotated[Text | Labelled, Field(description="A label, or {label, items}.")]


def as_labelled(item: str | Labelled) -> Labelled:
    return item if isinstance(item, Labelled) else Labelled(label=item)


class DiagramBase(Node):
    title: Text | None = Field(default=None, description="Heading drawn above the diagram.")
    source: Text | None = Field(
        default=None,
        description="File name of the original picture (e.g. 'Pasted image 2025….png'). "
        "When that file is in images/, it is shown instead of the drawing.",
    )
    alt: Text | None = Field(default=None, description="Alt text; derived from the data if absent.")
    caption: Text | None = None
    _source_path: Path | None = PrivateAttr(default=None)

    @property
    def source_path(self) -> Path | None:
        """The real pasted picture when the lecture has it, else None (the drawing is used)."""
        return self._source_path


class NestedDiagram(DiagramBase):
    """Nested sets, outermost first: AI ⊃ ML ⊃ DL ⊃ GenAI."""

    kind: Literal["nested"]
    sets: list[LabelItem] = Field(min_length=1, max_length=8)


class HubDiagram(DiagramBase):
    """A centre with spokes around it."""

    kind: Literal["hub"]
    centre: Text
    spokes: list[LabelItem] = Field(min_length=1, max_length=12)


class SidesDiagram(DiagramBase):
    """A centre between two sides, e.g. builder ← foundation models → user."""

    kind: Literal["sides"]
    centre: LabelItem
    left: LabelItem
    right: LabelItem


class FlowDiagram(DiagramBase):
    """Steps in order, left to right (wrapping onto rows)."""

    kind: Literal["flow"]
    steps: list[LabelItem] = Field(min_length=1, max_length=12)


class CompareDiagram(DiagramBase):
    """Two to four columns side by side."""

    kind: Literal["compare"]
    columns: list[Labelled] = Field(min_length=2, max_length=4)


Diagram = Annotated[
    NestedDiagram | HubDiagram | SidesDiagram | FlowDiagram | CompareDiagram,
    Field(
        discriminator="kind",
        description="A diagram as data; in lecture.yaml also the path of a YAML file holding "
        "one (e.g. diagrams/impact.yaml).",
    ),
]
DIAGRAM_KINDS = ("nested", "hub", "sides", "flow", "compare")


# --- the other slide bodies ----------------------------------------------------------------


class Column(Node):
    """One side of a two-column slide: bullets, an image or a diagram."""

    heading: Text | None = None
    bullets: list[BulletItem] | None = None
    image: Image | None = None
    diagram: Diagram | None = None

    @model_validator(mode="after")
    def _one_body(self) -> Column:
        _exactly_one(self, ("bullets", "image", "diagram"), "a column")
        return self


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
    items: list[Text] = Field(default_factory=list)


class Table(Node):
    header: list[Text] = Field(min_length=1, max_length=8)
    rows: list[list[str]] = Field(min_length=1)

    @model_validator(mode="after")
    def _rectangular(self) -> Table:
        """Every row as wide as the header; each ragged row is reported at its own line."""
        width = len(self.header)
        ragged = [
            InitErrorDetails(
                type=PydanticCustomError(
                    "ragged_row",
                    "row {n} has {cells} cell{s}, the header has {width}: give it {width} "
                    '(write "" for an empty cell)',
                    {
                        "n": i + 1,
                        "cells": len(row),
                        "s": "" if len(row) == 1 else "s",
                        "width": width,
                    },
                ),
                loc=("rows", i),
                input=row,
            )
            for i, row in enumerate(self.rows)
            if len(row) != width
        ]
        if ragged:  # raised from a validator, pydantic adds the table's own location in front
            raise ValidationError.from_exception_data("Table", ragged)
        return self


LINE_RANGES = r"^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$"  # "3, 5-7"


class Code(Node):
    """Source code, highlighted in the theme's code palette (Pygments names the languages)."""

    language: Annotated[str, Field(pattern=r"^[A-Za-z0-9_+#.-]{0,30}$")] = ""
    source: Annotated[str, Field(min_length=1, max_length=20_000)]
    line_numbers: bool = Field(default=False, description="Number the lines.")
    first_line: int = Field(
        default=1, ge=1, le=1_000_000, description="Number of the first line (for an excerpt)."
    )
    highlight: Annotated[str, Field(pattern=LINE_RANGES)] | None = Field(
        default=None,
        description='Lines to mark, by their numbers: "3", "3, 5-7".',
    )

    @model_validator(mode="after")
    def _marked_lines_exist(self) -> Code:
        last = self.first_line + len(self.source.rstrip().split("\n")) - 1
        for part in self.highlight.split(",") if self.highlight else ():
            lo, _, hi = (n.strip() for n in part.partition("-"))
            if not self.first_line <= int(lo) <= int(hi or lo) <= last:
                raise ValueError(
                    f"highlight: lines {part.strip()} are not among the code's lines "
                    f"{self.first_line}-{last}; write numbers in that range, low to high"
                )
        return self


class Math(Node):
    """Displayed equations, one under another, with an optional caption."""

    equations: list[Text] = Field(
        min_length=1,
        max_length=8,
        description="TeX math without delimiters, e.g. '\\sum_{i=1}^n i = \\frac{n(n+1)}{2}'.",
    )
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
    notes: str | None = Field(default=None, description="Speaker notes (plain text, paragraphs).")
    incremental: bool = Field(default=False, description="Reveal bullets one at a time.")
    bullets: list[BulletItem] | None = None
    image: Image | None = None
    diagram: Diagram | None = None
    columns: list[Column] | None = Field(default=None, min_length=2, max_length=2)
    quote: Quote | None = None
    questions: list[Question] | None = Field(default=None, min_length=1)
    modules: list[Module] | None = Field(default=None, min_length=1)
    start: int = Field(default=1, ge=0, description="First number of a modules list.")
    table: Table | None = None
    code: Code | None = None
    math: Math | None = None

    @model_validator(mode="after")
    def _one_body(self) -> Slide:
        _exactly_one(self, SLIDE_KINDS, "a slide")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in SLIDE_KINDS if getattr(self, k) is not None)


class Topic(Node):
    """A topic: one section of the deck (a PowerPoint section, a reveal.js vertical stack)."""

    title: Text
    slides: list[Slide] = Field(min_length=1)


class Lecture(Node):
    """A whole lecture, as written in `content/<lecture>/lecture.yaml`."""

    title: Text
    subtitle: Text | None = None
    author: Text | None = None
    institution: Text | None = None
    date: Text | None = None
    language: Annotated[str, Field(pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")] = "en"
    theme: str = Field(
        default="default",
        min_length=1,
        description="A theme's name (themes/<name>/ beside the lecture or in a folder above it, "
        "else a built-in one: default, dark) or the path of a theme folder relative to the "
        "lecture folder, e.g. ../themes/dept (docs/themes.md).",
    )
    footer: Text | None = Field(default=None, description="Footer text on content slides.")
    pptx_template: Text | None = Field(
        default=None, description="A .pptx whose slide master and layouts the deck uses."
    )
    agenda: bool = Field(default=True, description="Add an agenda slide listing the topics.")
    closing: Text | None = Field(
        default="Questions?", description="Title of the closing slide; null for none."
    )
    topics: list[Topic] = Field(min_length=1)
    _folder: Path | None = PrivateAttr(default=None)
    _theme_folder: Path | None = PrivateAttr(default=None)  # where the loader found the theme
    _located: object = PrivateAttr(default=None)  # slides.load.Located: positions for messages

    def problem(self, path: str, message: str, severity: str = "error") -> Problem:
        """A problem found after loading, at the file, line and column of a key path."""
        if self._located is None:  # a lecture made in code, not loaded from a file
            return Problem("lecture.yaml", 1, 1, path, message, severity)  # type: ignore[arg-type]
        return self._located.locate(path, message, severity)  # type: ignore[attr-defined]

    @property
    def folder(self) -> Path:
        """The lecture folder (set by the loader)."""
        assert self._folder is not None
        return self._folder

    @property
    def theme_folder(self) -> Path:
        """The folder of the lecture's theme (found by the loader; built in for a lecture made
        in code)."""
        from slides.theme import theme_path

        return self._theme_folder or theme_path(self.theme)

    @property
    def name(self) -> str:
        """The lecture's name: its folder's name, used for output file names."""
        return self.folder.name


def _exactly_one(node: BaseModel, keys: tuple[str, ...], what: str) -> None:
    present = [k for k in keys if getattr(node, k) is not None]
    if len(present) != 1:
        listed = ", ".join(keys)
        if present:
            raise ValueError(f"{what} takes one of {listed}; found {', '.join(present)}")
        raise ValueError(f"{what} needs one of: {listed}")


Bullet.model_rebuild()
