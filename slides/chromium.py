"""Headless Chromium from the system, driven by Playwright: never a downloaded browser.

The slides PDF and the browser tests use it. Debian's `chromium` (or an installed Chrome) is
launched with flags that keep it off the network and working as root in a container.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from slides.errors import BuildError

if TYPE_CHECKING:
    from playwright.sync_api import Browser

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


@contextmanager
def browser(purpose: str = "the browser step") -> Iterator[Browser]:
    """A headless Chromium for the `with` block (Playwright gives it a fresh temporary profile)."""
    from playwright.sync_api import Error, sync_playwright

    path = executable(purpose)
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=path, args=ARGS, headless=True)
        except Error as error:
            raise BuildError(f"{purpose}: {path} did not start: {error.message}") from None
        try:
            yield launched
        finally:
            launched.close()
