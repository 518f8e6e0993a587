"""Diagrams drawn from data: `layout` computes geometry, `paint` draws it, `alt` describes it."""

from __future__ import annotations

from PIL import Image

from slides import model
from slides.diagrams.alt import describe
from slides.diagrams.layout import HEIGHT, WIDTH, Layout, Style, layout
from slides.diagrams.paint import paint, to_palette

# Bump when the drawing changes, so cached PNGs of an older painter are redrawn.
PAINTER_VERSION = "3"

__all__ = [
    "HEIGHT",
    "PAINTER_VERSION",
    "WIDTH",
    "Layout",
    "Style",
    "describe",
    "draw",
    "draw_png",
    "layout",
]


def draw(node: model.DiagramBase, style: Style) -> Image.Image:
    """The diagram as a WIDTH × HEIGHT RGB image."""
    return paint(layout(node, style), style)


def draw_png(node: model.DiagramBase, style: Style, path) -> None:
    """Draw the diagram into a PNG file (256 colours, the theme's colours exact)."""
    geometry = layout(node, style)
    # Level 3 writes twice as fast as the default and the file is barely larger.
    to_palette(paint(geometry, style), geometry).save(path, "PNG", compress_level=3)
