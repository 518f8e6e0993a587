"""The PowerPoint deck, built through the real command line and read back as others read it.

python-pptx reopens the file; LibreOffice converts it to PDF; poppler reads the PDF's pages and
the position of every word, so text that would overflow its box in a real renderer fails here.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import GENAI, SAMPLE, copy_lecture, libreoffice_convert, require, run_cli, set_scheme
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu

from slides import inline, model
from slides.deck import Deck, plan
from slides.load import load_lecture
from slides.place import code as code_layout
from slides.place import geometry
from slides.theme import load_theme

P14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
SECTIONS_URI = "{521415D9-36F7-43E2-AB2F-B90AF26B5E84}"
PT = 12700  # EMU per point
HAS_GENAI = (GENAI / "lecture.yaml").is_file()
LECTURES = [
    pytest.param(SAMPLE, id="sample"),
    pytest.param(
        GENAI, id="genai", marks=pytest.mark.skipif(not HAS_GENAI, reason="no GenAI lecture yet")
    ),
]


@dataclass
class Built:
    folder: Path
    path: Path
    deck: Deck
    stderr: str

    @property
    def prs(self):
        return Presentation(str(self.path))


def build(folder: Path, out: Path, *more: str | Path) -> tuple[subprocess.CompletedProcess, Path]:
    result = run_cli("build", folder, "--format", "pptx", "--out", out, *more)
    return result, out / folder.name / f"{folder.name}.pptx"


_BUILT: dict[Path, Built] = {}


def built_once(folder: Path, tmp_path_factory) -> Built:
    """Build a lecture once per test module, through the real command line."""
    if folder not in _BUILT:
        result, path = build(folder, tmp_path_factory.mktemp(f"pptx-{folder.name}"))
        assert result.returncode == 0, result.stderr
        lecture, _ = load_lecture(folder)
        _BUILT[folder] = Built(folder, path, plan(lecture), result.stderr)
    return _BUILT[folder]


@pytest.fixture(scope="module", params=LECTURES)
def built(request, tmp_path_factory) -> Built:
    return built_once(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Built:
    return built_once(SAMPLE, tmp_path_factory)


def to_pdf(pptx: Path, tmp: Path) -> Path:
    """Convert with LibreOffice headless, in a profile of its own (parallel runs clash)."""
    return libreoffice_convert(pptx, tmp, "pdf")


def words_by_page(pdf: Path, tmp: Path) -> list[list[tuple[str, float, float, float, float]]]:
    """Every word of every page with its box in points: (word, x0, y0, x1, y1)."""
    out = tmp / "words.html"
    subprocess.run([require("pdftotext"), "-bbox", str(pdf), str(out)], check=True)
    pages = []
    for page in re.split(r"<page ", out.read_text("utf-8"))[1:]:
        pages.append(
            [
                (w, float(x0), float(y0), float(x1), float(y1))
                for x0, y0, x1, y1, w in re.findall(
                    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                    r"([^<]*)</word>",
                    page,
                )
            ]
        )
    return pages


def sections(prs) -> list[tuple[str, list[int]]]:
    ext = [
        e for e in prs.part._element.iterfind(".//{*}extLst/{*}ext") if e.get("uri") == SECTIONS_URI
    ]
    assert len(ext) == 1, "one p14:sectionLst extension"
    return [
        (s.get("name"), [int(i.get("id")) for i in s.iterfind(f"{{{P14}}}sldIdLst/{{{P14}}}sldId")])
        for s in ext[0].iterfind(f"{{{P14}}}sectionLst/{{{P14}}}section")
    ]


def slide_text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def content_texts(slide: model.Slide) -> list[str]:
    """Every text of a slide's body as a reader sees it."""
    found: list[str] = []

    def bullets(items) -> None:
        for item in items or []:
            b = model.as_bullet(item)
            found.append(b.text)
            bullets(b.items)

    bullets(slide.bullets)
    for column in slide.columns or []:
        found += [column.heading] if column.heading else []
        bullets(column.bullets)
    for q in slide.questions or []:
        found += [q.question, q.answer] + ([q.example] if q.example else [])
    for m in slide.modules or []:
        found += [m.title, *m.items]
    if slide.quote:
        found += [slide.quote.text] + ([slide.quote.attribution] if slide.quote.attribution else [])
    if slide.table:
        found += [*slide.table.header, *(c for r in slide.table.rows for c in r if c.strip())]
    for node in (slide.image, slide.diagram):
        if node is not None and node.caption:
            found.append(node.caption)
    return [squash(inline.plain(t)) for t in found]


