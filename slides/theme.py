"""The theme: colours, fonts and logo shared by every output.

A theme is `templates/themes/<name>/theme.yaml`. Fonts resolve to files on disk so that the
text measurer, the diagram painter, Typst and the browser all use the same face.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from slides.errors import BuildError, ContentError, Problem
from slides.inline import plain

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


# --- theme.yaml, as validated ---------------------------------------------------------------

COLOUR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
Colour = Annotated[str, Field(pattern=COLOUR_PATTERN, description="#RRGGBB")]


LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FontSpec(_Strict):
    """A font family and where its files are: a Python package's `files/`, or absolute paths."""

    family: str
    package: str | None = None
    regular: str | None = None
    bold: str | None = None
    italic: str | None = None
    bold_italic: str | None = None
    files: list[str] | None = None


class CodeColours(_Strict):
    """Highlighted code: one colour per token kind (slides.place.code.PALETTE), on `surface`."""

    keyword: Colour = "#8B2F8F"
    string: Colour = "#2E6B1F"
    number: Colour = "#A3440B"
    comment: Colour = "#5C6670"
    function: Colour = "#1B5E8C"
    type: Colour = "#8A5300"


class ThemeColours(_Strict):
    background: Colour
    text: Colour
    heading: Colour
    accent: Colour
    accent_text: Colour
    muted: Colour
    surface: Colour
    palette: list[Colour] = Field(min_length=1)
    code_mark: Colour = "#FFF0B3"  # behind highlighted code lines
    code: CodeColours = CodeColours()


class ThemeFonts(_Strict):
    sans: FontSpec
    mono: FontSpec


class ThemeFile(_Strict):
    """`templates/themes/<name>/theme.yaml`."""

    name: str | None = None
    colors: ThemeColours
    fonts: ThemeFonts
    logo: str | None = Field(default=None, description="A PNG or JPEG file beside theme.yaml.")
    logo_alt: str | None = Field(
        default=None,
        description="The logo's alternative text; by default '<institution> logo' of the lecture.",
    )

    @field_validator("logo")
    @classmethod
    def _picture(cls, logo: str | None) -> str | None:
        if logo is not None and not logo.lower().endswith(LOGO_SUFFIXES):
            raise ValueError(f"'{logo}' is not a PNG or JPEG file")
        return logo


@dataclass(frozen=True)
class Theme:
    name: str
    folder: Path
    colors: dict[str, str]
    palette: tuple[str, ...]
    sans: Font
    mono: Font
    logo: Path | None
    logo_text: str | None = None  # theme.yaml's logo_alt
    source: object = field(default=None, compare=False)  # slides.load.Located of theme.yaml

    def problem(self, path: str, message: str) -> Problem:
        """An error at a key path of theme.yaml, such as 'colors.text'."""
        if self.source is None:  # a theme made in code
            return Problem(str(self.folder / "theme.yaml"), 1, 1, path, message)
        return self.source.locate(path, message)  # type: ignore[attr-defined]

    def color(self, name: str) -> str:
        """A colour as #RRGGBB."""
        return self.colors[name]

    def rgb(self, name: str) -> tuple[int, int, int]:
        """A colour as an (r, g, b) tuple."""
        return hex_to_rgb(self.colors[name])

    def logo_alt(self, institution: str | None) -> str:
        """The logo's alternative text: the theme's own, or the lecture's institution's logo."""
        if self.logo_text:
            return self.logo_text
        return f"{plain(institution)} logo" if institution else "Logo"

    @property
    def font_dirs(self) -> list[Path]:
        """Folders holding the theme's font files (for Typst and fontconfig)."""
        return list(dict.fromkeys(f.parent for f in self.sans.files + self.mono.files))


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def theme_names() -> list[str]:
    """The themes there are: folders holding a theme.yaml."""
    return sorted(p.name for p in THEMES.iterdir() if (p / "theme.yaml").is_file())


def load_theme(name: str) -> Theme:
    """Load and check a theme by name.

    A mistake in theme.yaml (a missing key, a colour that is not #RRGGBB, a missing logo,
    colours below WCAG AA contrast) is a ContentError located in theme.yaml. Remembered by
    content (slides.cache.theme_digest): an edited theme is read again.
    """
    from slides.cache import theme_digest

    return _load_theme(name, theme_digest(name))


def font_files(theme_yaml: Path) -> list[Path]:
    """The font files a theme's theme.yaml resolves to (for cache keys)."""
    data = yaml.safe_load(theme_yaml.read_text(encoding="utf-8"))
    return _font(data["fonts"]["sans"]).files + _font(data["fonts"]["mono"]).files


@cache
def _load_theme(name: str, content: str) -> Theme:
    from slides.contrast import contrast_failures
    from slides.load import read_validated

    folder = THEMES / name
    path = folder / "theme.yaml"
    if not path.is_file():
        raise BuildError(
            f"theme '{name}' not found in {THEMES} (themes: {', '.join(theme_names())})"
        )
    data, source = read_validated(path, ThemeFile)
    colors = data.colors.model_dump(exclude={"palette", "code"})
    # The code palette becomes roles of their own: code_keyword, code_string, …
    colors |= {f"code_{kind}": value for kind, value in data.colors.code.model_dump().items()}
    logo = folder / data.logo if data.logo else None
    theme = Theme(
        name=name,
        folder=folder,
        colors=colors,
        palette=tuple(data.colors.palette),
        sans=_font(data.fonts.sans.model_dump(exclude_none=True)),
        mono=_font(data.fonts.mono.model_dump(exclude_none=True)),
        logo=logo,
        logo_text=data.logo_alt,
        source=source,
    )
    problems = [
        theme.problem(f"colors.{key}", message) for key, message in contrast_failures(theme)
    ]
    if logo is not None and not logo.is_file():
        problems.append(theme.problem("logo", f"logo not found: {logo}"))
    if problems:
        raise ContentError(problems)
    return theme


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
