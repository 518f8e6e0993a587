"""Columns compared: a heading box over a box of items, side by side."""

from __future__ import annotations

from slides import inline, model
from slides.diagrams.shapes import (
    Layout,
    NoRoom,
    Rect,
    Shape,
    text_area,
)
from slides.diagrams.style import Style
from slides.diagrams.text_fit import Fonts, Para, fit_text, same_size, text_height


def place_compare(
    node: model.CompareDiagram, style: Style, fonts: Fonts, area: Rect, out: Layout
) -> None:
    k = len(node.columns)
    gap = 56
    col_w = (area.w - (k - 1) * gap) / k
    if col_w < 260:  # four columns in a slide's column: a larger canvas
        raise NoRoom
    heads = [[Para(inline.plain(c.label), 1.0, True)] for c in node.columns]
    bodies = [
        [Para(inline.plain(t), 1.0, False, "left", True) for t in c.items] for c in node.columns
    ]
    head_h = max(120.0, max(text_height(h, col_w - 48, 56, fonts) for h in heads) + 40)
    head_h = min(head_h, area.h * 0.3)
    need = max((text_height(b, col_w - 64, 52, fonts) for b in bodies if b), default=0) + 72
    body_h = min(area.h - head_h - 20, max(need, area.h * 0.3))
    # The columns sit in the middle of the area, not at its top.
    top = area.y + (area.h - head_h - 20 - body_h) / 2
    body_top = top + head_h + 20
    head_blocks, body_blocks = [], []
    for i in range(k):
        x = area.x + i * (col_w + gap)
        head = out.add(
            Shape(
                "round",
                Rect(x, top, col_w, head_h),
                style.colour(i),
                None,
                f"column {i + 1} heading",
                radius=24,
            )
        )
        head_blocks.append(
            fit_text(
                heads[i],
                text_area(out.shapes[head]),
                fonts,
                style.text_on(style.colour(i)),
                max_size=56,
                shape=head,
            )
        )
        if bodies[i]:
            body = out.add(
                Shape(
                    "round",
                    Rect(x, body_top, col_w, body_h),
                    style.tint(i, 0.12),
                    style.colour(i),
                    f"column {i + 1}",
                    radius=24,
                )
            )
            body_blocks.append(
                fit_text(
                    bodies[i],
                    text_area(out.shapes[body]).inset(8, 10),
                    fonts,
                    style.text,
                    max_size=52,
                    shape=body,
                )
            )
    out.texts += same_size(head_blocks, fonts) + same_size(body_blocks, fonts)
