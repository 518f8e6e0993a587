"""The deck plan: the exact sequence of slides every output shows, decided once.

A lecture becomes frames: a title slide, an agenda, per topic a section slide and its content
slides, and a closing slide. Content that cannot fit one slide at the minimum body size is split
into continued frames here, so the PPTX, the HTML deck and the handout always agree.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from slides import model
from slides.errors import Problem
from slides.words import words

FrameKind = Literal["title", "agenda", "section", "content", "closing"]


class Frame(msgspec.Struct, frozen=True):
    """One slide of the finished deck."""

    kind: FrameKind
    title: str
    number: int  # 1-based position in the deck
    topic: int | None = None  # index into lecture.topics (section and content frames)
    slide: model.Slide | None = None  # content frames: the slide, or the part of it shown here
    part: tuple[int, int] | None = None  # (2, 3) for the second of three continued frames
    label: str = ""  # section frames: "Part 2 of 7", in the lecture's language
    listed: tuple[int, int] | None = None  # agenda frames: the topics shown, a slice (start, stop)
    body_pt: float = 28.0  # body text size chosen by the fitter, in points
    where: str = ""  # key path of the source slide, for messages

    @property
    def notes(self) -> str:
        return (self.slide.notes or "").strip() if self.slide else ""

    @property
    def display_title(self) -> str:
        """The title as shown, with a continuation mark on split slides."""
        if self.part and self.part[1] > 1:
            return f"{self.title} ({self.part[0]}/{self.part[1]})"
        return self.title


class Section(msgspec.Struct, frozen=True):
    """A topic's frames: its section slide and content slides."""

    title: str
    frames: tuple[Frame, ...]


class Deck(msgspec.Struct):
    lecture: model.Lecture
    frames: list[Frame]
    sections: list[Section]
    warnings: list[Problem] = msgspec.field(default_factory=list)


def plan(lecture: model.Lecture, fitter=None) -> Deck:
    """Lay out the deck. `fitter.fit(slide, where)` returns [(slide_part, body_pt), …] and
    warnings; `fitter.agenda(titles)` the agenda's size and parts."""
    if fitter is None:
        from slides.place.fit import Fitter

        fitter = Fitter.for_theme(lecture.theme_folder)
    frames: list[Frame] = []
    sections: list[Section] = []
    warnings: list[Problem] = []

    def add(kind: FrameKind, title: str, **more) -> Frame:
        frame = Frame(kind, title, len(frames) + 1, **more)
        frames.append(frame)
        return frame

    said = words(lecture.language)  # the words the deck adds itself
    add("title", lecture.title)
    if lecture.agenda:
        size, parts = fitter.agenda([topic.title for topic in lecture.topics])
        for i, listed in enumerate(parts):
            add("agenda", said.agenda, part=(i + 1, len(parts)), listed=listed, body_pt=size)
    for t, topic in enumerate(lecture.topics):
        label = said.part_of(t + 1, len(lecture.topics))
        topic_frames = [add("section", topic.title, topic=t, label=label)]
        for s, slide in enumerate(topic.slides):
            where = f"topics[{t}].slides[{s}]"
            parts, found = fitter.fit(slide, where)
            warnings.extend(found)
            for i, (part, size) in enumerate(parts):
                topic_frames.append(
                    add(
                        "content",
                        slide.title,
                        topic=t,
                        slide=part,
                        part=(i + 1, len(parts)),
                        body_pt=size,
                        where=where,
                    )
                )
        sections.append(Section(topic.title, tuple(topic_frames)))
    if lecture.closing_title:
        add("closing", lecture.closing_title)
    from slides.fonts import glyph_warnings

    warnings.extend(glyph_warnings(lecture))
    return Deck(lecture, frames, sections, warnings)
