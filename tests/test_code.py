"""Highlighted code in every output: one palette, hanging indents, splits between blocks;
and imported notes whose private comments reach no output."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, chromium_browser, libreoffice_convert, openxml_audit, require, run_cli
from pptx import Presentation

from slides import model
from slides.contrast import contrast_failures
from slides.place import code as code_layout
from slides.theme import load_theme

CODE = ROOT / "tests" / "fixtures" / "code"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
PALETTE = {v.upper() for k, v in load_theme("default").colors.items() if k.startswith("code_")}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("code")
    result = run_cli("build", CODE, "--format", "pptx,html,handout", "--out", out)
    assert result.returncode == 0, result.stderr
    return out / "code"


def code_runs(slide) -> list[tuple[str, str]]:
    """(text, colour) of every run in the slide's code box."""
    (box,) = [s for s in slide.shapes if s.name.startswith("Code")]
    runs = []
    for run in box._element.iter(f"{A}r"):
        colour = run.find(f"{A}rPr/{A}solidFill/{A}srgbClr")
        runs.append((run.findtext(f"{A}t"), "#" + colour.get("val").upper()))
    return runs


def slide_titled(prs, title: str):
    return next(s for s in prs.slides if s.shapes.title.text_frame.text == title)


def test_pygments_tokens_become_palette_roles() -> None:
    code = model.Code(language="python", source="def f(x):\n    return 'a' + 1  # c")
    lines = code_layout.code_lines(code)
    roles = {span.text.strip(): span.role for line in lines for span in line.runs}
    assert roles["def"] == "code_keyword" and roles["f"] == "code_function"
    assert roles["'a'"] == "code_string" and roles["1"] == "code_number"
    assert roles["# c"] == "code_comment"
    assert [line.indent for line in lines] == [0, 4]


def test_a_code_colour_below_contrast_is_named_by_its_theme_key() -> None:
    theme = load_theme("default")
    assert not contrast_failures(theme)
    pale = replace(theme, colors={**theme.colors, "code_keyword": "#CCCCCC"})
    failures = contrast_failures(pale)
    assert {key for key, _ in failures} == {"code.keyword"} and len(failures) == 2  # 2 grounds
    assert "on surface" in failures[0][1] and "on code_mark" in failures[1][1]


def test_code_splits_between_blocks_never_inside_one() -> None:
    source = yaml.safe_load((CODE / "lecture.yaml").read_text())["topics"][0]["slides"][2]
    units = code_layout.split_units(model.Code(**source["code"]))
    (transaction,) = [u for u in units if u[0] == "BEGIN;"]
    assert transaction[-1] == "COMMIT;" and len(transaction) == 8
    assert units[0][0].startswith("-- Move") and units[0][1].startswith("CREATE TABLE")  # comment
    python = "if a:\n    b()\nelse:\n    c()\n\nd = {\n  1: 2,\n}\ne()"
    assert [len(u) for u in code_layout.split_units(model.Code(source=python))] == [4, 1, 3, 1]


def test_pptx_code_runs_carry_the_palette(built: Path) -> None:
    prs = Presentation(str(built / "code.pptx"))
    for title in ("A Python function", "A JavaScript module", "A SQL transfer (1/2)"):
        colours = {colour for _, colour in code_runs(slide_titled(prs, title))}
        assert len(colours & PALETTE) >= 3, (title, colours)
    # The SQL transaction is on one slide: the split went between statements.
    texts = [
        "".join(t for t, _ in code_runs(s))
        for s in prs.slides
        if s.shapes.title.text_frame.text.startswith("A SQL")
    ]
    assert len(texts) == 2 and any("BEGIN;" in t and "COMMIT;" in t for t in texts)
    # Line 4 of the Python slide is marked: its runs have the mark behind them.
    (box,) = [s for s in slide_titled(prs, "A Python function").shapes if s.name.startswith("Code")]
    marked = [p for p in box._element.iter(f"{A}p") if p.find(f".//{A}highlight") is not None]
    mark = load_theme("default").color("code_mark").lstrip("#").upper()
    assert len(marked) == 1 and "return" in "".join(marked[0].itertext())
    assert marked[0].find(f".//{A}highlight/{A}srgbClr").get("val") == mark


def test_openxml_audit_finds_no_error_in_coloured_and_marked_runs(built: Path) -> None:
    report = openxml_audit(built / "code.pptx")
    assert report["error_count"] == 0, report["errors"][:5]


def test_html_spans_have_the_same_colours_as_the_pptx(built: Path) -> None:
    prs = Presentation(str(built / "code.pptx"))
    pptx = {
        (text, colour)
        for text, colour in code_runs(slide_titled(prs, "A JavaScript module"))
        if text.strip()
    }
    with chromium_browser("code colours") as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto((built / "code.html").as_uri())
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        spans = page.evaluate(
            """() => [...document.querySelectorAll('pre.code')].map(pre =>
                [...pre.querySelectorAll('.code-line > span')].map(s =>
                    [s.textContent, getComputedStyle(s).color]))"""
        )
    rgb = re.compile(r"rgb\((\d+), (\d+), (\d+)\)")

    def hex_of(css: str) -> str:
        return "#" + "".join(f"{int(v):02X}" for v in rgb.match(css).groups())

    javascript = {(text, hex_of(colour)) for text, colour in spans[1] if text.strip()}
    assert len({colour for _, colour in javascript} & PALETTE) >= 3
    assert javascript <= pptx  # the same runs in the same colours


