"""The theme: colours, fonts and logo shared by every output.

A theme is a folder holding theme.yaml (docs/themes.md): the user's own, beside the lectures
(`themes/<name>/`), or a built-in one under `templates/themes/`. Fonts resolve to files on disk
so that the text measurer, the diagram painter, Typst and the browser all use the same face.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec
import yaml

from slides.errors import BuildError, ContentError, Problem
from slides.inline import plain
from slides.words import lookup, words

if TYPE_CHECKING:
    from slides.theme_file import FontSpec

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
THEMES = TEMPLATES / "themes"  # the built-in themes
USER_THEMES = "themes"  # a folder of themes beside the lectures, or above them


class Font(msgspec.Struct, frozen=True):
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


class Substitute(msgspec.Struct, frozen=True):
    """A font a viewer may show instead of the theme's.

    `width` stands in when its files are missing: how much wider than the theme font its
    widest word is (1.18 = 18 %).
    """

    font: Font
    width: float


class Fallback(msgspec.Struct, frozen=True):
    """A font for characters the theme font lacks; `slot` is where the PPTX names it (ea, cs).

    `languages` names the family to use instead in a lecture of a language (BCP 47 tag): Han
    characters take Japanese forms in Noto Sans CJK JP, Chinese ones in Noto Sans CJK SC.
    """

    font: Font
    slot: str | None = None
    languages: dict[str, str] = msgspec.field(default_factory=dict)

    def family(self, language: str) -> str:
        """The family for a lecture in `language`: its tag's longest prefix listed (RFC 4647
        lookup: zh-Hant-TW, then zh-Hant, then zh), else the font's own."""
        return lookup(self.languages, language) or self.font.family


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
    logo_on: str = "title"  # title: on the title slide; every: on every slide
    source: object = field(default=None, compare=False)  # slides.load.Located of theme.yaml
    substitutes: dict[str, tuple[Substitute, ...]] = field(default_factory=dict)  # sans, mono
    fallbacks: tuple[Fallback, ...] = ()

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

    def shows_logo(self, kind: str) -> bool:
        """Whether a frame of this kind (title, content, …) shows the logo."""
        return self.logo is not None and (kind == "title" or self.logo_on == "every")

    def logo_alt(self, institution: str | None, language: str) -> str:
        """The logo's alternative text: the theme's own, or the lecture's institution's logo
        in the lecture's language."""
        if self.logo_text:
            return self.logo_text
        said = words(language)
        return said.logo_of.format(name=plain(institution)) if institution else said.logo

    def sans_stack(self, language: str) -> list[str]:
        """The sans family and, in order, the fallbacks found on this machine (Typst, CSS), as
        named for a lecture in `language`."""
        found = [f.family(language) for f in self.fallbacks if f.font.regular]
        return list(dict.fromkeys([self.sans.family, *found]))

    @property
    def font_dirs(self) -> list[Path]:
        """Folders holding the theme's font files and its fallbacks' (for Typst and fontconfig)."""
        files = self.sans.files + self.mono.files
        files += [f for fallback in self.fallbacks for f in fallback.font.files]
        return list(dict.fromkeys(f.parent for f in files))


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def is_theme(folder: Path) -> bool:
    return (folder / "theme.yaml").is_file()


def theme_names() -> list[str]:
    """The built-in themes: folders under templates/themes/ holding a theme.yaml."""
    return sorted(p.name for p in THEMES.iterdir() if is_theme(p))


def is_path(ref: str) -> bool:
    """Whether a lecture's `theme:` is a path to a theme folder rather than a theme's name."""
    return "/" in ref or "\\" in ref or ref.startswith(".")


def theme_places(lecture_folder: Path) -> list[Path]:
    """Where a lecture's theme is looked for by name, in order: `themes/` in the lecture
    folder and in each folder above it, then the built-in themes."""
    folder = lecture_folder.resolve()
    return [f / USER_THEMES for f in (folder, *folder.parents)] + [THEMES]


def find_theme(ref: str, lecture_folder: Path) -> Path | None:
    """The folder of the theme a lecture names (its `theme:`), or None when there is none.

    A path (holding a slash, or starting with a dot) is relative to the lecture folder; a name
    is looked up in theme_places. The first folder holding a theme.yaml wins.
    """
    if is_path(ref):
        folder = (lecture_folder / ref).resolve()
        return folder if is_theme(folder) else None
    return next(
        (place / ref for place in theme_places(lecture_folder) if is_theme(place / ref)), None
    )


