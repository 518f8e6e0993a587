"""Outputs are publishable: files and folders get the modes the user's umask gives.

Each build runs in a subprocess with its own umask, so the test process's umask plays no part;
the build itself must never change it.
"""

from __future__ import annotations

import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE, require


def _build(out: Path, formats: str, umask: int, *more: str, lectures=(SAMPLE,)) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", *map(str, lectures)]
        + ["--format", formats, "--out", str(out), *more],
        capture_output=True,
        text=True,
        timeout=300,
        umask=umask,
    )
    assert done.returncode == 0, done.stderr


def _modes(out: Path) -> dict[str, set[str]]:
    """Relative paths under out, by octal mode, for files and for folders."""
    found: dict[str, set[str]] = {}
    for path in out.rglob("*"):
        kind = "folder" if path.is_dir() else "file"
        mode = oct(stat.S_IMODE(path.lstat().st_mode))
        found.setdefault(f"{kind} {mode}", set()).add(str(path.relative_to(out)))
    return found


def test_every_output_is_0644_and_every_folder_0755_under_umask_022(tmp_path):
    require("chromium")  # the slides PDF
    out = tmp_path / "out"
    _build(out, "pptx,qmd,html,handout,pdf", 0o022)
    modes = _modes(out)
    assert set(modes) == {"file 0o644", "folder 0o755"}, {
        mode: sorted(paths)[:5] for mode, paths in modes.items()
    }
    published = modes["file 0o644"]
    for name in ("sample.pptx", "sample.html", "sample-handout.pdf", "sample-slides.pdf"):
        assert f"sample/{name}" in published
    assert any(path.startswith("sample/images/") for path in published)
    assert any(path.startswith("sample/reveal.js/dist/") for path in published)


@pytest.mark.parametrize("umask", [0o027, 0o077])
def test_outputs_follow_a_stricter_umask(tmp_path, umask):
    out = tmp_path / "out"
    second = Path(shutil.copytree(SAMPLE, tmp_path / "second"))
    # Pictures, fonts and reveal.js copied beside the deck; two lectures: the course index too.
    _build(out, "qmd,html", umask, lectures=(SAMPLE, second))
    assert {"sample", "second", "index.html"} <= {p.name for p in out.iterdir()}
    modes = _modes(out)
    assert set(modes) == {f"file {oct(0o666 & ~umask)}", f"folder {oct(0o777 & ~umask)}"}, {
        mode: sorted(paths)[:5] for mode, paths in modes.items()
    }


def test_a_rebuild_corrects_private_copies_of_older_builds(tmp_path):
    out = tmp_path / "out"
    _build(out, "qmd,html", 0o022)
    images = sorted((out / "sample" / "images").iterdir())
    assert images
    for image in images:
        image.chmod(0o600)  # as builds before this fix left them
    _build(out, "qmd,html", 0o022, "--force")  # as after an upgrade: the code changed
    assert {oct(stat.S_IMODE(image.stat().st_mode)) for image in images} == {"0o644"}


def test_the_build_never_sets_the_umask(tmp_path):
    """os.umask changes it for every thread at once; reading it that way is a race too."""
    script = f"""
import os, sys
def refuse(mask):
    raise AssertionError("os.umask called")
os.umask = refuse
from slides.cli import main
sys.exit(main(["build", {str(SAMPLE)!r}, "--format", "qmd,html,pptx", "--out", {str(tmp_path)!r}]))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
