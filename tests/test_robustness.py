"""Hostile content, failed and interrupted builds: nothing injected, nothing lost.

The hostile lecture (fixtures/hostile) puts HTML, script, markdown, Quarto, Jinja and Typst
syntax, right-to-left text, CJK, emoji and combining marks into every kind of text field.
"""

from __future__ import annotations

import json
import subprocess
import unicodedata
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE, chromium_browser, copy_lecture, require, run_cli
from pptx import Presentation

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
LITERALS = [
    "<script>window.pwned=1</script> {{ 7*7 }} {% raw %} #import",
    "{{ lecture.title }} and {% if true %}jinja{% endif %}",
    "#set page(width: 1cm) #let x = 1 $ math $ @label <tag>",
    "</div></section><h1>injected</h1>",
    "Right-to-left: مرحبا بالعالم",
    "CJK 漢字かなカナ 한국어",
]


@pytest.fixture(scope="module")
def hostile_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hostile")
    formats = "pptx,qmd,html,handout"
    result = run_cli("build", HOSTILE, "--format", formats, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return out / "hostile"


def squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def test_pptx_shows_hostile_text_literally(hostile_out: Path) -> None:
    deck = Presentation(hostile_out / "hostile.pptx")
    text = squash(
        " ".join(
            shape.text_frame.text
            for slide in deck.slides
            for shape in slide.shapes
            if shape.has_text_frame
        )
    )
    for literal in LITERALS:
        assert squash(literal) in text, literal


def test_qmd_structure_is_not_changed_by_content(hostile_out: Path) -> None:
    import pypandoc

    ast = json.loads(
        subprocess.run(
            [pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "json"],
            input=(hostile_out / "hostile.qmd").read_text("utf-8"),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    headers = [block for block in ast["blocks"] if block["t"] == "Header"]
    # Level 1: the topic and the closing slide; level 2: the agenda and the topic's 5 slides.
    levels = [h["c"][0] for h in headers]
    assert (levels.count(1), levels.count(2), len(levels)) == (2, 6, 8)
    body = json.dumps(ast["blocks"])
    raw = [b for b in body.split('"t": "') if b.startswith(("RawBlock", "RawInline"))]
    # The only raw blocks are the highlighted code boxes, their text escaped (test_code.py).
    ours = 'RawBlock", "c": ["html", "<pre class=\\"code\\">'
    raw = [b for b in raw if not b.startswith(ours)]
    assert not raw, "content became raw HTML or another format's markup"


def test_html_runs_no_script_from_content(hostile_out: Path) -> None:
    require("chromium")
    with chromium_browser("the XSS test") as chromium:
        page = chromium.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto((hostile_out / "hostile.html").as_uri())
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        pwned = page.evaluate("window.pwned")
        injected = page.evaluate("document.querySelectorAll('.slides h1').length")
        text = squash(page.evaluate("document.querySelector('.slides').textContent"))
    assert pwned is None and not dialogs
    assert "injected" not in [t.strip() for t in _headings(hostile_out)]
    assert injected >= 1  # the topic heading; the injected <h1> is text, not an element
    for literal in LITERALS:
        assert squash(literal) in text, literal


def _headings(folder: Path) -> list[str]:
    from lxml import html

    tree = html.parse(str(folder / "hostile.html"))
    return [h.text_content() for h in tree.iter("h1")]


def test_handout_shows_hostile_text_literally(hostile_out: Path) -> None:
    pdftotext = require("pdftotext")
    text = subprocess.run(
        [pdftotext, str(hostile_out / "hostile-handout.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for literal in ["{{ lecture.title }}", "#set page(width: 1cm)", "$ math $ @label <tag>"]:
        assert squash(literal) in squash(text), literal


def test_failed_build_keeps_the_last_good_outputs(tmp_path: Path) -> None:
    lecture = copy_lecture(SAMPLE, tmp_path)
    out = tmp_path / "out"
    assert run_cli("build", lecture, "--format", "pptx,qmd", "--out", out).returncode == 0
    before = {p.name: p.read_bytes() for p in (out / "sample").glob("sample.*")}
    text = (lecture / "lecture.yaml").read_text("utf-8")
    (lecture / "lecture.yaml").write_text(text.replace("bullets:", "bullets: [", 1), "utf-8")
    broken = run_cli("build", lecture, "--format", "pptx,qmd", "--out", out)
    assert broken.returncode == 2 and "YAML syntax" in broken.stderr
    assert "Traceback" not in broken.stderr
    after = {p.name: p.read_bytes() for p in (out / "sample").glob("sample.*")}
    assert after == before
