"""The GenAI lecture carries everything of the seed notes it was written from, in their order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import GENAI, ROOT, SEED_NOTES, run_cli

from slides import model
from slides.inline import plain
from slides.load import load_lecture

NOTES = SEED_NOTES  # the student's notes the lecture was made from

# The notes' slips, as the lecture corrects them (applied after normalising, see `norm`).
FIXES = {
    "leaarn": "learn",
    "finetuning": "fine tuning",
    "huggingface": "hugging face",
    "world economics": "world economy",
    "impacting the world": "affecting the world",  # "Is it affecting the world economy?"
    "modules/step": "modules: step",  # the heading names the builder's module slides
}


def norm(text: str) -> str:
    """Text as compared: plain, lower case, hyphens as spaces, one space, no space before '?'."""
    text = plain(text).lower().replace("’", "'")
    text = re.sub(r"[-‐–—]", " ", text)
    text = re.sub(r"(\w)\(", r"\1 (", text)  # "Encoder Only(BERT)" -> "encoder only (bert)"
    text = re.sub(r"\s+", " ", text).strip()
    text = text.replace(" ?", "?")
    for wrong, right in FIXES.items():
        text = text.replace(wrong, right)
    return text


# --- the notes --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def notes() -> str:
    if not NOTES.is_file():
        pytest.skip(f"the seed notes are not here ({NOTES})")
    return NOTES.read_text("utf-8")


def headings(notes: str) -> list[str]:
    return [m[1].strip() for m in re.finditer(r"^#{1,6}\s+(.+)$", notes, re.MULTILINE)]


def section(notes: str, heading: str) -> str:
    """The text under a heading, up to the next heading of level 1 or 2."""
    match = re.search(rf"^#+\s+{re.escape(heading)}\s*$(.*?)(?=^#{{1,2}}\s|\Z)", notes, re.M | re.S)
    assert match, f"heading {heading!r} not in the notes"
    return match[1]


def curriculum(text: str) -> list[tuple[str, list[str]]]:
    """Numbered modules with their sub-steps; a sub-step belongs to the module above it.

    The notes number the third transformer type "3.3" under module 2: position, not the
    written number, decides where a sub-step belongs (it is 2.3).
    """
    modules: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if top := re.match(r"^(\d+)\.\s+(.+)$", line):
            assert int(top[1]) == len(modules) + 1, f"module numbering breaks at {line!r}"
            modules.append((top[2], []))
        elif sub := re.match(r"^\s+\d+\.\d+\s+(.+)$", line):
            modules[-1][1].append(sub[1])
    return modules


# --- the lecture ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lecture() -> model.Lecture:
    loaded, _warnings = load_lecture(GENAI)
    return loaded


def labels(item: str | model.Labelled) -> Iterator[str]:
    node = model.as_labelled(item)
    yield node.label
    yield from node.items


def diagram_texts(diagram) -> Iterator[str]:
    yield from (t for t in (diagram.title, diagram.caption, diagram.alt) if t)
    for key in ("sets", "spokes", "steps", "columns"):
        for item in getattr(diagram, key, None) or []:
            yield from labels(item)
    for key in ("centre", "left", "right"):
        if (value := getattr(diagram, key, None)) is not None:
            yield from labels(value)


def bullet_texts(items: list) -> Iterator[str]:
    for item in items:
        bullet = model.as_bullet(item)
        yield bullet.text
        yield from bullet_texts(bullet.items)


def slide_texts(slide: model.Slide) -> Iterator[str]:
    yield slide.title
    yield from bullet_texts(slide.bullets or [])
    if slide.diagram:
        yield from diagram_texts(slide.diagram)
    for column in slide.columns or []:
        yield from [column.heading] if column.heading else []
        yield from bullet_texts(column.bullets or [])
        if column.diagram:
            yield from diagram_texts(column.diagram)
    if slide.quote:
        yield slide.quote.text
    for q in slide.questions or []:
        yield from (t for t in (q.question, q.answer, q.example) if t)
    for module in slide.modules or []:
        yield module.title
        yield from module.items


def all_text(lecture: model.Lecture) -> str:
    """Every visible text of the lecture, normalised, one per line."""
    texts = [lecture.title, *(lecture.subtitle or "",)]
    for topic in lecture.topics:
        texts.append(topic.title)
        for slide in topic.slides:
            texts.extend(slide_texts(slide))
    return "\n".join(norm(t) for t in texts)


def lecture_curricula(lecture: model.Lecture) -> list[list[tuple[int, model.Module]]]:
    """The modules slides' modules with their shown numbers; numbering back at 1 starts anew."""
    runs: list[list[tuple[int, model.Module]]] = []
    for topic in lecture.topics:
        for slide in topic.slides:
            for i, module in enumerate(slide.modules or []):
                number = slide.start + i
                if number == 1:
                    runs.append([])
                runs[-1].append((number, module))
    return runs


def diagrams(lecture: model.Lecture) -> Iterator[model.DiagramBase]:
    for topic in lecture.topics:
        for slide in topic.slides:
            if slide.diagram:
                yield slide.diagram
            for column in slide.columns or []:
                if column.diagram:
                    yield column.diagram


