"""A lecture's language picks the forms of its Han characters in every output.

One font collection (Noto Sans CJK) holds the Chinese, Japanese and Korean forms of the same
characters; which one a viewer sees depends on the family an output names. The default theme's
East Asian fallback names Noto Sans CJK SC, and for a lecture in Japanese Noto Sans CJK JP (its
`languages`). Checked where the outputs are opened: the PPTX's runs and LibreOffice's PDF of it,
the HTML deck drawn by Chromium, and the fonts the handout embeds.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import msgspec
import pytest
from conftest import chromium_browser, libreoffice_convert, require, run_cli
from screenshots import open_deck, serve_folder

from slides.theme import load_theme

LECTURE = """\
title: 生成AI入門
language: ja
topics:
  - title: 直接の説明
    slides:
      - title: 骨と今の漢字
        bullets:
          - 直線と骨格の違い
          - 今日の誤りを直す
        notes: 日本語の字形で表示する。
"""


def build(where: Path, name: str, lecture: str, formats: str) -> Path:
    """The lecture built from its text through the command line; its output folder."""
    folder = where / name
    folder.mkdir()
    (folder / "lecture.yaml").write_text(lecture, "utf-8")
    result = run_cli("build", folder, "--format", formats, "--out", where / "out", "-q")
    assert result.returncode == 0, result.stderr
    return where / "out" / name


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("japanese"), "japanese", LECTURE, "pptx,html,handout")


def test_the_fallback_is_named_by_the_lectures_language() -> None:
    """A tag's longest listed prefix (RFC 4647 lookup), else the font's own family."""
    (cjk,) = [f for f in load_theme("default").fallbacks if f.slot == "ea"]
    assert cjk.family("ja") == cjk.family("ja-JP") == "Noto Sans CJK JP"
    assert cjk.family("zh-Hant-TW") == cjk.family("zh-TW") == "Noto Sans CJK TC"
    assert cjk.family("ko") == "Noto Sans CJK KR"
    assert cjk.family("zh") == cjk.family("en") == "Noto Sans CJK SC"


def test_the_pptx_names_the_japanese_forms_and_libreoffice_shows_them(
    built: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(built / "japanese.pptx") as package:
        slides = [n for n in package.namelist() if n.startswith("ppt/slides/slide")]
        xml = "".join(package.read(n).decode("utf-8") for n in slides)
    assert 'ea typeface="Noto Sans CJK JP"' in xml and "CJK SC" not in xml
    pdf = libreoffice_convert(built / "japanese.pptx", tmp_path, "pdf")
    fonts = subprocess.run(
        [require("pdffonts"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "NotoSansCJKjp" in fonts and "NotoSansCJKsc" not in fonts, fonts


def test_the_handout_embeds_the_japanese_forms(built: Path) -> None:
    fonts = subprocess.run(
        [require("pdffonts"), str(built / "japanese-handout.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "NotoSansCJKjp" in fonts and "NotoSansCJKsc" not in fonts, fonts


# The deck's own font stack draws 直 (whose Japanese and Chinese forms differ) as the Japanese
# face draws it, not as the Chinese one does.
SAME_AS = """
() => {
  const family = getComputedStyle(document.querySelector('.reveal li')).fontFamily;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 64;
  const ctx = canvas.getContext('2d');
  const draw = (font) => {
    ctx.clearRect(0, 0, 64, 64);
    ctx.font = `48px ${font}`;
    ctx.fillText('直', 4, 52);
    return ctx.getImageData(0, 0, 64, 64).data.join();
  };
  const deck = draw(family);
  return [deck === draw('"Noto Sans CJK JP"'), deck === draw('"Noto Sans CJK SC"')];
}
"""


def test_chromium_draws_the_japanese_forms(built: Path) -> None:
    with serve_folder(built) as url, chromium_browser("languages test") as browser:
        page = open_deck(browser, f"{url}/japanese.html")
        page.evaluate("document.fonts.load('48px \"Noto Sans CJK JP\"', '直')")
        page.evaluate("document.fonts.load('48px \"Noto Sans CJK SC\"', '直')")
        assert page.evaluate(SAME_AS) == [True, False]


HEBREW = """\
title: מבוא לבינה מלאכותית יוצרת
language: he
topics:
  - title: מהי בינה מלאכותית יוצרת?
    slides:
      - title: הגדרה
        bullets:
          - סוג של בינה מלאכותית
          - יוצרת תוכן חדש כמו טקסט ותמונות
        notes: הערות הדובר לשקופית הזאת, ארוכות מספיק כדי לעבור לשורה השנייה בדף ההדפסה.
      - title: עוד שקופית עם כותרת ארוכה מאוד שעוברת שורה אחת לפחות בדף
        bullets: [אחת, שתיים]
        notes: עוד הערות.
