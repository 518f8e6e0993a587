"""Fonts where the outputs are opened: a viewer without Lato, and every script a lecture may hold.

LibreOffice renders the PPTX under a fontconfig that lacks the theme font (as a lecturer's
laptop does), and poppler reads where every word landed. The many-scripts lecture goes through
every output: the handout's text, the HTML deck in Chromium and the PPTX's run fonts.
"""

from __future__ import annotations

import dataclasses
import html
import re
import subprocess
from collections import Counter
from pathlib import Path

import msgspec
import pytest
import yaml
from conftest import (
    GENAI,
    ROOT,
    SAMPLE,
    chromium_browser,
    copy_lecture,
    libreoffice_convert,
    require,
    run_cli,
)
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from screenshots import open_deck, serve_folder

from slides.fonts import Measurer, measurer
from slides.parity import pdf_pages
from slides.theme import load_theme

SCRIPTS = ROOT / "tests" / "fixtures" / "scripts"
PT = 12700  # EMU per point
LIBREOFFICE_FONTS = Path("/usr/lib/libreoffice/share/fonts/truetype")
# What a viewer without Lato may have: an office machine's metric-compatible fonts and DejaVu
# (LibreOffice then shows DejaVu Sans, the widest), or a Linux desktop with Noto.
VIEWERS = {
    "office": ["truetype/dejavu", "truetype/liberation2", "truetype/crosextra"],
    "noto": ["truetype/dejavu", "truetype/noto", "opentype/noto"],
}
LECTURE = GENAI if (GENAI / "lecture.yaml").is_file() else SAMPLE


