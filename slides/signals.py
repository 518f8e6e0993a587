"""Ctrl-C and SIGTERM: noted when they arrive, acted on at safe points of the build.

The handler only records the signal. The build calls `checkpoint(moment)` between its steps
(after loading, after planning, after each output, before an output replaces the old one) and
stops there with `Interrupted`. Nothing is raised from inside a signal handler into whatever
code happens to run (an import, a weakref callback, a C extension), so an interrupt is never
lost, and every output is either replaced whole or left as it was.

Tests interrupt at a named moment: `SLIDES_SIGNAL_AT=<moment>[:TERM]` makes the build send
itself SIGINT (or SIGTERM) right after that checkpoint, so the signal arrives while the work that
follows runs, and the next checkpoint must act on it. Forked workers signal the main process.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from slides.errors import SlidesError

HOOK = "SLIDES_SIGNAL_AT"
_received: int | None = None  # the first signal that arrived
_main_pid = os.getpid()  # the process a forked worker's test hook signals
_fired = False  # the test hook fires once per process


class Interrupted(SlidesError):
    """Ctrl-C or SIGTERM arrived; the build stopped at a safe point."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:  # type: ignore[override]  (128 + the signal, as shells do)
        return 128 + self.signum

    def show(self) -> str:
        return "interrupted; outputs already written are complete, none is half-written"


def install() -> None:
    """Note SIGINT and SIGTERM instead of acting on them at once (call from the main thread)."""
    global _main_pid
    _main_pid = os.getpid()
    signal.signal(signal.SIGINT, _note)
    signal.signal(signal.SIGTERM, _note)


def _note(signum: int, frame: object) -> None:
    global _received
    if _received is None:
        _received = signum


def received() -> int | None:
    """The signal that arrived since `install`, if any."""
    return _received


def checkpoint(moment: str) -> None:
    """A safe point: raise Interrupted if a signal arrived; else go on (and maybe fire the hook)."""
    if _received is not None:
        raise Interrupted(_received)
    _test_hook(moment)


def _test_hook(moment: str) -> None:
    global _fired
    wanted = os.environ.get(HOOK)
    if not wanted or _fired:
        return
    term = wanted.endswith(":TERM")
    if wanted.removesuffix(":TERM") == moment:
        _fired = True
        os.kill(_main_pid, signal.SIGTERM if term else signal.SIGINT)


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the block; one that arrived is delivered right after it.

    For callers without `install` (Python's own Ctrl-C handler raises anywhere): starting a
    child process that must not be left behind.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # signals go to the main thread only
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
