"""The theme's colours and font files a diagram is drawn with, and the colour arithmetic
(mixing, contrast) that picks fills and text colours from them."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from slides.fonts import Measurer


def _rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def mix(base: str, over: str, amount: float) -> str:
    """`over` laid on `base` with opacity `amount`, as #RRGGBB."""
    b, o = _rgb(base), _rgb(over)
    return "#" + "".join(f"{round(b[i] + (o[i] - b[i]) * amount):02X}" for i in range(3))


def luminance(color: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = map(channel, _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


class Style(msgspec.Struct, frozen=True, dict=True):
    """Theme colours and font files a diagram is drawn with (a Struct: made in C at import,
    where a frozen dataclass costs 1.4 ms; `dict` holds the cached `widest`)."""

    background: str
    text: str
    heading: str
    accent: str
    accent_text: str
    muted: str
    surface: str
    palette: tuple[str, ...]
    regular: Path | None
    bold: Path | None
    theme: str | None = None  # the theme folder: text is measured as its viewers may show it
    # Also painted as a picture (`--pptx-diagrams picture`): text is measured as Pillow paints
    # it too. Drawn natively only, Pillow's widths matter to no output.
    painted: bool = True

    @classmethod
    def of(cls, theme, painted: bool = True) -> Style:
        c = theme.colors
        return cls(
            background=c.get("background", "#FFFFFF"),
            text=c["text"],
            heading=c.get("heading", c["text"]),
            accent=c["accent"],
            accent_text=c.get("accent_text", "#FFFFFF"),
            muted=c.get("muted", c["text"]),
            surface=c.get("surface", c.get("background", "#FFFFFF")),
            palette=tuple(theme.palette) or (c["accent"],),
            regular=theme.sans.file(),
            bold=theme.sans.file(bold=True),
            theme=str(theme.folder),
            painted=painted,
        )

    @cached_property
    def widest(self) -> Measurer | None:
        """The widths of text in the fonts its viewers may show it in (slides.fonts), looked
        up once a style: a build lays out all its diagrams with one."""
        from slides.fonts import measurer

        return measurer(self.theme) if self.theme else None

    def colour(self, i: int) -> str:
        return self.palette[i % len(self.palette)]

    def tint(self, i: int, amount: float = 0.22) -> str:
        """A light fill of palette colour i, so that body text stays readable on it."""
        return mix(self.background, self.colour(i), amount)

    def text_on(self, fill: str) -> str:
        """The theme's text colour that reads best on a fill."""
        return max((self.text, self.accent_text, self.heading), key=lambda c: contrast(c, fill))
