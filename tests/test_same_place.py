"""A slide's body sits at the same height in every output: the PPTX as LibreOffice draws it, the
slides PDF (Chromium printing the HTML deck) and the handout, each read back with poppler
(words) and as pictures (rules and pictures).

slides.place puts a quote and displayed equations in the middle of the body; the HTML deck and
the handout once set the equations (and the handout the quote) at the top of it. The handout
also centred a picture in the room its caption shares (running into the caption) and a
column's picture in the column, which the PPTX and the HTML deck set at the column's top.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SAMPLE, libreoffice_convert, require, run_cli
from test_fonts import words_by_page

LECTURE = r"""title: Same place
author: Test Author
topics:
  - title: Bodies
    slides:
      - title: Einstein said
        quote:
          text: Imagination is more important than knowledge
          attribution: Albert Einstein
      - title: Rotation matrix
        math:
          equations:
            - 'R = \begin{pmatrix} a & b \\ c & d \end{pmatrix}'
          caption: Four entries
      - title: Tall formulas
        bullets:
          - 'Attention scales by $\frac{QK^\top}{\sqrt{d_k}}$'
      - title: Picture slide
        image: {src: images/photo.png, alt: A green circle, caption: A picture}
      - title: Picture column
        columns:
          - bullets: [Alpha, Beta]
          - image: {src: images/photo.png, alt: A green circle}
      - title: Captioned tall picture
        image:
          src: images/tall.png
          alt: A red block
          caption: Underneath is a caption long enough to need two lines on the slide, so the
            picture above it makes room for both of them
      - title: Spaced bullets
        bullets:
          - Alpha
          - Bravo
          - Charlie
          - Delta
