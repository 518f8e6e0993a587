"""Scaled benchmark content, generated from the GenAI lecture into bench/.work/content/.

- `genai-x10`: the lecture's topics repeated ten times as one lecture (about 300 slides);
- `genai-x10b`: the same deck with every round's words changed, so that no slide, label or note
  repeats and a gain that comes only from memoising repeated text shows against `genai-x10`;
- `course/lecture-01` … `lecture-20`: 20 lectures of 50 slides, with diagrams and photos;
- `scale-50`, `scale-1000`: the same mix at 50 and 1,000 slides, for time per slide.

The YAML is handled as plain data (not through the content model), so the generator keeps
working while the model grows; `python build.py check` validates what it writes.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
GENAI = ROOT / "content" / "genai-intro"
WORK = BENCH / ".work"
CONTENT = WORK / "content"

COURSE_LECTURES = 20
COURSE_SLIDES = 50


def base_lecture() -> dict[str, Any]:
    """The GenAI lecture as plain data."""
    return yaml.safe_load((GENAI / "lecture.yaml").read_text("utf-8"))


def frame_count(lecture: dict[str, Any]) -> int:
    """Slides in the deck before any splitting: title, agenda, sections, content, closing."""
    topics = lecture["topics"]
    return 3 + sum(1 + len(t["slides"]) for t in topics)


def repeated(base: dict[str, Any], times: int, title: str) -> dict[str, Any]:
    """The base lecture with its topics repeated `times` times (titles numbered from round 2)."""
    lecture = copy.deepcopy(base)
    lecture["title"] = title
    lecture["topics"] = [
        _numbered(topic, n) for n in range(1, times + 1) for topic in base["topics"]
    ]
    return lecture


def sized(base: dict[str, Any], frames: int, title: str, photos: list[str]) -> dict[str, Any]:
    """A lecture of exactly `frames` planned slides: the base topics cycled, one photo per topic."""
    lecture = copy.deepcopy(base)
    lecture["title"] = title
    topics: list[dict[str, Any]] = []
    left = frames - 3  # title, agenda and closing
    n = 0
    while left >= 2:  # a topic needs its section slide and at least one content slide
        source = base["topics"][n % len(base["topics"])]
        topic = _numbered(source, n // len(base["topics"]) + 1)
        if photos:
            topic["slides"].insert(1, _photo_slide(photos[n % len(photos)], len(topics) + 1))
        topic["slides"] = topic["slides"][: left - 1]
        left -= 1 + len(topic["slides"])
        topics.append(topic)
        n += 1
    if left:  # one frame short of a topic: lengthen the last topic by a slide
        topics[-1]["slides"].append(copy.deepcopy(base["topics"][0]["slides"][0]))
    lecture["topics"] = topics
    return lecture


ROUND_WORDS = ["alpha", "bravo", "cedar", "delta", "ember", "fjord", "gamma", "harbor", "iris"]
KEPT_AS_IS = {"kind", "source", "src", "start", "language", "date", "theme"}  # code, files, ids


def varied(base: dict[str, Any], times: int, title: str) -> dict[str, Any]:
    """`repeated`, with each round's text changed: a word of the round after a text's first word,
    and a letter of the round after a diagram's label (so labels stay about as long)."""
    lecture = repeated(base, times, title)
    per_round = len(base["topics"])
    lecture["topics"] = [
        _changed(topic, n // per_round) for n, topic in enumerate(lecture["topics"])
    ]
    return lecture


def _changed(value: Any, round_: int, key: str | None = None, drawn: bool = False) -> Any:
    if isinstance(value, dict):
        return {k: _changed(v, round_, k, drawn or k == "diagram") for k, v in value.items()}
    if isinstance(value, list):
        return [_changed(v, round_, key, drawn) for v in value]
    if not isinstance(value, str) or key in KEPT_AS_IS or value.startswith("http"):
        return value
    if drawn and key not in ("caption", "alt"):
        return f"{value} {chr(ord('A') + round_ % 26)}"
    first, _, rest = value.partition(" ")
    word = ROUND_WORDS[round_ % len(ROUND_WORDS)] + (
        "" if round_ < len(ROUND_WORDS) else str(round_)
    )
    return f"{first} {word} {rest}".rstrip(" ")


def _numbered(topic: dict[str, Any], round_: int) -> dict[str, Any]:
    topic = copy.deepcopy(topic)
    if round_ > 1:
        topic["title"] = f"{topic['title']} ({round_})"
    return topic


def _photo_slide(src: str, number: int) -> dict[str, Any]:
    return {
        "title": f"A photograph ({number})",
        "image": {
            "src": src,
            "alt": "A generated landscape: sky above hills and a lake",
            "caption": "A generated photograph",
        },
        "notes": "A photograph stands in for the pictures a real lecture shows.",
    }


def make_photos(folder: Path, count: int, seed: int = 0) -> list[str]:
    """Write `count` photo-like JPEG and PNG files (1600×900) into folder/images; their src."""
    from PIL import Image, ImageDraw

    images = folder / "images"
    images.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(count):
        k = seed * 7 + i
        ramp = Image.linear_gradient("L").resize((1600, 900))  # top dark, bottom light
        red = ramp.point(lambda v, k=k: (80 + v * 120 // 255 + 11 * k) % 256)
        green = ramp.point(lambda v: 140 + v * 60 // 255)
        blue = ramp.point(lambda v: 220 - v * 120 // 255)
        img = Image.merge("RGB", (red, green, blue))
        draw = ImageDraw.Draw(img)
        for j in range(6):
            x = (j * 331 + k * 97) % 1600
            draw.ellipse([x - 300, 520 - 40 * j, x + 300, 1100], fill=(40 + 20 * j, 110, 60))
        draw.ellipse([1200 - 60 * k % 900, 120, 1320 - 60 * k % 900, 240], fill=(255, 230, 120))
        # Half JPEG (photos as cameras give them), half PNG (screenshots, drawings).
        name = f"photo-{i + 1}.{'jpg' if i % 2 == 0 else 'png'}"
        img.save(images / name, quality=85) if name.endswith("jpg") else img.save(images / name)
        names.append(f"images/{name}")
    return names


def write_lecture(folder: Path, lecture: dict[str, Any]) -> Path:
    """Write lecture.yaml into folder (created); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: 10× faster at 1,000 slides
    text = yaml.dump(lecture, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
    (folder / "lecture.yaml").write_text(text, "utf-8")
    return folder


def generate(clean: bool = False) -> dict[str, Any]:
    """Write every scaled lecture under bench/.work/content; returns their folders by name."""
    if clean and CONTENT.exists():
        shutil.rmtree(CONTENT)
    base = base_lecture()
    made: dict[str, Any] = {}

    genai = CONTENT / "genai-intro"  # a private copy: the benchmark edits it (serve, no-op)
    if genai.exists():
        shutil.rmtree(genai)
    shutil.copytree(GENAI, genai)
    made["genai"] = genai

    made["x10"] = write_lecture(
        CONTENT / "genai-x10", repeated(base, 10, f"{base['title']} (ten times)")
    )

    made["x10b"] = write_lecture(
        CONTENT / "genai-x10b",
        varied(base, 10, f"{base['title']} (ten rounds, each its own words)"),
    )

    for frames in (50, 1000):
        folder = CONTENT / f"scale-{frames}"
        photos = make_photos(folder, 4)
        made[f"scale-{frames}"] = write_lecture(
            folder, sized(base, frames, f"Scale test, {frames} slides", photos)
        )

    course = []
    for n in range(1, COURSE_LECTURES + 1):
        folder = CONTENT / "course" / f"lecture-{n:02d}"
        photos = make_photos(folder, 2, seed=n)
        title = f"Course lecture {n}"
        course.append(write_lecture(folder, sized(base, COURSE_SLIDES, title, photos)))
    made["course"] = course
    return made


if __name__ == "__main__":
    for name, value in generate(clean=True).items():
        print(name, value if not isinstance(value, list) else f"{len(value)} lectures")