def fontconfig(tmp: Path, folders: list[str]) -> dict[str, str]:
    """Environment for a process that sees only these font folders (and LibreOffice's own)."""
    dirs = [f"/usr/share/fonts/{f}" for f in folders] + [str(LIBREOFFICE_FONTS)]
    conf = tmp / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        + "".join(f"  <dir>{d}</dir>\n" for d in dirs)
        + f"  <cachedir>{tmp / 'fc-cache'}</cachedir>\n"
        '  <include ignore_missing="yes">/etc/fonts/conf.d</include>\n</fontconfig>\n'
    )
    import os

    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def words_by_page(pdf: Path) -> list[list[tuple[str, float, float, float, float]]]:
    """Every word of every page with its box in points: (word, x0, y0, x1, y1)."""
    out = subprocess.run(
        [require("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    word = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [
        [(html.unescape(w), float(a), float(b), float(c), float(d)) for a, b, c, d, w in found]
        for found in (re.findall(word, page) for page in re.split(r"<page ", out)[1:])
    ]


def text_boxes(shapes, place=lambda x, y: (x, y), scale=(1.0, 1.0)):
    """(x, y, w, h) in points and the text of every text shape and table cell, groups opened."""
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            xfrm = shape._element.grpSpPr.find("{*}xfrm")
            off, ext = xfrm.find("{*}off"), xfrm.find("{*}ext")
            ch_off, ch_ext = xfrm.find("{*}chOff"), xfrm.find("{*}chExt")
            sx = int(ext.get("cx")) / int(ch_ext.get("cx")) * scale[0]
            sy = int(ext.get("cy")) / int(ch_ext.get("cy")) * scale[1]
            ox, oy = place(int(off.get("x")), int(off.get("y")))
            cx, cy = int(ch_off.get("x")), int(ch_off.get("y"))

            def inner(x, y, ox=ox, oy=oy, cx=cx, cy=cy, sx=sx, sy=sy):
                return ox + (x - cx) * sx, oy + (y - cy) * sy

            yield from text_boxes(shape.shapes, inner, (sx, sy))
            continue
        if shape.left is None:
            continue
        x, y = place(shape.left, shape.top)
        w, h = shape.width * scale[0], shape.height * scale[1]
        if shape.has_text_frame and shape.text_frame.text.strip():
            yield (x / PT, y / PT, w / PT, h / PT), shape.text_frame.text
        if getattr(shape, "has_table", False) and shape.has_table:
            table, top = shape.table, y
            for row in table.rows:
                left = x
                for column, cell in zip(table.columns, row.cells, strict=True):
                    if cell.text.strip():
                        yield (left / PT, top / PT, column.width / PT, row.height / PT), cell.text
                    left += column.width
                top += row.height


def broken_or_outside(pptx: Path, pages: list) -> list[str]:
    """Words of the deck that the rendered PDF does not show whole inside their own box.

    A word broken across lines ("Marketi ng") is missing as a whole; a word that left its box
    is not found inside it. pdftotext's word box is taller than a line, so its middle counts.
    """
    faults = []
    slides = Presentation(str(pptx)).slides
    assert len(pages) == len(slides)
    for number, (slide, words) in enumerate(zip(slides, pages, strict=True), start=1):
        for (x, y, w, h), text in text_boxes(slide.shapes):
            inside = Counter(
                word
                for word, x0, y0, x1, y1 in words
                if x - 1 <= x0 and x1 <= x + w + 1 and y <= (y0 + y1) / 2 <= y + h
            )
            for word in text.split():
                if inside[word] <= 0:
                    faults.append(f"slide {number}: {word!r} of {text[:40]!r}")
                inside[word] -= 1
    return faults


@pytest.mark.parametrize(
    ("mode", "viewer"), [("picture", "office"), ("native", "office"), ("native", "noto")]
)
def test_without_the_theme_font_every_word_is_whole_and_inside_its_box(
    mode: str, viewer: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run_cli("build", LECTURE, "--format", "pptx", "--pptx-diagrams", mode, "--out", out)
    assert result.returncode == 0, result.stderr
    pptx = out / LECTURE.name / f"{LECTURE.name}.pptx"
    pdf = libreoffice_convert(pptx, tmp_path, "pdf", fontconfig(tmp_path, VIEWERS[viewer]))
    fonts = subprocess.run([require("pdffonts"), str(pdf)], capture_output=True, text=True).stdout
    assert "Lato" not in fonts, "the viewer must not have the theme font"
    assert broken_or_outside(pptx, words_by_page(pdf)) == []


def test_the_check_finds_a_word_broken_by_a_wider_font(tmp_path: Path) -> None:
    """The same check fails on a deck measured for Lato alone, shown in DejaVu Sans."""
    lecture = {
        "title": "Narrow",
        "topics": [{"title": "T", "slides": [{"title": "Spokes", "diagram": {
            "kind": "hub", "centre": "Generative AI",
            "spokes": ["Marketing", "Healthcare", "Education", "Customer support",
                       "Content creation", "Software development"]}}]}],
    }  # fmt: skip
    folder = tmp_path / "narrow"
    folder.mkdir()
    (folder / "lecture.yaml").write_text(yaml.safe_dump(lecture), "utf-8")
    theme = load_theme("default")
    lato_only = Measurer(dataclasses.replace(theme, substitutes={}))
    wide = measurer("default")
    assert wide.width("Marketing", 20, bold=True) > 1.2 * lato_only.width("Marketing", 20, True)
    out = tmp_path / "out"
    result = run_cli("build", folder, "--format", "pptx", "--pptx-diagrams", "native", "--out", out)
    assert result.returncode == 0, result.stderr
    pptx = out / "narrow" / "narrow.pptx"
    office = fontconfig(tmp_path, VIEWERS["office"])
    pages = words_by_page(libreoffice_convert(pptx, tmp_path, "pdf", office))
    assert broken_or_outside(pptx, pages) == []
    # The check bites: a word broken in two, and words moved out of their boxes.
    n = next(i for i, words in enumerate(pages) if any(w[0] == "Marketing" for w in words))
    broken = [p for w in pages[n] for p in ([(w[0][:4], *w[1:]), (w[0][4:], *w[1:])]
              if w[0] == "Marketing" else [w])]  # fmt: skip
    assert broken_or_outside(pptx, [*pages[:n], broken, *pages[n + 1 :]]) == [
        f"slide {n + 1}: 'Marketing' of 'Marketing'"
    ]
    moved = [(w, x0 + 60, y0, x1 + 60, y1) for w, x0, y0, x1, y1 in pages[n]]
    assert len(broken_or_outside(pptx, [*pages[:n], moved, *pages[n + 1 :]])) > 5


# --- every script ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scripts(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("scripts")
    result = run_cli("build", SCRIPTS, "--out", out, "--pptx-diagrams", "native")
    assert result.returncode == 0, result.stderr
    return out / "scripts", result.stderr


SAMPLES = {
    "Chinese": "数据库",
    "Japanese": "データ",
    "Korean": "데이터베이스",
    "Arabic": "قاعدة",
    "Hebrew": "נתונים",
    "Greek": "Ελληνικά",
    "Cyrillic": "Кириллица",
    "emoji": "🎓📚🚀",
}


def test_the_scripts_lecture_builds_without_warnings_or_drift(scripts) -> None:
    _, stderr = scripts
    assert "warning" not in stderr and "drift" not in stderr, stderr


def test_the_handout_has_every_script_as_text_and_embeds_its_fonts(scripts) -> None:
    folder, _ = scripts
    handout = folder / "scripts-handout.pdf"
    text = "".join(pdf_pages(handout))
    squashed = "".join(text.split())
    for script, sample in SAMPLES.items():
        if script in ("Arabic", "Hebrew"):  # pdftotext gives right-to-left text in visual order
            assert all(ch in squashed for ch in sample), script
        else:
            assert "".join(sample.split()) in squashed, script
    fonts = subprocess.run([require("pdffonts"), str(handout)], capture_output=True, text=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts.stdout  # emb
    for family in ("Lato", "NotoSansCJK", "NotoSansArabic", "NotoSansHebrew"):
        assert family in fonts.stdout, family


# Draw each character of the deck, and a code point no font has, with the deck's own font stack:
# a character drawn exactly like the missing one is a box.
BOXES = """
() => {
  const family = getComputedStyle(document.querySelector('.reveal')).fontFamily;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 64;
  const ctx = canvas.getContext('2d');
  const draw = (ch) => {
    ctx.clearRect(0, 0, 64, 64);
    ctx.font = `40px ${family}`;
    ctx.fillText(ch, 4, 48);
    return ctx.getImageData(0, 0, 64, 64).data.join();
  };
  const box = draw('\\u0378');
  const text = document.querySelector('.slides').innerText + ' \\u{1FAE9}';
  const chars = [...new Set([...text.normalize('NFC')])].filter(ch => ch.trim());
  return chars.filter(ch => draw(ch) === box);
}
"""


def test_chromium_draws_every_character_with_a_real_font(scripts, tmp_path: Path) -> None:
    folder, _ = scripts
    with serve_folder(folder) as url, chromium_browser("fonts test") as browser:
        page = open_deck(browser, f"{url}/scripts.html")
        page.evaluate("document.fonts.ready")
        boxes = page.evaluate(BOXES)
        page.screenshot(path=str(tmp_path / "title.png"))
    # The control: U+1FAE9 (Unicode 16) has no font on this machine and must be found.
    assert boxes == ["\U0001fae9"], boxes


def test_pptx_runs_name_fonts_for_east_asian_and_complex_scripts(scripts) -> None:
    folder, _ = scripts
    prs = Presentation(str(folder / "scripts.pptx"))
    runs = [
        run
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for para in shape.text_frame.paragraphs
        for run in para.runs
    ]

    def fonts_of(text: str) -> dict[str, str]:
        run = next(r for r in runs if text in r.text)
        return {el.tag.split("}")[1]: el.get("typeface") for el in run._r.rPr}

    assert fonts_of("数据库是")["ea"] == "Noto Sans CJK SC"
    assert fonts_of("قاعدة")["cs"] == "Noto Sans Arabic"
    assert fonts_of("מסד")["cs"] == "Noto Sans Hebrew"
    assert fonts_of("Βάση")["latin"] == "Lato"


def test_a_character_no_font_has_is_a_warning_naming_the_slide(tmp_path: Path) -> None:
    folder = copy_lecture(SCRIPTS, tmp_path)
    source = folder / "lecture.yaml"
    source.write_text(source.read_text("utf-8").replace("books 📚", "tired \U0001fae9"), "utf-8")
    result = run_cli("check", folder)
    lines = source.read_text("utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "title: Emoji" in text)
    assert re.search(
        rf"lecture.yaml:{line}:\d+: topics\[0\]\.slides\[3\]: warning: slide 'Emoji 🎓 📚 🚀': "
        r"no font has '\U0001fae9' \(U\+1FAE9\)",
        result.stderr,
    ), result.stderr


def test_without_the_substitutes_files_the_theme_font_is_scaled(tmp_path: Path) -> None:
    """A machine without the Debian fonts: each missing substitute counts as Lato × its width."""
    theme = load_theme("default")
    gone = {
        kind: tuple(
            msgspec.structs.replace(
                s, font=msgspec.structs.replace(s.font, regular=None, bold=None)
            )
            for s in subs
        )
        for kind, subs in theme.substitutes.items()
    }
    without = Measurer(dataclasses.replace(theme, substitutes=gone, fallbacks=()))
    lato = Measurer(dataclasses.replace(theme, substitutes={}, fallbacks=()))
    widest = max(s.width for s in theme.substitutes["sans"])
    for text in ("Marketing", "Generative AI"):
        assert without.width(text, 20, bold=True) == pytest.approx(
            lato.width(text, 20, bold=True) * widest
        )
    assert without.missing("数据库") == list("数据库")  # and a warning says so
