"""Pictures prepared once, before any renderer runs: diagrams drawn, images checked and sized.

Every renderer asks `assets.picture(node)` for an `Image` or diagram node of the content and gets
the same PNG/JPEG file, its pixel size and its alt text.

Files in the cache folder are named by content hashes: an image by the hash of its bytes, a
diagram by the hash of its data, the theme, the painter version and the font files. Identical
images are so stored once, and a diagram that has not changed is not drawn again.
"""

from __future__ import annotations

import hashlib
import io
import json
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import msgspec
import PIL  # its version only: the image modules load with a lecture's first picture

from slides import model
from slides.cache import file_digest
from slides.errors import ContentError, Problem
from slides.place import fit, geometry
from slides.render import atomic_path
from slides.signals import checkpoint
from slides.theme import Theme

if TYPE_CHECKING:
    from PIL import Image as PILImage

    from slides.diagrams import Layout, Style

MAX_SIZE = (1920, 1080)  # slide resolution: larger pictures are downscaled to fit inside it
MAX_BYTES = 50_000_000
KEPT = {"PNG": ".png", "JPEG": ".jpg"}  # formats every output takes as they are
CONVERTED = {"GIF", "WEBP", "BMP", "TIFF"}  # formats read, and converted to PNG
IMAGE_VERSION = "1"  # bump when image processing changes, so cached files are redone
Room = tuple[float, float]  # the width and height (points) a picture gets on its slide
K = TypeVar("K")  # what names a distinct drawing: its picture file, or its key


@dataclass(frozen=True)
class Picture:
    """A prepared picture file: what every output embeds for one image or diagram."""

    path: Path
    width: int  # pixels
    height: int
    alt: str

    @property
    def aspect(self) -> float:
        return self.width / self.height


class Assets:
    """Prepared pictures, keyed by the content node they come from (its id())."""

    def __init__(
        self,
        pictures: dict[int, Picture],
        rooms: dict[int, Room],
        layouts: dict[Path, Layout],
        warnings: list[Problem],
        nodes: Iterable[model.Image | model.DiagramBase],
        style: Style,
    ) -> None:
        self._pictures = pictures
        self._rooms = rooms
        self._layouts = layouts
        self.warnings = warnings  # diagram labels the layout had to cut
        self._nodes = {id(node): node for node in nodes}  # the nodes keyed: see __reduce__
        self.style = style  # what the diagrams were laid out with, for drawing them the same

    def __reduce__(self) -> tuple:
        """Pickled with its nodes, which a pickle of the whole build shares with the lecture,
        and keyed again by the loaded nodes: an id() means nothing in another process."""
        node = self._nodes.__getitem__
        pictures = [(node(key), picture) for key, picture in self._pictures.items()]
        rooms = [(node(key), room) for key, room in self._rooms.items()]
        return _loaded_assets, (pictures, rooms, self._layouts, self.warnings, self.style)

    def ready(self) -> Assets:
        """The pictures, every file written (prepare returns only then; kept for renderers)."""
        return self

    def picture(self, node: model.Image | model.DiagramBase) -> Picture:
        return self._pictures[id(node)]

    def room(self, node: model.DiagramBase) -> Room:
        """The room (width, height in points) a diagram was laid out for (see diagram_rooms)."""
        return self._rooms[id(node)]

    def layout(self, node: model.DiagramBase) -> Layout:
        """A diagram drawn from data, laid out for its room: once per distinct drawing (its
        picture file's name is the key of its content, style and room), however many slides
        show it. Laid out before the outputs are forked, it is shared by all of them."""
        path = self.picture(node).path
        found = self._layouts.get(path)
        if found is None:
            from slides.diagrams import layout

            found = self._layouts[path] = layout(node, self.style, self.room(node))
        return found

    def all(self) -> list[Picture]:
        return list(dict.fromkeys(self._pictures.values()))


