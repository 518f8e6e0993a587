"""Shared test helpers: paths, the real command line, and programs that CI must have."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GENAI = ROOT / "content" / "genai-intro"
SAMPLE = ROOT / "tests" / "fixtures" / "sample"
# Every diagram kind with words too wide for a column: each is cut and warned about.
LONG_WORD = "Incomprehensibilities"  # wider than any box a column gives a diagram's part
CROWDED_DIAGRAMS = {
    "nested": {"sets": [f"{LONG_WORD} {i}" for i in range(6)]},
    "hub": {"centre": LONG_WORD, "spokes": [f"{LONG_WORD} {i}" for i in range(6)]},
    "sides": {
        "left": LONG_WORD,
        "centre": {"label": LONG_WORD, "items": [LONG_WORD] * 6},
        "right": LONG_WORD,
    },
    "flow": {"steps": [{"label": LONG_WORD, "items": [LONG_WORD] * 4} for _ in range(5)]},
    "compare": {"columns": [{"label": LONG_WORD, "items": [LONG_WORD] * 6} for _ in range(4)]},
}
# A copy of ../shared/seed/genai-notes.md, so the tests run wherever the repository is cloned.
SEED_NOTES = ROOT / "tests" / "fixtures" / "seed" / "genai-notes.md"
IN_CI = os.environ.get("CI", "").lower() == "true"


def require(program: str) -> str:
    """The path of a program; skip the test without it, except in CI where it must be there."""
    path = shutil.which(program)
    if path is None:
        message = f"{program} is not installed (make setup installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def libreoffice_convert(
    path: Path, out_dir: Path, fmt: str, env: dict[str, str] | None = None
) -> Path:
    """Convert a file with headless LibreOffice (to "pdf", "odp", …) in a profile of its own
    (parallel runs clash); returns the converted file. `env`: the process's environment
    (a FONTCONFIG_FILE, say)."""
    soffice = require("soffice")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{out_dir / 'lo-profile'}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(out_dir),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env=env,
    )
    converted = out_dir / f"{path.stem}.{fmt.split(':')[0]}"  # pdf:impress_pdf_Export:{…}
    assert converted.is_file()
    return converted


def run_cli(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run `python build.py ARGS` as a user would; returns the finished process."""
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def sample_built(tmp_path_factory) -> Path:
    """The sample lecture's PPTX, HTML deck and handout, built once; copy before changing them."""
    out = tmp_path_factory.mktemp("sample-built")
    result = run_cli("build", SAMPLE, "--format", "pptx,html,handout", "--out", out)
    assert result.returncode == 0, result.stderr
    return out / "sample"


def pdf_structure(pdf: Path) -> list[dict]:
    """The PDF's structure elements (tags) in document order: each a dict of /S, /Alt …."""
    from pypdf import PdfReader

    found: list[dict] = []

    def walk(node) -> None:
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if "/S" in node:
            found.append(node)
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            walk(kid)  # a marked-content id (a number) is no dict: skipped

    walk(PdfReader(pdf).trailer["/Root"]["/StructTreeRoot"])
    return found


def code_box_texts(raw_blocks: list[dict]) -> list[str]:
    """The text of each highlighted code box among a .qmd's raw blocks (pandoc JSON): a raw
    HTML <pre class="code"> with every character of the code escaped (slides/render/code.py)."""
    from lxml import html

    return [
        html.fragment_fromstring(block["c"][1]).text_content()
        for block in raw_blocks
        if block["c"][0] == "html" and block["c"][1].startswith('<pre class="code">')
    ]


def copy_lecture(source: Path, tmp_path: Path) -> Path:
    """A private copy of a lecture folder that a test may change."""
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


@contextmanager
def chromium_browser(purpose: str) -> Iterator:
    """Debian's chromium driven by Playwright (never a downloaded browser), for browser tests.

    The build itself prints the slides PDF over Chromium's DevTools pipe (slides.chromium);
    tests use Playwright's richer API.
    """
    from playwright.sync_api import sync_playwright

    from slides import chromium

    path = chromium.executable(purpose)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=chromium.ARGS)
        try:
            yield launched
        finally:
            launched.close()


def wait_for(condition: Callable[[], bool], seconds: float = 30.0) -> bool:
    """Poll condition until it holds (True) or the time is up (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


class Server:
    """A running `build.py serve`: its lecture folders, output folder, port and log, and raw
    GETs of paths on it."""

    def __init__(
        self, process: subprocess.Popen, folders: tuple[Path, ...], out: Path, port: int, log: Path
    ) -> None:
        self.process, self.folders, self.out, self.port, self.log = (
            process,
            folders,
            out,
            port,
            log,
        )

    def edit(self, change: Callable[[str], str], folder: int = 0) -> None:
        """Save a lecture.yaml changed by change(text), as an editor would."""
        yaml_file = self.folders[folder] / "lecture.yaml"
        yaml_file.write_text(change(yaml_file.read_text("utf-8")), "utf-8")

    def get(self, path: str) -> tuple[int, str]:
        """GET a path exactly as written (no client-side normalisation of `..`); (0, "") when
        the server does not answer."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        except OSError:
            return 0, ""
        finally:
            connection.close()

    def wait_for(self, condition: Callable[[], bool], seconds: float = 30.0) -> bool:
        """wait_for that gives up at once if the server has died."""
        return wait_for(lambda: condition() or self.process.poll() is not None, seconds) and (
            condition()
        )


@contextmanager
def serving(*folders: Path, out: Path, log: Path) -> Iterator[Server]:
    """`python build.py serve FOLDERS --out OUT` on a free port, once it answers GET /;
    stopped after the block. Its output goes to log."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", *map(str, folders)]
            + ["--port", str(port), "--out", str(out)],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, folders, out, port, log)
    try:
        assert server.wait_for(lambda: server.get("/")[0] == 200, 90), log.read_text()
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def openxml_audit(deck: Path) -> dict:
    """openxml-audit's report on a PPTX by the Open XML SDK's rules for Microsoft 365."""
    import json

    result = subprocess.run(
        [sys.executable, "-m", "openxml_audit", "-f", "microsoft365", "-o", "json", str(deck)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    (report,) = json.loads(result.stdout)
    return report


def set_scheme(prs, colours: dict[str, str], fonts: tuple[str, str] | None = None) -> None:
    """Set colour scheme slots ('RRGGBB' by slot) and the (major, minor) latin fonts of a
    presentation's master theme (python-pptx has no API for either)."""
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    part = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    scheme = root.find(f".//{a}clrScheme")
    for slot, value in colours.items():
        element = scheme.find(f"{a}{slot}")
        for child in list(element):
            element.remove(child)
        etree.SubElement(element, f"{a}srgbClr", val=value)
    for kind, family in zip(("major", "minor"), fonts or (), strict=False):
        root.find(f".//{a}fontScheme/{a}{kind}Font/{a}latin").set("typeface", family)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
