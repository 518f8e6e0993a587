"""Headless Chromium from the system: never a downloaded browser.

Debian's `chromium` (or an installed Chrome) is launched with flags that keep it off the network
and working as root in a container. The slides PDF drives it over its DevTools pipe itself
(`Devtools`): Playwright's driver, a Node.js process, takes 0.5 s to start before Chromium
does. The browser tests use Playwright (`browser`) for its richer API.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
from contextlib import suppress
from typing import IO, Any

from slides.errors import BuildError
from slides.signals import signals_held

# Program names tried in order: Debian's package, other distributions', Google's.
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
ARGS = [
    "--no-sandbox",  # needed as root (containers, CI)
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",  # otherwise it keeps trying to reach Google
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOW_TO_GET = "install it with `sudo apt-get install chromium` (or `make setup`)"


class ChromiumMissing(BuildError):
    """No Chromium or Chrome on this machine: outputs that need it are skipped, not failed."""

    exit_code = 0

    def show(self) -> str:
        return f"warning: {self}"


def find() -> str | None:
    """The path of an installed Chromium or Chrome, or None."""
    for name in NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def required() -> bool:
    """In CI (CI=true) a missing browser is an error, not a skip."""
    return os.environ.get("CI", "").lower() == "true"


def executable(purpose: str) -> str:
    """The browser to use for `purpose`; raises ChromiumMissing (BuildError in CI) without one."""
    path = find()
    if path is None:
        message = f"{purpose} skipped: no Chromium or Chrome found; {HOW_TO_GET}"
        if required():
            raise BuildError(message.replace("skipped", "not made", 1) + " (required in CI)")
        raise ChromiumMissing(message)
    return path


# Chromium reads DevTools commands on fd 3 and answers on fd 4; subprocess places only fds 0-2,
# so a shell moves the pipes there.
_ON_FDS_3_AND_4 = 'exec "$@" 3<&0 4>&1 0</dev/null 1>/dev/null'
DEVTOOLS_ARGS = [
    "--remote-debugging-pipe",
    "--disable-extensions",  # Debian's launcher loads the system's extensions otherwise
    "--force-color-profile=srgb",  # pictures print in the same colours on every machine
    # Headless Chromium still builds the address bar's popup, a web page with a renderer of its
    # own: it took more CPU (0.9 s) than printing the deck.
    "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup",
]


_LOG_PREFIX = re.compile(r"^\[[^]]*\] *")  # [pid:thread:time:LEVEL:file.cc:line]


class PageError(Exception):
    """Chromium refused a command, a page did not load or its script threw; says which."""


class Devtools:
    """A headless Chromium driven over its DevTools pipe, without Playwright's driver process.

    It starts in the background when made, so the caller can do other work while it comes up
    (about 0.4 s); commands sent meanwhile wait in the pipe. Use it in a `with` block.
    """

    def __init__(self, purpose: str = "the browser step") -> None:
        self.purpose = purpose
        self.path = executable(purpose)
        self._profile: str | None = None
        self._log: IO[bytes] | None = None  # Chromium's stderr, quoted if it fails
        self._process: subprocess.Popen | None = None
        self._buffer = b""
        self._last_id = 0
        self._sent: dict[int, str] = {}  # the method of each command, to name it in errors
        self._replies: dict[int, dict] = {}
        self._events: list[dict] = []
        self._answered = False  # whether Chromium has said anything yet
        try:
            # Ctrl-C halfway would leave a Chromium that nothing closes (it clears the signal
            # mask it inherits); one held back is raised once it has started, and closes it.
            with signals_held():
                self._profile = tempfile.mkdtemp(prefix="slides-chromium-")
                self._log = tempfile.TemporaryFile()  # noqa: SIM115  (closed by close())
                args = [*ARGS, *DEVTOOLS_ARGS, f"--user-data-dir={self._profile}", "about:blank"]
                # A session of its own: Ctrl-C reaches only us; close() ends all its processes.
                self._process = subprocess.Popen(
                    ["/bin/sh", "-c", _ON_FDS_3_AND_4, "sh", self.path, *args],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=self._log,
                    start_new_session=True,
                )
        except OSError as error:
            self.close()
            raise BuildError(f"{purpose}: {self.path} did not start: {error}") from None
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Devtools:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, method: str, session: str | None = None, **params: Any) -> int:
        """Send a command without waiting for its answer; returns its id for `result`."""
        self._last_id += 1
        self._sent[self._last_id] = method
        message = {"id": self._last_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        try:
            self._write(message)
        except BrokenPipeError:
            raise self._gone() from None
        return self._last_id

    def result(self, command: int, timeout: float = 60) -> dict:
        """The answer to a command sent; raises PageError if Chromium refused it."""
        deadline = time.monotonic() + timeout
        while command not in self._replies:
            self._receive(deadline, f"Chromium's answer to {self._sent[command]}")
        reply = self._replies.pop(command)
        del self._sent[command]
        if "error" in reply:
            raise PageError(reply["error"].get("message", "DevTools error"))
        return reply.get("result", {})

    def call(self, method: str, session: str | None = None, timeout: float = 60, **params: Any):
        """Send a command and wait for its answer."""
        return self.result(self.send(method, session, **params), timeout)

    def event(self, method: str, session: str | None = None, timeout: float = 60) -> dict:
        """The parameters of the first event `method` (of `session`) not taken yet."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self._events:
                if event["method"] == method and event.get("sessionId") == session:
                    self._events.remove(event)
                    return event.get("params", {})
            self._receive(deadline, f"the {method} event")

    def forget(self, method: str, session: str | None = None) -> None:
        """Drop the events `method` (of `session`) received so far."""
        self._events = [
            event
            for event in self._events
            if not (event["method"] == method and event.get("sessionId") == session)
        ]

    def first_tab(self, timeout: float = 60) -> str:
        """A session on the tab Chromium opened at start (no new tab and renderer to wait for)."""
        self.call("Target.setDiscoverTargets", discover=True, timeout=timeout)
        while True:
            target = self.event("Target.targetCreated", timeout=timeout)["targetInfo"]
            if target["type"] == "page":
                break
        attached = self.call(
            "Target.attachToTarget", targetId=target["targetId"], flatten=True, timeout=timeout
        )
        return attached["sessionId"]

    def evaluate(self, session: str, function: str, *args: Any, timeout: float = 60) -> Any:
        """What a JavaScript function returns (awaited) when called in the page with `args`."""
        call = f"({function.strip()})({', '.join(json.dumps(arg) for arg in args)})"
        answer = self.call(
            "Runtime.evaluate",
            session,
            timeout,
            expression=call,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in answer:
            details = answer["exceptionDetails"]
            thrown = details.get("exception", {}).get("description") or details.get("text")
            raise PageError((thrown or "a script failed").splitlines()[0])
        return answer["result"].get("value")

    def close(self, grace: float = 5) -> None:
        """Quit Chromium, end its helpers and delete its profile (the end of the `with` block).

        Asked to, Chromium quits in under 0.1 s and removes the lock folder it made in /tmp,
        which a killed one leaves behind; it is killed only if it has not quit within `grace`.
        """
        with signals_held():  # interrupted, Chromium would be killed, leaving its lock folder
            self._stop(grace)

    def _stop(self, grace: float) -> None:
        process = self._process
        if process is not None:
            if process.poll() is None:
                with suppress(BrokenPipeError):  # it has just quit
                    self._write({"id": 0, "method": "Browser.close"})
                deadline = time.monotonic() + grace
                # Not reaped yet, so its process group cannot be another's when killed below.
                while not _exited(process.pid) and time.monotonic() < deadline:
                    time.sleep(0.005)
                with suppress(ProcessLookupError):  # helpers still quitting, or a hung Chromium
                    os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    with suppress(OSError):  # a write still buffered for a dead pipe
                        stream.close()
        if self._log is not None:
            self._log.close()
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)

    def _write(self, message: dict) -> None:
        assert self._process is not None and self._process.stdin is not None
        self._process.stdin.write(json.dumps(message).encode() + b"\0")
        self._process.stdin.flush()

    def _receive(self, deadline: float, awaited: str) -> None:
        """Read one message from Chromium into the replies or the events."""
        assert self._process is not None and self._process.stdout is not None
        reader = self._process.stdout.fileno()
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([reader], [], [], left)[0]:
                raise PageError(f"timed out waiting for {awaited}")
            chunk = os.read(reader, 1 << 20)
            if not chunk:
                raise self._gone()
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        self._answered = True
        parsed = json.loads(message)
        if "id" in parsed:
            self._replies[parsed["id"]] = parsed
        else:
            self._events.append(parsed)

    def _gone(self) -> BuildError:
        """The error for a Chromium that quit (or never started), with its last words."""
        assert self._process is not None and self._log is not None
        with suppress(subprocess.TimeoutExpired):  # its last words are written by then
            self._process.wait(timeout=5)
        self._log.seek(0)
        lines = [line for line in self._log.read().decode(errors="replace").splitlines() if line]
        fatal = [line for line in lines if ":FATAL:" in line]  # why it stopped, if it says
        said = ": " + _LOG_PREFIX.sub("", (fatal or lines)[-1]) if lines else ""
        happened = "quit unexpectedly" if self._answered else "did not start"
        return BuildError(f"{self.purpose}: {self.path} {happened}{said}")


def _exited(pid: int) -> bool:
    """Whether a child process has ended, leaving it to be reaped (as a zombie) all the same."""
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