def _loaded_assets(
    pictures: list[tuple[model.Image | model.DiagramBase, Picture]],
    rooms: list[tuple[model.DiagramBase, Room]],
    layouts: dict[Path, Layout],
    warnings: list[Problem],
    style: Style,
) -> Assets:
    """Assets unpickled: keyed by the ids of the nodes as loaded (see Assets.__reduce__)."""
    nodes = [node for node, _ in pictures + rooms]
    return Assets(
        {id(node): picture for node, picture in pictures},
        {id(node): room for node, room in rooms},
        layouts,
        warnings,
        nodes,
        style,
    )


def located_pictures(
    lecture: model.Lecture,
) -> Iterator[tuple[str, model.Image | model.DiagramBase]]:
    """Every image and diagram node of the lecture with its key path, in order."""
    for t, topic in enumerate(lecture.topics):
        for s, slide in enumerate(topic.slides):
            base = f"topics[{t}].slides[{s}]"
            for key in ("image", "diagram"):
                if getattr(slide, key) is not None:
                    yield f"{base}.{key}", getattr(slide, key)
            for c, column in enumerate(slide.columns or []):
                for key in ("image", "diagram"):
                    if getattr(column, key) is not None:
                        yield f"{base}.columns[{c}].{key}", getattr(column, key)


def pictures_of(lecture: model.Lecture) -> list[model.Image | model.DiagramBase]:
    """Every image and diagram node of the lecture, in order."""
    return [node for _, node in located_pictures(lecture)]


def prepare(
    lecture: model.Lecture, theme: Theme, cache_dir: Path, jobs: int = 1, paint: bool = True
) -> Assets:
    """Lay out and draw every diagram (up to `jobs` at once) and prepare every image into
    cache_dir.

    With paint=False no output shows a diagram's picture (all draw it natively): its size is
    known, its file is not made.
    Raises ContentError naming the file and the key path of every broken picture.
    """
    from slides.diagrams import Style, describe

    cache_dir.mkdir(parents=True, exist_ok=True)
    style = Style.of(theme, painted=paint)
    found: list[tuple[str, model.Image | model.DiagramBase, Path, str]] = []
    problems: list[Problem] = []
    to_lay_out: dict[Path, tuple[model.DiagramBase, Room]] = {}  # each distinct drawing once
    sizes: dict[Path, tuple[int, int]] = {}
    rooms = diagram_rooms(lecture)
    context = None  # what every drawing depends on: looked up at the first diagram
    for where, node in located_pictures(lecture):
        if isinstance(node, model.Image):
            source, alt, key = node.path, node.alt or node.caption or "", f"{where}.src"
        else:
            source, alt, key = node.source_path, node.alt or describe(node), f"{where}.source"
        if source is None:  # a diagram without its pasted file: drawn from the data
            room = rooms[id(node)]
            if context is None:
                context = _drawing_context(style)
            path = cache_dir / f"diagram-{_diagram_key(node, context, room)}.png"
            to_lay_out.setdefault(path, (node, room))  # a diagram on several slides: once
            found.append((where, node, path, alt))
            continue
        try:
            path, width, height = _image(source, cache_dir)
        except BadImage as error:
            problems.append(_problem(lecture, key, source, error))
            continue
        sizes[path] = (width, height)
        found.append((where, node, path, alt))
    if problems:
        raise ContentError(problems)
    # Laid out even when its picture is cached: every output but a picture-mode PPTX draws
    # it, and a label cut short is warned about in every build.
    layouts = _lay_out_all(to_lay_out, style, jobs)
    pictures: dict[int, Picture] = {}
    warnings: list[Problem] = []
    for where, node, path, alt in found:
        if path in layouts:
            warnings += _cut_warnings(lecture, where, layouts[path])
            sizes[path] = layouts[path].pixels  # what is (or will be) drawn
        pictures[id(node)] = Picture(path, *sizes[path], alt)
    _prune(cache_dir, {p.path for p in pictures.values()})  # spares files being written
    to_draw = {path: layouts[path] for path in to_lay_out if paint and not path.is_file()}
    _draw_all(to_draw, style, jobs)
    return Assets(pictures, rooms, layouts, warnings, pictures_of(lecture), style)


