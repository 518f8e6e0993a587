"""The format documentation's examples are real: the complete example checks, snippets parse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_cli

from slides.model import DIAGRAM_KINDS, SLIDE_KINDS

DOC = ROOT / "docs" / "content-format.md"
MARKER = "<!-- complete-example -->"


def doc_text() -> str:
    return DOC.read_text("utf-8")


def complete_example() -> str:
    """The ```yaml block on the line after the marker comment (there must be exactly one)."""
    text = doc_text()
    assert text.count(MARKER) == 1, f"{DOC.name} needs exactly one {MARKER}"
    match = re.search(re.escape(MARKER) + r"\n```yaml\n(.*?)\n```\n", text, re.S)
    assert match, f"no ```yaml block right after {MARKER}"
    return match[1] + "\n"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    folder = tmp_path / "example"
    folder.mkdir()
    (folder / "lecture.yaml").write_text(complete_example(), "utf-8")
    return folder


def test_complete_example_passes_check_without_warnings(example: Path) -> None:
    result = run_cli("check", "--strict", example, cwd=example.parent)
    assert result.returncode == 0, result.stderr
    assert "example: ok, " in result.stdout
    assert "warning" not in result.stderr


def test_complete_example_shows_every_slide_kind_but_image() -> None:
    data = yaml.safe_load(complete_example())
    kinds = {k for topic in data["topics"] for slide in topic["slides"] for k in slide}
    missing = set(SLIDE_KINDS) - kinds - {"image"}
    assert not missing, f"the complete example has no {sorted(missing)} slide"
    assert complete_example().startswith("# yaml-language-server: $schema=")


def test_documented_errors_are_what_check_prints(example: Path) -> None:
    """The error lines the documentation quotes come from the real loader, word for word."""
    lecture = example / "lecture.yaml"
    lecture.write_text(
        "title: Demo\ntopics:\n  - title: Start\n    slides:\n      - title: First\n"
        "        bulets:\n          - One\n        notes: One. Two.\n",
        "utf-8",
    )
    result = run_cli("check", "example", cwd=example.parent)
    assert result.returncode == 2
    line = result.stderr.splitlines()[0]
    assert line == (
        "example/lecture.yaml:6:9: topics[0].slides[0].bulets: "
        "unknown key 'bulets' (did you mean 'bullets'?)"
    )
    assert line.replace("example/", "demo/", 1) in doc_text()


def test_every_yaml_snippet_parses() -> None:
    snippets = re.findall(r"```yaml\n(.*?)\n```", doc_text(), re.S)
    assert len(snippets) >= 15
    for snippet in snippets:
        yaml.safe_load(snippet)  # raises on a broken snippet


def test_every_slide_kind_and_diagram_kind_is_documented() -> None:
    text = doc_text()
    for kind in SLIDE_KINDS:
        assert f"### {kind}" in text, f"no section for the {kind} slide"
    for kind in DIAGRAM_KINDS:
        assert f"**{kind}**" in text and f"kind: {kind}" in text, f"diagram kind {kind}"


THEMES_DOC = ROOT / "docs" / "themes.md"


def test_the_complete_theme_example_builds_a_lecture(tmp_path: Path) -> None:
    """docs/themes.md's example: valid by the JSON Schema, and a lecture builds with it."""
    import json

    from jsonschema import Draft202012Validator
    from test_theme_folders import make_lecture, make_theme

    text = THEMES_DOC.read_text("utf-8")
    match = re.search(r"<!-- complete-theme -->\n```yaml\n(.*?)\n```\n", text, re.S)
    assert match, "docs/themes.md needs a ```yaml block right after <!-- complete-theme -->"
    theme = make_theme(tmp_path / "themes" / "dept")  # its fonts/ and crest.png
    (theme / "theme.yaml").write_text(match[1] + "\n", "utf-8")
    schema = json.loads((ROOT / "docs" / "theme.schema.json").read_text("utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(yaml.safe_load(match[1]))) == []
    lecture = make_lecture(tmp_path / "lectures" / "one")

    result = run_cli("build", lecture, "--format", "pptx", "--out", tmp_path / "out", "--strict")

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "one" / "one.pptx").is_file()


def test_the_themes_doc_names_every_key_of_theme_yaml() -> None:
    from slides import theme_file

    text = THEMES_DOC.read_text("utf-8")
    models = [theme_file.ThemeFile, theme_file.ThemeColours, theme_file.CodeColours]
    models += [theme_file.ThemeFonts, theme_file.FallbackSpec, theme_file.SubstituteSpec]
    keys = {key for model in models for key in model.__struct_fields__}
    assert sorted(k for k in keys if f"`{k}`" not in text) == []
