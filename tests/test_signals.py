"""Ctrl-C and SIGTERM stop a build at a safe point: never lost, nothing half-written.

No sleeps: the build signals itself at a named moment (slides.signals' test hook), so each run
is interrupted exactly there, on the serial path and with workers.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE
from pypdf import PdfReader

from slides.signals import HOOK

FORMATS = "pptx,qmd,html,handout"
SAME_BYTES = ("sample.pptx", "sample.qmd", "sample.html")  # the handout PDF is dated
# Every step of a build, from the command line's start to its end.
MOMENTS = [
    "start",
    "loaded",
    "planned",
    "pictures",
    "render:pptx",
    "replace",  # an output is complete, right before it replaces the last one
    "written:pptx",
    "written:html",
    "written:handout",
    "built",
]
INTERRUPTED = "interrupted; outputs already written are complete, none is half-written"


def build(lecture: Path, out: Path, *more: str, env: dict | None = None):
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", str(lecture)]
        + ["--format", FORMATS, "--out", str(out), *more],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A lecture built once (the last good outputs), then edited, and what it builds into now."""
    root = tmp_path_factory.mktemp("signals")
    lecture = root / "sample"
    shutil.copytree(SAMPLE, lecture)
    assert build(lecture, root / "good").returncode == 0
    old = {p.name: p.read_bytes() for p in (root / "good" / "sample").glob("sample*.*")}
    yaml_file = lecture / "lecture.yaml"
    yaml_file.write_text(
        yaml_file.read_text("utf-8").replace("title: A quote", "title: A quote, edited"), "utf-8"
    )
    assert build(lecture, root / "new").returncode == 0
    new = {p.name: p.read_bytes() for p in (root / "new" / "sample").glob("sample*.*")}
    return {"lecture": lecture, "good": root / "good", "old": old, "new": new}


def check_outputs(folder: Path, edited: dict, after_interrupt: bool) -> None:
    """Each output is the last good one, or (written before the interrupt) the new one, whole."""
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith((".sample", ".tmp-"))]
    assert leftovers == []
    for name in SAME_BYTES:
        data = (folder / name).read_bytes()
        allowed = (
            (edited["old"][name], edited["new"][name])
            if after_interrupt
            else (edited["new"][name],)
        )
        assert data in allowed, name
    handout = folder / "sample-handout.pdf"
    if handout.read_bytes() != edited["old"]["sample-handout.pdf"] or not after_interrupt:
        text = "".join(page.extract_text() for page in PdfReader(handout).pages)
        assert "A quote, edited" in text


@pytest.mark.parametrize(
    ("moment", "jobs"),
    [(m, "1") for m in MOMENTS]
    # With jobs > 1, the PPTX writer is running from before "loaded" (slides.build._early_writer)
    + [(m, "2") for m in ("loaded", "pictures", "render:pptx", "replace", "written:pptx")],
)
def test_an_interrupt_at_any_moment_keeps_the_last_good_outputs(
    edited: dict, tmp_path: Path, moment: str, jobs: str
) -> None:
    out = tmp_path / "out"
    shutil.copytree(edited["good"], out)  # mtimes kept: the manifest still knows the outputs
    term = MOMENTS.index(moment) % 2 == 1  # SIGTERM for every other moment, Ctrl-C otherwise
    signum = signal.SIGTERM if term else signal.SIGINT
    hook = f"{moment}:TERM" if term else moment
    interrupted = build(edited["lecture"], out, "--jobs", jobs, env={HOOK: hook})
    assert interrupted.returncode == 128 + signum, interrupted.stderr
    assert interrupted.stderr.strip().endswith(INTERRUPTED), interrupted.stderr
    assert "Traceback" not in interrupted.stderr and "Exception ignored" not in interrupted.stderr
    check_outputs(out / "sample", edited, after_interrupt=True)
    again = build(edited["lecture"], out, "--jobs", jobs)  # the next build finishes the job
    assert again.returncode == 0, again.stderr
    check_outputs(out / "sample", edited, after_interrupt=False)


def test_an_interrupt_between_lectures_stops_the_rest(tmp_path: Path) -> None:
    lectures = [tmp_path / name for name in ("one", "two")]
    for folder in lectures:
        shutil.copytree(SAMPLE, folder)
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", *map(str, lectures)]
        + ["--format", "qmd", "--out", str(out), "--jobs", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, HOOK: "built"},
    )
    assert result.returncode == 128 + signal.SIGINT, result.stderr
    assert (out / "one" / "one.qmd").is_file()
    assert not (out / "two").exists()
