"""Themes the user owns: a folder beside the lectures (or named by path, or --theme) with its
own fonts and logo, outside the tool's checkout, reaching every output and every cache key."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, require, run_cli
from PIL import Image

from slides.build import output_keys
from slides.cli import main
from slides.parity import read_html
from slides.render import Options

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
SERIF = {
    "regular": "DejaVuSerif.ttf",
    "bold": "DejaVuSerif-Bold.ttf",
    "italic": "DejaVuSerif-Italic.ttf",
    "bold_italic": "DejaVuSerif-BoldItalic.ttf",
}
THEME_YAML = """\
colors:
  background: "#FFFFFF"
  text: "#222222"
  heading: "#6A1B2A"
  accent: "#8C2233"
  accent_text: "#FFFFFF"
  muted: "#555555"
  surface: "#F6EEEF"
  palette: ["#8C2233", "#2A6F97", "#6A994E"]
fonts:
  sans: {family: DejaVu Serif, folder: fonts, regular: DejaVuSerif.ttf, bold: DejaVuSerif-Bold.ttf,
         italic: DejaVuSerif-Italic.ttf, bold_italic: DejaVuSerif-BoldItalic.ttf}
  mono: {family: DejaVu Sans Mono, files: [/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf]}
logo: crest.png
logo_alt: Department crest
"""
LECTURE = """\
title: Owned themes
institution: Test University
theme: {theme}
topics:
  - title: A
    slides:
      - title: Serif bullets
        notes: n
        bullets: [One point in the theme font, Another point]
"""


def make_theme(folder: Path) -> Path:
    """A theme folder of the user's: theme.yaml, DejaVu Serif's files in fonts/, a logo."""
    fonts = folder / "fonts"
    fonts.mkdir(parents=True)
    for name in SERIF.values():
        source = DEJAVU / name
        if not source.is_file():
            pytest.skip(f"{source} is not installed (make setup installs fonts-dejavu)")
        shutil.copy(source, fonts / name)
    Image.new("RGB", (300, 120), "#8C2233").save(folder / "crest.png")
    (folder / "theme.yaml").write_text(THEME_YAML, "utf-8")
    return folder


def make_lecture(folder: Path, theme: str = "dept") -> Path:
    folder.mkdir(parents=True)
    (folder / "lecture.yaml").write_text(LECTURE.format(theme=theme), "utf-8")
    return folder


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A user's repository outside the checkout: themes/dept/ and lectures/one/ naming it."""
    assert not tmp_path.is_relative_to(ROOT)
    make_theme(tmp_path / "themes" / "dept")
    return make_lecture(tmp_path / "lectures" / "one")


