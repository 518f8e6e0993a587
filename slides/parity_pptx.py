"""Reading a PPTX back for parity (slides.parity): each slide's title, notes, pictures, logos
and the text of its native diagrams, from the package's parts as any other program reads them:
from the file, or from the files the writer zips (read while they are zipped).

A long deck's file is read in two halves at once when a core is spare (slides.workers.halves).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path

import msgspec
from lxml import etree

from slides import workers
from slides.parity import SlideFacts, squash

NS = {
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


# CPU seconds to read one slide back (parse the slide, its .rels and notes), on this project's
# 2-core machines: from the file 0.25 s for genai-x10's 293 slides (unzipping too); from the
# package's files before they are zipped 0.08-0.14 s for its 298 (docs/performance.md).
READ_PER_SLIDE = 0.0009
READ_FILES_PER_SLIDE = 0.0004


def read_pptx(path: Path, logo: Path | None = None, spare: bool = False) -> list[SlideFacts]:
    """Slides of a PPTX in presentation order: title text, notes, pictures and logos.

    A picture whose bytes are the theme's logo file counts as a logo. With a `spare` core, a
    long deck's second half is read in a helper meanwhile (slides.workers.halves).
    """
    logo_bytes = logo.read_bytes() if logo is not None else None
    # Read whole and opened once: a forked helper gets its own copy of the bytes and position.
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as package:
        files = _Zipped(package)
        read = partial(_read_slides, files, logo_bytes)
        if not spare:
            return read(0, 1)
        count = len(_SLIDE_RIDS(etree.fromstring(files["ppt/presentation.xml"])))
        return workers.halves(read, spare, count * READ_PER_SLIDE)


def read_package(files: Mapping[str, bytes], logo: Path | None = None) -> list[SlideFacts]:
    """`read_pptx` of the package's files (zip member name: bytes), as they are zipped: the
    writer reads them back while it zips them (slides.render.pptx)."""
    return _read_slides(files, logo.read_bytes() if logo is not None else None, 0, 1)


class _Zipped(Mapping[str, bytes]):
    """A zip's members as files by name."""

    def __init__(self, package: zipfile.ZipFile) -> None:
        self.package = package
        self.names = set(package.namelist())  # namelist() builds a new list on every call

    def __getitem__(self, name: str) -> bytes:
        return self.package.read(name)

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def _read_slides(
    files: Mapping[str, bytes], logo_bytes: bytes | None, half: int, of: int
) -> list[SlideFacts]:
    """The facts of the half-th of `of` equal parts of the slides."""

    def xml(name: str) -> etree._Element:
        return etree.fromstring(files[name])

    def rels(part: str) -> dict[str, str]:
        folder, name = posixpath.split(part)
        rel_name = f"{folder}/_rels/{name}.rels"
        if rel_name not in files:
            return {}
        found = {}
        for rel in _RELATIONSHIPS(xml(rel_name)):
            kind = rel.get("Type").rsplit("/", 1)[-1]
            target = rel.get("Target")  # relative to the part's folder, or absolute
            found[f"{kind}:{rel.get('Id')}"] = (
                target[1:] if target.startswith("/") else f"{folder}/{target}"
            )
        return found

    presentation = "ppt/presentation.xml"
    by_id = {key.split(":", 1)[1]: target for key, target in rels(presentation).items()}
    rids = _SLIDE_RIDS(xml(presentation))
    facts = []
    for rid in rids[len(rids) * half // of : len(rids) * (half + 1) // of]:
        part = _normalise(by_id[rid])
        slide = xml(part)
        notes = ""
        related = rels(part)
        for key, target in related.items():
            if key.startswith("notesSlide:"):
                notes = _notes_text(xml(_normalise(target)))
        shapes = _shapes(slide)
        logos = 0
        for embed in shapes.embeds if logo_bytes else ():
            media = related.get(f"image:{embed}")
            logos += media is not None and files[_normalise(media)] == logo_bytes
        # A diagram drawn as native shapes is one group that carries the alt text.
        groups = shapes.diagrams
        drawn = squash("".join(t for g in groups for t in _TEXTS(g))) if groups else None
        facts.append(
            SlideFacts(
                squash(shapes.title),
                squash(notes),
                shapes.pictures - logos + len(groups),
                logos,
                drawn=drawn,
            )
        )
    return facts


# What the PPTX reader looks at, compiled once (a deck of 300 slides asks each 300 times).
def _xpath(path: str) -> etree.XPath:
    return etree.XPath(path, namespaces=NS, smart_strings=False)


_RELATIONSHIPS = _xpath("rel:Relationship")
_SLIDE_RIDS = _xpath("p:sldIdLst/p:sldId/@r:id")
_TEXTS = _xpath(".//a:t/text()")
_NOTES_BODY = _xpath("(//p:sp[p:nvSpPr/p:nvPr/p:ph[@type='body']])[1]//a:p")
_RUN_TEXTS = _xpath("a:r/a:t/text()")


def _qn(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


_SP, _NV_SP, _NV, _PH = _qn("p:sp"), _qn("p:nvSpPr"), _qn("p:nvPr"), _qn("p:ph")
_PIC, _BLIP_FILL, _BLIP, _EMBED = _qn("p:pic"), _qn("p:blipFill"), _qn("a:blip"), _qn("r:embed")
_GROUP, _NV_GROUP, _C_NV = _qn("p:grpSp"), _qn("p:nvGrpSpPr"), _qn("p:cNvPr")


class _Shapes(msgspec.Struct):
    """What the reader needs of a slide's shape tree."""

    title: str = ""  # the text of the first shape in a title placeholder
    pictures: int = 0  # every p:pic, in groups too
    embeds: list[str] = msgspec.field(default_factory=list)  # the pictures' r:embed, in order
    diagrams: list[etree._Element] = msgspec.field(default_factory=list)  # groups with alt text


def _shapes(slide: etree._Element) -> _Shapes:
    """One walk over the slide (in C, yielding only these elements) instead of an XPath
    search of the whole tree for each fact: the title is the first p:sp/p:nvSpPr/p:nvPr/p:ph
    of type title or ctrTitle, pictures are p:pic (their p:blipFill/a:blip/@r:embed), native
    diagrams are p:grpSp whose p:nvGrpSpPr/p:cNvPr has a descr."""
    found = _Shapes()
    title = None
    for element in slide.iter(_PH, _PIC, _GROUP):
        tag = element.tag
        if tag == _PH:
            if title is None and element.get("type") in ("title", "ctrTitle"):
                nv = element.getparent()
                nv_sp = nv.getparent() if nv.tag == _NV else None
                shape = nv_sp.getparent() if nv_sp is not None and nv_sp.tag == _NV_SP else None
                if shape is not None and shape.tag == _SP:
                    title = shape
        elif tag == _PIC:
            found.pictures += 1
            for fill in element.iterchildren(_BLIP_FILL):
                for blip in fill.iterchildren(_BLIP):
                    embed = blip.get(_EMBED)
                    if embed is not None:
                        found.embeds.append(embed)
        elif any(
            c.get("descr") is not None
            for nv in element.iterchildren(_NV_GROUP)
            for c in nv.iterchildren(_C_NV)
        ):
            found.diagrams.append(element)
    if title is not None:
        found.title = "".join(title.itertext())
    return found


def _normalise(part: str) -> str:
    parts: list[str] = []
    for piece in part.split("/"):
        if piece == "..":
            parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _notes_text(notes: etree._Element) -> str:
    """The notes body placeholder's text (not the slide image or the slide number).

    Text runs only: a formula (a14:m) is OMML, not text."""
    return "\n".join("".join(_RUN_TEXTS(p)) for p in _NOTES_BODY(notes))
