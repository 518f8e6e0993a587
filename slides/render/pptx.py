"""PowerPoint output: a native, editable deck written from the placed frames.

Every placed frame (`slides.place.frames`) becomes one slide, in order. Text goes into real text
frames with the sizes the fitter chose (autofit off), from the same `Para`s it measured, so
nothing overflows in PowerPoint, Keynote or LibreOffice. Each topic is a PowerPoint section.
With a user template, its slide master and layouts are used, picked by their placeholders
(whatever their names' language), and its colours rule: our colours and accent bars are left
out. Two builds of the same content give
byte-identical files.

The DrawingML of each slide and notes slide comes from templates/pptx/ (Jinja, XML-escaped);
python-pptx keeps the package (`slides.render.pptx_package`). This module decides only what
PowerPoint needs beyond the placed frame: which layout and placeholder holds which text, shape
ids and names, relationships.
"""

from __future__ import annotations

import uuid
import zipfile
from functools import partial
from pathlib import Path

import msgspec
from lxml import etree
from markupsafe import Markup

from slides import inline
from slides.errors import BuildError
from slides.fonts import measurer
from slides.jinja import environment
from slides.place.frames import Decoration, Element, Picture, PlacedFrame, Table, Text
from slides.place.geometry import CELL_PAD_X, CELL_PAD_Y
from slides.place.paragraphs import Para
from slides.render import Build, atomic_path, pptx_layouts
from slides.render import pptx_package as pkg
from slides.render.pptx_builds import click_steps, timing_xml
from slides.render.pptx_metadata import write_metadata

SLIDE_WIDTH, SLIDE_HEIGHT = 12192000, 6858000  # EMU: 13.333 × 7.5 in = 960 × 540 pt
TITLE_TYPES = ("title", "ctrTitle", "vertTitle")  # values of p:ph/@type

# Font substitution hints: an Office without Lato falls back to a proportional sans
# (pitchFamily 34 = variable pitch, swiss), and to a fixed-pitch font for code (49 = fixed, modern).
FONT_HINTS = {
    "Lato": ("020F0502020204030203", "34"),
    "DejaVu Sans Mono": ("020B0609030804020204", "49"),
}
FIELD_IDS = {"slidenum": "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"}
# CPU seconds to make one slide's XML (shapes, text, native diagrams, notes) in a writer just
# started: 0.40-0.46 s for genai-x10's 293 slides (docs/performance.md). With a spare core, a
# deck's second half is made in a helper meanwhile when that pays (slides.workers.halves).
MAKE_PER_SLIDE = 0.0015
SIZE_TOLERANCE = 9144  # EMU: a hundredth of an inch; PowerPoint's own 16:9 sizes differ by less
LOGO_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff")
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
SLIDE_LAYOUT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideLayout"


class _Shape(msgspec.Struct):
    """One shape of a slide for the slide template: a placed element and what PowerPoint adds."""

    kind: str  # placeholder, textbox, picture, decoration, table, xml
    id: int
    name: str
    element: Element | None = None
    ph: tuple[tuple[str, str], ...] = ()  # a placeholder's p:ph attributes
    colour: bool = False  # our colours on its text and fills
    rid: str = ""  # a picture's relationship
    xml: Markup | None = None  # a native diagram, as XML already


class _Made(msgspec.Struct):
    """One slide's XML as made (here or in the writer's helper, so nothing of python-pptx):
    relationships to a layout by its index, to a picture by its file; its warnings."""

    xml: bytes
    rels: list[tuple[str, object, bool]]  # (reltype, a layout index, file or URL, external)
    notes: bytes | None
    warnings: list[str]


