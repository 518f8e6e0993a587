"""One way to run work in parallel, for lectures, outputs and pictures alike.

The policy, in one place:
- up to `jobs` tasks at once, each in a forked process that starts with everything already in
  memory (the lecture, its plan, its pictures); tasks are never pickled, only their results;
- `jobs == 1` runs the tasks here, one after another: nothing runs in parallel;
- results come back in the order the tasks were given, so both ways report the same things in
  the same order and write the same files;
- one level only: inside a worker, tasks run one after another (no pool within a pool), with
  one exception, a helper: an output group that is alone on its cores (the parent only waits
  for it) may split one long serial step in two, its second half in one forked helper
  (`halves`), or run one step in a helper while it does the next (`meanwhile`). A pool would
  take every core the other groups need; one helper takes only the core that idles.

One exception to "forked with everything in memory": a worker started early (`start`), while
this process still loads and plans, does the part of its work that needs no input (imports,
compiled templates) on a core that would idle meanwhile, and is then given its input, pickled
(`Early.give`). Among the tasks `run` is given, it is waited for like the others. It is the
caller's to start one only when a core is free for it (jobs > 1) and its output will be built;
a worker that is never given its input is killed when its block ends (it has written nothing).

A caller that runs threads of its own (the preview server) passes jobs=1: forking a process
with other threads running can deadlock the child.
"""

from __future__ import annotations

import gc
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import partial
from typing import Any, Generic, NamedTuple, TypeVar

T = TypeVar("T")

_tasks: Sequence[Callable[[], object]] = ()  # the tasks a forked worker inherits
_in_worker = False


def default_jobs() -> int:
    """How many tasks run at once unless the user says (--jobs): one per core."""
    return os.cpu_count() or 1


def spare_core(groups: int, jobs: int) -> bool:
    """Whether the output groups about to be rendered leave a core idle for `halves`: more jobs
    than groups, and not inside a worker (a course's lectures share the cores already)."""
    return jobs > groups and not _in_worker


# What a step must cost (CPU seconds, one core) before a helper takes it (`halves`,
# `meanwhile`). The helper costs each side 0.015-0.05 s, growing with the deck (the pages
# either process writes after the fork are copied), so it pays from about 0.1 s: the PPTX
# writer's slides from about 67 slides, its read-back of its package from about 250, a PPTX
# file's read-back from about 110 (docs/performance.md).
HALVES_FROM = 0.1


def halves(task: Callable[[int, int], list[T]], spare: bool, cost: float) -> list[T]:
    """task(0, 1); or, when a core is spare (by the build's groups, and idle now) and the step's
    estimated CPU `cost` pays for it, task(1, 2) in a forked helper while task(0, 2) runs here:
    the two halves' results in order.

    task(half, of) does the half-th of `of` equal parts of the work, and must not depend on
    what the other part did. An error in the first half is raised before one in the second,
    as one process would meet them; the helper always finishes (it writes nothing).
    """
    if not _helper_pays(spare, cost):
        return task(0, 1)
    with Early(_nothing, partial(_second_half, task)) as helper:
        helper.give(None).send()
        first = task(0, 2)
        return first + helper()


@contextmanager
def meanwhile(task: Callable[[], T], spare: bool, cost: float) -> Iterator[Callable[[], T]]:
    """A call that gives task()'s result: worked out in a forked helper while the block goes on
    when a core is spare and the task's CPU `cost` pays for the helper (as for `halves`), else
    by the call itself. An error in the task is raised by the call."""
    if not _helper_pays(spare, cost):
        yield task
        return
    with Early(_nothing, partial(_whole, task)) as helper:
        helper.give(None).send()
        yield helper


def _helper_pays(spare: bool, cost: float) -> bool:
    return spare and cost >= HALVES_FROM and _can_fork() and _idle_core()


LOADAVG = "/proc/loadavg"  # its fourth field: processes running now / all