"""
ARABIC = """\
title: مقدمة في الذكاء الاصطناعي التوليدي
language: ar
topics:
  - title: ما هو الذكاء الاصطناعي التوليدي؟
    slides:
      - title: تعريف الذكاء الاصطناعي
        bullets: [نوع من الذكاء الاصطناعي, ينشئ محتوى جديدا مثل النصوص والصور]
        notes: ملاحظات المتحدث عن الذكاء الاصطناعي.
"""


@pytest.mark.parametrize("name", ["hebrew", "arabic"])
def test_a_lecture_all_in_a_right_to_left_script_builds_and_reads_back(
    name: str, tmp_path: Path
) -> None:
    """Every output of a lecture in Hebrew or Arabic is read back and found to hold every slide
    and its notes: pdftotext gives such a handout's lines in visual order (words from the
    right, lam-alef reversed), and the whole text was one run of right-to-left letters, so the
    build used to fail saying the slides were missing. A title that is not there still is."""
    from slides.build import plan_lecture
    from slides.parity import compare_handout

    require("chromium")
    lecture = HEBREW if name == "hebrew" else ARABIC
    handout = build(tmp_path, name, lecture, "pptx,qmd,html,handout,pdf") / f"{name}-handout.pdf"
    deck, _, _ = plan_lecture(tmp_path / name)
    assert compare_handout(handout, deck) == []
    frames = [
        msgspec.structs.replace(f, title="שקופית שאינה שם") if f.kind == "content" else f
        for f in deck.frames
    ]
    missing = compare_handout(handout, msgspec.structs.replace(deck, frames=frames))
    assert missing and all("is missing" in problem for problem in missing), missing


RIGHT_TO_LEFT = """\
title: مقدمة في الذكاء الاصطناعي التوليدي
language: ar
footer: الذكاء الاصطناعي التوليدي
topics:
  - title: ما هو الذكاء الاصطناعي التوليدي؟
    slides:
      - title: تعريف
        bullets:
          - نوع من الذكاء الاصطناعي
          - ينشئ محتوى جديدا مثل النصوص والصور
        notes: ملاحظات المتحدث.
      - title: مقارنة
        columns:
          - bullets: [نقطة واحدة]
          - bullets: [نقطة ثالثة]
        notes: ملاحظات.
"""


def _words(pdf: Path, page: int) -> list[tuple[str, float, float, float]]:
    """Each word of a PDF page: its text, left and right edge, middle height (points)."""
    bbox = subprocess.run(
        [require("pdftotext"), "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>',
        bbox,
    )
    return [
        (word, float(x0), float(x1), (float(y0) + float(y1)) / 2) for x0, y0, x1, y1, word in found
    ]


@pytest.fixture(scope="module")
def mirrored(tmp_path_factory) -> dict[str, tuple[Path, int]]:
    """A lecture in Arabic in the PPTX (as LibreOffice draws it), the slides PDF and the handout:
    each PDF with the page of its first content slide."""
    require("chromium")
    where = tmp_path_factory.mktemp("rtl")
    out = build(where, "rtl", RIGHT_TO_LEFT, "pptx,pdf,handout")
    pdf = libreoffice_convert(out / "rtl.pptx", where, "pdf")
    return {"pptx": (pdf, 4), "slides PDF": (out / "rtl-slides.pdf", 4),
            "handout": (out / "rtl-handout.pdf", 3)}  # fmt: skip


def test_a_right_to_left_lecture_is_laid_out_from_the_right_in_every_output(mirrored) -> None:
    """Its bullets stand right of their lines at the body's right edge, its first column right
    of its second, its footer right of the slide number: the placement mirrors the slide
    (slides.place), and each output sets its paragraphs from the right (the PPTX's rtl="1",
    the deck's dir="rtl", Typst's Arabic)."""
    for output, (pdf, page) in mirrored.items():
        words = _words(pdf, page)
        bullets = [w for w in words if w[0] == "•"]
        assert len(bullets) == 2, (output, words)
        for bullet in bullets:
            line = [w for w in words if abs(w[3] - bullet[3]) < 6 and w[0] != "•"]
            assert line and bullet[1] > max(w[2] for w in line), (output, bullet, line)
        # The slide number (4) and the footer's words on its row (not the handout page's "3 / 4").
        rows = [
            (number, [w for w in words if abs(w[3] - number[3]) < 15 and not w[0].isascii()])
            for number in words
            if number[0] == "4"
        ]
        number, footer = next((n, row) for n, row in rows if row)
        assert min(w[1] for w in footer) > number[2], (output, footer, number)
        # The lines start at the right edge of the body, where the footer ends.
        right, span = max(w[2] for w in footer), max(w[2] for w in footer) - number[1]
        assert all(right - b[2] < 0.05 * span for b in bullets), (output, right, bullets)
        columns = _words(pdf, page + 1)  # letters may come in visual order: compared as sets
        first = next(w for w in columns if sorted(w[0]) == sorted("واحدة"))
        second = next(w for w in columns if sorted(w[0]) == sorted("ثالثة"))
        assert first[1] > second[2], (output, first, second)


NUMBERS = """\
title: מודלי שפה
language: he
agenda: false
closing: null
topics:
  - title: נושא מספר 7
    slides:
      - title: גודל
        bullets:
          - 175 מיליארד פרמטרים
          - למה זה חשוב?
          - ערבית العربية ועברית
        notes: הערות.
