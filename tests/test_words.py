"""The words the tool adds itself (the agenda's title, "Part 2 of 3", the default closing slide,
the handout's labels, alt text and the HTML deck's buttons) are in the lecture's language in
every output: the PPTX (python-pptx),
the .qmd, the HTML deck in Chromium, the slides PDF it prints and the handout (pdftotext).
An English lecture keeps its words, a language without words of its own gets English, and a
lecture's own `closing:` wins."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import lxml.html
import pytest
from conftest import chromium_browser, require, run_cli
from PIL import Image
from pptx import Presentation
from screenshots import open_deck, serve_folder

from slides.build import plan_lecture
from slides.inline import Span
from slides.place import geometry
from slides.place.fit import DISPLAY_TITLE_PT, TITLE_MAX_PT, Fitter
from slides.place.paragraphs import Para
from slides.words import WORDS, lookup, words

LECTURE = """\
title: {title}
language: {language}
{closing}topics:
  - title: {topics[0]}
    slides:
      - title: {topics[0]}
        bullets: [{topics[0]}]
        notes: {topics[0]}
  - title: {topics[1]}
    slides:
      - title: {topics[1]}
        bullets: [{topics[1]}]
  - title: {topics[2]}
    slides:
      - title: {topics[2]}
        bullets: [{topics[2]}]
