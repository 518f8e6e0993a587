"""Click builds: `incremental: true` makes PowerPoint show a slide's text click by click.

The deck is built through the real command line, then read back three ways: the slide's
p:timing with lxml (which paragraphs of which shape each click shows), openxml-audit (the Open
XML SDK's schema rules) and LibreOffice (converted to .odp, its animations name the paragraphs).
The HTML deck of the same lecture, stepped through in Chromium, reveals the same text in the
same steps.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from conftest import chromium_browser, libreoffice_convert, openxml_audit, run_cli
from pptx import Presentation
from screenshots import open_deck, serve_folder

NS = {
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}
MANY = [f"Point number {i} says something long enough to take a whole line" for i in range(24)]
LECTURE = f"""\
title: Builds
topics:
  - title: Incremental
    slides:
      - title: Three points
        incremental: true
        bullets:
          - First
          - text: Second
            items: [Second a, {{text: Second b, items: [Second b i]}}]
          - Third
      - title: Ask first
        incremental: true
        questions:
          - {{question: Why?, answer: Because., example: For instance this.}}
          - {{question: How?, answer: Like so.}}
      - title: Side by side
        incremental: true
        columns:
          - {{heading: Left, bullets: [L1, {{text: L2, items: [L2a]}}]}}
          - {{bullets: [R1, R2]}}
      - title: Long
        incremental: true
        bullets: {json.dumps(MANY)}
      - title: Not incremental
        bullets: [One, Two]
