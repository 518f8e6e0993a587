"""Diagrams drawn natively in every output: PowerPoint shapes, inline SVG, Typst shapes.

The GenAI lecture is built once (PPTX, HTML deck, handout) and read back as a reader would:
the PPTX slide XML, the HTML deck's DOM in Chromium, the handout's text with pdftotext. The
diagrams' labels are text in each, and the drawings sit where their pictures would.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import CROWDED_DIAGRAMS, GENAI, chromium_browser, require, run_cli
from screenshots import open_deck, serve_folder

from slides import model
from slides.assets import pictures_of
from slides.build import prepare_build
from slides.diagrams import vector_of
from slides.diagrams.alt import texts
from slides.parity import check_outputs
from slides.render import Options

LABELS = ("sentiment analysis", "summarisation")  # the seed's labels the issue names


def _words(text: str) -> str:
    return " ".join(text.lower().split())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("native")
    result = run_cli("build", GENAI, "--format", "pptx,html,handout", "--out", out)
    assert result.returncode == 0, result.stderr  # parity passed: labels found in every output
    return out / GENAI.name


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    build, _ = prepare_build(GENAI, tmp_path_factory.mktemp("plan"), Options())
    drawn = [
        node
        for node in pictures_of(build.lecture)
        if isinstance(node, model.DiagramBase) and node.source_path is None
    ]
    return build, drawn


def test_the_labels_are_text_in_the_pptx_slide_xml(built: Path):
    with zipfile.ZipFile(built / f"{GENAI.name}.pptx") as package:
        slides = [n for n in package.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]
        xml = " ".join(package.read(name).decode() for name in slides)
    runs = _words(" ".join(re.findall(r"<a:t>([^<]*)</a:t>", xml)))
    for label in LABELS:
        assert label in runs


def test_the_labels_are_text_in_the_handout(built: Path):
    text = _words(subprocess.run(
        [require("pdftotext"), str(built / f"{GENAI.name}-handout.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout)  # fmt: skip
    for label in LABELS:
        assert label in text


def test_the_handout_draws_diagrams_as_vectors_not_pictures(built: Path):
    """The lecture has no picture files: a handout with diagrams as shapes embeds no image."""
    listed = subprocess.run(
        [require("pdfimages"), "-list", str(built / f"{GENAI.name}-handout.pdf")],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    assert len(listed) == 2, listed  # the header lines only


def test_the_html_deck_shows_labels_as_text_in_its_svg(built: Path, plan):
    build, drawn = plan
    alts = {build.assets.picture(node).alt for node in drawn}
    with chromium_browser("native diagrams") as browser, serve_folder(built.parent) as base:
        page = open_deck(browser, f"{base}/{GENAI.name}/{GENAI.name}.html")
        found = page.evaluate(
            """() => [...document.querySelectorAll('.reveal .slides svg.diagram')].map(svg => ({
                role: svg.getAttribute('role'),
                label: svg.getAttribute('aria-label'),
                text: [...svg.querySelectorAll('text')].map(t => t.textContent).join(' '),
                font: getComputedStyle(svg.querySelector('text')).fontFamily,
                select: getComputedStyle(svg.querySelector('text')).userSelect,
            }))"""
        )
        assert len(found) == len(drawn)
        assert {f["label"] for f in found} == alts
        assert all(f["role"] == "img" and f["select"] != "none" for f in found)
        family = build.theme.sans.family  # the deck's own web font comes first
        assert all(f["font"].replace('"', "").split(",")[0] == family for f in found)
        text = _words(page.evaluate("document.querySelector('.reveal .slides').textContent"))
        for label in LABELS:
            assert label in text
        # Each drawing sits inside its slide, every label inside its drawing, as displayed.
        total = page.evaluate("Reveal.getTotalSlides()")
        for i in range(total):
            boxes = page.evaluate(
                """async (i) => {
                  const slide = Reveal.getSlides()[i];
                  const where = Reveal.getIndices(slide);
                  Reveal.slide(where.h, where.v);
                  await document.fonts.ready;
                  const painted = done => requestAnimationFrame(() => requestAnimationFrame(done));
                  await new Promise(painted);
                  const frame = document.querySelector('.reveal .slides').getBoundingClientRect();
                  return [...slide.querySelectorAll('svg.diagram')].map(svg => {
                    const box = svg.getBoundingClientRect();
                    const labels = [...svg.querySelectorAll('text')]
                      .map(t => t.getBoundingClientRect());
                    return {frame: [frame.left, frame.top, frame.right, frame.bottom],
                            box: [box.left, box.top, box.right, box.bottom, box.width, box.height],
                            labels: labels.map(r => [r.left, r.top, r.right, r.bottom])};
                  });
                }""",
                i,
            )
            for drawing in boxes:
                left, top, right, bottom, width, height = drawing["box"]
                f_left, f_top, f_right, f_bottom = drawing["frame"]
                assert width > 200 and height > 100  # shown at the picture's size, not collapsed
                assert f_left - 1 <= left and right <= f_right + 1
                assert f_top - 1 <= top and bottom <= f_bottom + 1
                for l_left, l_top, l_right, l_bottom in drawing["labels"]:
                    assert left - 1 <= l_left and l_right <= right + 1
                    assert top - 1 <= l_top and l_bottom <= bottom + 1


def test_no_label_breaks_a_word(plan):
    """Every drawn line is made of whole words of the diagram's texts (or its cut '…')."""
    build, drawn = plan
    for node in drawn:
        words = {word for text in texts(node) for word in text.split()}
        for label in vector_of(build, node).labels:
            if label.text == "•":
                continue
            for word in label.text.rstrip("…").split():
                assert word in words or label.text.endswith("…"), (label.text, node.kind)