def _idle_core() -> bool:
    """Whether fewer processes are running than this process may use cores, at this instant
    (Linux's /proc/loadavg counts this one too); True where that cannot be read.

    Other programs' work takes the core the build leaves idle: with none free, a helper only
    adds its cost (a 293-slide PPTX build 0.1-1.0 s slower at load 3-7, docs/performance.md).
    """
    try:
        with open(LOADAVG, "rb") as file:
            running = int(file.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return True
    return running < len(os.sched_getaffinity(0))


def _nothing() -> None:
    pass


def _whole(task: Callable[[], T], _: object) -> T:
    return task()


def _second_half(task: Callable[[int, int], list[T]], _: object) -> list[T]:
    return task(1, 2)


def run(tasks: Sequence[Callable[[], T]], jobs: int) -> Iterator[T]:
    """Run the tasks, up to `jobs` at once; yield their results in the tasks' order.

    A task may be an `Early` worker, given its input: it runs in its own process beside the
    others (not counted in `jobs`). A task's exception is raised here when its turn comes.
    Closing the iterator early (an error or an interrupt in the caller) cancels the tasks not
    started and waits for the running ones, which finish what they write.
    """
    local = [task for task in tasks if not isinstance(task, Early)]
    if jobs <= 1 or len(local) <= 1 or _in_worker or not _can_fork():
        if len(local) == len(tasks):
            for task in tasks:
                yield task()
            return
        for task in tasks:  # the early workers started on their input, then the rest here
            if isinstance(task, Early):
                task.send()
        results = iter([task() for task in local])
        for task in tasks:
            yield task() if isinstance(task, Early) else next(results)
        return
    # Imported here: a build of one output group, or a no-op build, runs no worker (0.02 s).
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _tasks
    _tasks = local
    _flush()
    # What the workers inherit stays out of their garbage collections: a full one would scan
    # the parent's whole heap, and copy it page by page (0.07 s of a PPTX worker's CPU).
    gc.freeze()
    pool = ProcessPoolExecutor(
        min(jobs, len(local)), multiprocessing.get_context("fork"), initializer=_enter_worker
    )
    try:
        futures = iter([pool.submit(_call, i) for i in range(len(local))])
        for task in tasks:  # after the pool has forked: sending waits for a worker not ready
            if isinstance(task, Early):
                task.send()
        for task in tasks:
            yield task() if isinstance(task, Early) else next(futures).result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()  # collectable again here, in a process that may go on (tests, a course)
        _tasks = ()


A = TypeVar("A")
_NOTHING: Any = object()


class Early(Generic[A, T]):
    """A worker forked before its input exists (see the policy above); a context manager.

    `give` it its input, then call it like a task for its result (`run` does both).
    """

    def __init__(self, ready: Callable[[], object], task: Callable[[A], T]) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._connection, child_end = context.Pipe()
        _flush()
        self._process = context.Process(
            target=_early_worker, args=(child_end, self._connection, ready, task)
        )
        self._process.start()
        child_end.close()
        self._input = _NOTHING  # given, not sent yet
        self._sent = self._done = False

    def give(self, argument: A) -> Early[A, T]:
        """Its input, sent when `run` has started the other tasks (or when it is called)."""
        self._input = argument
        return self

    def send(self) -> None:
        """Send the input given, pickled; waits while the worker is still getting ready."""
        if not self._sent and self._input is not _NOTHING:
            self._connection.send(self._input)
            self._sent, self._input = True, _NOTHING

    def __call__(self) -> T:
        """Its result, waited for; its exception raised here."""
        self.send()
        if not self._sent or self._done:
            raise RuntimeError("an early worker asked for a result it was not given input for")
        try:
            outcome = self._connection.recv()
        except EOFError:
            raise RuntimeError(f"worker {self._process.pid} ended without a result") from None
        finally:
            self._done = True
            self._process.join()
        if isinstance(outcome, _Failed):
            outcome.error.__cause__ = _RemoteTraceback(outcome.traceback)
            raise outcome.error
        return outcome

    def __enter__(self) -> Early[A, T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Never given its input: killed (it has only got ready). Working: waited for."""
        if not self._sent:
            self._process.kill()
        elif not self._done:
            with suppress(EOFError):  # its result (or its end), unread
                self._connection.recv()
        self._done = True
        self._process.join()
        self._connection.close()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for a build, and its forked workers (who inherit it).

    A build's objects live until it ends, so collecting frees next to nothing; but the collector
    scans them again and again while they are made: 0.12 s of CPU in a 293-slide PPTX build, 0.03
    s of it in pickling the placed deck for the writer (docs/performance.md). Back on after, for
    a process that goes on (serve, a course, tests).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def start(ready: Callable[[], object], task: Callable[[A], T]) -> Early[A, T] | None:
    """A worker that calls ready() now and task(input) once given its input; None where no
    worker may be forked (inside a worker, or without fork)."""
    if _in_worker or not _can_fork():
        return None
    return Early(ready, task)


class _Failed(NamedTuple):
    """A task's exception in an early worker, with its traceback as text (which an exception
    loses when pickled)."""

    error: BaseException
    traceback: str


def _early_worker(connection: Any, parent_end: Any, ready: Callable[[], object], task) -> None:
    _enter_worker()
    parent_end.close()
    with suppress(Exception):  # only a head start: the task meets the same failure, reports it
        ready()
    try:
        argument = connection.recv()
    except EOFError:  # the parent went away without giving any
        return
    # What it inherited and was given stays out of its collections, as in `run`'s workers: the
    # task makes many objects, and each full collection would scan the whole build again.
    gc.freeze()
    try:
        outcome = task(argument)
    except BaseException as error:  # raised in the parent
        outcome = _Failed(error, traceback.format_exc())
    connection.send(outcome)


class _RemoteTraceback(Exception):
    """Where a worker's exception came from, shown under it (as concurrent.futures does)."""

    def __str__(self) -> str:
        return f'\n"""\n{self.args[0]}"""'


def _flush() -> None:
    """A forked child must not repeat what the parent has not written yet."""
    sys.stdout.flush()
    sys.stderr.flush()


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _enter_worker() -> None:
    global _in_worker
    _in_worker = True


def _call(index: int) -> object:
    return _tasks[index]()
