"""Each diagram kind places its shapes, arrows and text in the drawing area, in its own module."""

from __future__ import annotations

from collections.abc import Callable

from slides.diagrams.kinds.compare import place_compare
from slides.diagrams.kinds.flow import place_flow
from slides.diagrams.kinds.hub import place_hub
from slides.diagrams.kinds.nested import place_nested
from slides.diagrams.kinds.sides import place_sides

KINDS: dict[str, Callable[..., None]] = {
    "nested": place_nested,
    "hub": place_hub,
    "sides": place_sides,
    "flow": place_flow,
    "compare": place_compare,
}
