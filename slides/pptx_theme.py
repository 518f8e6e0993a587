"""A PowerPoint template read as a theme: its colours, fonts and logo restyle every output.

`--pptx-template dept.pptx` (or the lecture's `pptx_template`) gives the PPTX the template's
master and layouts. Here the same file becomes the theme of the HTML deck, the handout and the
diagrams too, so one file from the communications office styles everything:

- colours from the master's colour scheme (a:clrScheme), by `ROLES` below;
- the text font from its font scheme (a:fontScheme, the minor (body) latin font), measured
  with its files on this machine, or with what this machine shows instead when it lacks it;
- the logo: the first picture on the slide master, with its alt text and its box.

The lecture's theme supplies everything a template does not say: the code font, code colours,
font fallbacks. The contrast checks apply to the result as to any theme.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from slides.errors import BuildError, ContentError, Problem, UsageError, display_path
from slides.place.geometry import Box, SlideBoxes
from slides.theme import Font, Theme

if TYPE_CHECKING:
    from lxml import etree

EMU_PER_PT = 12700
# Theme colour role <- colour scheme slot. PowerPoint writes text in dk1 on lt1; dk2 and lt2
# are the scheme's second dark and light (muted text, light fills); accent1 is its main colour.
# Slide titles take the colour the master's title style names (`heading` below).
ROLES = {
    "background": "lt1",
    "text": "dk1",
    "muted": "dk2",
    "surface": "lt2",
    "accent": "accent1",
    "accent_text": "lt1",
}
# What the master's text styles call the scheme slots (p:clrMap's usual mapping).
TITLES = {"title", "ctrTitle"}  # placeholder kinds of a title, and of a body
CONTENTS = {"obj", "body"}
STYLE_SLOTS = {"tx1": "dk1", "tx2": "dk2", "bg1": "lt1", "bg2": "lt2"}
LOGO_TYPES = ("png", "jpg", "jpeg", "gif")  # pictures the PPTX, browsers and Typst all show
ACCENTS = tuple(f"accent{n}" for n in range(1, 7))
# Fonts made to the metrics of Office's own, which fontconfig shows in their place: text set in
# them breaks lines where the Office font would, so nothing is missing.
METRIC_TWINS = {
    "calibri": "carlito",
    "cambria": "caladea",
    "arial": "liberation sans",
    "helvetica": "liberation sans",
    "times new roman": "liberation serif",
    "courier new": "liberation mono",
}
STYLES = {"regular": "", "bold": ":bold", "italic": ":italic", "bold_italic": ":bold:italic"}
# What to do about a colour that fails a contrast check, in PowerPoint's words.
HOW_TO_FIX = "in PowerPoint, Design > Variants > Colors > Customize Colors"
NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}


class TemplateLogo(msgspec.Struct, frozen=True):
    """The master's logo: its picture bytes, file extension, alt text and box in points."""

    data: bytes
    ext: str
    alt: str
    box: Box  # in points


class TemplateLook(msgspec.Struct, frozen=True):
    """What a template says about the look: scheme colours by slot, fonts, the logo."""

    path: Path
    colours: dict[str, str]  # slot -> '#RRGGBB'
    heading_slot: str
    major: str | None  # headings' latin typeface
    minor: str | None  # body text's latin typeface
    logo: TemplateLogo | None
    obstacles: tuple[Box, ...] = ()  # logo and decorations a content slide shows, in points
    boxes: SlideBoxes | None = None  # a content slide's boxes, inside the layout's own


def template_path(lecture, option: Path | None) -> Path | None:
    """The template a build uses: --pptx-template, else the lecture's `pptx_template`.

    A missing --pptx-template file is a usage error (exit 2); the lecture's own is checked
    (and located) when the lecture loads.
    """
    if option is not None:
        path = Path(option)
        if not path.is_file():
            raise UsageError(
                f"--pptx-template {option}: file not found: {display_path(path)}; "
                "give the path of a .pptx or .potx file"
            )
        return path
    if lecture.pptx_template is None:
        return None
    from slides.load import resolve_inside

    path, reason = resolve_inside(lecture.folder, lecture.pptx_template, what="template")
    if path is None:
        raise ContentError([lecture.problem("pptx_template", reason)])
    return path


