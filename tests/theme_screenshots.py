"""One lecture in each theme, in all three outputs, for docs/themes.md.

    python tests/theme_screenshots.py [NAME=THEME_FOLDER ...]

builds the sample lecture (tests/fixtures/sample) in the default and the dark theme (and any
theme folder given) into /tmp/theme-shots, and writes docs/themes-<name>-<output>.png: the
title, diagram and code slides of the PPTX (as LibreOffice shows it), of the HTML deck (as
Chromium shows it), and the handout's pages of the diagram and the code slides.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "sample"
SLIDES = ("Every Slide Kind", "A diagram", "Code")  # titles of the slides shown
WORK = Path("/tmp/theme-shots")
THUMB_W = 480  # each slide's width in the strip; handout pages are as tall as a slide row


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import chromium_browser, libreoffice_convert
    from screenshots import open_deck, serve_folder, shoot

    from slides.cli import main as cli

    themes = {"default": ROOT / "templates/themes/default", "dark": ROOT / "templates/themes/dark"}
    themes |= dict((arg.split("=", 1)[0], Path(arg.split("=", 1)[1])) for arg in argv)
    for name, folder in themes.items():
        out = WORK / name
        args = ["build", str(SAMPLE), "--theme", str(folder), "--out", str(out), "-q"]
        if cli([*args, "--format", "pptx,html,handout"]):
            return 1
        built = out / SAMPLE.name
        pdf = libreoffice_convert(built / f"{SAMPLE.name}.pptx", out, "pdf")
        strip([page_png(pdf, n, out / "pptx") for n in pages_of(pdf)], name, "pptx")
        with chromium_browser("theme screenshots") as browser, serve_folder(built) as base:
            page = open_deck(browser, f"{base}/{SAMPLE.name}.html")
            slides = [n - 1 for n in pages_of(pdf)]  # the PPTX's pages are the deck's slides
            shots = [out / "html" / f"{i}.png" for i in slides]
            for i, path in zip(slides, shots, strict=True):
                shoot(page, i, path)
            page.close()
        strip(shots, name, "html")
        handout = built / f"{SAMPLE.name}-handout.pdf"
        strip(
            [page_png(handout, n, out / "handout") for n in pages_of(handout)[1:]], name, "handout"
        )
    return 0


def pages_of(pdf: Path) -> list[int]:
    """The pages (1-based) whose text holds each of SLIDES' titles, first found first."""
    count = int(_run("pdfinfo", pdf).split("Pages:")[1].split()[0])
    texts = [_run("pdftotext", "-f", str(n), "-l", str(n), pdf, "-") for n in range(1, count + 1)]
    return [next(n for n, text in enumerate(texts, 1) if title in text) for title in SLIDES]


def page_png(pdf: Path, number: int, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"page-{number}"
    _run(
        "pdftoppm",
        "-r",
        "80",
        "-png",
        "-singlefile",
        "-f",
        str(number),
        "-l",
        str(number),
        pdf,
        stem,
    )
    return stem.with_suffix(".png")


def strip(pictures: list[Path], theme: str, output: str) -> None:
    """The pictures side by side, each THUMB_W wide (pages: a slide's height), on white."""
    images = [Image.open(p).convert("RGB") for p in pictures]
    height = round(THUMB_W * 9 / 16)
    scaled = [im.resize((round(im.width * height / im.height), height)) for im in images]
    gap = 12
    sheet = Image.new(
        "RGB", (sum(im.width for im in scaled) + gap * (len(scaled) - 1), height), "white"
    )
    x = 0
    for im in scaled:
        sheet.paste(im, (x, 0))
        frame = (x, 0, x + im.width - 1, height - 1)
        ImageDraw.Draw(sheet).rectangle(frame, outline="#B0B7BF")  # white slides on a white page
        x += im.width + gap
    target = ROOT / "docs" / f"themes-{theme}-{output}.png"
    sheet.save(target, optimize=True)
    print(f"wrote {target.relative_to(ROOT)}")


def _run(*args: str | Path) -> str:
    return subprocess.run(list(map(str, args)), capture_output=True, text=True, check=True).stdout


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
