"""The errors a user sees. Only the CLI turns them into messages and exit codes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal


@dataclass(frozen=True)
class Problem:
    """One finding about a content file, pointing at the line, column and key path."""

    file: str
    line: int
    col: int
    path: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        # Line 0: a problem of a whole file (an output, a template) rather than of a line in it.
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        label = "warning: " if self.severity == "warning" else ""
        return (
            f"{where}: {self.path}: {label}{self.message}"
            if self.path
            else (f"{where}: {label}{self.message}")
        )


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class SlidesError(Exception):
    """Root of every error meant for the user: a message and an exit code, never a traceback."""

    exit_code = 1

    def show(self) -> str:
        return f"error: {self}"


class BuildError(SlidesError):
    """A build could not finish (a tool failed, a file could not be written)."""

    exit_code = 1


class UsageError(SlidesError):
    """The command line was wrong."""

    exit_code = 2

    def show(self) -> str:
        return f"error: {self}\nTry 'slides --help'."


class ContentError(SlidesError):
    """The lecture content is invalid: every problem found in the file, in one go."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))

    def __reduce__(self):  # rebuilt from its problems when it comes back from a worker
        return type(self), (self.problems,)

    def show(self) -> str:
        errors = sum(p.severity == "error" for p in self.problems)
        files = {p.file: None for p in self.problems}  # files in the order they were read
        order = {file: i for i, file in enumerate(files)}
        by_place = sorted(self.problems, key=lambda p: (order[p.file], p.line, p.col))
        lines = [str(p) for p in by_place]  # top to bottom, as an editor shows the file
        lines.append(f"{errors} error{'s' if errors != 1 else ''} found; nothing was built.")
        return "\n".join(lines)
