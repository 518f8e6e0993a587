"""A PowerPoint template restyles every output (slides.pptx_theme), and its layouts are found by
their placeholders whatever their names (slides.render.pptx_package.find_layout).

The template is made here: python-pptx's default one with German layout names, a colour scheme
and fonts of its own and a logo on the slide master, top right.
"""

from __future__ import annotations

import copy
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import SAMPLE, copy_lecture, libreoffice_convert, require, run_cli, set_scheme
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE, MSO_SHAPE_TYPE
from pptx.util import Emu, Pt

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
GERMAN = {
    "Title Slide": "Titelfolie",
    "Title and Content": "Titel und Inhalt",
    "Section Header": "Abschnittsüberschrift",
    "Two Content": "Zwei Inhalte",
    "Title Only": "Nur Titel",
}
ACCENT = "8B1E3F"  # burgundy: 9:1 on white
SCHEME = {"dk1": "1A1A2E", "lt1": "FFFFFF", "dk2": "3D3D5C", "lt2": "F3EFE6", "accent1": ACCENT}
FONTS = ("DejaVu Serif", "Liberation Serif")  # major (headings), minor (body): installed here
LOGO_BOX = (800.0, 16.0, 120.0, 40.0)  # points: x, y, w, h; it reaches into the title box
BODY_AREA = (96.0, 132.0, 760.0, 340.0)  # the master's body placeholder: the layouts' body
BAND_BOX = (0.0, 0.0, 60.0, 540.0)  # a decoration down the left edge, into our text boxes


def make_template(
    path: Path, colours: dict[str, str] = SCHEME, fonts: tuple[str, str] = FONTS
) -> Path:
    """python-pptx's default template in German, with a colour and font scheme, a logo and a
    band down the left edge on its master."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # 16:9, as our decks
    for tree in [prs.slide_master, *prs.slide_layouts]:  # its 4:3 placeholders made 16:9
        for xfrm in tree._element.iter(f"{A}xfrm"):
            off, ext = xfrm.find(f"{A}off"), xfrm.find(f"{A}ext")
            off.set("x", str(int(off.get("x")) * 4 // 3))
            ext.set("cx", str(int(ext.get("cx")) * 4 // 3))
    body = next(s for s in prs.slide_master.placeholders if s.placeholder_format.type == 2)
    body.left, body.top, body.width, body.height = (Pt(v) for v in BODY_AREA)
    for layout in prs.slide_layouts:
        layout.name = GERMAN.get(layout.name, layout.name)
    set_scheme(prs, colours, fonts)
    logo = path.with_name("dept-logo.png")
    Image.new("RGB", (360, 120), f"#{ACCENT}").save(logo)
    # The master has no add_picture: a slide's picture is moved to it, with its image part.
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    x, y, w, h = (Pt(v) for v in LOGO_BOX)
    picture = slide.shapes.add_picture(str(logo), x, y, w, h)
    picture._element.nvPicPr.cNvPr.set("descr", "Department of Examples logo")
    master = prs.slide_master
    _, rid = master.part.get_or_add_image_part(str(logo))
    element = copy.deepcopy(picture._element)
    blip = element.blipFill.find("{http://schemas.openxmlformats.org/drawingml/2006/main}blip")
    blip.set("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed", rid)
    master.shapes._spTree.append(element)
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, *(Pt(v) for v in BAND_BOX))
    band.fill.solid()
    band.fill.fore_color.rgb = RGBColor.from_string(ACCENT)
    master.shapes._spTree.append(copy.deepcopy(band._element))
    prs.save(str(path))
    return path


def lecture_with_a_long_title(tmp_path: Path) -> Path:
    """The sample lecture, its first slide's title long enough to reach the logo."""
    folder = copy_lecture(SAMPLE, tmp_path)
    path = folder / "lecture.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["topics"][0]["slides"][0]["title"] = (
        "A title long enough to run across the whole slide, under the logo of the department"
    )
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, str]:
    """The lecture built in every output with the template: (lecture folder, out folder, stderr)."""
    tmp = tmp_path_factory.mktemp("template")
    template = make_template(tmp / "dept.pptx")
    folder = lecture_with_a_long_title(tmp)
    out = tmp / "out"
    result = run_cli(
        "build", folder, "--format", "pptx,html,handout", "--out", out, "--pptx-template", template
    )
    assert result.returncode == 0, result.stderr
    return folder, out / folder.name, result.stderr


