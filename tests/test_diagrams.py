"""Diagrams drawn from data: geometry (no overlap, text inside its shape), the PNG, the alt text.

Every case is laid out for two rooms: a whole slide body less a caption, and a column.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from slides import model
from slides.diagrams import BODY, WIDTH, Style, describe, draw_png, layout
from slides.diagrams.layout import GROWTH, MARGIN, MIN_TEXT, UNIT_PT, Layout, Rect, Shape
from slides.diagrams.shapes import TextBlock
from slides.place import geometry
from slides.theme import load_theme


def diagram(data: dict) -> model.DiagramBase:
    return model.convert(data, model.Diagram)


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
    "flow-1": {"kind": "flow", "steps": ["Supercalifragilisticexpialidocious" * 2]},
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


# A whole slide body less a one-line caption, and the right column under the same caption.
ROOMS = {
    "body": (BODY[0], BODY[1] - 30.0),
    "column": (geometry.column_boxes()[1].w, BODY[1] - 30.0),
}
LAID_OUT = [f"{name}@{room}" for name in CASES for room in ROOMS]


@pytest.fixture(scope="module")
def layouts(style) -> dict[str, tuple[model.DiagramBase, Layout]]:
    out = {}
    for name, data in CASES.items():
        for room, size in ROOMS.items():
            node = diagram(data)
            out[f"{name}@{room}"] = (node, layout(node, style, size))
    for name in CASES:  # the plain name is the whole-slide layout
        out[name] = out[f"{name}@body"]
    return out


def _canvas(out: Layout) -> Rect:
    return Rect(0, 0, out.width, out.height)


def _nested_inside(inner: Shape, outer: Shape) -> bool:
    """Every point of the inner ellipse's edge lies strictly inside the outer one."""
    b = outer.box
    a, c = b.w / 2, b.h / 2
    return all(
        ((x - b.cx) / a) ** 2 + ((y - b.cy) / c) ** 2 < 0.995 for x, y in inner.outline_points()
    )


@pytest.mark.parametrize("name", LAID_OUT)
def test_shapes_do_not_overlap(name, layouts):
    node, out = layouts[name]
    shapes = out.shapes
    assert shapes, "a diagram draws shapes"
    for shape in shapes:
        assert _canvas(out).contains(shape.box), f"{shape.role} leaves the canvas"
    if node.kind == "nested":
        assert len(shapes) == len(node.sets)
        for outer, inner in itertools.pairwise(shapes):
            assert _nested_inside(inner, outer), f"{inner.role} is not inside {outer.role}"
        return
    for a, b in itertools.combinations(shapes, 2):
        assert not a.box.overlaps(b.box), f"{a.role} overlaps {b.role}"


@pytest.mark.parametrize("name", LAID_OUT)
def test_text_stays_inside_its_shape_and_the_canvas(name, layouts):
    node, out = layouts[name]
    lines = [(block, line) for block in out.texts for line in block.lines]
    assert lines
    for block, line in lines:
        assert line.size >= MIN_TEXT, f"{line.text!r} is {line.size} units"
        assert _canvas(out).contains(line.box), f"{line.text!r} leaves the canvas"
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


@pytest.mark.parametrize("name", LAID_OUT)
def test_lines_of_a_block_do_not_overlap(name, layouts):
    _, out = layouts[name]
    for block in out.texts:
        words = [line for line in block.lines if line.text != "•"]
        for a, b in itertools.pairwise(words):
            assert b.y >= a.y + a.size * 1.2 - 0.01, f"{b.text!r} overlaps {a.text!r}"


@pytest.mark.parametrize("name", LAID_OUT)
def test_arrows_run_between_shapes_not_through_them(name, layouts):
    _, out = layouts[name]
    for arrow in out.arrows:
        for (x0, y0), (x1, y1) in itertools.pairwise(arrow.points):
            for t in (i / 20 for i in range(21)):
                x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
                assert 0 <= x <= out.width and 0 <= y <= out.height
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


