"""Building a lecture: load and validate everything first, then render each requested output."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from slides import cache, workers
from slides.errors import BuildError, ContentError, Problem, SlidesError, display_path
from slides.render import FORMATS, NEEDS, Build, Options, renderer
from slides.signals import checkpoint

if TYPE_CHECKING:
    from slides.chromium import Devtools
    from slides.deck import Deck
    from slides.pptx_theme import TemplateLook
    from slides.theme import Theme

ALL_FORMATS = tuple(FORMATS)


def expand_formats(requested: list[str]) -> list[str]:
    """The requested formats plus what they are made from, in build order."""
    wanted = set(requested)
    for fmt in requested:
        wanted.update(NEEDS.get(fmt, ()))
    return [fmt for fmt in FORMATS if fmt in wanted]


def plan_lecture(
    folder: Path,
    theme: Path | None = None,
    pptx_template: Path | None = None,
    logo_dir: Path | None = None,
) -> tuple[Deck, Theme, list[Problem]]:
    """Load and validate a lecture and lay out its deck, in its own theme or the `theme` folder
    given; writes nothing but a template's logo.

    With a PowerPoint template (the option, else the lecture's own), the template restyles the
    theme (slides.pptx_theme); its logo's picture goes into logo_dir.
    """
    deck, theme_, _, warnings = _plan(folder, theme, pptx_template, logo_dir)
    return deck, theme_, warnings


def _plan(
    folder: Path, theme: Path | None, pptx_template: Path | None, logo_dir: Path | None
) -> tuple[Deck, Theme, TemplateLook | None, list[Problem]]:
    from slides.deck import plan
    from slides.load import load_lecture
    from slides.place.fit import Fitter
    from slides.pptx_theme import template_path, template_theme
    from slides.theme import load_theme

    display = display_path(folder / "lecture.yaml")
    lecture, warnings = load_lecture(folder, display=display, theme=theme)
    checkpoint("loaded")
    look = None
    restyled = load_theme(lecture.theme_folder)  # checked by the loader: colours, contrast, logo
    template = template_path(lecture, pptx_template)
    if template is not None:
        restyled, look, found = template_theme(restyled, template, logo_dir)
        warnings += found
    deck = plan(lecture, Fitter.of(restyled, look.boxes if look else None))
    warnings += [_locate(w, lecture) for w in deck.warnings]
    if any(w.severity == "error" for w in warnings):  # content that fits no slide at all
        raise ContentError(warnings)
    checkpoint("planned")
    return deck, restyled, look, warnings


def prepare_build(
    folder: Path, out_root: Path, options: Options, jobs: int = 1
) -> tuple[Build, list[Problem]]:
    """Plan the lecture and prepare its pictures (up to `jobs` at once); no output written yet."""
    from slides.assets import prepare

    out_dir = out_root / folder.resolve().name
    deck, theme, look, warnings = _plan(
        folder, options.theme, options.pptx_template, out_dir / ".cache"
    )
    lecture = deck.lecture
    # Diagrams are drawn natively in every output, unless the PPTX asks for their pictures.
    paint = options.pptx_diagrams == "picture"
    assets = prepare(lecture, theme, out_dir / ".cache", jobs, paint=paint)
    warnings += assets.warnings
    checkpoint("pictures")
    build = Build(lecture, deck, theme, assets, out_dir, options, template=look)
    _ = build.placed  # placed here once: every output draws it, and their workers inherit it
    return build, warnings


def output_keys(folder: Path, formats: list[str], options: Options) -> dict[str, str]:
    """The cache key of each format to build, with what it is made from (see slides.cache)."""
    theme = cache.theme_folder(folder, options.theme)
    settings = cache.settings(vars(options))
    return cache.output_keys(folder, expand_formats(formats), theme, settings)


def current_outputs(folder: Path, out_root: Path, options: Options) -> set[str]:
    """The formats whose output on disk was built from the lecture, theme and tool as they are."""
    out_dir = out_root / folder.resolve().name
    manifest = cache.Manifest(out_dir)
    keys = output_keys(folder, list(FORMATS), options)
    return {
        fmt
        for fmt, key in keys.items()
        if manifest.up_to_date(fmt, key, out_dir / output_name(folder, fmt))
    }


def build_lecture(
    folder: Path,
    formats: list[str],
    out_root: Path,
    options: Options,
    on_output: Callable[[str, Path], None] = lambda fmt, path: None,
    on_problem: Callable[[Problem], None] = lambda problem: None,
    force: bool = False,
    jobs: int = 1,
) -> list[Path]:
    """Build the formats of one lecture that are out of date; returns the files written.

    Every problem goes to `on_problem`, nothing is printed. Independent outputs are rendered up
    to `jobs` at once (slides.workers); either way the same files and the same reports come out.
    """
    with workers.collector_paused():
        return _build_lecture(
            folder, formats, out_root, options, on_output, on_problem, force, jobs
        )


def _build_lecture(
    folder: Path,
    formats: list[str],
    out_root: Path,
    options: Options,
    on_output: Callable[[str, Path], None],
    on_problem: Callable[[Problem], None],
    force: bool,
    jobs: int,
) -> list[Path]:
    out_dir = out_root / folder.resolve().name
    manifest = cache.Manifest(out_dir)
    keys = output_keys(folder, formats, options)
    stale = [
        fmt
        for fmt, key in keys.items()
        if force or not manifest.up_to_date(fmt, key, out_dir / output_name(folder, fmt))
    ]
    if not stale:
        return []  # nothing changed: no need to even load the lecture
    with _early_writer(folder, stale, options, jobs) as writer:
        build, warnings = prepare_build(folder, out_root, options, jobs)
        if options.strict and warnings:
            raise ContentError([replace(w, severity="error") for w in warnings])
        stale, skipped = _available(stale, build)
        for problem in warnings + skipped:
            on_problem(problem)
        written = []
        drift: list[str] = []
        failure: SlidesError | None = None
        early = jobs > 1  # Chromium comes up while the HTML is made, unless nothing may overlap
        groups = _groups(stale)
        build.spare_core = workers.spare_core(len(groups), jobs)
        tasks = [
            writer.give(build)
            if writer and group == ["pptx"]
            else partial(_render_group, group, build, early)
            for group in groups
        ]
        if any(isinstance(task, partial) for task in tasks):
            # Every group's (templates, read-backs): imported once here, before the workers
            # fork. The early writer imported them on its own core; a PPTX-only build skips this.
            from slides import jinja, parity  # noqa: F401
        # The groups (at most three) all start together unless nothing may overlap: each spends
        # part of its time waiting for a program (pandoc, pdftotext, Chromium), whose core the
        # others then take. Two at a time on two cores left one idle for a quarter of a cold build.
        for rendered in workers.run(tasks, len(tasks) if jobs > 1 else 1):
            for fmt, path, problems in rendered.done:
                manifest.record(fmt, keys[fmt], path)
                manifest.save()
                written.append(path)
                on_output(fmt, path)
                drift += problems
                checkpoint(f"written:{fmt}")
            for problem in rendered.problems:
                on_problem(problem)
            failure = failure or rendered.error
        if failure:  # the other groups still finished and were recorded
            raise failure
        if drift:  # forget the drifting outputs so the next build redoes them
            for fmt in stale:
                manifest.forget(fmt)
            manifest.save()
            raise BuildError("outputs disagree with the lecture:\n  " + "\n  ".join(drift))
        checkpoint("built")
        return written


@contextmanager
def _early_writer(
    folder: Path, stale: list[str], options: Options, jobs: int
) -> Iterator[workers.Early[Build, _Rendered] | None]:
    """The PPTX writer, forked now when a PPTX is to be built and jobs > 1: on the core that
    would idle while this process loads and plans the lecture, it imports python-pptx and
    compiles its templates; then it is given the placed build, pickled (slides.workers).

    Gone when the block ends: killed if the build stopped before giving it anything.
    """
    if "pptx" not in stale or jobs <= 1:
        yield None
        return
    # What this process needs next and the writer needs too, done first so that the writer
    # inherits it instead of doing it again: the modules that plan the lecture and hold the
    # build, the theme's fonts. A broken theme is left to the loader, which says where it is
    # broken. Jinja and the read-backs the writer imports itself, while this process plans.
    import slides.assets
    import slides.deck
    import slides.diagrams
    import slides.load
    import slides.place.frames  # noqa: F401
    from slides.fonts import measurer

    theme = cache.theme_folder(folder, options.theme)
    if theme is not None:
        with suppress(Exception):
            measurer(theme)
    writer = workers.start(_ready_to_write_pptx, partial(_render_group, ["pptx"]))
    if writer is None:
        yield None
        return
    with writer:
        yield writer


def _ready_to_write_pptx() -> None:
    """What only the PPTX writer needs and no lecture decides: python-pptx, the writer's
    modules, its compiled templates, the read-backs, python-pptx's default template opened."""
    import slides.parity
    import slides.parity_pptx
    import slides.render.pptx
    import slides.render.pptx_diagram  # noqa: F401
    from slides.jinja import environment
    from slides.render.pptx_package import open_ahead

    for name in ("slide", "notes", "timing", "diagram"):
        environment("xml").get_template(f"pptx/{name}.xml.j2")
    open_ahead()


def _available(stale: list[str], build: Build) -> tuple[list[str], list[Problem]]:
    """The stale formats whose optional tools are installed, and a warning for each skipped one.

    Only the slides PDF needs one (Chromium). In CI a missing tool is an error instead.
    """
    if "pdf" not in stale:
        return stale, []
    from slides import chromium

    if chromium.find() is not None:
        return stale, []
    if chromium.required():
        chromium.executable("the slides PDF")  # the error CI gets
    where = display_path(build.output("pdf"))
    message = f"skipped: no Chromium or Chrome found; {chromium.HOW_TO_GET}"
    return [f for f in stale if f != "pdf"], [Problem(where, 0, 0, "", message, "warning")]


@dataclass
class _Rendered:
    """What rendering one group gave: finished outputs (with any drift), problems, an error."""

    done: list[tuple[str, Path, list[str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    error: SlidesError | None = None


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


def _render_group(group: list[str], build: Build, early: bool = True) -> _Rendered:
    """Render a group of formats in order, reading each back against the deck plan.

    Runs here or in a forked worker; an error stops the group, and what it finished is kept.
    With `early`, the slides PDF's Chromium starts while the qmd and HTML are made.
    """
    from slides.parity import check_outputs

    rendered = _Rendered()
    known = len(build.problems)
    try:
        with _early_browser(group if early else []) as browser:
            for fmt in group:
                checkpoint(f"render:{fmt}")
                try:
                    render = renderer(fmt)
                except ModuleNotFoundError as error:
                    if error.name and error.name.startswith("slides.render"):
                        raise BuildError(f"format '{fmt}' is not available yet") from None
                    raise
                path = render(build, browser) if fmt == "pdf" else render(build)
                drift = check_outputs(
                    build.deck, {fmt: path}, build.theme, build.spare_core, build.read_back
                )
                rendered.done.append((fmt, path, drift))
    except SlidesError as error:
        rendered.error = error
    rendered.problems = build.problems[known:]
    return rendered


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


def output_name(folder: Path, fmt: str) -> str:
    """The file name of a format's output for a lecture folder."""
    return FORMATS[fmt][1].format(name=folder.resolve().name)


def _locate(problem: Problem, lecture) -> Problem:
    """Give a deck-plan warning (which knows only its key path) its file, line and column."""
    if problem.file:
        return problem
    return lecture.problem(problem.path, problem.message, problem.severity)
