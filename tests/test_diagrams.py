"""Diagrams drawn from data: geometry (no overlap, text inside its shape), the PNG, the alt text."""

from __future__ import annotations

import itertools

import pytest
from PIL import Image
from pydantic import TypeAdapter

from slides import model
from slides.diagrams import HEIGHT, WIDTH, Style, describe, draw_png, layout
from slides.diagrams.layout import MIN_TEXT, Layout, Rect, Shape
from slides.theme import load_theme

DIAGRAM = TypeAdapter(model.Diagram)
LONG = "A very long label that goes on and on about many things so that it must wrap somewhere"
HUGE = " ".join(["overflowing"] * 120)

CASES = {
    "nested": {
        "kind": "nested",
        "title": "Where GenAI sits",
        "sets": ["Artificial Intelligence", "Machine Learning", "Deep Learning", "Generative AI"],
    },
    "nested-8-long": {"kind": "nested", "sets": [f"{LONG} {i}" for i in range(8)]},
    "nested-1": {"kind": "nested", "sets": [{"label": "Alone", "items": ["one", "two"]}]},
    "hub": {
        "kind": "hub",
        "title": "Impact areas",
        "centre": "Generative AI",
        "spokes": ["Customer support", "Content creation", "Education", LONG],
    },
    "hub-12": {"kind": "hub", "centre": LONG, "spokes": [f"Spoke {i} {LONG}" for i in range(12)]},
    "hub-1": {"kind": "hub", "centre": "Centre", "spokes": ["Only spoke"]},
    "sides": {
        "kind": "sides",
        "title": "A mental model",
        "centre": {"label": "Foundation models", "items": ["LLMs", "LMMs"]},
        "left": {"label": "Builder's perspective", "items": ["Pretrain", "Fine-tune"]},
        "right": "User's perspective",
    },
    "sides-long": {
        "kind": "sides",
        "centre": HUGE,
        "left": {"label": LONG, "items": [LONG] * 8},
        "right": {"label": "Right", "items": [HUGE]},
    },
    "flow": {"kind": "flow", "title": "Curriculum", "steps": ["Write", "Build", "Present"]},
    "flow-12": {
        "kind": "flow",
        "steps": [{"label": f"Step {i}", "items": [LONG]} for i in range(12)],
    },
    "flow-1": {"kind": "flow", "steps": ["Supercalifragilisticexpialidocious" * 3]},
    "compare": {
        "kind": "compare",
        "title": "Do we need both sides?",
        "columns": [
            {"label": "Builder", "items": ["Research", "Big compute"]},
            {"label": "User", "items": ["Apps", "Prompting"]},
        ],
    },
    "compare-4": {
        "kind": "compare",
        "columns": [{"label": LONG, "items": [LONG] * 6} for _ in range(4)],
    },
    "compare-empty": {
        "kind": "compare",
        "columns": [{"label": "Left"}, {"label": "Right", "items": ["one"]}],
    },
}


@pytest.fixture(scope="module")
def style() -> Style:
    return Style.of(load_theme("default"))


@pytest.fixture(scope="module")
def layouts(style) -> dict[str, tuple[model.DiagramBase, Layout]]:
    nodes = {name: DIAGRAM.validate_python(data) for name, data in CASES.items()}
    return {name: (node, layout(node, style)) for name, node in nodes.items()}


CANVAS = Rect(0, 0, WIDTH, HEIGHT)


def _nested_inside(inner: Shape, outer: Shape) -> bool:
    """Every point of the inner ellipse's edge lies strictly inside the outer one."""
    b = outer.box
    a, c = b.w / 2, b.h / 2
    return all(
        ((x - b.cx) / a) ** 2 + ((y - b.cy) / c) ** 2 < 0.995 for x, y in inner.outline_points()
    )


