"""theme.yaml as validated: its keys, colours and fonts (msgspec structs, like the lecture's)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

COLOUR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
Colour = Annotated[
    str,
    Meta(
        pattern=COLOUR_PATTERN,
        description="#RRGGBB",
        extra={"mistake": 'expected a colour written "#RRGGBB" (in quotes), got {value}'},
    ),
]


LOGO_PATTERN = r"\.([Pp][Nn][Gg]|[Jj][Pp][Ee]?[Gg])$"  # .png, .jpg, .jpeg in any case
Logo = Annotated[
    str, Meta(pattern=LOGO_PATTERN, extra={"mistake": "{value} is not a PNG or JPEG file"})
]


class _Strict(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    pass


class FontSpec(_Strict, kw_only=True):  # keyword-only: a subclass adds required fields
    """A font family and where its files are: a folder (the theme folder when none is given),
    else a Python package's `files/`, or a list of files. Relative paths are relative to the
    theme folder."""

    family: Annotated[
        str, Meta(description="The family name the PPTX, the HTML and the handout name.")
    ]
    folder: Annotated[
        str | None, Meta(description="The folder holding the files (default: the theme folder).")
    ] = None
    package: Annotated[
        str | None, Meta(description="An installed Python package whose files/ hold them.")
    ] = None
    regular: Annotated[str | None, Meta(description="The regular face's file name.")] = None
    bold: str | None = None
    italic: str | None = None
    bold_italic: str | None = None
    files: Annotated[
        list[str] | None,
        Meta(description="Instead of the four faces: files used for every style."),
    ] = None


class CodeColours(_Strict):
    """Highlighted code: one colour per token kind (slides.place.code.PALETTE), on `surface`."""

    keyword: Annotated[Colour, Meta(description="def, if, SELECT, return; HTML tags.")] = "#8B2F8F"
    string: Colour = "#2E6B1F"
    number: Colour = "#A3440B"
    comment: Colour = "#5C6670"
    function: Annotated[
        Colour, Meta(description="Names of functions and decorators; HTML attributes.")
    ] = "#1B5E8C"
    type: Annotated[Colour, Meta(description="Types, classes and built-ins.")] = "#8A5300"


class ThemeColours(_Strict):
    background: Annotated[Colour, Meta(description="The slide and page background.")]
    text: Annotated[Colour, Meta(description="Body text (4.5:1 on background and surface).")]
    heading: Annotated[Colour, Meta(description="Slide titles (3:1 on background).")]
    accent: Annotated[Colour, Meta(description="Rules, links, bullets, diagram outlines (4.5:1).")]
    accent_text: Annotated[Colour, Meta(description="Text on accent fills: section slides (3:1).")]
    muted: Annotated[Colour, Meta(description="Captions, footers, slide numbers (4.5:1).")]
    surface: Annotated[Colour, Meta(description="Light fills: table header, code, diagram shapes.")]
    palette: Annotated[
        list[Colour],
        Meta(min_length=1, description="Diagram fills and chart series, in order (up to six)."),
    ]
    code_mark: Annotated[Colour, Meta(description="Behind highlighted code lines.")] = "#FFF0B3"
    code: Annotated[
        CodeColours, Meta(description="Highlighted code, each on surface and code_mark.")
    ] = CodeColours()


class SubstituteSpec(FontSpec):
    """A font a viewer may show instead of the theme's (see slides.fonts)."""

    width: Annotated[
        float, Meta(gt=0, description="Its widest word over the theme font's, if missing.")
    ]


class FallbackSpec(FontSpec):
    """A font for the characters the theme font lacks."""

    slot: Annotated[Literal["ea", "cs"] | None, Meta(description="Where the PPTX names it.")] = None
    languages: Annotated[
        dict[str, str],
        Meta(
            description="The family to name instead in a lecture of these languages (BCP 47 "
            "tags, such as ja or zh-Hant), from the same files: one font collection holds the "
            "Chinese, Japanese and Korean forms of the same characters."
        ),
    ] = {}


class ThemeFonts(_Strict):
    sans: Annotated[FontSpec, Meta(description="Titles and text.")]
    mono: Annotated[FontSpec, Meta(description="Code.")]
    substitutes: Annotated[
        dict[Literal["sans", "mono"], list[SubstituteSpec]],
        Meta(description="Fonts a viewer may show instead; text is measured to fit them."),
    ] = {}
    fallbacks: Annotated[
        list[FallbackSpec],
        Meta(description="Fonts for characters the theme font lacks, tried in order."),
    ] = []


class ThemeFile(_Strict, kw_only=True):
    """A theme's theme.yaml (docs/themes.md)."""

    name: Annotated[str | None, Meta(description="A name for people; the folder names it.")] = None
    colors: ThemeColours
    fonts: ThemeFonts
    logo: Annotated[
        Logo | None,
        Meta(description="A PNG or JPEG file, relative to the theme folder."),
    ] = None
    logo_alt: Annotated[
        str | None,
        Meta(
            description="The logo's alternative text; by default '<institution> logo' of the "
            "lecture."
        ),
    ] = None
    logo_on: Annotated[
        Literal["title", "every"],
        Meta(
            description="Where the logo goes: the title slide, or every slide (small, in a corner)."
        ),
    ] = "title"
