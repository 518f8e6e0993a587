"""The course index: `out/index.html`, a page in the theme listing every lecture of a build.

Each lecture shows its title, subtitle, author and date, a thumbnail of its title slide, and
links to those of its outputs that exist and were built from the lecture as it is now. Links
are relative, so the page works from disk and from any static web server.

The thumbnail is painted with Pillow from the same plan as the title slide of every output:
slides.fit's boxes, the title size and line breaks the fitter measures with the theme's own font
files, the theme's colours. That takes a few milliseconds and no browser, exists whichever
formats were built, and shows the theme's font on any machine (the pixels carry it). It goes
into the page as a data: URL, so it can never be stale or missing beside it.
"""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from slides.errors import SlidesError
from slides.render import FORMATS, Options, atomic_path

if TYPE_CHECKING:  # a course whose index is up to date must not pay for the model or Pillow
    from PIL import ImageDraw

    from slides import model
    from slides.place import fit
    from slides.place.frames import Text
    from slides.theme import Theme

INDEX = "index.html"
TEMPLATE = "course/index.html.j2"
LINKS = (  # what the index links, in this order, when current
    ("html", "Slides"),
    ("pptx", "PowerPoint"),
    ("handout", "Handout (PDF)"),
    ("pdf", "Slides (PDF)"),
)
THUMB_W = 640  # pixels: shown at about 320 CSS px wide, sharp on a high-density screen


@dataclass
class Entry:
    """One lecture of the index; `lecture` is None when it does not load."""

    name: str
    lecture: model.Lecture | None = None
    thumbnail: str | None = None  # a data: URL
    links: list[dict[str, str]] = field(default_factory=list)


def write_index(folders: list[Path], out_root: Path, options: Options) -> Path | None:
    """Write out_root/index.html for the lectures in `folders`; returns its path, or None when
    the index there already shows them as they are (a no-op build stays quick)."""
    from slides import cache
    from slides.build import current_outputs

    current = {folder: current_outputs(folder, out_root, options) for folder in folders}
    digest = hashlib.sha256()
    for folder, formats in current.items():  # the lectures, their theme, template and links
        theme = cache.theme_folder(folder, options.theme)
        key = cache.output_key(folder, "index", theme, {"links": sorted(formats)})
        digest.update(f"{folder.resolve().name}\0{key}\0".encode())
    manifest = cache.Manifest(out_root)
    target = out_root / INDEX
    if manifest.up_to_date("index", digest.hexdigest(), target):
        return None
    with atomic_path(target) as temp:
        temp.write_text(_page(current, out_root, options.theme), "utf-8")
    manifest.record("index", digest.hexdigest(), target)
    manifest.save()
    return target


def _page(current: dict[Path, set[str]], out_root: Path, given: Path | None) -> str:
    """The index page: each lecture with its thumbnail and links to its current outputs, in
    its own theme or the one `given` (--theme)."""
    from slides.jinja import environment
    from slides.load import load_lecture
    from slides.render.qmd import copy_if_changed
    from slides.theme import load_theme

    entries, themes = [], []
    for folder, formats in current.items():
        entry = Entry(folder.resolve().name)
        entries.append(entry)
        try:
            lecture, _ = load_lecture(folder, theme=given)
            theme = load_theme(lecture.theme_folder)
        except SlidesError:  # the build has said what is wrong; list the lecture by name
            continue
        entry.lecture = lecture
        themes.append(theme)
        png = base64.b64encode(title_thumbnail(lecture, theme)).decode("ascii")
        entry.thumbnail = f"data:image/png;base64,{png}"
        for fmt, label in LINKS:
            if fmt in formats:
                href = quote(f"{entry.name}/{FORMATS[fmt][1].format(name=entry.name)}")
                entry.links.append({"kind": fmt, "label": label, "href": href})
    theme = themes[0] if themes else load_theme("default")
    fonts = []  # the page's own copy of the theme's text faces
    for bold in (False, True):
        path = theme.sans.file(bold=bold)
        if path is not None:
            copy_if_changed(path, out_root / "fonts" / path.name)
            fonts.append({"src": f"fonts/{quote(path.name)}", "weight": 700 if bold else 400})
    return (
        environment("html")
        .get_template(TEMPLATE)
        .render(
            entries=entries,
            colors=theme.colors,
            family=theme.sans.family,
            fonts=fonts,
            language=next((e.lecture.language for e in entries if e.lecture), "en"),
        )
    )


def title_thumbnail(lecture: model.Lecture, theme: Theme) -> bytes:
    """A PNG of the lecture's title slide as every output places it, THUMB_W pixels wide."""
    from PIL import Image, ImageDraw

    from slides.place import fit, geometry
    from slides.place.frames import Decoration, Picture, Text, place_title_slide

    s = THUMB_W / geometry.SLIDE_W
    image = Image.new("RGB", (THUMB_W, round(geometry.SLIDE_H * s)), theme.color("background"))
    draw = ImageDraw.Draw(image)
    fitter = fit.Fitter.for_theme(lecture.theme_folder)
    for element in place_title_slide(lecture, theme).elements:
        box = element.box
        if isinstance(element, Decoration):
            corners = (box.x * s, box.y * s, box.right * s - 1, box.bottom * s - 1)
            draw.rectangle(corners, fill=theme.color(element.role))
        elif isinstance(element, Text):
            _text(draw, fitter, theme, element)
        elif isinstance(element, Picture) and element.path.suffix.lower() != ".svg":
            with Image.open(element.path) as logo:
                size = (round(box.w * s), round(box.h * s))
                picture = logo.convert("RGBA").resize(size, Image.Resampling.LANCZOS)
            image.paste(picture, (round(box.x * s), round(box.y * s)), picture)
    out = io.BytesIO()
    image.save(out, "PNG")  # optimize=True would take three times as long for 6 % fewer bytes
    return out.getvalue()


def _text(draw: ImageDraw.ImageDraw, fitter: fit.Fitter, theme: Theme, text: Text) -> None:
    """A placed text's paragraphs in its box, wrapped as the fitter wraps them, from its top or
    up to its bottom (its anchor); each line centred on its line box, as the slide sets it."""
    from slides.place import geometry

    s = THUMB_W / geometry.SLIDE_W
    box = text.box
    wrapped = [fitter.wrap(para, box.w) for para in text.paras]
    height = sum(
        len(lines) * para.line + (para.gap if i else 0.0)
        for i, (para, lines) in enumerate(zip(text.paras, wrapped, strict=True))
    )
    y = {"t": box.y, "ctr": box.y + (box.h - height) / 2, "b": box.bottom - height}[text.anchor]
    for i, (para, lines) in enumerate(zip(text.paras, wrapped, strict=True)):
        y += para.gap if i else 0.0
        font = _font(theme.sans.file(bold=para.bold, italic=para.italic), round(para.size * s))
        for line, _ in lines:
            if y + para.line > box.bottom + 0.5:
                return  # what the slide's box cannot hold is not drawn either
            where = ((box.x + para.left) * s, (y + para.line / 2) * s)
            draw.text(where, line, font=font, fill=theme.color(para.role), anchor="lm")
            y += para.line


@cache
def _font(path: Path | None, size: int):
    """A font file at a pixel size, loaded once."""
    from PIL import ImageFont

    return ImageFont.truetype(str(path), size) if path else ImageFont.load_default(size)
