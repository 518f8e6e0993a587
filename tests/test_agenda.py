"""A long agenda continues over as many slides as it needs, and every output follows the plan:
the PPTX (read by python-pptx and drawn by LibreOffice), the .qmd, and the HTML deck in Chromium
with the slides PDF it prints. Every topic is listed once, in order, numbered 1..N across parts."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import chromium_browser, require, run_cli
from pptx import Presentation
from screenshots import SHOW_SLIDE, open_deck, serve_folder
from test_html import MEASURE
from test_pptx import PT, assert_text_inside, sections, to_pdf, words_by_page

from slides.deck import Deck, Frame, plan
from slides.load import load_lecture
from slides.place import geometry, paragraphs
from slides.place.fit import Fitter

TOPICS = 40  # over three times what one agenda slide holds at its 18 pt floor (default theme)
NUMBERED = re.compile(r"(\d+)\s+Topic number (\d+) about something")


@dataclass
class Built:
    folder: Path
    deck: Deck
    out: Path  # the lecture's output folder

    @property
    def agenda(self) -> list[Frame]:
        return [f for f in self.deck.frames if f.kind == "agenda"]

    def file(self, suffix: str) -> Path:
        return self.out / f"many{suffix}"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    folder = tmp_path_factory.mktemp("agenda") / "many"
    folder.mkdir()
    topics = [
        {
            "title": f"Topic number {i} about something",
            "slides": [{"title": f"Slide {i}", "bullets": [f"Point {i}"], "notes": "Say it."}],
        }
        for i in range(1, TOPICS + 1)
    ]
    lecture = {"title": "Many topics", "author": "Test", "topics": topics}
    (folder / "lecture.yaml").write_text(yaml.safe_dump(lecture, sort_keys=False), "utf-8")
    out = folder.parent / "out"
    result = run_cli("build", folder, "--format", "pptx,qmd,html", "--out", out)
    assert result.returncode == 0, result.stderr
    return Built(folder, plan(load_lecture(folder)[0]), out / "many")


def numbers_in_order(text: str) -> list[int]:
    """The numbers shown before the topics, checked against the number in each topic's title."""
    found = [(int(shown), int(own)) for shown, own in NUMBERED.findall(text)]
    assert all(shown == own for shown, own in found), found
    return [shown for shown, _ in found]


def test_the_plan_splits_the_agenda_evenly_at_one_size(built: Built) -> None:
    agenda = built.agenda
    assert len(agenda) > 1
    assert [f.number for f in agenda] == list(range(2, 2 + len(agenda)))  # after the title
    assert [f.display_title for f in agenda] == [
        f"Agenda ({i}/{len(agenda)})" for i in range(1, len(agenda) + 1)
    ]
    listed = [f.listed for f in agenda]
    assert [i for start, stop in listed for i in range(start, stop)] == list(range(TOPICS))
    lengths = [stop - start for start, stop in listed]
    assert max(lengths) - min(lengths) <= 1
    assert len({f.body_pt for f in agenda}) == 1


def test_pptx_agenda_lists_every_topic_once_inside_its_box(built: Built) -> None:
    prs = Presentation(str(built.file(".pptx")))
    fitter = Fitter.for_theme("default")
    x, y, w, h = geometry.BODY_BOX
    shown: list[int] = []
    for frame in built.agenda:
        slide = prs.slides[frame.number - 1]
        assert slide.shapes.title.text_frame.text == frame.display_title
        (body,) = [s for s in slide.shapes if s.has_text_frame and "Topic" in s.text_frame.text]
        assert (body.left, body.top, body.width) == (round(x * PT), round(y * PT), round(w * PT))
        assert body.top + body.height <= round((y + h) * PT)
        sizes = {r.font.size.pt for p in body.text_frame.paragraphs for r in p.runs}
        assert sizes == {frame.body_pt}
        start, stop = frame.listed
        titles = [t.title for t in built.deck.lecture.topics[start:stop]]
        paras = paragraphs.agenda_paras(titles, frame.body_pt, start + 1)
        assert fitter.height(paras, body.width / PT) <= body.height / PT
        shown += numbers_in_order(body.text_frame.text)
    assert shown == list(range(1, TOPICS + 1))
    # The agenda slides join the first section, with the title slide.
    ids = [s.slide_id for s in prs.slides]
    first = sections(prs)[0][1]
    assert [f.number for f in built.agenda if ids[f.number - 1] in first] == [
        f.number for f in built.agenda
    ]


def test_libreoffice_draws_every_agenda_part_inside_the_slide(built: Built, tmp_path) -> None:
    pages = words_by_page(to_pdf(built.file(".pptx"), tmp_path), tmp_path)
    assert len(pages) == len(built.deck.frames)
    assert_text_inside(pages, built.deck)
    shown = []
    for frame in built.agenda:
        shown += numbers_in_order(" ".join(w for w, *_ in pages[frame.number - 1]))
    assert shown == list(range(1, TOPICS + 1))


def test_qmd_numbers_each_part_from_where_the_last_ended(built: Built) -> None:
    text = built.file(".qmd").read_text("utf-8")
    slides = re.split(r"^## ", text, flags=re.M)
    agenda = [s for s in slides if s.startswith("Agenda")]
    assert [s.splitlines()[0].split(" {")[0] for s in agenda] == [
        re.sub(r"([()])", r"\\\1", f.display_title) for f in built.agenda
    ]
    shown = []
    for part in agenda:
        lines = re.findall(r"^(\d+)\. (Topic number (\d+) about something)$", part, flags=re.M)
        assert [int(n) for n, _, _ in lines] == [int(own) for _, _, own in lines]
        shown += [int(n) for n, _, _ in lines]
    assert shown == list(range(1, TOPICS + 1))


def test_html_agenda_parts_stay_in_the_slide_and_number_on(built: Built) -> None:
    with serve_folder(built.out) as url, chromium_browser("the agenda test") as browser:
        page = open_deck(browser, f"{url}/many.html")
        assert page.evaluate("Reveal.getTotalSlides()") == len(built.deck.frames)
        for frame in built.agenda:
            slide_id = page.evaluate(SHOW_SLIDE, frame.number - 1)
            assert page.evaluate(MEASURE, slide_id)["problems"] == [], frame.display_title
            start, stop = frame.listed
            found = page.evaluate(
                "id => { const ol = document.querySelector(`#${id} .body-agenda ol`);"
                " return [ol.start, [...ol.children].map(li => li.textContent.trim())]; }",
                slide_id,
            )
            titles = [t.title for t in built.deck.lecture.topics[start:stop]]
            assert found == [start + 1, titles]
        page.close()


def test_the_slides_pdf_prints_a_page_per_slide_with_the_numbers_carried_on(built: Built) -> None:
    require("chromium")  # it prints the slides PDF (a build without it skips the PDF)
    result = run_cli("build", built.folder, "--format", "pdf", "--out", built.out.parent)
    assert result.returncode == 0, result.stderr  # its parity check counts the pages
    pdf = built.file("-slides.pdf")
    shown = []
    for frame in built.agenda:
        text = subprocess.run(
            [require("pdftotext"), "-f", str(frame.number), "-l", str(frame.number), pdf, "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert text.startswith(frame.display_title)
        shown += numbers_in_order(" ".join(text.split()))
    assert shown == list(range(1, TOPICS + 1))
