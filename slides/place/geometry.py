"""Where things go on a slide: its size, the boxes of each slide kind, pictures in boxes.

Points on a 960 × 540 pt (16:9) slide, from its top-left corner. The PPTX places text exactly
in these boxes; the HTML deck (1280 × 720 px, 1 pt = 4/3 px) and the handout scale the same
boxes.
"""

from __future__ import annotations

import msgspec

SLIDE_W, SLIDE_H = 960.0, 540.0  # points; 13.333 × 7.5 inches
MARGIN = 48.0
TITLE_BOX = (MARGIN, 28.0, SLIDE_W - 2 * MARGIN, 72.0)  # x, y, w, h
BODY_BOX = (MARGIN, 112.0, SLIDE_W - 2 * MARGIN, 380.0)
FOOTER_Y = 508.0
FOOTER_H = 20.0
COLUMN_GAP = 36.0
TITLE_CLEARANCE = 8.0  # points kept free under the title text
CAPTION_GAP = 8.0  # between a picture and its caption
CODE_PAD = 12.0  # inner padding of the code box
CELL_PAD_X, CELL_PAD_Y = 6.0, 4.0
QUOTE_BAR_W = 6.0  # the accent bar left of a quotation


class Box(msgspec.Struct, frozen=True):
    """A rectangle in points from the slide's top-left corner (the diagrams' Rect extends it).

    A Struct, as every value of a placed frame: made in C, where a frozen dataclass sets each
    field through object.__setattr__ (the diagrams' layouts make tens of thousands).
    """

    x: float
    y: float
    w: float
    h: float

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w


TITLE_SLIDE_BOX = Box(72.0, 110.0, 816.0, 190.0)  # title of the title and closing slides
SUBTITLE_BOX = Box(72.0, 322.0, 816.0, 170.0)  # subtitle, author, institution, date
SECTION_LABEL_BOX = Box(72.0, 170.0, 816.0, 30.0)  # "Part 2 of 7"
SECTION_TITLE_BOX = Box(72.0, 206.0, 816.0, 160.0)
LOGO_BOX = Box(760.0, 28.0, 152.0, 64.0)  # the theme's logo, top right of the title slide
# The logo on every other slide (logo_on: every): in the footer strip, between the footer text
# (which ends at x = 648) and the slide number (from x = 792), so it covers no text.
FOOTER_LOGO_BOX = Box(664.0, FOOTER_Y - 6.0, 112.0, FOOTER_H + 12.0)


def body_box() -> Box:
    """The box that holds a content slide's body."""
    return Box(*BODY_BOX)


def title_box() -> Box:
    """The box that holds a content slide's title text.

    TITLE_BOX less a strip at its bottom, so descenders clear the accent rule drawn below.
    """
    x, y, w, h = TITLE_BOX
    return Box(x, y, w, h - TITLE_CLEARANCE)


def column_boxes(body: Box | None = None) -> tuple[Box, Box]:
    """The two boxes of a two-column slide, side by side inside the body box."""
    x, y, w, h = (body.x, body.y, body.w, body.h) if body else BODY_BOX
    half = (w - COLUMN_GAP) / 2
    return Box(x, y, half, h), Box(x + half + COLUMN_GAP, y, half, h)


class SlideBoxes(msgspec.Struct, frozen=True):
    """The boxes of a content slide: its title, its body, the body's two columns."""

    title: Box
    body: Box
    columns: tuple[Box, Box]

    @classmethod
    def of(
        cls, areas: tuple[Box | None, Box | None] = (None, None), obstacles: tuple[Box, ...] = ()
    ) -> SlideBoxes:
        """Our title and body boxes inside a template's own (title, body) placeholder boxes,
        clear of its logo and decorations (slides.pptx_theme).

        Inside both: the PPTX fills the template's placeholders, while the HTML deck and the
        handout, which place the body by our boxes, still hold what was fitted.
        """
        title, body = title_box(), body_box()
        title, body = within(title, areas[0]), within(body, areas[1])
        for obstacle in obstacles:
            title, body = clear_of(title, obstacle), clear_of(body, obstacle)
        return cls(title, body, column_boxes(body))


def within(box: Box, area: Box | None) -> Box:
    """The part of box inside area; box itself when that would leave less than half of it."""
    if area is None:
        return box
    x, y = max(box.x, area.x), max(box.y, area.y)
    inside = Box(x, y, min(box.right, area.right) - x, min(box.bottom, area.bottom) - y)
    return inside if inside.w >= box.w / 2 and inside.h >= box.h / 2 else box


def clear_of(box: Box, obstacle: Box | None, gap: float = 8.0) -> Box:
    """box less the side an obstacle (a template's logo) reaches into, `gap` away from it.

    An obstacle at the right or left end of the box narrows it; one above or below its
    middle shortens it. One that would leave less than half the box is ignored: the box is
    the template's own placeholder's business then.
    """
    if obstacle is None or not (
        obstacle.x < box.right
        and box.x < obstacle.right
        and obstacle.y < box.bottom
        and box.y < obstacle.bottom
    ):
        return box
    middle_x, middle_y = box.x + box.w / 2, box.y + box.h / 2
    if obstacle.x >= middle_x:
        clear = Box(box.x, box.y, obstacle.x - gap - box.x, box.h)
    elif obstacle.right <= middle_x:
        clear = Box(obstacle.right + gap, box.y, box.right - obstacle.right - gap, box.h)
    elif obstacle.bottom <= middle_y:
        clear = Box(box.x, obstacle.bottom + gap, box.w, box.bottom - obstacle.bottom - gap)
    else:
        clear = Box(box.x, box.y, box.w, obstacle.y - gap - box.y)
    return clear if clear.w >= box.w / 2 and clear.h >= box.h / 2 else box


def place_picture(area: Box, aspect: float) -> Box:
    """The largest box of the given aspect ratio (width / height) inside area, centred."""
    w = min(area.w, area.h * aspect)
    h = w / aspect
    return Box(area.x + (area.w - w) / 2, area.y + (area.h - h) / 2, w, h)


class PictureLayout(msgspec.Struct, frozen=True):
    """Where a picture, its caption and an optional heading go inside a box."""

    heading: Box | None
    picture: Box
    caption: Box | None