@pytest.mark.parametrize("name", CASES)
def test_shapes_do_not_overlap(name, layouts):
    node, out = layouts[name]
    shapes = out.shapes
    assert shapes, "a diagram draws shapes"
    for shape in shapes:
        assert CANVAS.contains(shape.box), f"{shape.role} leaves the canvas"
    if node.kind == "nested":
        assert len(shapes) == len(node.sets)
        for outer, inner in itertools.pairwise(shapes):
            assert _nested_inside(inner, outer), f"{inner.role} is not inside {outer.role}"
        return
    for a, b in itertools.combinations(shapes, 2):
        assert not a.box.overlaps(b.box), f"{a.role} overlaps {b.role}"


@pytest.mark.parametrize("name", CASES)
def test_text_stays_inside_its_shape_and_the_canvas(name, layouts):
    node, out = layouts[name]
    lines = [(block, line) for block in out.texts for line in block.lines]
    assert lines
    for block, line in lines:
        assert line.size >= MIN_TEXT, f"{line.text!r} is {line.size} px"
        assert CANVAS.contains(line.box), f"{line.text!r} leaves the canvas"
        assert block.area.contains(line.box), f"{line.text!r} leaves its text area"
        if block.shape is None:  # the title: above every shape
            assert all(line.box.bottom <= s.box.y for s in out.shapes)
            continue
        own = out.shapes[block.shape]
        assert own.contains_rect(line.box), f"{line.text!r} leaves {own.role}"
        for index, other in enumerate(out.shapes):
            if index == block.shape or (node.kind == "nested" and index < block.shape):
                continue  # its own shape, or (nested sets) a ring around it
            if node.kind == "nested":  # an inner ring: the label sits above its top
                assert line.box.bottom <= other.box.y, f"{line.text!r} runs into {other.role}"
            else:
                assert not line.box.overlaps(other.box), f"{line.text!r} overlaps {other.role}"


@pytest.mark.parametrize("name", CASES)
def test_lines_of_a_block_do_not_overlap(name, layouts):
    _, out = layouts[name]
    for block in out.texts:
        words = [line for line in block.lines if line.text != "•"]
        for a, b in itertools.pairwise(words):
            assert b.y >= a.y + a.size * 1.2 - 0.01, f"{b.text!r} overlaps {a.text!r}"


@pytest.mark.parametrize("name", CASES)
def test_arrows_run_between_shapes_not_through_them(name, layouts):
    _, out = layouts[name]
    for arrow in out.arrows:
        for (x0, y0), (x1, y1) in itertools.pairwise(arrow.points):
            for t in (i / 20 for i in range(21)):
                x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
                assert 0 <= x <= WIDTH and 0 <= y <= HEIGHT
                inside = [s.role for s in out.shapes if s.contains_point(x, y, tolerance=0)]
                assert not inside, f"an arrow crosses {inside}"


def test_connectors_join_every_part(layouts):
    assert len(layouts["hub-12"][1].arrows) == 12
    assert len(layouts["flow-12"][1].arrows) == 11
    assert len(layouts["sides"][1].arrows) == 2


def test_a_long_label_wraps_and_stays_inside(layouts):
    _, out = layouts["hub"]
    block = next(b for b in out.texts if b.lines and b.lines[0].text.startswith("A very long"))
    assert len(block.lines) >= 2
    assert " ".join(line.text for line in block.lines) == LONG
    assert not block.truncated
    assert out.shapes[block.shape].contains_rect(block.box)


def test_text_too_long_for_its_shape_is_cut_not_spilled(layouts):
    _, out = layouts["sides-long"]
    centre = next(b for b in out.texts if out.shapes[b.shape].role == "centre")
    assert centre.truncated and centre.lines[-1].text.endswith("…")
    assert out.shapes[centre.shape].contains_rect(centre.box)


def test_a_word_wider_than_its_box_is_broken(layouts):
    _, out = layouts["flow-1"]
    (block,) = out.texts
    assert len(block.lines) >= 2 and block.lines[0].text.endswith("-")
    assert out.shapes[block.shape].contains_rect(block.box)


def test_siblings_share_one_text_size(layouts):
    _, out = layouts["hub"]
    spokes = [b for b in out.texts if b.shape is not None and out.shapes[b.shape].kind == "round"]
    assert len({b.lines[0].size for b in spokes}) == 1


