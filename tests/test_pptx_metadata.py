"""The PPTX as strict readers see it: the Open XML SDK's rules (openxml-audit) and true metadata.

Three decks, built through the real command line: the default one, one with native diagrams,
and one made from a user template that carries metadata of its own (slide titles, company,
author, custom properties, a thumbnail), none of which may reach our deck.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import GENAI, SAMPLE, run_cli, set_scheme
from lxml import etree
from pptx import Presentation
from pptx.util import Emu

from slides.deck import plan
from slides.load import load_lecture

APP = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
SECRET = "Acme Secret"  # in the template's metadata and its slides only
CUSTOM_XML = (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Client">'
    f"<vt:lpwstr>{SECRET} Ltd</vt:lpwstr></property></Properties>"
)
TEMPLATE_APP_XML = (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>Microsoft Office PowerPoint</Application>"
    "<PresentationFormat>Widescreen</PresentationFormat><Slides>2</Slides><Notes>0</Notes>"
    '<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Slide Titles'
    "</vt:lpstr></vt:variant><vt:variant><vt:i4>2</vt:i4></vt:variant></vt:vector></HeadingPairs>"
    '<TitlesOfParts><vt:vector size="2" baseType="lpstr">'
    f"<vt:lpstr>{SECRET} roadmap</vt:lpstr><vt:lpstr>{SECRET} prices</vt:lpstr>"
    f"</vt:vector></TitlesOfParts><Company>{SECRET} Ltd</Company></Properties>"
)


def make_template(path: Path) -> Path:
    """A 16:9 template with two slides of its own and its own metadata in every place it goes."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)
    for title in ("roadmap", "prices"):
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        slide.shapes.title.text = f"{SECRET} {title}"
    set_scheme(prs, {"accent1": "4472C4"})  # Office 2013's accent: 2007's fails for links
    props = prs.core_properties
    props.author = props.last_modified_by = f"{SECRET} designer"
    props.category, props.comments, props.title = SECRET, SECRET, f"{SECRET} template"
    plain = path.with_suffix(".plain.pptx")
    prs.save(str(plain))
    # python-pptx keeps its default template's app.xml and has no custom properties: add them.
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "docProps/app.xml":
                data = TEMPLATE_APP_XML.encode()
            elif entry.filename == "_rels/.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/custom-properties" '
                    b'Target="docProps/custom.xml"/></Relationships>',
                )
            elif entry.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/docProps/custom.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
                )
            target.writestr(entry, data)
        target.writestr("docProps/custom.xml", CUSTOM_XML)
    return path


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """name -> (lecture folder, built deck) for the three decks."""
    tmp = tmp_path_factory.mktemp("metadata")
    template = make_template(tmp / "acme.pptx")
    wanted = {
        "default": (SAMPLE, ()),
        "native": (GENAI, ("--pptx-diagrams", "native")),
        "template": (SAMPLE, ("--pptx-template", str(template))),
    }
    built = {}
    for name, (folder, more) in wanted.items():
        out = tmp / name
        result = run_cli("build", folder, "--format", "pptx", "--out", out, *more)
        assert result.returncode == 0, result.stderr
        built[name] = (folder, out / folder.name / f"{folder.name}.pptx")
    return built


def test_the_template_carries_its_own_metadata(tmp_path) -> None:
    """The premise of the template tests: the secret is there to leak."""
    template = make_template(tmp_path / "acme.pptx")
    with zipfile.ZipFile(template) as package:
        holding = {n for n in package.namelist() if SECRET.encode() in package.read(n)}
    assert {"docProps/app.xml", "docProps/core.xml", "docProps/custom.xml"} <= holding
    assert "docProps/thumbnail.jpeg" in zipfile.ZipFile(template).namelist()


def test_openxml_audit_finds_no_error_in_the_three_decks(decks, tmp_path) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    for name, (_, deck) in decks.items():
        (folder / f"{name}.pptx").write_bytes(deck.read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "openxml_audit", "-f", "microsoft365", "-o", "json", "-r"]
        + ["-m", "0", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    reports = {Path(r["file"]).stem: r for r in json.loads(done.stdout)}
    assert set(reports) == set(decks), done.stderr
    for name, report in reports.items():
        assert (report["valid"], report["error_count"]) == (True, 0), (name, report["errors"])


@pytest.mark.parametrize("name", ["default", "native", "template"])
def test_app_xml_counts_what_the_deck_holds(decks, name) -> None:
    folder, deck = decks[name]
    prs = Presentation(str(deck))
    with zipfile.ZipFile(deck) as package:
        app = etree.fromstring(package.read("docProps/app.xml"))
    values = {child.tag.removeprefix(APP): child.text for child in app}
    frames = plan(load_lecture(folder)[0]).frames
    assert len(prs.slides) == len(frames)
    hidden = sum(slide._element.get("show") in ("0", "false") for slide in prs.slides)
    assert values["Slides"] == str(len(prs.slides))
    assert values["Notes"] == str(sum(slide.has_notes_slide for slide in prs.slides))
    assert int(values["Notes"]) > 0
    assert values["HiddenSlides"] == str(hidden)
    assert values["Application"] == "slides"
    assert values["PresentationFormat"] == "Widescreen"  # PowerPoint's name for 13.333 × 7.5 in
    # The titles of parts are PowerPoint's own counts (fonts, themes, slide titles): none given.
    assert "TitlesOfParts" not in values and "HeadingPairs" not in values
    assert "Company" not in values


@pytest.mark.parametrize("name", ["default", "template"])
def test_a_16_9_deck_has_no_4_3_size_type(decks, name) -> None:
    """ST_SlideSizeType's screen16x9 is 10 × 5.625 in; PowerPoint writes 13.333 × 7.5 in as
    the default type, custom, by leaving the attribute out."""
    _, deck = decks[name]
    with zipfile.ZipFile(deck) as package:
        size = etree.fromstring(package.read("ppt/presentation.xml")).find(f"{P}sldSz")
    assert (size.get("cx"), size.get("cy"), size.get("type")) == ("12192000", "6858000", None)


def test_nothing_of_the_templates_metadata_reaches_the_deck(decks) -> None:
    folder, deck = decks["template"]
    with zipfile.ZipFile(deck) as package:
        names = package.namelist()
        leaks = [n for n in names if SECRET.encode() in package.read(n)]
        core = package.read("docProps/core.xml").decode()
    assert leaks == []
    assert not any("thumbnail" in n or "custom.xml" in n for n in names), names
    props = Presentation(str(deck)).core_properties
    lecture = load_lecture(folder)[0]
    assert props.title == lecture.title
    assert (props.author, props.category, props.comments) == (lecture.author, "", "")
    assert "cp:category" not in core