def test_a_word_wider_than_its_box_is_cut_never_broken_inside(layouts):
    _, out = layouts["flow-1@body"]
    (block,) = out.texts
    assert len(block.lines) == 1, "on a whole slide, a smaller size keeps the word whole"
    assert not block.truncated
    _, out = layouts["flow-1@column"]
    (block,) = out.texts
    word = CASES["flow-1"]["steps"][0]
    [line] = block.lines  # not the rest of the word on a line of its own
    assert block.truncated and line.text.endswith("…") and word.startswith(line.text[:-1])
    assert line.size == MIN_TEXT, "cut at the smallest size, which shows the most of it"
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


PAINTED = ["nested", "hub", "sides", "flow", "compare", "hub-12", "compare-4"]
PAINTED += ["hub@column", "sides@column", "flow-12@column"]


@pytest.fixture(scope="module")
def pngs(layouts, style, tmp_path_factory):
    folder = tmp_path_factory.mktemp("png")
    paths = {}
    for name in PAINTED:
        room = ROOMS[name.partition("@")[2] or "body"]
        paths[name] = folder / f"{name}.png"
        assert draw_png(layouts[name][0], style, paths[name], room) == layouts[name][1].pixels
    return paths


@pytest.mark.parametrize("name", PAINTED)
def test_png_is_the_layouts_size_with_a_clear_border(name, pngs, layouts, style):
    with Image.open(pngs[name]) as image:
        assert image.size == layouts[name][1].pixels
        rgb = image.convert("RGB")
    width, height = rgb.size
    assert width >= WIDTH and 4 / 3 - 0.01 <= width / height <= 3 + 0.01
    background = tuple(int(style.background[i : i + 2], 16) for i in (1, 3, 5))
    border = [(x, y) for x in range(0, width, 7) for y in (0, 1, height - 2, height - 1)]
    border += [(x, y) for y in range(0, height, 7) for x in (0, 1, width - 2, width - 1)]
    assert {rgb.getpixel(p) for p in border} == {background}


@pytest.mark.parametrize("name", PAINTED)
def test_png_shows_the_text_where_the_layout_put_it(name, pngs, layouts):
    _, out = layouts[name]
    with Image.open(pngs[name]) as image:
        rgb = image.convert("RGB")
    z = out.zoom

    def ink(box: Rect, colour: tuple[int, ...]) -> int:
        crop = rgb.crop((round(box.x * z), round(box.y * z), round(box.right * z),
                         round(box.bottom * z)))  # fmt: skip
        return dict((c, n) for n, c in crop.getcolors(1 << 16) or []).get(colour, 0)

    for block in out.texts:
        for line in block.lines:
            colour = tuple(int(line.color[i : i + 2], 16) for i in (1, 3, 5))
            inside = ink(line.box, colour)
            assert inside > 10, f"no ink for {line.text!r}"
            # Painted at the size it was measured at: no ink beside the measured width.
            wider = ink(line.box.inset(-4, 0), colour)
            assert wider - inside <= max(3, inside * 0.01), f"{line.text!r} is wider than measured"
    # Antialiased: edges blend, so there are far more colours than the theme has.
    assert len(rgb.getcolors(1 << 16) or []) > 40


def _shown(name: str, out: Layout) -> float:
    """Points on the slide per layout unit, once the picture is scaled into its room."""
    room = ROOMS[name.partition("@")[2]]
    return min(room[0] / out.width, room[1] / out.height)


# The cases whose text fits: their pictures keep every label at 16 pt or more on the slide.
ROOMY = ["nested", "nested-1", "hub", "hub-1", "sides", "flow", "flow-1", "compare"]
ROOMY += ["compare-empty"]


@pytest.mark.parametrize("name", [f"{n}@{r}" for n in ROOMY for r in ROOMS])
def test_labels_are_at_least_16_pt_on_the_slide(name, layouts):
    _, out = layouts[name]
    smallest = min(line.size for b in out.texts for line in b.lines)
    assert smallest * _shown(name, out) >= 16 - 0.2, f"{smallest} units at {_shown(name, out)}"


