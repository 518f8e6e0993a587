"""Diagrams as native PowerPoint shapes: one editable group per diagram, drawn like its picture.

Every drawn diagram of the GenAI lecture goes onto a slide twice, as the native group and as its
PNG, in the same box. The deck is read back with python-pptx and converted by LibreOffice: the
group holds real shapes, connectors and text, and renders like the picture.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import GENAI, require, run_cli
from lxml import etree
from PIL import Image, ImageChops, ImageFilter, ImageStat
from pptx import Presentation
from pptx.shapes.group import GroupShape
from pptx.util import Emu

from slides import model
from slides.assets import located_pictures
from slides.build import prepare_build
from slides.diagrams import layout
from slides.place import geometry
from slides.render import Options
from slides.render.pptx_diagram import diagram_group, diagram_xml


def _diagrams(build) -> list[model.DiagramBase]:
    return [
        node
        for _, node in located_pictures(build.lecture)
        if isinstance(node, model.DiagramBase) and node.source_path is None
    ]


def _box(build, node) -> geometry.Box:
    """Where the renderers put the picture: its room's box, the picture's aspect kept."""
    room = build.assets.room(node)
    return geometry.place_picture(
        geometry.Box(48.0, 112.0, *room), build.assets.picture(node).aspect
    )


def _ids(start: int):
    counter = [start]

    def new_id() -> int:
        counter[0] += 1
        return counter[0]

    return new_id


def emu(points: float) -> Emu:
    return Emu(round(points * 12700))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A deck with each diagram twice: native group (odd slides), then its picture."""
    folder = tmp_path_factory.mktemp("native")
    build, _ = prepare_build(GENAI, folder / "out", Options(pptx_diagrams="picture"))
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)
    nodes = _diagrams(build)
    for node in nodes:
        box, picture = _box(build, node), build.assets.picture(node)
        native = prs.slides.add_slide(prs.slide_layouts[6])
        group = diagram_group(build, node, box, picture.alt, _ids(native.shapes._next_shape_id - 1))
        native.shapes._spTree.append(group)
        drawn = prs.slides.add_slide(prs.slide_layouts[6])
        drawn.shapes.add_picture(str(picture.path), emu(box.x), emu(box.y), emu(box.w), emu(box.h))
    path = folder / "native.pptx"
    prs.save(path)
    return build, nodes, path


def test_every_diagram_is_one_group_with_its_alt_text(built):
    build, nodes, path = built
    prs = Presentation(path)
    for node, slide in zip(nodes, list(prs.slides)[::2], strict=True):
        (group,) = slide.shapes
        assert isinstance(group, GroupShape)
        assert group._element.nvGrpSpPr.cNvPr.get("descr") == build.assets.picture(node).alt
        box = _box(build, node)
        assert (group.left, group.top, group.width, group.height) == (
            emu(box.x), emu(box.y), emu(box.w), emu(box.h),
        )  # fmt: skip
        ids = [int(e.get("id")) for e in group._element.iter() if e.tag.endswith("}cNvPr")]
        assert len(ids) == len(set(ids)), "shape ids are unique on the slide"


def test_the_group_holds_the_layouts_shapes_connectors_and_text(built):
    build, nodes, path = built
    prs = Presentation(path)
    style = build.assets.style  # as the build laid them out
    for node, slide in zip(nodes, list(prs.slides)[::2], strict=True):
        geometry = layout(node, style, build.assets.room(node))
        (group,) = slide.shapes
        xml = group._element
        ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
        labels = [s for s in group.shapes if s.has_text_frame and s.text_frame.text]
        boxes = [s for s in group.shapes if s.name.split()[0] not in ("Label", "Connector")]
        connectors = [s for s in group.shapes if s.name.startswith("Connector")]
        assert len(boxes) == len(geometry.shapes)
        assert len(connectors) == len(geometry.arrows)
        heads = len(xml.findall(".//a:ln/a:tailEnd", ns))
        assert heads == sum(arrow.head for arrow in geometry.arrows)
        # The text is real, editable text: every paragraph the layout fitted, in its colour,
        # broken into the layout's lines (python-pptx reads a line break as a vertical tab).
        text = "\n".join(s.text_frame.text for s in labels).replace("\v", " ")
        for block in geometry.texts:
            for para in block.paras:
                assert para.text in text
        fills = {e.get("val") for e in xml.findall(".//p:spPr/a:solidFill/a:srgbClr", {
            **ns, "p": "http://schemas.openxmlformats.org/presentationml/2006/main"})}  # fmt: skip
        assert fills == {s.fill.lstrip("#").upper() for s in geometry.shapes}