class _Slide(msgspec.Struct):
    """One slide being written: its shapes in z-order, relationships, placeholders to fill."""

    layout: int  # its index in the template's layouts
    holders: list[pkg.Holder]
    shapes: list[_Shape] = msgspec.field(default_factory=list)
    rels: dict[tuple[str, object, bool], str] = msgspec.field(default_factory=dict)  # -> rId
    last_id: int = 1  # the shape tree itself is shape 1
    title: int | None = None  # index of the title placeholder in shapes
    free: list[int] = msgspec.field(default_factory=list)  # body placeholders not yet used
    holder_of: dict[int, pkg.Holder] = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        self.relate(SLIDE_LAYOUT, self.layout)
        found = []
        for holder in self.holders:
            at = self.placeholder(holder)
            if holder.kind in TITLE_TYPES:
                self.title = at if self.title is None else self.title
            else:
                found.append((holder.idx, at))
        # Body text fills them in idx order (python-pptx's slide.placeholders order).
        self.free = [at for _, at in sorted(found, key=lambda pair: pair[0])]

    def new_id(self) -> int:
        self.last_id += 1
        return self.last_id

    def relate(self, reltype: str, target: object, external: bool = False) -> str:
        """The rId of a relationship to target (a layout's index, a file or URL), added once."""
        key = (reltype, target, external)
        if key not in self.rels:
            self.rels[key] = f"rId{len(self.rels) + 1}"
        return self.rels[key]

    def placeholder(self, holder: pkg.Holder) -> int:
        """A placeholder at the end of the shape list, empty until filled; its index."""
        shape_id = self.new_id()
        self.holder_of[len(self.shapes)] = holder
        self.shapes.append(_Shape("placeholder", shape_id, f"{holder.name} {shape_id - 1}"))
        return len(self.shapes) - 1

    def ordered(self) -> list[_Shape]:
        """The title first, then the other shapes in order; unused placeholders left out."""
        shapes = list(self.shapes)
        if self.title is not None:
            shapes.insert(0, shapes.pop(self.title))
        return [s for s in shapes if s.kind != "placeholder" or s.element is not None]


def render(build: Build) -> Path:
    """Write build.output("pptx"); returns its path."""
    from slides import workers
    from slides.parity_pptx import READ_FILES_PER_SLIDE, read_package

    writer = _DeckWriter(build)
    files = writer.write()
    for message in writer.warnings:
        build.warn("pptx", message)
    target = build.output("pptx")
    # The read-back for parity reads the files the zip stores, in a helper while they are
    # zipped when a core is spare.
    read = partial(read_package, files, build.theme.logo)
    cost = len(build.placed) * READ_FILES_PER_SLIDE
    with workers.meanwhile(read, build.spare_core, cost) as read_back:
        data = pkg.zipped(files)
        with atomic_path(target) as temp:
            temp.write_bytes(data)
        build.read_back["pptx"] = read_back()
    return target


