"""Theme colours are checked against WCAG 2.1 AA before anything is built."""

from dataclasses import replace

import pytest

from slides.contrast import check_contrast, ratio, readable_on
from slides.errors import ContentError
from slides.theme import load_theme, theme_names


def test_ratio_matches_wcag_reference_values() -> None:
    assert ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


def test_default_theme_passes() -> None:
    check_contrast(load_theme("default"))


def test_low_contrast_theme_is_refused_naming_the_pair() -> None:
    theme = load_theme("default")
    pale = replace(theme, colors={**theme.colors, "text": "#BBBBBB"})
    with pytest.raises(ContentError) as caught:
        check_contrast(pale)
    message = str(caught.value)
    assert "text #BBBBBB on background #FFFFFF has contrast 1.92:1" in message
    assert "body text need at least 4.5:1" in message
    suggested = message.split('text: "')[1].rstrip('"')
    assert 4.5 <= ratio(suggested, "#FFFFFF") < 4.7  # passes, and barely: the nearest


def test_text_on_palette_fills_is_readable() -> None:
    theme = load_theme("default")
    for fill in theme.palette:
        assert ratio(readable_on(fill, theme), fill) >= 3.0, fill


@pytest.mark.parametrize("name", theme_names())
def test_every_built_in_theme_passes_and_its_handout_ink_reads_on_paper(name: str) -> None:
    from slides.contrast import BODY, PAPER, on_paper, ratio

    theme = load_theme(name)  # refused if a pair fails
    ink = on_paper(theme)
    assert all(ratio(colour, PAPER) >= BODY for colour in ink.values()), ink
    as_they_are = {role: theme.color(role) for role in ink}
    if ratio(theme.color("background"), PAPER) < 1.5:  # a light theme: its colours, unchanged
        assert ink == as_they_are
    else:  # a dark one: its light text made dark enough for paper
        assert ink["text"] != as_they_are["text"]


def test_the_dark_theme_is_dark() -> None:
    from slides.contrast import luminance

    theme = load_theme("dark")
    assert luminance(theme.color("background")) < 0.05 < luminance(theme.color("text"))