def test_the_same_diagram_gives_the_same_xml(built):
    build, nodes, _ = built
    for node in nodes[:3]:
        box, alt = _box(build, node), build.assets.picture(node).alt
        first = diagram_xml(build, node, box, alt, _ids(1))
        assert first == diagram_xml(build, node, box, alt, _ids(1))
        assert etree.tostring(etree.fromstring(first), encoding="unicode") == first


@pytest.fixture(scope="module")
def rendered(built, tmp_path_factory):
    """The deck converted by LibreOffice: its PDF and one PNG per slide."""
    require("soffice")
    require("pdftoppm")
    _, _, path = built
    folder = tmp_path_factory.mktemp("lo")
    profile = tmp_path_factory.mktemp("profile")
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         "pdf", "--outdir", str(folder), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = folder / "native.pdf"
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(folder / "s")], check=True)
    return pdf, sorted(folder.glob("s-*.png"))


def test_libreoffice_shows_the_labels_as_text(built, rendered):
    build, nodes, _ = built
    pdf, _ = rendered
    style = build.assets.style  # as the build laid them out
    for page, node in enumerate(nodes):
        text = subprocess.run(
            ["pdftotext", "-f", str(2 * page + 1), "-l", str(2 * page + 1), str(pdf), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        words = " ".join(text.split())
        geometry = layout(node, style, build.assets.room(node))
        for block in geometry.texts:
            for para in block.paras:
                assert " ".join(para.text.split()) in words, f"{para.text!r} not on page"


def _worst_patch(a: Image.Image, b: Image.Image, size: int = 30) -> float:
    """The largest mean grey-level difference of any patch, the pictures slightly blurred.

    Blurring forgives edges a pixel apart (antialiasing); a patch keeps a missing label or
    box from being averaged away over the whole slide.
    """
    diff = ImageChops.difference(a.filter(ImageFilter.GaussianBlur(2)),
                                 b.filter(ImageFilter.GaussianBlur(2)))  # fmt: skip
    w, h = diff.size
    step = size // 2
    return max(
        ImageStat.Stat(diff.crop((x, y, x + size, y + size))).mean[0]
        for x in range(0, w - size + 1, step)
        for y in range(0, h - size + 1, step)
    )


def test_the_native_diagram_looks_like_its_picture(built, rendered):
    """Rendered by LibreOffice, the group and the PNG differ only in antialiasing."""
    _, nodes, _ = built
    _, pages = rendered
    assert len(pages) == 2 * len(nodes)
    for native, drawn in zip(pages[::2], pages[1::2], strict=True):
        with Image.open(native) as a, Image.open(drawn) as b:
            a, b = a.convert("L"), b.convert("L")
        # Measured: 4-7 for these pairs; a label erased gives 10-50 where it was.
        assert _worst_patch(a, b) < 9, f"{native.name} differs from {drawn.name}"
        blank = Image.new("L", a.size, 255)
        assert _worst_patch(a, blank) > 40, "the native slide shows a diagram"


def test_the_group_is_valid_for_python_pptx_and_saves_again(built, tmp_path: Path):
    _, _, path = built
    prs = Presentation(path)
    prs.save(tmp_path / "again.pptx")
    assert len(Presentation(tmp_path / "again.pptx").slides) == len(prs.slides)


# --- through the command line --------------------------------------------------------------


@pytest.mark.parametrize("mode", ["native", "picture"])
def test_the_pptx_option_puts_groups_or_pictures_where_the_diagrams_are(mode, tmp_path):
    """Diagrams are groups by default (parity counts them); `--pptx-diagrams picture`, pictures."""
    args = ["--pptx-diagrams", mode] if mode == "picture" else []
    result = run_cli("build", GENAI, "--out", tmp_path, "--format", "pptx", *args)
    assert result.returncode == 0, result.stderr  # the parity check passed too
    deck = Presentation(tmp_path / GENAI.name / f"{GENAI.name}.pptx")
    build, _ = prepare_build(GENAI, tmp_path / "plan", Options())
    expected = {build.assets.picture(node).alt for node in _diagrams(build)}
    groups, pictures = set(), set()
    for slide in deck.slides:
        for element in slide.shapes._spTree.iter():
            descr = element.get("descr") if element.tag.endswith("}cNvPr") else None
            if descr and element.getparent().tag.endswith("}nvGrpSpPr"):
                groups.add(descr)
            elif descr and element.getparent().tag.endswith("}nvPicPr"):
                pictures.add(descr)
    if mode == "native":
        assert groups == expected and not (pictures & expected)
    else:
        assert not groups and expected <= pictures
