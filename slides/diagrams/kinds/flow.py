"""A flow: steps in rows of rounded boxes, joined by arrows in reading order."""

from __future__ import annotations

import math

from slides import model
from slides.diagrams.shapes import (
    MIN_TEXT,
    Arrow,
    Layout,
    NoRoom,
    Rect,
    Shape,
    text_area,
)
from slides.diagrams.style import Style
from slides.diagrams.text_fit import Fonts, fit_text, labelled, same_size, text_height


def place_flow(
    node: model.FlowDiagram, style: Style, fonts: Fonts, area: Rect, out: Layout
) -> None:
    n = len(node.steps)
    hgap, vgap = 96, 96
    # At most five steps a row, each at least 280 units wide (two in a column).
    most = max(1, min(5, int((area.w + hgap) // (280 + hgap))))
    rows = math.ceil(n / most)
    per_row = math.ceil(n / rows)
    box_w = (area.w - (per_row - 1) * hgap) / per_row
    row_h = (area.h - (rows - 1) * vgap) / rows
    if row_h < 2.6 * MIN_TEXT:  # not even a line of text a step: a larger canvas
        raise NoRoom
    paras = [labelled(step, items_left=True) for step in node.steps]
    need = max(text_height(p, box_w - 44, 52, fonts) for p in paras) + 60
    box_h = min(row_h, max(need, min(row_h, area.h * 0.36)))
    indices = []
    for k in range(n):
        row, col = divmod(k, per_row)
        in_row = min(per_row, n - row * per_row)
        # A shorter last row is centred under the others.
        offset = (per_row - in_row) * (box_w + hgap) / 2
        x = area.x + offset + col * (box_w + hgap)
        y = area.y + row * (row_h + vgap) + (row_h - box_h) / 2
        box = Rect(x, y, box_w, box_h)
        indices.append(
            out.add(
                Shape(
                    "round",
                    box,
                    style.tint(k),
                    style.colour(k),
                    f"step {k + 1}",
                    radius=min(28, box_h / 4),
                )
            )
        )
    for k in range(n - 1):
        a, b = out.shapes[indices[k]].box, out.shapes[indices[k + 1]].box
        if abs(a.cy - b.cy) < 1:
            out.arrows.append(Arrow(((a.right + 10, a.cy), (b.x - 10, b.cy)), style.muted))
        else:  # to the next row: down, back to the left, down again, through the gap between rows
            mid = (a.bottom + b.y) / 2
            points = ((a.cx, a.bottom + 10), (a.cx, mid), (b.cx, mid), (b.cx, b.y - 10))
            out.arrows.append(Arrow(points, style.muted))
    blocks = [
        fit_text(
            p,
            text_area(out.shapes[i]),
            fonts,
            style.text_on(out.shapes[i].fill),
            max_size=52,
            shape=i,
        )
        for p, i in zip(paras, indices, strict=True)
    ]
    out.texts += same_size(blocks, fonts)
