"""The Quarto reveal.js source: out/<lecture>/<lecture>.qmd and the pictures it shows.

The .qmd renders the shared deck plan frame by frame (templates/qmd.j2), so the HTML deck shows
the same slides in the same order as the PPTX. Sizes come from the same fitter and boxes as the
PPTX (slides.fit; 1 pt = 4/3 px on the 1280 × 720 px reveal.js slide), so text fits in the browser
exactly where it was measured. Pictures are copied beside the .qmd (images/), so the output
folder is self-contained; the theme CSS and fonts are written by the HTML step (render/html.py).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from slides import inline, model
from slides.deck import Frame
from slides.jinja import environment, html_inline, md_attr, md_inline
from slides.place import geometry
from slides.place.frames import Picture
from slides.render import Build, atomic_path, umask
from slides.render.svg import diagram_svg
from slides.words import words

PX = 1280 / geometry.SLIDE_W  # CSS pixels per point: the 960-pt slide is a 1280-px reveal.js slide
CSS_NAME = "theme.css"
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")

# The reveal.js options of the deck, by Quarto's names (quarto-cli src/resources/schema/
# document-reveal-*.yml). The .qmd front matter writes them as they are; the pandoc build
# (render/html.py) passes each to reveal.js by its own name, as Quarto does.
REVEAL = {
    "width": 1280,
    "height": 720,
    "margin": 0,
    "center": False,
    "slide-number": "c",
    "hash": True,
    # Topics are vertical stacks: left/right go from topic to topic, up/down within one.
    "navigation-mode": "vertical",
    "controls-tutorial": False,
    "controls-layout": "edges",
    "transition": "none",
    "background-transition": "none",
}
# Raw content of the page's <head> (Quarto: include-in-header; pandoc: header-includes).
# No favicon request; and a zoomable page: Quarto's and pandoc's templates both write
# `maximum-scale=1.0, user-scalable=no` (quarto-cli src/resources/formats/revealjs/pandoc/
# template.html:23), which keeps readers with low vision from zooming (WCAG 1.4.4).
VIEWPORT = "width=device-width, initial-scale=1.0"
HEAD = (
    '<link rel="icon" href="data:,">\n'
    f"<script>document.querySelector('meta[name=\"viewport\"]').content = '{VIEWPORT}';</script>"
)
# reveal.js names its buttons for screen readers in English (dist/reveal.js, Controls.render;
# left and right swap in its rtl mode): in a lecture of another language the page renames
# them, by their English names (`said`, written before it), once reveal.js has made them.
RENAME_CONTROLS = (
    "addEventListener('DOMContentLoaded', () => {"
    " const rename = () => document.querySelectorAll('.controls button').forEach(b => {"
    " const name = said[b.getAttribute('aria-label')];"
    " if (name) b.setAttribute('aria-label', name); });"
    " Reveal.isReady() ? rename() : Reveal.on('ready', rename); });"
)
CONTROLS = ("previous_slide", "next_slide", "slide_above", "slide_below")  # slides.words' keys


def head(language: str) -> str:
    """Raw content of the page's <head>: HEAD, and the script renaming reveal.js's buttons
    in the lecture's language when its words are not English."""
    said, english = words(language), words("en")
    names = {getattr(english, key): getattr(said, key) for key in CONTROLS}
    if all(name == own for name, own in names.items()):
        return HEAD
    found = json.dumps(names, ensure_ascii=False).replace("</", "<\\/")
    return f"{HEAD}\n<script>{{ const said = {found}; {RENAME_CONTROLS} }}</script>"


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Figure:
    """A picture as the deck shows it: its file beside the .qmd and its size on the slide."""

    src: str  # relative to the .qmd
    alt: str
    caption: str | None
    width: int  # CSS pixels on the 1280 × 720 slide
    height: int
    html: Markup | None = None  # a diagram drawn from data: a figure with inline SVG, one line


