"""What stays left to right in a right-to-left lecture, and what is mirrored, in every output.

A lecture in Arabic is laid out from the right (slides.place mirrors the slide), but a formula
reads left to right, and a diagram's labels start where its layout measured them. The HTML deck
inherited `dir: rtl` into KaTeX and the SVG diagram: a formula came out reversed (`2^ mc = E`)
and a compare diagram's items ran back over their bullets. The handout's quote kept its accent
bar on the left. Read in LibreOffice's PDF of the PPTX, the slides PDF and the handout.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import chromium_browser, libreoffice_convert, require
from screenshots import SHOW_SLIDE, open_deck, serve_folder
from test_fonts import words_by_page
from test_languages import build
from test_same_place import page_image

from slides.theme import load_theme

LECTURE = r"""title: مقدمة
language: ar
topics:
  - title: الأساسيات
    slides:
      - title: صيغة
        bullets:
          - 'الصيغة $E = mc^2$ في السطر'
        notes: ملاحظات المتحدث ورقم 42.
      - title: دالة
        math:
          equations:
            - 'L = \frac{1}{n} \sum_{i=1}^{n} (y_i - \hat{y}_i)^2'
        notes: ملاحظات.
      - title: حكمة
        quote:
          text: الذكاء الاصطناعي هو الكهرباء الجديدة
          attribution: أندرو نج
        notes: ملاحظات.
      - title: مقارنة
        diagram:
          kind: compare
          columns:
            - {label: المطور, items: [شركات كبيرة, تدريب النماذج]}
            - {label: المستخدم, items: [المطورون, استخدام النماذج]}
          alt: مقارنة بين المطور والمستخدم
        notes: ملاحظات.
