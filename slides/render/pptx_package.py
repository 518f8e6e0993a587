"""A PowerPoint package as parts and relationships: read a template, write the finished file.

The PPTX writer needs little of Open Packaging: the template's parts kept as they are, a few of
them edited (presentation, theme, document properties), its slides dropped, new parts added and
everything zipped once. python-pptx does all this and more, but importing it costs 0.14 s, a
sixth of a 300-slide build; this module uses only zipfile and lxml. Without a template, the
default one is python-pptx's own (`pptx/templates/default.pptx`, read as a file: the package is
installed but not imported), and so are the default notes master and its theme.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

XML_HEAD = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
PKG_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class CT:
    """Content types of the parts the writer reads or makes."""

    CORE_PROPERTIES = "application/vnd.openxmlformats-package.core-properties+xml"
    NOTES_MASTER = "application/vnd.openxmlformats-officedocument.presentationml.notesMaster+xml"
    NOTES_SLIDE = "application/vnd.openxmlformats-officedocument.presentationml.notesSlide+xml"
    PRESENTATION = (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    )
    RELATIONSHIPS = "application/vnd.openxmlformats-package.relationships+xml"
    SLIDE = "application/vnd.openxmlformats-officedocument.presentationml.slide+xml"
    THEME = "application/vnd.openxmlformats-officedocument.theme+xml"
    XML = "application/xml"
    # A PowerPoint template (.potx) and a macro-enabled deck or template open as a presentation.
    PRESENTATION_LIKE = (
        PRESENTATION,
        "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml",
        "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
        "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
    )


class RT:
    """Relationship types."""

    CORE_PROPERTIES = (
        "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
    )
    HYPERLINK = f"{_OFFICE}/hyperlink"
    IMAGE = f"{_OFFICE}/image"
    NOTES_MASTER = f"{_OFFICE}/notesMaster"
    NOTES_SLIDE = f"{_OFFICE}/notesSlide"
    OFFICE_DOCUMENT = f"{_OFFICE}/officeDocument"
    SLIDE = f"{_OFFICE}/slide"
    SLIDE_LAYOUT = f"{_OFFICE}/slideLayout"
    SLIDE_MASTER = f"{_OFFICE}/slideMaster"
    THEME = f"{_OFFICE}/theme"


NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": _OFFICE,
    "rel": PKG_RELS,
    "types": PKG_TYPES,
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)


def qn(name: str) -> str:
    """A prefixed name ('p:sldId') as lxml's Clark name."""
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


@dataclass
class Rel:
    """A relationship: its id, type and target (a partname, or a URL when external)."""

    rid: str
    reltype: str
    target: str
    external: bool = False


@dataclass(eq=False)
class Part:
    """One part: its name ('/ppt/presentation.xml'), content type, bytes and relationships.

    `xml` parses the bytes on first use, to read; `edit()` gives the same tree to change, and
    the part is then written from it (parts only read are written as they came).
    """

    name: str
    content_type: str
    blob: bytes
    rels: list[Rel] = field(default_factory=list)
    _xml: etree._Element | None = None
    _changed: bool = False

    @property
    def xml(self) -> etree._Element:
        if self._xml is None:
            self._xml = etree.fromstring(self.blob, _PARSER)
        return self._xml

    def edit(self) -> etree._Element:
        self._changed = True
        return self.xml

    def data(self) -> bytes:
        if not self._changed:
            return self.blob
        return etree.tostring(self.xml, xml_declaration=True, encoding="UTF-8", standalone=True)

    def rel_by_id(self, rid: str) -> Rel | None:
        return next((rel for rel in self.rels if rel.rid == rid), None)

    def relate(self, reltype: str, target: str, external: bool = False) -> str:
        """Add a relationship with the next free rId; returns the rId."""
        used = {rel.rid for rel in self.rels}
        n = len(self.rels) + 1
        while f"rId{n}" in used:
            n += 1
        self.rels.append(Rel(f"rId{n}", reltype, target, external))
        return f"rId{n}"


