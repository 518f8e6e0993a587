"""What splitting the PPTX writer's steps in two costs and gives (slides.workers.halves).

Run from the repository root:
    .venv/bin/python bench/halves.py bench/.work/content/genai-x10 --rounds 4

In one process that has planned the lecture and written its PPTX once (everything imported and
warm), each round times both steps three ways: in one process, the first half alone, and split
(the first half here, the second in a forked helper). It prints the CPU of this process and of
the helper, their page faults, and the wall time. A split pays where its wall time is below one
process's; on a busy machine the helper may find no core.
"""

from __future__ import annotations

import argparse
import gc
import io
import resource
import time
import zipfile
from functools import partial
from pathlib import Path

from slides import parity_pptx, workers
from slides.build import prepare_build
from slides.render import Options, pptx


def _usage() -> tuple[float, float, int, int, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (
        own.ru_utime + own.ru_stime,
        kids.ru_utime + kids.ru_stime,
        own.ru_minflt,
        kids.ru_minflt,
        time.perf_counter(),
    )


def _timed(label: str, step) -> None:
    before = _usage()
    step()
    after = _usage()
    here, helper, faults, helper_faults, wall = (b - a for a, b in zip(before, after, strict=True))
    print(
        f"  {label:22} CPU here {here:.4f} s, helper {helper:.4f} s; "
        f"faults {faults:.0f} / {helper_faults:.0f}; wall {wall:.4f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lecture", type=Path)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    build, _ = prepare_build(args.lecture, Path("/tmp/slides-bench-halves"), Options())
    path = pptx.render(build)  # imports, templates and fonts warm
    writer = pptx._DeckWriter(build)
    writer._prepare()
    package = parity_pptx._Zipped(zipfile.ZipFile(io.BytesIO(path.read_bytes())))
    read = partial(parity_pptx._read_slides, package, None)
    gc.collect()
    print(f"{args.lecture.name}: {len(build.placed)} slides")
    for n in range(args.rounds):
        print(f"round {n + 1}")
        for name, step in (("make", writer._slides), ("read back", read)):
            _timed(f"{name}, one process", partial(step, 0, 1))
            _timed(f"{name}, first half", partial(step, 0, 2))
            _timed(f"{name}, split", partial(workers.halves, step, True, workers.HALVES_FROM))


if __name__ == "__main__":
    main()
