"""The deck's metadata, true to the deck: slide size type, document and application properties.

A template brings metadata of its own: python-pptx's default one says "Microsoft Macintosh
PowerPoint", 0 slides and "On-screen Show (4:3)"; a user's template keeps its slide count, slide
titles, company, author, custom properties and a thumbnail of its first slide. None of it
describes our deck, so the properties are written anew and the rest is left out.
"""

from __future__ import annotations

import datetime as dt
import re

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI
from pptx.oxml.ns import qn
from pptx.presentation import Presentation

from slides import inline, model
from slides.render.pptx_package import xml_safe

APPLICATION = "slides"
APP_XML = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
APP_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
APP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
CORE_XML = "application/vnd.openxmlformats-package.core-properties+xml"
EPOCH = dt.datetime(2000, 1, 1)  # the creation date of a lecture without an ISO date

# Slide sizes (EMU) PowerPoint knows by name: p:sldSz/@type (ST_SlideSizeType, whose default is
# "custom") and the name app.xml gives. PowerPoint writes 13.333 × 7.5 in, its default since
# 2013, without a type.
SIZES = {
    (12192000, 6858000): (None, "Widescreen"),
    (9144000, 5143500): ("screen16x9", "On-screen Show (16:9)"),
    (9144000, 5715000): ("screen16x10", "On-screen Show (16:10)"),
    (9144000, 6858000): ("screen4x3", "On-screen Show (4:3)"),
}

# Package relationships to parts that describe the template, not the deck.
TEMPLATE_ONLY = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties",
    "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/origin",
)
# Presentation relationships to the people who commented on the template's slides.
COMMENT_AUTHORS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/commentAuthors",
    "http://schemas.microsoft.com/office/2018/10/relationships/authors",
)


def write_metadata(prs: Presentation, lecture: model.Lecture, slides: int, notes: int) -> None:
    """Make the package's metadata describe this deck of `slides` slides, `notes` with notes."""
    package = prs.part.package
    _drop(package._rels, TEMPLATE_ONLY)
    _drop(prs.part.rels, COMMENT_AUTHORS)
    size = prs.part._element.find(qn("p:sldSz"))
    cx, cy = int(size.get("cx", "0")), int(size.get("cy", "0"))
    kind, shape = SIZES.get((cx, cy), ("custom", "Custom"))
    if kind is None:
        size.attrib.pop("type", None)
    else:
        size.set("type", kind)
    _put(package, RT.CORE_PROPERTIES, "/docProps/core.xml", CORE_XML, _core(lecture))
    _put(package, APP_RT, "/docProps/app.xml", APP_XML, _app(shape, slides, notes))


def _core(lecture: model.Lecture) -> etree._Element:
    """core.xml: the lecture's title, author, language and date (fixed: builds are repeatable)."""
    author = inline.plain(lecture.author) if lecture.author else ""
    stamp = _date_of(lecture.date).strftime("%Y-%m-%dT%H:%M:%SZ")
    values = [
        ("dc:title", inline.plain(lecture.title)),
        ("dc:subject", inline.plain(lecture.subtitle) if lecture.subtitle else ""),
        ("dc:creator", author),
        ("cp:keywords", ", ".join(inline.plain(t.title) for t in lecture.topics)[:255]),
        ("cp:lastModifiedBy", author),
        ("cp:revision", "1"),
        ("dc:language", lecture.language),
        ("dcterms:created", stamp),
        ("dcterms:modified", stamp),
    ]
    names = ("cp", "dc", "dcterms", "xsi")
    root = etree.Element(qn("cp:coreProperties"), nsmap={k: _NS[k] for k in names})
    for name, text in values:
        if text:
            element = etree.SubElement(root, qn(name))
            element.text = xml_safe(text)
            if name.startswith("dcterms:"):
                element.set(qn("xsi:type"), "dcterms:W3CDTF")
    return root


def _app(shape: str, slides: int, notes: int) -> etree._Element:
    """app.xml as PowerPoint writes it, less what we do not count (words, edit time, fonts)."""
    root = etree.Element(f"{{{APP_NS}}}Properties", nsmap={None: APP_NS})
    values = [
        ("Application", APPLICATION),
        ("PresentationFormat", shape),
        ("Slides", slides),
        ("Notes", notes),
        ("HiddenSlides", 0),  # no lecture slide is hidden
        ("MMClips", 0),  # nor sound or video
        ("ScaleCrop", "false"),
        ("LinksUpToDate", "false"),
        ("SharedDoc", "false"),
        ("HyperlinksChanged", "false"),
    ]
    for name, value in values:
        etree.SubElement(root, f"{{{APP_NS}}}{name}").text = str(value)
    return root


def _put(package, reltype: str, name: str, content_type: str, xml: etree._Element) -> None:
    """The package's part of a kind replaced by `xml` (added, with its relationship, if none)."""
    data = etree.tostring(xml, xml_declaration=True, encoding="UTF-8", standalone=True)
    rels = package._rels
    found = next((rid for rid, rel in rels.items() if rel.reltype == reltype), None)
    if found is not None:
        name = str(rels[found].target_part.partname)
        rels.pop(found)
    part = Part(PackURI(name), content_type, package, data)
    rels._add_relationship(reltype, part)


def _drop(rels, reltypes: tuple[str, ...]) -> None:
    """Relationships of these types left out (their parts, reached only by them, go too)."""
    for rid in [rid for rid, rel in rels.items() if rel.reltype in reltypes]:
        rels.pop(rid)


_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}


def _date_of(text: str | None) -> dt.datetime:
    """The lecture's date when it is an ISO date (2026-11-28), else a fixed epoch."""
    match = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})", text or "")
    if match:
        try:
            return dt.datetime(*map(int, match.groups()))
        except ValueError:
            pass
    return EPOCH
