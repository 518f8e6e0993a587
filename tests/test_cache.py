"""The incremental build is correct: what changed is rebuilt, nothing else, and the same bytes.

The sample lecture is built once per module; each test works on its own copy of the lecture and
of that build, so tests stay independent and quick.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE, run_cli
from PIL import Image
from pypdf import PdfReader

from slides import cache

FORMATS = ("pptx", "qmd", "html", "handout")  # the slides PDF is checked by its own tests
OUTPUTS = {
    "pptx": "sample.pptx",
    "qmd": "sample.qmd",
    "html": "sample.html",
    "handout": "sample-handout.pdf",
}
ALL_KEYS = ("pptx", "qmd", "html", "handout", "pdf")


def build(lecture: Path, out: Path, *more: str) -> subprocess.CompletedProcess[str]:
    result = run_cli("build", lecture, "--format", ",".join(FORMATS), "--out", out, *more)
    assert result.returncode == 0, result.stderr
    return result


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file under folder (caches included): its mtime and a hash of its bytes."""
    return {
        str(p.relative_to(folder)): (
            p.stat().st_mtime_ns,
            hashlib.sha256(p.read_bytes()).hexdigest(),
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def pictures(snap: dict[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
    """The drawn diagrams and prepared images of the picture cache."""
    return {
        name: value
        for name, value in snap.items()
        if name.startswith(".cache/") and Path(name).name.startswith(("diagram-", "image-"))
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample lecture (a copy) and its first, cold build."""
    root = tmp_path_factory.mktemp("cache")
    lecture = root / "sample"
    shutil.copytree(SAMPLE, lecture)
    build(lecture, root / "out")
    return lecture, root / "out"


@pytest.fixture
def work(built: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the lecture and of its build (mtimes kept, so it is up to date)."""
    lecture, out = built
    shutil.copytree(lecture, tmp_path / "sample")
    shutil.copytree(out, tmp_path / "out")
    return tmp_path / "sample", tmp_path / "out"


def test_first_build_drew_pictures_and_recorded_every_output(built: tuple[Path, Path]) -> None:
    _, out = built
    snap = snapshot(out / "sample")
    # The flow diagram is drawn natively in every output: no picture of it is painted.
    assert not {n for n in pictures(snap) if "diagram-" in n}, "the flow diagram was painted"
    assert {n for n in pictures(snap) if "image-" in n}, "photo.png was not prepared"
    for name in OUTPUTS.values():
        assert name in snap


def test_second_build_writes_nothing(work: tuple[Path, Path]) -> None:
    lecture, out = work
    build(lecture, out)  # up to date again, should the tool's source have changed meanwhile
    before = snapshot(out)
    result = build(lecture, out)
    assert "up to date" in result.stdout
    assert "wrote" not in result.stdout
    assert snapshot(out) == before


def test_editing_a_slide_rebuilds_the_outputs_but_draws_no_picture(
    work: tuple[Path, Path],
) -> None:
    lecture, out = work
    before = snapshot(out / "sample")
    yaml_file = lecture / "lecture.yaml"
    text = yaml_file.read_text("utf-8")
    assert "- Third point" in text
    yaml_file.write_text(text.replace("- Third point", "- Third point, edited"), "utf-8")
    result = build(lecture, out)
    after = snapshot(out / "sample")
    for fmt, name in OUTPUTS.items():
        assert after[name][1] != before[name][1], f"{fmt} was not rebuilt"
        assert f"wrote {out / 'sample' / name}" in result.stdout or name in result.stdout
    assert "Third point, edited" in (out / "sample" / "sample.qmd").read_text("utf-8")
    assert pictures(after) == pictures(before), "a picture was redrawn for a text edit"


def test_changing_an_image_rebuilds_everything_but_the_diagram(work: tuple[Path, Path]) -> None:
    lecture, out = work
    before = snapshot(out / "sample")
    with Image.open(lecture / "images" / "photo.png") as old:
        size = old.size
    Image.new("RGB", size, (200, 30, 30)).save(lecture / "images" / "photo.png")
    build(lecture, out)
    after = snapshot(out / "sample")
    for fmt, name in OUTPUTS.items():
        assert after[name][1] != before[name][1], f"{fmt} did not take the new picture"
    diagrams = {n: v for n, v in pictures(after).items() if "diagram-" in n}
    assert diagrams == {n: v for n, v in pictures(before).items() if "diagram-" in n}
    new_images = set(pictures(after)) - set(pictures(before))
    assert any("image-" in n for n in new_images), "the changed image was not prepared again"


def test_deleting_the_cache_gives_the_same_bytes(work: tuple[Path, Path]) -> None:
    lecture, out = work
    deck = out / "sample"
    before = {fmt: (deck / name).read_bytes() for fmt, name in OUTPUTS.items()}
    shutil.rmtree(deck / ".cache")
    result = build(lecture, out)
    assert result.stdout.count("wrote") == len(FORMATS)
    for fmt in ("pptx", "qmd", "html"):
        assert (deck / OUTPUTS[fmt]).read_bytes() == before[fmt], f"{fmt} differs"
    # Typst stamps the handout with the time it was made; its pages and text must not change.
    old = deck / "old-handout.pdf"
    old.write_bytes(before["handout"])
    texts = [
        [page.extract_text() for page in PdfReader(pdf).pages]
        for pdf in (old, deck / OUTPUTS["handout"])
    ]
    assert texts[0] == texts[1]


def test_a_deleted_or_edited_output_is_rebuilt(work: tuple[Path, Path]) -> None:
    lecture, out = work
    deck = out / "sample"
    build(lecture, out)  # up to date again, should the tool's source have changed meanwhile
    (deck / "sample.qmd").unlink()
    with (deck / "sample.pptx").open("ab") as pptx:
        pptx.write(b"edited by hand")
    result = build(lecture, out)
    assert "sample.qmd" in result.stdout and "sample.pptx" in result.stdout
    assert "handout" not in result.stdout


# --- keys: templates and themes ------------------------------------------------------------

AUDIT = """
import os, sys
root = os.path.realpath(sys.argv[1])
def read(name):
    path = os.path.realpath(name)
    if path.startswith(root + os.sep):
        print("READ " + os.path.relpath(path, root), file=sys.stderr, flush=True)
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, os.PathLike)):
        read(os.fspath(args[0]))
    elif event == "subprocess.Popen":  # a template given to a program (pandoc's Lua filters)
        for arg in args[1] or ():
            if isinstance(arg, (str, os.PathLike)):
                read(os.fspath(arg).rpartition("=")[2])
sys.addaudithook(hook)
from slides.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.fixture(scope="module")
def reads(built: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The template files each format's build opens (with what it is made from), by format."""
    lecture, out = built
    copy = tmp_path_factory.mktemp("reads")
    for fmt in FORMATS:  # pictures already drawn: the builds only render
        shutil.copytree(out, copy / fmt)
    runs = {  # one build per format, all at once: they only read the shared files
        fmt: subprocess.Popen(
            [
                sys.executable,
                "-c",
                AUDIT,
                str(cache.TEMPLATES),
                "build",
                str(lecture),
                "--format",
                fmt,
                "--out",
                str(copy / fmt),
                "--force",
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for fmt in FORMATS
    }
    found = {}
    for fmt, process in runs.items():
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
        found[fmt] = {
            line[5:]
            for line in stderr.splitlines()
            if line.startswith("READ ") and not line[5:].startswith("themes")
        }
    found["pdf"] = found["html"]  # printed from the HTML deck: made from the same templates
    return found


def keys(folder: Path) -> dict[str, str]:
    """Each format's key with the default theme of the templates folder in use (it may be a
    copy)."""
    theme = cache.TEMPLATES / "themes" / "default"
    return {fmt: cache.output_key(folder, fmt, theme, {}) for fmt in ALL_KEYS}


def templates_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "templates"
    shutil.copytree(cache.TEMPLATES, copy)
    monkeypatch.setattr(cache, "TEMPLATES", copy)
    return copy


def test_every_format_reads_templates(reads: dict) -> None:
    for fmt in FORMATS:
        if fmt != "pptx":  # the PPTX is drawn in code unless the lecture gives a template
            assert reads[fmt], f"{fmt} read no template: is the audit hook working?"


def test_every_template_is_keyed_by_a_format() -> None:
    """A template no format's key covers would be edited without rebuilding anything."""
    keyed = {
        path
        for patterns in cache.TEMPLATE_GLOBS.values()
        for pattern in patterns
        for path in cache.TEMPLATES.glob(pattern)
    }
    themes = cache.TEMPLATES / "themes"  # keyed by the theme's digest, in every format
    files = [p for p in cache.TEMPLATES.rglob("*") if p.is_file() and themes not in p.parents]
    unkeyed = [str(p.relative_to(cache.TEMPLATES)) for p in files if p not in keyed]
    assert files and not unkeyed


def test_a_template_change_changes_exactly_the_formats_made_from_it(
    built: tuple[Path, Path], reads: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lecture, _ = built
    copy = templates_copy(tmp_path, monkeypatch)
    names = sorted({n for used in reads.values() for n in used})
    assert names
    for name in names:
        before = keys(lecture)
        with (copy / name).open("a", encoding="utf-8") as template:
            template.write("\n")
        after = keys(lecture)
        changed = {fmt for fmt in ALL_KEYS if after[fmt] != before[fmt]}
        users = {fmt for fmt in ALL_KEYS if name in reads[fmt]}
        assert changed == users, f"editing templates/{name} changes the keys of {changed}"


def test_a_theme_change_changes_every_key(
    built: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lecture, _ = built
    copy = templates_copy(tmp_path, monkeypatch)
    before = keys(lecture)
    theme = copy / "themes" / "default" / "theme.yaml"
    theme.write_text(theme.read_text("utf-8") + "\n# changed\n", "utf-8")
    after = keys(lecture)
    assert all(after[fmt] != before[fmt] for fmt in ALL_KEYS)


# --- what a no-op build and `check` pay for ----------------------------------------------


def imported(*args: str | Path) -> tuple[set[str], str]:
    """The top-level packages a CLI run imports (python -X importtime), and what it printed."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", str(ROOT / "build.py"), *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    modules = {
        line.split("|")[-1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return modules, result.stdout


def test_a_no_op_build_imports_nothing_heavy(work: tuple[Path, Path]) -> None:
    lecture, out = work
    args = ("build", lecture, "--format", ",".join(FORMATS), "--out", out)
    for _ in range(3):
        # Keys include the tool's source: in a checkout being edited, bring the build up to
        # date again right before the run that is measured.
        build(lecture, out)
        modules, printed = imported(*args)
        if "up to date" in printed:
            break
    assert "up to date" in printed
    assert not modules & {"pptx", "PIL", "typst", "pydantic", "jinja2", "lxml", "playwright"}


def test_check_does_not_import_the_renderers(work: tuple[Path, Path]) -> None:
    lecture, _ = work
    modules, _ = imported("check", lecture)
    assert not modules & {"pptx", "typst", "playwright", "pypdf"}


def test_the_html_deck_finds_pandoc_without_importing_pypandoc(tmp_path: Path) -> None:
    """pypandoc's import and its search (it runs every pandoc it finds) cost 0.03 s a deck:
    the wheel's pandoc is found where the wheel puts it."""
    from slides.render.html import pandoc_path

    assert Path(pandoc_path()).parent.parent.name == "pypandoc"
    args = ("build", SAMPLE, "--format", "html", "--out", tmp_path, "--jobs", "1")
    modules, _ = imported(*args)
    assert "slides" in modules and "pypandoc" not in modules


def test_a_folder_is_keyed_by_its_visible_files_nested_or_linked(tmp_path: Path) -> None:
    """What a lecture's or theme's digest reads: every visible file at any depth, a file linked
    to by its bytes; not hidden files or folders, nor what a linked folder holds."""
    folder, elsewhere = tmp_path / "lecture", tmp_path / "elsewhere"
    (folder / "images" / "deep").mkdir(parents=True)
    (elsewhere / "more").mkdir(parents=True)
    (folder / "lecture.yaml").write_text("title: A\n")
    (folder / "images" / "deep" / "a.png").write_bytes(b"one")
    (elsewhere / "b.png").write_bytes(b"two")
    (folder / "images" / "b.png").symlink_to(elsewhere / "b.png")
    (folder / "linked").symlink_to(elsewhere / "more")
    before = cache._tree_digest(folder)

    def changed(path: Path, data: bytes) -> bool:
        path.write_bytes(data)
        now = cache._tree_digest(folder)
        return now != before

    assert changed(folder / "images" / "deep" / "a.png", b"ONE")
    before = cache._tree_digest(folder)
    assert changed(elsewhere / "b.png", b"TWO")  # a linked file, by its bytes
    before = cache._tree_digest(folder)
    (folder / ".hidden").mkdir()
    assert not changed(folder / ".hidden" / "c.png", b"x")
    assert not changed(folder / "images" / ".d.png", b"x")
    assert not changed(elsewhere / "more" / "e.png", b"x")  # inside a linked folder
    assert cache._tree_digest(folder, ".yaml") != cache._tree_digest(folder)