def test_parity_finds_a_lost_label(built: Path, tmp_path: Path, plan):
    build, _ = plan
    html = tmp_path / "deck.html"
    text = (built / f"{GENAI.name}.html").read_text(encoding="utf-8")
    assert ">Summarisation</text>" in text
    html.write_text(text.replace(">Summarisation</text>", "></text>"), encoding="utf-8")
    assert check_outputs(build.deck, {"html": built / f"{GENAI.name}.html"}) == []
    problems = check_outputs(build.deck, {"html": html})
    assert len(problems) == 1 and "diagram text 'Summarisation' missing" in problems[0]


def test_a_pasted_file_still_wins_everywhere(tmp_path: Path):
    """A diagram whose images/<source> exists is that picture in every output."""
    lecture = tmp_path / GENAI.name
    shutil.copytree(GENAI, lecture)
    build, _ = prepare_build(GENAI, tmp_path / "plan", Options(pptx_diagrams="picture"))
    node = next(n for n in pictures_of(build.lecture) if getattr(n, "source", None))
    shutil.copyfile(build.assets.picture(node).path, lecture / "images" / node.source)
    result = run_cli("build", lecture, "--format", "pptx,html,handout", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr  # parity: the same picture counts everywhere
    out = tmp_path / "out" / GENAI.name
    assert len(list((out / "images").iterdir())) == 1
    listed = subprocess.run(
        [require("pdfimages"), "-list", str(out / f"{GENAI.name}-handout.pdf")],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    assert len(listed) == 3  # the header lines and the pasted picture
    with zipfile.ZipFile(out / f"{GENAI.name}.pptx") as package:
        assert sum(name.startswith("ppt/media/") for name in package.namelist()) >= 1


def test_no_picture_is_painted_unless_the_pptx_asks_for_one(built: Path, tmp_path: Path):
    """Every output draws diagrams natively by default: Pillow paints nothing."""
    assert not list((built / ".cache").glob("diagram-*.png"))
    result = run_cli(
        "build", GENAI, "--format", "pptx", "--pptx-diagrams", "picture", "--out", tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / GENAI.name / ".cache").glob("diagram-*.png"))) == 7


CROWDED = """\
title: Crowded
language: en
topics:
  - title: One
    slides:
      - title: Tasks
        notes: Notes.
        columns:
          - bullets: [LLMs are foundation models, They see internet-scale data]
          - diagram:
              kind: hub
              centre: LLM
              spokes:
                - Text generation
                - Sentimentanalysisandclassification
                - Summarisation
                - Question answering
"""


