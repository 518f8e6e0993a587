"""The build as a whole: one way to run in parallel, one channel for problems, exit codes.

`--jobs 1` (nothing in parallel) and the default (forked workers) must give the same bytes, the
same messages and the same exit code; every problem reaches the user through the command line,
where -q, -v and --strict govern it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE, copy_lecture, run_cli
from test_pptx import make_template

from slides import chromium, cli
from slides.place import fit

HOSTILE = SAMPLE.parent / "hostile"
SAME_BYTES = ("pptx", "qmd", "html")


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix[1:] in SAME_BYTES}


def test_one_job_and_many_give_the_same_bytes_messages_and_exit_code(tmp_path: Path) -> None:
    """Several lectures (one of them broken): lectures, outputs and pictures in parallel or not."""
    broken = copy_lecture(SAMPLE, tmp_path / "lectures")
    broken = broken.rename(broken.parent / "broken")
    text = (broken / "lecture.yaml").read_text("utf-8")
    (broken / "lecture.yaml").write_text(text.replace("topics:", "topics: [", 1), "utf-8")
    lectures = [SAMPLE, HOSTILE, broken]
    runs = {}
    for jobs in ("1", "2"):
        root = tmp_path / f"jobs-{jobs}"
        root.mkdir()  # messages name out/…, relative to the working folder: the same both ways
        runs[jobs] = run_cli("build", *lectures, "--format", "pptx,html", "--jobs", jobs, cwd=root)
    serial, parallel = runs["1"], runs["2"]
    assert serial.returncode == parallel.returncode == 2, serial.stderr
    assert serial.stdout == parallel.stdout and serial.stderr == parallel.stderr
    assert "wrote out/sample/sample.pptx" in serial.stdout
    assert "[3/3] broken done" in serial.stdout
    for name in ("sample", "hostile"):
        one = outputs(tmp_path / "jobs-1" / "out" / name)
        assert set(one) == {f"{name}.pptx", f"{name}.qmd", f"{name}.html"}
        assert one == outputs(tmp_path / "jobs-2" / "out" / name)


def test_one_lecture_in_one_job_or_many_gives_the_same_bytes_and_messages(
    tmp_path: Path,
) -> None:
    runs = {}
    for jobs in ("1", "3"):
        root = tmp_path / f"jobs-{jobs}"
        root.mkdir()
        runs[jobs] = run_cli(
            "build", SAMPLE, "--format", "pptx,qmd,html,handout", "--jobs", jobs, cwd=root
        )
        assert runs[jobs].returncode == 0, runs[jobs].stderr
    assert runs["1"].stdout == runs["3"].stdout and runs["1"].stderr == runs["3"].stderr
    assert outputs(tmp_path / "jobs-1" / "out" / "sample") == outputs(
        tmp_path / "jobs-3" / "out" / "sample"
    )


def test_no_chromium_on_one_core_still_builds_the_handout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One core (as many CI containers have) and no browser: only the slides PDF is skipped."""
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    monkeypatch.setattr(chromium, "find", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    status = cli.main(["build", str(SAMPLE), "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 0, err
    built = sorted(p.name for p in (tmp_path / "sample").glob("sample*.*"))
    assert built == ["sample-handout.pdf", "sample.html", "sample.pptx", "sample.qmd"]
    pdf = tmp_path / "sample" / "sample-slides.pdf"
    assert err == (
        f"{pdf}: warning: skipped: no Chromium or Chrome found; install it with "
        "`sudo apt-get install chromium` (or `make setup`)\n"
    )


def test_no_chromium_in_ci_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(chromium, "find", lambda: None)
    monkeypatch.setenv("CI", "true")
    assert cli.main(["build", str(SAMPLE), "--format", "pdf", "--out", str(tmp_path)]) == 1
    assert "not made: no Chromium or Chrome found" in capsys.readouterr().err


def test_quiet_on_a_clean_lecture_prints_nothing(tmp_path: Path) -> None:
    result = run_cli("build", SAMPLE, "--format", "pptx,qmd,html,handout", "-q", cwd=tmp_path)
    assert result.returncode == 0
    assert (result.stdout, result.stderr) == ("", "")
    assert (tmp_path / "out" / "sample" / "sample-handout.pdf").is_file()


@pytest.fixture
def with_warnings(tmp_path: Path) -> Path:
    """A lecture whose PPTX template lacks layouts: the PPTX renderer warns."""
    folder = copy_lecture(SAMPLE, tmp_path)
    make_template(folder / "brand.pptx", delete=("Two Content", "Comparison"))
    with (folder / "lecture.yaml").open("a", encoding="utf-8") as f:
        f.write("pptx_template: brand.pptx\n")
    return folder


def test_a_renderers_warnings_obey_quiet_and_strict(with_warnings: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    loud = run_cli("build", with_warnings, "--format", "pptx", "--out", out)
    assert loud.returncode == 0
    assert (
        f"{out}/sample/sample.pptx: warning: template brand.pptx has no two-content layout"
        in loud.stderr
    )
    quiet = run_cli("build", with_warnings, "--format", "pptx", "--out", out, "-q", "--force")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    good = (out / "sample" / "sample.pptx").read_bytes()
    strict = run_cli(
        "build", with_warnings, "--format", "pptx", "--out", out, "--strict", "--force"
    )
    assert strict.returncode == 2
    assert "sample.pptx: template brand.pptx has no two-content layout" in strict.stderr
    assert (out / "sample" / "sample.pptx").read_bytes() == good  # the last good deck stays


@pytest.mark.parametrize(
    ("case", "args", "code"),
    [
        ("clean", [], 0),
        ("warnings", ["--pptx-template", "{template}"], 0),
        ("strict", ["--pptx-template", "{template}", "--strict"], 2),
        ("content error", ["--broken"], 2),
        ("usage error", ["--format", "docx"], 2),
        ("build failure", ["--pptx-template", "{not_pptx}"], 1),
    ],
)
def test_exit_codes(tmp_path: Path, case: str, args: list[str], code: int) -> None:
    """The exit codes the README lists (interrupts: tests/test_signals.py)."""
    folder = copy_lecture(SAMPLE, tmp_path)
    template = make_template(tmp_path / "brand.pptx", delete=("Two Content",))
    not_pptx = tmp_path / "notes.pptx"
    not_pptx.write_text("not a presentation", "utf-8")
    if "--broken" in args:
        text = (folder / "lecture.yaml").read_text("utf-8")
        (folder / "lecture.yaml").write_text(text.replace("topics:", "topics: [", 1), "utf-8")
        args = []
    args = [a.format(template=template, not_pptx=not_pptx) for a in args]
    if "--format" not in args:
        args += ["--format", "pptx"]
    result = run_cli("build", folder, "--out", tmp_path / "out", *args)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr


def test_an_edited_user_template_changes_the_deck(tmp_path: Path) -> None:
    """--pptx-template is keyed by its bytes, not its path."""
    template = make_template(tmp_path / "brand.pptx")
    out = tmp_path / "out"
    first = run_cli("build", SAMPLE, "--format", "pptx", "--out", out, "--pptx-template", template)
    assert first.returncode == 0, first.stderr
    before = (out / "sample" / "sample.pptx").read_bytes()
    make_template(template, delete=("Two Content",))  # the same file, edited
    again = run_cli("build", SAMPLE, "--format", "pptx", "--out", out, "--pptx-template", template)
    assert again.returncode == 0, again.stderr
    assert "up to date" not in again.stdout
    assert "has no two-content layout" in again.stderr
    assert (out / "sample" / "sample.pptx").read_bytes() != before


def test_an_edited_theme_is_read_again_in_the_same_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The theme and the text measurer are remembered by the theme's content, not its name."""
    from slides import cache, theme

    themes = tmp_path / "themes"
    shutil.copytree(theme.THEMES, themes)
    monkeypatch.setattr(theme, "THEMES", themes)
    monkeypatch.setattr(cache, "TEMPLATES", tmp_path)
    first, first_fitter = theme.load_theme("default"), fit.Fitter.for_theme("default")
    assert theme.load_theme("default") is first  # unchanged: remembered
    theme_yaml = themes / "default" / "theme.yaml"
    theme_yaml.write_text(theme_yaml.read_text("utf-8").replace("#0B3C5D", "#5D0B3C"), "utf-8")
    assert theme.load_theme("default").color("heading") == "#5D0B3C"
    assert fit.Fitter.for_theme("default") is not first_fitter


def test_workers_leave_the_inherited_heap_out_of_their_collections() -> None:
    """A worker's full collection would scan (and copy, page by page) all it inherited: the
    parent's objects are frozen while workers run, and collectable again after."""
    import gc

    from slides import workers

    frozen = list(workers.run([gc.get_freeze_count, gc.get_freeze_count], jobs=2))
    assert all(count > 1000 for count in frozen), frozen
    assert gc.get_freeze_count() == 0
