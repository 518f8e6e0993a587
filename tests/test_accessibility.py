"""Accessibility by construction: titles, alt text, language and structure in every output.

(Theme contrast has its own tests in test_contrast.py.)
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from conftest import SAMPLE, pdf_structure, require, run_cli
from lxml import html
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

from slides.deck import plan
from slides.load import load_lecture

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def test_every_pptx_slide_has_its_title_first_in_reading_order(sample_built: Path) -> None:
    frames = plan(load_lecture(SAMPLE)[0]).frames
    deck = Presentation(sample_built / "sample.pptx")
    for frame, slide in zip(frames, deck.slides, strict=True):
        title = slide.shapes.title
        assert title is not None, frame.title
        assert title.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
        assert title.text_frame.text.strip(), frame.title
        # Screen readers follow the shape tree: the title comes before the body.
        texts = [shape for shape in slide.shapes if shape.has_text_frame and shape.text.strip()]
        assert texts[0].shape_id == title.shape_id, frame.title


def test_pptx_text_and_document_carry_the_language(sample_built: Path) -> None:
    deck = Presentation(sample_built / "sample.pptx")
    assert deck.core_properties.language == "en"
    langs = {
        run.get("lang")
        for slide in deck.slides
        for run in slide.shapes._spTree.iter(f"{A}rPr")
        if run.getparent().tag == f"{A}r"
    }
    assert langs == {"en"}


def test_pptx_pictures_have_alt_text_from_the_content(sample_built: Path) -> None:
    deck = Presentation(sample_built / "sample.pptx")
    alts = [
        shape._element.nvPicPr.cNvPr.get("descr")
        for slide in deck.slides
        for shape in slide.shapes
        if shape.shape_type == 13  # picture
    ]
    assert "A green circle in a blue frame" in alts
    assert all(alt and not re.search(r"\.(png|jpe?g|gif|webp)\b|/", alt) for alt in alts)


def test_html_has_language_landmark_headings_and_labelled_links(sample_built: Path) -> None:
    tree = html.parse(str(sample_built / "sample.html"))
    root = tree.getroot()
    assert root.get("lang") == "en"
    mains = root.findall(".//main")
    assert len(mains) == 1 and mains[0].find(".//div[@class='reveal']") is not None
    leaves = [s for s in root.iter("section") if s.find(".//section") is None]
    assert leaves and all(next(s.iter("h1", "h2"), None) is not None for s in leaves)
    slides = root.find(".//div[@class='slides']")
    links = [a for a in slides.iter("a") if a.get("aria-hidden") != "true"]  # not code anchors
    assert links and all(a.text_content().strip() for a in links)
    assert all((img.get("alt") or "").strip() for img in root.iter("img"))


def test_handout_is_tagged_with_title_and_language(sample_built: Path) -> None:
    pdfinfo = require("pdfinfo")
    info = subprocess.run(
        [pdfinfo, str(sample_built / "sample-handout.pdf")], capture_output=True, text=True
    ).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Title:\s+Every Slide Kind$", info, re.M)
    from pypdf import PdfReader

    catalog = PdfReader(sample_built / "sample-handout.pdf").trailer["/Root"]
    assert catalog["/Lang"] == "en" and catalog["/MarkInfo"]["/Marked"]


def test_handout_bullets_are_tagged_as_lists(sample_built: Path) -> None:
    """Bullets drawn where the slide has them (placed-text) are still lists to a screen
    reader: one list item (LI, with its label and body) per bullet on the handout's slides,
    sub-bullets as lists inside their item."""
    from slides.build import prepare_build
    from slides.place.frames import Text
    from slides.render import Options

    build, _ = prepare_build(SAMPLE, sample_built.parent / "plan", Options())
    bullets = sum(
        1
        for placed in build.placed
        if placed.frame.kind == "content"
        for element in placed.elements
        if isinstance(element, Text) and element.builds
        for para in element.paras
        if para.bullet
    )
    tags = [str(tag["/S"]) for tag in pdf_structure(sample_built / "sample-handout.pdf")]
    assert bullets > 5 and tags.count("/LI") == tags.count("/LBody") == bullets
    assert tags.count("/L") < bullets  # items in lists, not a list each


def test_a_picture_without_alt_text_warns_and_fails_in_strict_mode(tmp_path: Path) -> None:
    folder = tmp_path / "noalt"
    (folder / "images").mkdir(parents=True)
    shutil.copy(SAMPLE / "images" / "photo.png", folder / "images")
    (folder / "lecture.yaml").write_text(
        "title: T\ntopics:\n  - title: A\n    slides:\n"
        "      - title: S\n        image: {src: images/photo.png}\n        notes: n\n",
        "utf-8",
    )
    result = run_cli("check", folder)
    assert result.returncode == 0
    assert "topics[0].slides[0].image: warning: image has no alt text" in result.stderr
    strict = run_cli("build", "--strict", folder, "--format", "qmd", "--out", tmp_path / "o")
    assert strict.returncode == 2
    assert "image has no alt text" in strict.stderr