def test_handout_code_is_coloured(built: Path, tmp_path: Path) -> None:
    require("pdftoppm")
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "3", "-l", "3", built / "code-handout.pdf",
         tmp_path / "page"],
        check=True,
    )  # fmt: skip
    from PIL import Image

    (png,) = tmp_path.glob("page*.png")
    data = Image.open(png).convert("RGB").tobytes()
    pixels = set(zip(data[0::3], data[1::3], data[2::3], strict=True))
    found = {c for c in PALETTE if _near(c, pixels)}
    assert len(found) >= 3, found


def _near(colour: str, pixels: set, tolerance: int = 6) -> bool:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return any(
        abs(r - p[0]) <= tolerance and abs(g - p[1]) <= tolerance and abs(b - p[2]) <= tolerance
        for p in pixels
    )


def continuation_offset(pdf: Path, page: int, first: str, next_word: str) -> tuple[float, float]:
    """x of `first` (where a code line's text starts) and of `next_word`, the first word of
    the line below it (its wrapped continuation), read by pdftotext -bbox."""
    require("pdftotext")
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    words = [
        (float(m["x"]), float(m["y"]), m["w"])
        for m in re.finditer(r'xMin="(?P<x>[\d.]+)" yMin="(?P<y>[\d.]+)"[^>]*>(?P<w>[^<]*)<', xhtml)
    ]
    x0, y0, _ = next(w for w in words if w[2] == first)
    below = sorted((w for w in words if w[1] > y0 + 1), key=lambda w: (w[1], w[0]))
    return x0, below[0][0] if below[0][2] == next_word else float("nan")


def test_a_wrapped_indented_line_continues_at_its_indentation(built: Path, tmp_path: Path) -> None:
    pdf = libreoffice_convert(built / "code.pptx", tmp_path, "pdf")
    for document, page in ((pdf, 4), (built / "code-handout.pdf", 3)):
        start, continuation = continuation_offset(document, page, "return", "if")
        assert continuation == pytest.approx(start, abs=1.5), document.name


def test_highlighted_lines_outside_the_code_are_a_located_error(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    data = yaml.safe_load((CODE / "lecture.yaml").read_text())
    data["topics"][0]["slides"][1]["code"]["highlight"] = "2, 30-31"
    (folder / "lecture.yaml").write_text(yaml.safe_dump(data), "utf-8")
    result = run_cli("check", folder)
    assert result.returncode == 2
    assert re.search(r"lecture\.yaml:\d+:\d+: .*highlight: lines 30-31", result.stderr)


NOTE = """# Databases

## Relations

A relation is a set of tuples. %% private: ask about the exam %%

- \\[ ] an escaped bracket, not a task
- [ ] a real task

## Transactions

%%
private plan
%%

```sql
BEGIN;
UPDATE accounts SET balance = balance - 10 WHERE id = 1; -- %% kept: code %%
COMMIT;
```

## Keys

Every relation has a **key**: a set of [attributes](https://example.org).
"""


def test_an_imported_note_keeps_its_comments_private(tmp_path: Path) -> None:
    note = tmp_path / "db.md"
    note.write_text(NOTE, "utf-8")
    result = run_cli("import", note, "--out", tmp_path / "db")
    assert result.returncode == 0, result.stderr
    assert "db.md:5: warning: an Obsidian comment" in result.stderr
    data = yaml.safe_load((tmp_path / "db" / "lecture.yaml").read_text("utf-8"))
    # A short note: its headings are slides of one topic, not three sections.
    assert [t["title"] for t in data["topics"]] == ["Databases"]
    slides = data["topics"][0]["slides"]
    assert [s["title"] for s in slides] == ["Relations", "Transactions", "Keys"]
    assert slides[0]["bullets"][1:] == ["\\[ ] an escaped bracket, not a task", "☐ a real task"]
    assert (
        slides[1]["code"]["language"] == "sql" and "%% kept: code %%" in slides[1]["code"]["source"]
    )
    assert slides[2]["notes"] == "Every relation has a key: a set of attributes."  # prose
    out = tmp_path / "out"
    result = run_cli("build", tmp_path / "db", "--out", out)
    assert result.returncode == 0, result.stderr
    folder = out / "db"
    texts = [(folder / name).read_text("utf-8") for name in ("db.qmd", "db.html")]
    import zipfile

    with zipfile.ZipFile(folder / "db.pptx") as package:
        texts += [package.read(n).decode("utf-8", "replace") for n in package.namelist()]
    for pdf in ("db-handout.pdf", "db-slides.pdf"):
        texts.append(
            subprocess.run(
                ["pdftotext", folder / pdf, "-"], capture_output=True, text=True, check=True
            ).stdout
        )
    assert not [t for t in texts if "private" in t]
    assert any("an escaped bracket" in t for t in texts)
    html = (folder / "db.html").read_text("utf-8")
    assert html.count('<input type="checkbox"') == 1  # the real task only