def _cut_warnings(lecture: model.Lecture, where: str, drawn: Layout) -> list[Problem]:
    """A warning at the diagram's key for the labels that could not be shown whole."""
    from slides.diagrams import cut_labels

    cut = cut_labels(drawn)
    if not cut:
        return []
    shown = "; ".join(f"'{label}' shows as '{text}'" for label, text in cut[:3])
    more = f" (and {len(cut) - 3} more)" if len(cut) > 3 else ""
    instead = (
        "give the diagram a slide of its own, without the column beside it"
        if ".columns[" in where
        else "give it fewer parts"
    )
    message = (
        f"diagram labels do not fit whole in their shapes at 16 pt in the room this slide gives "
        f"them, so they are cut: {shown}{more}. Write shorter labels, or {instead}"
    )
    return [lecture.problem(where, message, "warning")]


def diagram_rooms(lecture: model.Lecture) -> dict[int, Room]:
    """The room (width, height in points) each diagram's picture gets on its slide.

    The body box or a column's box, less the column heading and the caption, measured as the
    renderers place them (fit.picture_layout), so the drawing is laid out for its real size.
    """
    fitter = fit.Fitter.for_theme(lecture.theme_folder)
    placed: list[tuple[model.DiagramBase, geometry.Box, str | None]] = []
    for topic in lecture.topics:
        for slide in topic.slides:
            if slide.diagram is not None:
                placed.append((slide.diagram, geometry.body_box(), None))
            for column, box in zip(slide.columns or [], geometry.column_boxes(), strict=False):
                if column.diagram is not None:
                    placed.append((column.diagram, box, column.heading))
    rooms = {}
    thin = 1e-3  # a picture this narrow takes the whole height left: that height is the room
    for node, box, heading in placed:
        found = fitter.picture_layout(box, thin, node, heading) or fitter.picture_layout(
            box, thin, node, heading, min_share=0.0
        )
        rooms[id(node)] = (box.w, found.picture.h if found else box.h)
    return rooms


def check_pictures(lecture: model.Lecture, theme: Theme, jobs: int = 1) -> list[Problem]:
    """What a build would say about the lecture's pictures, writing nothing (for `check`).

    Every image file is decoded: ContentError names the file and the key path of every broken
    one. Every diagram drawn from data is laid out for its room, as a build lays it out: the
    warnings for labels cut short come back, at each diagram's key.
    """
    from slides.diagrams import Style

    style = Style.of(theme, painted=False)  # as a build draws them unless asked for pictures
    problems = []
    drawn: list[tuple[str, str]] = []  # (key path, drawing key)
    to_lay_out: dict[str, tuple[model.DiagramBase, Room]] = {}  # each distinct drawing once
    rooms = diagram_rooms(lecture)
    context = None
    for where, node in located_pictures(lecture):
        source = node.path if isinstance(node, model.Image) else node.source_path
        key = f"{where}.src" if isinstance(node, model.Image) else f"{where}.source"
        if source is None:
            room = rooms[id(node)]
            context = context or _drawing_context(style)
            drawing = _diagram_key(node, context, room)
            to_lay_out.setdefault(drawing, (node, room))
            drawn.append((where, drawing))
            continue
        try:
            _open(_bytes(source))[0].close()
        except BadImage as error:
            problems.append(_problem(lecture, key, source, error))
    if problems:
        raise ContentError(problems)
    layouts = _lay_out_all(to_lay_out, style, jobs)
    return [w for where, drawing in drawn for w in _cut_warnings(lecture, where, layouts[drawing])]


def _problem(lecture: model.Lecture, key: str, source: Path, error: BadImage) -> Problem:
    return lecture.problem(key, f"{_shown(source, lecture)}: {error}")


def _shown(path: Path, lecture: model.Lecture) -> str:
    """The file as the lecture names it (relative to its folder)."""
    try:
        return str(path.relative_to(lecture.folder))
    except ValueError:
        return str(path)


# --- diagrams ------------------------------------------------------------------------------


