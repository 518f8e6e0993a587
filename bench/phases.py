"""Where a cold build's time goes: CPU and wall time of each phase, in one process.

Run from the repository root:
    .venv/bin/python bench/phases.py content/genai-intro --format pptx,qmd,html,handout

Phases run one after another here (no workers), each output rendered and read back as a build
does; `children` is the CPU of the programs a phase ran and waited for (pandoc, pdftotext).
Imports are phases of their own, in the order a build first needs them.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _now() -> tuple[float, float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (
        own.ru_utime + own.ru_stime,
        children.ru_utime + children.ru_stime,
        time.perf_counter(),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lecture", type=Path)
    parser.add_argument("--format", default="pptx,qmd,html,handout")
    args = parser.parse_args(argv)
    marks = [("start", *_now())]

    def mark(name: str) -> None:
        marks.append((name, *_now()))

    sys.path.insert(0, str(ROOT))
    import slides.cli  # what every command imports
    from slides.build import _render_group, output_keys, prepare_build
    from slides.render import Options

    mark("import the command line")
    import slides.model  # noqa: F401

    mark("import the content model")
    formats = args.format.split(",")
    output_keys(args.lecture, formats, Options())
    mark("cache keys (theme, templates, lecture)")
    out = Path(tempfile.mkdtemp(prefix="slides-phases-"))
    try:
        build, _ = prepare_build(args.lecture, out, Options())
        mark("load, plan, pictures")
        for fmt in formats:
            done = _render_group([fmt], build, early=False)
            if done.error:
                raise done.error
            mark(f"render and read back: {fmt}")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print("| phase | CPU (s) | children's CPU (s) | wall (s) |\n|---|---|---|---|")
    for (_, cpu0, kids0, wall0), (name, cpu1, kids1, wall1) in itertools.pairwise(marks):
        print(f"| {name} | {cpu1 - cpu0:.3f} | {kids1 - kids0:.3f} | {wall1 - wall0:.3f} |")
    _, cpu, kids, wall = marks[-1]
    total = "total (CPU: Python's start-up included)"
    print(f"| {total} | {cpu:.3f} | {kids:.3f} | {wall - marks[0][3]:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