"""

# What each lecture must show: the agenda's title, the second section's label, the closing
# slide's title, and the handout's label over the notes (upper case, as the handout sets it)
# and on its cover.
EXPECTED = {
    "de": {
        "title": "Einführung",
        "topics": ["Grundlagen", "Modelle", "Anwendungen"],
        "agenda": "Agenda",
        "part": "Teil 2 von 3",
        "closing": "Fragen?",
        "notes": "NOTIZEN DES VORTRAGENDEN",
        "handout": "Handout",
        "buttons": ["vorherige Folie", "nächste Folie", "Folie darüber", "Folie darunter"],
    },
    "ja": {
        "title": "生成AI入門",
        "topics": ["基礎", "モデル", "応用"],
        "agenda": "目次",
        "part": "第2部（全3部）",
        "closing": "ご質問はありますか？",
        "notes": "発表者ノート",
        "handout": "配布資料",
        "buttons": ["前のスライド", "次のスライド", "上のスライド", "下のスライド"],
    },
    "ar": {
        "title": "مقدمة",
        "topics": ["الأساسيات", "النماذج", "التطبيقات"],
        "agenda": "المحتويات",
        "part": "الجزء 2 من 3",
        "closing": "أسئلة؟",
        "notes": "ملاحظات المتحدث",
        "handout": "نشرة",
        "buttons": ["الشريحة السابقة", "الشريحة التالية", "الشريحة أعلاه", "الشريحة أدناه"],
    },
}


def lecture_text(language: str, closing: str = "", **given: object) -> str:
    found = EXPECTED.get(language, EXPECTED["de"])
    values = {"title": found["title"], "topics": found["topics"], **given}
    return LECTURE.format(language=language, closing=closing, **values)


def write(where: Path, name: str, text: str) -> Path:
    folder = where / name
    folder.mkdir(parents=True)
    (folder / "lecture.yaml").write_text(text, "utf-8")
    return folder


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def built(request, tmp_path_factory) -> tuple[str, Path]:
    """A lecture in German, Japanese or Arabic built into every format; its output folder."""
    require("chromium")
    language = request.param
    where = tmp_path_factory.mktemp(f"words-{language}")
    folder = write(where, language, lecture_text(language))
    formats = "pptx,qmd,html,handout,pdf"
    result = run_cli("build", folder, "--format", formats, "--out", where / "out", "-q")
    assert result.returncode == 0, result.stderr
    return language, where / "out" / language


def comparable(text: str) -> set[str]:
    """The words of a text as sets of letters: pdftotext gives right-to-left words in visual
    order, its letters (lam-alef) in either order, Arabic in presentation forms, and digits
    beside a word between direction marks."""
    runs = re.findall(r"[^\W\d_]+|\d+", unicodedata.normalize("NFKC", text))
    return {"".join(sorted(run)) for run in runs}


def shows(text: str, phrase: str) -> bool:
    """Whether a PDF's text shows a phrase: as written, or word by word as letters (above)."""
    return phrase in text or comparable(phrase) <= comparable(text)


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        [require("pdftotext"), "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_pptx_says_the_words_in_the_lectures_language(built: tuple[str, Path]) -> None:
    language, out = built
    want = EXPECTED[language]
    slides = Presentation(str(out / f"{language}.pptx")).slides
    texts = [
        [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        for slide in slides
    ]
    titles = [slide.shapes.title.text_frame.text for slide in slides]
    assert titles[1] == want["agenda"] and titles[-1] == want["closing"]
    # A section slide holds its topic's title (the slide's title) and its label.
    labels = {
        title: [text for text in t if text != title]
        for title, t in zip(titles, texts, strict=True)
        if len(t) == 2 and title in want["topics"]
    }
    assert labels[want["topics"][1]] == [want["part"]], texts
    assert not any(text.startswith("Part ") for t in texts for text in t)


def test_the_qmd_and_the_html_deck_say_the_words(built: tuple[str, Path]) -> None:
    language, out = built
    want = EXPECTED[language]
    qmd = (out / f"{language}.qmd").read_text("utf-8")
    assert f"## {want['agenda']} " in qmd and f"[{want['part']}]{{.part-label}}" in qmd
    with serve_folder(out) as url, chromium_browser("words test") as browser:
        page = open_deck(browser, f"{url}/{language}.html")
        shown = page.evaluate(
            """() => ({
              agenda: document.querySelector('section.agenda h2').textContent.trim(),
              parts: [...document.querySelectorAll('.part-label')].map(e => e.textContent),
              closing: document.querySelector('section.closing h1').textContent.trim(),
              buttons: [...document.querySelectorAll('.controls button')].map(
                b => b.getAttribute('aria-label')),
            })"""
        )
    assert shown["agenda"] == want["agenda"] and shown["closing"] == want["closing"]
    assert shown["parts"][1] == want["part"], shown
    # reveal.js's buttons (previous, next, above, below), as a screen reader names them
    assert sorted(shown["buttons"]) == sorted(want["buttons"]), shown


def test_the_slides_pdf_and_the_handout_say_the_words(built: tuple[str, Path]) -> None:
    language, out = built
    want = EXPECTED[language]
    slides = pdf_text(out / f"{language}-slides.pdf")
    for phrase in (want["agenda"], want["part"], want["closing"]):
        assert shows(slides, phrase), (phrase, slides)
    handout = pdf_text(out / f"{language}-handout.pdf")
    for phrase in (want["notes"], want["handout"]):
        assert shows(handout, phrase), (phrase, handout)
    assert "SPEAKER NOTES" not in handout


def frames_of(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    """The deck plan's frames of a lecture as (kind, title), section frames as (section, label)."""
    deck, _, problems = plan_lecture(write(tmp_path, "lecture", text))
    assert not [p for p in problems if p.severity == "error"], problems
    return [(f.kind, f.label if f.kind == "section" else f.title) for f in deck.frames]


def test_an_english_lecture_and_one_in_a_language_without_words_say_them_in_english(
    tmp_path: Path,
) -> None:
    for language in ("en", "eo", "sw-KE"):
        frames = frames_of(tmp_path / language, lecture_text(language))
        assert frames[1] == ("agenda", "Agenda") and frames[-1] == ("closing", "Questions?")
        assert [title for kind, title in frames if kind == "section"] == [
            "Part 1 of 3",
            "Part 2 of 3",
            "Part 3 of 3",
        ]


def test_a_lectures_own_closing_wins_and_null_means_none(tmp_path: Path) -> None:
    own = frames_of(tmp_path / "own", lecture_text("de", 'closing: "Danke!"\n'))
    assert own[-1] == ("closing", "Danke!")
    assert "closing" not in [
        kind for kind, _ in frames_of(tmp_path / "none", lecture_text("de", "closing: null\n"))
    ]
    default = frames_of(tmp_path / "default", lecture_text("ja"))
    assert default[-1] == ("closing", "ご質問はありますか？")


def test_the_words_are_looked_up_as_the_fonts_are() -> None:
    """RFC 4647 lookup: the longest listed prefix of the tag; Chinese of Taiwan, Hong Kong
    and Macau in Traditional characters."""
    assert words("de-AT") == words("de-CH-1996") == WORDS["de"]
    assert words("zh-Hant-TW").agenda == words("zh-TW").agenda == words("zh-HK").agenda == "目錄"
    assert words("zh").agenda == words("zh-Hans-CN").agenda == words("zh-CN").agenda == "目录"
    assert words("pt-BR") == WORDS["pt"] and words("EN-gb") == words("xx") == WORDS["en"]
    assert lookup({"ja": 1}, "ko") is None


@pytest.mark.parametrize("language", sorted(WORDS))
def test_every_languages_words_keep_its_typography_and_fit(language: str) -> None:
    """A question mark as the language writes it; the section label on one line with
    two-digit numbers; the agenda (continued) and closing titles at their largest size."""
    said = WORDS[language]
    mark = {"fr": "\u202f?", "ar": "؟", "fa": "؟", "ja": "？", "zh": "？", "zh-Hant": "？"}
    assert said.closing.endswith(mark.get(lookup({k: k for k in mark}, language) or "", "?"))
    assert said.closing.startswith("¿") == (language == "es")
    assert said.part_of(2, 7) != said.part_of(7, 2), "both numbers are shown"
    fitter = Fitter.for_theme("default")
    label = Para((Span(said.part_of(12, 12)),), 20.0)
    assert len(fitter.wrap(label, geometry.SECTION_LABEL_BOX.w)) == 1
    assert fitter.title_pt(f"{said.agenda} (2/2)")[0] == TITLE_MAX_PT
    closing = fitter.title_pt(said.closing, geometry.TITLE_SLIDE_BOX, DISPLAY_TITLE_PT, 3)
    assert closing[0] == DISPLAY_TITLE_PT[0]


def test_the_docs_show_the_words_the_table_holds() -> None:
    """docs/content-format.md's table of the words, row by row, as slides/words.py has them."""
    docs = (Path(__file__).parent.parent / "docs" / "content-format.md").read_text("utf-8")
    rows = re.findall(r"^\| `([\w-]+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$", docs, re.M)
    shown = {tag: [cell.strip() for cell in cells] for tag, *cells in rows if tag in WORDS}
    assert len(shown) >= 7
    for tag, cells in shown.items():
        said = WORDS[tag]
        assert cells == [said.agenda, said.part_of(2, 7), said.closing], tag


def test_the_alt_text_the_tool_writes_is_in_the_lectures_language(tmp_path: Path) -> None:
    """The logo's alt text names the institution, and a picture without alt text or caption is
    described by its slide's title, in German words, in the PPTX and the HTML deck."""
    from test_theme_folders import make_theme

    theme = make_theme(tmp_path / "crest")
    own = (theme / "theme.yaml").read_text("utf-8")
    (theme / "theme.yaml").write_text(re.sub(r"(?m)^logo_alt:.*\n", "", own), "utf-8")
    text = lecture_text("de").replace("topics:", "institution: Universität Beispiel\ntopics:", 1)
    text = text.replace("bullets: [Modelle]", "image: {src: images/bild.png}")
    folder = write(tmp_path, "bild", text)
    (folder / "images").mkdir()
    Image.new("RGB", (320, 180), "#2266AA").save(folder / "images" / "bild.png")
    result = run_cli(
        "build", folder, "--theme", theme, "--format", "pptx,html", "--out", tmp_path / "out"
    )
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out" / "bild"
    described = [
        shape._element.nvPicPr.cNvPr.get("descr")
        for slide in Presentation(str(out / "bild.pptx")).slides
        for shape in slide.shapes
        if shape.shape_type == 13  # a picture
    ]
    assert described == ["Logo: Universität Beispiel", "Bild: Modelle"]
    page = lxml.html.parse(str(out / "bild.html"))
    assert page.xpath("//img[contains(@class, 'title-logo')]/@alt") == [described[0]]
    assert page.xpath("//img[starts-with(@data-src, 'images/')]/@alt") == [described[1]]


def test_a_traditional_chinese_handout_is_titled_in_traditional_characters(
    tmp_path: Path,
) -> None:
    """Its labels are the table's, and Typst's contents title is 目錄, not the Simplified 目录."""
    text = LECTURE.format(
        title="生成式人工智慧", language="zh-Hant", closing="", topics=["基礎", "模型", "應用"]
    )
    folder = write(tmp_path, "hant", text)
    result = run_cli("build", folder, "--format", "handout", "--out", tmp_path / "out", "-q")
    assert result.returncode == 0, result.stderr
    handout = pdf_text(tmp_path / "out" / "hant" / "hant-handout.pdf")
    assert "目錄" in handout and "目录" not in handout
    assert "演講者備忘稿" in handout and "講義" in handout
