"""A hub: a centre ellipse with spokes of rounded boxes around it."""

from __future__ import annotations

import math
from collections.abc import Callable

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

    def directions(of: list[float], corners: bool) -> list[tuple[float, float]]:
        """Where each spoke sits from the centre: on the ellipse, or pushed out to the edge."""
        found = []
        for a in of:
            dx, dy = math.cos(a), math.sin(a)
            if corners:
                reach = max(abs(dx), abs(dy))
                dx, dy = dx / reach, dy / reach
            found.append((dx, dy))
        return found

    on_ellipse = directions(angles, False)
    on_edge = directions(turned, True) if turned else []
    # The edges a shape may reach (Rect.contains) and what two shapes keep apart (overlaps),
    # compared on plain numbers: the search tries a thousand placements.
    left, top = area.x - 0.01, area.y - 0.01
    right, bottom = area.right + 0.01, area.bottom + 0.01

    def near(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
        return not (
            a[2] + GAP <= b[0] or b[2] + GAP <= a[0] or a[3] + GAP <= b[1] or b[3] + GAP <= a[1]
        )

    def place(
        widths: list[float],
        heights: list[float],
        cw: float,
        ch: float,
        corners: bool = False,
    ) -> tuple[list[Rect], Rect] | None:
        """Spoke boxes on an ellipse around the centre (or, with `corners`, turned and on the
        area's edge), or None when any two come too close."""
        edges = []  # (x, y, right, bottom) of each box, then of the centre
        for (dx, dy), bw, bh in zip(
            on_edge if corners else on_ellipse, widths, heights, strict=True
        ):
            rx, ry = (area.w - bw) / 2, (area.h - bh) / 2
            if n <= 2:  # a short connector, not one across the whole slide
                rx = min(rx, (cw + bw) / 2 + 200)
            x, y = area.cx + rx * dx - bw / 2, area.cy + ry * dy - bh / 2
            edges.append((x, y, x + bw, y + bh))
        x, y = area.cx - cw / 2, area.cy - ch / 2
        centre = (x, y, x + cw, y + ch)
        for x, y, r, b in [*edges, centre]:
            if not (x >= left and y >= top and r <= right and b <= bottom):
                return None
        if any(near(a, b) for i, a in enumerate(edges) for b in edges[i + 1 :]):
            return None
        if any(near(b, centre) for b in edges):
            return None
        boxes = [Rect(e[0], e[1], w, h) for e, w, h in zip(edges, widths, heights, strict=True)]
        return boxes, Rect(centre[0], centre[1], cw, ch)

    # A box taller (or wider) than another only reaches further from where it sits (ry, rx
    # shrink by half of what it gains), so when boxes of the least height (2.6 lines of text)
    # do not fit, no taller ones do: that is known before any text is wrapped; and when boxes
    # as wide as the viewers' widest font makes the words do not fit, nor do the real ones.
    # The largest text that fits with whole words, then the widest boxes that hold it without
    # overlapping (a box with a longer word is wider). The boxes are alike in height when
    # they fit so, else each as tall as its own text; the centre as large as its label needs.
    found = None
    ellipses: dict[int, tuple[float, float]] = {}
    leasts: dict[int, list[float]] = {}
    for corners in [False, True] if turned else [False]:
        for size in range(52, MIN_TEXT - 1, -4):
            if size not in ellipses:  # the same for both arrangements
                ellipses[size] = _ellipse_for(centre_paras, round(size * 1.15), fonts)
            cw, ch = ellipses[size]
            shortest = [2.6 * size] * n
            at_least = [_least_width(p, size, fonts.at_least) for p in spoke_paras]
            for bw in range(500, 179, -20):
                if not place([max(bw, w) for w in at_least], shortest, cw, ch, corners):
                    continue  # not even the shortest boxes fit: no need to shape or wrap words
                if size not in leasts:
                    leasts[size] = [_least_width(p, size, fonts.width) for p in spoke_paras]
                widths = [max(bw, w) for w in leasts[size]]
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
                turned and place([bw] * n, [least_h] * n, cw, ch, True)
            ):
                continue  # as above
            need = max(least_h, _box_height(spoke_paras, [bw] * n, size, fonts))
            for bh in [need - 10 * i for i in range(int((need - least_h) // 10) + 1)]:
                if found := place([bw] * n, [bh] * n, cw, ch) or (
                    turned and place([bw] * n, [bh] * n, cw, ch, True)
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


def _least_width(paras: list[Para], size: int, width: Callable[[str, int, bool], float]) -> float:
    """The narrowest rounded box that holds each word of the paragraphs whole at `size`,
    its words measured by `width` (Fonts.width, or Fonts.at_least for a bound below it)."""
    words = [
        width(w, max(MIN_TEXT, round(size * p.scale)), p.bold)
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