def read_template(path: Path) -> TemplateLook:
    """The colours, fonts and logo of a template's first slide master.

    BuildError when the file is not a PowerPoint file.
    """
    import zipfile

    from lxml import etree  # loaded with a template only, as python-pptx is
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    from slides.render.pptx_package import find_layout, layouts, open_template

    try:
        prs = open_template(path)
        master = prs.slide_masters[0]
    except (zipfile.BadZipFile, ValueError, KeyError, IndexError, etree.LxmlError) as error:
        raise BuildError(f"pptx template {path}: not a PowerPoint file ({error})") from None
    theme = etree.fromstring(master.part.part_related_by(RT.THEME).blob)
    colours = {}
    for slot in theme.iterfind(".//a:clrScheme/*", NS):
        value = _colour(slot)
        if value:
            colours[etree.QName(slot).localname] = value
    fonts = {
        kind: theme.find(f".//a:fontScheme/a:{kind}Font/a:latin", NS) for kind in ("major", "minor")
    }
    typeface = {k: (e.get("typeface") or None) if e is not None else None for k, e in fonts.items()}
    style = master._element.find(
        "p:txStyles/p:titleStyle/a:lvl1pPr/a:defRPr/a:solidFill/a:schemeClr", NS
    )
    named = style.get("val") if style is not None else "tx1"
    content = find_layout(layouts(prs), "content")
    obstacles = _obstacles(prs, content)
    areas = (
        (_holder_box(content, TITLES), _holder_box(content, CONTENTS)) if content else (None, None)
    )
    heading = STYLE_SLOTS.get(named, named)
    return TemplateLook(
        path=path,
        colours=colours,
        heading_slot=heading if heading in colours else "dk1",
        major=typeface["major"],
        minor=typeface["minor"],
        logo=_logo(master),
        obstacles=obstacles,
        boxes=SlideBoxes.of(areas, obstacles),
    )


def template_theme(
    theme: Theme, path: Path, logo_dir: Path | None
) -> tuple[Theme, TemplateLook, list[Problem]]:
    """The lecture's theme restyled by a template, the template's look, and warnings.

    The logo's picture is written into logo_dir (named by its content); without one (or
    without a logo in the template), the theme keeps its own. ContentError, located in the
    template, when its colours fail the contrast checks.
    """
    from slides.contrast import contrast_failures

    look = read_template(path)
    where = display_path(path)
    slots = {**ROLES, "heading": look.heading_slot}
    colours = dict(theme.colors)
    colours |= {role: look.colours[slot] for role, slot in slots.items() if slot in look.colours}
    palette = tuple(look.colours[a] for a in ACCENTS if a in look.colours) or theme.palette
    warnings: list[Problem] = []
    sans = theme.sans
    if look.minor:
        sans, warning = _font(look.minor, theme.sans)
        if warning:
            warnings.append(Problem(where, 0, 0, "a:fontScheme/a:minorFont", warning, "warning"))
    logo, logo_text = theme.logo, theme.logo_text
    if look.logo is not None and logo_dir is not None:
        logo, logo_text = _write_logo(look.logo, logo_dir), look.logo.alt or None
    restyled = replace(
        theme,
        colors=colours,
        palette=palette,
        sans=sans,
        logo=logo,
        logo_text=logo_text,
        source=None,
    )
    problems = []
    for role, message in contrast_failures(restyled):
        slot = slots.get(role)
        if slot is None:  # a colour of the lecture's theme (code) on the template's surface
            message = f"{message} (in the lecture's theme, on the template's colours)"
            problems.append(Problem(where, 0, 0, f"colors.{role}", message))
            continue
        message = re.sub(
            r'The nearest that passes: +[\w.]+: "(#\w+)"',
            rf"Set {slot} to \1 (the nearest that passes): {HOW_TO_FIX}",
            message,
        )
        problems.append(Problem(where, 0, 0, f"a:clrScheme/a:{slot}", message))
    if problems:
        raise ContentError(problems)
    return restyled, look, warnings


def _colour(slot: etree._Element) -> str | None:
    """A scheme slot's colour as #RRGGBB: an RGB value, or a system colour's last value."""
    rgb = slot.find("a:srgbClr", NS)
    if rgb is not None:
        return "#" + rgb.get("val", "").upper()
    system = slot.find("a:sysClr", NS)
    if system is not None and system.get("lastClr"):
        return "#" + system.get("lastClr", "").upper()
    return None


