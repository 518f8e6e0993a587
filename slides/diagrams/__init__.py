"""Diagrams drawn from data: `layout` computes geometry, `paint` draws it, `alt` describes it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slides import model
from slides.diagrams.alt import describe
from slides.diagrams.layout import cut_labels, layout
from slides.diagrams.shapes import BODY, WIDTH, Layout
from slides.diagrams.style import Style
from slides.diagrams.vector import Vector, vector

if TYPE_CHECKING:
    from PIL import Image

# Bump when the drawing changes, so cached PNGs of an older painter are redrawn.
PAINTER_VERSION = "9"

__all__ = [
    "BODY",
    "PAINTER_VERSION",
    "WIDTH",
    "Layout",
    "Style",
    "Vector",
    "cut_labels",
    "describe",
    "draw",
    "draw_png",
    "layout",
    "save_png",
    "vector",
    "vector_of",
]


def draw(node: model.DiagramBase, style: Style, room: tuple[float, float] = BODY) -> Image.Image:
    """The diagram as an RGB image sized for a room of (width, height) points on the slide."""
    from slides.diagrams.paint import paint  # Pillow: only where a picture is painted

    return paint(layout(node, style, room), style)


def draw_png(
    node: model.DiagramBase, style: Style, path, room: tuple[float, float] = BODY
) -> tuple[int, int]:
    """Draw the diagram into a PNG file (256 colours, the theme's colours exact); its size."""
    geometry = layout(node, style, room)
    save_png(geometry, style, path)
    return geometry.pixels


def save_png(geometry: Layout, style: Style, path) -> None:
    """Paint a laid-out diagram into a PNG file (256 colours, the theme's colours exact)."""
    from slides.diagrams.paint import paint, to_palette

    # Level 3 writes twice as fast as the default and the file is barely larger.
    to_palette(paint(geometry, style), geometry).save(path, "PNG", compress_level=3)


def vector_of(build, node: model.DiagramBase) -> Vector:
    """The diagram's vector pieces as its picture draws them in this build (laid out once)."""
    found = build.vectors.get(id(node))
    if found is None:
        style = build.assets.style  # as the diagrams were laid out
        found = build.vectors[id(node)] = vector(build.assets.layout(node), style)
    return found