# --- structure ----------------------------------------------------------------------------------


def test_slides_are_16_9_and_one_per_frame(built: Built) -> None:
    prs = built.prs
    assert (prs.slide_width, prs.slide_height) == (Emu(12192000), Emu(6858000))
    assert len(prs.slides) == len(built.deck.frames)


def test_sections_are_the_topics_and_hold_every_slide_once_in_order(built: Built) -> None:
    prs = built.prs
    found = sections(prs)
    assert [name for name, _ in found] == [inline.plain(t.title) for t in built.deck.lecture.topics]
    ids = [slide.slide_id for slide in prs.slides]
    assert [i for _, members in found for i in members] == ids
    # Each topic's section holds its section slide and content slides.
    for (_, members), section in zip(found, built.deck.sections, strict=True):
        numbers = {ids.index(i) + 1 for i in members}
        assert {f.number for f in section.frames} <= numbers


def test_every_slide_has_its_title_in_the_title_placeholder_first(built: Built) -> None:
    for slide, frame in zip(built.prs.slides, built.deck.frames, strict=True):
        title = slide.shapes.title
        assert title is not None, f"slide {frame.number} has no title placeholder"
        assert squash(title.text_frame.text) == squash(inline.plain(frame.display_title))
        first = next(iter(slide.shapes))
        assert first.shape_id == title.shape_id, "the title is read first"


def test_notes_on_every_slide_that_has_them(built: Built) -> None:
    for slide, frame in zip(built.prs.slides, built.deck.frames, strict=True):
        if frame.kind == "content":
            assert frame.notes, f"the lecture has notes for slide {frame.number}"
        if frame.notes:
            assert slide.has_notes_slide
            assert squash(slide.notes_slide.notes_text_frame.text) == squash(frame.notes)


def test_every_text_of_the_lecture_is_on_its_slide(built: Built) -> None:
    """Headings, bullets, questions, every curriculum module and step, table cells, captions."""
    slides = list(built.prs.slides)
    for frame in built.deck.frames:
        if frame.slide is None:
            continue
        text = squash(slide_text(slides[frame.number - 1]))
        for expected in content_texts(frame.slide):
            assert expected in text, f"slide {frame.number}: {expected!r} missing"
        if frame.slide.code:
            for line in code_layout.source_lines(frame.slide.code):
                assert line.rstrip() in slide_text(slides[frame.number - 1])


def test_nothing_extends_beyond_the_slide(built: Built) -> None:
    prs = built.prs
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, f"slide {number}: {shape.name}"
            assert shape.left + shape.width <= prs.slide_width, f"slide {number}: {shape.name}"
            assert shape.top + shape.height <= prs.slide_height, f"slide {number}: {shape.name}"


def test_pictures_keep_aspect_ratio_are_centred_and_have_alt_text(built: Built) -> None:
    for slide, frame in zip(built.prs.slides, built.deck.frames, strict=True):
        for shape in slide.shapes:
            if shape.shape_type != MSO_SHAPE_TYPE.PICTURE:
                continue
            w, h = shape.image.size
            assert shape.width / shape.height == pytest.approx(w / h, rel=0.01)
            descr = shape._element.nvPicPr.cNvPr.get("descr", "")
            assert descr.strip(), f"slide {frame.number}: picture without alt text"
            assert not re.search(r"[/\\]|\.(png|jpe?g|svg)$", descr, re.I), descr
            if frame.slide and (frame.slide.image or frame.slide.diagram):
                centre = (shape.left + shape.width / 2) / PT
                assert centre == pytest.approx(geometry.SLIDE_W / 2, abs=1.0)
                top, bottom = shape.top / PT, (shape.top + shape.height) / PT
                assert (
                    geometry.BODY_BOX[1] <= top
                    and bottom <= geometry.BODY_BOX[1] + geometry.BODY_BOX[3]
                )


