"""Draw a diagram `Layout` with Pillow: at 2× size, then downscaled, so edges are smooth."""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

from slides.diagrams.layout import SCALE, Arrow, Fonts, Layout, Style

HEAD_LENGTH, HEAD_WIDTH = 34, 34  # arrow heads, px at 1×


def paint(layout: Layout, style: Style) -> Image.Image:
    """The layout drawn as an RGB image of layout.width × layout.height pixels."""
    fonts = Fonts(style.regular, style.bold)
    s = SCALE
    image = Image.new("RGB", (layout.width * s, layout.height * s), layout.background)
    draw = ImageDraw.Draw(image)
    for shape in layout.shapes:
        b = shape.box
        xy = (b.x * s, b.y * s, b.right * s, b.bottom * s)
        width = 6 * s if shape.outline else 0
        if shape.kind == "ellipse":
            draw.ellipse(xy, fill=shape.fill, outline=shape.outline, width=width)
        elif shape.kind == "round":
            draw.rounded_rectangle(
                xy, radius=shape.radius * s, fill=shape.fill, outline=shape.outline, width=width
            )
        else:
            draw.rectangle(xy, fill=shape.fill, outline=shape.outline, width=width)
    for arrow in layout.arrows:
        _arrow(draw, arrow, s)
    for block in layout.texts:
        for line in block.lines:
            font = fonts.font(line.size, line.bold)
            ascent = font.getmetrics()[0]
            # The line box is size × LINE_HEIGHT tall; centre the font's ascent+descent in it.
            top = line.y * s + (line.size * 1.2 * s - sum(font.getmetrics())) / 2
            draw.text(
                (line.x * s, top + ascent), line.text, font=font, fill=line.color, anchor="ls"
            )
    return image.reduce(s)


def _arrow(draw: ImageDraw.ImageDraw, arrow: Arrow, s: int) -> None:
    points = [(x * s, y * s) for x, y in arrow.points]
    if arrow.head:
        # Stop the line where the head begins, so its square end doesn't poke out of the tip.
        (x0, y0), (x1, y1) = points[-2], points[-1]
        length = math.hypot(x1 - x0, y1 - y0) or 1
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        base = (x1 - ux * HEAD_LENGTH * s, y1 - uy * HEAD_LENGTH * s)
        draw.line(
            [*points[:-1], base], fill=arrow.color, width=round(arrow.width * s), joint="curve"
        )
        half = HEAD_WIDTH * s / 2
        draw.polygon(
            [
                (x1, y1),
                (base[0] - uy * half, base[1] + ux * half),
                (base[0] + uy * half, base[1] - ux * half),
            ],
            fill=arrow.color,
        )
    else:
        draw.line(points, fill=arrow.color, width=round(arrow.width * s), joint="curve")


def to_palette(image: Image.Image, layout: Layout) -> Image.Image:
    """The image in 256 colours, with the layout's own colours kept exact.

    Flat fills and their antialiased edges fit a palette: a third of the bytes of RGB and
    quicker to write. The fast quantizer shifts colours slightly, so palette entries next to
    a colour the layout uses are snapped back onto it (a white background stays #FFFFFF).
    """
    quantized = image.quantize(256, method=Image.Quantize.FASTOCTREE)
    exact = {layout.background}
    exact |= {c for s in layout.shapes for c in (s.fill, s.outline) if c}
    exact |= {a.color for a in layout.arrows} | {ln.color for t in layout.texts for ln in t.lines}
    # Sorted, and the nearest colour wins: the same PNG bytes in every process.
    wanted = sorted(tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in exact)
    palette = quantized.getpalette() or []
    for n in range(len(palette) // 3):
        entry = palette[3 * n : 3 * n + 3]
        distance, nearest = min(
            (max(abs(a - b) for a, b in zip(entry, colour, strict=True)), colour)
            for colour in wanted
        )
        if distance <= 6:
            palette[3 * n : 3 * n + 3] = nearest
    quantized.putpalette(palette)
    return quantized