def test_theme_colours_are_used(layouts, style):
    _, out = layouts["hub"]
    assert out.background == style.background
    assert out.shapes[0].fill == style.accent  # the centre
    assert {s.outline for s in out.shapes[1:]} <= set(style.palette)
    assert all(line.color in (style.text, style.accent_text, style.heading)
               for b in out.texts for line in b.lines)  # fmt: skip


@pytest.fixture(scope="module")
def pngs(layouts, style, tmp_path_factory):
    folder = tmp_path_factory.mktemp("png")
    paths = {}
    for name in ("nested", "hub", "sides", "flow", "compare", "hub-12", "compare-4"):
        paths[name] = folder / f"{name}.png"
        draw_png(layouts[name][0], style, paths[name])
    return paths


@pytest.mark.parametrize("name", ["nested", "hub", "sides", "flow", "compare", "hub-12"])
def test_png_is_full_size_with_a_clear_border(name, pngs, style):
    with Image.open(pngs[name]) as image:
        assert image.size == (WIDTH, HEIGHT)
        rgb = image.convert("RGB")
    background = tuple(int(style.background[i : i + 2], 16) for i in (1, 3, 5))
    border = [(x, y) for x in range(0, WIDTH, 7) for y in (0, 1, HEIGHT - 2, HEIGHT - 1)]
    border += [(x, y) for y in range(0, HEIGHT, 7) for x in (0, 1, WIDTH - 2, WIDTH - 1)]
    assert {rgb.getpixel(p) for p in border} == {background}


@pytest.mark.parametrize("name", ["nested", "hub", "sides", "flow", "compare", "compare-4"])
def test_png_shows_the_text_where_the_layout_put_it(name, pngs, layouts):
    _, out = layouts[name]
    with Image.open(pngs[name]) as image:
        rgb = image.convert("RGB")
    for block in out.texts:
        for line in block.lines:
            box = line.box
            crop = rgb.crop((int(box.x), int(box.y), int(box.right) + 1, int(box.bottom) + 1))
            colour = tuple(int(line.color[i : i + 2], 16) for i in (1, 3, 5))
            ink = dict((c, n) for n, c in crop.getcolors(1 << 16) or []).get(colour, 0)
            assert ink > 10, f"no ink for {line.text!r}"
    # Antialiased: edges blend, so there are far more colours than the theme has.
    assert len(rgb.getcolors(1 << 16) or []) > 40


def test_png_text_is_large_enough_to_read_when_projected(layouts):
    sizes = [line.size for _, out in layouts.values() for b in out.texts for line in b.lines]
    assert min(sizes) >= 28
    _, nested = layouts["nested"]
    assert max(line.size for b in nested.texts[1:] for line in b.lines) >= 48


ALT = {
    "nested": "Where GenAI sits. Nested sets: Artificial Intelligence contains Machine Learning, "
    "which contains Deep Learning, which contains Generative AI.",
    "nested-1": "Nested sets: Alone (one, two).",
    "hub-1": "Hub and spokes: Centre at the centre, connected to Only spoke.",
    "sides": "A mental model. Foundation models (LLMs, LMMs) in the centre, between Builder's "
    "perspective (Pretrain, Fine-tune) on the left and User's perspective on the right.",
    "flow": "Curriculum. Flow of 3 steps: 1. Write; 2. Build; 3. Present.",
    "compare": "Do we need both sides? Comparison of Builder and User. "
    "Builder: Research, Big compute. User: Apps, Prompting.",
}


@pytest.mark.parametrize("name", ALT)
def test_alt_text_is_written_from_the_data(name, layouts):
    node, _ = layouts[name]
    assert describe(node) == ALT[name]


def test_alt_text_drops_inline_markup():
    node = DIAGRAM.validate_python({"kind": "flow", "steps": ["**Bold** step", "`code`"]})
    assert describe(node) == "Flow of 2 steps: 1. Bold step; 2. code."