def _drawing_context(style) -> dict:
    """What every drawing of a build depends on besides its node and room (see _diagram_key);
    the same for all of a build's diagrams, so worked out once (it looks at the font files)."""
    from slides.diagrams import PAINTER_VERSION
    from slides.fonts import measurer

    fonts = [file_digest(f) if f else "pillow-default" for f in (style.regular, style.bold)]
    return {
        "style": {
            k: v for k, v in msgspec.structs.asdict(style).items() if k not in ("regular", "bold")
        },
        "fonts": fonts,
        "faces": measurer(style.theme).files() if style.theme else [],  # fallbacks found here
        "painter": PAINTER_VERSION,
        "pillow": PIL.__version__,
    }


def _diagram_key(node: model.DiagramBase, context: dict, room: Room) -> str:
    """A hash of everything the drawing depends on (not alt, caption or source; the room)."""
    data = {
        "node": {
            k: v
            for k, v in msgspec.to_builtins(node).items()
            if k not in ("alt", "caption", "source")
        },
        **context,
        "room": [round(v, 2) for v in room],
    }
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


# Diagram layouts run in forked workers (slides.workers) only when the work pays for starting
# them. Starting them costs the parent about 0.05 s (the pool's import, forking, unpickling
# the layouts), and the workers' CPU comes to 10-40 % more than the layouts' own (each warms
# its own font caches, and they compete with whatever else runs): on two cores the wall time
# gained is about half the layouts' CPU less that. A layout's CPU by kind, in seconds
# (genai-x10b's 70 distinct diagrams, one core): a diagram also painted as a picture has its text
# measured by Pillow too, one drawn natively only in its viewers' fonts (slides.diagrams.Fonts).
# docs/performance.md has the measurements.
LAYOUT_COST = {
    "painted": {"hub": 0.008, "compare": 0.008, "flow": 0.009, "nested": 0.005, "sides": 0.005},
    "native": {"hub": 0.003, "compare": 0.0012, "flow": 0.0014, "nested": 0.0009, "sides": 0.0008},
}
PARALLEL_LAYOUTS_FROM = 0.3  # seconds of estimated CPU: 40 painted diagrams, 200 native ones


def layout_jobs(kinds: Sequence[str], jobs: int, painted: bool = False) -> int:
    """How many diagrams of these kinds are laid out at once: `jobs` when their estimated CPU
    pays for starting workers, else 1 (one after another, here)."""
    cost = LAYOUT_COST["painted" if painted else "native"]
    estimate = sum(cost.get(kind, 0.01) for kind in kinds)
    return jobs if estimate >= PARALLEL_LAYOUTS_FROM else 1


def _lay_out_all(
    to_lay_out: dict[K, tuple[model.DiagramBase, Room]], style, jobs: int
) -> dict[K, Layout]:
    """Each distinct diagram laid out for its room, in parallel when it pays (see above)."""
    from slides import workers
    from slides.diagrams import layout

    kinds = {path: getattr(node, "kind", "") for path, (node, _) in to_lay_out.items()}
    jobs = layout_jobs(list(kinds.values()), jobs, style.painted)
    order = list(to_lay_out)
    if jobs > 1:  # the costliest first, so that no worker is left with a hub when the rest end
        cost = LAYOUT_COST["painted" if style.painted else "native"]
        order.sort(key=lambda path: cost.get(kinds[path], 0.01), reverse=True)
    tasks = [partial(layout, to_lay_out[path][0], style, to_lay_out[path][1]) for path in order]
    done = dict(zip(order, workers.run(tasks, jobs), strict=True))
    return {path: done[path] for path in to_lay_out}  # in the lecture's order


def _draw_all(to_draw: dict[Path, Layout], style, jobs: int) -> None:
    """Paint the laid-out diagrams not in the cache, up to `jobs` at once (see slides.workers)."""
    from slides import workers

    tasks = [partial(_draw_one, path, geometry, style) for path, geometry in to_draw.items()]
    for _ in workers.run(tasks, jobs):
        checkpoint("diagram")


def _draw_one(path: Path, geometry: Layout, style) -> None:
    from slides.diagrams import save_png

    with atomic_path(path) as temp:
        save_png(geometry, style, temp)


