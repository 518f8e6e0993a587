"""When each process of a build starts and ends, and what it does in between: the critical path.

Run from the repository root, as a build:
    .venv/bin/python bench/timeline.py build content/genai-intro --out /tmp/t --force

It runs the command line in this process with a few functions wrapped (the phases, the
renderers, the programs run, the read-backs); forked workers inherit the wrapping and append to
the same log. Then it prints each process's spans, in seconds from the process's start (Python's
own start-up included, from /proc), with their own CPU and their programs' CPU.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.util
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Module -> functions whose calls are spans on the timeline.
SPANS = {
    "slides.signals": ["checkpoint"],  # the build's named moments (loaded, planned, …)
    "slides.place.frames": ["place_deck"],
    "slides.build": [
        "output_keys",
        "_plan",
        "prepare_build",
        "_render_group",
        "_ready_to_write_pptx",
    ],
    "slides.assets": ["prepare"],
    "slides.parity": ["check_outputs", "pdf_pages"],
    "slides.parity_pptx": ["_read_slides", "read_package"],
    "slides.render.pptx_package": ["add_slides", "package_files", "zipped"],
    "slides.render.pptx": [
        "render",
        "_DeckWriter._slides",
        "_DeckWriter._package",
        "_DeckWriter._sections",
    ],
    "slides.workers": ["halves", "_second_half"],
    "slides.render.qmd": ["render"],
    "slides.render.html": ["render", "_run", "install_reveal", "install_katex", "write_theme_css"],
    "slides.render.handout": ["render", "typst_source", "_compile"],
    "slides.render.slides_pdf": ["render"],
    "slides.model": [],  # its import is a span of its own
}


def _started() -> float:
    """When this process started, on CLOCK_BOOTTIME (what /proc's start time counts from)."""
    with open("/proc/self/stat") as stat:
        ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
    return ticks / os.sysconf("SC_CLK_TCK")


def _now() -> tuple[float, float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (
        time.clock_gettime(time.CLOCK_BOOTTIME),
        own.ru_utime + own.ru_stime,
        kids.ru_utime + kids.ru_stime,
    )


class _Log:
    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def span(self, name: str, start: tuple, end: tuple) -> None:
        line = f"{os.getpid()}\t{os.getppid()}\t{name}\t" + "\t".join(
            f"{v:.4f}" for v in (*start, *end)
        )
        os.write(self.fd, (line + "\n").encode())


def _wrap(log: _Log, label: str, function):
    @functools.wraps(function)
    def timed(*args, **kwargs):
        start = _now()
        try:
            return function(*args, **kwargs)
        finally:
            name = label
            if label.endswith("_render_group"):
                name += f"({'+'.join(args[0])})"
            elif label.endswith("checkpoint"):
                name = f"moment: {args[0]}"
            elif label.endswith("._run"):
                name += f"({Path(str(args[0][0])).name})"
            elif label.endswith(("._slides", "._read_slides")):  # a half: (half, of) last
                name += f"({args[-2] + 1}/{args[-1]})"
            log.span(name, start, _now())

    return timed


class _Patcher(importlib.abc.MetaPathFinder):
    """Wraps SPANS' functions as their modules are imported, and times those imports."""

    def __init__(self, log: _Log) -> None:
        self.log = log

    def find_spec(self, name, path=None, target=None):
        if name not in SPANS:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        loader, log = spec.loader, self.log

        class Loader(importlib.abc.Loader):
            def create_module(self, spec):
                return loader.create_module(spec)

            def exec_module(self, module):
                start = _now()
                loader.exec_module(module)
                log.span(f"import {name}", start, _now())
                for function in SPANS[name]:
                    label = f"{name.removeprefix('slides.')}.{function}"
                    *owners, attribute = function.split(".")  # a module's function or a method
                    owner = functools.reduce(getattr, owners, module)
                    setattr(owner, attribute, _wrap(log, label, getattr(owner, attribute)))

        spec.loader = Loader()
        return spec


def main(argv: list[str]) -> int:
    born = _started()
    log_path = tempfile.mktemp(prefix="slides-timeline-")
    log = _Log(log_path)
    sys.meta_path.insert(0, _Patcher(log))
    sys.path.insert(0, str(ROOT))
    start = _now()
    from slides import cli

    log.span("import slides.cli", start, _now())
    start = _now()
    status = cli.main(argv)
    log.span("cli.main", start, _now())
    _print(log_path, born)
    os.unlink(log_path)
    return status


def _print(path: str, born: float) -> None:
    rows = [line.split("\t") for line in Path(path).read_text().splitlines()]
    parent = str(os.getpid())
    print("| process | span | start (s) | end (s) | CPU (s) | programs' CPU (s) |")
    print("|---|---|---|---|---|---|")
    for pid, _, name, *values in sorted(rows, key=lambda r: (r[0] != parent, float(r[3]))):
        t0, cpu0, kids0, t1, cpu1, kids1 = map(float, values)
        who = "parent" if pid == parent else f"worker {pid}"
        print(
            f"| {who} | {name} | {t0 - born:.3f} | {t1 - born:.3f} | {cpu1 - cpu0:.3f} "
            f"| {kids1 - kids0:.3f} |"
        )
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.clock_gettime(time.CLOCK_BOOTTIME) - born
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    print(f"\nwhole process: wall {wall:.3f} s, CPU {cpu:.3f} s (workers and programs included)")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
