"""The fitter: body sizes 28 → 18 pt from measured text, and splitting what cannot fit."""

from __future__ import annotations

import itertools
import time

import pytest
from conftest import GENAI, SAMPLE
from hypothesis import given, settings
from hypothesis import strategies as st

from slides import model
from slides.deck import plan
from slides.inline import Span
from slides.load import load_lecture
from slides.place import fit, geometry, measure, paragraphs
from slides.place.fit import Fitter
from slides.place.paragraphs import Para


@pytest.fixture(scope="module")
def fitter() -> Fitter:
    return Fitter.for_theme("default")


def slide(**body) -> model.Slide:
    return model.convert({"title": "A slide", "notes": "Notes.", **body}, model.Slide)


LONG = "a bullet long enough to wrap onto a second line when the body text is large"


def test_a_normal_slide_stays_one_frame_at_the_largest_size(fitter: Fitter) -> None:
    s = slide(bullets=["One", "Two", {"text": "Three", "items": ["Three a"]}])
    parts, warnings = fitter.fit(s, "topics[0].slides[0]")
    assert parts == [(s, 28.0)]
    assert warnings == []


def test_a_fuller_slide_gets_the_largest_size_that_fits(fitter: Fitter) -> None:
    s = slide(bullets=[f"{LONG} ({i})" for i in range(6)])
    [(part, size)], warnings = fitter.fit(s, "x")
    assert part is s and warnings == []
    assert fit.MIN_BODY_PT <= size < fit.MAX_BODY_PT
    assert fitter.fits(s, size)
    assert not fitter.fits(s, size + 2)  # the largest size: one step up overflows


def test_far_too_many_bullets_split_into_parts_that_fit(fitter: Fitter) -> None:
    items = [f"{LONG} ({i})" for i in range(40)]
    s = slide(bullets=items)
    parts, warnings = fitter.fit(s, "topics[1].slides[2]")
    assert len(parts) > 1
    for part, size in parts:
        assert size >= fit.MIN_BODY_PT
        assert fitter.fits(part, size)
        assert part.title == s.title and part.notes == s.notes
    # Every bullet once, in order; the parts come out even (no part of a single straggler).
    assert [b for part, _ in parts for b in part.bullets] == items
    counts = [len(part.bullets) for part, _ in parts]
    assert max(counts) - min(counts) <= 1
    [message] = [w for w in warnings if "split" in w.message]
    assert message.path == "topics[1].slides[2]" and message.severity == "warning"
    assert "'A slide'" in message.message and f"{len(parts)} continued slides" in message.message


def test_split_modules_keep_their_numbers(fitter: Fitter) -> None:
    modules = [
        {"title": f"Module {i}", "items": [f"Step {j}: {LONG}" for j in range(3)]} for i in range(8)
    ]
    s = slide(modules=modules, start=3)
    parts, _ = fitter.fit(s, "x")
    assert len(parts) > 1
    starts = [part.start for part, _ in parts]
    sizes = [len(part.modules) for part, _ in parts]
    assert starts[0] == 3
    assert starts == [3 + sum(sizes[:i]) for i in range(len(parts))]
    first = paragraphs.module_paras(parts[1][0].modules, parts[1][0].start, 20.0)[0]
    assert first.spans[0].text == f"{starts[1]}. "


def test_split_tables_repeat_the_header_and_code_splits_by_lines(fitter: Fitter) -> None:
    table = slide(
        table={"header": ["Tool", "Output"], "rows": [[f"t{i}", LONG] for i in range(30)]}
    )
    parts, _ = fitter.fit(table, "x")
    assert len(parts) > 1
    assert all(p.table.header == ["Tool", "Output"] for p, _ in parts)
    assert [r for p, _ in parts for r in p.table.rows] == table.table.rows
    source = "\n".join(f"    line_{i} = compute({i})  # keep    spacing" for i in range(60))
    code = slide(code={"language": "python", "source": source})
    parts, _ = fitter.fit(code, "x")
    assert len(parts) > 1 and all(size >= fit.MIN_BODY_PT for _, size in parts)
    assert "\n".join(p.code.source for p, _ in parts) == source