# --- images --------------------------------------------------------------------------------


class BadImage(Exception):
    """A picture file that cannot be used; the message says why."""


def _image(source: Path, cache_dir: Path) -> tuple[Path, int, int]:
    """The prepared copy of an image file (checked, converted, downscaled) and its size."""
    from PIL import Image as PILImage

    data = _bytes(source)
    digest = hashlib.sha256(data + IMAGE_VERSION.encode()).hexdigest()[:20]
    for ext in (".png", ".jpg"):
        done = cache_dir / f"image-{digest}{ext}"
        if done.is_file():  # the same bytes were prepared before: they were valid then
            with PILImage.open(done) as img:
                return done, *img.size
    image, fmt = _open(data)
    with image:
        try:
            return _store(image, fmt, data, cache_dir / f"image-{digest}")
        except (OSError, ValueError) as error:  # an unusual mode (16-bit, float) or codec
            raise BadImage(f"the picture could not be converted to PNG ({error})") from None


def _bytes(source: Path) -> bytes:
    size = source.stat().st_size
    if size == 0:
        raise BadImage("the file is empty (0 bytes); save the picture again")
    if size > MAX_BYTES:
        raise BadImage(f"the file is {size:,} bytes; a picture may have at most {MAX_BYTES:,}")
    return source.read_bytes()


def _open(data: bytes) -> tuple[PILImage.Image, str]:
    """Decode the whole picture, turning every way it can fail into a BadImage."""
    from PIL import Image as PILImage

    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; a warning is a refusal too.
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            image = PILImage.open(io.BytesIO(data))
            fmt = image.format or "?"
            if fmt not in KEPT and fmt not in CONVERTED:
                image.close()
                raise BadImage(f"{fmt} pictures are not supported; use PNG, JPEG, GIF or WebP")
            image.load()
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as error:
            raise BadImage(f"the picture is too large to open safely: {error}") from None
        except PILImage.UnidentifiedImageError:
            raise BadImage("not a picture Pillow can read (use PNG, JPEG, GIF or WebP)") from None
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise BadImage(f"the picture is damaged or cut short ({error})") from None
    return image, fmt


def _store(image: PILImage.Image, fmt: str, data: bytes, stem: Path) -> tuple[Path, int, int]:
    """Keep PNG/JPEG as they are when they need no change; else convert and downscale."""
    from PIL import Image as PILImage
    from PIL import ImageOps

    turned = image.getexif().get(0x0112, 1) != 1  # a phone photo's orientation tag
    rotated = ImageOps.exif_transpose(image) if turned else image
    too_big = rotated.width > MAX_SIZE[0] or rotated.height > MAX_SIZE[1]
    plain_jpeg = fmt != "JPEG" or image.mode in ("RGB", "L")
    if fmt in KEPT and not too_big and not turned and plain_jpeg:
        path = stem.with_suffix(KEPT[fmt])
        with atomic_path(path) as temp:
            temp.write_bytes(data)
        return path, image.width, image.height
    out = rotated.copy()
    if too_big:
        out.thumbnail(MAX_SIZE, PILImage.Resampling.LANCZOS)
    if fmt == "JPEG":
        path = stem.with_suffix(".jpg")
        out = out.convert("RGB") if out.mode not in ("RGB", "L") else out
        with atomic_path(path) as temp:
            out.save(temp, "JPEG", quality=90)
    else:
        path = stem.with_suffix(".png")
        transparent = out.mode in ("RGBA", "LA", "PA") or "transparency" in out.info
        out = out.convert("RGBA" if transparent else "RGB") if out.mode not in ("RGB", "L") else out
        with atomic_path(path) as temp:
            out.save(temp, "PNG")
    return path, out.width, out.height


# --- files ---------------------------------------------------------------------------------


def _prune(cache_dir: Path, used: set[Path]) -> None:
    """Remove prepared pictures this lecture no longer uses, so the cache does not grow."""
    for path in cache_dir.glob("*"):
        if path.name.startswith(("image-", "diagram-")) and path not in used:
            path.unlink(missing_ok=True)
