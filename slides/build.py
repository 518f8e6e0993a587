"""Building a lecture: load and validate everything first, then render each requested output."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from slides import cache
from slides.errors import BuildError, ContentError, Problem, SlidesError, display_path
from slides.render import FORMATS, NEEDS, Build, Options, renderer
from slides.signals import signals_held

if TYPE_CHECKING:
    from slides.chromium import Devtools
    from slides.deck import Deck
    from slides.theme import Theme

ALL_FORMATS = tuple(FORMATS)


def expand_formats(requested: list[str]) -> list[str]:
    """The requested formats plus what they are made from, in build order."""
    wanted = set(requested)
    for fmt in requested:
        wanted.update(NEEDS.get(fmt, ()))
    return [fmt for fmt in FORMATS if fmt in wanted]


def plan_lecture(folder: Path) -> tuple[Deck, Theme, list[Problem]]:
    """Load and validate a lecture and lay out its deck; writes nothing."""
    with signals_held():
        # pydantic-core builds the model's validators in Rust: Ctrl-C in the middle of that
        # aborts with a Rust panic instead of unwinding, so a signal waits until it is done.
        from slides.load import load_lecture
    from slides.contrast import check_contrast
    from slides.deck import plan
    from slides.theme import load_theme

    lecture, warnings = load_lecture(folder, display=display_path(folder / "lecture.yaml"))
    theme = load_theme(lecture.theme)
    check_contrast(theme)
    deck = plan(lecture)
    warnings += [_locate(w, lecture) for w in deck.warnings]
    if any(w.severity == "error" for w in warnings):  # content that fits no slide at all
        raise ContentError(warnings)
    return deck, theme, warnings


def prepare_build(
    folder: Path, out_root: Path, options: Options, wait: bool = True
) -> tuple[Build, list[Problem]]:
    """Plan the lecture and prepare its pictures; nothing is written to the outputs yet.

    With wait=False diagrams may still be drawing: renderers call `build.assets.ready()`.
    """
    from slides.assets import prepare

    deck, theme, warnings = plan_lecture(folder)
    lecture = deck.lecture
    out_dir = out_root / lecture.name
    assets = prepare(lecture, theme, out_dir / ".cache", wait=wait)
    return Build(lecture, deck, theme, assets, out_dir, options), warnings


def current_outputs(folder: Path, out_root: Path, options: Options) -> set[str]:
    """The formats whose output on disk was built from the lecture, theme and tool as they are."""
    out_dir = out_root / folder.resolve().name
    manifest = cache.Manifest(out_dir)
    theme = cache.theme_name(folder)
    settings = {k: str(v) for k, v in vars(options).items()}
    return {
        fmt
        for fmt in FORMATS
        if manifest.up_to_date(
            fmt,
            cache.output_key(folder, fmt, theme, settings),
            out_dir / output_name(folder, fmt),
        )
    }


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
    # Rendering in this process can start while other processes draw the diagrams.
    build, warnings = prepare_build(folder, out_root, options, wait=not _in_process(stale))
    if options.strict and warnings:
        raise ContentError([replace(w, severity="error") for w in warnings])
    for problem in warnings:
        on_problem(problem)
    written = []
    drift: list[str] = []
    for fmt, path, problems in _render(build, stale):
        manifest.record(fmt, keys[fmt], path)
        manifest.save()
        written.append(path)
        on_output(fmt, path)
        drift += problems
    if drift:  # forget the drifting outputs so the next build redoes them
        for fmt in stale:
            manifest.forget(fmt)
        manifest.save()
        raise BuildError("outputs disagree with the lecture:\n  " + "\n  ".join(drift))
    return written


# Rough cost of each format, to start the longest group of outputs first (in tenths of a second
# for the GenAI lecture, rendered and read back: pdf 1.5, handout 0.3, html 0.2, qmd and pptx
# under 0.1). Two cores then take the handout, and the .qmd and HTML followed by the PPTX.
_COST = {"pdf": 15, "handout": 3, "html": 2, "qmd": 1, "pptx": 1}
_BUILD: Build | None = None  # the build a forked worker renders (inherited, never pickled)


def _render(build: Build, stale: list[str]) -> Iterator[tuple[str, Path, list[str]]]:
    """Render the stale formats, each read back at once; independent groups on separate cores.

    Formats made from one another (qmd -> html -> pdf) stay in one group, in order. Workers are
    forked, so they start with the lecture, deck plan and pictures already in memory. Outputs
    finished before an error are still handed back (and recorded) before the error is raised.
    """
    global _BUILD
    groups = _groups(stale)
    if _in_process(stale):
        for group in groups:
            done: list[tuple[str, Path, list[str]]] = []
            try:
                _render_group(group, build, done)
            except BaseException:
                yield from done
                raise
            yield from done
        return
    build.assets.ready()  # the workers inherit finished pictures (and no drawing pool)
    _BUILD = build
    workers = min(len(groups), os.cpu_count() or 1)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:
        costliest = sorted(groups, key=lambda g: -sum(_COST.get(f, 1) for f in g))
        futures = [pool.submit(_worker, group) for group in costliest]
        failure: SlidesError | None = None
        for future in as_completed(futures):
            try:
                done = future.result()
            except _Failed as error:  # the other groups still finish and are recorded
                done, failure = error.done, failure or error.unwrap()
            yield from done
        if failure:
            raise failure
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _BUILD = None


def _in_process(stale: list[str]) -> bool:
    """Whether the stale formats are rendered here rather than in forked workers."""
    return min(len(_groups(stale)), os.cpu_count() or 1) < 2 or not _can_fork()


def _groups(stale: list[str]) -> list[list[str]]:
    """Stale formats grouped by what they are made from, in build order."""
    groups: list[list[str]] = []
    for fmt in stale:  # FORMATS order: a format's needs come before it
        home = next((g for g in groups if set(NEEDS.get(fmt, ())) & set(g)), None)
        if home is None:
            groups.append([fmt])
        else:
            home.append(fmt)
    return groups


def _can_fork() -> bool:
    # Forking a process that runs other threads (a server, a watcher) can deadlock the child.
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _render_group(group: list[str], build: Build, done: list) -> None:
    """Render a group of formats in order, reading each back against the deck plan."""
    from slides.parity import check_outputs

    with _early_browser(group) as browser:
        for fmt in group:
            try:
                render = renderer(fmt)
            except ModuleNotFoundError as error:
                if error.name and error.name.startswith("slides.render"):
                    raise BuildError(f"format '{fmt}' is not available yet") from None
                raise
            path = render(build, browser) if fmt == "pdf" else render(build)
            done.append((fmt, path, check_outputs(build.deck, {fmt: path})))


@contextmanager
def _early_browser(group: list[str]) -> Iterator[Devtools | None]:
    """Chromium for the group's slides PDF, started before the qmd and HTML it prints are made.

    It takes about as long to come up as they take to render, so it is ready when needed. None
    without a PDF in the group, or when it cannot start (the PDF renderer then says why).
    """
    if "pdf" not in group:
        yield None
        return
    from slides import chromium

    try:
        browser = chromium.Devtools("the slides PDF")
    except BuildError:
        yield None
        return
    with browser:
        yield browser


def _worker(group: list[str]) -> list[tuple[str, Path, list[str]]]:
    """A forked worker's job: one group of formats of the inherited build."""
    assert _BUILD is not None
    done: list[tuple[str, Path, list[str]]] = []
    try:
        _render_group(group, _BUILD, done)
    except SlidesError as error:
        raise _Failed.of(done, error) from None
    return done


class _Failed(Exception):
    """A worker's error with the outputs it finished first (a ContentError does not pickle)."""

    def __init__(self, done: list, kind: type, problems: list | None, message: str) -> None:
        super().__init__(done, kind, problems, message)
        self.done = done

    @classmethod
    def of(cls, done: list, error: SlidesError) -> _Failed:
        return cls(done, type(error), getattr(error, "problems", None), str(error))

    def unwrap(self) -> SlidesError:
        _, kind, problems, message = self.args
        return ContentError(problems) if issubclass(kind, ContentError) else kind(message)


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
