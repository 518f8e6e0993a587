"""`logo_on: every`: the theme's logo on every slide of every output, clear of text, counted by
parity; alt text on the title slide, the repeats decorative."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE, chromium_browser, copy_lecture, libreoffice_convert, require, run_cli
from test_fonts import words_by_page
from test_theme_folders import make_theme

from slides.build import plan_lecture
from slides.parity import check_outputs, read_html
from slides.place import geometry
from slides.render.qmd import px

DECORATIVE = "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The sample lecture built with a theme whose logo is on every slide: (out, lecture, theme)."""
    tmp = tmp_path_factory.mktemp("logo-every")
    theme = make_theme(tmp / "crest")
    with (theme / "theme.yaml").open("a", encoding="utf-8") as file:
        file.write("logo_on: every\n")
    folder = copy_lecture(SAMPLE, tmp)
    out = tmp / "out"
    result = run_cli(
        "build", folder, "--theme", theme, "--format", "pptx,html,handout", "--out", out
    )
    assert result.returncode == 0, result.stderr
    return out / folder.name, folder, theme


def test_the_pptx_has_the_logo_on_every_slide_clear_of_text(built, tmp_path) -> None:
    from pptx import Presentation

    out, folder, theme = built
    logo = (theme / "crest.png").read_bytes()
    deck = Presentation(str(out / f"{folder.name}.pptx"))
    pictures = [[s for s in slide.shapes if s.shape_type == 13] for slide in deck.slides]
    logos = [[p for p in found if p.image.blob == logo] for found in pictures]
    assert [len(found) for found in logos] == [1] * len(deck.slides)
    names = [found[0]._element.nvPicPr.cNvPr for found in logos]
    assert names[0].get("descr") == "Department crest"  # said once, on the title slide
    assert names[0].find(f".//{DECORATIVE}") is None
    assert all(
        n.get("descr") is None and n.find(f".//{DECORATIVE}").get("val") == "1" for n in names[1:]
    )
    audit = subprocess.run(
        [sys.executable, "-m", "openxml_audit", "-f", "microsoft365", "-o", "json",
         str(out / f"{folder.name}.pptx")],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    (report,) = json.loads(audit.stdout)
    assert report["error_count"] == 0, report["errors"][:5]  # the decorative mark included
    # As LibreOffice shows it: no word of any slide touches the logo's box.
    pdf = libreoffice_convert(out / f"{folder.name}.pptx", tmp_path, "pdf")
    box = geometry.FOOTER_LOGO_BOX
    pages = words_by_page(pdf)
    assert len(pages) == len(deck.slides)
    for number, words in enumerate(pages[1:], 2):
        touching = [
            w
            for w, x0, y0, x1, y1 in words
            if x0 < box.right and x1 > box.x and y0 < box.bottom and y1 > box.y
        ]
        assert touching == [], f"slide {number}: {touching} under the logo"


def test_the_html_deck_has_the_logo_on_every_slide_in_the_footer(built) -> None:
    out, folder, theme = built
    html = out / f"{folder.name}.html"
    assert {facts.logos for facts in read_html(html, theme / "crest.png")} == {1}
    require("chromium")
    with chromium_browser("the footer logo test") as browser:
        from screenshots import SHOW_SLIDE, open_deck

        page = open_deck(browser, html.as_uri())
        slide = page.evaluate(SHOW_SLIDE, 3)  # a content slide
        shown = page.locator(f"[id='{slide}'] > .slide-logo img")
        box = shown.bounding_box()
        alt = shown.get_attribute("alt")
        frame = page.locator(".reveal .slides").bounding_box()
        page.close()
    area = geometry.FOOTER_LOGO_BOX
    assert alt == ""  # decoration: a screen reader heard it on the title slide
    assert box["x"] - frame["x"] == pytest.approx(px(area.x), abs=1)
    assert box["y"] - frame["y"] == pytest.approx(px(area.y), abs=1)
    assert box["width"] == pytest.approx(px(area.w), abs=1)


def test_the_handout_shows_the_logo_on_every_slide_and_parity_counts_it(built) -> None:
    out, folder, theme = built
    listed = subprocess.run(
        [require("pdfimages"), "-list", out / f"{folder.name}-handout.pdf"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[2:]
    pages = {int(line.split()[0]) for line in listed if line.split()[2] == "image"}
    deck, used, _ = plan_lecture(folder, theme)
    content = sum(frame.kind == "content" for frame in deck.frames)
    assert len(pages) == 1 + content  # the cover, and each content slide's page
    html = out / f"{folder.name}.html"
    assert check_outputs(deck, {"html": html, "pptx": out / f"{folder.name}.pptx"}, used) == []
    text = html.read_text("utf-8")
    html.write_text(re.sub(r'<div class="slide-logo">.*?</div>', "", text, count=1, flags=re.S))
    [drift] = check_outputs(deck, {"html": html}, used)
    assert drift.startswith("html: slide 2 (agenda): 0 logos, the theme puts 1 there")