def test_one_item_too_big_to_split_shrinks_below_the_minimum_with_a_warning(
    fitter: Fitter,
) -> None:
    s = slide(quote={"text": " ".join([LONG] * 30), "attribution": "Someone"})
    [(part, size)], warnings = fitter.fit(s, "x")
    assert size < fit.MIN_BODY_PT and fitter.fits(part, size)
    assert any("cannot be split" in w.message for w in warnings)


def test_a_bullet_too_long_for_any_slide_continues_on_the_next(fitter: Fitter) -> None:
    words = [f"word{i}" for i in range(1500)]
    s = slide(bullets=["First", {"text": " ".join(words), "items": ["child"]}])
    parts, warnings = fitter.fit(s, "x")
    assert len(parts) > 2 and all(fitter.fits(p, size) for p, size in parts)
    assert all(size >= fit.MIN_BODY_PT for _, size in parts)
    texts = [model.as_bullet(b).text for p, _ in parts for b in p.bullets]
    assert " ".join(texts).replace(" …", "").split() == ["First", *words]
    assert model.as_bullet(parts[-1][0].bullets[-1]).items == ["child"]
    assert any("split into" in w.message for w in warnings)


def test_a_long_code_line_is_wrapped_onto_continued_slides(fitter: Fitter) -> None:
    s = slide(code={"source": "x = '" + "y" * 6000 + "'"})
    parts, _ = fitter.fit(s, "x")
    assert len(parts) > 1 and all(fitter.fits(p, size) for p, size in parts)
    assert "".join(p.code.source.replace("\n", "") for p, _ in parts) == s.code.source


def test_content_that_fits_no_slide_is_an_error(fitter: Fitter) -> None:
    s = slide(table={"header": ["a"], "rows": [[" ".join(["cell"] * 3000)]]})
    _, problems = fitter.fit(s, "topics[0].slides[0]")
    [error] = [p for p in problems if p.severity == "error"]
    assert "cannot fit on slides even at 10 pt" in error.message


def test_long_titles_shrink_and_wrap_to_two_lines(fitter: Fitter) -> None:
    assert fitter.title_pt("Short") == (fit.TITLE_MAX_PT, True)
    long = "A title that goes on and on about many things, far longer than one line of a slide"
    size, fits = fitter.title_pt(long)
    assert fits and fit.TITLE_MIN_PT <= size < fit.TITLE_MAX_PT
    box = geometry.title_box()
    lines = fitter.wrap(paragraphs.title_para(long, size), box.w)
    assert len(lines) <= fit.TITLE_MAX_LINES
    assert len(lines) * size * paragraphs.TITLE_LINE_SPACING <= box.h
    _, warnings = fitter.fit(model.Slide(title=long * 3, notes="n", bullets=["x"]), "x")
    assert any("title" in w.message for w in warnings)


words = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMWQ0123456789.,;:()-'"),
    min_size=1,
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(words, min_size=1, max_size=40),
    st.sampled_from(fit.SIZES),
    st.floats(min_value=120.0, max_value=864.0),
    st.sampled_from([(False, False), (True, False), (False, True)]),
    st.integers(min_value=0, max_value=2),
)
def test_measured_wrapping_never_exceeds_the_box_width(
    fitter: Fitter, text: list[str], size: float, width: float, style, level: int
) -> None:
    bold, italic = style
    para = Para(
        (Span(" ".join(text)),),
        size,
        left=paragraphs.INDENT * size * level,
        bold=bold,
        italic=italic,
    )
    lines = fitter.wrap(para, width)
    for line, _ in lines:
        # Re-measured as a whole line (not word by word) with the real font.
        assert fitter.measure(line, size, bold, False, italic=italic) <= width - para.left + 0.01
    # Wrapping loses and invents nothing: the words come back in order.
    assert "".join(line for line, _ in lines).replace(" ", "") == "".join(text)


