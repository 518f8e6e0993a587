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
    """A font family and where its files are: a folder, else a Python package's `files/`, or
    absolute paths."""

    family: str
    folder: str | None = None
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


class SubstituteSpec(FontSpec):
    """A font a viewer may show instead of the theme's (see slides.fonts)."""

    width: float = Field(gt=0, description="Its widest word over the theme font's, if missing.")


class FallbackSpec(FontSpec):
    """A font for the characters the theme font lacks."""

    slot: Literal["ea", "cs"] | None = Field(default=None, description="Where the PPTX names it.")


class ThemeFonts(_Strict):
    sans: FontSpec
    mono: FontSpec
    substitutes: dict[Literal["sans", "mono"], list[SubstituteSpec]] = {}
    fallbacks: list[FallbackSpec] = []


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
