"""Whole-process timing: wall time, CPU time and peak memory of each run, medians over rounds."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

Command = Sequence[str | Path]


@dataclass(frozen=True)
class Sample:
    """One timed run (or several commands run one after the other, summed)."""

    wall: float  # seconds
    cpu: float  # user + system seconds of the process and the children it waited for
    rss_mb: float  # the largest resident set of any single process of the run


@dataclass
class Contender:
    """Something to time: a setup that is not timed (e.g. delete the cache), then commands."""

    name: str
    commands: list[Command]
    setup: Callable[[], None] = lambda: None
    cwd: Path | None = None
    env: dict[str, str] | None = None
    samples: list[Sample] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def rss_mb(self) -> float:
        return max(s.rss_mb for s in self.samples)


def run(command: Command, cwd: Path | None = None, env: dict[str, str] | None = None) -> Sample:
    """Run one command to its end; its wall time, CPU time and peak RSS (from wait4)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [str(c) for c in command],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # wait4 gives this child's own rusage (with its waited-for descendants), unlike getrusage.
    stderr = process.stderr.read() if process.stderr else b""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        shown = " ".join(map(str, command))
        raise RuntimeError(f"{shown} failed ({process.returncode}):\n{stderr.decode()[-3000:]}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def run_all(contender: Contender) -> Sample:
    """Set up (untimed), then run the contender's commands one after the other."""
    contender.setup()
    samples = [run(c, contender.cwd, contender.env) for c in contender.commands]
    return Sample(
        sum(s.wall for s in samples), sum(s.cpu for s in samples), max(s.rss_mb for s in samples)
    )


def compare(contenders: list[Contender], runs: int = 5, warmup: int = 1) -> list[Contender]:
    """Time the contenders alternately (A B A B …) so drifts in machine load hit all alike."""
    for round_ in range(warmup + runs):
        for contender in contenders:
            sample = run_all(contender)
            if round_ >= warmup:
                contender.samples.append(sample)
        print(".", end="", file=sys.stderr, flush=True)
    return contenders
