"""One way to run work in parallel, for lectures, outputs and pictures alike.

The policy, in one place:
- up to `jobs` tasks at once, each in a forked process that starts with everything already in
  memory (the lecture, its plan, its pictures); tasks are never pickled, only their results;
- `jobs == 1` runs the tasks here, one after another: nothing runs in parallel;
- results come back in the order the tasks were given, so both ways report the same things in
  the same order and write the same files;
- one level only: inside a worker, tasks run one after another (no pool within a pool).

A caller that runs threads of its own (the preview server) passes jobs=1: forking a process
with other threads running can deadlock the child.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

_tasks: Sequence[Callable[[], object]] = ()  # the tasks a forked worker inherits
_in_worker = False


def default_jobs() -> int:
    """How many tasks run at once unless the user says (--jobs): one per core."""
    return os.cpu_count() or 1


def run(tasks: Sequence[Callable[[], T]], jobs: int) -> Iterator[T]:
    """Run the tasks, up to `jobs` at once; yield their results in the tasks' order.

    A task's exception is raised here when its turn comes. Closing the iterator early (an error
    or an interrupt in the caller) cancels the tasks not started and waits for the running ones,
    which finish what they write.
    """
    if jobs <= 1 or len(tasks) <= 1 or _in_worker or not _can_fork():
        for task in tasks:
            yield task()
        return
    # Imported here: a build of one output group, or a no-op build, runs no worker (0.02 s).
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _tasks
    _tasks = tasks
    sys.stdout.flush()  # a forked child must not repeat what the parent has not written yet
    sys.stderr.flush()
    # What the workers inherit stays out of their garbage collections: a full one would scan
    # the parent's whole heap, and copy it page by page (0.07 s of a PPTX worker's CPU).
    gc.freeze()
    pool = ProcessPoolExecutor(
        min(jobs, len(tasks)), multiprocessing.get_context("fork"), initializer=_enter_worker
    )
    try:
        futures = [pool.submit(_call, i) for i in range(len(tasks))]
        for future in futures:
            yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()  # collectable again here, in a process that may go on (tests, a course)
        _tasks = ()


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _enter_worker() -> None:
    global _in_worker
    _in_worker = True


def _call(index: int) -> object:
    return _tasks[index]()