def test_two_builds_are_byte_identical(built: Built, tmp_path: Path) -> None:
    result, again = build(built.folder, tmp_path)
    assert result.returncode == 0, result.stderr
    if again.read_bytes() != built.path.read_bytes():
        with zipfile.ZipFile(again) as a, zipfile.ZipFile(built.path) as b:
            names = [i.filename for i in a.infolist()]
            assert names == [i.filename for i in b.infolist()], "entries differ"
            differ = [n for n in names if a.read(n) != b.read(n)]
        pytest.fail(f"the two builds differ in {differ}")


# --- text as measured ---------------------------------------------------------------------------


def test_every_text_frame_has_explicit_sizes_wrap_on_and_autofit_off(built: Built) -> None:
    theme = load_theme(built.deck.lecture.theme)
    families = {theme.sans.family, theme.mono.family}
    for number, slide in enumerate(built.prs.slides, start=1):
        for shape in slide.shapes:
            frames = [shape.text_frame] if shape.has_text_frame else []
            if shape.has_table:
                frames += [c.text_frame for row in shape.table.rows for c in row.cells]
            for frame in frames:
                if not frame.text and shape.name.startswith("Decoration"):
                    continue  # accent shapes hold no text
                body = frame._txBody.bodyPr
                assert body.get("wrap") == "square", f"slide {number}: {shape.name}"
                assert body.find(f"{{{A}}}noAutofit") is not None, f"slide {number}"
                for p in frame.paragraphs:
                    for run in p.runs:
                        assert run.font.size is not None, f"slide {number}: {run.text!r}"
                        assert run.font.name in families, f"slide {number}: {run.font.name}"


def test_body_text_uses_the_size_the_fitter_chose(built: Built) -> None:
    for slide, frame in zip(built.prs.slides, built.deck.frames, strict=True):
        if frame.slide is None or frame.slide.bullets is None:
            continue
        body = [s for s in slide.shapes if s.has_text_frame and s != slide.shapes.title]
        sizes = {r.font.size.pt for s in body[:1] for p in s.text_frame.paragraphs for r in p.runs}
        assert sizes == {frame.body_pt}, f"slide {frame.number}"


