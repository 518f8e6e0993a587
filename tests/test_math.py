"""TeX math in every output: OMML in the PPTX, KaTeX in the HTML, Typst math in the handout.

The lecture tests/fixtures/math-lecture has inline and displayed math (fractions, sums, roots,
a matrix, Greek letters, scripts) in bullets, a math slide, a table and questions, and a
literal `\\$20`.
"""

from __future__ import annotations

import html
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, copy_lecture, libreoffice_convert, openxml_audit, require, run_cli
from lxml import etree

from slides import inline, tex

MATH = ROOT / "tests" / "fixtures" / "math-lecture"
A14 = "http://schemas.microsoft.com/office/drawing/2010/main"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("math-built")
    result = run_cli("build", MATH, "--format", "pptx,html,handout", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr  # PDF/UA: every equation has its alt text
    return out / "math-lecture"


def test_dollars_follow_pandoc_rules():
    spans = inline.parse(r"costs \$20, or $5 and $6, for $x^2$ and $$\sum_i i$$")
    assert [(s.text, s.math) for s in spans if s.math] == [
        ("x^2", "inline"),
        (r"\sum_i i", "display"),
    ]
    assert inline.plain(r"a \$20 ticket") == "a $20 ticket"


def test_malformed_tex_is_a_located_error(tmp_path):
    folder = copy_lecture(MATH, tmp_path)
    yaml = folder / "lecture.yaml"
    text = yaml.read_text("utf-8").replace(r"It is $\frac{1}{3}$.", r"It is $\frac{1}{3$.")
    yaml.write_text(text, "utf-8")
    result = run_cli("check", folder)
    assert result.returncode == 2
    line = next(i for i, row in enumerate(text.splitlines(), 1) if r"\frac{1}{3$" in row)
    assert re.search(rf"lecture\.yaml:{line}:\d+: .*answer: TeX math", result.stderr), result.stderr
    assert "Traceback" not in result.stderr


def test_formula_sizes_grow_with_structure():
    flat, tall = tex.formula("x", False), tex.formula(r"\frac{a}{b}", False)
    matrix = tex.formula(r"\begin{pmatrix}a\\b\\c\end{pmatrix}", True)
    assert tall.height > flat.height and matrix.height > tall.height
    assert tex.formula(r"\frac{abcdef}{x}", False).width < tex.formula("abcdefx", False).width


def test_pptx_has_native_equations_libreoffice_draws(built, tmp_path):
    with zipfile.ZipFile(built / "math-lecture.pptx") as package:
        slides = [package.read(n).decode() for n in package.namelist() if "slides/slide" in n]
    xml = "".join(slides)
    assert xml.count("<m:oMath") >= 10 and "<a14:m>" in xml and 'Requires="a14"' in xml
    assert "<m:nary>" in xml and "<m:rad>" in xml and "<m:m>" in xml and "<m:f>" in xml
    assert "\\frac" not in xml and "$20" in xml
    pdf = libreoffice_convert(built / "math-lecture.pptx", tmp_path, "pdf")
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
    # The math slide's equations, drawn by LibreOffice's formula engine.
    assert "∑" in text and "√" in text and "cos θ" in text
    assert "\\frac" not in text and "$20" in text
    # Formulas within text: LibreOffice shows them (the fallback's Unicode text) in their place.
    between(words(pdf, 4), "mean", "x̅=1/n∑ᵢ₌₁ⁿxᵢ", "of")
    between(words(pdf, 4), "Powers:", "e^(iπ)+1=0")
    between(words(pdf, 4), "letters", "α,", "β")
    between(words(pdf, 9), "is", "∫₀¹x²", "dx?")
    norm, formula = (next(w for w in words(pdf, 8) if w[4] == t) for t in ("Norm", "∥x"))
    assert formula[0] > norm[2] and formula[1] < norm[3] and norm[1] < formula[3]  # its row


def test_libreoffice_draws_brackets_whose_closing_one_carries_a_script(tmp_path):
    """texmath puts `(` and `)` of `(a+b)^2` in different elements (the `)` is the base of the
    power; after a sum the `(` is the sum's body); LibreOffice drew a red ¿ for each such
    bracket. Each group is one delimiter (m:d) now, and every bracket is drawn."""
    lecture = tmp_path / "brackets"
    lecture.mkdir()
    (lecture / "lecture.yaml").write_text(
        r"""title: Brackets
topics:
  - title: Brackets
    slides:
      - title: Squares
        math:
          equations:
            - 'L = \frac{1}{n} \sum_{i=1}^{n} (y_i - \hat{y}_i)^2'
            - '(a+b)^2 = [c]_i + |x|^2 + \sum_j (b+c) d'
""",
        "utf-8",
    )
    result = run_cli("build", lecture, "--format", "pptx", "--out", tmp_path / "out", "-q")
    assert result.returncode == 0, result.stderr
    deck = tmp_path / "out" / "brackets" / "brackets.pptx"
    with zipfile.ZipFile(deck) as package:
        xml = package.read("ppt/slides/slide4.xml").decode()
    assert xml.count("<m:d>") == 4, xml
    text = "".join(w[4] for w in words(libreoffice_convert(deck, tmp_path, "pdf"), 4))
    assert "¿" not in text and text.count("(") == text.count(")") == 3, text
    assert text.count("[") == text.count("]") == 1 and text.count("|") == 2, text


def test_displayed_formulas_stay_readable_in_libreoffice_on_a_dark_theme(tmp_path):
    """LibreOffice draws a formula object black whatever its runs' colour: on the dark theme the
    rotation slide's matrix goes to the fallback's text, in the theme's text colour."""
    from PIL import Image

    from slides.contrast import ratio

    result = run_cli(
        "build",
        MATH,
        "--format",
        "pptx",
        "--out",
        tmp_path,
        "--theme",
        ROOT / "templates/themes/dark",
    )
    assert result.returncode == 0, result.stderr
    pdf = libreoffice_convert(tmp_path / "math-lecture" / "math-lecture.pptx", tmp_path, "pdf")
    page = "7"  # the rotation slide: its title and the displayed matrix
    png = [require("pdftoppm"), "-r", "50", "-png", "-singlefile", "-f", page, "-l", page]
    subprocess.run([*png, pdf, tmp_path / "page"], check=True)
    image = Image.open(tmp_path / "page.png").convert("RGB")
    w, h = image.size
    background = bytes(image.getpixel((w // 2, h - 20))).hex()
    formula = image.crop((w // 5, h * 2 // 5, w * 4 // 5, h * 4 // 5))
    inks = {bytes(pixel).hex() for pixel in formula.get_flattened_data()}
    assert max(ratio(ink, background) for ink in inks) >= 4.5, background


def words(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """The words of a PDF page with their boxes (x0, y0, x1, y1), read by pdftotext -bbox."""
    xhtml = subprocess.run(
        [require("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    box = r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<'
    return [(*map(float, m.groups()[:4]), html.unescape(m[5])) for m in re.finditer(box, xhtml)]


def between(found: list, before: str, word: str, after: str | None = None) -> None:
    """`word` is on the line of `before`, right of it, and left of the `after` that follows."""
    texts = [w[4] for w in found]
    assert word in texts, texts
    i = texts.index(word)
    assert texts[i - 1] == before and (after is None or texts[i + 1] == after), texts[i - 2 : i + 2]
    left, this = found[i - 1], found[i]
    assert abs(this[3] - left[3]) < 2 and this[0] > left[2], (left, this)
    if after is not None:
        assert found[i + 1][0] > this[2] and abs(found[i + 1][3] - this[3]) < 2


def test_openxml_audit_finds_only_powerpoints_own_math_run_properties(built):
    """The Open XML SDK's rules model m:r as Word writes it (m:rPr, w:rPr, text); PowerPoint's
    equation editor writes a:rPr there (its size, colour and Cambria Math), and so do we.
    Every other rule holds, and the a:rPr stands where PowerPoint puts it: after m:rPr."""
    report = openxml_audit(built / "math-lecture.pptx")
    assert report["errors"], "the math runs are checked (the a14 choice is read)"
    others = [
        e
        for e in report["errors"]
        if not (
            e["description"] == "Unexpected element 'rPr' found"
            and re.search(r"/r\[\d+\]$", e["path"])
        )
    ]
    assert others == [], others[:5]
    with zipfile.ZipFile(built / "math-lecture.pptx") as package:
        slides = [package.read(n) for n in package.namelist() if n.startswith("ppt/slides/slide")]
    runs = [r for xml in slides for r in etree.fromstring(xml).iter(f"{{{tex.M}}}r")]
    assert runs
    for run in runs:
        names = [etree.QName(child).text for child in run]
        assert names[-1] == f"{{{tex.M}}}t" and f"{{{tex.A}}}rPr" in names, names
        assert names.index(f"{{{tex.A}}}rPr") == (1 if names[0] == f"{{{tex.M}}}rPr" else 0)


def test_html_typesets_math_offline(built):
    from conftest import chromium_browser
    from screenshots import open_deck, serve_folder

    with chromium_browser("math") as browser, serve_folder(built) as base:
        page = open_deck(browser, f"{base}/math-lecture.html")
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.reload()
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        page.wait_for_function("document.querySelectorAll('.katex').length > 10")
        visible = page.evaluate(
            """() => [...document.querySelectorAll('.slides section')].map(s => {
                 const copy = s.cloneNode(true);
                 copy.querySelectorAll('.katex-mathml, aside.notes').forEach(e => e.remove());
                 return copy.textContent; }).join(' ')"""
        )
        assert "\\frac" not in visible and "\\sum" not in visible
        assert "$" not in visible.replace("$20", "")
        assert "$20" in visible
        assert not [url for url in requests if not url.startswith(base)]
        assert page.evaluate("document.querySelectorAll('.katex-error').length") == 0
        notes = page.evaluate(
            """() => [...document.querySelectorAll('aside.notes')].map(a => {
                 const copy = a.cloneNode(true);
                 copy.querySelectorAll('.katex-mathml').forEach(e => e.remove());
                 return copy.textContent; }).join(' ')"""
        )
        assert "costs $20" in notes and "\\bar" not in notes and "The mean is x" in notes


def test_handout_has_the_symbols(built):
    require("pdftotext")
    pdf = built / "math-lecture-handout.pdf"
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
    assert "∑" in text and "√" in text and "𝛼" in text
    assert "$20" in text and "\\frac" not in text
    assert "a ticket costs $20." in text and "\\bar" not in text  # the notes


def test_pptx_notes_carry_equations(built):
    with zipfile.ZipFile(built / "math-lecture.pptx") as package:
        notes = package.read("ppt/notesSlides/notesSlide1.xml").decode()
    assert "<a14:m>" in notes and "a ticket costs $20." in notes and "\\bar" not in notes


def test_import_keeps_math_and_makes_unreadable_math_code(tmp_path):
    note = tmp_path / "note.md"
    note.write_text(
        "# Sums\n\n## Gauss\n\n- the sum $\\sum_i i$ and $\\frac{a$ here\n\n"
        "$$\n\\sqrt{x}\n$$\n\nA price of $20 and $30.\n",
        "utf-8",
    )
    result = run_cli("import", note, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "texmath cannot read" in result.stderr
    text = (tmp_path / "out" / "lecture.yaml").read_text("utf-8")
    assert "$\\sum_i i$" in text and "`\\frac{a`" in text and "$$\\sqrt{x}$$" in text
    assert "A price of \\$20 and \\$30." in text
    assert run_cli("check", tmp_path / "out").returncode == 0


def test_a_formula_wider_than_the_slide_is_kept_whole(tmp_path):
    from slides.build import plan_lecture

    folder = copy_lecture(MATH, tmp_path)
    yaml = folder / "lecture.yaml"
    wide = " + ".join(f"x_{{{i}}}" for i in range(60))
    text = yaml.read_text("utf-8").replace("Attention scales by", f"Wide ${wide}$ and")
    yaml.write_text(text, "utf-8")
    deck, _, _ = plan_lecture(folder)
    bullets = [f.slide.bullets for f in deck.frames if f.slide is not None and f.slide.bullets]
    texts = [b if isinstance(b, str) else b.text for part in bullets for b in part]
    assert any(f"${wide}$" in t for t in texts)  # never cut inside the formula


def test_omml_is_what_pandocs_pptx_writer_stores(tmp_path):
    """tex reads OMML from pandoc's docx writer (twice as fast): for every kind of formula it
    is what the pptx writer puts inside a14:m."""
    keys = [
        (r"\frac{a}{b} + \sqrt[3]{x} - \sum_{i=1}^{n} i^2", False),
        (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", True),
        (r"\hat{x} + \vec{v} + \bar{y} + \|x\|_2 + \int_0^1 x\,dx", False),
        (r"\mathbf{A}\,\mathrm{d}x + \text{if } \alpha \le \Omega", True),
        (r"\left(\frac{1}{2}\right) \lim_{n\to\infty} \operatorname{sin} x", True),
    ]
    deck = tmp_path / "formulas.pptx"
    tex._run(keys, "pptx", deck)
    with zipfile.ZipFile(deck) as package:
        names = [n for n in package.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]
        maths = [
            m[0]
            for name in sorted(names, key=lambda n: int(re.sub(r"\D", "", n)))
            for m in etree.fromstring(package.read(name)).iter(f"{{{A14}}}m")
        ]
    assert len(maths) == len(keys)
    for key, math in zip(keys, maths, strict=True):
        expected = etree.fromstring(tex.formula(*key).omml)
        for props in math.iter(f"{{{tex.M}}}mcPr"):
            props[:] = sorted(props, key=lambda e: etree.QName(e).localname != "count")
        assert tree(math) == tree(expected), key


def tree(element: etree._Element) -> tuple:
    """An element as nested tuples: names, attributes, text, children (not namespaces)."""
    return (element.tag, dict(element.attrib), element.text, [tree(e) for e in element])


def test_handout_lines_make_room_for_their_formulas(built):
    """A bullet's sum limits end above the next bullet's fraction (Typst's lines grow)."""
    found = words(built / "math-lecture-handout.pdf", 3)
    limits = next(w for w in found if w[4].endswith("𝑖=1"))  # with the n above, or apart
    numerator = [w for w in found if w[4] in ("𝑄𝐾", "⊤")]
    assert numerator and all(limits[3] < w[1] for w in numerator), (limits, numerator)


def test_handout_sets_a_norm_as_tex_does(built):
    """$\\|x\\|_2$ (Math in a table): the subscript follows the closing bar on its line and the
    bars hug x, as in KaTeX. texmath's Typst made the bars relations, spaced apart, with the
    2 set under the second bar."""
    found = words(built / "math-lecture-handout.pdf", 6)
    norm = next(w for w in found if w[4] == "Norm")
    row = [w for w in found if abs(w[1] - norm[1]) < 20 and w[0] > norm[2]]  # not Price
    equals = next(w for w in row if w[4] == "=")
    bars = [w for w in row if w[0] < equals[0] and set(w[4]) & set("‖∥")]
    two = next(w for w in row if w[4] == "2" and w[0] < equals[0])
    assert [w[4] for w in bars] == ["‖𝑥‖"], row  # one word: no gap beside the x
    assert two[0] >= bars[-1][2] - 0.5 and two[1] < bars[-1][3], (bars, two)


def test_pairs_of_bars_become_delimiters_for_typst():
    """A pair of bars in one group is a \\left…\\right pair (Typst's lr); a lone bar, a bar in
    text and bars in different groups stay as written."""
    assert tex._paired_bars(r"\|x\|_2") == r"\left\Vert x\right\Vert _2"
    assert tex._paired_bars(r"|a| + |b|") == r"\left|a\right| + \left|b\right|"
    for alone in (r"P(A | B)", r"\text{a|b}", r"|\left( x| \right)", r"\big| x \big|"):
        assert tex._paired_bars(alone) == alone
    cells = r"\begin{pmatrix} |a| & b| \\ c & d \end{pmatrix}"
    assert tex._paired_bars(cells) == cells.replace("|a|", r"\left|a\right|")
    assert tex._paired_bars(r"\left\| x \right\|") == r"\left\Vert  x \right\Vert "
    typst = tex._pandoc_typst([(r"\|x - y\|^2_2", False), (r"a \parallel b", False)])
    expected = ["$lr(bar.v.double x - y bar.v.double)_2^2$", "$a parallel b$"]
    assert [t.strip() for t in typst] == expected


def test_import_converts_a_notes_formulas_in_one_run_per_form(tmp_path, monkeypatch):
    from slides import importer

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # nothing converted yet
    monkeypatch.setattr(tex, "_formulas", {})
    runs: list[str] = []
    real_run = tex._run
    monkeypatch.setattr(
        tex, "_run", lambda keys, to, *rest: runs.append(to) or real_run(keys, to, *rest)
    )
    note = tmp_path / "note.md"
    items = "\n".join(
        f"- item {i}: $\\frac{{a_{i}}}{{b}}$ and $$\\sqrt{{x_{i}}}$$" for i in range(6)
    )
    note.write_text(f"# Formulas\n\n## Many\n\n{items}\n\n$$\n\\sum_i i\n$$\n", "utf-8")
    importer.import_note(note, tmp_path / "out")
    assert sorted(runs) == ["docx", "typst"], runs
    text = (tmp_path / "out" / "lecture.yaml").read_text("utf-8")
    assert "$\\frac{a_5}{b}$" in text and "$$\\sum_i i$$" in text


def test_katex_is_copied_beside_a_deck_with_math_only(built, tmp_path):
    """pandoc loads KaTeX only in a deck with math: the others get no katex/ (70 files fewer
    to copy in a cold build), and load nothing from it."""
    from conftest import SAMPLE

    page = (built / "math-lecture.html").read_text("utf-8")
    assert 'src="katex/katex.min.js"' in page
    assert (built / "katex" / "katex.min.js").is_file()
    result = run_cli("build", SAMPLE, "--format", "qmd,html", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    deck = tmp_path / SAMPLE.name
    assert "katex" not in (deck / f"{SAMPLE.name}.html").read_text("utf-8")
    assert not (deck / "katex").exists() and (deck / "reveal.js" / "dist" / "reveal.js").is_file()