class Package:
    """The parts of a package, its own relationships, and names handed out for new parts."""

    def __init__(self, parts: dict[str, Part], rels: list[Rel]) -> None:
        self.parts = parts
        self.rels = rels
        self._next: dict[str, int] = {}
        self._taken = set(parts)

    # -- reading ----------------------------------------------------------------------------

    @classmethod
    def open(cls, data: bytes) -> Package:
        """Read a .pptx/.potx; ValueError, BadZipFile or an lxml error when it is not one."""
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            blobs = {f"/{info.filename}": archive.read(info) for info in archive.infolist()}
        if "/[Content_Types].xml" not in blobs:
            raise ValueError("no [Content_Types].xml: not an Office package")
        types = etree.fromstring(blobs.pop("/[Content_Types].xml"), _PARSER)
        defaults = {
            d.get("Extension", "").lower(): d.get("ContentType", "")
            for d in types.iterfind("types:Default", NS)
        }
        overrides = {
            o.get("PartName", "").lower(): o.get("ContentType", "")
            for o in types.iterfind("types:Override", NS)
        }
        parts: dict[str, Part] = {}
        for name, blob in blobs.items():
            if ("/_rels/" in name and name.endswith(".rels")) or name.endswith("/"):
                continue
            kind = overrides.get(name.lower()) or defaults.get(name.rsplit(".", 1)[-1].lower())
            if kind:
                parts[name] = Part(name, kind, blob)
        for part in parts.values():
            part.rels = _read_rels(blobs.get(_rels_name(part.name)), part.name, parts)
        package = cls(parts, _read_rels(blobs.get("/_rels/.rels"), "/", parts))
        if not any(r.reltype == RT.OFFICE_DOCUMENT and not r.external for r in package.rels):
            raise ValueError("no main document")
        main = package.main
        if main.content_type not in CT.PRESENTATION_LIKE:
            raise ValueError(f"its main part is {main.content_type}")
        main.content_type = CT.PRESENTATION  # a template (.potx) becomes a presentation
        return package

    @property
    def main(self) -> Part:
        """The presentation part."""
        rel = next(r for r in self.rels if r.reltype == RT.OFFICE_DOCUMENT and not r.external)
        return self.parts[rel.target]

    def related(self, part: Part, reltype: str) -> list[Part]:
        """Parts that `part` relates to by type, in relationship order."""
        return [
            self.parts[rel.target]
            for rel in part.rels
            if rel.reltype == reltype and not rel.external and rel.target in self.parts
        ]

    def part_by_rid(self, part: Part, rid: str) -> Part | None:
        rel = part.rel_by_id(rid)
        if rel is None or rel.external:
            return None
        return self.parts.get(rel.target)

    def reachable(self) -> Iterator[Part]:
        """Every part reachable from the package's relationships, depth first, once each."""
        seen: set[str] = set()

        def walk(rels: list[Rel]) -> Iterator[Part]:
            for rel in rels:
                if rel.external or rel.target in seen or rel.target not in self.parts:
                    continue
                seen.add(rel.target)
                part = self.parts[rel.target]
                yield part
                yield from walk(part.rels)

        yield from walk(self.rels)

    # -- new parts --------------------------------------------------------------------------

    def partname(self, template: str) -> str:
        """The first free name of a kind of part ('/ppt/slides/slide%d.xml'), by counting."""
        n = self._next.get(template, 1)
        while template % n in self._taken:
            n += 1
        self._next[template] = n + 1
        self._taken.add(template % n)
        return template % n

    def add(self, part: Part) -> Part:
        self.parts[part.name] = part
        self._taken.add(part.name)
        return part

    def notes_master(self) -> Part:
        """The presentation's notes master; python-pptx's default one (and its theme) if none."""
        main = self.main
        found = self.related(main, RT.NOTES_MASTER)
        master = found[0] if found else self._default_notes_master()
        # PowerPoint lists it in p:notesMasterIdLst, right after the slide masters (python-pptx
        # leaves that out).
        if main.xml.find(qn("p:notesMasterIdLst")) is None:
            rid = next(r.rid for r in main.rels if r.target == master.name)
            id_list = etree.Element(qn("p:notesMasterIdLst"))
            etree.SubElement(id_list, qn("p:notesMasterId"), {qn("r:id"): rid})
            main.edit().find(qn("p:sldMasterIdLst")).addnext(id_list)
        return master

    def _default_notes_master(self) -> Part:
        """python-pptx's default notes master and its theme, related to the presentation."""
        master = self.add(
            Part(
                "/ppt/notesMasters/notesMaster1.xml",
                CT.NOTES_MASTER,
                _compact(_pptx_template("notesMaster.xml")),
            )
        )
        theme = self.add(
            Part(
                self.partname("/ppt/theme/theme%d.xml"),
                CT.THEME,
                _compact(_pptx_template("theme.xml")),
            )
        )
        master.relate(RT.THEME, theme.name)
        self.main.relate(RT.NOTES_MASTER, master.name)
        return master

    # -- writing ----------------------------------------------------------------------------

    def write(self, new: Sequence[Part]) -> bytes:
        """The package as a zip: the reachable parts, then `new` parts (reachable too).

        Entries in a fixed order with fixed times and attributes: two builds of the same
        content are byte-identical.
        """
        for part in new:
            self.add(part)
        fresh = {part.name for part in new}
        parts = [part for part in self.reachable() if part.name not in fresh]
        parts += new
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:

            def put(name: str, data: bytes) -> None:
                entry = zipfile.ZipInfo(name.lstrip("/"), date_time=ZIP_TIME)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                archive.writestr(entry, data)

            put("[Content_Types].xml", content_types([(p.name, p.content_type) for p in parts]))
            put("/_rels/.rels", rels_xml(self.rels, "/"))
            for part in parts:
                put(part.name, part.data())
                if part.rels:
                    put(_rels_name(part.name), rels_xml(part.rels, part.name))
        return out.getvalue()


