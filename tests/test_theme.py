"""Mistakes in a theme's own file are located in theme.yaml and reported with the lecture's."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import IN_CI, SAMPLE, chromium_browser, copy_lecture, require

from slides import theme
from slides.cli import main
from slides.place import geometry


@pytest.fixture
def themes(tmp_path: Path, monkeypatch) -> Path:
    """A themes folder of our own holding a copy of the default theme; caches forgotten."""
    folder = tmp_path / "themes"
    shutil.copytree(theme.THEMES / "default", folder / "default")
    monkeypatch.setattr(theme, "THEMES", folder)
    theme._load_theme.cache_clear()
    yield folder
    theme._load_theme.cache_clear()


def logo_line(theme_yaml: Path) -> int:
    """The line of the `logo:` key in a theme.yaml (the default theme grows)."""
    lines = theme_yaml.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith("logo:"))


def build_with_themes(themes: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """`build ARGS` in a process of its own (builds fork), with the themes folder given."""
    run = (
        "import sys; from pathlib import Path; from slides import theme; "
        "from slides.cli import main; theme.THEMES = Path(sys.argv[1]); "
        "sys.exit(main(sys.argv[2:]))"
    )
    return subprocess.run(
        [sys.executable, "-c", run, themes, "build", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


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
        f"{path}:10:3: colors.mutd: unknown key 'mutd' (did you mean 'muted'?)",
        f'{path}:11:12: colors.surface: expected a colour written "#RRGGBB" (in quotes), '
        "got 'EEF4F8'",
        f"{path}:{logo_line(path)}:7: logo: 'logo.svg' is not a PNG or JPEG file",
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
    line = logo_line(path)
    assert shown[0] == f"{path}:{line}:7: logo: logo not found: {path.parent / 'dept.png'}"


def test_a_theme_logo_is_on_every_output_with_alt_text(themes, tmp_path) -> None:
    """The logo is the theme's picture: every output shows it, parity counts it as the theme's."""
    from PIL import Image
    from pptx import Presentation
    from screenshots import SHOW_SLIDE, open_deck

    from slides.build import plan_lecture
    from slides.parity import check_outputs
    from slides.render.qmd import px

    dept = themes / "dept"
    shutil.copytree(themes / "default", dept)
    Image.new("RGB", (400, 160), "#0B3C5D").save(dept / "crest.png")
    text = (dept / "theme.yaml").read_text(encoding="utf-8")
    (dept / "theme.yaml").write_text(text.replace("logo: null", "logo: crest.png"), "utf-8")
    folder = copy_lecture(SAMPLE, tmp_path)
    text = (folder / "lecture.yaml").read_text(encoding="utf-8")
    (folder / "lecture.yaml").write_text(text.replace("\ntopics:", "\ntheme: dept\ntopics:"))
    out = tmp_path / "out"
    formats = "pptx,html,handout"

    result = build_with_themes(themes, folder, "--format", formats, "--out", out)
    assert result.returncode == 0, result.stderr

    built = out / folder.name
    alt = "Test University logo"  # the lecture's institution
    logo = (dept / "crest.png").read_bytes()
    title = Presentation(built / f"{folder.name}.pptx").slides[0]
    [picture] = [shape for shape in title.shapes if shape.shape_type == 13]  # PICTURE
    assert picture.image.blob == logo
    assert picture._element.nvPicPr.cNvPr.get("descr") == alt
    pages = subprocess.run(
        [require("pdfimages"), "-list", "-f", "1", "-l", "1", built / f"{folder.name}-handout.pdf"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[2:]
    assert [line.split()[3:5] for line in pages] == [["400", "160"]]
    require("chromium")
    with chromium_browser("the logo test") as browser:
        page = open_deck(browser, (built / f"{folder.name}.html").as_uri())
        page.evaluate(SHOW_SLIDE, 0)
        shown = page.get_by_role("img", name=alt)
        box = shown.bounding_box()
        frame = page.locator(".reveal .slides").bounding_box()
        natural = shown.evaluate("img => img.naturalWidth")
        page.close()
    assert natural == 400
    assert box["x"] + box["width"] - frame["x"] == pytest.approx(px(geometry.LOGO_BOX.right), abs=1)
    assert box["y"] - frame["y"] == pytest.approx(px(geometry.LOGO_BOX.y), abs=1)
    # Parity counts it as the theme's: an HTML deck that lost it is drift.
    deck, theme_, _ = plan_lecture(folder)
    html = built / f"{folder.name}.html"
    html.write_text(
        re.sub(r'<img [^>]*alt="Test University logo"[^>]*>', "", html.read_text("utf-8")),
        "utf-8",
    )
    assert check_outputs(deck, {"html": html}, theme_) == [
        "html: slide 1 (title): 0 logos, the theme puts 1 there"
    ]


def test_the_handout_uses_the_themes_own_font(themes, tmp_path) -> None:
    """A theme without Lato: the handout is set in its font, with no warning about Lato."""
    serif = require_file("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
    folder = themes / "serif"
    shutil.copytree(themes / "default", folder)
    text = (folder / "theme.yaml").read_text(encoding="utf-8")
    start = text.index("  sans: {")
    end = text.index("}", start) + 1
    sans = f"  sans: {{family: Liberation Serif, files: [{serif}]}}"
    (folder / "theme.yaml").write_text(text[:start] + sans + text[end:], encoding="utf-8")
    lecture = lecture_with_theme(tmp_path / "lecture", "serif")
    out = tmp_path / "out"

    result = build_with_themes(themes, lecture, "--format", "handout", "--out", out)

    assert result.returncode == 0, result.stderr
    assert "unknown font family" not in result.stderr
    fonts = subprocess.run(
        [require("pdffonts"), out / "lecture" / "lecture-handout.pdf"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "LiberationSerif" in fonts and "Lato" not in fonts


def require_file(path: str) -> str:
    """A font file the set-up installs; skip without it, except in CI."""
    if not Path(path).is_file():
        message = f"{path} is not installed (make setup installs it)"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    return path