def test_code_wrapping_keeps_whitespace_and_fits(fitter: Fitter) -> None:
    line = "    x = call(a,    b)  " + "# a comment " * 12
    para = fitter.code_paras(model.Code(source=line), 18.0)[0]
    lines = fitter.wrap(para, 400.0)
    assert len(lines) > 1
    assert lines[0][0].startswith("    x = call(a,    b)")
    # The first line starts at the box's edge; continuations at the line's indentation.
    indent = fitter.measure("    ", 18.0, False, True)
    assert para.left == para.lead == pytest.approx(indent, rel=1e-3)
    assert fitter.measure(lines[0][0], 18.0, False, True) <= 400.0
    for text, _ in lines[1:]:
        assert fitter.measure(text, 18.0, False, True) <= 400.0 - para.left


def test_mixed_styles_are_measured_with_their_own_fonts(fitter: Fitter) -> None:
    plain_para = Para((Span("measure these words"),), 24.0)
    bold_para = Para((Span("measure these words", bold=True),), 24.0)
    code_para = Para((Span("measure these words", code=True),), 24.0)
    widths = [fitter.wrap(p, 1e6)[0][1] for p in (plain_para, bold_para, code_para)]
    assert widths[0] < widths[1]
    # Code is monospace: a word is as wide as its number of characters in one advance.
    advance = fitter.width("m", 24.0, mono=True)
    ((_, code_width),) = fitter.wrap(Para((Span("measure", code=True),), 24.0), 1e6)
    assert code_width == pytest.approx(len("measure") * advance, rel=0.001)


def test_planning_a_whole_lecture_is_fast() -> None:
    folder = GENAI if (GENAI / "lecture.yaml").is_file() else SAMPLE
    lecture, _ = load_lecture(folder)
    measured = fit.Fitter.for_theme(lecture.theme).measure
    for bold, mono, italic in itertools.product((False, True), repeat=3):
        measured("load the font files", 10.0, bold, mono, italic=italic)
    fresh = Fitter(measured)  # an empty word cache, as on a first build
    start = time.process_time()  # CPU time: other processes on the machine do not count
    deck = plan(lecture, fresh)
    elapsed = time.process_time() - start
    assert len(deck.frames) > 10
    assert elapsed < 0.1, f"planning took {elapsed * 1000:.0f} ms"


def test_table_columns_fill_the_width_and_hold_their_longest_word(fitter: Fitter) -> None:
    table = model.Table(
        header=["Tool", "What it makes", "Notes"],
        rows=[["tool-1", LONG, "short"], ["pandoc", LONG + " " + LONG, "x"]],
    )
    for size in (24.0, 18.0):
        widths, heights = fitter.table_layout(table, size, 864.0)
        assert sum(widths) == pytest.approx(864.0)
        for c, w in enumerate(widths):
            for r, row in enumerate([table.header, *table.rows]):
                para = paragraphs.cell_para(row[c], size, header=r == 0)
                for _, pieces in measure.words(para):
                    word = sum(fitter.width(t, size, b, i, m) for t, b, i, m in pieces)
                    assert word <= (w - 2 * geometry.CELL_PAD_X) * measure.SAFETY
        # The short columns stay on one line; the long one wraps.
        assert heights[0] == pytest.approx(size * paragraphs.LINE_SPACING + 2 * geometry.CELL_PAD_Y)
        assert heights[2] > heights[1] >= heights[0]