def open_package(path: Path | None) -> Package:
    """A template file as a package, or python-pptx's default template without one."""
    data = path.read_bytes() if path is not None else _pptx_template("default.pptx")
    return Package.open(data)


def layouts(package: Package) -> list[Part]:
    """Slide layouts in PowerPoint's order: each master's (p:sldMasterIdLst), in its order."""
    found = []
    pres = package.main
    for master_id in pres.xml.iterfind("p:sldMasterIdLst/p:sldMasterId", NS):
        master = package.part_by_rid(pres, master_id.get(qn("r:id")))
        if master is None:
            continue
        for layout_id in master.xml.iterfind("p:sldLayoutIdLst/p:sldLayoutId", NS):
            layout = package.part_by_rid(master, layout_id.get(qn("r:id")))
            if layout is not None:
                found.append(layout)
    return found


def masters(package: Package) -> list[Part]:
    """The slide masters, in p:sldMasterIdLst order."""
    pres = package.main
    found = []
    for master_id in pres.xml.iterfind("p:sldMasterIdLst/p:sldMasterId", NS):
        master = package.part_by_rid(pres, master_id.get(qn("r:id")))
        if master is not None:
            found.append(master)
    return found


def xml_safe(text: str) -> str:
    """Text without the control characters XML cannot hold."""
    return _CONTROL.sub("", text)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def rels_xml(rels: Sequence[Rel], source: str) -> bytes:
    """A .rels part, in rId order; internal targets relative to the source part's folder."""
    folder = source.rsplit("/", 1)[0]
    out = [f'<Relationships xmlns="{PKG_RELS}">']
    for rel in sorted(rels, key=lambda r: rid_number(r.rid)):
        target = rel.target if rel.external else _relative(rel.target, folder)
        mode = ' TargetMode="External"' if rel.external else ""
        out.append(
            f'<Relationship Id="{_attr(rel.rid)}" Type="{_attr(rel.reltype)}" '
            f'Target="{_attr(target)}"{mode}/>'
        )
    out.append("</Relationships>")
    return XML_HEAD + "".join(out).encode()


