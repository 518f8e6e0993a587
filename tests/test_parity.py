"""Parity: outputs that drift from the lecture are caught, in every build and by check."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE, copy_lecture, run_cli
from lxml import html
from pptx import Presentation

from slides import build as build_module
from slides.errors import BuildError
from slides.render import Options


def test_check_outputs_accepts_outputs_that_agree(sample_built: Path) -> None:
    result = run_cli("check", SAMPLE, "--outputs", sample_built)
    assert result.returncode == 0, result.stderr
    assert "pptx, qmd, html, handout checked" in result.stdout


def test_a_slide_removed_from_the_pptx_is_caught(sample_built: Path, tmp_path: Path) -> None:
    drifted = tmp_path / "sample"
    shutil.copytree(sample_built, drifted)
    deck = Presentation(drifted / "sample.pptx")
    ids = deck.slides._sldIdLst
    ids.remove(ids[5])  # the sixth slide disappears from the show
    deck.save(drifted / "sample.pptx")
    result = run_cli("check", SAMPLE, "--outputs", drifted)
    assert result.returncode == 1
    assert "pptx: 13 slides, the lecture has 14" in result.stderr
    drift = "pptx: slide 6 (topics[0].slides[2]): title is not 'Questions and answers'"
    assert drift in result.stderr


def test_lost_notes_in_the_html_deck_are_caught(sample_built: Path, tmp_path: Path) -> None:
    drifted = tmp_path / "sample"
    shutil.copytree(sample_built, drifted)
    page = drifted / "sample.html"
    tree = html.parse(str(page))
    aside = next(tree.iter("aside"))
    aside.getparent().remove(aside)
    page.write_bytes(html.tostring(tree, doctype="<!DOCTYPE html>"))
    result = run_cli("check", SAMPLE, "--outputs", drifted)
    assert result.returncode == 1
    assert "html: slide 4 (topics[0].slides[0]): speaker notes differ" in result.stderr


def test_every_build_reads_its_outputs_back(tmp_path: Path, monkeypatch) -> None:
    """A writer that loses a slide fails the build, and the output is redone next time. The
    PPTX's slides are read from the files its zip stores, which here miss the last slide."""
    from slides.render import pptx_package

    real = pptx_package.package_files

    def lossy(prs):
        files = real(prs)
        last = re.findall(rb"<p:sldId [^>]*/>", files["ppt/presentation.xml"])[-1]
        files["ppt/presentation.xml"] = files["ppt/presentation.xml"].replace(last, b"")
        return files

    monkeypatch.setattr(pptx_package, "package_files", lossy)
    lecture = copy_lecture(SAMPLE, tmp_path)
    with pytest.raises(BuildError) as caught:
        build_module.build_lecture(lecture, ["pptx"], tmp_path / "out", Options())
    assert "pptx: 13 slides, the lecture has 14" in str(caught.value)
    assert len(Presentation(tmp_path / "out" / "sample" / "sample.pptx").slides) == 13
    monkeypatch.setattr(pptx_package, "package_files", real)
    written = build_module.build_lecture(lecture, ["pptx"], tmp_path / "out", Options())
    assert [p.name for p in written] == ["sample.pptx"]


def test_characters_no_font_can_draw_do_not_fail_the_handout(tmp_path: Path) -> None:
    """A PDF holds no text for a glyph missing from every font; that is not drift."""
    folder = tmp_path / "rare"
    folder.mkdir()
    (folder / "lecture.yaml").write_text(
        'title: T\ntopics:\n  - title: A\n    slides:\n      - title: "Yi \\ua49e sign"\n'
        '        code: {source: x}\n        notes: "\\u0600 \\ua49e"\n',
        "utf-8",
    )
    result = run_cli("build", folder, "--format", "handout,pptx", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr


def test_a_label_cut_to_fit_is_found_as_drawn_and_a_lost_one_is_not():
    from slides.parity import missing_labels, squash

    labels = tuple(squash(t) for t in ["LLM", "Sentiment analysis", "Summarisation", "Two"])
    drawn = squash("LLM Sentim… analysis Summa…")  # a word cut, then a line left out
    assert missing_labels(labels, drawn) == []  # 'Two', dropped after the '…', is accounted for
    assert missing_labels(labels, squash("LLM Sentim… analysis")) == ["Summarisation", "Two"]
    assert missing_labels(labels[:3], squash("LLM Sentiment-analysis Sum…")) == []
    assert missing_labels(labels[:3], squash("LLM Sentiment Summarisation")) == [
        "Sentimentanalysis"
    ]
