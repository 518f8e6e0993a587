"""`import`: Obsidian and markdown notes become lecture drafts that check and build."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SEED_NOTES, run_cli
from PIL import Image
from pptx import Presentation

FIXTURES = ROOT / "tests" / "fixtures" / "import"
SEED = SEED_NOTES  # the student's notes the lecture was made from
SEED_PICTURES = [
    "Pasted image 20250306230712.png",
    "Pasted image 20250306234611.png",
    "Pasted image 20250307000033.png",
    "Pasted image 20250307004108.png",
    "Pasted image 20250307121030.png",
    "Pasted image 20250307011947.png",
]


def _slides(data: dict) -> list[dict]:
    return [slide for topic in data["topics"] for slide in topic["slides"]]


def _import(note: Path, out: Path, *more: str | Path) -> tuple[dict, str]:
    result = run_cli("import", note, "--out", out, *more)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    text = (out / "lecture.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    return yaml.safe_load(text), result.stderr


def _checks(folder: Path) -> str:
    result = run_cli("check", folder)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


# --- the seed note -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> tuple[Path, dict, str]:
    if not SEED.is_file():
        pytest.skip(f"the seed note is not at {SEED}")
    out = tmp_path_factory.mktemp("seed") / "genai"
    data, stderr = _import(SEED, out)
    return out, data, stderr


def test_seed_becomes_topics_slides_and_modules(seed):
    _, data, _ = seed
    titles = [t["title"] for t in data["topics"]]
    assert titles[:3] == ["What is GenAI ?", "Is GenAI Successful ?", "The Problem With GenAI"]
    assert "Do we need to learn both Sides ?" in titles
    modules = next(s["modules"] for s in _slides(data) if s["title"] == "Modules/Step")
    assert [m["title"] for m in modules][:3] == [
        "Transformer Architecture",
        "Types of Transformers",
        "Pretraining",
    ]
    # The notes' "2.1 …" lines under a numbered item are its items, numbering dropped.
    assert modules[1]["items"] == ["Encoder Only(BERT)", "Decoder Only(GPT)",
                                   "Encoder & Decoder based(T5)"]  # fmt: skip
    assert len(modules[4]["items"]) == 5
    assert all(slide["notes"].strip() for slide in _slides(data))


def test_seed_pictures_become_placeholders_named_after_the_pasted_files(seed):
    _, data, stderr = seed
    sources = [s["diagram"]["source"] for s in _slides(data) if "diagram" in s]
    assert sources == SEED_PICTURES
    for name in SEED_PICTURES:
        assert f"image '{name}' was not found" in stderr
        step = next(s for s in _slides(data) if s.get("diagram", {}).get("source") == name)
        assert step["diagram"]["steps"] == [f"Missing image: {name}"]
    assert "genai-notes.md:5: warning: image 'Pasted image 20250306230712.png'" in stderr
    assert "heading 'Curriculum' has no content" in stderr


def test_seed_draft_checks_and_builds(seed, tmp_path):
    folder, _, _ = seed
    stdout = _checks(folder)
    for name in SEED_PICTURES:
        assert f"diagram '{name}' uses the drawing" in stdout
    slides = int(stdout.rsplit("ok, ", 1)[1].split()[0])
    result = run_cli("build", folder, "--out", tmp_path, "--format", "pptx,qmd")
    assert result.returncode == 0, result.stderr
    deck = Presentation(str(tmp_path / folder.name / f"{folder.name}.pptx"))
    assert len(deck.slides) == slides
    qmd = (tmp_path / folder.name / f"{folder.name}.qmd").read_text(encoding="utf-8")
    assert "Encoder Only" in qmd and "Types of Transformers" in qmd


def test_a_pasted_file_added_later_wins(seed, tmp_path):
    folder = tmp_path / "genai"
    shutil.copytree(seed[0], folder)
    Image.new("RGB", (64, 36), "red").save(folder / "images" / SEED_PICTURES[0])
    stdout = _checks(folder)
    assert f"diagram '{SEED_PICTURES[0]}' uses the file images/{SEED_PICTURES[0]}" in stdout
    assert f"diagram '{SEED_PICTURES[1]}' uses the drawing" in stdout


# --- an Obsidian vault with everything a note can hold -------------------------------------


@pytest.fixture(scope="module")
def vault(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("vault") / "vault"
    shutil.copytree(FIXTURES / "vault", root)
    pictures = {
        "attachments/Pasted image 20250101120000.png": "#AA0000",  # the attachment folder
        "notes/diagram.png": "#00AA00",  # beside the note
        "deep/er/deep.png": "#0000AA",  # anywhere, found by name
        "pics/rel space.png": "#AAAA00",  # a markdown link relative to the note
        "a/same.png": "#111111",
        "b/same.png": "#EEEEEE",
    }
    for rel, colour in pictures.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (320, 180), colour).save(root / rel)
    outside = root.parent / "outside.png"
    Image.new("RGB", (8, 8), "black").save(outside)
    os.symlink(outside, root / "notes" / "escape.png")
    note = root / "notes" / "lesson.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n![[escape.png]]\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def lesson(vault, tmp_path_factory) -> tuple[Path, dict, str]:
    out = tmp_path_factory.mktemp("lesson") / "lesson"
    data, stderr = _import(vault / "notes" / "lesson.md", out)
    return out, data, stderr


def _slide(data: dict, title: str, index: int = 0) -> dict:
    return [s for s in _slides(data) if s["title"] == title][index]


def test_front_matter_and_the_h1_give_the_title(lesson):
    _, data, _ = lesson
    assert data["title"] == "Prompting in Practice"
    assert data["author"] == "Dr. Ada Example"
    assert data["date"] == "2025-03-07"
    assert [t["title"] for t in data["topics"]] == [
        "Prompting in Practice",
        "Basics",
        "Formats",
        "Last",
    ]


def test_nested_tab_lists_become_nested_bullets(lesson):
    _, data, _ = lesson
    bullets = _slide(data, "Nested lists with tabs")["bullets"]
    level = bullets[0]
    assert level["text"] == "Level one"
    assert level["items"][0]["text"] == "Level two"
    assert level["items"][0]["items"][0]["text"] == "Level three"
    # The fifth level is folded into the fourth, so nothing is lost.
    assert level["items"][0]["items"][0]["items"] == ["Level four; Level five"]
    assert bullets[1] == {"text": "Another top item", "items": ["indented with spaces"]}


def test_numbered_lists_become_modules_with_their_sub_lines(lesson):
    _, data, _ = lesson
    assert _slide(data, "Steps")["modules"] == [
        {"title": "Plan the prompt", "items": ["Say who the model is", "Say what to do"]},
        {"title": "Write it"},
        {"title": "Test it", "items": ["try an edge case", "try a long input"]},
    ]


def test_callouts_become_bullets_and_quotes_stay_quotes(lesson):
    _, data, _ = lesson
    assert _slide(data, "Callouts")["bullets"] == [
        {"text": "**Remember this**", "items": ["Prompts are programs.", "Test them like code."]},
        {"text": "**Folded warning**", "items": ["Models can be wrong."]},
    ]
    assert _slide(data, "Callouts", 1)["quote"] == {
        "text": "Simplicity is prerequisite for reliability.",
        "attribution": "Edsger Dijkstra",
    }


def test_math_html_links_and_comments_stay_readable(lesson):
    _, data, stderr = lesson
    slide = _slide(data, "Math and markup")
    assert slide["bullets"] == [
        "Energy is $E = mc^2$, with *italics*, **bold**, `code` and 2 \\* 3 stars",
        "A red span inside a bullet",
        "A [web link](https://example.org) and a local link",
        "Hidden remark",
        "$$\\sum_{i=1}^{n} x_i$$",
        "A block of HTML text",
    ]
    # Comments are private: neither Obsidian's nor HTML's reach the draft.
    assert "private" not in yaml.safe_dump(data) and "only a comment" not in yaml.safe_dump(data)
    assert "Hidden remark" in slide["notes"] and "**" not in slide["notes"]  # clean prose
    assert "lesson.md:48: warning: an Obsidian comment" in stderr
    assert "HTML kept as plain text" in stderr
    intro = _slide(data, "Prompting in Practice")["bullets"]
    assert intro == ["Intro paragraph before any topic, with a glossary link and **a highlight**."]


def test_tables_and_code_keep_their_form(lesson):
    _, data, _ = lesson
    assert _slide(data, "A table")["table"] == {
        "header": ["Tool", "Output"],
        "rows": [["pandoc", "PPTX"], ["Marp", "PDF"]],
    }
    assert _slide(data, "Code")["code"] == {"language": "python", "source": 'print("hello")'}


def test_pictures_are_found_like_obsidian_finds_them_and_copied(lesson, vault):
    out, data, _ = lesson
    images = {s["image"]["src"]: s["image"].get("alt") for s in _slides(data) if "image" in s}
    assert images == {
        "images/Pasted image 20250101120000.png": None,
        "images/diagram.png": "A diagram of the pipeline",
        "images/deep.png": None,  # |400 is a size, not alt text
        "images/rel space.png": "The relative picture",
        "images/same.png": None,
        "images/same-2.png": None,  # another file of the same name
    }
    copied = out / "images"
    assert (copied / "deep.png").read_bytes() == (vault / "deep/er/deep.png").read_bytes()
    assert (copied / "same-2.png").read_bytes() == (vault / "b/same.png").read_bytes()
    pasted = copied / "Pasted image 20250101120000.png"
    assert pasted.read_bytes() == (vault / "attachments" / pasted.name).read_bytes()
    assert not (copied / "escape.png").exists()  # a link out of the vault is not followed


def test_missing_and_unusable_pictures_become_placeholders_with_warnings(lesson):
    _, data, stderr = lesson
    diagrams = {s["diagram"]["source"]: s["diagram"] for s in _slides(data) if "diagram" in s}
    assert diagrams["missing.png"]["steps"] == ["Missing image: missing.png"]
    assert diagrams["broken.png"]["steps"] == ["Unreadable image: broken.png"]
    assert diagrams["picture.png"]["alt"] == "A web picture"
    assert diagrams["escape.png"]["steps"] == ["Missing image: escape.png"]
    assert "lesson.md:76: warning: image 'missing.png' was not found in the vault" in stderr
    assert "lesson.md:79: warning: 'https://example.org/picture.png' is on the web" in stderr
    assert "broken.png' cannot be used: not a picture" in stderr
    bullets = _slide(data, "Pictures")["bullets"]
    assert "(embedded note: Other note)" in bullets
    assert "(embedded file: handout.pdf)" in bullets
    assert "embedded file 'handout.pdf' is not a picture" in stderr


def test_an_empty_heading_is_reported_and_kept_in_the_notes(lesson):
    _, data, stderr = lesson
    assert "heading 'Empty heading' has no content" in stderr
    assert "'Empty heading'" in _slide(data, "Last")["notes"]


def test_the_vault_draft_checks_and_builds(lesson, tmp_path):
    folder, data, _ = lesson
    stdout = _checks(folder)
    assert "diagram 'missing.png' uses the drawing" in stdout
    result = run_cli("build", folder, "--out", tmp_path, "--format", "pptx")
    assert result.returncode == 0, result.stderr
    deck = Presentation(str(tmp_path / folder.name / f"{folder.name}.pptx"))
    assert len(deck.slides) >= len(_slides(data))


# --- small notes and mistakes --------------------------------------------------------------


@pytest.mark.parametrize("name", ["plain.md", "empty.md", "headings-only.md"])
def test_small_notes_become_lectures_that_check(name, tmp_path):
    out = tmp_path / "lecture"
    data, _ = _import(FIXTURES / name, out)
    _checks(out)
    if name == "plain.md":
        assert data["title"] == "plain"
        assert _slides(data)[0]["bullets"][1:] == [
            "first point",
            {"text": "second point", "items": ["a detail"]},
        ]
        assert _slides(data)[1]["modules"] == [{"title": "One"}, {"title": "Two"}]


def test_the_vault_option_finds_pictures_by_name(tmp_path, vault):
    note = tmp_path / "elsewhere.md"
    note.write_text("## Topic\n\n![[deep.png|The deep picture]]\n", encoding="utf-8")
    data, stderr = _import(note, tmp_path / "out", "--vault", vault)
    assert _slides(data)[0]["image"] == {"src": "images/deep.png", "alt": "The deep picture"}
    assert stderr == ""


def test_import_mistakes_are_clear_errors(tmp_path):
    missing = run_cli("import", tmp_path / "nope.md", "--out", tmp_path / "x")
    assert missing.returncode == 2 and "is not a file" in missing.stderr
    bad = tmp_path / "latin1.md"
    bad.write_bytes("# Title\n\nCaf\xe9\n".encode("latin-1"))
    result = run_cli("import", bad, "--out", tmp_path / "y")
    assert result.returncode == 2
    assert f"{bad}:3: not UTF-8 text" in result.stderr
    out = tmp_path / "z"
    _import(FIXTURES / "plain.md", out)
    again = run_cli("import", FIXTURES / "plain.md", "--out", out)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert run_cli("import", FIXTURES / "plain.md", "--out", out, "--force").returncode == 0
    for result in (missing, again):
        assert "Traceback" not in result.stderr


PIECES = [
    "# ", "## ", "### ", "- ", "\t- ", "    - ", "1. ", "\t2.1 ", "> ", "> [!note] ", "> [!tip]- ",
    "$", "$$", "```", "```python", "---", "|a|b|", "|-|-|", "<span>", "</span>", "<div>", "<!--",
    "-->", "%%", "==", "**", "*", "`", "[[", "]]", "![[", "x.png", "![a](b.png)",
    "![](https://x.org/y.png)", "[l](https://e.org)", "\\", "\n", "\n\n", "text ", "é", "* ",
    "99. ", "#tag", "<br>", ": ", "- [ ] ", "---\ntitle: t\n---\n", "| x |\n|---|\n| y |\n",
]  # fmt: skip


def test_random_notes_never_crash_and_always_give_a_valid_lecture(tmp_path):
    import random

    from slides.build import plan_lecture
    from slides.importer import import_note

    rng = random.Random(5)
    for i in range(60):
        note = tmp_path / f"note{i}.md"
        note.write_text("".join(rng.choices(PIECES, k=rng.randint(0, 60))), encoding="utf-8")
        import_note(note, tmp_path / f"out{i}")
        deck, _, _ = plan_lecture(tmp_path / f"out{i}")  # loads and validates like `check`
        assert deck.frames
