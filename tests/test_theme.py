"""Mistakes in a theme's own file are located in theme.yaml and reported with the lecture's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from slides import theme
from slides.cli import main


@pytest.fixture
def themes(tmp_path: Path, monkeypatch) -> Path:
    """A themes folder of our own holding a copy of the default theme; caches forgotten."""
    folder = tmp_path / "themes"
    shutil.copytree(theme.THEMES / "default", folder / "default")
    monkeypatch.setattr(theme, "THEMES", folder)
    theme.load_theme.cache_clear()
    yield folder
    theme.load_theme.cache_clear()


def lecture_with_theme(folder: Path, name: str, extra: str = "") -> Path:
    folder.mkdir()
    (folder / "lecture.yaml").write_text(
        f"title: T\ntheme: {name}\ntopics:\n  - title: A\n    slides:\n"
        f"      - title: S\n        notes: n\n        bullets: [x]\n{extra}",
        encoding="utf-8",
    )
    return folder


def test_theme_mistakes_are_located_in_theme_yaml_with_the_lectures(themes, tmp_path, capsys):
    path = themes / "dept" / "theme.yaml"
    shutil.copytree(themes / "default", path.parent)
    text = path.read_text(encoding="utf-8")
    for old, new in [
        ('text: "#1F2933"', "text: #1F2933"),  # unquoted: YAML reads a comment
        ('surface: "#EEF4F8"', "surface: EEF4F8"),
        ('muted: "#52606D"', 'mutd: "#52606D"'),
        ("logo: null", "logo: logo.svg"),
    ]:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    folder = lecture_with_theme(tmp_path / "lecture", "dept", "        incremental: maybe\n")

    status = main(["check", str(folder)])

    shown = capsys.readouterr().err.splitlines()
    assert status == 2
    assert shown == [
        f"{path}:6:8: colors.text: YAML reads `#1F2933` as a comment, so the value is empty. "
        'Put the text in quotes:  text: "#1F2933"        # body text',
        f'{path}:11:12: colors.surface: expected a colour written "#RRGGBB" (in quotes), '
        "got 'EEF4F8'",
        f"{path}:10:3: colors.mutd: unknown key 'mutd' (did you mean 'muted'?)",
        f"{path}:19:7: logo: 'logo.svg' is not a PNG or JPEG file",
        f"{folder / 'lecture.yaml'}:9:22: topics[0].slides[0].incremental: "
        "expected true or false, got 'maybe'",
        "5 errors found; nothing was built.",
    ]


def test_low_contrast_is_located_at_the_colour_with_one_that_passes(themes, tmp_path, capsys):
    path = themes / "pale" / "theme.yaml"
    shutil.copytree(themes / "default", path.parent)
    text = path.read_text(encoding="utf-8").replace('text: "#1F2933"', 'text: "#BBBBBB"')
    path.write_text(text, encoding="utf-8")
    folder = lecture_with_theme(tmp_path / "lecture", "pale")

    assert main(["check", str(folder)]) == 2

    shown = capsys.readouterr().err.splitlines()
    assert shown[0] == (
        f"{path}:6:9: colors.text: text #BBBBBB on background #FFFFFF has contrast 1.92:1; "
        "body text need at least 4.5:1 (WCAG 2.1 AA). The nearest that passes:  "
        'text: "#767676"'
    )


def test_a_missing_logo_is_located_at_its_key(themes, tmp_path, capsys):
    path = themes / "dept" / "theme.yaml"
    shutil.copytree(themes / "default", path.parent)
    text = path.read_text(encoding="utf-8").replace("logo: null", "logo: dept.png")
    path.write_text(text, encoding="utf-8")

    assert main(["check", str(lecture_with_theme(tmp_path / "lecture", "dept"))]) == 2

    shown = capsys.readouterr().err.splitlines()
    assert shown[0] == f"{path}:19:7: logo: logo not found: {path.parent / 'dept.png'}"
