"""Every diagram of the GenAI lecture as each output draws it, side by side, for looking at.

    python tests/diagram_sheet.py [OUT_DIR]

Builds the lecture (PPTX with native shapes, HTML deck, handout) into OUT_DIR (default
/tmp/diagram-sheet) and writes docs/diagrams-native.png: one row per diagram, with the Pillow
picture (`--pptx-diagrams picture`), the PPTX's shapes as LibreOffice renders them, the HTML
deck's SVG in Chromium and the handout's Typst drawing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CELL = 420  # the width of one drawing on the sheet, in pixels
COLUMNS = ("Picture (Pillow)", "PPTX in LibreOffice", "HTML deck in Chromium", "Handout (Typst)")


def _pptx_crops(pptx: Path, out: Path) -> list:
    """Each native diagram group as LibreOffice draws it (the slide rendered, the group cut out)."""
    from conftest import libreoffice_convert
    from PIL import Image
    from pptx import Presentation

    pdf = libreoffice_convert(pptx, out, "pdf")
    deck = Presentation(pptx)
    dpi = 150
    crops = []
    for number, slide in enumerate(deck.slides, 1):
        for shape in slide.shapes:
            element = shape._element
            if not element.tag.endswith("}grpSp"):
                continue
            stem = out / f"slide-{number}"
            subprocess.run(
                ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(number), "-l",
                 str(number), str(pdf), str(stem)],
                check=True,
            )  # fmt: skip
            page = Image.open(f"{stem}.png")
            k = dpi / 914400  # pixels per EMU
            box = (shape.left * k, shape.top * k, (shape.left + shape.width) * k,
                   (shape.top + shape.height) * k)  # fmt: skip
            crops.append(page.crop(tuple(round(v) for v in box)))
    return crops


def _html_crops(html: Path, out: Path) -> list:
    from conftest import chromium_browser
    from PIL import Image
    from screenshots import SHOW_SLIDE, open_deck, serve_folder

    crops = []
    with chromium_browser("diagram sheet") as browser, serve_folder(html.parent.parent) as base:
        page = open_deck(browser, f"{base}/{html.parent.name}/{html.name}")
        total = page.evaluate("Reveal.getTotalSlides()")
        for i in range(total):
            slide_id = page.evaluate(SHOW_SLIDE, i)
            drawings = page.locator(f"[id='{slide_id}'] svg.diagram")
            for n in range(drawings.count()):
                path = out / f"html-{i}-{n}.png"
                drawings.nth(n).screenshot(path=str(path))
                crops.append(Image.open(path))
    return crops


def _handout_crops(build, nodes, out: Path) -> list:
    """Each diagram drawn by the handout's own `drawing` function, alone on a page."""
    import typst
    from PIL import Image

    from slides.diagrams import vector_of
    from slides.render.handout import LIBRARY, environment

    template = environment().get_template("diagram.typ.j2").module
    crops = []
    for n, node in enumerate(nodes):
        d = vector_of(build, node)
        w, h = 600, 600 * d.height / d.width
        (out / "handout.typ").write_bytes(LIBRARY.read_bytes())
        source = out / f"diagram-{n}.typ"
        source.write_text(
            '#import "handout.typ": drawing\n'
            f"#set page(width: {w}pt, height: {h:.2f}pt, margin: 0pt)\n"
            f'#set text(font: "{build.theme.sans.family}")\n'
            f'#drawing({template.drawing(d)}, "", {w}pt, {h:.2f}pt)\n',
            encoding="utf-8",
        )
        png = out / f"handout-{n}.png"
        fonts = [str(folder) for folder in build.theme.font_dirs]
        typst.compile(str(source), output=str(png), format="png", ppi=144, font_paths=fonts)
        crops.append(Image.open(png))
    return crops


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import GENAI
    from PIL import Image, ImageDraw, ImageFont

    from slides import model
    from slides.assets import pictures_of
    from slides.build import prepare_build
    from slides.cli import main as cli
    from slides.render import Options

    out = Path(argv[0]) if argv else Path("/tmp/diagram-sheet")
    out.mkdir(parents=True, exist_ok=True)
    if cli(["build", str(GENAI), "--format", "pptx,html,handout", "--out", str(out), "-q"]):
        return 1
    built = out / GENAI.name
    build, _ = prepare_build(GENAI, out / "plan", Options(pptx_diagrams="picture"))
    nodes = [
        node
        for node in pictures_of(build.lecture)
        if isinstance(node, model.DiagramBase) and node.source_path is None
    ]
    columns = [
        [Image.open(build.assets.picture(node).path) for node in nodes],
        _pptx_crops(built / f"{GENAI.name}.pptx", out),
        _html_crops(built / f"{GENAI.name}.html", out),
        _handout_crops(build, nodes, out),
    ]
    assert all(len(column) == len(nodes) for column in columns), [len(c) for c in columns]
    gap, head = 12, 30
    rows = [
        max(round(CELL * image.height / image.width) for image in row)
        for row in zip(*columns, strict=True)
    ]
    sheet = Image.new("RGB", (gap + (CELL + gap) * 4, head + sum(r + gap for r in rows)), "white")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype(str(build.theme.sans.file(bold=True)), 18)
    for c, title in enumerate(COLUMNS):
        draw.text((gap + c * (CELL + gap), 6), title, fill="#333333", font=font)
    y = head
    for r, height in enumerate(rows):
        for c, column in enumerate(columns):
            image = column[r].convert("RGB")
            image = image.resize((CELL, round(CELL * image.height / image.width)), Image.LANCZOS)
            x = gap + c * (CELL + gap)
            sheet.paste(image, (x, y))
            draw.rectangle((x - 1, y - 1, x + CELL, y + image.height), outline="#CCCCCC")
        y += height + gap
    target = ROOT / "docs" / "diagrams-native.png"
    sheet.quantize(256, dither=Image.Dither.NONE).save(target, optimize=True)  # a third the bytes
    print(f"{target.relative_to(ROOT)}: {len(nodes)} diagrams")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