@pytest.mark.parametrize("name", LAID_OUT)
def test_crowded_diagrams_shrink_at_most_to_the_last_growth(name, layouts):
    _, out = layouts[name]
    smallest = min(line.size for b in out.texts for line in b.lines)
    assert smallest * _shown(name, out) >= 16 / GROWTH[-1] - 0.2


@pytest.mark.parametrize("name", LAID_OUT)
def test_the_picture_fills_its_room_without_empty_bands(name, layouts):
    _, out = layouts[name]
    room = ROOMS[name.partition("@")[2]]
    # Scaled into its room, the picture is as wide as the room (no bands left and right) ...
    assert out.width * _shown(name, out) >= room[0] * 0.99
    # ... and no taller than the drawing and its margin (or the 3:1 it is padded to).
    drawn = out.bounds()
    assert out.height <= max(drawn.h + 2 * MARGIN, out.width / 3) + 1
    assert 4 / 3 - 0.01 <= out.width / out.height <= 3 + 0.01
    # The drawing sits in the middle of its canvas.
    assert abs(drawn.cx - out.width / 2) < 1 and abs(drawn.cy - out.height / 2) < 1


def test_a_whole_slide_diagram_is_1920_units_wide_and_a_column_one_drawn_larger(layouts):
    _, body = layouts["sides@body"]
    _, column = layouts["sides@column"]
    assert (body.width, body.zoom) == (WIDTH, 1.0)
    assert round(body.width * UNIT_PT) == BODY[0]
    assert column.pixels[0] == WIDTH and column.zoom > 2  # 920 units drawn 1920 px wide


def test_a_column_stacks_the_sides_and_a_lone_spoke_sits_beside_its_centre(layouts):
    _, sides = layouts["sides@column"]
    left, centre, right = (next(s.box for s in sides.shapes if s.role == r)
                           for r in ("left", "centre", "right"))  # fmt: skip
    assert left.bottom < centre.y and centre.bottom < right.y
    _, hub = layouts["hub-1@body"]
    centre, spoke = hub.shapes
    assert abs(centre.box.cy - spoke.box.cy) < 1 and spoke.box.x > centre.box.right
    assert hub.width / hub.height >= 3 - 0.01  # wide, not a tall picture with bands


def test_whole_words_are_kept_when_a_smaller_size_fits(layouts):
    for name in ("hub@column", "sides@column", "hub@body", "flow@column"):
        _, out = layouts[name]
        broken = [ln.text for b in out.texts for ln in b.lines if ln.text.endswith("-")]
        assert not broken, f"{name}: {broken}"


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
    node = diagram({"kind": "flow", "steps": ["**Bold** step", "`code`"]})
    assert describe(node) == "Flow of 2 steps: 1. Bold step; 2. code."


# --- random diagrams -----------------------------------------------------------------------

label = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn", "Zl", "Zp")),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip() and s == s.strip())
part = st.one_of(
    label,
    st.fixed_dictionaries({"label": label, "items": st.lists(label, max_size=4)}),
)
parts = st.lists(part, min_size=1, max_size=12)
diagrams = st.one_of(
    st.fixed_dictionaries(
        {"kind": st.just("nested"), "sets": st.lists(part, min_size=1, max_size=8)}
    ),
    st.fixed_dictionaries({"kind": st.just("hub"), "centre": label, "spokes": parts}),
    st.fixed_dictionaries({"kind": st.just("flow"), "steps": parts}),
    st.fixed_dictionaries({"kind": st.just("sides"), "centre": part, "left": part, "right": part}),
    st.fixed_dictionaries(
        {
            "kind": st.just("compare"),
            "columns": st.lists(
                st.fixed_dictionaries({"label": label, "items": st.lists(label, max_size=5)}),
                min_size=2,
                max_size=4,
            ),
        }
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=diagrams,
    title=st.one_of(st.none(), label),
    room=st.sampled_from(list(ROOMS.values())) | st.tuples(st.just(414.0), st.floats(150, 380)),
)
def test_random_diagrams_lay_out_inside_their_canvas(data, title, room, style):
    """Any diagram, in any room, lays out: shapes apart, text inside them, canvas in bounds."""
    node = diagram({**data, "title": title})
    out = layout(node, style, room)
    canvas = _canvas(out)
    assert out.pixels[0] >= WIDTH and 4 / 3 - 0.01 <= out.width / out.height <= 3 + 0.01
    for shape in out.shapes:
        assert canvas.contains(shape.box), shape.role
    if node.kind != "nested":
        for a, b in itertools.combinations(out.shapes, 2):
            assert not a.box.overlaps(b.box), f"{a.role} overlaps {b.role}"
    for block in out.texts:
        for line in block.lines:
            assert line.size >= MIN_TEXT and canvas.contains(line.box), line.text
            if block.shape is not None:
                assert out.shapes[block.shape].contains_rect(line.box), line.text
        assert_whole_words(block)


def assert_whole_words(block: TextBlock) -> None:
    """No word broken inside: each word drawn is one of the text's, or its start cut with '…';
    a block not marked cut shows every word of its text."""
    words = [word for para in block.paras for word in para.text.split()]
    shown = [word for line in block.lines if line.text != "•" for word in line.text.split()]
    for word in shown:
        cut = word.endswith("…") and any(w.startswith(word[:-1]) for w in words)
        assert word in words or cut, (word, words)
    if not block.truncated:
        assert shown == words


def test_three_word_spokes_in_a_column_keep_every_word_whole(style):
    """The hub of a two-column slide: its spokes turn to the corners, where a box is nearly
    half the drawing wide, rather than 'Sentime-' 'nt' or 'genera…' on the ellipse."""
    spokes = [
        "Text alpha generation",
        "Sentiment alpha analysis",
        "Summarisation alpha",
        "Question alpha answering",
    ]
    node = diagram({"kind": "hub", "centre": "LLM alpha", "spokes": spokes})
    out = layout(node, style, ROOMS["column"])
    for block in out.texts:
        assert not block.truncated and block.lines[0].size >= MIN_TEXT
        assert_whole_words(block)
    boxes = [shape.box for shape in out.shapes if shape.kind == "round"]
    assert len({round(b.cy) for b in boxes}) == 2, "two rows of two: the corners"


def test_a_label_that_cannot_fit_whole_is_cut_and_reported(style):
    from slides.diagrams import cut_labels

    node = diagram({"kind": "hub", "centre": "LLM", "spokes": ["Incomprehensibilities"] * 5})
    out = layout(node, style, (geometry.column_boxes()[1].w, 150.0))
    cut = cut_labels(out)
    assert cut and all(label == "Incomprehensibilities" for label, _ in cut)
    for label, shown in cut:
        assert shown.endswith("…") and label.startswith(shown[:-1])


@settings(max_examples=60, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(["Text", "generation", "of", "Sentiment", "analysis", "a", "LLMs", "—"]),
        max_size=8,
    ).map(" ".join),
    widths=st.lists(st.floats(0, 1200), min_size=1, max_size=12),
    size=st.sampled_from([36, 44, 52]),
    cut=st.booleans(),
)
def test_remembered_wraps_are_the_wraps(style: Style, text, widths, size, cut) -> None:
    """A text wrapped at many widths by one Fonts (which remembers each wrap with the range of
    widths it holds for) gets the very lines a fresh wrap at that width gets."""
    from slides.diagrams.text_fit import Fonts, _wrap

    remembering = Fonts.of(style)
    for width in widths:
        fresh = _wrap(text, width, size, True, Fonts.of(style), cut)
        assert _wrap(text, width, size, True, remembering, cut) == fresh, width