def _logo(master) -> TemplateLogo | None:
    """The first picture on the slide master that every output can show (PNG, JPEG, GIF; a
    vector logo (EMF, SVG) stays the master's own)."""
    for pic in master._element.iterfind("p:cSld/p:spTree//p:pic", NS):
        blip = pic.find("p:blipFill/a:blip", NS)
        rid = blip.get(f"{{{NS['r']}}}embed") if blip is not None else None
        box = _box(pic.find("p:spPr/a:xfrm", NS))
        if not rid or box is None:
            continue
        part = master.part.related_part(rid)
        if part.partname.ext.lower() not in LOGO_TYPES:
            continue
        name = pic.find("p:nvPicPr/p:cNvPr", NS)
        alt = (name.get("descr") or "") if name is not None else ""
        return TemplateLogo(part.blob, part.partname.ext, alt, box)
    return None


def _obstacles(prs, layout) -> tuple[Box, ...]:
    """The boxes of what a content slide shows besides its placeholders: the shapes of the
    title-and-content layout and (unless it hides them) of its master; backgrounds, which
    cover half the slide or more, do not count."""
    if layout is None:
        return ()
    trees = [layout._element]
    if layout._element.get("showMasterSp") != "0":
        trees.append(layout.slide_master._element)
    area = (prs.slide_width or 1) * (prs.slide_height or 1)
    found = []
    for tree in trees:
        for shape in tree.iterfind("p:cSld/p:spTree/*", NS):
            if shape.find("*/p:nvPr/p:ph", NS) is not None:
                continue
            box = _box(shape.find("*/a:xfrm", NS))
            if box is not None and box.w * box.h * EMU_PER_PT**2 < area / 2:
                found.append(box)
    return tuple(found)


def _holder_box(layout, kinds: set[str]) -> Box | None:
    """The box of a layout's first placeholder of these kinds (p:ph/@type, "obj" without one),
    from the layout, else from the master's placeholder it inherits its place from."""
    for tree in (layout._element, layout.slide_master._element):
        for shape in tree.iterfind("p:cSld/p:spTree/p:sp", NS):
            ph = shape.find("p:nvSpPr/p:nvPr/p:ph", NS)
            if ph is None or ph.get("type", "obj") not in kinds:
                continue
            box = _box(shape.find("p:spPr/a:xfrm", NS))
            if box is not None:
                return box
            break  # no place of its own: the master's placeholder gives it
    return None


def _box(xfrm: etree._Element | None) -> Box | None:
    """An a:xfrm's box in points."""
    off = xfrm.find("a:off", NS) if xfrm is not None else None
    ext = xfrm.find("a:ext", NS) if xfrm is not None else None
    if off is None or ext is None:
        return None
    x, y = int(off.get("x", 0)) / EMU_PER_PT, int(off.get("y", 0)) / EMU_PER_PT
    return Box(x, y, int(ext.get("cx", 0)) / EMU_PER_PT, int(ext.get("cy", 0)) / EMU_PER_PT)


def _write_logo(logo: TemplateLogo, folder: Path) -> Path:
    """The logo's picture as a file, named by its content (written once)."""
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(logo.data).hexdigest()[:16]
    path = folder / f"template-logo-{digest}.{logo.ext}"
    if not path.is_file():
        temp = path.with_suffix(".part")
        temp.write_bytes(logo.data)
        temp.replace(path)
    return path


def _font(family: str, fallback: Font) -> tuple[Font, str | None]:
    """A family's files on this machine (fontconfig); what it shows instead when it lacks it.

    Text is then measured, and the HTML and handout drawn, with the face this machine really
    shows; the PPTX still names the template's own font. Never an error: a warning.
    """
    files: dict[str, Path | None] = {}
    shown = None
    for key, style in STYLES.items():
        found = _match(f"{family}{style}")
        if found is None:
            break
        files[key], shown = found
    if shown is None:
        return fallback, (
            f"the template's font '{family}' could not be looked up (no fontconfig); "
            f"text is measured and shown in {fallback.family}"
        )
    font = Font(shown, files["regular"], files["bold"], files["italic"], files["bold_italic"])
    if shown.lower() not in (family.lower(), METRIC_TWINS.get(family.lower())):
        return font, (
            f"the template's font '{family}' is not installed here; text is measured and the "
            f"HTML deck and handout drawn with {shown}, which this machine shows instead; "
            f"install '{family}' to build with it"
        )
    return font, None


@cache
def _match(pattern: str) -> tuple[Path, str] | None:
    """fontconfig's file and family for a font pattern ('DejaVu Serif:bold'); asked once per
    process (`serve` rebuilds)."""
    program = shutil.which("fc-match")
    if program is None:
        return None
    result = subprocess.run(
        [program, "-f", "%{file}\n%{family[0]}", pattern],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.splitlines()
    if result.returncode or len(lines) < 2 or not Path(lines[0]).is_file():
        return None
    return Path(lines[0]), lines[1]
