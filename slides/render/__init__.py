"""The renderers: one module per output, each with `render(build: Build) -> Path`.

Output names are decided here and nowhere else.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from slides.signals import checkpoint

if TYPE_CHECKING:  # kept out of start-up: a no-op build must not pay for the model or Pillow
    from slides import model
    from slides.assets import Assets
    from slides.deck import Deck
    from slides.errors import Problem
    from slides.place.frames import PlacedFrame
    from slides.pptx_theme import TemplateLook
    from slides.theme import Theme

# Format name -> (renderer module, output file name pattern). Order is build order:
# the HTML deck is made from the .qmd, the slides PDF from the HTML deck.
FORMATS: dict[str, tuple[str, str]] = {
    "pptx": ("slides.render.pptx", "{name}.pptx"),
    "qmd": ("slides.render.qmd", "{name}.qmd"),
    "html": ("slides.render.html", "{name}.html"),
    "handout": ("slides.render.handout", "{name}-handout.pdf"),
    "pdf": ("slides.render.slides_pdf", "{name}-slides.pdf"),
}
NEEDS = {"html": ("qmd",), "pdf": ("qmd", "html")}


@dataclass
class Options:
    """Build options from the command line (and the lecture, where it may set them)."""

    self_contained: bool = False
    paper: str = "a4"
    handout_layout: int = 1
    pptx_template: Path | None = None
    strict: bool = False
    pptx_diagrams: str = "native"  # diagrams as editable shapes in the PPTX, or "picture"
    theme: Path | None = None  # a theme folder instead of the lecture's `theme:` (--theme)


@dataclass
class Build:
    """Everything a renderer needs: the lecture, its deck plan, theme, pictures, options."""

    lecture: model.Lecture
    deck: Deck
    theme: Theme
    assets: Assets
    out_dir: Path
    options: Options = field(default_factory=Options)
    problems: list[Problem] = field(default_factory=list)  # what the renderers found
    template: TemplateLook | None = None  # the PowerPoint template that restyled the theme
    spare_core: bool = False  # its outputs leave a core idle (slides.workers.spare_core)
    # What a renderer read back of its output while writing it, by format (slides.parity).
    read_back: dict[str, list] = field(default_factory=dict)

    @cached_property
    def placed(self) -> list[PlacedFrame]:
        """Every frame of the deck, placed (slides.place.frames): what the renderers draw."""
        from slides.place.frames import place_deck

        return place_deck(self)

    @cached_property
    def vectors(self) -> dict[int, object]:
        """Diagrams laid out as vector pieces, by node id (filled by slides.diagrams.vector_of)."""
        return {}

    def __getstate__(self) -> dict:
        """Pickled (to a worker started early, slides.workers) without the vectors: keyed by
        node ids, which mean nothing in another process, and laid out again there when asked."""
        state = dict(self.__dict__)
        state.pop("vectors", None)
        return state

    def output(self, fmt: str) -> Path:
        """The path of one output file: out/<lecture>/<lecture>.<ext>."""
        return self.out_dir / FORMATS[fmt][1].format(name=self.lecture.name)

    def warn(self, fmt: str, message: str) -> None:
        """A renderer's warning about its output; with --strict it stops that output instead.

        Renderers never print: the build hands these to the command line with all the others.
        """
        from slides.errors import ContentError, Problem, display_path

        problem = Problem(display_path(self.output(fmt)), 0, 0, "", message, "warning")
        if self.options.strict:
            raise ContentError([replace(problem, severity="error")])
        self.problems.append(problem)


def renderer(fmt: str):
    """The render function of a format (imported only when that format is built)."""
    return importlib.import_module(FORMATS[fmt][0]).render


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside target, moved into place only if the block succeeds.

    A failed or interrupted build so never leaves a half-written file or destroys the last one.
    The file is private while it is written, then gets the mode the user's umask gives.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        checkpoint("replace")  # interrupted: the last output stays, the new one is dropped
        os.chmod(temp, 0o666 & ~umask())
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def umask() -> int:
    """The process's umask, read without changing it.

    os.umask can only read it by setting it, for every thread at once: a file another thread
    creates in between would get the wrong mode.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:  # Linux
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with tempfile.TemporaryDirectory() as folder:  # elsewhere: a new folder's mode shows it
        probe = Path(folder) / "probe"
        probe.mkdir(0o777)
        return 0o777 & ~probe.stat().st_mode