def test_german_layouts_are_found_by_their_placeholders(built) -> None:
    folder, out, stderr = built
    assert "warning" not in stderr  # every layout was found, every font is installed
    from slides.deck import plan
    from slides.load import load_lecture

    deck = plan(load_lecture(folder)[0])
    prs = Presentation(str(out / f"{folder.name}.pptx"))
    used = {}
    for slide, frame in zip(prs.slides, deck.frames, strict=True):
        kind = frame.slide.kind if frame.slide is not None else frame.kind
        used.setdefault(kind, set()).add(slide.slide_layout.name)
    assert used["title"] == {"Titelfolie"}
    assert used["section"] == {"Abschnittsüberschrift"}
    assert used["bullets"] == {"Titel und Inhalt"}
    assert used["columns"] == {"Zwei Inhalte"}
    assert used["image"] == {"Nur Titel"}


def overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether two (x, y, w, h) boxes overlap."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_no_text_overlaps_the_master_logo_or_band_in_libreoffice(built, tmp_path: Path) -> None:
    folder, out, _ = built
    pdf = libreoffice_convert(out / f"{folder.name}.pptx", tmp_path, "pdf")
    html = subprocess.run(
        [require("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = html.split("<page ")[1:]
    assert pages
    near = 0
    for page in pages:
        width = float(re.search(r'width="([\d.]+)"', page).group(1))
        scale = width / 960  # LibreOffice prints the 960 × 540 pt slide at this size
        for x0, y0, x1, y1, word in re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', page
        ):
            left, top, right, bottom = (float(v) / scale for v in (x0, y0, x1, y1))
            box = (left, top, right - left, bottom - top)
            assert not overlaps(box, LOGO_BOX) and not overlaps(box, BAND_BOX), word
            near += top < LOGO_BOX[1] + 100 and right > LOGO_BOX[0] - 120  # near the logo
    assert near  # the long title did run towards the logo, and stopped before it


def test_text_boxes_keep_clear_of_the_master_shapes_inside_the_layouts_boxes(built) -> None:
    """Not only the words LibreOffice set: every text box an editor may type more into."""
    folder, out, _ = built
    prs = Presentation(str(out / f"{folder.name}.pptx"))
    bodies = 0
    for number, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text.strip():
                box = tuple(v / 12700 for v in (shape.left, shape.top, shape.width, shape.height))
                assert not overlaps(box, LOGO_BOX), (number, shape.name, box)
                assert not overlaps(box, BAND_BOX), (number, shape.name, box)
            if shape.is_placeholder and shape.placeholder_format.idx == 1:  # the body's
                if slide.slide_layout.name != "Titel und Inhalt":
                    continue
                bodies += 1
                x, y, w, h = BODY_AREA
                assert shape.left / 12700 >= x and shape.top / 12700 >= y, (number, shape.name)
                assert (shape.left + shape.width) / 12700 <= x + w, (number, shape.name)
                assert (shape.top + shape.height) / 12700 <= y + h, (number, shape.name)
    assert bodies >= 3


def test_the_html_deck_takes_the_template_colours_fonts_and_logo(built) -> None:
    folder, out, _ = built
    css = (out / "theme.css").read_text("utf-8")
    assert f"#{ACCENT}".lower() in css.lower()
    assert "Liberation Serif" in css
    html = (out / f"{folder.name}.html").read_text("utf-8")
    assert "Department of Examples logo" in html


def test_the_handout_takes_the_template_font_accent_and_logo(built, tmp_path: Path) -> None:
    folder, out, _ = built
    handout = out / f"{folder.name}-handout.pdf"
    fonts = subprocess.run(
        [require("pdffonts"), str(handout)], capture_output=True, text=True, check=True
    ).stdout
    assert "LiberationSerif" in fonts
    assert "Lato" not in fonts
    images = subprocess.run(
        [require("pdfimages"), "-list", str(handout)], capture_output=True, text=True, check=True
    ).stdout
    assert len(images.splitlines()) > 2  # the logo at least, under the two header lines
    subprocess.run(
        [require("pdftoppm"), "-r", "50", "-png", str(handout), str(tmp_path / "page")],
        check=True,
    )
    accent = tuple(int(ACCENT[i : i + 2], 16) for i in (0, 2, 4))
    found = 0
    for page in sorted(tmp_path.glob("page*.png")):
        with Image.open(page) as image:
            found += sum(
                n for n, colour in image.convert("RGB").getcolors(1 << 20) if colour == accent
            )
    assert found > 50  # the accent rules and the logo are drawn in the template's accent


def test_template_colours_below_contrast_name_the_file_and_slot(tmp_path: Path) -> None:
    template = make_template(tmp_path / "pale.pptx", {**SCHEME, "accent1": "7FB3D5"})
    out = tmp_path / "out"
    result = run_cli("build", SAMPLE, "--format", "pptx", "--out", out, "--pptx-template", template)
    assert result.returncode == 2
    assert re.search(
        r"pale\.pptx: a:clrScheme/a:accent1: accent #7FB3D5 on background #FFFFFF has contrast "
        r"[\d.]+:1; links need at least 4\.5:1 \(WCAG 2\.1 AA\)\. Set accent1 to #[0-9A-F]{6} "
        r"\(the nearest that passes\): in PowerPoint, Design > Variants > Colors > Customize",
        result.stderr,
    ), result.stderr
    assert "Traceback" not in result.stderr
    assert not (out / "sample" / "sample.pptx").exists()


def test_a_template_font_missing_here_is_measured_with_its_stand_in(tmp_path: Path) -> None:
    template = make_template(tmp_path / "dept.pptx", fonts=("Frutiger Next", "Frutiger Next"))
    out = tmp_path / "out"
    result = run_cli(
        "build", SAMPLE, "--format", "pptx,html", "--out", out, "--pptx-template", template
    )
    assert result.returncode == 0, result.stderr
    [warning] = [line for line in result.stderr.splitlines() if "warning" in line]
    assert re.fullmatch(
        r".*dept\.pptx: a:fontScheme/a:minorFont: warning: the template's font 'Frutiger Next' "
        r"is not installed here; text is measured and the HTML deck and handout drawn with "
        r"(.+), which this machine shows instead; install 'Frutiger Next' to build with it",
        warning,
    )
    prs = Presentation(str(out / "sample" / "sample.pptx"))
    theme_xml = prs.slide_master.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
    ).blob
    assert b'typeface="Frutiger Next"' in theme_xml  # the PPTX still names the template's font


def test_check_reads_a_templated_build_back_with_its_logo(tmp_path: Path) -> None:
    """Set in the lecture this time: `check --outputs` counts the template's logo as the logo."""
    folder = copy_lecture(SAMPLE, tmp_path)
    make_template(folder / "dept.pptx")
    with (folder / "lecture.yaml").open("a", encoding="utf-8") as f:
        f.write("pptx_template: dept.pptx\n")
    out = tmp_path / "out"
    result = run_cli("build", folder, "--format", "pptx,html", "--out", out)
    assert result.returncode == 0, result.stderr
    shapes = Presentation(str(out / "sample" / "sample.pptx")).slides[0].shapes
    [logo] = [s for s in shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert logo._element.nvPicPr.cNvPr.get("descr") == "Department of Examples logo"
    # on the master's own copy: one logo to see, where the master shows it
    assert (logo.left / 12700, logo.top / 12700) == pytest.approx(LOGO_BOX[:2], abs=0.5)
    result = run_cli("check", folder, "--outputs", out / "sample")
    assert result.returncode == 0, result.stderr
    assert "pptx, qmd, html checked" in result.stdout


def test_layouts_without_telling_names_or_types_are_found_by_placeholders(tmp_path: Path) -> None:
    """A designer's template: layout names no list knows, PowerPoint's types all 'cust'."""
    path = make_template(tmp_path / "house.pptx")
    prs = Presentation(str(path))
    meaning = {}
    for n, layout in enumerate(prs.slide_layouts):
        meaning[f"Hausstil {n}"] = layout.name
        layout.name = f"Hausstil {n}"
        layout._element.set("type", "cust")
    prs.save(str(path))
    out = tmp_path / "out"
    result = run_cli("build", SAMPLE, "--format", "pptx", "--out", out, "--pptx-template", path)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    deck = Presentation(str(out / "sample" / "sample.pptx"))
    used = [meaning[slide.slide_layout.name] for slide in deck.slides]
    assert used[:4] == [
        "Titelfolie",
        "Titel und Inhalt",
        "Abschnittsüberschrift",
        "Titel und Inhalt",
    ]
    assert {"Zwei Inhalte", "Nur Titel"} <= set(used)
