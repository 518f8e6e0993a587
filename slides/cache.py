"""Incremental builds: an output is rebuilt only when something it is made from changed.

Each output's key hashes the lecture folder (YAML and images), the theme (its folder, wherever
it is, with its font files),
the templates that format uses, the tool's own source (its version) and the options (a user's
PPTX template by its bytes). Nothing is keyed by a name or a path alone. Keys and the outputs' sizes
are kept in `out/<lecture>/.cache/manifest.json`; an output that was deleted or edited by hand
is rebuilt. This module imports nothing heavy, so a no-op build stays quick.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE.parent / "templates"
MANIFEST = ".cache/manifest.json"

# Which templates each format is made from (globs under templates/; themes count for all),
# those pandoc is given (the Quarto rules' Lua filters) as well as those Python reads.
TEMPLATE_GLOBS: dict[str, tuple[str, ...]] = {
    "pptx": ("*.pptx", "pptx/*"),
    "qmd": ("qmd*", "*.qmd*", "*.svg*"),  # diagrams drawn from data are inline SVG
    "html": ("qmd*", "*.qmd*", "*.svg*", "reveal*", "*.css*", "*.html*", "quarto-*.lua"),
    "handout": ("handout*", "*.typ*"),
    "pdf": ("qmd*", "*.qmd*", "*.svg*", "reveal*", "*.css*", "*.html*", "quarto-*.lua"),
    "index": ("course/*",),  # the course index (slides.course)
}


def output_key(folder: Path, fmt: str, theme: Path | None, options: dict) -> str:
    """The key of one output: changes whenever anything it is made from changes."""
    return output_keys(folder, [fmt], theme, options)[fmt]


def output_keys(
    folder: Path, formats: list[str], theme: Path | None, options: dict
) -> dict[str, str]:
    """The key of each format's output; what they share (the lecture, the theme, the tool) is
    read once."""
    shared = (
        _tree_digest(folder.resolve()),
        theme_digest(theme) if theme is not None else "no theme",
    )
    keys = {}
    for fmt in formats:
        digest = hashlib.sha256()
        for part in (
            *shared,
            _templates_digest(fmt),
            _tool_digest(),
            json.dumps({"format": fmt, **options}, sort_keys=True, default=str),
        ):
            digest.update(part.encode())
        keys[fmt] = digest.hexdigest()
    return keys


def theme_digest(folder: Path) -> str:
    """A theme's content: its folder (theme.yaml, logo, font files …), wherever it is, and the
    font files it names elsewhere.

    In-process caches of a loaded theme and of its text measurer are keyed by it too, so an
    edited theme (under `serve`) is never served from memory.
    """
    digest = hashlib.sha256(_tree_digest(folder).encode())
    for font in _font_files(folder / "theme.yaml"):
        digest.update(font.encode() + b"\0" + file_digest(Path(font)).encode())
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """A hash of a file's bytes (remembered while its size and mtime stay the same)."""
    try:
        stat = path.stat()
    except OSError:
        return "missing"
    return _bytes_digest(path, stat.st_size, stat.st_mtime_ns)


def settings(options: dict) -> dict:
    """Build options as they go into a key: a file given as an option (--pptx-template) by
    its bytes, not its path, so an edited template rebuilds the deck."""
    return {
        name: file_digest(value) if isinstance(value, Path) else value
        for name, value in options.items()
        if name != "theme"  # a theme folder (--theme) is keyed by its content: theme_digest
    }


@cache
def _bytes_digest(path: Path, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _font_files(theme_yaml: Path) -> list[str]:
    """The font files a theme uses, as slides.theme resolves them (none if it does not load).

    Parsing theme.yaml costs 20 ms and a build asks for the theme's digest dozens of times
    (every cache of a loaded theme or measurer checks it), so the answer is remembered while
    the file's size and mtime stay the same, as file digests are.
    """
    try:
        stat = theme_yaml.stat()
    except OSError:
        return []
    return list(_font_files_of(theme_yaml, stat.st_size, stat.st_mtime_ns))


@cache
def _font_files_of(theme_yaml: Path, size: int, mtime_ns: int) -> tuple[str, ...]:
    from slides.errors import SlidesError
    from slides.theme import font_files

    try:
        return tuple(str(p) for p in font_files(theme_yaml))
    except (SlidesError, OSError, ValueError, KeyError, TypeError):
        return ()  # a broken theme fails the build with its own message


def theme_folder(folder: Path, given: Path | None = None) -> Path | None:
    """The folder of a lecture's theme without loading the lecture: the one given (--theme),
    else its `theme:` found by a cheap scan, as slides.theme.find_theme looks it up."""
    from slides.theme import find_theme

    if given is not None:
        return given.resolve()
    name = "default"
    try:
        for line in (folder / "lecture.yaml").read_text("utf-8-sig").splitlines():
            if line.startswith("theme:"):
                name = line.split(":", 1)[1].split("#")[0].strip().strip("'\"") or name
                break
    except (OSError, UnicodeDecodeError):
        pass
    return find_theme(name, folder)


class Manifest:
    """What was built last time: per format, the key and the output's size and mtime."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / MANIFEST
        try:
            self.entries: dict[str, dict] = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    def up_to_date(self, fmt: str, key: str, output: Path) -> bool:
        entry = self.entries.get(fmt)
        if not entry or entry.get("key") != key:
            return False
        try:
            stat = output.stat()
        except OSError:
            return False
        return [stat.st_size, stat.st_mtime_ns] == entry.get("stat")

    def record(self, fmt: str, key: str, output: Path) -> None:
        stat = output.stat()
        self.entries[fmt] = {"key": key, "stat": [stat.st_size, stat.st_mtime_ns]}

    def forget(self, fmt: str) -> None:
        self.entries.pop(fmt, None)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_suffix(".tmp")
        temp.write_text(json.dumps(self.entries, indent=1, sort_keys=True), "utf-8")
        os.replace(temp, self.path)


def _tree_digest(folder: Path, suffix: str = "") -> str:
    """Hash of every file's relative path and bytes under folder (hidden files skipped), or of
    the files whose name ends in `suffix`."""
    digest = hashlib.sha256()
    for parts, stat in sorted(_files_under(str(folder), (), suffix)):
        digest.update("/".join(parts).encode() + b"\0")
        digest.update(
            _bytes_digest(folder.joinpath(*parts), stat.st_size, stat.st_mtime_ns).encode()
        )
    return digest.hexdigest()


def _files_under(
    folder: str, parts: tuple[str, ...], suffix: str
) -> Iterator[tuple[tuple[str, ...], os.stat_result]]:
    """The files under folder as (relative path's parts, stat), as sorted(Path.rglob) would give
    them less the hidden ones: folders linked to are not entered, files linked to are followed.
    The theme is digested a dozen times a build (every cache of it checks it): os.scandir,
    which stats nothing twice, is 5x quicker than rglob and Path.stat."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir() and not entry.is_symlink():
                yield from _files_under(entry.path, (*parts, entry.name), suffix)
            elif entry.name.endswith(suffix) and entry.is_file():
                yield (*parts, entry.name), entry.stat()
        except OSError:  # gone while we looked, or a link to nowhere
            continue


def _templates_digest(fmt: str) -> str:
    digest = hashlib.sha256()
    found = {p for pattern in TEMPLATE_GLOBS.get(fmt, ()) for p in TEMPLATES.glob(pattern)}
    for path in sorted(found):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@cache
def _tool_digest() -> str:
    """The tool's version: its source code, so any change to a renderer rebuilds."""
    return _tree_digest(PACKAGE, ".py")
