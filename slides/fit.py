"""Text that fits, measured at build time with the theme font's real metrics.

The geometry of a content slide lives here, in points on a 960 × 540 pt (16:9) slide, so that
the PPTX renderer places text exactly where it was measured and the HTML deck (1280 × 720 px,
1 pt = 4/3 px) and the handout scale the same boxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from slides import model
from slides.errors import Problem

SLIDE_W, SLIDE_H = 960.0, 540.0  # points; 13.333 × 7.5 inches
MARGIN = 48.0
TITLE_BOX = (MARGIN, 28.0, SLIDE_W - 2 * MARGIN, 72.0)  # x, y, w, h
BODY_BOX = (MARGIN, 112.0, SLIDE_W - 2 * MARGIN, 380.0)
FOOTER_Y = 508.0
COLUMN_GAP = 36.0
MAX_BODY_PT, MIN_BODY_PT = 28.0, 18.0
LINE_SPACING = 1.2  # line height as a multiple of the font size
PARAGRAPH_GAP = 0.35  # extra space after each paragraph, in lines
INDENT = 0.9  # per nesting level, in ems


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


def body_box() -> Box:
    return Box(*BODY_BOX)


def column_boxes() -> tuple[Box, Box]:
    x, y, w, h = BODY_BOX
    half = (w - COLUMN_GAP) / 2
    return Box(x, y, half, h), Box(x + half + COLUMN_GAP, y, half, h)


class Fitter:
    """Chooses a body size for each slide and splits slides that cannot fit at the minimum."""

    def __init__(self, measure) -> None:
        self.measure = measure  # measure(text, size_pt, bold, mono) -> width in points

    @classmethod
    def for_theme(cls, theme_name: str) -> Fitter:
        return cls(_measurer(theme_name))

    def fit(self, slide: model.Slide, where: str) -> tuple[list[tuple[model.Slide, float]], list]:
        """[(slide or part of it, body size in points)] and any warnings."""
        # The full algorithm (sizes 28 → 18, splitting) comes with the PPTX renderer.
        return [(slide, MAX_BODY_PT)], []


def warning(where: str, message: str) -> Problem:
    return Problem("", 0, 0, where, message, "warning")


@cache
def _measurer(theme_name: str):
    from PIL import ImageFont

    from slides.theme import load_theme

    theme = load_theme(theme_name)

    @cache
    def font(size_pt: float, bold: bool, mono: bool):
        family = theme.mono if mono else theme.sans
        path = family.file(bold=bold)
        # Measure at 10× the point size for sub-point precision.
        if path is None:
            return ImageFont.load_default(size=size_pt * 10)
        return ImageFont.truetype(str(path), size=round(size_pt * 10))

    def measure(text: str, size_pt: float, bold: bool = False, mono: bool = False) -> float:
        return font(size_pt, bold, mono).getlength(text) / 10

    return measure
