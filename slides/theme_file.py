"""theme.yaml as validated: its keys, colours and fonts (pydantic, imported only to load one)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

COLOUR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
Colour = Annotated[str, Field(pattern=COLOUR_PATTERN, description="#RRGGBB")]


LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FontSpec(_Strict):
    """A font family and where its files are: a folder (the theme folder when none is given),
    else a Python package's `files/`, or a list of files. Relative paths are relative to the
    theme folder."""

    family: str = Field(description="The family name the PPTX, the HTML and the handout name.")
    folder: str | None = Field(
        default=None, description="The folder holding the files (default: the theme folder)."
    )
    package: str | None = Field(
        default=None, description="An installed Python package whose files/ hold them."
    )
    regular: str | None = Field(default=None, description="The regular face's file name.")
    bold: str | None = None
    italic: str | None = None
    bold_italic: str | None = None
    files: list[str] | None = Field(
        default=None, description="Instead of the four faces: files used for every style."
    )


class CodeColours(_Strict):
    """Highlighted code: one colour per token kind (slides.place.code.PALETTE), on `surface`."""

    keyword: Colour = Field(default="#8B2F8F", description="def, if, SELECT, return; HTML tags.")
    string: Colour = "#2E6B1F"
    number: Colour = "#A3440B"
    comment: Colour = "#5C6670"
    function: Colour = Field(
        default="#1B5E8C", description="Names of functions and decorators; HTML attributes."
    )
    type: Colour = Field(default="#8A5300", description="Types, classes and built-ins.")


class ThemeColours(_Strict):
    background: Colour = Field(description="The slide and page background.")
    text: Colour = Field(description="Body text (4.5:1 on background and surface).")
    heading: Colour = Field(description="Slide titles (3:1 on background).")
    accent: Colour = Field(description="Rules, links, bullets, diagram outlines (4.5:1).")
    accent_text: Colour = Field(description="Text on accent fills: section slides (3:1).")
    muted: Colour = Field(description="Captions, footers, slide numbers (4.5:1).")
    surface: Colour = Field(description="Light fills: table header, code, diagram shapes.")
    palette: list[Colour] = Field(
        min_length=1, description="Diagram fills and chart series, in order (up to six)."
    )
    code_mark: Colour = Field(default="#FFF0B3", description="Behind highlighted code lines.")
    code: CodeColours = Field(
        default=CodeColours(), description="Highlighted code, each on surface and code_mark."
    )


class SubstituteSpec(FontSpec):
    """A font a viewer may show instead of the theme's (see slides.fonts)."""

    width: float = Field(gt=0, description="Its widest word over the theme font's, if missing.")


class FallbackSpec(FontSpec):
    """A font for the characters the theme font lacks."""

    slot: Literal["ea", "cs"] | None = Field(default=None, description="Where the PPTX names it.")


class ThemeFonts(_Strict):
    sans: FontSpec = Field(description="Titles and text.")
    mono: FontSpec = Field(description="Code.")
    substitutes: dict[Literal["sans", "mono"], list[SubstituteSpec]] = Field(
        default={}, description="Fonts a viewer may show instead; text is measured to fit them."
    )
    fallbacks: list[FallbackSpec] = Field(
        default=[], description="Fonts for characters the theme font lacks, tried in order."
    )


class ThemeFile(_Strict):
    """A theme's theme.yaml (docs/themes.md)."""

    name: str | None = Field(default=None, description="A name for people; the folder names it.")
    colors: ThemeColours
    fonts: ThemeFonts
    logo: str | None = Field(
        default=None, description="A PNG or JPEG file, relative to the theme folder."
    )
    logo_alt: str | None = Field(
        default=None,
        description="The logo's alternative text; by default '<institution> logo' of the lecture.",
    )
    logo_on: Literal["title", "every"] = Field(
        default="title",
        description="Where the logo goes: the title slide, or every slide (small, in a corner).",
    )

    @field_validator("logo")
    @classmethod
    def _picture(cls, logo: str | None) -> str | None:
        if logo is not None and not logo.lower().endswith(LOGO_SUFFIXES):
            raise ValueError(f"'{logo}' is not a PNG or JPEG file")
        return logo