def px(points: float) -> float:
    """Points on the PPTX slide as CSS pixels on the reveal.js slide."""
    return round(points * PX, 2)


def render(build: Build) -> Path:
    """Write the .qmd and the pictures it shows; returns the .qmd's path."""
    target = build.output("qmd")
    build.out_dir.mkdir(parents=True, exist_ok=True)
    layout = Layout(build, publish_pictures(build))
    text = (
        environment("qmd")
        .get_template("qmd.j2")
        .render(
            lecture=build.lecture,
            deck=build.deck,
            theme=build.theme,
            css=CSS_NAME,
            self_contained=build.options.self_contained,
            reveal=REVEAL,
            head=head(build.lecture.language),
            date=quarto_date(build.lecture.date) if build.lecture.date else None,
            ids=frame_ids(build),
            logo=publish_logo(build),
            logo_alt=build.theme.logo_alt(build.lecture.institution, build.lecture.language),
            layout=layout,
            attrs=attrs,
            as_bullet=model.as_bullet,
            px=px,
        )
    )
    write_text(target, text)
    return target


def quarto_date(text: str) -> str | dict[str, str]:
    """The lecture's date as Quarto's `date`, so that Quarto shows it as written.

    Quarto parses `date` and prints it as YYYY-MM-DD by default; text it can't parse (such as
    "Spring term 2025") becomes "Invalid Date" (quarto-cli src/core/date.ts:75-82, 212-258;
    src/command/render/pandoc.ts:1182-1193). An ISO date goes as it is. Other text goes as
    the format of a date Quarto always parses ("today", date.ts:118): a format in [brackets]
    is printed literally by dayjs, and Quarto's result is read as markdown.
    """
    plain = inline.plain(" ".join(text.split()))
    if _ISO_DATE.fullmatch(plain):
        try:
            return datetime.date.fromisoformat(plain).isoformat()
        except ValueError:
            pass
    shown = str(md_inline(text))
    # dayjs prints what is inside [...] as it is; a "]" outside brackets is no format token.
    literal = "]".join(f"[{part}]" if part else "" for part in shown.split("]"))
    return {"value": "today", "format": literal}


def write_text(target: Path, text: str) -> None:
    """Write a UTF-8 text file atomically."""
    with atomic_path(target) as temp:
        temp.write_text(text, encoding="utf-8")


class Layout:
    """Sizes of one deck's titles, bodies and pictures, read from its placed frames."""

    def __init__(self, build: Build, published: dict[Path, str]) -> None:
        self.build, self.published = build, published
        self.theme = build.theme
        self.placed = {placed.frame.number: placed for placed in build.placed}

    def code(self, frame: Frame) -> Markup:
        """The code box as placed: highlighted runs in a raw HTML block (slides.render.code)."""
        from slides.render import code

        return code.html(code.code_box(self.placed[frame.number]), self.theme)

    def table_separator(self, frame: Frame) -> Markup:
        """The table's separator line, its dashes the placed column widths (slides.render.table)."""
        from slides.render import table

        return table.separator(table.placed_table(self.placed[frame.number]))

    def title_px(self, frame: Frame) -> float:
        """The title's size, as placed."""
        return px(self.placed[frame.number].title.paras[0].size)

    def body_px(self, frame: Frame) -> float:
        """The body text size: the fitter's choice."""
        return px(frame.body_pt)

    def picture(
        self,
        frame: Frame,
        node: model.Image | model.DiagramBase,
        column: int | None = None,
        heading: str | None = None,
    ) -> Figure:
        """A picture as placed: its box, alt text and caption."""
        found = next(
            e
            for e in self.placed[frame.number].elements
            if isinstance(e, Picture) and e.node is node
        )
        width, height = max(1, int(found.box.w * PX)), max(1, int(found.box.h * PX))
        if found.drawn is not None:  # drawn natively: labels stay text in the deck
            svg = diagram_svg(self.build, found.drawn, found.alt, width, height)
            return Figure(
                "", found.alt, found.caption, width, height, figure_html(svg, found.caption)
            )
        return Figure(self.published[found.path], found.alt, found.caption, width, height)