"""
# The slide (by its title's first word) and a word of the last line of its body.
BODIES = [("Einstein", "Albert"), ("Rotation", "entries")]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    require("chromium")
    folder = tmp_path_factory.mktemp("same-place") / "same-place"
    folder.mkdir()
    (folder / "lecture.yaml").write_text(LECTURE, "utf-8")
    shutil.copytree(SAMPLE / "images", folder / "images")
    from PIL import Image

    Image.new("RGB", (400, 600), "#C62828").save(folder / "images" / "tall.png")
    out = folder.parent / "out"
    result = run_cli("build", folder, "--format", "pptx,pdf,handout", "--out", out, "-q")
    assert result.returncode == 0, result.stderr
    built = out / "same-place"
    return {
        "pptx": libreoffice_convert(built / "same-place.pptx", folder.parent, "pdf"),
        "slides PDF": built / "same-place-slides.pdf",
        "handout": built / "same-place-handout.pdf",
    }


def page_image(pdf: Path, number: int, png: Path):
    """Page `number` of a PDF as an RGB picture at 144 dpi (two pixels a point), via png."""
    from PIL import Image

    subprocess.run(
        [require("pdftoppm"), "-r", "144", "-png", "-singlefile", "-f", str(number)]
        + ["-l", str(number), str(pdf), str(png)],
        check=True,
    )
    return Image.open(png.with_suffix(".png")).convert("RGB")


@pytest.mark.parametrize(("title", "body"), BODIES)
def test_the_body_sits_as_high_in_every_output(pdfs, title, body) -> None:
    """The middle of the body (its first line's top to its last line's bottom) is as far down
    from the title to the slide number (middles of their words: each output's own scale, and
    each PDF writer's own word boxes) in every output."""
    where = {}
    for output, pdf in pdfs.items():
        page = next(p for p in words_by_page(pdf) if any(w[0] == title for w in p))
        head = next(w for w in page if w[0] == title)
        at = next(i for i, w in enumerate(page) if w[0] == body and w[2] > head[4])
        last = page[at]
        number = next(w for w in page[at + 1 :] if w[0].isdigit())
        top = min(w[2] for w in page if w[2] > head[4] and w[4] <= last[4])
        middle = [(a[2] + a[4]) / 2 for a in (head, number)]
        where[output] = ((top + last[4]) / 2 - middle[0]) / (middle[1] - middle[0])
    assert max(where.values()) - min(where.values()) < 0.03, where


def test_the_title_rule_is_as_long_in_every_output(pdfs, tmp_path) -> None:
    """The accent rule under a title is as long, against the title's own width, in the handout
    as on the slides (the handout once ruled the whole width of the title box)."""

    from slides.theme import load_theme

    accent = tuple(bytes.fromhex(load_theme("default").colors["accent"][1:]))
    ratio = {}
    for output, pdf in pdfs.items():
        number, page = next(
            (n, p)
            for n, p in enumerate(words_by_page(pdf), 1)
            if any(w[0] == "Rotation" for w in p)
        )
        title = [w for w in page if w[0] in ("Rotation", "matrix")]
        png = tmp_path / output.replace(" ", "-")
        image = page_image(pdf, number, png)
        below = int(title[0][4] * 2), int((title[0][4] + (title[0][4] - title[0][2])) * 2)
        left, right = int(title[0][1] * 2) - 10, image.width
        longest = 0
        for y in range(*below):
            run = 0
            for x in range(left, right):
                pixel = image.getpixel((x, y))
                run = (
                    run + 1
                    if all(abs(a - b) < 40 for a, b in zip(pixel, accent, strict=True))
                    else 0
                )
                longest = max(longest, run)
        ratio[output] = longest / 2 / (title[-1][3] - title[0][1])
    assert max(ratio.values()) < 1.2 * min(ratio.values()), ratio


# A picture's slide (by its title's first word), where its middle is across the slide (as a
# share of the title's left edge to the slide number's right edge), and its caption if any.
PICTURES = [("Picture", "slide", 0.5, "picture"), ("Picture", "column", 0.76, None)]


@pytest.mark.parametrize(("title", "second", "across", "caption"), PICTURES)
def test_a_picture_sits_as_high_in_every_output(pdfs, tmp_path, title, second, across, caption):
    """The picture's middle (its drawn rows down a line through it, above its caption) is as
    far down from the title to the slide number in every output."""

    where = {}
    for output, pdf in pdfs.items():
        number, page = next(
            (n, p)
            for n, p in enumerate(words_by_page(pdf), 1)
            if [w[0] for w in p if w[0] in (title, second)] == [title, second]
        )
        head = next(w for w in page if w[0] == title)
        at = next(i for i, w in enumerate(page) if w[0] == second)
        slide_number = next(w for w in page[at + 1 :] if w[0].isdigit())
        end = next((w[2] for w in page[at + 1 :] if w[0] == caption), slide_number[2])
        png = tmp_path / f"{output.replace(' ', '-')}-{second}"
        image = page_image(pdf, number, png)
        x = int(2 * (head[1] + across * (slide_number[3] - head[1])))
        drawn = [
            y
            for y in range(int(2 * head[4]) + 1, int(2 * end) - 1)
            if min(image.getpixel((x, y))) < 245
        ]
        middle = [(w[2] + w[4]) / 2 for w in (head, slide_number)]
        picture = (drawn[0] + drawn[-1]) / 4
        where[output] = (picture - middle[0]) / (middle[1] - middle[0])
    assert max(where.values()) - min(where.values()) < 0.015, where


def test_a_quote_has_its_marks_in_every_output(pdfs) -> None:
    """The quote is printed between curly quotation marks on the slides and in the handout."""
    for output, pdf in pdfs.items():
        page = next(p for p in words_by_page(pdf) if any(w[0] == "Einstein" for w in p))
        words = [w[0] for w in page]
        assert "“Imagination" in words and "knowledge”" in words, (output, words)


def test_a_bullet_sits_on_its_lines_baseline_beside_a_tall_formula(pdfs) -> None:
    """A fraction makes the bullet's first line taller; the bullet stays on that line's
    baseline (the HTML deck once drew it at the top of the line, a line above the text)."""
    for output, pdf in pdfs.items():
        page = next(p for p in words_by_page(pdf) if any(w[0] == "Attention" for w in p))
        at = next(i for i, w in enumerate(page) if w[0] == "Attention")
        bullet, text = page[at - 1], page[at]
        assert bullet[0] == "•" and abs(bullet[4] - text[4]) < 2.5, (output, bullet, text)


def test_a_long_caption_sits_under_its_picture_in_every_output(pdfs, tmp_path) -> None:
    """A caption of two lines takes its room from the picture (slides.place): in every output
    the picture ends above the caption's first line. The handout once kept a fixed room for
    one line, and a longer caption ran over the picture."""

    for output, pdf in pdfs.items():
        number, page = next(
            (n, p)
            for n, p in enumerate(words_by_page(pdf), 1)
            if any(w[0] == "Underneath" for w in p)
        )
        head = next(w for w in page if w[0] == "Captioned")
        caption = next(w for w in page if w[0] == "Underneath")
        slide_number = next(w for w in page if w[0].isdigit() and w[2] > caption[4])
        png = tmp_path / f"{output.replace(' ', '-')}-caption"
        image = page_image(pdf, number, png)
        x = int(2 * (head[1] + slide_number[3]) / 2)  # the picture is centred on the slide
        red = [
            y
            for y in range(int(2 * head[4]) + 1, int(2 * slide_number[2]))
            if (lambda r, g, b: r > 150 and g < 90 and b < 90)(*image.getpixel((x, y)))
        ]
        assert red, output
        assert red[-1] / 2 <= caption[2], (output, red[-1] / 2, caption[2])


def test_bullets_are_as_far_apart_in_every_output(pdfs) -> None:
    """The first bullet's line to the fourth's, as a share of the title to the slide number:
    the handout set its lists with Typst's own tighter spacing (0.7 of the slide's)."""
    apart = {}
    for output, pdf in pdfs.items():
        page = next(p for p in words_by_page(pdf) if any(w[0] == "Spaced" for w in p))
        head = next(w for w in page if w[0] == "Spaced")
        alpha, delta = (next(w for w in page if w[0] == word) for word in ("Alpha", "Delta"))
        number = next(w for w in page if w[0].isdigit() and w[2] > delta[4])
        middle = [(a[2] + a[4]) / 2 for a in (head, alpha, delta, number)]
        apart[output] = (middle[2] - middle[1]) / (middle[3] - middle[0])
    assert max(apart.values()) - min(apart.values()) < 0.02, apart