def test_libreoffice_opens_it_with_one_page_per_slide_and_no_text_overflow(
    built: Built, tmp_path: Path
) -> None:
    pdf = to_pdf(built.path, tmp_path)
    info = subprocess.run([require("pdfinfo"), str(pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert pages == len(built.deck.frames)
    assert_text_inside(words_by_page(pdf, tmp_path), built.deck)


def assert_text_inside(pages, deck: Deck) -> None:
    """Words of content and agenda slides lie in the title and body boxes or the footer strip.

    pdftotext's word boxes are the font's full ascent-to-descent height (1.3 em for Lato),
    taller than a 1.2 em line, so a word counts as inside when its middle is: a line that
    really overflows has its middle at least half a line below the box.
    """
    x, y, w, h = geometry.BODY_BOX
    for words, frame in zip(pages, deck.frames, strict=True):
        for word, x0, y0, x1, y1 in words:
            assert x0 >= 0 and x1 <= geometry.SLIDE_W and y0 >= 0 and y1 <= geometry.SLIDE_H, word
            if frame.kind not in ("content", "agenda"):
                continue
            middle = (y0 + y1) / 2
            if middle >= geometry.FOOTER_Y:
                continue  # footer and slide number
            assert middle <= y + h, f"slide {frame.number}: {word!r} overflows the body box"
            assert x - 1 <= x0 and x1 <= x + w + 1, f"slide {frame.number}: {word!r} is too wide"


# --- a dense lecture: every kind near or over its limit ------------------------------------------

WORDS = "measured wrapping must match what LibreOffice draws on the slide, word for word"


def dense_lecture(folder: Path) -> Path:
    long = f"A sentence that is long enough to wrap: {WORDS}"
    slides = [
        {"title": "Forty bullets", "bullets": [f"{long} ({i})" for i in range(40)]},
        {
            "title": "Nested and **marked** up",
            "bullets": [
                {
                    "text": f"**Bold** *italic* `code` {long}",
                    "items": [long, {"text": long, "items": [long]}],
                }
                for _ in range(3)
            ],
        },
        {
            "title": f"A very long title that must shrink and wrap: {WORDS}",
            "questions": [
                {"question": f"Question {i}: {long}?", "answer": long, "example": long}
                for i in range(6)
            ],
        },
        {
            "title": "Curriculum",
            "modules": [{"title": f"Module {i}", "items": [long, long]} for i in range(6)],
        },
        {
            "title": "A long table",
            "table": {
                "header": ["Tool", "What it makes", "Notes"],
                "rows": [[f"tool-{i}", long, "short"] for i in range(20)],
            },
        },
        {
            "title": "Long code",
            "code": {
                "language": "python",
                "source": "\n".join(
                    f"    value_{i} = compute(alpha, beta, gamma)  # {WORDS}" for i in range(40)
                ),
            },
        },
        {
            "title": "Dense columns",
            "columns": [
                {"heading": "Left", "bullets": [long] * 5},
                {"heading": "Right", "bullets": [long] * 5},
            ],
        },
        {
            "title": "A long quote",
            "quote": {"text": " ".join([long] * 5), "attribution": "Someone"},
        },
    ]
    for s in slides:
        s["notes"] = f"Notes for {s['title']}."
    lecture = {
        "title": "Dense",
        "author": "Test",
        "footer": "Dense footer",
        "topics": [{"title": "Dense slides", "slides": slides}],
    }
    folder.mkdir()
    (folder / "lecture.yaml").write_text(yaml.safe_dump(lecture, sort_keys=False), "utf-8")
    return folder


def test_dense_slides_split_and_stay_inside_their_boxes_in_libreoffice(tmp_path: Path) -> None:
    folder = dense_lecture(tmp_path / "dense")
    result, path = build(folder, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    lecture, _ = load_lecture(folder)
    deck = plan(lecture)
    assert "split into" in result.stderr and "Forty bullets" in result.stderr
    titles = [f.display_title for f in deck.frames]
    assert any(re.fullmatch(r"Forty bullets \(1/[3-9]\)", t) for t in titles), titles
    assert len(Presentation(str(path)).slides) == len(deck.frames)
    pdf = to_pdf(path, tmp_path)
    assert_text_inside(words_by_page(pdf, tmp_path), deck)


# --- what a speaker sees --------------------------------------------------------------------------


def test_inline_spans_become_runs_and_links_are_clickable(sample: Built) -> None:
    slide = sample.prs.slides[3]  # title, agenda, section, then the bullets slide
    runs = {r.text: r for p in slide.shapes.title.text_frame.paragraphs for r in p.runs}
    assert runs["bold"].font.bold and runs["italic"].font.italic
    assert runs["code"].font.name == "DejaVu Sans Mono"
    assert runs["link"].hyperlink.address == "https://example.org"
    assert runs["italic"].font.name == "Lato"


def test_nested_bullets_are_real_paragraph_levels_with_bullet_characters(sample: Built) -> None:
    slide = sample.prs.slides[3]
    body = next(s for s in slide.shapes if s.has_text_frame and s != slide.shapes.title)
    paragraphs = body.text_frame.paragraphs
    assert [p.text for p in paragraphs] == [
        "First point",
        "Second point with children",
        "Child one",
        "Child two",
        "Grandchild",
        "Third point",
    ]
    assert [p.level for p in paragraphs] == [0, 0, 1, 1, 2, 0]
    for p in paragraphs:
        assert p._p.pPr.find(f"{{{A}}}buChar") is not None


def test_tables_are_real_tables_with_a_themed_header(sample: Built) -> None:
    frame = next(f for f in sample.deck.frames if f.slide is not None and f.slide.table)
    slide = sample.prs.slides[frame.number - 1]
    [table] = [s.table for s in slide.shapes if s.has_table]
    assert [c.text for c in table.rows[0].cells] == ["Tool", "Output"]
    assert [c.text for c in table.rows[2].cells] == ["Marp", "PDF"]
    accent = load_theme("default").color("accent")[1:]
    assert str(table.cell(0, 0).fill.fore_color.rgb) == accent
    assert table.cell(0, 0).text_frame.paragraphs[0].runs[0].font.bold


def test_code_is_monospace_on_a_light_fill_with_whitespace_kept(sample: Built) -> None:
    frame = next(f for f in sample.deck.frames if f.slide is not None and f.slide.code)
    slide = sample.prs.slides[frame.number - 1]
    box = next(s for s in slide.shapes if s.has_text_frame and "greet" in s.text_frame.text)
    lines = [p.text for p in box.text_frame.paragraphs]
    assert lines == ["def greet(name):", '    return f"Hello, {name}!"']
    assert {r.font.name for p in box.text_frame.paragraphs for r in p.runs} == {"DejaVu Sans Mono"}
    assert str(box.fill.fore_color.rgb) == load_theme("default").color("surface")[1:]


def test_content_slides_have_the_footer_and_a_slide_number_field(sample: Built) -> None:
    for slide, frame in zip(sample.prs.slides, sample.deck.frames, strict=True):
        fields = slide.shapes._spTree.findall(f".//{{{A}}}fld")
        if frame.kind != "content":
            continue
        assert "Sample footer" in slide_text(slide)
        [number] = [f for f in fields if f.get("type") == "slidenum"]
        assert number.findtext(f"{{{A}}}t") == str(frame.number)


def test_document_properties_come_from_the_lecture(sample: Built) -> None:
    props = sample.prs.core_properties
    assert props.title == "Every Slide Kind"
    assert props.author == "Test Author"
    assert props.subject == "A test lecture"
    assert props.language == "en"
    assert props.created.date().isoformat() == "2026-11-28"


def test_theme_names_lato_with_a_sans_fallback(sample: Built) -> None:
    prs = sample.prs
    theme = etree.fromstring(prs.slide_master.part.part_related_by(RT.THEME).blob)
    latin = theme.findall(f".//{{{A}}}fontScheme/*/{{{A}}}latin")
    assert [e.get("typeface") for e in latin] == ["Lato", "Lato"]
    assert all(e.get("pitchFamily") == "34" for e in latin)  # variable pitch, swiss (sans)


# --- user templates -----------------------------------------------------------------------------

EXPECTED_LAYOUTS = {
    "title": "Title Slide",
    "agenda": "Title and Content",
    "section": "Section Header",
    "closing": "Title Slide",
}
BODY_LAYOUTS = {"columns": "Two Content", "image": "Title Only", "bullets": "Title and Content"}


def make_template(
    path: Path, delete: tuple[str, ...] = (), size: tuple[int, int] = (12192000, 6858000)
) -> Path:
    """The default template with its layouts reversed, a named master and two slides of its own."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(size[0]), Emu(size[1])
    master = prs.slide_master
    master._element.cSld.set("name", "Brand master")
    id_list = master._element.sldLayoutIdLst
    for entry in reversed(list(id_list)):
        id_list.remove(entry)
        id_list.append(entry)
    for name in delete:
        prs.slide_layouts.remove(prs.slide_layouts.get_by_name(name))
    for _ in range(2):
        prs.slides.add_slide(prs.slide_layouts[0])
    # python-pptx's template has Office 2007's colours, whose accent1 fails the contrast check
    # for links; Office 2013's passes (tests/test_pptx_template.py checks a failing one).
    set_scheme(prs, {"accent1": "4472C4"})
    prs.save(str(path))
    return path


def layout_of(slide, frame) -> str:
    assert slide.slide_layout.slide_master._element.cSld.get("name") == "Brand master"
    return slide.slide_layout.name


def test_a_template_with_reordered_layouts_is_used_by_layout_name(tmp_path: Path) -> None:
    template = make_template(tmp_path / "brand.pptx")
    result, path = build(SAMPLE, tmp_path / "out", "--pptx-template", template)
    assert result.returncode == 0, result.stderr
    assert "warning: template" not in result.stderr
    lecture, _ = load_lecture(SAMPLE)
    deck = plan(lecture)
    prs = Presentation(str(path))
    assert len(prs.slides) == len(deck.frames)  # the template's own slides are gone
    for slide, frame in zip(prs.slides, deck.frames, strict=True):
        name = layout_of(slide, frame)
        if frame.kind in EXPECTED_LAYOUTS:
            assert name == EXPECTED_LAYOUTS[frame.kind], frame
        elif frame.slide.kind in BODY_LAYOUTS:
            assert name == BODY_LAYOUTS[frame.slide.kind], frame


@pytest.mark.parametrize(
    ("size", "warning"),
    [
        ((12188952, 6858000), None),  # 16:9 as older PowerPoint saves it: 13.33 × 7.50 in
        (
            (9144000, 5143500),  # 16:9, but 10 in wide
            "warning: template brand.pptx has 10.00 × 5.62 in slides; the deck's are "
            "13.33 × 7.50 in (16:9), so the layouts' own placeholder positions may not line up",
        ),
    ],
)
def test_a_template_of_another_size_is_named_but_16_9_is_not(tmp_path, size, warning) -> None:
    template = make_template(tmp_path / "brand.pptx", size=size)
    result, _ = build(SAMPLE, tmp_path / "out", "--pptx-template", template)
    assert result.returncode == 0, result.stderr
    # A renderer's warning names the output it comes from: "<deck>.pptx: warning: …".
    lines = result.stderr.splitlines()
    warnings = [line.split(": ", 1)[1] for line in lines if "warning: template" in line]
    assert warnings == ([warning] if warning else [])


def test_a_template_missing_layouts_falls_back_with_a_warning(tmp_path: Path) -> None:
    """Set in the lecture itself this time, as `pptx_template:` inside the lecture folder."""
    folder = copy_lecture(SAMPLE, tmp_path)
    make_template(folder / "brand.pptx", delete=("Two Content", "Comparison", "Section Header"))
    with (folder / "lecture.yaml").open("a", encoding="utf-8") as f:
        f.write("pptx_template: brand.pptx\n")
    result, path = build(folder, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert (
        "warning: template brand.pptx has no two-content layout (a title and two content "
        "placeholders); using 'Title and Content' for two-column slides"
    ) in result.stderr
    assert "has no section header layout (a title and a text placeholder); using 'Title Only'" in (
        result.stderr
    )
    lecture, _ = load_lecture(folder)
    deck = plan(lecture)
    prs = Presentation(str(path))
    for slide, frame in zip(prs.slides, deck.frames, strict=True):
        name = layout_of(slide, frame)
        if frame.kind == "section":
            assert name == "Title Only"
        if frame.slide is not None and frame.slide.columns:
            assert name == "Title and Content"
        assert slide.shapes.title is not None


def test_a_missing_template_is_a_clear_error(tmp_path: Path) -> None:
    result, path = build(SAMPLE, tmp_path / "out", "--pptx-template", tmp_path / "nope.pptx")
    assert result.returncode == 2
    assert f"error: --pptx-template {tmp_path / 'nope.pptx'}: file not found: " in result.stderr
    assert "give the path of a .pptx or .potx file" in result.stderr
    assert "Traceback" not in result.stderr
    assert not path.exists()
    folder = copy_lecture(SAMPLE, tmp_path)
    with (folder / "lecture.yaml").open("a", encoding="utf-8") as f:
        f.write("pptx_template: ../elsewhere.pptx\n")
    result, _ = build(folder, tmp_path / "out2")
    assert result.returncode == 2
    assert re.search(
        r"lecture\.yaml:\d+:\d+: pptx_template: .*leaves the lecture folder", result.stderr
    )
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_a_presentation_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pptx"
    bad.write_text("not a zip")
    result, _ = build(SAMPLE, tmp_path / "out", "--pptx-template", bad)
    assert result.returncode == 1
    assert "not a PowerPoint file" in result.stderr and "Traceback" not in result.stderr


def test_a_failed_build_keeps_the_last_good_deck(tmp_path: Path) -> None:
    folder = copy_lecture(SAMPLE, tmp_path)
    result, path = build(folder, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    good = path.read_bytes()
    (tmp_path / "bad.pptx").write_text("broken")
    result, _ = build(folder, tmp_path / "out", "--pptx-template", tmp_path / "bad.pptx")
    assert result.returncode == 1
    assert path.read_bytes() == good
    assert [p.name for p in path.parent.glob("*.pptx*")] == [path.name]


def test_a_theme_logo_goes_top_right_on_the_title_slide_with_alt_text(tmp_path: Path) -> None:
    from dataclasses import replace

    from PIL import Image

    from slides.build import prepare_build
    from slides.render import Options
    from slides.render import pptx as renderer

    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), "#1D6FA3").save(logo)
    build, _ = prepare_build(SAMPLE, tmp_path / "out", Options())
    build = replace(build, theme=replace(build.theme, logo=logo))
    prs = Presentation(str(renderer.render(build)))
    [picture] = [s for s in prs.slides[0].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert picture._element.nvPicPr.cNvPr.get("descr") == "Test University logo"
    assert picture.width / picture.height == pytest.approx(3.0, rel=0.01)
    box = geometry.LOGO_BOX
    assert (picture.left + picture.width) / PT == pytest.approx(box.right, abs=0.5)
    assert picture.top / PT >= box.y and (picture.top + picture.height) / PT <= box.bottom