def test_a_theme_beside_the_lectures_reaches_every_output(course: Path, tmp_path: Path) -> None:
    from pptx import Presentation

    out = tmp_path / "out"
    result = run_cli("build", course, "--format", "pptx,html,handout", "--out", out)
    assert result.returncode == 0, result.stderr

    built = out / "one"
    logo = (tmp_path / "themes" / "dept" / "crest.png").read_bytes()
    deck = Presentation(str(built / "one.pptx"))
    [picture] = [s for s in deck.slides[0].shapes if s.shape_type == 13]  # PICTURE
    assert picture.image.blob == logo
    assert picture._element.nvPicPr.cNvPr.get("descr") == "Department crest"
    fonts = {
        r.font.name
        for s in deck.slides
        for sh in s.shapes
        if sh.has_text_frame
        for p in sh.text_frame.paragraphs
        for r in p.runs
    } - {None}
    assert "DejaVu Serif" in fonts and "Lato" not in fonts
    # The HTML deck: the font files beside it, named by @font-face, and the logo.
    assert (built / "fonts" / "DejaVuSerif-Bold.ttf").read_bytes() == (
        tmp_path / "themes" / "dept" / "fonts" / "DejaVuSerif-Bold.ttf"
    ).read_bytes()
    css = (built / "theme.css").read_text("utf-8")
    assert 'font-family: "DejaVu Serif"' in css and "fonts/DejaVuSerif.ttf" in css
    facts = read_html(built / "one.html", tmp_path / "themes" / "dept" / "crest.png")
    assert facts[0].logos == 1
    # The handout: the logo (pdfimages) and the theme's font (pdffonts), no Lato.
    handout = built / "one-handout.pdf"
    images = subprocess.run(
        [require("pdfimages"), "-list", handout], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert ["300", "120"] in [line.split()[3:5] for line in images]
    fonts_used = subprocess.run(
        [require("pdffonts"), handout], capture_output=True, text=True, check=True
    ).stdout
    assert "DejaVuSerif" in fonts_used and "Lato" not in fonts_used


def test_an_edited_theme_outside_the_checkout_changes_every_key(course: Path) -> None:
    """theme.yaml, the logo and a font file each rebuild every output when edited."""
    dept = course.parent.parent / "themes" / "dept"
    formats = ["pptx", "qmd", "html", "handout"]
    seen = [output_keys(course, formats, Options())]
    assert output_keys(course, formats, Options()) == seen[0]  # nothing changed: same keys
    edits = [
        lambda: (dept / "theme.yaml").write_text(THEME_YAML.replace("#6A1B2A", "#5A1B2A")),
        lambda: Image.new("RGB", (300, 120), "#2A6F97").save(dept / "crest.png"),
        lambda: shutil.copy(DEJAVU / "DejaVuSerifCondensed.ttf", dept / "fonts" / SERIF["regular"]),
    ]
    for edit in edits:
        edit()
        keys = output_keys(course, formats, Options())
        assert all(keys[fmt] != before[fmt] for before in seen for fmt in formats)
        seen.append(keys)


def test_a_font_file_named_outside_the_theme_folder_is_keyed_by_its_bytes(
    course: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "shared-fonts"
    elsewhere.mkdir()
    shutil.copy(DEJAVU / SERIF["regular"], elsewhere / "Serif.ttf")
    theme_yaml = tmp_path / "themes" / "dept" / "theme.yaml"
    theme_yaml.write_text(
        THEME_YAML.replace(
            "folder: fonts, regular: DejaVuSerif.ttf", f"folder: {elsewhere}, regular: Serif.ttf"
        )
    )
    before = output_keys(course, ["pptx"], Options())
    shutil.copy(DEJAVU / "DejaVuSerifCondensed.ttf", elsewhere / "Serif.ttf")
    assert output_keys(course, ["pptx"], Options()) != before


def test_a_theme_is_named_by_path_or_given_with_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_theme(tmp_path / "looks" / "serif")
    by_path = make_lecture(tmp_path / "a", theme="../looks/serif")
    plain = make_lecture(tmp_path / "b", theme="default")
    from slides.build import plan_lecture

    assert plan_lecture(by_path)[1].sans.family == "DejaVu Serif"
    assert plan_lecture(plain)[1].sans.family == "Lato"
    assert plan_lecture(plain, tmp_path / "looks" / "serif")[1].sans.family == "DejaVu Serif"
    given = Options(theme=tmp_path / "looks" / "serif")
    assert output_keys(plain, ["pptx"], given) != output_keys(plain, ["pptx"], Options())
    assert main(["check", str(plain), "--theme", str(tmp_path / "looks" / "serif")]) == 0


def test_a_theme_path_that_holds_no_theme_is_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_lecture(tmp_path / "a", theme="../looks/missing")

    assert main(["check", str(folder)]) == 2

    [shown, *_] = capsys.readouterr().err.splitlines()
    assert shown == (
        f"{folder / 'lecture.yaml'}:3:8: theme: no theme.yaml in {folder / '../looks/missing'}. "
        "Write the path of a theme folder, relative to the lecture folder."
    )


def test_the_theme_option_needs_a_theme_folder(tmp_path: Path) -> None:
    folder = make_lecture(tmp_path / "a")

    result = run_cli("build", folder, "--theme", tmp_path, "--out", tmp_path / "out")

    assert result.returncode == 2
    assert f"--theme: no theme.yaml in '{tmp_path}'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_new_theme_scaffolds_the_default_ready_to_edit(tmp_path: Path) -> None:
    import yaml

    made = run_cli("new", "--theme", "dept", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    with_lecture = run_cli("new", "lectures/one", "--title", "One", "--theme", "dept", cwd=tmp_path)
    assert with_lecture.returncode == 0, with_lecture.stderr

    theme_yaml = tmp_path / "themes" / "dept" / "theme.yaml"
    default = ROOT / "templates" / "themes" / "default" / "theme.yaml"
    data, original = (yaml.safe_load(p.read_text("utf-8")) for p in (theme_yaml, default))
    assert data == original | {"name": "dept"}  # the default's keys, ready to edit
    text = theme_yaml.read_text("utf-8")
    schema = text.splitlines()[0].split("$schema=", 1)[1]
    assert (theme_yaml.parent / schema).resolve() == ROOT / "docs" / "theme.schema.json"
    assert "# Highlighted code" in text  # the default's comments come along
    lecture = tmp_path / "lectures" / "one"
    assert (tmp_path / "lectures" / "themes" / "dept" / "theme.yaml").is_file()  # beside it
    assert "\ntheme: dept\n" in (lecture / "lecture.yaml").read_text("utf-8")
    checked = run_cli("check", lecture)
    assert checked.returncode == 0, checked.stderr
    again = run_cli("new", "--theme", "dept", cwd=tmp_path)
    assert again.returncode == 2
    assert again.stderr.splitlines()[0] == (
        "error: themes/dept/theme.yaml already exists; edit it, or choose a new name"
    )


def test_serve_watches_a_theme_of_the_users_own(course: Path, tmp_path: Path) -> None:
    from slides.serve import _own_themes

    plain = make_lecture(tmp_path / "lectures" / "two", theme="default")

    assert _own_themes([course, plain], None) == {(tmp_path / "themes" / "dept").resolve()}
    assert _own_themes([plain], None) == set()  # built in: templates/ is watched already
    given = tmp_path / "themes" / "dept"
    assert _own_themes([plain], given) == {given.resolve()}