def test_a_label_that_cannot_fit_whole_is_cut_alike_everywhere_with_a_warning(tmp_path: Path):
    """The build warns at the diagram's key and succeeds; every output draws the label cut
    with '…' (never a word broken inside), the alt text keeps it whole; --strict fails."""
    folder = tmp_path / "crowded"
    folder.mkdir()
    (folder / "lecture.yaml").write_text(CROWDED, encoding="utf-8")
    args = ("build", folder, "--format", "pptx,html,handout", "--out", tmp_path / "out")
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr  # parity agrees with what is drawn
    warning = "lecture.yaml:11:15: topics[0].slides[0].columns[1].diagram: warning: "
    assert warning in result.stderr
    assert "'Sentimentanalysisandclassification' shows as 'Sentiment" in result.stderr
    assert "without the column beside it" in result.stderr
    out = tmp_path / "out" / "crowded"
    with zipfile.ZipFile(out / "crowded.pptx") as package:
        xml = package.read("ppt/slides/slide4.xml").decode()
    runs = re.findall(r"<a:t>([^<]*)</a:t>", xml)
    cut = [run for run in runs if run.startswith("Sentiment")]
    assert len(cut) == 1 and cut[0].endswith("…"), runs
    assert 'descr="' in xml and "Sentimentanalysisandclassification" in xml  # the alt text
    html = (out / "crowded.html").read_text(encoding="utf-8")
    assert f">{cut[0]}</text>" in html
    handout = subprocess.run(
        [require("pdftotext"), str(out / "crowded-handout.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert cut[0] in handout
    for text in (" ".join(runs), handout):
        assert not re.search(r"\w-\s", text), "no word broken at a line's end"
    strict = run_cli(*args, "--strict", "--force")
    assert strict.returncode == 2, strict.stderr
    assert "lecture.yaml:11:15: topics[0].slides[0].columns[1].diagram: diagram labels" in (
        strict.stderr
    )


def _every_kind_crowded(tmp_path: Path) -> Path:
    """A lecture with a slide per diagram kind, each crowded into a column."""
    slides = [
        {
            "title": kind,
            "notes": "Notes.",
            "columns": [{"bullets": ["A point"]}, {"diagram": {"kind": kind, **data}}],
        }
        for kind, data in CROWDED_DIAGRAMS.items()
    ]
    lecture = {"title": "Crowded", "language": "en", "topics": [{"title": "T", "slides": slides}]}
    folder = tmp_path / "kinds"
    folder.mkdir()
    (folder / "lecture.yaml").write_text(json.dumps(lecture), encoding="utf-8")
    return folder


def test_every_kind_crowded_into_a_column_builds_with_a_warning(tmp_path: Path):
    """Each kind with words too wide for it: the outputs agree (the build passes its read-back)
    and each diagram is warned about at its key."""
    folder = _every_kind_crowded(tmp_path)
    result = run_cli("build", folder, "--format", "pptx,html,handout", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    for s in range(len(CROWDED_DIAGRAMS)):
        where = f"topics[0].slides[{s}].columns[1].diagram: warning: diagram labels"
        assert where in result.stderr, (s, result.stderr)


def test_check_warns_about_cut_labels_as_the_build_does(tmp_path: Path):
    """`check` lays the diagrams out as a build does, writing nothing: the same warnings at the
    same keys, and --strict refuses them."""
    folder = _every_kind_crowded(tmp_path)
    checked = run_cli("check", folder)
    assert checked.returncode == 0, checked.stderr
    built = run_cli("build", folder, "--format", "pptx", "--out", tmp_path / "out")
    warnings = [line for line in checked.stderr.splitlines() if "diagram labels" in line]
    assert len(warnings) == len(CROWDED_DIAGRAMS), checked.stderr
    assert warnings == [line for line in built.stderr.splitlines() if "diagram labels" in line]
    assert sorted(p.name for p in folder.iterdir()) == ["lecture.yaml"]  # nothing written
    assert run_cli("check", folder, "--strict").returncode == 2
