"""Two sides and what joins them: left, centre, right (stacked in a narrow column)."""

from __future__ import annotations

from slides import model
from slides.diagrams.shapes import (
    MIN_TEXT,
    NARROW,
    Arrow,
    Layout,
    NoRoom,
    Rect,
    Shape,
    text_area,
)
from slides.diagrams.style import Style
from slides.diagrams.text_fit import Fonts, fit_text, labelled, same_size, text_height


def place_sides(
    node: model.SidesDiagram, style: Style, fonts: Fonts, area: Rect, out: Layout
) -> None:
    if area.w < NARROW:
        _sides_stacked(node, style, fonts, area, out)
        return
    side_w, centre_w = area.w * 0.32, area.w * 0.24
    gap = (area.w - 2 * side_w - centre_w) / 2
    parts = [
        (node.left, Rect(area.x, 0, side_w, 0), style.tint(0), style.colour(0), "left"),
        (node.centre, Rect(area.x + side_w + gap, 0, centre_w, 0), style.accent, None, "centre"),
        (
            node.right,
            Rect(area.right - side_w, 0, side_w, 0),
            style.tint(1),
            style.colour(1),
            "right",
        ),
    ]
    heights = []
    for item, column, _, _, _ in parts:
        paras = labelled(item, items_left=True)
        need = text_height(paras, column.w - 56, 56, fonts) + 80
        heights.append(min(area.h, max(area.h * 0.5, need)))
    side_h = max(heights[0], heights[2])
    indices = []
    for (_item, column, fill, outline, role), h in zip(
        parts, (side_h, heights[1], side_h), strict=True
    ):
        box = Rect(column.x, area.cy - h / 2, column.w, h)
        indices.append(out.add(Shape("round", box, fill, outline, role, radius=32)))
    centre, left, right = (out.shapes[i].box for i in (indices[1], indices[0], indices[2]))
    y = area.cy
    out.arrows.append(Arrow(((centre.x - 10, y), (left.right + 10, y)), style.muted, 10))
    out.arrows.append(Arrow(((centre.right + 10, y), (right.x - 10, y)), style.muted, 10))
    blocks = []
    for (item, _, fill, _, _), index in zip(parts, indices, strict=True):
        shape = out.shapes[index]
        blocks.append(
            fit_text(
                labelled(item, items_left=True),
                text_area(shape),
                fonts,
                style.text_on(fill),
                max_size=56,
                shape=index,
            )
        )
    out.texts += [blocks[1], *same_size([blocks[0], blocks[2]], fonts)]


def _sides_stacked(
    node: model.SidesDiagram, style: Style, fonts: Fonts, area: Rect, out: Layout
) -> None:
    """The sides of a narrow diagram (in a column): left above the centre, right below it."""
    gap = 72  # room for an arrow
    parts = [
        (node.left, area.w, style.tint(0), style.colour(0), "left"),
        (node.centre, area.w * 0.8, style.accent, None, "centre"),
        (node.right, area.w, style.tint(1), style.colour(1), "right"),
    ]
    paras = [labelled(item, items_left=True) for item, *_ in parts]
    room = area.h - 2 * gap
    if room < 3 * 2.6 * MIN_TEXT:  # not even a line of text a box: a larger canvas
        raise NoRoom
    # Each box as tall as its text needs at the largest size where all three fit; when even
    # the smallest does not, all shrink alike and the text is cut.
    for size in range(52, MIN_TEXT - 1, -4):
        needs = [
            max(2.6 * size, text_height(p, w - 56, size, fonts) + 28 + size)
            for p, (_, w, *_) in zip(paras, parts, strict=True)
        ]
        if sum(needs) <= room:
            break
    heights = [h * min(1.0, room / sum(needs)) for h in needs]
    y = area.y + (room - sum(heights)) / 2
    indices = []
    for (_, w, fill, outline, role), h in zip(parts, heights, strict=True):
        box = Rect(area.cx - w / 2, y, w, h)
        indices.append(out.add(Shape("round", box, fill, outline, role, radius=32)))
        y += h + gap
    left, centre, right = (out.shapes[i].box for i in indices)
    x = area.cx
    out.arrows.append(Arrow(((x, centre.y - 10), (x, left.bottom + 10)), style.muted, 10))
    out.arrows.append(Arrow(((x, centre.bottom + 10), (x, right.y - 10)), style.muted, 10))
    blocks = [
        fit_text(p, text_area(out.shapes[i]), fonts, style.text_on(fill), max_size=size, shape=i)
        for p, i, (_, _, fill, _, _) in zip(paras, indices, parts, strict=True)
    ]
    out.texts += [blocks[1], *same_size([blocks[0], blocks[2]], fonts)]