def content_types(parts: Sequence[tuple[str, str]]) -> bytes:
    """[Content_Types].xml: a default per extension with one type (pictures), else overrides."""
    defaults = {"rels": CT.RELATIONSHIPS, "xml": CT.XML}
    overrides: dict[str, str] = {}
    for name, content_type in parts:
        ext = name.rsplit(".", 1)[-1].lower()
        if defaults.get(ext) == content_type:
            continue
        if ext in defaults:
            overrides[name] = content_type
        else:
            defaults[ext] = content_type
    out = [f'<Types xmlns="{PKG_TYPES}">']
    out += [
        f'<Default Extension="{_attr(e)}" ContentType="{_attr(t)}"/>'
        for e, t in sorted(defaults.items())
    ]
    out += [
        f'<Override PartName="{_attr(n)}" ContentType="{_attr(t)}"/>'
        for n, t in sorted(overrides.items())
    ]
    out.append("</Types>")
    return XML_HEAD + "".join(out).encode()


def _read_rels(data: bytes | None, source: str, parts: dict[str, Part]) -> list[Rel]:
    """Relationships of a part with targets resolved to partnames; broken ones are skipped."""
    if data is None:
        return []
    folder = source.rsplit("/", 1)[0] or "/"
    rels = []
    for element in etree.fromstring(data, _PARSER).iterfind("rel:Relationship", NS):
        rid, reltype = element.get("Id", ""), element.get("Type", "")
        target = element.get("Target", "")
        if element.get("TargetMode") == "External":
            rels.append(Rel(rid, reltype, target, True))
            continue
        name = target if target.startswith("/") else posixpath.join(folder, target)
        name = posixpath.normpath(name)
        if name in parts:  # PowerPoint add-ins "remove" a part by pointing at /ppt/NULL
            rels.append(Rel(rid, reltype, name))
    return rels


def _rels_name(partname: str) -> str:
    folder, name = partname.rsplit("/", 1)
    return f"{folder}/_rels/{name}.rels"


def rid_number(rid: str) -> int:
    return int(rid[3:]) if rid.startswith("rId") and rid[3:].isdigit() else 0


def _next_rid(rels: Sequence[Rel]) -> str:
    return f"rId{max((rid_number(r.rid) for r in rels), default=0) + 1}"


def _relative(target: str, folder: str) -> str:
    """A partname as a reference from a folder ('../media/image1.png')."""
    where, name = target.rsplit("/", 1)
    return _way(where or "/", folder or "/") + name


@functools.cache
def _way(folder: str, start: str) -> str:
    """The way from folder start to folder ('../media/'); posixpath.relpath is slow."""
    way = posixpath.relpath(folder, start)
    return "" if way == "." else f"{way}/"


def _attr(text: str) -> str:
    """Text for an attribute value in double quotes."""
    if not _SPECIAL.search(text):  # nearly always: ids, types, part names
        return text
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


_SPECIAL = re.compile('[&<>"]')


def _compact(data: bytes) -> bytes:
    """An XML file without its indentation (as python-pptx writes its templates)."""
    root = etree.fromstring(data, _PARSER)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@functools.cache
def _pptx_template(name: str) -> bytes:
    """A file of python-pptx's templates folder, found without importing python-pptx."""
    spec = importlib.util.find_spec("pptx")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("python-pptx is not installed: its default template is needed")
    return (Path(next(iter(spec.submodule_search_locations))) / "templates" / name).read_bytes()
