"""A hub: a centre ellipse with spokes of rounded boxes around it."""

from __future__ import annotations

import math

from slides import inline, model
from slides.diagrams.shapes import (
    GAP,
    MIN_TEXT,
    Arrow,
    Layout,
    NoRoom,
    Rect,
    Shape,
    text_area,
)
from slides.diagrams.style import Style
from slides.diagrams.text_fit import Fonts, Para, fit_text, labelled, same_size, text_height


def place_hub(node: model.HubDiagram, style: Style, fonts: Fonts, area: Rect, out: Layout) -> None:
    n = len(node.spokes)
    centre_paras = [Para(inline.plain(node.centre), 1.0, True)]
    spoke_paras = [labelled(item) for item in node.spokes]
    if n <= 2:  # one or two spokes sit beside the centre, so the drawing is wide, not tall
        angles = [0.0] if n == 1 else [math.pi, 0.0]
    else:
        angles = [-math.pi / 2 + 2 * math.pi * k / n for k in range(n)]
    # When a word is too wide for the boxes on the ellipse (a column), the spokes are turned
    # half a step and pushed out to the area's edges: four spokes sit in its corners, two to
    # a row, so each box may be nearly half the area wide.
    turned = [a + math.pi / n for a in angles] if n >= 3 else None

    def place(
        widths: list[float],
        heights: list[float],
        cw: float,
        ch: float,
        corners: list[float] | None = None,
    ) -> tuple[list[Rect], Rect] | None:
        """Spoke boxes on an ellipse around the centre (or, given `corners` angles, on the
        area's edge), or None when any two come too close."""
        boxes = []
        for a, bw, bh in zip(corners or angles, widths, heights, strict=True):
            rx, ry = (area.w - bw) / 2, (area.h - bh) / 2
            if n <= 2:  # a short connector, not one across the whole slide
                rx = min(rx, (cw + bw) / 2 + 200)
            dx, dy = math.cos(a), math.sin(a)
            if corners:
                reach = max(abs(dx), abs(dy))
                dx, dy = dx / reach, dy / reach
            x, y = area.cx + rx * dx - bw / 2, area.cy + ry * dy - bh / 2
            boxes.append(Rect(x, y, bw, bh))
        centre = Rect(area.cx - cw / 2, area.cy - ch / 2, cw, ch)
        if not all(area.contains(b) for b in [*boxes, centre]):
            return None
        clear = all(not a.overlaps(b, GAP) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
        if clear and not any(b.overlaps(centre, GAP) for b in boxes):
            return boxes, centre
        return None

    # A box taller than another of its width only reaches further up and down from where it
    # sits (ry shrinks by half of what it gains), so when boxes of the least height (2.6 lines
    # of text) do not fit, no taller ones do: that is known before any text is wrapped.
    # The largest text that fits with whole words, then the widest boxes that hold it without
    # overlapping (a box with a longer word is wider). The boxes are alike in height when
    # they fit so, else each as tall as its own text; the centre as large as its label needs.
    found = None
    for corners in [None, turned] if turned else [None]:
        for size in range(52, MIN_TEXT - 1, -4):
            cw, ch = _ellipse_for(centre_paras, round(size * 1.15), fonts)
            least = [_least_width(p, size, fonts) for p in spoke_paras]
            for bw in range(500, 179, -20):
                widths = [max(bw, w) for w in least]
                if not place(widths, [2.6 * size] * n, cw, ch, corners):
                    continue  # not even the shortest boxes fit: no need to wrap their text
                own = [
                    max(_box_height([p], [w], size, fonts), 2.6 * size)
                    for p, w in zip(spoke_paras, widths, strict=True)
                ]
                alike = place(widths, [max(own)] * n, cw, ch, corners)
                if found := alike or place(widths, own, cw, ch, corners):
                    break
            if found:
                break
        if found:
            break
    else:  # some text does not fit whole: the largest boxes that fit, the text cut to fit them
        size = MIN_TEXT
        cw, ch = _ellipse_for(centre_paras, MIN_TEXT, fonts)
        least_h = 2.6 * MIN_TEXT
        for bw in range(500, 179, -20):
            if not place([bw] * n, [least_h] * n, cw, ch) and not (
                turned and place([bw] * n, [least_h] * n, cw, ch, turned)
            ):
                continue  # as above
            need = max(least_h, _box_height(spoke_paras, [bw] * n, size, fonts))
            for bh in [need - 10 * i for i in range(int((need - least_h) // 10) + 1)]:
                if found := place([bw] * n, [bh] * n, cw, ch) or (
                    turned and place([bw] * n, [bh] * n, cw, ch, turned)
                ):
                    break
            if found:
                break
    if not found:  # still crowded: everything smaller
        for scale in [1 - 0.04 * i for i in range(16)]:
            bw, bh = 500 * scale, 190 * scale
            found = place([bw] * n, [bh] * n, min(cw, 520 * scale), min(ch, 290 * scale))
            if found:
                break
        if not found:
            raise NoRoom
    boxes, centre = found
    hub = out.add(Shape("ellipse", centre, style.accent, None, "centre"))
    spokes = []
    for i, box in enumerate(boxes):
        spokes.append(
            out.add(
                Shape(
                    "round",
                    box,
                    style.tint(i),
                    style.colour(i),
                    f"spoke {i + 1}",
                    radius=min(28, box.h / 4),
                )
            )
        )
        start = _ellipse_edge(centre, box.cx, box.cy, 6)
        end = _rect_edge(box, centre.cx, centre.cy, 6)
        out.arrows.append(Arrow((start, end), style.colour(i), 7, head=False))
    c = out.shapes[hub].box
    inner = Rect(c.cx - c.w / 2**0.5 / 2, c.cy - c.h / 2**0.5 / 2, c.w / 2**0.5, c.h / 2**0.5)
    out.texts.append(
        fit_text(
            centre_paras,
            inner.inset(6),
            fonts,
            style.text_on(style.accent),
            max_size=round(size * 1.15),
            shape=hub,
        )
    )
    blocks = [
        fit_text(
            paras,
            text_area(out.shapes[s]),
            fonts,
            style.text_on(out.shapes[s].fill),
            max_size=size,
            shape=s,
        )
        for paras, s in zip(spoke_paras, spokes, strict=True)
    ]
    out.texts += same_size(blocks, fonts)


BOX_PAD_X, BOX_PAD_Y = 28 * 0.6 + 8, 14  # as text_area does for a corner radius of 28


def _least_width(paras: list[Para], size: int, fonts: Fonts) -> float:
    """The narrowest rounded box that holds each word of the paragraphs whole at `size`."""
    words = [
        fonts.width(w, max(MIN_TEXT, round(size * p.scale)), p.bold)
        for p in paras
        for w in p.text.split()
    ]
    return max(words, default=0.0) + 2 * BOX_PAD_X + 1


def _box_height(paras_of: list[list[Para]], widths: list[float], size: int, fonts: Fonts) -> float:
    """The height of rounded boxes of these widths that hold their text at `size`."""
    need = max(
        text_height(p, w - 2 * BOX_PAD_X, size, fonts)
        for p, w in zip(paras_of, widths, strict=True)
    )
    # Some air above and below the text, so a box is not filled edge to edge.
    return need + 2 * BOX_PAD_Y + 0.5 * size


def _ellipse_for(paras: list[Para], size: int, fonts: Fonts) -> tuple[float, float]:
    """The smallest ellipse (from a few widths) whose inner rectangle holds the text at size."""
    for cw in range(200, 661, 20):
        ch = cw * 0.56
        inner = Rect(0, 0, cw / 2**0.5, ch / 2**0.5).inset(6)
        fits = all(fonts.fits(w, size, True, inner.w) for p in paras for w in p.text.split())
        if fits and text_height(paras, inner.w, size, fonts) <= inner.h:
            return cw, ch
    return 660, 660 * 0.56


def _ellipse_edge(e: Rect, tx: float, ty: float, gap: float) -> tuple[float, float]:
    """Where the line from an ellipse's centre towards (tx, ty) leaves it, plus `gap`."""
    dx, dy = tx - e.cx, ty - e.cy
    a, b = e.w / 2, e.h / 2
    t = 1 / math.sqrt((dx / a) ** 2 + (dy / b) ** 2)
    length = math.hypot(dx, dy)
    return e.cx + dx * t + dx / length * gap, e.cy + dy * t + dy / length * gap


def _rect_edge(r: Rect, tx: float, ty: float, gap: float) -> tuple[float, float]:
    """Where the line from a rectangle's centre towards (tx, ty) leaves it, plus `gap`."""
    dx, dy = tx - r.cx, ty - r.cy
    t = min(
        (r.w / 2) / abs(dx) if dx else math.inf,
        (r.h / 2) / abs(dy) if dy else math.inf,
    )
    length = math.hypot(dx, dy)
    return r.cx + dx * t + dx / length * gap, r.cy + dy * t + dy / length * gap
