"""The PowerPoint package, kept by python-pptx: the template, its layouts, parts and relationships.

python-pptx opens the template (or its own default one), and holds every part, relationship and
content type; it makes the notes master when the template has none, and it sets the document
properties. Our slides and notes slides come as XML text from the templates in templates/pptx/
and are stored as parts of their own, as they are (building them through python-pptx's shape
API costs about 8 ms a slide). The little XML left here is package glue python-pptx has no API
for: sections, the slide id list, the theme's fonts and colours, the notes master's id list.
The file is zipped with fixed times, so two builds of the same content are byte-identical.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from markupsafe import escape
from pptx.exc import PackageNotFoundError
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.oxml import serialize_part_xml
from pptx.opc.package import Part
from pptx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI, PackURI
from pptx.opc.serialized import _ContentTypesItem
from pptx.oxml.ns import qn
from pptx.package import Package
from pptx.presentation import Presentation
from pptx.slide import SlideLayout
from pptx.util import Emu

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
P14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"
SECTIONS_URI = "{521415D9-36F7-43E2-AB2F-B90AF26B5E84}"
# A PowerPoint template (.potx) and a macro-enabled deck or template open as a presentation.
PRESENTATION_LIKE = (
    CT.PML_PRESENTATION_MAIN,
    CT.PML_TEMPLATE_MAIN,
    CT.PML_PRES_MACRO_MAIN,
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
)
# What a picture's first bytes say it is: (file extension, content type).
IMAGE_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8", "jpg", "image/jpeg"),
    (b"GIF8", "gif", "image/gif"),
    (b"BM", "bmp", "image/bmp"),
    (b"II*\x00", "tiff", "image/tiff"),
    (b"MM\x00*", "tiff", "image/tiff"),
)
# Placeholder names as PowerPoint (and python-pptx) give them, by p:ph/@type (no type: obj).
PH_NAMES = {
    "body": "Text Placeholder",
    "chart": "Chart Placeholder",
    "clipArt": "ClipArt Placeholder",
    "ctrTitle": "Title",
    "dgm": "SmartArt Placeholder",
    "media": "Media Placeholder",
    "obj": "Content Placeholder",
    "pic": "Picture Placeholder",
    "subTitle": "Subtitle",
    "tbl": "Table Placeholder",
    "title": "Title",
    "vertTitle": "Title",
}


@dataclass(frozen=True)
class Holder:
    """A placeholder as a layout (or the notes master) defines it."""

    ph: tuple[tuple[str, str], ...]  # the p:ph attributes, in order
    name: str  # the shape name without its number
    kind: str  # p:ph/@type, "obj" when absent
    idx: int


@dataclass
class NewSlide:
    """A slide for the package: its XML, relationships in rId order, notes slide XML."""

    xml: bytes
    rels: list[tuple[str, object, bool]]  # (reltype, a part, a media partname or a URL, external)
    notes: bytes | None = None
    rids: list[str] = field(default_factory=list)


_opened_ahead: Presentation | None = None  # python-pptx's default template (open_ahead)


def open_ahead() -> None:
    """Open python-pptx's default template now, for the next open_template(None) to take: the
    PPTX writer does it while it waits for its input (0.017 s)."""
    global _opened_ahead
    _opened_ahead = open_template(None)


def open_template(path: Path | None) -> Presentation:
    """A template (python-pptx's default without one), its own slides dropped.

    ValueError, KeyError, BadZipFile or an lxml error when the file is not a PowerPoint file.
    """
    global _opened_ahead
    if path is None and _opened_ahead is not None:
        prs, _opened_ahead = _opened_ahead, None  # each presentation is changed, so used once
        return prs
    source = str(path) if path is not None else _default_template()
    try:
        main = Package.open(source).main_document_part
    except PackageNotFoundError:
        raise ValueError("not a zip package") from None
    if main.content_type not in PRESENTATION_LIKE:
        raise ValueError(f"its main part is {main.content_type}")
    main._content_type = CT.PML_PRESENTATION_MAIN  # a template (.potx) becomes a presentation
    prs = main.presentation
    id_list = prs.part._element.get_or_add_sldIdLst()
    for entry in list(id_list):  # the template's own slides go (and parts only they use)
        prs.part.drop_rel(entry.rId)
        id_list.remove(entry)
    return prs


def _default_template() -> str:
    from pptx.api import _default_pptx_path

    return _default_pptx_path()


def slide_size(prs: Presentation) -> tuple[int, int]:
    return int(prs.slide_width or 0), int(prs.slide_height or 0)


def set_slide_size(prs: Presentation, width: int, height: int) -> None:
    """Set the slide size; a template's named size (type="screen4x3") no longer applies."""
    prs.slide_width, prs.slide_height = Emu(width), Emu(height)
    size = prs.part._element.find(qn("p:sldSz"))
    if size is not None and size.get("type"):
        del size.attrib["type"]


def layouts(prs: Presentation) -> list[SlideLayout]:
    """Slide layouts in PowerPoint's order: each master's, in its order."""
    return [layout for master in prs.slide_masters for layout in master.slide_layouts]


# What our slides need of a layout, by the placeholders it has: (role, what it is, in words).
LAYOUT_ROLES = {
    "title": "title slide layout (a centred title and a subtitle)",
    "content": "title-and-content layout (a title and one content placeholder)",
    "two": "two-content layout (a title and two content placeholders)",
    "title_only": "title-only layout",
    "section": "section header layout (a title and a text placeholder)",
}
# Layout names as PowerPoint gives them in English, German and French: a hint only, when
# placeholders and layout types tie.
LAYOUT_NAMES = {
    "title": {"title slide", "titelfolie", "diapositive de titre"},
    "content": {"title and content", "titel und inhalt", "titre et contenu"},
    "two": {"two content", "zwei inhalte", "deux contenus"},
    "title_only": {"title only", "nur titel", "titre seul"},
    "section": {"section header", "abschnittsüberschrift", "en-tête de section"},
}
# PowerPoint's own layout types (p:sldLayout/@type), the same in every language.
LAYOUT_TYPES = {
    "title": {"title"},
    "content": {"obj", "tx"},
    "two": {"twoObj"},
    "title_only": {"titleOnly"},
    "section": {"secHead"},
}
CONTENT_KINDS = {"obj", "body", "tbl", "chart", "dgm", "media", "clipArt"}


def layout_score(layout: SlideLayout, role: str, holders: Sequence[Holder] | None = None) -> int:
    """How well a layout serves a role by its placeholders (0: not at all); its @type and name
    break ties. `holders`: the layout's placeholders but date, footer and number, if known."""
    if holders is None:
        holders = placeholders(layout._element, ("dt", "ftr", "sldNum"))
    kinds = [h.kind for h in holders]
    if any(dict(h.ph).get("orient") == "vert" for h in holders) or "vertTitle" in kinds:
        return 0  # vertical text is for vertical scripts, never chosen for ours
    contents = [k for k in kinds if k in CONTENT_KINDS]
    sizes = {dict(h.ph).get("sz") for h in holders if h.kind in CONTENT_KINDS}
    twins = len(contents) == 2 and len(sizes) == 1  # two alike, not content and a caption
    titled = "title" in kinds or "ctrTitle" in kinds
    if not titled:
        return 0
    score = {
        "title": 6 * ("ctrTitle" in kinds) + 4 * ("subTitle" in kinds) - 2 * len(contents),
        "content": 6 * (len(contents) == 1) + 2 * (contents == ["obj"]),
        "two": (6 + 2 * (set(contents) == {"obj"})) * twins,
        "title_only": 6 * (not contents and "subTitle" not in kinds and "pic" not in kinds),
        "section": 6 * (contents == ["body"]),
    }[role]
    if role != "title" and ("subTitle" in kinds or "pic" in kinds):
        score = 0  # a title slide or a picture layout holds no body of ours
    if score <= 0:
        return 0
    score *= 4  # placeholders first; PowerPoint's layout type, then the name, only break ties
    score += 2 * (layout._element.get("type") in LAYOUT_TYPES[role])
    return score + (layout.name.strip().lower() in LAYOUT_NAMES[role])


def find_layout(
    candidates: Sequence[SlideLayout],
    role: str,
    holders: Sequence[Sequence[Holder]] | None = None,
) -> SlideLayout | None:
    """The layout that best serves a role, the first of equals; None when none does.
    `holders`: each candidate's placeholders (see layout_score), if known."""
    best, found = 0, None
    for n, layout in enumerate(candidates):
        score = layout_score(layout, role, holders[n] if holders is not None else None)
        if score > best:
            best, found = score, layout
    return found


def placeholders(element: etree._Element, skip: Sequence[str]) -> list[Holder]:
    """The placeholders of a layout or notes master, in shape-tree order, but types in skip."""
    found = []
    for ph in element.iterfind("p:cSld/p:spTree/*/*/p:nvPr/p:ph", _NS):
        if ph.get("type") in skip:
            continue
        attrs = tuple((k, ph.get(k)) for k in ("type", "orient", "sz", "idx") if ph.get(k))
        values = dict(attrs)
        kind = values.get("type", "obj")
        name = PH_NAMES.get(kind, "Placeholder")
        if values.get("orient") == "vert":
            name = f"Vertical {name}"
        idx = int(values["idx"]) if values.get("idx", "").isdigit() else 0
        found.append(Holder(attrs, name, kind, idx))
    return found


def set_theme(
    prs: Presentation,
    latin: dict[str, str],
    colours: dict[str, str],
    scripts: dict[str, str] | None = None,
) -> None:
    """Name a font (a:latin attributes), fonts of other scripts (typeface by slot: ea, cs) and
    colours ('RRGGBB' by slot) in the master's theme."""
    theme = prs.slide_masters[0].part.part_related_by(RT.THEME)
    root = etree.fromstring(theme.blob)
    for element in root.iterfind(".//a:fontScheme/*/a:latin", _NS):
        for key, value in latin.items():
            element.set(key, value)
    for slot, typeface in (scripts or {}).items():
        for element in root.iterfind(f".//a:fontScheme/*/a:{slot}", _NS):
            element.set("typeface", typeface)
    scheme = root.find(".//a:clrScheme", _NS)
    if scheme is not None:
        scheme.set("name", colours.pop("name", scheme.get("name", "")))
        for slot_name, colour in colours.items():
            slot = scheme.find(f"a:{slot_name}", _NS)
            if slot is None:
                continue
            for child in list(slot):
                slot.remove(child)
            etree.SubElement(slot, qn("a:srgbClr"), val=colour)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if hasattr(theme, "_element"):  # a theme python-pptx parsed (its default notes theme)
        theme._element = etree.fromstring(data)
    else:
        theme._blob = data


def set_right_to_left(prs: Presentation) -> None:
    """Paragraphs right to left by default, aligned to the right: the presentation's default
    text style and every master's title, body and other styles (a:lvlNpPr rtl, algn). Text a
    speaker adds is then set as the lecture's is; and LibreOffice takes a sub-level paragraph's
    direction from there, whatever its own a:pPr says."""
    roots = [prs.part._element.find(qn("p:defaultTextStyle"))]
    roots += [master._element.find(qn("p:txStyles")) for master in prs.slide_masters]
    flipped = {"l": "r", "r": "l"}
    for root in roots:
        for style in root.iter(*_LEVELS) if root is not None else ():
            style.set("rtl", "1")
            if style.get("algn") in flipped:
                style.set("algn", flipped[style.get("algn")])


_LEVELS = [qn(f"a:lvl{n}pPr") for n in range(1, 10)]


def notes_master(prs: Presentation) -> Part:
    """The notes master (python-pptx's default one if none), listed in p:notesMasterIdLst.

    PowerPoint lists it right after the slide masters; python-pptx leaves that out.
    """
    part = prs.part.notes_master_part
    pres = prs.part._element
    if pres.find(qn("p:notesMasterIdLst")) is None:
        rid = next(r.rId for r in prs.part.rels.values() if r._target is part)
        id_list = etree.Element(qn("p:notesMasterIdLst"))
        etree.SubElement(id_list, qn("p:notesMasterId"), {qn("r:id"): rid})
        pres.find(qn("p:sldMasterIdLst")).addnext(id_list)
    return part


def add_slides(
    prs: Presentation,
    slides: Sequence[NewSlide],
    media: dict[str, tuple[str, bytes]],
    names: PartNames,
) -> None:
    """Store the slides, their notes slides and pictures (by partname); slide ids 256 up."""
    package = prs.part.package
    parts = {name: Part(PackURI(name), kind, package, blob) for name, (kind, blob) in media.items()}
    master = notes_master(prs) if any(slide.notes for slide in slides) else None
    id_list = prs.part._element.get_or_add_sldIdLst()
    for n, slide in enumerate(slides):
        part = Part(names.next("/ppt/slides/slide%d.xml"), CT.PML_SLIDE, package, slide.xml)
        for reltype, target, external in slide.rels:
            target = parts.get(target, target) if isinstance(target, str) else target
            slide.rids.append(_relate(part, target, reltype, external))
        rid = _relate(prs.part, part, RT.SLIDE)
        etree.SubElement(id_list, qn("p:sldId"), {"id": str(256 + n), qn("r:id"): rid})
        if slide.notes is not None:
            name = names.next("/ppt/notesSlides/notesSlide%d.xml")
            notes = Part(name, CT.PML_NOTES_SLIDE, package, slide.notes)
            _relate(notes, master, RT.NOTES_MASTER)
            _relate(notes, part, RT.SLIDE)
            _relate(part, notes, RT.NOTES_SLIDE)


def picture_type(path: Path) -> tuple[str, str]:
    """A picture file's extension and content type, by its first bytes.

    ValueError for a file PowerPoint cannot show. A diagram's PNG may still be being drawn.
    """
    if path.suffix.lower() == ".png" and not path.exists():
        return IMAGE_TYPES[0][1:]
    with path.open("rb") as file:
        head = file.read(8)
    for magic, ext, content_type in IMAGE_TYPES:
        if head.startswith(magic):
            return ext, content_type
    raise ValueError(f"{path.name}: not a PNG, JPEG, GIF, BMP or TIFF picture")


def set_sections(prs: Presentation, sections: Sequence[tuple[str, str, Sequence[int]]]) -> None:
    """PowerPoint sections: (name, id GUID, slide ids) each, in p:extLst (no python-pptx API)."""
    pres = prs.part._element
    ext_list = pres.find(qn("p:extLst"))
    if ext_list is None:
        ext_list = etree.SubElement(pres, qn("p:extLst"))
    for ext in ext_list.findall(qn("p:ext")):
        if ext.get("uri") == SECTIONS_URI:
            ext_list.remove(ext)
    ext = etree.Element(qn("p:ext"), uri=SECTIONS_URI)
    ext_list.insert(0, ext)
    section_list = etree.SubElement(ext, f"{{{P14}}}sectionLst", nsmap={"p14": P14})
    for name, guid, ids in sections:
        element = etree.SubElement(section_list, f"{{{P14}}}section", name=name, id=guid)
        id_list = etree.SubElement(element, f"{{{P14}}}sldIdLst")
        for slide_id in ids:
            etree.SubElement(id_list, f"{{{P14}}}sldId", id=str(slide_id))


def package_files(prs: Presentation) -> dict[str, bytes]:
    """The package's files by zip member name, in python-pptx's order: what `zipped` stores."""
    package = prs.part.package
    return dict(_entries(package, list(package.iter_parts())))


def zipped(files: dict[str, bytes]) -> bytes:
    """The files as a zip, in order, with fixed times and attributes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
    return out.getvalue()


def _entries(package: Package, parts: Sequence[Part]) -> Iterator[tuple[str, bytes]]:
    """What python-pptx's PackageWriter writes: content types, package rels, each part."""
    yield CONTENT_TYPES_URI.membername, serialize_part_xml(_ContentTypesItem.xml_for(parts))
    yield PACKAGE_URI.rels_uri.membername, package._rels.xml
    for part in parts:
        yield part.partname.membername, part.blob
        if part._rels:
            yield part.partname.rels_uri.membername, _rels_xml(part)


def xml_safe(text: str) -> str:
    """Text without the control characters XML cannot hold."""
    return _CONTROL.sub("", text)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _rels_xml(part: Part) -> bytes:
    """A part's .rels as python-pptx writes it (rId order), as text: 600 of them at 300 slides
    cost 0.1 s through python-pptx's XML objects and relative-path computing."""
    folder = part.partname.baseURI
    out = [_RELS_OPEN]
    rels = part.rels
    for rid in sorted(rels.keys(), key=_rid_number):
        rel = rels[rid]
        if rel.is_external:
            target, mode = rel.target_ref, ' TargetMode="External"'
        else:
            target, mode = _relative(rel.target_part.partname, folder), ""
        out.append(
            f'<Relationship Id="{_attr(rid)}" Type="{_attr(rel.reltype)}" '
            f'Target="{_attr(target)}"{mode}/>'
        )
    out.append("</Relationships>")
    return "".join(out).encode()


def _attr(value: str) -> str:
    """An attribute value escaped as markupsafe does; most need nothing (rIds, types, parts)."""
    return str(escape(value)) if _ATTR_SPECIAL.search(value) else value


_ATTR_SPECIAL = re.compile("[&<>'\"]")


_RELS_OPEN = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
)


def _rid_number(rid: str) -> int:
    return int(rid[3:]) if rid.startswith("rId") and rid[3:].isdigit() else 0


@functools.lru_cache(maxsize=4096)
def _relative(partname: str, start: str) -> str:
    """The way from folder start to a part ('../media/image1.png'); posixpath.relpath and
    PackURI's split properties are slow, and a slide's layout is asked for again and again."""
    folder, name = posixpath.split(partname)
    way = posixpath.relpath(folder, start)
    return name if way == "." else f"{way}/{name}"


def _relate(source: Part, target: Part | str, reltype: str, external: bool = False) -> str:
    """A new relationship, without python-pptx's search for an equal one (quadratic here)."""
    return source.rels._add_relationship(reltype, target, external)


class PartNames:
    """Partnames for new parts, counted once instead of python-pptx's scan per part."""

    def __init__(self, prs: Presentation) -> None:
        self.taken = {str(part.partname) for part in prs.part.package.iter_parts()}
        self.counters: dict[str, int] = {}

    def next(self, template: str) -> PackURI:
        n = self.counters.get(template, 1)
        while template % n in self.taken:
            n += 1
        self.counters[template] = n + 1
        self.taken.add(template % n)
        return PackURI(template % n)


_NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
}