"""

Word = tuple[str, float, float, float, float]  # text, x0, y0, x1, y1 (points)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    require("chromium")
    return build(tmp_path_factory.mktemp("rtl-bodies"), "rtl", LECTURE, "pptx,pdf,handout")


@pytest.fixture(scope="module")
def pdfs(built) -> dict[str, Path]:
    out, where = built, built.parent.parent
    return {
        "pptx": libreoffice_convert(out / "rtl.pptx", where, "pdf"),
        "slides PDF": out / "rtl-slides.pdf",
        "handout": out / "rtl-handout.pdf",
    }


def page_of(pdf: Path, title: str) -> tuple[int, list[Word]]:
    """The page number and words of the slide whose title is `title` (pdftotext gives an
    Arabic word's letters in visual order: compared as sets)."""
    return next(
        (number, page)
        for number, page in enumerate(words_by_page(pdf), 1)
        if any(sorted(w[0]) == sorted(title) for w in page)
    )


def test_a_formula_reads_left_to_right_in_every_output(pdfs) -> None:
    for output, pdf in pdfs.items():
        _, page = page_of(pdf, "دالة")
        first = next(w for w in page if w[0].startswith(("L", "𝐿")))
        total = next(w for w in page if w[0] == "∑")
        last = max((w for w in page if w[0].endswith(")")), key=lambda w: w[1])
        assert first[3] <= total[1] and total[3] <= last[1], (output, first, total, last)
        if output != "pptx":  # LibreOffice shows a formula in a line as one word: E=mc²
            _, page = page_of(pdf, "صيغة")
            forms = (("E", "𝐸"), ("=",), ("mc", "𝑚𝑐"))
            e, equals, mc = (next(w for w in page if w[0] in form) for form in forms)
            assert e[1] < equals[1] < mc[1], (output, e, equals, mc)


def test_a_diagrams_items_stand_beside_their_bullets_in_every_output(pdfs) -> None:
    """As the PPTX draws them: each item right of its bullet, none running over it."""
    for output, pdf in pdfs.items():
        _, page = page_of(pdf, "مقارنة")
        bullets = [w for w in page if w[0] == "•"]
        assert len(bullets) == 4, (output, page)
        for bullet in bullets:
            middle = (bullet[2] + bullet[4]) / 2  # lines are 36 pt apart
            line = [w for w in page if w[0] != "•" and abs((w[2] + w[4]) / 2 - middle) < 15]
            beside = [w for w in line if w[1] >= bullet[3] and w[1] - bullet[3] < 40]
            over = [w for w in line if w[1] < bullet[3] and w[3] > bullet[1]]
            assert beside and not over, (output, bullet, line)


def test_a_quotes_bar_stands_at_the_start_of_its_lines_in_every_output(pdfs, tmp_path) -> None:
    """The accent bar right of the quote, the attribution at its lines' end (the left)."""
    accent = tuple(bytes.fromhex(load_theme("default").colors["accent"][1:]))
    for output, pdf in pdfs.items():
        number, page = page_of(pdf, "حكمة")
        head = next(w for w in page if sorted(w[0]) == sorted("حكمة"))
        quote = [w for w in page if w[2] > head[4] and not w[0].isdigit()]
        attribution = [w for w in quote if sorted(w[0]) == sorted("نج")]
        text = [w for w in quote if w[4] < attribution[0][2]]
        image = page_image(pdf, number, tmp_path / output.replace(" ", "-"))
        y = int(text[0][2] + text[0][4])  # the first line's middle, two pixels a point
        bar = [
            x / 2
            for x in range(image.width)
            if all(abs(a - b) < 40 for a, b in zip(image.getpixel((x, y)), accent, strict=True))
        ]
        assert bar and min(bar) > max(w[3] for w in text), (output, bar[:1], text)
        assert attribution[0][1] < min(w[1] for w in text) + 5, (output, attribution, text)


# Where the deck on screen (not printed) shows the slide number and the footer's text.
NUMBER_AND_FOOTER = """
() => ['.reveal .slide-number', '.reveal section.present > .footer'].map(selector => {
  const range = document.createRange();
  range.selectNodeContents(document.querySelector(selector));
  const box = range.getBoundingClientRect();
  return [box.left, box.right];
})
"""


def test_the_deck_on_screen_shows_the_slide_number_left_of_its_footer(tmp_path) -> None:
    """As the PPTX and the printed deck do: the number at the end of the footer row (the left).
    The theme's logical inset met reveal.js's own `right: 8px`: the number stretched between
    them and stood at the right, beside the footer."""
    lecture = LECTURE.replace("language: ar\n", "language: ar\nfooter: الذكاء الاصطناعي\n")
    out = build(tmp_path, "rtl", lecture, "html")
    with serve_folder(out) as url, chromium_browser("right-to-left deck") as browser:
        page = open_deck(browser, f"{url}/rtl.html")
        page.evaluate(SHOW_SLIDE, 3)
        number, footer = page.evaluate(NUMBER_AND_FOOTER)
        assert number[1] < footer[0] and number[1] < 1280 / 4, (number, footer)


# LibreOffice's PDF of the notes pages only (its impress_pdf_Export options, as JSON).
NOTES_PAGES = (
    'pdf:impress_pdf_Export:{"ExportNotesPages":{"type":"boolean","value":"true"},'
    '"ExportOnlyNotesPages":{"type":"boolean","value":"true"}}'
)


def test_the_speaker_notes_are_set_from_the_right(built, tmp_path) -> None:
    """The notes' paragraphs are right to left (rtl="1", as the slides' are): the sentence's
    full stop ends it at the left, after the number, and its lines stand at the right. They
    were left to right: the stop stood right of the Arabic word before it."""
    pdf = libreoffice_convert(built / "rtl.pptx", tmp_path, NOTES_PAGES)
    page = next(p for p in words_by_page(pdf) if any(w[0] == "42" for w in p))
    number = next(w for w in page if w[0] == "42")
    line = [w for w in page if abs(w[4] - number[4]) < 3]
    stop = next(w for w in line if w[0] == ".")
    assert stop[3] <= number[1] + 0.5 and min(w[1] for w in line) == stop[1], line
    width = max(w[3] for w in page)  # the slide number at the page's right
    assert max(w[3] for w in line) > width / 2, (line, width)


def test_the_handouts_cover_has_its_accent_bar_right_of_the_title(pdfs, tmp_path) -> None:
    """As the title slide has its side bar at the right (it stood at the title's left)."""
    accent = tuple(bytes.fromhex(load_theme("default").colors["accent"][1:]))
    title = next(w for w in words_by_page(pdfs["handout"])[0] if sorted(w[0]) == sorted("مقدمة"))
    image = page_image(pdfs["handout"], 1, tmp_path / "cover")
    y = int(title[2] + title[4])  # the title's middle, two pixels a point
    bar = [
        x / 2
        for x in range(image.width)
        if all(abs(a - b) < 40 for a, b in zip(image.getpixel((x, y)), accent, strict=True))
    ]
    thick = [x for x in bar if x + 2 in bar]  # the 5-pt bar, not a letter's anti-aliased edge
    assert thick and min(thick) > title[3], (thick, title)


def test_the_handouts_running_header_has_the_topic_at_its_end(pdfs) -> None:
    """The lecture's title at the page's right, the page's topic at its left edge (it stood
    right-aligned in the header's left half, in the middle of the page)."""
    page = words_by_page(pdfs["handout"])[2]
    topic = next(w for w in page if sorted(w[0]) == sorted("الأساسيات"))
    title = next(w for w in page if sorted(w[0]) == sorted("مقدمة"))
    assert topic[2] < 40 and topic[1] < 595 / 8 < 595 / 2 < title[1], (topic, title)
