"""The command line: `python build.py` or `slides`. Only `main` turns errors into exit codes."""

from __future__ import annotations

import argparse
import gc
import json
import signal
import sys
from functools import partial
from pathlib import Path

from slides.errors import SlidesError, UsageError, display_path

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
FORMAT_NAMES = ("pptx", "qmd", "html", "handout", "pdf")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (README: 0 ok, 1 build failure, 2 bad content
    or usage, 130/143 interrupted by Ctrl-C/SIGTERM)."""
    from slides import signals

    args = _parser().parse_args(argv)
    if argv is None:  # the program itself, not a caller in this process (a test, serve)
        signals.install()  # Ctrl-C and SIGTERM stop the build at its next safe point
        if args.run is not _serve:
            # What a command makes lives until the program ends: Python's cycle collector
            # would only scan it again and again (0.03 s before a 293-slide build starts).
            # Builds pause it anyway (slides.workers.collector_paused); serve goes on, keeps it.
            gc.disable()
    try:
        signals.checkpoint("start")
        status = args.run(args)
        signals.checkpoint("end")  # a signal that came after the last step is not lost
        return status
    except SlidesError as error:
        print(error.show(), file=sys.stderr)
        return error.exit_code
    except Exception as error:  # a bug of ours: say so plainly; the details on request
        if getattr(args, "verbose", False):
            raise
        print(
            f"error: internal error ({type(error).__name__}: {error}); this is a bug in slides,"
            " not in your lecture. Run again with --verbose to see where it happened.",
            file=sys.stderr,
        )
        return 1
    finally:
        if argv is None:
            # The work is over: a late Ctrl-C or SIGTERM has nothing left to interrupt, and
            # once Python's handlers are gone at shutdown it would kill the process silently.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            # Python collects cycles once more as it exits, scanning every object left for
            # nothing (0.04 s after a 293-slide build); frozen objects it leaves alone.
            gc.freeze()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="slides",
        description="Build lectures written in YAML into PPTX, a reveal.js deck and handouts.",
    )
    parser.set_defaults(
        run=_build,
        lectures=[],
        formats=None,
        out=Path("out"),
        quiet=False,
        verbose=False,
        self_contained=False,
        paper="a4",
        handout_layout=1,
        pptx_template=None,
        strict=False,
        force=False,
        pptx_diagrams="native",
        theme=None,
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    build = commands.add_parser("build", help="build lectures (default: all under content/)")
    build.add_argument("lectures", nargs="*", type=Path, metavar="LECTURE_DIR")
    build.add_argument(
        "--format",
        dest="formats",
        type=_formats,
        help=f"formats: {','.join(FORMAT_NAMES)} (default: all)",
    )
    build.add_argument("--out", type=Path, default=Path("out"), help="output folder (out/)")
    build.add_argument(
        "--self-contained", action="store_true", help="embed everything into one HTML file"
    )
    build.add_argument("--paper", choices=("a4", "letter"), default="a4")
    build.add_argument(
        "--handout-layout", type=int, choices=(1, 2, 3), default=1, help="slides per handout page"
    )
    build.add_argument(
        "--pptx-template",
        type=Path,
        help="a .pptx whose master and layouts to use; its colours, fonts and logo restyle "
        "every output",
    )
    build.add_argument(
        "--pptx-diagrams",
        choices=("native", "picture"),
        default="native",
        help="diagrams in the PPTX as editable shapes (native, the default) or as pictures",
    )
    _theme_option(build)
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("--force", action="store_true", help="rebuild even if up to date")
    build.add_argument(
        "-j",
        "--jobs",
        type=int,
        metavar="N",
        help="how many lectures or pictures are made at once (default: one per core; 1:"
        " nothing runs in parallel); a lecture's outputs all start together unless 1",
    )
    _verbosity(build)
    build.set_defaults(run=_build)

    check = commands.add_parser("check", help="validate lectures; print warnings and errors")
    check.add_argument("lectures", nargs="*", type=Path, metavar="LECTURE_DIR")
    check.add_argument(
        "--outputs",
        type=Path,
        metavar="OUT_DIR",
        help="also compare the outputs built into OUT_DIR with the lecture",
    )
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    _theme_option(check)
    _verbosity(check)
    check.set_defaults(run=_check)

    new = commands.add_parser(
        "new",
        help="scaffold a lecture that builds at once, or a theme to edit (--theme NAME: "
        "themes/NAME/ here, or beside LECTURE_DIR, which then uses it)",
    )
    new.add_argument("folder", type=Path, nargs="?", metavar="LECTURE_DIR")
    new.add_argument("--title", help="the lecture's title (needed with LECTURE_DIR)")
    new.add_argument("--theme", metavar="NAME", help="also scaffold a theme of this name")
    new.set_defaults(run=_new)

    schema = commands.add_parser("schema", help="print the JSON Schema of a file format")
    schema.add_argument(
        "format",
        nargs="?",
        choices=("lecture", "theme"),
        default="lecture",
        help="lecture.yaml (the default) or theme.yaml",
    )
    schema.set_defaults(run=_schema)

    serve = commands.add_parser(
        "serve",
        help="build the slides, serve them on localhost, rebuild and reload on save "
        "(default: every lecture under content/, with the course index)",
    )
    serve.add_argument("lectures", nargs="*", type=Path, metavar="LECTURE_DIR")
    serve.add_argument("--port", type=int, default=8000, help="port (8000)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    serve.add_argument("--out", type=Path, default=Path("out"), help="output folder (out/)")
    _theme_option(serve)
    serve.set_defaults(run=_serve)

    note = commands.add_parser("import", help="turn an Obsidian or markdown note into a lecture")
    note.add_argument("note", type=Path, metavar="NOTE.md")
    note.add_argument("--out", type=Path, required=True, help="the new lecture folder")
    note.add_argument(
        "--vault",
        type=Path,
        help="where the note's pictures are (default: the folder holding .obsidian above the "
        "note, else the note's folder)",
    )
    note.add_argument("--force", action="store_true", help="replace an existing lecture.yaml")
    note.set_defaults(run=_import)
    return parser


def _verbosity(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    group.add_argument("-v", "--verbose", action="store_true", help="print every step")


def _theme_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--theme",
        type=_theme_folder,
        metavar="PATH",
        help="a theme folder (holding theme.yaml) instead of the lecture's `theme:`",
    )


def _theme_folder(value: str) -> Path:
    folder = Path(value)
    if not (folder / "theme.yaml").is_file():
        raise argparse.ArgumentTypeError(
            f"no theme.yaml in '{value}'; give a theme folder (docs/themes.md), "
            "or make one with: slides new --theme NAME"
        )
    return folder.resolve()


def _formats(value: str) -> list[str]:
    formats = [f.strip() for f in value.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMAT_NAMES]
    if unknown or not formats:
        raise argparse.ArgumentTypeError(
            f"unknown format {', '.join(map(repr, unknown)) or '(none)'}; "
            f"choose from {', '.join(FORMAT_NAMES)}"
        )
    return formats


def _lecture_dirs(given: list[Path], outputs: Path | None = None) -> list[Path]:
    if not given and outputs is not None:
        given = [CONTENT / outputs.name]  # `check --outputs out/x` checks content/x
    if given:
        for folder in given:
            if not folder.is_dir():
                raise UsageError(f"'{folder}' is not a lecture folder")
        return given
    found = sorted(p.parent for p in CONTENT.glob("*/lecture.yaml"))
    if not found:
        raise UsageError(f"no lectures found under {CONTENT}")
    return found


def _print_problems(problems, args) -> None:
    """The one way problems reach the user: errors always, warnings unless -q."""
    for problem in problems:
        if problem.severity == "error" or not args.quiet:
            print(problem, file=sys.stderr)


def _check(args: argparse.Namespace) -> int:
    from slides import workers
    from slides.assets import check_pictures
    from slides.build import output_name, plan_lecture
    from slides.parity import check_outputs

    status = 0
    for folder in _lecture_dirs(args.lectures, args.outputs):
        try:
            # A template's logo (slides.pptx_theme) is where the build put it, for parity.
            logo_dir = args.outputs / ".cache" if args.outputs else None
            deck, theme, warnings = plan_lecture(folder, args.theme, logo_dir=logo_dir)
            # Broken image files fail `check`, and cut diagram labels warn, as in `build`.
            warnings += check_pictures(deck.lecture, theme, workers.default_jobs())
        except SlidesError as error:
            print(error.show(), file=sys.stderr)
            status = max(status, error.exit_code)
            continue
        _print_problems(warnings, args)
        if args.strict and warnings:
            print(f"{len(warnings)} warning(s) in --strict mode", file=sys.stderr)
            status = 2
        if args.outputs:
            outputs = {fmt: args.outputs / output_name(folder, fmt) for fmt in FORMAT_NAMES}
            found = {fmt: path for fmt, path in outputs.items() if path.exists()}
            drift = check_outputs(deck, found, theme)
            for line in drift:
                print(f"{display_path(args.outputs)}: {line}", file=sys.stderr)
            status = max(status, 1 if drift else 0)
            if not args.quiet:
                print(f"{display_path(args.outputs)}: {', '.join(found) or 'no outputs'} checked")
        if not args.quiet:
            for line in _pictures(deck.lecture):
                print(f"{display_path(folder)}: {line}")
            print(f"{display_path(folder)}: ok, {len(deck.frames)} slides")
    return status


def _pictures(lecture) -> list[str]:
    """What each diagram shows: the real pasted file when the lecture has it, else the drawing."""
    from slides.assets import pictures_of

    lines = []
    for node in pictures_of(lecture):
        if getattr(node, "kind", None) and getattr(node, "source", None):
            used = "the file images/" if node.source_path else "the drawing (no file images/"
            lines.append(
                f"diagram '{node.source}' uses {used}{node.source}{'' if node.source_path else ')'}"
            )
    return lines


def _build(args: argparse.Namespace) -> int:
    from slides import workers
    from slides.build import ALL_FORMATS
    from slides.render import Options
    from slides.signals import checkpoint

    folders = _lecture_dirs(args.lectures)
    options = Options(
        self_contained=args.self_contained,
        paper=args.paper,
        handout_layout=args.handout_layout,
        pptx_template=args.pptx_template,
        strict=args.strict,
        pptx_diagrams=args.pptx_diagrams,
        theme=args.theme,
    )
    formats = args.formats or list(ALL_FORMATS)
    jobs = args.jobs or workers.default_jobs()
    if jobs < 1:
        raise UsageError(f"--jobs {jobs}: give 1 or more (1: nothing runs in parallel)")
    if len(folders) == 1:  # one lecture: its outputs and pictures share the jobs
        return _build_one(folders[0], formats, options, args, jobs, _say)
    # Several lectures: they share the jobs (each one built serially inside its worker), and
    # each one's report is printed whole, in the order given, however they were run.
    tasks = [partial(_build_reported, folder, formats, options, args, jobs) for folder in folders]
    status = 0
    for i, (folder, (code, lines)) in enumerate(
        zip(folders, workers.run(tasks, jobs), strict=True), 1
    ):
        checkpoint(f"lecture:{folder.name}")
        for stream, text in lines:
            _say(stream, text)
        if not args.quiet:
            _say("out", f"[{i}/{len(folders)}] {folder.name} done")
        status = max(status, code)
    from slides.course import write_index  # a course: a front page listing its lectures

    index = write_index(folders, args.out, options)
    if index is not None and not args.quiet:
        _say("out", f"wrote {display_path(index)}")
    return status


def _say(stream: str, text: str) -> None:
    print(text, file=sys.stderr if stream == "err" else sys.stdout, flush=True)


def _build_reported(folder: Path, *rest) -> tuple[int, list[tuple[str, str]]]:
    """Build one lecture; returns its exit status and what it has to say (stream, text)."""
    lines: list[tuple[str, str]] = []
    code = _build_one(folder, *rest, lambda stream, text: lines.append((stream, text)))
    return code, lines


def _build_one(folder: Path, formats: list[str], options, args, jobs: int, say) -> int:
    """Build one lecture and report what happened through `say`; returns its exit status."""
    from slides.build import build_lecture
    from slides.signals import Interrupted

    def report(fmt: str, path: Path) -> None:
        if not args.quiet:
            say("out", f"wrote {display_path(path)}")

    def warn(problem) -> None:
        if problem.severity == "error" or not args.quiet:
            say("err", str(problem))

    if args.verbose:
        say("err", f"{display_path(folder)}: building {', '.join(formats)}")
    try:
        written = build_lecture(
            folder, formats, args.out, options, report, warn, force=args.force, jobs=jobs
        )
        if not written and not args.quiet:
            say("out", f"{display_path(folder)}: up to date")
    except Interrupted:
        raise  # the whole command stops
    except SlidesError as error:
        say("err", error.show())
        return error.exit_code
    return 0


def _import(args: argparse.Namespace) -> int:
    from slides.importer import import_note

    result = import_note(args.note, args.out, args.vault, force=args.force)
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    print(
        f"created {result.lecture_file}: {result.topics} topics, {result.slides} slides, "
        f"{result.images} pictures copied; check it with: python build.py check {args.out}"
    )
    return 0


def _serve(args: argparse.Namespace) -> int:
    from slides.serve import serve

    folders = _lecture_dirs(args.lectures)
    return serve(folders, args.out, host=args.host, port=args.port, theme=args.theme)


def _schema(args: argparse.Namespace) -> int:
    if args.format == "theme":
        from slides.theme_file import ThemeFile as Format
    else:
        from slides.model import Lecture as Format

    from slides.model import json_schema

    print(json.dumps(json_schema(Format), indent=2))
    return 0


NEW_LECTURE = """\
# yaml-language-server: $schema=../../docs/lecture.schema.json
title: {title}
author: Your Name
date: "{date}"
topics:
  - title: Introduction
    slides:
      - title: What this lecture covers
        bullets:
          - The first point
          - text: A point with details
            items: [One detail, Another detail]
        notes: |
          What you will say while this slide is shown.