class _DeckWriter:
    """Builds the presentation for one Build; collects warnings on the way."""

    def __init__(self, build: Build) -> None:
        self.build = build
        self.lecture = build.lecture
        self.theme = build.theme
        self.warnings: list[str] = []
        self.template = self._template_path()
        # With a user template its colours and backgrounds rule; ours only without one.
        self.styled = self.template is None
        self._widths = measurer(self.theme.folder)  # which fonts draw which scripts
        self.prs = self._open()
        self.names = pkg.PartNames(self.prs)
        self._all_layouts = pkg.layouts(self.prs)
        # Each layout's placeholders, read once for choosing layouts and filling slides. Date,
        # footer and slide number stay on the layout (PowerPoint, python-pptx).
        self._holders = [
            pkg.placeholders(x._element, ("dt", "ftr", "sldNum")) for x in self._all_layouts
        ]
        # What every slide takes from the package, decided before any slide is made (so that
        # the two halves of a split deck make the same choices): see `_prepare`.
        self._layout_of: list[int] = []  # each placed frame's layout, by index
        self._layout_warnings: dict[int, list[str]] = {}  # by frame position: where first met
        self._notes_holders: tuple[dict, ...] = ()
        self._diagrams = None  # the deck's native diagrams (see _picture)
        self._types: dict[Path, tuple[str, str]] = {}  # picture file -> extension, content type
        sans, mono = self.theme.sans.family, self.theme.mono.family
        self.common = {
            "lang": self.lecture.language,
            "fonts": {False: _font(sans, False), True: _font(mono, True)},
            "colours": _Colours(self.theme),
            "align": {"left": "l", "center": "ctr", "right": "r"},
            "field_ids": FIELD_IDS,
            "empty": Para((), 12.0),
            "cell_pad": (CELL_PAD_X, CELL_PAD_Y),
            "runs": self._runs,
        }
        # The slide and notes templates as modules made once: their macros then render each.
        xml = environment("xml")
        self.slide_xml = xml.get_template("pptx/slide.xml.j2").make_module(self.common)
        self.notes_xml = xml.get_template("pptx/notes.xml.j2").make_module(self.common)

    # -- the whole deck ---------------------------------------------------------------------

    def write(self) -> dict[str, bytes]:
        """Build every frame; the package's files, by zip member name."""
        from slides import workers

        self._prepare()
        count = len(self.build.placed)
        made = workers.halves(self._slides, self.build.spare_core, count * MAKE_PER_SLIDE)
        self.build.assets.ready()  # diagrams drawn in the background are finished
        slides, media = self._package(made)
        pkg.add_slides(self.prs, slides, media, self.names)
        self._sections()
        write_metadata(self.prs, self.lecture, len(slides), sum(1 for s in slides if s.notes))
        return pkg.package_files(self.prs)

    def _prepare(self) -> None:
        """Each frame's layout (a warning where a kind first lacks its own, in frame order),
        the notes master's placeholders, the native diagrams' template."""
        kinds = [placed.layout for placed in self.build.placed]
        self._layout_of, self._layout_warnings = pptx_layouts.choose(
            self._all_layouts, self._holders, kinds, self._template_name()
        )
        if any(placed.notes for placed in self.build.placed):
            self._notes_holders = _notes_holders(self.prs)
        native = self.build.options.pptx_diagrams == "native"
        if native and any(
            isinstance(e, Picture) and e.drawn is not None
            for placed in self.build.placed
            for e in placed.elements
        ):  # editable shapes, from the same layout
            from slides.render.pptx_diagram import Diagrams

            self._diagrams = Diagrams(self.build)

    def _slides(self, half: int, of: int) -> list[_Made]:
        """The slides of the half-th of `of` equal parts of the deck, made in order."""
        placed = self.build.placed
        start, stop = len(placed) * half // of, len(placed) * (half + 1) // of
        made = []
        for position in range(start, stop):
            frame = placed[position].frame
            try:
                made.append(self._slide(position, placed[position]))
            except (OSError, ValueError) as error:
                where = f" ({frame.where})" if frame.where else ""
                raise BuildError(f"PPTX: slide {frame.number}{where}: {error}") from error
        return made

    def _package(self, made: list[_Made]) -> tuple[list[pkg.NewSlide], dict[str, tuple]]:
        """The slides for the package, in order, with their warnings: layouts by their parts,
        pictures by media partnames given in the order they are first shown (each file once)."""
        media: dict[Path, str] = {}
        slides = []
        for one in made:
            self.warnings += one.warnings
            rels: list[tuple[str, object, bool]] = []
            for reltype, target, external in one.rels:
                if reltype == SLIDE_LAYOUT:
                    target = self._all_layouts[target].part  # type: ignore[index]
                elif reltype == IMAGE:
                    if target not in media:
                        ext = self._picture_type(target)[0]  # type: ignore[arg-type]
                        media[target] = str(self.names.next(f"/ppt/media/image%d.{ext}"))
                    target = media[target]  # type: ignore[index]
                rels.append((reltype, target, external))
            slides.append(pkg.NewSlide(one.xml, rels, one.notes))
        # A diagram's picture may have been drawn meanwhile: its bytes are read only now.
        files = {
            name: (self._picture_type(path)[1], path.read_bytes()) for path, name in media.items()
        }
        return slides, files

    def _slide(self, position: int, placed: PlacedFrame) -> _Made:
        index = self._layout_of[position]
        slide = _Slide(index, self._holders[index])
        warnings = list(self._layout_warnings.get(position, ()))
        links: dict[str, str] = {}
        built: list[int] = []  # the body's text shapes, for click builds
        for element in placed.elements:
            shape_id = self._element(slide, element, links, warnings)
            if isinstance(element, Text) and element.builds and shape_id is not None:
                built.append(shape_id)
        background = placed.background if self.styled else None
        content = placed.frame.slide
        timing = ""
        if content is not None and content.incremental:
            # Slide kinds without steps (modules, quote, pictures…) get no builds.
            timing = timing_xml(list(zip(built, click_steps(content), strict=False)))
        xml = self.slide_xml.slide(slide.ordered(), background, links, Markup(timing))
        notes = None
        if placed.notes:
            lines = inline.notes_lines(placed.notes)
            math = any(span.math for line in lines for span in line)
            notes = str(self.notes_xml.notes(self._notes_holders, lines, math)).encode()
        return _Made(xml.encode(), list(slide.rels), notes, warnings)

    def _element(
        self, slide: _Slide, element: Element, links: dict[str, str], warnings: list[str]
    ) -> int | None:
        """Give an element its shape; a text's shape id."""
        if isinstance(element, Decoration):
            if self.styled:
                shape_id = slide.new_id()
                slide.shapes.append(
                    _Shape("decoration", shape_id, f"Decoration {shape_id}", element)
                )
        elif isinstance(element, Text):
            self._relate_links(slide, element.paras, links)
            return self._text(slide, element)
        elif isinstance(element, Table):
            for row in element.rows:
                self._relate_links(slide, row, links)
            shape_id = slide.new_id()
            shape = _Shape("table", shape_id, f"Table {shape_id - 1}", element, colour=self.styled)
            slide.shapes.append(shape)
        elif isinstance(element, Picture):
            self._picture(slide, element, warnings)
        return None

    def _text(self, slide: _Slide, text: Text) -> int:
        """Text in the title placeholder, the next free body placeholder, or a text box; its
        shape id."""
        colour = self.styled or text.fill is not None  # our fill: our text colours on it
        at = None
        if text.slot == "title":
            if slide.title is None:  # a layout without a title: a title placeholder of our own
                slide.title = slide.placeholder(pkg.Holder((("type", "title"),), "Title", "", 0))
            at = slide.title
        elif text.slot == "body" and slide.free:
            at = slide.free.pop(0)
        if at is not None:
            shape = slide.shapes[at]
            shape.element, shape.colour, shape.ph = text, colour, slide.holder_of[at].ph
            return shape.id
        shape_id = slide.new_id()
        name = f"{text.name} {shape_id}" if text.name else f"TextBox {shape_id - 1}"
        slide.shapes.append(_Shape("textbox", shape_id, name, text, colour=colour))
        return shape_id

    def _picture(self, slide: _Slide, picture: Picture, warnings: list[str]) -> None:
        if picture.name == "Logo" and picture.path.suffix.lower() not in LOGO_TYPES:
            name = picture.path.name
            warnings.append(f"theme logo {name}: PowerPoint needs PNG or JPEG; left out")
            return
        if picture.drawn is not None and self._diagrams is not None:
            xml = self._diagrams.xml(picture.drawn, picture.box, picture.alt, slide.new_id)
            slide.shapes.append(_Shape("xml", 0, "", picture, xml=Markup(xml)))
            return
        self._picture_type(picture.path)  # a file PowerPoint cannot show: an error at its slide
        rid = slide.relate(IMAGE, picture.path)
        shape_id = slide.new_id()
        shape = _Shape("picture", shape_id, f"{picture.name} {shape_id}", picture, rid=rid)
        slide.shapes.append(shape)

    @staticmethod
    def _relate_links(slide: _Slide, paras, links: dict[str, str]) -> None:
        for para in paras:
            for span in para.spans:
                if span.href:
                    links[span.href] = slide.relate(HYPERLINK, span.href, external=True)

    def _picture_type(self, path: Path) -> tuple[str, str]:
        """A picture file's extension and content type, looked at once per file.

        Prepared pictures are named by their content, so identical pictures are one file (one
        media part). A diagram's file may still be being drawn (see pkg.picture_type).
        """
        if path not in self._types:
            self._types[path] = pkg.picture_type(path)
        return self._types[path]

    # -- the presentation -------------------------------------------------------------------

    def _template_path(self) -> Path | None:
        from slides.pptx_theme import template_path

        return template_path(self.lecture, self.build.options.pptx_template)

    def _open(self):
        """The template (or the default one) without its own slides, at 16:9."""
        name = self.template or "python-pptx's default template"
        try:
            prs = pkg.open_template(self.template)
        except (zipfile.BadZipFile, ValueError, KeyError, etree.LxmlError) as error:
            raise BuildError(f"pptx template {name}: not a PowerPoint file ({error})") from None
        if not len(prs.slide_masters):
            raise BuildError(f"pptx template {self.template}: not a PowerPoint file (no master)")
        if self.template is not None:
            self.warnings += _size_warning(self.template.name, *pkg.slide_size(prs))
        pkg.set_slide_size(prs, SLIDE_WIDTH, SLIDE_HEIGHT)
        if self.template is None:
            self._theme_fonts_and_colours(prs)
        if self.lecture.right_to_left:
            pkg.set_right_to_left(prs)
        return prs

    def _template_name(self) -> str:
        return self.template.name if self.template else "(default)"

    def _runs(self, text: str, latin: str) -> list[tuple[str, dict[str, str]]]:
        """A run's text in pieces, with the fonts each names for East Asian (a:ea) and complex
        scripts (a:cs) (fonts.Measurer.slot_runs); `latin` is the run's Latin font."""
        return self._widths.slot_runs(text, self.lecture.language, latin)

    def _theme_fonts_and_colours(self, prs) -> None:
        """Name our font (with substitution hints) and our colours in the master's theme."""
        font = _font(self.theme.sans.family, False)
        latin = {"typeface": font["family"]}
        if font["panose"]:
            latin["panose"] = font["panose"]
        latin |= {"pitchFamily": font["pitch"], "charset": "0"}
        colour = self.theme.color
        roles = {"dk1": "text", "lt1": "background", "dk2": "heading", "lt2": "surface"}
        roles |= {"hlink": "accent", "folHlink": "muted"}
        colours = {"name": f"slides {self.theme.name}"}
        colours |= {slot: _hex(colour(role)) for slot, role in roles.items()}
        for i, value in enumerate(self.theme.palette[:6], start=1):
            colours[f"accent{i}"] = _hex(value)
        language = self.lecture.language
        scripts = {slot: self._widths.slot_font("", slot, language) for slot in ("ea", "cs")}
        pkg.set_theme(prs, latin, colours, {k: v for k, v in scripts.items() if v})

    def _sections(self) -> None:
        """One PowerPoint section per topic (title and agenda join the first, closing the last)."""
        deck = self.build.deck
        groups = [[f.number for f in section.frames] for section in deck.sections]
        placed = {n for group in groups for n in group}
        first_topic = min(groups[0]) if groups and groups[0] else 0
        for frame in deck.frames:
            if frame.number in placed:
                continue
            (groups[0] if frame.number < first_topic else groups[-1]).append(frame.number)
        sections = []
        for index, (section, numbers) in enumerate(zip(deck.sections, groups, strict=True)):
            key = f"slides:{self.lecture.name}:{index}:{section.title}"
            guid = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, key)).upper() + "}"
            ids = [255 + number for number in sorted(numbers)]  # slide ids are 256 up
            sections.append((pkg.xml_safe(inline.plain(section.title)), guid, ids))
        pkg.set_sections(self.prs, sections)


