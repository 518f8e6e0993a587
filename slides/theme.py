"""The theme: colours, fonts and logo shared by every output.

A theme is `templates/themes/<name>/theme.yaml`. Fonts resolve to files on disk so that the
text measurer, the diagram painter, Typst and the browser all use the same face.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from slides.errors import BuildError

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
THEMES = TEMPLATES / "themes"


@dataclass(frozen=True)
class Font:
    """A font family and its files (regular, bold, italic, bold italic; missing ones repeat)."""

    family: str
    regular: Path | None
    bold: Path | None
    italic: Path | None
    bold_italic: Path | None

    def file(self, bold: bool = False, italic: bool = False) -> Path | None:
        """The file for a style, falling back to regular."""
        styled = {
            (False, False): self.regular,
            (True, False): self.bold,
            (False, True): self.italic,
            (True, True): self.bold_italic,
        }
        return styled[(bold, italic)] or self.regular

    @property
    def files(self) -> list[Path]:
        found = [self.regular, self.bold, self.italic, self.bold_italic]
        return list(dict.fromkeys(f for f in found if f))


@dataclass(frozen=True)
class Theme:
    name: str
    folder: Path
    colors: dict[str, str]
    palette: tuple[str, ...]
    sans: Font
    mono: Font
    logo: Path | None

    def color(self, name: str) -> str:
        """A colour as #RRGGBB."""
        return self.colors[name]

    def rgb(self, name: str) -> tuple[int, int, int]:
        """A colour as an (r, g, b) tuple."""
        return hex_to_rgb(self.colors[name])

    @property
    def font_dirs(self) -> list[Path]:
        """Folders holding the theme's font files (for Typst and fontconfig)."""
        return list(dict.fromkeys(f.parent for f in self.sans.files + self.mono.files))


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def load_theme(name: str) -> Theme:
    """Load a theme by name; a missing theme or font is a BuildError naming it.

    Remembered by content (slides.cache.theme_digest): an edited theme is read again.
    """
    from slides.cache import theme_digest

    return _load_theme(name, theme_digest(name))


def font_files(theme_yaml: Path) -> list[Path]:
    """The font files a theme's theme.yaml resolves to (for cache keys)."""
    data = yaml.safe_load(theme_yaml.read_text(encoding="utf-8"))
    return _font(data["fonts"]["sans"]).files + _font(data["fonts"]["mono"]).files


@cache
def _load_theme(name: str, content: str) -> Theme:
    folder = THEMES / name
    path = folder / "theme.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.name for p in THEMES.iterdir() if (p / "theme.yaml").is_file()))
        raise BuildError(f"theme '{name}' not found in {THEMES} (themes: {known})")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    colors = dict(data["colors"])
    palette = tuple(colors.pop("palette", ()))
    logo = folder / data["logo"] if data.get("logo") else None
    return Theme(
        name=name,
        folder=folder,
        colors=colors,
        palette=palette,
        sans=_font(data["fonts"]["sans"]),
        mono=_font(data["fonts"]["mono"]),
        logo=logo,
    )


def _font(spec: dict) -> Font:
    """Resolve a font spec: files inside an installed Python package, or absolute paths."""
    folder: Path | None = None
    if spec.get("package"):
        found = importlib.util.find_spec(spec["package"])
        if found and found.origin:
            folder = Path(found.origin).parent / "files"
    if "files" in spec:
        existing = [Path(f) for f in spec["files"] if Path(f).is_file()]
        first = existing[0] if existing else None
        return Font(spec["family"], first, first, first, first)

    def file(key: str) -> Path | None:
        if folder is None or not spec.get(key):
            return None
        path = folder / spec[key]
        return path if path.is_file() else None

    return Font(spec["family"], file("regular"), file("bold"), file("italic"), file("bold_italic"))
