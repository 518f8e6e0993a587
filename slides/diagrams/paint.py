"""Draw a diagram `Layout` with Pillow: at 2× size, then downscaled, so edges are smooth."""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

from slides.diagrams.shapes import HEAD, OUTLINE, SCALE, Arrow, Layout
from slides.diagrams.style import Style
from slides.diagrams.text_fit import Fonts


def paint(layout: Layout, style: Style) -> Image.Image:
    """The layout drawn as an RGB image of `layout.pixels`."""
    fonts = Fonts.of(style, layout.zoom)
    s = layout.zoom * SCALE  # supersampled pixels per layout unit
    width, height = layout.pixels
    image = Image.new("RGB", (width * SCALE, height * SCALE), layout.background)
    draw = ImageDraw.Draw(image)
    for shape in layout.shapes:
        b = shape.box
        xy = (b.x * s, b.y * s, b.right * s, b.bottom * s)
        stroke = round(OUTLINE * s) if shape.outline else 0
        if shape.kind == "ellipse":
            draw.ellipse(xy, fill=shape.fill, outline=shape.outline, width=stroke)
        elif shape.kind == "round":
            draw.rounded_rectangle(
                xy, radius=shape.radius * s, fill=shape.fill, outline=shape.outline, width=stroke
            )
        else:
            draw.rectangle(xy, fill=shape.fill, outline=shape.outline, width=stroke)
    for arrow in layout.arrows:
        _arrow(draw, arrow, s)
    for block in layout.texts:
        for line in block.lines:
            ascent, descent = fonts.metrics(line.size, line.bold)
            # The line box is size × LINE_HEIGHT tall; centre the font's ascent+descent in it.
            top = line.y * s + (line.size * 1.2 * s - ascent - descent) / 2
            runs = fonts.runs(line.text, line.size, line.bold)
            x = line.x * s
            if line.centred:  # measured with the widest font a viewer may have: centre ours
                x += (line.width * s - sum(f.getlength(text) for f, text in runs)) / 2
            for run_font, text in runs:
                draw.text((x, top + ascent), text, font=run_font, fill=line.color, anchor="ls")
                x += run_font.getlength(text)
    return image.reduce(SCALE)


def _arrow(draw: ImageDraw.ImageDraw, arrow: Arrow, s: float) -> None:
    points = [(x * s, y * s) for x, y in arrow.points]
    if arrow.head:
        # Stop the line where the head begins, so its square end doesn't poke out of the tip.
        (x0, y0), (x1, y1) = points[-2], points[-1]
        length = math.hypot(x1 - x0, y1 - y0) or 1
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        base = (x1 - ux * HEAD * s, y1 - uy * HEAD * s)
        draw.line(
            [*points[:-1], base], fill=arrow.color, width=round(arrow.width * s), joint="curve"
        )
        half = HEAD * s / 2
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
    """The image in at most 256 colours: the layout's own colours and the blends between them.

    Flat fills and their antialiased edges need no more: the PNG is a third of the bytes of
    RGB and quicker to write, and mapping onto a known palette is quicker than quantizing.
    The layout's colours stay exact (a white background stays #FFFFFF), and the palette
    depends only on the layout, so the same diagram gives the same bytes in every process.
    """
    palette = Image.new("P", (1, 1))
    colours = _palette(layout)
    palette.putpalette([v for colour in colours for v in colour])
    return image.quantize(palette=palette, dither=Image.Dither.NONE)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _palette(layout: Layout) -> list[tuple[int, int, int]]:
    """Every colour of the layout, then even blends of each colour with what it is drawn on."""
    shapes = layout.shapes

    def around(index: int) -> str:
        """The fill a shape is drawn on: the last shape before it that holds it, or none."""
        box = shapes[index].box
        for outer in reversed(shapes[:index]):
            if outer.box.contains(box):
                return outer.fill
        return layout.background

    pairs: set[tuple[str, str]] = set()
    for i, shape in enumerate(shapes):
        pairs.add((shape.fill, around(i)))
        if shape.outline:
            pairs |= {(shape.outline, shape.fill), (shape.outline, around(i))}
    pairs |= {(arrow.color, layout.background) for arrow in layout.arrows}
    for block in layout.texts:
        base = shapes[block.shape].fill if block.shape is not None else layout.background
        pairs |= {(line.color, base) for line in block.lines}
    exact = sorted({c for pair in pairs for c in pair} | {layout.background})
    pairs = {p for p in pairs if p[0] != p[1]}
    colours = [_rgb(c) for c in exact]
    exact_rgb = list(colours)
    steps = max(1, min(12, (256 - len(colours)) // max(1, len(pairs))))
    for ink, base in sorted(pairs):
        (r0, g0, b0), (r1, g1, b1) = _rgb(base), _rgb(ink)
        for k in range(1, steps + 1):
            t = k / (steps + 1)
            blend = (
                round(r0 + (r1 - r0) * t),
                round(g0 + (g1 - g0) * t),
                round(b0 + (b1 - b0) * t),
            )
            # Pillow maps a pixel by the corner of its 4-level colour cell: a blend that
            # close to an exact colour would take that colour's flat areas. (Blends close to
            # each other do no harm, so only the few exact colours are compared.)
            if all(
                abs(blend[0] - r) > 8 or abs(blend[1] - g) > 8 or abs(blend[2] - b) > 8
                for r, g, b in exact_rgb
            ):
                colours.append(blend)
    return colours[:256]
