"""Building a lecture: load and validate everything first, then render each requested output."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from slides import cache
from slides.errors import BuildError, ContentError, Problem
from slides.render import FORMATS, NEEDS, Build, Options, renderer

if TYPE_CHECKING:
    from slides.deck import Deck
    from slides.theme import Theme

ALL_FORMATS = tuple(FORMATS)


def expand_formats(requested: list[str]) -> list[str]:
    """The requested formats plus what they are made from, in build order."""
    wanted = set(requested)
    for fmt in requested:
        wanted.update(NEEDS.get(fmt, ()))
    return [fmt for fmt in FORMATS if fmt in wanted]


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def plan_lecture(folder: Path) -> tuple[Deck, Theme, list[Problem]]:
    """Load and validate a lecture and lay out its deck; writes nothing."""
    from slides.contrast import check_contrast
    from slides.deck import plan
    from slides.load import load_lecture
    from slides.theme import load_theme

    lecture, warnings = load_lecture(folder, display=display_path(folder / "lecture.yaml"))
    theme = load_theme(lecture.theme)
    check_contrast(theme)
    deck = plan(lecture)
    warnings += [_locate(w, lecture) for w in deck.warnings]
    return deck, theme, warnings


def prepare_build(folder: Path, out_root: Path, options: Options) -> tuple[Build, list[Problem]]:
    """Plan the lecture and prepare its pictures; nothing is written to the outputs yet."""
    from slides.assets import prepare

    deck, theme, warnings = plan_lecture(folder)
    lecture = deck.lecture
    out_dir = out_root / lecture.name
    assets = prepare(lecture, theme, out_dir / ".cache")
    return Build(lecture, deck, theme, assets, out_dir, options), warnings


def build_lecture(
    folder: Path,
    formats: list[str],
    out_root: Path,
    options: Options,
    on_output: Callable[[str, Path], None] = lambda fmt, path: None,
    on_problem: Callable[[Problem], None] = lambda problem: None,
    force: bool = False,
) -> list[Path]:
    """Build the formats of one lecture that are out of date; returns the files written."""
    out_dir = out_root / folder.resolve().name
    manifest = cache.Manifest(out_dir)
    theme = cache.theme_name(folder)
    settings = {k: str(v) for k, v in vars(options).items()}
    keys = {fmt: cache.output_key(folder, fmt, theme, settings) for fmt in expand_formats(formats)}
    stale = [
        fmt
        for fmt, key in keys.items()
        if force or not manifest.up_to_date(fmt, key, out_dir / output_name(folder, fmt))
    ]
    if not stale:
        return []  # nothing changed: no need to even load the lecture
    build, warnings = prepare_build(folder, out_root, options)
    if options.strict and warnings:
        raise ContentError([replace(w, severity="error") for w in warnings])
    for problem in warnings:
        on_problem(problem)
    written = []
    for fmt in stale:
        try:
            render = renderer(fmt)
        except ModuleNotFoundError as error:
            if error.name and error.name.startswith("slides.render"):
                raise BuildError(f"format '{fmt}' is not available yet") from None
            raise
        manifest.forget(fmt)
        path = render(build)
        manifest.record(fmt, keys[fmt], path)
        manifest.save()
        written.append(path)
        on_output(fmt, path)
    _check_parity(build, list(keys), manifest)
    return written


def _check_parity(build: Build, formats: list[str], manifest: cache.Manifest) -> None:
    """Read the outputs back; on drift, fail and forget them so the next build redoes them."""
    from slides.parity import check_outputs

    outputs = {fmt: build.output(fmt) for fmt in formats if build.output(fmt).exists()}
    problems = check_outputs(build.deck, outputs)
    if problems:
        for fmt in outputs:
            manifest.forget(fmt)
        manifest.save()
        raise BuildError("outputs disagree with the lecture:\n  " + "\n  ".join(problems))


def output_name(folder: Path, fmt: str) -> str:
    """The file name of a format's output for a lecture folder."""
    return FORMATS[fmt][1].format(name=folder.resolve().name)


def _locate(problem: Problem, lecture) -> Problem:
    """Give a deck-plan warning (which knows only its key path) its file, line and column."""
    if problem.file:
        return problem
    line, col = lecture.line_of(problem.path)
    file = lecture._located.file if lecture._located else "lecture.yaml"
    return Problem(file, line, col, problem.path, problem.message, problem.severity)
