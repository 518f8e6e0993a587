"""The Typst handout: built through the command line, read back with poppler."""

from __future__ import annotations

import json
import math
import re
import subprocess
from pathlib import Path

import pytest
import typst
from conftest import GENAI, SAMPLE, pdf_structure, require, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from slides import inline, parity
from slides.deck import Frame, plan
from slides.errors import BuildError
from slides.load import load_lecture
from slides.render import handout

# --- reading PDFs back ---------------------------------------------------------------------


def pdf_text(pdf: Path, *flags: str) -> str:
    """The PDF's text with whitespace runs made one space (line breaks are layout, not text)."""
    out = subprocess.run(
        [require("pdftotext"), *flags, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return squash(out)


def squash(text: str) -> str:
    return " ".join(text.split())


def pdf_info(pdf: Path, *flags: str) -> str:
    return subprocess.run(
        [require("pdfinfo"), *flags, str(pdf)], capture_output=True, text=True, check=True
    ).stdout


def page_count(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", pdf_info(pdf), re.M)[1])


def page_size(pdf: Path) -> str:
    return re.search(r"^Page size:\s+(.*)$", pdf_info(pdf), re.M)[1]


def image_pages(pdf: Path) -> list[int]:
    """Page numbers of the pictures in the PDF (one entry per picture drawn), from pdfimages."""
    out = subprocess.run(
        [require("pdfimages"), "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    return [int(row[0]) for row in rows if row[2] == "image"]


# --- building -----------------------------------------------------------------------------


def build_handout(lecture: Path, out: Path, *options: str) -> Path:
    result = run_cli("build", lecture, "--format", "handout", "--out", out, *options)
    assert result.returncode == 0, result.stderr
    pdf = out / lecture.name / f"{lecture.name}-handout.pdf"
    assert pdf.is_file()
    return pdf


def deck_of(folder: Path) -> list[Frame]:
    lecture, _ = load_lecture(folder)
    return plan(lecture).frames


def content_frames(folder: Path) -> list[Frame]:
    return [f for f in deck_of(folder) if f.kind == "content"]


def expected_pages(folder: Path, per_page: int) -> int:
    """Cover and contents, then per topic its slides, per_page to a page (topics start a page)."""
    frames = content_frames(folder)
    topics = {f.topic for f in frames}
    rows = sum(math.ceil(sum(f.topic == t for f in frames) / per_page) for t in topics)
    return 2 + rows


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_handout(SAMPLE, tmp_path_factory.mktemp("layout1"))


@pytest.fixture(scope="module")
def sample_letter_2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("layout2")
    return build_handout(SAMPLE, out, "--handout-layout", "2", "--paper", "letter")


@pytest.fixture(scope="module")
def sample_3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_handout(SAMPLE, tmp_path_factory.mktemp("layout3"), "--handout-layout", "3")


LECTURES = [SAMPLE, *([GENAI] if (GENAI / "lecture.yaml").is_file() else [])]


@pytest.fixture(scope="module", params=LECTURES, ids=lambda p: p.name)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder: Path = request.param
    pdf = build_handout(folder, tmp_path_factory.mktemp(folder.name))
    return folder, pdf


# --- what the handout contains ---------------------------------------------------------------


def test_every_topic_slide_title_and_note_is_in_the_text(built) -> None:
    folder, pdf = built
    text = pdf_text(pdf)
    lecture, _ = load_lecture(folder)
    for topic in lecture.topics:
        assert squash(inline.plain(topic.title)) in text
    frames = content_frames(folder)
    assert frames
    for frame in frames:
        assert squash(inline.plain(frame.display_title)) in text, frame.display_title
        for paragraph in handout.paragraphs(frame.notes):
            assert squash(paragraph) in text, f"notes of slide {frame.number}"


def test_one_page_per_slide_after_cover_and_contents(built) -> None:
    folder, pdf = built
    expected = expected_pages(folder, 1)
    # Long speaker notes may run onto a further page, never more than one per slide.
    assert expected <= page_count(pdf) <= expected + len(content_frames(folder))


def test_the_read_back_gives_each_page_as_one_pdftotext_run_does(built, sample_3: Path) -> None:
    """Read in two halves side by side (from SPLIT_FROM pages on) or whole, with the PDF/A
    output intent hidden from pdftotext, the same pages as pdftotext reading the file."""
    for pdf in (built[1], sample_3):
        assert pdf.read_bytes().count(parity._OUTPUT_INTENT) == 1  # hidden: it is there
        whole = subprocess.run(
            [require("pdftotext"), "-raw", "-enc", "UTF-8", str(pdf), "-"],
            capture_output=True,
            check=True,
        ).stdout.decode()
        pages = parity.pdf_pages(pdf)
        assert len(pages) == page_count(pdf)
        assert pages == parity._INVISIBLE.sub("", whole).split("\f")[:-1]
    assert page_count(built[1]) >= parity.SPLIT_FROM > page_count(sample_3)  # both ways run


def test_cover_contents_and_running_header(sample_pdf: Path) -> None:
    cover = pdf_text(sample_pdf, "-f", "1", "-l", "1")
    for line in ("Every Slide Kind", "A test lecture", "Test Author", "Test University"):
        assert line in cover
    contents = pdf_text(sample_pdf, "-f", "2", "-l", "2")
    # Typst's outline: each topic and the page it starts on: 3, then 3 + its four slides.
    entries = re.sub(r"[.\s\u2060]", "", contents)  # no dot leaders, spaces, word joiners
    assert "ContentsTextslides3Picturesanddata7" in entries
    page = pdf_text(sample_pdf, "-f", "4", "-l", "4")
    assert page.startswith("Every Slide Kind Text slides"), page[:60]  # title, current topic
    assert page.endswith(f"4 / {page_count(sample_pdf)}")


def test_pictures_are_drawn_on_their_slides_pages(sample_pdf: Path) -> None:
    frames = content_frames(SAMPLE)
    # A diagram drawn from data is drawn with Typst's shapes: only images are pictures.
    with_pictures = {
        3 + i
        for i, f in enumerate(frames)
        if f.slide.kind == "image" or any(c.image for c in f.slide.columns or [])
    }
    assert len(with_pictures) == 2
    assert set(image_pages(sample_pdf)) == with_pictures


def test_speaker_notes_then_ruled_lines_below_each_slide(sample_pdf: Path, tmp_path: Path) -> None:
    page = pdf_text(sample_pdf, "-f", "4", "-l", "4")
    assert "SPEAKER NOTES Notes for the quote. YOUR NOTES" in page
    # The lines themselves are drawn, not text: count them in a picture of the page.
    subprocess.run(
        [
            require("pdftoppm"),
            "-r",
            "40",
            "-f",
            "4",
            "-l",
            "4",
            "-gray",
            "-png",
            sample_pdf,
            tmp_path / "page",
        ],
        check=True,
    )
    with Image.open(next(tmp_path.glob("page*.png"))) as picture:
        gray = picture.convert("L")
        width, height = gray.size
        pixels = gray.load()
        ruled = [
            y
            for y in range(height // 2, height - height // 10)
            if sum(pixels[x, y] < 250 for x in range(width // 10, width - width // 10))
            > 0.7 * (width - width // 5)
        ]
    lines = [y for y in ruled if y - 1 not in ruled]  # count a thick line once
    assert len(lines) >= 10


def test_metadata_title_author_language(sample_pdf: Path) -> None:
    info = pdf_info(sample_pdf)
    assert re.search(r"^Title:\s+Every Slide Kind$", info, re.M)
    assert re.search(r"^Author:\s+Test Author$", info, re.M)
    meta = pdf_info(sample_pdf, "-meta")
    assert re.search(r"<dc:language>\s*<rdf:Bag>\s*<rdf:li>en</rdf:li>", meta)


def test_a4_by_default_letter_on_request(sample_pdf: Path, sample_letter_2: Path) -> None:
    assert page_size(sample_pdf) == "595.276 x 841.89 pts (A4)"
    assert page_size(sample_letter_2) == "612 x 792 pts (letter)"


@pytest.mark.parametrize("layout", [2, 3])
def test_two_and_three_slides_per_page(layout: int, sample_letter_2: Path, sample_3: Path) -> None:
    pdf = sample_letter_2 if layout == 2 else sample_3
    assert page_count(pdf) == expected_pages(SAMPLE, layout)
    text = pdf_text(pdf, "-raw")
    for frame in content_frames(SAMPLE):
        assert squash(inline.plain(frame.display_title)) in text
        assert squash(frame.notes) in text
    # The pictures are still there, several slides to a page.
    assert len(set(image_pages(pdf))) < 3


# --- standards: PDF/UA-1 and PDF/A-2a ---------------------------------------------------------

PDFUAID = "{http://www.aiim.org/pdfua/ns/id/}"
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"


def declared_standards(pdf: Path) -> dict[str, str]:
    """The conformance the PDF's XMP declares: pdfuaid:part, pdfaid:part and conformance."""
    from lxml import etree
    from pypdf import PdfReader

    metadata = PdfReader(pdf).trailer["/Root"]["/Metadata"].get_object().get_data()
    xmp = etree.fromstring(metadata)
    names = {"ua": f"{PDFUAID}part", "a": f"{PDFAID}part", "a-level": f"{PDFAID}conformance"}
    found = {key: xmp.find(f".//{name}") for key, name in names.items()}
    return {key: element.text for key, element in found.items() if element is not None}


def test_the_handout_declares_pdf_ua_1_and_pdf_a_2a(built, hostile_pdf: Path) -> None:
    from pypdf import PdfReader

    for pdf in (built[1], hostile_pdf):
        assert declared_standards(pdf) == {"ua": "1", "a": "2", "a-level": "A"}
        root = PdfReader(pdf).trailer["/Root"]
        # What PDF/UA-1 asks of the document as a whole, read back rather than trusted:
        assert root["/MarkInfo"]["/Marked"].value is True  # tagged
        assert root["/Lang"] == "en"
        assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True  # not the file name
        assert "/StructTreeRoot" in root


def test_topics_and_slide_titles_are_headings_in_the_structure(built) -> None:
    """PDF/UA readers navigate by headings: the contents and each topic H1, each slide H2."""
    folder, pdf = built
    frames = content_frames(folder)
    tags = [tag["/S"] for tag in pdf_structure(pdf)]
    assert tags.count("/H1") == 1 + len({frame.topic for frame in frames})
    assert tags.count("/H2") == len(frames)
    assert tags.index("/H1") < tags.index("/H2")


def test_a_character_the_standards_forbid_gives_a_warning_and_a_plain_handout(
    tmp_path: Path,
) -> None:
    """A private-use character (an icon font's) may not be in a PDF/A; the handout still builds."""
    folder = tmp_path / "icons"
    folder.mkdir()
    slide = {"title": "Icons", "bullets": ["Press \ue000 to start", "Then wait"]}
    data = {"title": "Icons", "topics": [{"title": "One", "slides": [slide]}]}
    (folder / "lecture.yaml").write_text(json.dumps(data), "utf-8")
    result = run_cli("build", folder, "--format", "handout", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"icons-handout\.pdf: warning: not declared PDF/UA-1 or PDF/A-2a: "
        r"PDF/A-2a(, PDF/UA-1)? error: .*codepoint",
        result.stderr,
        re.M,
    ), result.stderr
    pdf = tmp_path / "out" / "icons" / "icons-handout.pdf"
    assert declared_standards(pdf) == {}
    assert "Then wait" in pdf_text(pdf)


# --- hostile content: every Typst metacharacter shows literally ------------------------------

HOSTILE = [
    "Hash # dollar \\$x\\$ at @ref <label> star * under _x_ tick ` slashes // and ] [ brackets",
    '#import "x": * and #set page(width: 1cm) #let y = 1',
    '= not a heading - dash + plus / term: desc ~ tilde "quotes" }{ )( \\\\ backslash',
]
HOSTILE_NOTES = '#strong[typst] $ math $ // not a comment <tag> @cite ` ] [ \\u{41} "\\" */ /*'


def hostile_lecture(folder: Path) -> Path:
    """A lecture whose every text field holds Typst syntax."""
    folder.mkdir()
    slides = [
        {"title": HOSTILE[0], "bullets": HOSTILE, "notes": HOSTILE_NOTES},
        {
            "title": HOSTILE[1],
            "table": {"header": ["#x", "\\$y\\$"], "rows": [["@z", "<w>"], ["]", "["]]},
            "notes": HOSTILE_NOTES,
        },
        {
            "title": HOSTILE[2],
            "code": {"language": "typst", "source": '"]; #panic("x") // ]\n'},
            "notes": HOSTILE_NOTES,
        },
        {"title": "Quote", "quote": {"text": HOSTILE[1], "attribution": HOSTILE[2]}},
    ]
    data = {
        "title": HOSTILE[1],
        "subtitle": HOSTILE[0],
        "author": "#panic() @me",
        "footer": "// footer $",
        "topics": [{"title": HOSTILE[2], "slides": slides}],
    }
    (folder / "lecture.yaml").write_text(json.dumps(data), "utf-8")  # JSON is YAML
    return folder


@pytest.fixture(scope="module")
def hostile_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    return build_handout(hostile_lecture(root / "hostile"), root / "out")


def test_hostile_text_compiles_and_shows_literally(hostile_pdf: Path) -> None:
    text = pdf_text(hostile_pdf)
    for line in HOSTILE:
        assert text.count(squash(inline.plain(line))) >= 2, line  # titles and bullets
    assert text.count(squash(HOSTILE_NOTES)) == 3
    assert '"]; #panic("x") // ]' in text
    assert "#panic() @me" in text and "// footer $" in text
    for cell in ("#x", "$y$", "@z", "<w>"):
        assert cell in text
    assert pdf_info(hostile_pdf).count(inline.plain(HOSTILE[1])) == 1  # the document title


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40))
def test_typst_string_round_trips_any_text(text: str) -> None:
    source = f"#metadata({handout.typst_string(text)}) <value>".encode()
    assert json.loads(typst.query(source, "<value>", field="value", one=True)) == text


def test_inline_syntax_becomes_typst_functions_of_strings() -> None:
    assert handout.typst_inline("a **b** *c* `d` [e](https://x.org/#f) \\*g") == (
        '[#"a "#strong("b")#" "#emph("c")#" "#raw("d")#" "#link("https://x.org/#f", "e")#" *g"]'
    )


def test_the_template_refuses_unfiltered_values() -> None:
    env = handout.environment()
    with pytest.raises(TypeError, match="unescaped"):
        env.from_string("{{ text }}").render(text="#panic()")
    assert env.from_string("{{ text | str }}").render(text="#x") == '"#x"'


def test_language_tag_to_typst() -> None:
    assert handout.typst_language("en") == ("en", None)
    assert handout.typst_language("en-GB") == ("en", "GB")
    assert handout.typst_language("zh-Hans-CN") == ("zh", "CN")


# --- failures keep the last good handout --------------------------------------------------


def test_a_typst_error_is_a_build_error_and_keeps_the_old_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from slides.build import prepare_build
    from slides.render import Options

    build, _ = prepare_build(SAMPLE, tmp_path, Options())
    good = handout.render(build)
    before = good.read_bytes()
    broken = tmp_path / "broken.typ"
    broken.write_text("#let frame(c, f) = {\n", "utf-8")
    monkeypatch.setattr(handout, "LIBRARY", broken)
    with pytest.raises(BuildError) as raised:
        handout.render(build)
    message = str(raised.value)
    assert message.startswith("the handout could not be compiled:\nerror: unclosed delimiter")
    assert "handout.typ:1:" in message  # where: the file and line of the mistake
    assert good.read_bytes() == before
    assert [p.name for p in good.parent.iterdir() if p.suffix == ".pdf"] == [good.name]


# --- the handout draws the placed frames ---------------------------------------------------


def test_titles_and_pictures_alt_text_are_as_placed(tmp_path: Path) -> None:
    """A title that placement set smaller (it is long) is as much smaller in the handout, and
    every picture's alt text is the placed one, as the PPTX and the HTML deck have them."""
    import yaml
    from conftest import copy_lecture

    from slides.build import prepare_build
    from slides.place.frames import Picture
    from slides.render import Options

    folder = copy_lecture(SAMPLE, tmp_path)
    data = yaml.safe_load((folder / "lecture.yaml").read_text("utf-8"))
    long_title = "Overlong " + " ".join(["words"] * 20)  # placed at 20 pt
    data["topics"][0]["slides"].append({"title": long_title, "bullets": ["One"], "notes": "N."})
    (folder / "lecture.yaml").write_text(yaml.safe_dump(data), "utf-8")
    build, _ = prepare_build(folder, tmp_path / "out", Options())
    pdf = handout.render(build)
    placed = {p.frame.title: p for p in build.placed}
    long_pt, short_pt = (
        placed[long_title].title.paras[0].size,
        placed["A quote"].title.paras[0].size,
    )
    assert long_pt < short_pt

    words = subprocess.run(
        [require("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    heights = {}
    for m in re.finditer(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(\w+)<', words):
        heights.setdefault(m.group(3), float(m.group(2)) - float(m.group(1)))
    assert heights["Overlong"] / heights["quote"] == pytest.approx(long_pt / short_pt, rel=0.02)

    alts = {str(node.get("/Alt")) for node in pdf_structure(pdf) if node.get("/S") == "/Figure"}
    placed_alts = {
        e.alt for p in build.placed for e in p.elements if isinstance(e, Picture) and e.node
    }
    assert placed_alts and placed_alts <= alts


SCRIPTS = Path(__file__).parent / "fixtures" / "scripts"


@pytest.mark.parametrize("folder", [SAMPLE, SCRIPTS], ids=lambda p: p.name)
def test_typst_gets_only_the_fallbacks_the_text_needs_and_sets_the_same_pdf(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typst reads every font it is given (0.045 s for the default theme's fallbacks): the
    handout names and gives it only the fallbacks that have a character its text needs. With
    every fallback instead, the handout has the same fonts and the same text."""
    from slides.build import prepare_build
    from slides.render import Options

    def handout_of(out: Path) -> tuple[Path, str]:
        build, _ = prepare_build(folder, out, Options())
        pdf = handout.render(build)
        source = (pdf.parent / ".cache" / "handout" / "main.typ").read_text("utf-8")
        return pdf, re.search(r"\n  sans: \((.*)\),\n", source)[1]

    few, named = handout_of(tmp_path / "few")
    if folder == SAMPLE:  # Latin text only: the theme font alone
        assert named == '"Lato", '
    else:
        for family in ("Noto Sans CJK SC", "Noto Sans Arabic", "Noto Sans Hebrew"):
            assert f'"{family}"' in named
    monkeypatch.setattr(handout, "_typeset_theme", lambda theme, source, language: theme)
    every, named_all = handout_of(tmp_path / "every")
    assert named_all.count('", "') >= 5  # the default theme's fallbacks

    def fonts(path: Path) -> list[str]:
        rows = subprocess.run([require("pdffonts"), str(path)], capture_output=True, text=True)
        return sorted(row.split()[0].split("+")[-1] for row in rows.stdout.splitlines()[2:])

    assert fonts(few) == fonts(every)
    assert pdf_text(few, "-raw") == pdf_text(every, "-raw")


@pytest.mark.parametrize("folder", LECTURES, ids=lambda p: p.name)
def test_typst_measures_only_bodies_that_might_not_fit_and_sets_the_same_pdf(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typst measures a slide body before setting it (to shrink one that is too tall) only
    where the placement leaves it little room: text, pictures and a quotation are drawn in
    their placed boxes, a short table or code box has room to spare. With every body measured
    instead, every word of the handout is in the same place."""
    from slides.build import prepare_build
    from slides.render import Options

    def handout_of(out: Path) -> tuple[Path, dict[str, str]]:
        build, _ = prepare_build(folder, out, Options())
        pdf = handout.render(build)
        source = (pdf.parent / ".cache" / "handout" / "main.typ").read_text("utf-8")
        frames = source.split("\n#frame(c, (\n")[1:]
        fits = {
            re.search(r"^  number: (\d+),", f, re.M)[1]: re.search(r"^  fit: (\w+),", f, re.M)[1]
            for f in frames
        }
        kinds = {str(f.number): f.slide.kind for f in build.deck.frames if f.kind == "content"}
        assert fits.keys() == kinds.keys()
        return pdf, {number: f"{kinds[number]} {fit}" for number, fit in fits.items()}

    some, fits = handout_of(tmp_path / "some")
    values = set(fits.values())
    assert {"diagram false", "bullets false", "quote false"} <= values
    monkeypatch.setattr(handout, "has_room", lambda placed: False)
    every, fits_all = handout_of(tmp_path / "every")
    assert set(fits_all.values()) == {f"{v.split()[0]} true" for v in values}

    def words(pdf: Path) -> list[str]:
        """Every page and word with its box (the head's metadata holds the time of the build)."""
        out = subprocess.run(
            [require("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True
        ).stdout
        return [line for line in out.splitlines() if "<word " in line or "<page " in line]

    placed_words = words(some)
    assert len(placed_words) > 100 and placed_words == words(every)


def test_a_tall_code_box_is_measured_and_placed_text_is_not(tmp_path: Path) -> None:
    """Text, pictures and a quote are drawn in their placed boxes at their placed sizes,
    however full; a code box filling most of the body is measured by Typst, a short one is
    not."""
    import yaml
    from conftest import copy_lecture

    from slides.build import prepare_build
    from slides.render import Options

    folder = copy_lecture(SAMPLE, tmp_path)
    data = yaml.safe_load((folder / "lecture.yaml").read_text("utf-8"))
    dense = ["A bullet long enough to fill most of one line on the slide"] * 8
    slides = data["topics"][0]["slides"]
    slides.append({"title": "Dense", "bullets": dense})
    slides.append({"title": "Long code", "code": {"source": "x = 1\n" * 14}})
    slides.append({"title": "Short code", "code": {"source": "x = 1\n"}})
    (folder / "lecture.yaml").write_text(yaml.safe_dump(data), "utf-8")
    build, _ = prepare_build(folder, tmp_path / "out", Options())
    placed = {p.frame.title: p for p in build.placed if p.frame.kind == "content"}
    assert handout.has_room(placed["Dense"]) and handout.has_room(placed["A diagram"])
    assert not handout.has_room(placed["Long code"])
    assert handout.has_room(placed["Short code"])
    assert handout.has_room(placed["A quote"])