"""


def _new(args: argparse.Namespace) -> int:
    import datetime

    from slides.scaffold import new_theme

    folder: Path | None = args.folder
    if folder is None and args.theme is None:
        raise UsageError("give a LECTURE_DIR (with --title) or --theme NAME, or both")
    if folder is not None and args.title is None:
        raise UsageError("a new lecture needs --title")
    target = folder / "lecture.yaml" if folder is not None else None
    if target is not None and target.exists():
        raise UsageError(f"{target} already exists; choose a new folder")
    if args.theme is not None:  # beside the new lecture, else in the current folder
        themes = (folder.parent if folder is not None else Path()) / "themes"
        made = new_theme(args.theme, themes)
        print(f"created {made}; edit it, then name it in a lecture:  theme: {args.theme}")
    if folder is None or target is None:
        return 0
    (folder / "images").mkdir(parents=True, exist_ok=True)
    title = json.dumps(args.title)  # a JSON string is a valid YAML scalar, whatever the title
    text = NEW_LECTURE.format(title=title, date=datetime.date.today())
    if args.theme is not None:
        text = text.replace("\ntopics:", f"\ntheme: {args.theme}\ntopics:", 1)
    target.write_text(text, "utf-8")
    print(f"created {target}; build it with: python build.py build {folder}")
    return 0