def _size_warning(name: str, width: int, height: int) -> list[str]:
    """A warning when a template's slides are not the deck's size (compared in EMU)."""
    if abs(width - SLIDE_WIDTH) <= SIZE_TOLERANCE and abs(height - SLIDE_HEIGHT) <= SIZE_TOLERANCE:
        return []
    inches = f"{width / 914400:.2f} × {height / 914400:.2f} in"
    return [
        f"template {name} has {inches} slides; the deck's are 13.33 × 7.50 in (16:9), "
        "so the layouts' own placeholder positions may not line up"
    ]


class _Colours(dict):
    """Theme colours by role as DrawingML writes them ('RRGGBB'), looked up once each."""

    def __init__(self, theme) -> None:
        super().__init__()
        self.theme = theme

    def __missing__(self, role: str) -> str:
        self[role] = _hex(self.theme.color(role))
        return self[role]


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def _font(family: str, mono: bool) -> dict[str, str]:
    """A font as a:latin names it, with hints for an Office that lacks it."""
    panose, pitch = FONT_HINTS.get(family, ("", "49" if mono else "34"))
    return {"family": family, "panose": panose, "pitch": pitch}


def _notes_holders(prs) -> tuple[dict, ...]:
    """The notes master's placeholders a notes slide clones (a notes body of ours if none)."""
    names = {"sldImg": "Slide Image Placeholder", "body": "Notes Placeholder"}
    holders = [
        {
            "ph": h.ph,
            "name": names.get(h.kind, "Slide Number Placeholder"),
            "notes": h.kind == "body",
        }
        for h in pkg.placeholders(pkg.notes_master(prs)._element, ())
        if h.kind in ("sldImg", "body", "sldNum")
    ]
    if not any(h["notes"] for h in holders):
        body = {"ph": (("type", "body"), ("idx", "1")), "name": names["body"], "notes": True}
        holders.append(body)
    return tuple(holders)