"""


def test_digits_and_punctuation_among_hebrew_letters_show_in_libreoffice(tmp_path: Path) -> None:
    """The a:cs font draws a run's right-to-left letters and the digits and punctuation among
    them; Noto Sans Hebrew has none of those, and LibreOffice took them from its colour emoji
    font, which drew them as nothing ("175 מיליארד" showed as "מיליארד"). They are runs of
    their own naming the theme font; and Arabic beside Hebrew names its own font."""
    pptx = build(tmp_path, "numbers", NUMBERS, "pptx") / "numbers.pptx"
    with zipfile.ZipFile(pptx) as package:
        xml = package.read("ppt/slides/slide3.xml").decode("utf-8")
    runs = dict(
        (text, cs)
        for cs, text in re.findall(r'<a:cs typeface="([^"]+)"/>.*?<a:t>([^<]*)</a:t>', xml)
    )
    assert runs["175 "] == "Lato" and runs["מיליארד פרמטרים"] == "Noto Sans Hebrew", runs
    assert runs["?"] == "Lato", runs
    arabic = next(text for text in runs if "العربية" in text)
    assert runs[arabic] == "Noto Sans Arabic" and "עברית" not in arabic, runs
    # The text layer has the digits either way; the emoji font drew them as nothing.
    pdf = libreoffice_convert(pptx, tmp_path, "pdf")
    fonts = subprocess.run(
        [require("pdffonts"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "NotoColorEmoji" not in fonts and "Lato-Regular" in fonts, fonts


ANSWERS = """\
title: مقدمة
language: ar
agenda: false
closing: null
topics:
  - title: أسئلة
    slides:
      - title: تحقق من فهمك
        questions:
          - question: هل يحتاج النموذج إلى خادم؟
            answer: لا، يعمل على الحاسوب 100%.
        notes: ملاحظات.
"""


def test_a_right_to_left_decks_sub_levels_are_right_to_left_in_libreoffice(tmp_path: Path) -> None:
    """An answer is a second-level paragraph. Its own a:pPr says rtl="1", but LibreOffice took
    the direction from the master's second-level style (python-pptx's template says rtl="0"),
    so the sentence's full stop stood at its right end, after the first word. The masters'
    and the presentation's text styles are right to left in such a lecture (text a speaker
    adds is too); a left-to-right lecture's stay as they were."""
    from pptx import Presentation

    pptx = build(tmp_path, "answers", ANSWERS, "pptx") / "answers.pptx"
    styles = (
        Presentation(pptx)
        .slide_masters[0]
        ._element.find("{http://schemas.openxmlformats.org/presentationml/2006/main}txStyles")
    )
    levels = [e for e in styles.iter() if re.fullmatch(r"\{.*\}lvl\dpPr", e.tag)]
    assert levels and {e.get("rtl") for e in levels} == {"1"}
    assert "l" not in {e.get("algn") for e in levels}
    pdf = libreoffice_convert(pptx, tmp_path, "pdf")
    words = _words(pdf, 3)
    (line,) = {y for word, _, _, y in words if "100" in word}
    answer = sorted((x0, word) for word, x0, _, y in words if abs(y - line) < 2)
    assert answer[0][1].startswith("."), answer  # the end of the sentence, at its left
