"""The HTML deck passes axe-core on every slide and as a document, and can be zoomed."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe import axe_violations, describe
from conftest import GENAI, chromium_browser, run_cli
from screenshots import SHOW_SLIDE, open_deck, serve_folder

# Fragments and slides fade in: checked mid-fade, text would have a lower contrast than it has.
NO_TRANSITIONS = "*, ::before, ::after { transition: none !important; animation: none !important }"


@pytest.fixture(scope="module")
def genai(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("axe")
    result = run_cli("build", GENAI, "--format", "qmd,html", "--out", out)
    assert result.returncode == 0, result.stderr
    return out / GENAI.name


def test_every_slide_of_the_deck_passes_axe(genai) -> None:
    with chromium_browser("axe-core") as browser, serve_folder(genai) as base:
        page = open_deck(browser, f"{base}/{GENAI.name}.html")
        page.add_style_tag(content=NO_TRANSITIONS)
        found = {}
        total = page.evaluate("Reveal.getTotalSlides()")
        assert total > 20
        for index in range(total):
            slide = page.evaluate(SHOW_SLIDE, index)
            violations = axe_violations(page)
            if violations:
                found[slide] = describe(violations)
        assert not found, "\n".join(f"slide {k}:\n{v}" for k, v in found.items())


def test_the_page_can_be_zoomed(genai) -> None:
    with chromium_browser("axe-core") as browser, serve_folder(genai) as base:
        page = open_deck(browser, f"{base}/{GENAI.name}.html")
        viewport = page.evaluate("document.querySelector('meta[name=viewport]').content")
        assert "user-scalable" not in viewport and "maximum-scale" not in viewport
        assert not [v for v in axe_violations(page) if v["id"] == "meta-viewport"]
        # The check itself works: the viewport of pandoc's and Quarto's templates fails it.
        page.evaluate(
            "document.querySelector('meta[name=viewport]').content ="
            " 'width=device-width, initial-scale=1.0, maximum-scale=1.0, user-scalable=no'"
        )
        assert [v for v in axe_violations(page) if v["id"] == "meta-viewport"]
    # The file itself too, before any script runs.
    page_source = (genai / f"{GENAI.name}.html").read_text("utf-8")
    assert "user-scalable=no" not in page_source and "maximum-scale" not in page_source
