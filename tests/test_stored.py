"""Results kept between processes are never stale: an edited or replaced file is read again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from slides import stored


def _advances_in_new_process(font: Path) -> str:
    """A font's advances as a fresh process computes them (through the store)."""
    code = (
        "import sys; from pathlib import Path; from slides import fonts; "
        "a, em = fonts._advances(Path(sys.argv[1])); print(len(a), em, a.get(ord('W')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(font)], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _font_files() -> tuple[Path, Path]:
    from slides.theme import load_theme

    theme = load_theme("default")
    return theme.sans.regular, theme.mono.regular  # type: ignore[return-value]


def test_a_replaced_font_is_read_again(tmp_path: Path) -> None:
    sans, mono = _font_files()
    font = tmp_path / "face.ttf"
    shutil.copyfile(sans, font)
    first = _advances_in_new_process(font)
    assert first == _advances_in_new_process(font)  # answered from the store, the same
    # Another font under the same name, with the old mtime put back: still read again.
    stat = font.stat()
    shutil.copyfile(mono, font)
    os.utime(font, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert _advances_in_new_process(font) != first


def test_remembered_computes_once_per_key(tmp_path: Path) -> None:
    calls = []

    def compute() -> dict[int, int]:
        calls.append(1)
        return {1: 2}

    key = f"{tmp_path}-{os.getpid()}"
    assert stored.remembered("test-1", key, compute) == {1: 2}
    assert stored.remembered("test-1", key, compute) == {1: 2}
    assert len(calls) == 1
    assert stored.remembered("test-1", key + "-other", compute) == {1: 2}
    assert len(calls) == 2


def test_linked_folder_holds_exactly_the_files(tmp_path: Path) -> None:
    files = []
    for name in ("a/x.ttf", "b/x.ttf"):  # the same name in two folders
        path = tmp_path / name
        path.parent.mkdir()
        path.write_bytes(name.encode())
        files.append(str(path))
    folder = stored.linked("test-links", files)
    assert folder is not None
    assert sorted(p.read_bytes() for p in folder.iterdir()) == [b"a/x.ttf", b"b/x.ttf"]
    assert stored.linked("test-links", files) == folder


def test_a_fonts_code_points_from_the_store_are_its_character_map() -> None:
    """The code points kept as runs (read in a fresh process, from the store the second time)
    answer as the font's own character map does, at every code point up to its last and past
    it, for each fallback font (the CJK one has 2,000 runs)."""
    from slides.theme import load_theme

    fonts = [f.font.regular for f in load_theme("default").fallbacks if f.font.regular]
    assert fonts, "no fallback fonts installed"
    code = (
        "import sys; from pathlib import Path; from slides import fonts\n"
        "for name in sys.argv[1:]:\n"
        "    points, cmap = fonts._charset(Path(name)), fonts._advances(Path(name))[0]\n"
        "    last = max(cmap) + 2\n"
        "    print(sum(c in points for c in range(-1, last)), len(cmap),"
        " all((c in points) == (c in cmap) for c in range(-1, last)))\n"
    )
    for _ in range(2):  # computed (or found) once, then found
        done = subprocess.run(
            [sys.executable, "-c", code, *map(str, fonts)], capture_output=True, text=True, cwd=ROOT
        )
        assert done.returncode == 0, done.stderr
        for line in done.stdout.splitlines():
            found, in_cmap, same = line.split()
            assert found == in_cmap and same == "True"