# --- the tests --------------------------------------------------------------------------------


def test_every_heading_of_the_notes_is_in_the_lecture(notes: str, lecture: model.Lecture) -> None:
    text = all_text(lecture)
    found = headings(notes)
    assert len(found) >= 10, "the notes' headings were not parsed"
    missing = [h for h in found if norm(h) not in text]
    assert not missing, f"headings of the notes missing from the lecture: {missing}"


@pytest.mark.parametrize(
    ("heading", "run"), [("The Builder's Perspective", 0), ("The User's Perspective", 1)]
)
def test_curriculum_modules_and_steps_in_order(
    notes: str, lecture: model.Lecture, heading: str, run: int
) -> None:
    expected = curriculum(section(notes, heading))
    assert len(expected) == 7
    shown = lecture_curricula(lecture)
    assert len(shown) == 2, "expected two curricula (builder's, user's) numbered from 1"
    numbers = [number for number, _ in shown[run]]
    assert numbers == list(range(1, len(expected) + 1)), "modules are numbered 1, 2, … in order"
    for (title, steps), (number, module) in zip(expected, shown[run], strict=True):
        assert norm(title) in norm(module.title), f"module {number}: {module.title!r} vs {title!r}"
        assert len(module.items) == len(steps), f"module {number} has other sub-steps: {steps}"
        for step, item in zip(steps, module.items, strict=True):
            assert norm(step) in norm(item), f"step of module {number}: {item!r} vs {step!r}"


def test_the_misnumbered_transformer_type_is_step_2_3(lecture: model.Lecture) -> None:
    number, module = lecture_curricula(lecture)[0][1]
    assert number == 2 and "t5" in norm(module.items[2])


def test_the_five_success_questions_are_asked(notes: str, lecture: model.Lecture) -> None:
    asked = re.findall(r"^\d\.\s+(.+\?)\s*$", section(notes, "Is GenAI Successful ?"), re.M)
    assert len(asked) == 5
    questions = [
        norm(q.question) for t in lecture.topics for s in t.slides for q in s.questions or []
    ]
    assert questions == [norm(q) for q in asked]


def test_foundation_models_are_the_general_ones(lecture: model.Lecture) -> None:
    """The notes had it backwards: classic ML models are specialised, foundation models general."""
    text = all_text(lecture)
    assert "foundation models are specialised" not in text
    columns = {
        norm(c.heading or ""): " ".join(norm(t) for t in bullet_texts(c.bullets or []))
        for t in lecture.topics
        for s in t.slides
        for c in s.columns or []
    }
    assert "specialised" in columns["classic ml models"]
    assert "generalised" in columns["foundation models"]
    assert "specialised" not in columns["foundation models"]


def test_pasted_images_are_diagram_sources_in_the_notes_order(
    notes: str, lecture: model.Lecture
) -> None:
    pasted = re.findall(r"!\[\[(Pasted image \d+\.png)\]\]", notes)
    assert len(pasted) == 6
    assert [d.source for d in diagrams(lecture) if d.source] == pasted
    for diagram in diagrams(lecture):
        assert diagram.alt and diagram.alt.rstrip().endswith("."), "alt is a full sentence"


def test_every_slide_has_speaker_notes(lecture: model.Lecture) -> None:
    for topic in lecture.topics:
        for slide in topic.slides:
            sentences = re.findall(r"[.?!](?:\s|$)", (slide.notes or "").strip())
            assert 2 <= len(sentences) <= 6, f"{slide.title!r}: {len(sentences)} sentences"


def test_slides_stay_readable(lecture: model.Lecture) -> None:
    """At most six bullet lines (sub-bullets included) a slide or column, 20 words a bullet."""
    for topic in lecture.topics:
        for slide in topic.slides:
            lists = [slide.bullets or []] + [c.bullets or [] for c in slide.columns or []]
            for bullets in lists:
                texts = list(bullet_texts(bullets))
                assert len(texts) <= 6, f"{slide.title!r}: {len(texts)} bullets"
                for text in texts:
                    assert len(text.split()) <= 20, f"{slide.title!r}: {text!r}"


def test_schema_comment_is_the_first_line() -> None:
    first = (GENAI / "lecture.yaml").read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../docs/lecture.schema.json"
    assert (GENAI / first.split("=", 1)[1]).resolve() == ROOT / "docs" / "lecture.schema.json"


def test_check_passes_without_warnings(tmp_path: Path) -> None:
    # Run from tmp_path: check prepares diagrams under ./out, which other tests may be using.
    result = run_cli("check", "--strict", GENAI, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    assert "ok, " in result.stdout


def test_the_seed_copy_is_the_shared_seed() -> None:
    shared = ROOT.parent / "shared" / "seed" / "genai-notes.md"
    if not shared.is_file():
        pytest.skip("no shared/ folder beside this checkout")
    assert SEED_NOTES.read_bytes() == shared.read_bytes()