"""


@pytest.fixture(scope="module")
def deck(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("builds")
    folder = root / "builds"
    folder.mkdir()
    (folder / "lecture.yaml").write_text(LECTURE, "utf-8")
    result = run_cli("build", folder, "--format", "pptx,qmd,html", "--out", root / "out")
    assert result.returncode == 0, result.stderr
    return root / "out" / "builds" / "builds.pptx"


def clicks(slide) -> list[list[tuple[int, int]]]:
    """Each click of the slide's main sequence: the (shape id, paragraph) it shows, in order.

    Checks the PowerPoint structure on the way: an "Appear" entrance per paragraph, the first
    of a click triggered by the click, the others with it.
    """
    seq = slide._element.find("p:timing/p:tnLst/p:par/p:cTn/p:childTnLst/p:seq/p:cTn", NS)
    if seq is None:
        return []
    assert seq.get("nodeType") == "mainSeq"
    found = []
    for step in seq.iterfind("p:childTnLst/p:par/p:cTn", NS):
        assert step.find("p:stCondLst/p:cond", NS).get("delay") == "indefinite"  # on a click
        effects = step.findall("p:childTnLst/p:par/p:cTn/p:childTnLst/p:par/p:cTn", NS)
        kinds = [e.get("nodeType") for e in effects]
        assert kinds == ["clickEffect"] + ["withEffect"] * (len(effects) - 1)
        shown = []
        for effect in effects:
            assert (effect.get("presetClass"), effect.get("presetID")) == ("entr", "1")
            target = effect.find(".//p:spTgt", NS)
            para = target.find("p:txEl/p:pRg", NS)
            assert para.get("st") == para.get("end")
            assert effect.find(".//p:attrName", NS).text == "style.visibility"
            shown.append((int(target.get("spid")), int(para.get("st"))))
        found.append(shown)
    return found


def built_by_paragraph(slide) -> set[int]:
    return {
        int(b.get("spid"))
        for b in slide._element.iterfind("p:timing/p:bldLst/p:bldP", NS)
        if b.get("build") == "p"
    }


def texts(slide) -> dict[int, list[str]]:
    return {
        shape.shape_id: [p.text for p in shape.text_frame.paragraphs]
        for shape in slide.shapes
        if shape.has_text_frame
    }


def shown_text(slide) -> list[list[str]]:
    paras = texts(slide)
    return [[paras[shape][para] for shape, para in click] for click in clicks(slide)]


def by_title(prs, title: str) -> list:
    return [s for s in prs.slides if s.shapes.title.text_frame.text.startswith(title)]


def test_three_bullets_are_three_clicks_each_bringing_its_sub_bullets(deck: Path) -> None:
    (slide,) = by_title(Presentation(str(deck)), "Three points")
    assert shown_text(slide) == [
        ["First"],
        ["Second", "Second a", "Second b", "Second b i"],
        ["Third"],
    ]
    body = {shape for click in clicks(slide) for shape, _ in click}
    assert len(body) == 1
    assert built_by_paragraph(slide) == body
    assert slide.placeholders[1].shape_id in body  # the layout's body placeholder


def test_a_question_then_its_answer(deck: Path) -> None:
    (slide,) = by_title(Presentation(str(deck)), "Ask first")
    assert shown_text(slide) == [
        ["Why?"],
        ["Because.", "For instance this."],
        ["How?"],
        ["Like so."],
    ]


def test_columns_left_then_right_with_the_heading_shown_from_the_start(deck: Path) -> None:
    (slide,) = by_title(Presentation(str(deck)), "Side by side")
    assert shown_text(slide) == [["L1"], ["L2", "L2a"], ["R1"], ["R2"]]
    assert len(built_by_paragraph(slide)) == 2


def test_a_continued_slide_keeps_its_builds_on_every_part(deck: Path) -> None:
    parts = by_title(Presentation(str(deck)), "Long (")
    assert len(parts) >= 2
    shown = [line for part in parts for line in shown_text(part)]
    assert shown == [[point] for point in MANY]


def test_slides_without_incremental_have_no_timing(deck: Path) -> None:
    prs = Presentation(str(deck))
    for slide in prs.slides:
        title = slide.shapes.title.text_frame.text
        if not title.startswith(("Three", "Ask", "Side", "Long")):
            assert slide._element.find("p:timing", NS) is None, title


def test_openxml_audit_finds_no_error(deck: Path) -> None:
    report = openxml_audit(deck)
    assert report["error_count"] == 0, report["errors"][:5]


def test_libreoffice_reads_the_builds_back_paragraph_by_paragraph(deck: Path, tmp_path) -> None:
    odp = libreoffice_convert(deck, tmp_path, "odp")
    content = zipfile.ZipFile(odp).read("content.xml").decode()
    pages = re.findall(r"<draw:page .*?</draw:page>", content, re.S)
    page = next(p for p in pages if "Three points" in p)
    kinds = re.findall(r'presentation:node-type="(on-click|with-previous)"', page)
    assert kinds == ["on-click", "on-click"] + ["with-previous"] * 3 + ["on-click"]
    assert page.count('presentation:preset-id="ooo-entrance-appear"') == 6
    # Each effect targets one paragraph of the text, in order.
    targets = re.findall(r'smil:targetElement="([^"]+)"', page)
    paragraphs = {
        ident: text
        for ident, text in re.findall(
            r'<text:p xml:id="([^"]+)"[^>]*>(?:<text:span[^>]*>)?([^<]*)<', page
        )
    }
    assert [paragraphs[t] for t in targets] == [
        "First",
        "Second",
        "Second a",
        "Second b",
        "Second b i",
        "Third",
    ]


# Each content slide of the deck: its title and, per fragment step from none shown, the text
# of the fragments that step shows (reveal.js marks them current-fragment).
FRAGMENT_STEPS = """
() => Reveal.getSlides().filter(slide => slide.querySelector('h2')).map(slide => {
  const where = Reveal.getIndices(slide);
  Reveal.slide(where.h, where.v, -1);
  const hidden = slide.querySelectorAll('.fragment:not(.visible)').length;
  const steps = [];
  while (Reveal.nextFragment()) {
    steps.push([...slide.querySelectorAll('.fragment.current-fragment')].map(e => e.textContent));
  }
  return {title: slide.querySelector('h2').textContent, hidden, steps};
})
"""


def test_the_html_deck_reveals_the_same_text_in_the_same_steps(deck: Path) -> None:
    prs = Presentation(str(deck))
    clicks_by_title = {s.shapes.title.text_frame.text: shown_text(s) for s in prs.slides}
    with chromium_browser("fragments") as browser, serve_folder(deck.parent) as base:
        page = open_deck(browser, f"{base}/builds.html")
        slides = page.evaluate(FRAGMENT_STEPS)
    steps = {slide["title"]: len(slide["steps"]) for slide in slides}
    assert steps["Three points"] == 3 and steps["Ask first"] == 4 and steps["Side by side"] == 4
    assert sum(n for title, n in steps.items() if title.startswith("Long (")) == len(MANY)
    assert steps["Not incremental"] == steps["Agenda"] == 0
    for slide in slides:
        words = [" ".join(step).split() for step in slide["steps"]]
        expected = [" ".join(click).split() for click in clicks_by_title[slide["title"]]]
        assert words == expected, slide["title"]
        assert slide["hidden"] == sum(map(len, slide["steps"]))  # none shown before a step
