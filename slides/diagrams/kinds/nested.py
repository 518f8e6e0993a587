"""Nested sets: rings inside rings, each label in the cap above the next ring."""

from __future__ import annotations

import math

from slides import model
from slides.diagrams.shapes import (
    LINE_HEIGHT,
    MIN_TEXT,
    Layout,
    Rect,
    Shape,
)
from slides.diagrams.style import Style, mix
from slides.diagrams.text_fit import Fonts, fit_text, labelled, same_size, text_height


def place_nested(
    node: model.NestedDiagram, style: Style, fonts: Fonts, area: Rect, out: Layout
) -> None:
    sets = node.sets
    n = len(sets)
    band = area.h * (0.82 / n if n > 1 else 0)  # the label band at the top of each outer ring
    floor = band * 0.12  # each ring sits a little above the bottom of the one around it
    shrink = area.w * 0.5 / (n - 1) if n > 1 else 0
    shapes = []
    for i in range(n):
        top, bottom = area.y + i * band, area.bottom - i * floor
        width = area.w - i * shrink
        box = Rect(area.cx - width / 2, top, width, bottom - top)
        fill = mix(style.background, style.colour(i), min(0.45, 0.16 + 0.08 * i))
        shape = Shape("ellipse", box, fill, style.colour(i), f"set {i + 1}")
        shapes.append(out.add(shape))
    blocks = []
    for i, item in enumerate(sets):
        shape = out.shapes[shapes[i]]
        fill = shape.fill
        paras = labelled(item)
        if i == n - 1:  # the innermost set: the largest rectangle inside the ellipse
            b = shape.box
            inner = Rect(
                b.cx - b.w / 2**0.5 / 2, b.cy - b.h / 2**0.5 / 2, b.w / 2**0.5, b.h / 2**0.5
            )
            blocks.append(
                fit_text(
                    paras, inner.inset(10), fonts, style.text_on(fill), max_size=64, shape=shapes[i]
                )
            )
        else:
            next_top = out.shapes[shapes[i + 1]].box.y
            blocks.append(
                _fit_in_cap(paras, shape, shape.box.y + 10, next_top - 10, fonts, style, shapes[i])
            )
    out.texts += same_size(blocks, fonts)


def _fit_in_cap(paras, shape: Shape, y0: float, y1: float, fonts: Fonts, style: Style, index: int):
    """Fit text in the cap of an ellipse between y0 and y1 (above the inner ring)."""
    b = shape.box

    def chord(y: float) -> tuple[float, float]:
        t = max(0.0, 1 - ((y - b.cy) / (b.h / 2)) ** 2)
        half = b.w / 2 * math.sqrt(t) - 16
        return b.cx - half, b.cx + half

    color = style.text_on(shape.fill)
    size = 64
    block = None
    while size >= MIN_TEXT:
        height = size * LINE_HEIGHT
        for _ in range(4):  # the block's height decides where it sits, which decides its width
            top = y1 - height - (y1 - y0 - height) * 0.35
            x0, x1 = chord(max(top, y0))
            h = text_height(paras, x1 - x0, size, fonts)
            if h <= height:
                break
            height = h
        top = y1 - height - max(0.0, (y1 - y0 - height) * 0.35)
        if top >= y0 and height <= y1 - y0:
            x0, x1 = chord(top)
            block = fit_text(
                paras,
                Rect(x0, top, x1 - x0, height + 0.5),
                fonts,
                color,
                max_size=size,
                shape=index,
            )
            if not block.truncated:
                return block
        size -= 2
    x0, x1 = chord(y0)
    return fit_text(
        paras, Rect(x0, y0, x1 - x0, y1 - y0), fonts, color, max_size=MIN_TEXT, shape=index
    )
