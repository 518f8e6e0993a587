"""Pictures prepared once, before any renderer runs: diagrams drawn, images checked and sized.

Every renderer asks `assets.picture(node)` for an `Image` or diagram node of the content and gets
the same PNG/JPEG file, its pixel size and its alt text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from slides import model
from slides.theme import Theme


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
    """Prepared pictures, keyed by the content node they come from."""

    def __init__(self, pictures: dict[int, Picture]) -> None:
        self._pictures = pictures

    def picture(self, node: model.Image | model.DiagramBase) -> Picture:
        return self._pictures[id(node)]

    def all(self) -> list[Picture]:
        return list(dict.fromkeys(self._pictures.values()))


def pictures_of(lecture: model.Lecture) -> list[model.Image | model.DiagramBase]:
    """Every image and diagram node of the lecture, in order."""
    found: list = []
    for topic in lecture.topics:
        for slide in topic.slides:
            found += [n for n in (slide.image, slide.diagram) if n is not None]
            for column in slide.columns or []:
                found += [n for n in (column.image, column.diagram) if n is not None]
    return found


def prepare(lecture: model.Lecture, theme: Theme, cache_dir: Path) -> Assets:
    """Draw every diagram and prepare every image into cache_dir (placeholder implementation)."""
    from PIL import Image, ImageDraw

    cache_dir.mkdir(parents=True, exist_ok=True)
    pictures: dict[int, Picture] = {}
    for i, node in enumerate(pictures_of(lecture)):
        if isinstance(node, model.Image):
            with Image.open(node.path) as img:
                size = img.size
            pictures[id(node)] = Picture(node.path, *size, node.alt or node.caption or "")
        else:
            path = cache_dir / f"diagram-{i}.png"
            img = Image.new("RGB", (1920, 1080), "white")
            ImageDraw.Draw(img).text((40, 40), node.title or node.kind, fill="black")
            img.save(path)
            pictures[id(node)] = Picture(path, 1920, 1080, node.alt or node.kind)
    return Assets(pictures)
