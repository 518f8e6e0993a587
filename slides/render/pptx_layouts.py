"""Which of the template's layouts each slide of a deck uses, chosen once before any slide is
made, so that a deck made in two halves at once (slides.workers.halves) chooses as one process
does: each frame's layout by its index among the template's layouts, and a warning where a kind
of frame first lacks the layout it prefers, at that frame.
"""

from __future__ import annotations

from collections.abc import Sequence

from pptx.slide import SlideLayout

from slides.errors import BuildError
from slides.render import pptx_package as pkg

# Frame layouts -> the layout roles to try, in order of preference (pptx_package.find_layout
# finds a template's layout for a role by its placeholders, whatever its name or language).
LAYOUTS: dict[str, tuple[str, ...]] = {
    "title": ("title", "title_only", "content"),
    "agenda": ("content", "title_only"),
    "section": ("section", "title_only", "title"),
    "text": ("content", "title_only"),
    "columns": ("two", "content", "title_only"),
    "plain": ("title_only", "content"),
    "closing": ("title", "title_only", "content"),
}
WHAT = {
    "title": "the title slide",
    "agenda": "the agenda",
    "section": "section slides",
    "text": "text slides",
    "columns": "two-column slides",
    "plain": "picture, table and code slides",
    "closing": "the closing slide",
}


def choose(
    layouts: Sequence[SlideLayout],
    holders: Sequence[Sequence[pkg.Holder]],
    kinds: Sequence[str],
    template: str,
) -> tuple[list[int], dict[int, list[str]]]:
    """The layout of each frame (by the frames' layout kinds, in order) as an index into
    `layouts` (whose placeholders are `holders`), and the warnings by frame position.

    `template` names the template in the warnings. BuildError when it has no layouts at all.
    """
    chosen: dict[str, int] = {}
    layout_of, warnings = [], {}
    for position, kind in enumerate(kinds):
        if kind not in chosen:
            found: list[str] = []
            chosen[kind] = _layout(layouts, holders, kind, template, found)
            if found:
                warnings[position] = found
        layout_of.append(chosen[kind])
    return layout_of, warnings


def _layout(
    layouts: Sequence[SlideLayout],
    holders: Sequence[Sequence[pkg.Holder]],
    kind: str,
    template: str,
    warnings: list[str],
) -> int:
    """The index of the layout for a frame kind; a warning when the template has none of the
    kind it prefers."""
    wanted = LAYOUTS[kind]
    for role in wanted:
        layout = pkg.find_layout(layouts, role, holders)
        if layout is not None:
            if role != wanted[0]:
                warnings.append(
                    f"template {template} has no {pkg.LAYOUT_ROLES[wanted[0]]}; "
                    f"using '{layout.name}' for {WHAT[kind]}"
                )
            return list(layouts).index(layout)
    if not layouts:
        raise BuildError(f"pptx template {template}: it has no slide layouts")
    warnings.append(
        f"template {template} has no layout with a title placeholder; "
        f"using '{layouts[0].name}' for {WHAT[kind]}"
    )
    return 0
