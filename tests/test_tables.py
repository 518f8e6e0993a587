"""One table style in every output: the placed table's column widths, fills, rules and text
colours (slides.place.frames.TableStyle), read back from the PPTX, the HTML deck in Chromium
and the handout's pixels."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, chromium_browser, require, run_cli
from PIL import Image
from pptx import Presentation

from slides.place.frames import TABLE_STYLE
from slides.theme import load_theme

TABLE = ROOT / "tests" / "fixtures" / "table"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
COLORS = load_theme("default").colors


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("table")
    result = run_cli("build", TABLE, "--format", "pptx,html,handout", "--out", out)
    assert result.returncode == 0, result.stderr
    return out / "table"


def pptx_table(built: Path):
    prs = Presentation(str(built / "table.pptx"))
    return next(s.table for slide in prs.slides for s in slide.shapes if s.has_table)


def rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({r}, {g}, {b})"


def test_the_pptx_fills_and_rules_every_cell_as_placed(built: Path) -> None:
    table = pptx_table(built)
    for r, row in enumerate(table.rows):
        want = COLORS[TABLE_STYLE.fill(r)].lstrip("#").upper()
        for cell in row.cells:
            tc_pr = cell._tc.find(f"{A}tcPr")
            assert tc_pr.find(f"{A}solidFill/{A}srgbClr").get("val").upper() == want
            for edge in ("lnL", "lnR", "lnT", "lnB"):  # explicit, not left to the table style
                line = tc_pr.find(f"{A}{edge}")
                assert int(line.get("w")) == round(TABLE_STYLE.rule_pt * 12700)
                rule = line.find(f"{A}solidFill/{A}srgbClr").get("val").upper()
                assert rule == COLORS[TABLE_STYLE.rule].lstrip("#").upper()
    header_runs = [
        run for cell in table.rows[0].cells for p in cell.text_frame.paragraphs for run in p.runs
    ]
    assert header_runs and all(run.font.bold for run in header_runs)
    assert {str(run.font.color.rgb) for run in header_runs} == {
        COLORS[TABLE_STYLE.header_text].lstrip("#").upper()
    }


def test_the_html_table_has_the_pptx_widths_fills_and_rules(built: Path) -> None:
    columns = [c.width for c in pptx_table(built).columns]
    pptx_shares = [w / sum(columns) for w in columns]
    with chromium_browser("the HTML table test") as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto((built / "table.html").as_uri())
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        found = page.evaluate(
            """() => {
              const table = document.querySelector('.reveal .body table');
              const where = Reveal.getIndices(table.closest('section'));
              Reveal.slide(where.h, where.v);  // shown, so that it is laid out
              const style = (el) => getComputedStyle(el);
              const head = table.querySelector('thead th');
              const rows = [...table.querySelectorAll('tbody tr')];
              const width = (el) => el.getBoundingClientRect().width;
              return {
                widths: [...head.parentElement.children].map(width),
                headFill: style(head).backgroundColor,
                headText: style(head).color,
                headWeight: style(head).fontWeight,
                bands: rows.map(tr => style(tr).backgroundColor),
                rule: style(rows[0].cells[0]).borderBottomColor,
                ruleWidth: parseFloat(style(rows[0].cells[0]).borderBottomWidth),
              };
            }"""
        )
    html_shares = [w / sum(found["widths"]) for w in found["widths"]]
    assert html_shares == pytest.approx(pptx_shares, abs=0.02)
    assert found["headFill"] == rgb(COLORS[TABLE_STYLE.header_fill])
    assert found["headText"] == rgb(COLORS[TABLE_STYLE.header_text])
    assert int(found["headWeight"]) >= 700
    assert found["bands"] == [rgb(COLORS[TABLE_STYLE.fill(r)]) for r in range(1, 5)]
    assert found["rule"] == rgb(COLORS[TABLE_STYLE.rule])
    assert found["ruleWidth"] > 0


def test_the_handout_table_header_is_filled_as_in_the_pptx(built: Path, tmp_path: Path) -> None:
    """The handout page with the table, as pixels: a band of the header's fill colour across
    most of the table, and the body rows' alternate band below it."""
    pdftoppm, pdftotext = require("pdftoppm"), require("pdftotext")
    pdf = built / "table-handout.pdf"
    page = next(
        n
        for n in range(1, 10)
        if "Marp"
        in subprocess.run(
            [pdftotext, "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    subprocess.run(
        [
            pdftoppm,
            "-r",
            "100",
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    image = Image.open(png).convert("RGB")

    def rows_filled_with(colour: str) -> int:
        """How many pixel rows are this colour across at least 40% of the page's width."""
        want = tuple(int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
        width, height = image.size
        pixels = image.load()
        return sum(
            1
            for y in range(height)
            if sum(pixels[x, y] == want for x in range(0, width, 2)) >= 0.4 * width / 2
        )

    assert rows_filled_with(COLORS[TABLE_STYLE.header_fill]) >= 8  # the header, not a rule
    assert rows_filled_with(COLORS[TABLE_STYLE.bands[1]]) >= 8  # the second body row