def figure_html(svg: Markup, caption: str | None) -> Markup:
    """A figure of inline SVG and its caption as raw HTML on one line, for a raw block."""
    html = Markup('<figure class="diagram">') + svg
    if caption:
        html += Markup("<figcaption>%s</figcaption>") % html_inline(caption)
    html += Markup("</figure>")
    # Braces only occur in text here: as character references, Quarto reads no shortcode.
    return Markup(str(html).replace("{", "&#123;").replace("}", "&#125;"))


def frame_ids(build: Build) -> dict[int, str]:
    """A stable id per frame number (the reveal.js hash), from positions rather than titles.

    Ids from positions keep the browser on the same slide when a title is edited during
    `serve`, and never collide with the text of a title.
    """
    ids: dict[int, str] = {}
    for frame in build.deck.frames:
        if frame.kind == "section":
            ids[frame.number] = f"topic-{frame.topic + 1}"
        elif frame.kind == "content":
            found = re.search(r"\.slides\[(\d+)\]$", frame.where)
            name = (
                f"topic-{frame.topic + 1}-slide-{int(found.group(1)) + 1}"
                if found
                else f"slide-{frame.number}"
            )
            ids[frame.number] = name + _part(frame)
        else:
            ids[frame.number] = frame.kind + _part(frame)
    return ids


def _part(frame: Frame) -> str:
    """The id's mark of a continued frame after its first: "-part-2"."""
    return f"-part-{frame.part[0]}" if frame.part and frame.part[0] > 1 else ""


def attrs(id: str | None = None, classes: tuple[str, ...] | list[str] = (), **values) -> Markup:
    """A Pandoc attribute block {#id .class key="value"}; ids and classes come from code only."""
    for name in ([id] if id else []) + list(classes):
        if not _NAME.match(name):
            raise ValueError(f"not an id or class name: {name!r}")
    parts = [f"#{id}"] if id else []
    parts += [f".{c}" for c in classes]
    parts += [f"{key.replace('_', '-')}={md_attr(str(value))}" for key, value in values.items()]
    return Markup("{" + " ".join(parts) + "}")


def publish_pictures(build: Build) -> dict[Path, str]:
    """Copy each prepared picture once into images/, named by its content hash.

    The output folder so holds everything the deck shows, and a picture that did not change
    keeps its name (and the browser's cached copy).
    """
    from slides.assets import pictures_of

    folder = build.out_dir / "images"
    published: dict[Path, str] = {}
    for node in pictures_of(build.lecture):
        if isinstance(node, model.DiagramBase) and node.source_path is None:
            continue  # drawn from data: inline SVG, no file
        picture = build.assets.picture(node)
        if picture.path in published:
            continue
        digest = hashlib.sha256(picture.path.read_bytes()).hexdigest()[:20]
        name = f"{digest}{picture.path.suffix.lower()}"
        copy_if_changed(picture.path, folder / name)
        published[picture.path] = f"images/{name}"
    return published


def publish_logo(build: Build) -> str | None:
    """The theme's logo copied beside the deck, for its title slide; its file name."""
    logo = build.theme.logo
    if logo is None:
        return None
    name = f"logo{logo.suffix.lower()}"
    copy_if_changed(logo, build.out_dir / name)
    return name


def copy_if_changed(source: Path, target: Path) -> None:
    """Copy a file unless the target already has the same size, is not older and has the mode
    the umask gives (copies of older builds were private)."""
    try:
        have, want = target.stat(), source.stat()
        mode = stat.S_IMODE(have.st_mode) == 0o666 & ~umask()
        if have.st_size == want.st_size and have.st_mtime >= want.st_mtime and mode:
            return
    except FileNotFoundError:
        pass
    with atomic_path(target) as temp:
        shutil.copyfile(source, temp)