def names_near(lecture_folder: Path) -> list[str]:
    """Every theme name a lecture in this folder can use (for did-you-mean)."""
    found = {
        p.name
        for place in theme_places(lecture_folder)
        if place.is_dir()
        for p in place.iterdir()
        if is_theme(p)
    }
    return sorted(found)


def theme_path(theme: str | Path) -> Path:
    """A theme's folder: a path as given, else the name of a built-in theme."""
    if isinstance(theme, Path) or is_path(theme):
        return Path(theme).resolve()
    return THEMES / theme


def load_theme(theme: str | Path) -> Theme:
    """Load and check a theme: its folder, or the name of a built-in theme.

    A mistake in theme.yaml (a missing key, a colour that is not #RRGGBB, a missing logo,
    colours below WCAG AA contrast) is a ContentError located in theme.yaml. Remembered by
    content (slides.cache.theme_digest): an edited theme is read again.
    """
    from slides.cache import theme_digest

    folder = theme_path(theme)
    return _load_theme(folder, theme_digest(folder))


def font_files(theme_yaml: Path) -> list[Path]:
    """The font files a theme's theme.yaml resolves to (for cache keys)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser: 1-2 ms, not 20
    data = yaml.load(theme_yaml.read_text(encoding="utf-8"), Loader=loader)
    base = theme_yaml.parent
    return _font(data["fonts"]["sans"], base).files + _font(data["fonts"]["mono"], base).files


@cache
def _load_theme(folder: Path, content: str) -> Theme:
    from slides.contrast import contrast_failures
    from slides.load import read_validated

    path = folder / "theme.yaml"
    if not path.is_file():
        raise BuildError(f"no theme.yaml in {folder} (built-in themes: {', '.join(theme_names())})")
    from slides.theme_file import ThemeFile

    data, source = read_validated(path, ThemeFile)
    colors = msgspec.structs.asdict(data.colors)
    del colors["palette"], colors["code"]
    # The code palette becomes roles of their own: code_keyword, code_string, …
    colors |= {f"code_{kind}": v for kind, v in msgspec.structs.asdict(data.colors.code).items()}
    logo = folder / data.logo if data.logo else None
    theme = Theme(
        name=folder.name,
        folder=folder,
        colors=colors,
        palette=tuple(data.colors.palette),
        sans=_font(_spec(data.fonts.sans), folder),
        mono=_font(_spec(data.fonts.mono), folder),
        logo=logo,
        logo_text=data.logo_alt,
        logo_on=data.logo_on,
        source=source,
        substitutes={
            kind: tuple(Substitute(_font(_spec(s), folder), s.width) for s in specs)
            for kind, specs in data.fonts.substitutes.items()
        },
        fallbacks=tuple(
            Fallback(_font(_spec(s), folder), s.slot, s.languages) for s in data.fonts.fallbacks
        ),
    )
    problems = [
        theme.problem(f"colors.{key}", message) for key, message in contrast_failures(theme)
    ]
    if logo is not None and not logo.is_file():
        problems.append(theme.problem("logo", f"logo not found: {logo}"))
    if problems:
        raise ContentError(problems)
    return theme


def _spec(spec: FontSpec) -> dict:
    return {k: v for k, v in msgspec.structs.asdict(spec).items() if v is not None}


def _font(spec: dict, theme_folder: Path) -> Font:
    """Resolve a font spec: files in a folder (the theme's own when none is given), else in an
    installed Python package (the first of the two that has the regular file), or a list of
    files. Relative paths are relative to the theme folder.

    Files that are missing resolve to None: the outputs still name the family.
    """
    given = spec.get("folder") or ("" if not spec.get("package") else None)
    folders = [theme_folder / given] if given is not None else []
    if spec.get("package"):
        found = importlib.util.find_spec(spec["package"])
        if found and found.origin:
            folders.append(Path(found.origin).parent / "files")
    regular = spec.get("regular", "")
    folder = next((f for f in folders if (f / regular).is_file()), None)
    if "files" in spec:
        existing = [theme_folder / f for f in spec["files"] if (theme_folder / f).is_file()]
        first = existing[0] if existing else None
        return Font(spec["family"], first, first, first, first)

    def file(key: str) -> Path | None:
        if folder is None or not spec.get(key):
            return None
        path = folder / spec[key]
        return path if path.is_file() else None

    return Font(spec["family"], file("regular"), file("bold"), file("italic"), file("bold_italic"))