def test_a_caption_that_crowds_out_its_picture_warns_without_splitting(fitter: Fitter) -> None:
    image = model.Image(src="images/x.png", alt="x", caption=" ".join([LONG] * 20))
    parts, warnings = fitter.fit(slide(image=image), "x")
    assert parts == [(slide(image=image), fit.MAX_BODY_PT)]
    assert any("caption" in w.message for w in warnings)
    columns = [{"bullets": ["One", "Two"]}, {"image": image}]
    parts, warnings = fitter.fit(slide(columns=columns), "x")
    assert len(parts) == 1 and any("caption" in w.message for w in warnings)
    short = model.Image(src="images/x.png", alt="x", caption="A short caption")
    assert fitter.fit(slide(image=short), "x")[1] == []


def agenda_height(fitter: Fitter, titles: list[str], size: float, part: tuple[int, int]) -> float:
    start, stop = part
    paras = paragraphs.agenda_paras(titles[start:stop], size, start + 1)
    return fitter.height(paras, geometry.body_box().w)


def test_a_long_agenda_shrinks_until_it_fits(fitter: Fitter) -> None:
    assert fitter.agenda(["One topic", "Another"]) == (fit.MAX_BODY_PT, [(0, 2)])
    many = [f"Topic number {i} with a longer name than most" for i in range(10)]
    size, parts = fitter.agenda(many)
    assert parts == [(0, 10)] and size < fit.MAX_BODY_PT
    box = geometry.body_box()
    assert agenda_height(fitter, many, size, parts[0]) <= box.h
    bigger = fit.AGENDA_SIZES[fit.AGENDA_SIZES.index(size) - 1]
    assert agenda_height(fitter, many, bigger, parts[0]) > box.h


@pytest.mark.parametrize("count", [25, 40, 70])
def test_a_too_long_agenda_continues_evenly_over_the_fewest_slides(
    fitter: Fitter, count: int
) -> None:
    """Parts in order, every topic once, lengths one apart; each part fits at the common size,
    some part not at the next size up, and one part fewer does not fit even at the floor."""
    titles = [f"Topic number {i} about something" for i in range(1, count + 1)]
    size, parts = fitter.agenda(titles)
    assert len(parts) > 1
    assert [i for start, stop in parts for i in range(start, stop)] == list(range(count))
    assert max(b - a for a, b in parts) - min(b - a for a, b in parts) <= 1
    box = geometry.body_box()
    assert all(agenda_height(fitter, titles, size, part) <= box.h for part in parts)
    if size < fit.AGENDA_SIZES[0]:
        bigger = fit.AGENDA_SIZES[fit.AGENDA_SIZES.index(size) - 1]
        assert any(agenda_height(fitter, titles, bigger, part) > box.h for part in parts)
    fewer = fit.even_parts(count, len(parts) - 1)
    floor = fit.AGENDA_SIZES[-1]
    assert any(agenda_height(fitter, titles, floor, part) > box.h for part in fewer)


@given(st.integers(min_value=0, max_value=300), st.integers(min_value=1, max_value=40))
def test_even_parts_cover_everything_once_longest_first(total: int, count: int) -> None:
    parts = fit.even_parts(total, count)
    assert len(parts) == count
    assert [i for a, b in parts for i in range(a, b)] == list(range(total))
    lengths = [b - a for a, b in parts]
    assert lengths == sorted(lengths, reverse=True) and lengths[0] - lengths[-1] <= 1


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(words, min_size=1, max_size=30), min_size=1, max_size=12),
    st.sampled_from(fit.AGENDA_SIZES),
    st.floats(min_value=120.0, max_value=864.0),
    st.floats(min_value=10.0, max_value=600.0),
)
def test_within_says_what_the_height_says(
    fitter: Fitter, texts: list[list[str]], size: float, width: float, limit: float
) -> None:
    """The one-line-a-paragraph shortcut never changes an answer: `within` is `height <= limit`,
    at limits on either side of the real height and of the shortcut's lower bound."""
    paras = [Para((Span(" ".join(t)),), size, gap=size * 0.3) for t in texts]
    height = fitter.height(paras, width)
    for at in (limit, height, height - 1e-9, sum(p.line for p in paras)):
        assert fitter.within(paras, width, at) == (height <= at)
