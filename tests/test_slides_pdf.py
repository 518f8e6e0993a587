"""The slides PDF: reveal.js decks printed by the system's Chromium, one page per slide."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import GENAI, ROOT, SAMPLE, copy_lecture, pdf_structure, require, run_cli

from slides import build, chromium, cli, inline, stored
from slides.deck import plan
from slides.errors import BuildError
from slides.load import load_lecture
from slides.render.slides_pdf import Printed, check_pages, count_pages, print_deck
from slides.signals import HOOK

REVEAL = ROOT / "node_modules" / "reveal.js" / "dist"
HAVE_HTML = importlib.util.find_spec("slides.render.html") is not None


def tiny_deck(folder: Path, extra: str = "") -> Path:
    """A reveal.js deck of four slides (one vertical stack, fragments), plus `extra` sections."""
    html = folder / "deck.html"
    html.write_text(
        f"""<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{REVEAL.as_uri()}/reveal.css">
<link rel="stylesheet" href="{REVEAL.as_uri()}/theme/white.css">
</head><body><div class="reveal"><div class="slides">
<section><h1>Title slide</h1></section>
<section>
  <section><h2>Alpha</h2><ul><li class="fragment">first step</li>
    <li class="fragment">second step</li></ul></section>
  <section><h2>Beta</h2><p>stacked below</p></section>
</section>
{extra}
<section><h2>Gamma</h2></section>
</div></div>
<script src="{REVEAL.as_uri()}/reveal.js"></script>
<script>Reveal.initialize({{width: 1280, height: 720, margin: 0, hash: true}});</script>
</body></html>""",
        "utf-8",
    )
    return html


def pdf_pages_text(pdf: Path) -> list[str]:
    out = subprocess.run(
        [require("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(page.split()) for page in out.split("\f")[:-1]]


def page_size(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(
        [require("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    return float(found[1]), float(found[2])


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Printed]]:
    require("chromium")
    folder = tmp_path_factory.mktemp("deck")
    pdf = folder / "deck.pdf"
    return pdf, print_deck(tiny_deck(folder), pdf)


def test_one_page_per_slide_with_every_fragment_shown(printed) -> None:
    pdf, slides = printed
    assert [s.title for s in slides] == ["Title slide", "Alpha", "Beta", "Gamma"]
    assert all(s.pages == 1 for s in slides)
    assert count_pages(pdf) == 4
    pages = pdf_pages_text(pdf)
    assert len(pages) == 4
    # reveal.js would print a page per fragment step; here one page shows them all.
    assert "first step" in pages[1] and "second step" in pages[1]
    assert [p.split()[0].casefold() for p in pages] == ["title", "alpha", "beta", "gamma"]


def test_pages_are_the_deck_size(printed) -> None:
    width, height = page_size(printed[0])
    assert (width, height) == (960, 540)  # 1280 × 720 px at 96 dpi


def test_a_slide_taller_than_its_frame_is_named(tmp_path: Path) -> None:
    require("chromium")
    paragraphs = "".join(f"<p>line {i}</p>" for i in range(30))
    html = tiny_deck(tmp_path, f"<section><h2>Too tall</h2>{paragraphs}</section>")
    pdf = tmp_path / "deck.pdf"
    slides = print_deck(html, pdf)
    assert [s.pages > 1 for s in slides] == [False, False, False, True, False]
    titles = ["Title slide", "Alpha", "Beta", "Too tall", "Gamma"]
    with pytest.raises(BuildError) as raised:
        check_pages(pdf, slides, titles)
    message = str(raised.value)
    assert message.startswith(f"the slides PDF has {count_pages(pdf)} pages for 5 slides: ")
    assert f"slide 4 'Too tall' is taller than the slide frame and prints on {slides[3].pages}" in (
        message
    )


def test_a_deck_with_other_slides_than_the_plan_is_refused(printed) -> None:
    pdf, slides = printed
    with pytest.raises(BuildError, match="the HTML deck has 4 slides, the deck plan 5"):
        check_pages(pdf, slides, ["a", "b", "c", "d", "e"])


def test_a_deck_that_does_not_load_is_named(tmp_path: Path) -> None:
    require("chromium")
    missing = tmp_path / "gone.html"
    with pytest.raises(
        BuildError, match=r"^printing .*gone\.html failed: net::ERR_FILE_NOT_FOUND$"
    ):
        print_deck(missing, tmp_path / "deck.pdf")


def test_a_page_reveal_js_never_lays_out_times_out_saying_so(tmp_path: Path) -> None:
    require("chromium")
    html = tmp_path / "plain.html"
    html.write_text("<!doctype html><title>not a deck</title><h1>Hello</h1>", "utf-8")
    with pytest.raises(BuildError) as raised:
        print_deck(html, tmp_path / "deck.pdf", timeout_ms=300)
    assert str(raised.value) == (
        f"printing {html} failed: Error: reveal.js did not lay the deck out for printing in 0.3 s"
    )
    assert not (tmp_path / "deck.pdf").exists()


# --- the browser process ----------------------------------------------------------------------


def processes_in_group(group: int) -> list[int]:
    """The ids of the live processes of a process group (Chromium and its helpers)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(int(entry.name))
    return found


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary files (Chromium's profile) go to the test's own folder."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_closing_kills_every_chromium_process_and_deletes_the_profile(private_tmp: Path) -> None:
    require("chromium")
    with chromium.Devtools("the test") as devtools:
        devtools.first_tab()  # up and running, helpers included
        group = devtools._process.pid
        assert len(processes_in_group(group)) > 2
        assert [p.name[:16] for p in private_tmp.iterdir()] == ["slides-chromium-"]
    assert processes_in_group(group) == []
    assert list(private_tmp.iterdir()) == []


def test_a_browser_that_does_not_start_is_named(
    private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chromium, "find", lambda: "/bin/false")
    with pytest.raises(BuildError) as raised:
        print_deck(private_tmp / "deck.html", private_tmp / "deck.pdf")
    assert str(raised.value) == "the slides PDF: /bin/false did not start"
    assert list(private_tmp.iterdir()) == []


def test_the_early_browser_is_closed_when_the_html_fails(
    private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The PDF's Chromium starts before the HTML is made; an HTML error must not leave it up."""
    require("chromium")
    started: list[chromium.Devtools] = []

    class Recorded(chromium.Devtools):
        def __init__(self, purpose: str) -> None:
            super().__init__(purpose)
            started.append(self)

    def broken(build) -> Path:
        started[0].first_tab()  # Chromium is up meanwhile
        raise BuildError("the HTML broke")

    monkeypatch.setattr(chromium, "Devtools", Recorded)
    monkeypatch.setattr(build, "renderer", lambda fmt: broken)
    rendered = build._render_group(["qmd", "html", "pdf"], SimpleNamespace(problems=[]))
    assert str(rendered.error) == "the HTML broke" and rendered.done == []
    assert len(started) == 1
    assert processes_in_group(started[0]._process.pid) == []
    assert list(private_tmp.iterdir()) == []


@pytest.mark.skipif(not HAVE_HTML, reason="the HTML deck renderer is not there yet")
def test_an_interrupted_pdf_build_leaves_no_chromium_and_no_half_pdf(tmp_path: Path) -> None:
    """Interrupt slides PDF builds at several moments: Chromium starting, loading, printing."""
    require("chromium")
    # Chromium's lock socket goes in TMPDIR, whose path must be short (a socket's limit).
    temp = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        interrupt_pdf_builds(temp, tmp_path / "out")
    finally:
        shutil.rmtree(temp)


def interrupt_pdf_builds(temp: Path, out: Path) -> None:
    """Chromium starting (while the HTML is made), Chromium printing, the PDF printed."""
    pdf = out / "sample" / "sample-slides.pdf"
    frames = len(plan(load_lecture(SAMPLE)[0]).frames)
    for moment, signum in (
        ("render:html", signal.SIGINT),
        ("render:pdf", signal.SIGTERM),
        ("replace", signal.SIGINT),
    ):
        hook = f"{moment}:TERM" if signum == signal.SIGTERM else moment
        process = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "build", str(SAMPLE), "--format", "pdf"]
            + ["--out", str(out), "--force"],
            capture_output=True,
            text=True,
            env={**os.environ, "TMPDIR": str(temp), HOOK: hook},
            timeout=120,
        )
        assert "Traceback" not in process.stderr, process.stderr
        assert process.returncode == 128 + signum, process.stderr
        # Chromium's profile and its lock folder (left by a killed Chromium); Jinja's cache and
        # the fonts' store (slides.stored) stay: they are kept between builds on purpose.
        kept = ("_jinja2-cache", stored.folder_name())
        left = [p.name for p in temp.iterdir() if not p.name.startswith(kept)]
        assert left == [], f"at {moment}: {left} left"
        alive = [p for p in Path("/proc").glob("[0-9]*/cmdline") if str(temp) in _read(p)]
        assert alive == [], f"at {moment}: Chromium processes left"
        assert [p.name for p in pdf.parent.glob(".sample-slides*")] == []
        if pdf.exists():
            assert count_pages(pdf) == frames


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


# --- without a browser ------------------------------------------------------------------------


def test_no_browser_skips_with_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chromium, "find", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(chromium.ChromiumMissing) as raised:
        chromium.executable("the slides PDF")
    assert raised.value.exit_code == 0
    assert raised.value.show() == (
        "warning: the slides PDF skipped: no Chromium or Chrome found; "
        "install it with `sudo apt-get install chromium` (or `make setup`)"
    )


def test_no_browser_in_ci_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chromium, "find", lambda: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(BuildError) as raised:
        chromium.executable("the slides PDF")
    assert not isinstance(raised.value, chromium.ChromiumMissing)
    assert raised.value.exit_code == 1
    assert "not made" in str(raised.value) and "required in CI" in str(raised.value)


# --- the real deck, through the command line --------------------------------------------------

needs_html = pytest.mark.skipif(not HAVE_HTML, reason="the HTML deck renderer is not there yet")
LECTURES = [SAMPLE, *([GENAI] if (GENAI / "lecture.yaml").is_file() else [])]


@pytest.fixture(scope="module", params=LECTURES, ids=lambda p: p.name)
def printed_lecture(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A lecture built to HTML and printed, through the command line."""
    if not HAVE_HTML:
        pytest.skip("the HTML deck renderer is not there yet")
    require("chromium")
    folder: Path = request.param
    out = tmp_path_factory.mktemp(folder.name)
    result = run_cli("build", folder, "--format", "html,pdf", "--out", out)
    assert result.returncode == 0, result.stderr
    lecture, _ = load_lecture(folder)
    return plan(lecture).frames, out / folder.name / f"{folder.name}-slides.pdf"


def test_the_lecture_prints_one_page_per_frame(printed_lecture) -> None:
    frames, pdf = printed_lecture
    assert count_pages(pdf) == len(frames)
    width, height = page_size(pdf)
    assert abs(width / height - 16 / 9) < 0.02


def test_each_printed_page_shows_its_slide_title(printed_lecture) -> None:
    frames, pdf = printed_lecture
    pages = pdf_pages_text(pdf)
    missing = [
        f"{frame.number} {title!r}"
        for frame, page in zip(frames, pages, strict=True)
        if (title := " ".join(inline.plain(frame.display_title).split())).casefold()
        not in page.casefold()
    ]
    # A title missing here but shown on screen means the deck's CSS does not hold in reveal.js
    # print mode (slides are moved into .pdf-page elements and lose their padding there).
    assert not missing, f"titles not on their printed page: {', '.join(missing)}"


def pdf_info(pdf: Path) -> str:
    return subprocess.run(
        [require("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout


def test_the_lecture_pdf_is_tagged_with_every_slide_in_its_structure(printed_lecture) -> None:
    """reveal.js hides all slides but one from assistive technology, so Chromium tagged them
    as NonStruct until the print un-hid them: every slide needs its heading, every picture its
    alt text."""
    frames, pdf = printed_lecture
    assert re.search(r"^Tagged:\s+yes$", pdf_info(pdf), re.M)
    tags = pdf_structure(pdf)
    headings = [tag for tag in tags if tag["/S"] in ("/H1", "/H2")]
    assert len(headings) == len(frames)
    # A picture is a Figure of its own; an HTML <figure> a Figure holding it and a Caption.
    pictures = [tag for tag in tags if tag["/S"] == "/Figure" and not _holds_tags(tag)]
    assert pictures and all(str(tag.get("/Alt", "")).strip() for tag in pictures)


def _holds_tags(tag: dict) -> bool:
    kids = tag.get("/K", [])
    kids = [kid.get_object() for kid in (kids if isinstance(kids, list) else [kids])]
    return any(isinstance(kid, dict) and "/S" in kid for kid in kids)


def test_the_slides_pdf_has_the_lectures_title_and_language(tmp_path: Path) -> None:
    from pypdf import PdfReader

    require("chromium")
    folder = copy_lecture(SAMPLE, tmp_path)
    text = (folder / "lecture.yaml").read_text("utf-8")
    text = text.replace("title: Every Slide Kind", "title: Ein **Titel** & <mehr>", 1)
    (folder / "lecture.yaml").write_text(text.replace("language: en", "language: de-AT"), "utf-8")
    result = run_cli("build", folder, "--format", "html,pdf", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "out" / folder.name / f"{folder.name}-slides.pdf"
    assert re.search(r"^Title:\s+Ein Titel & <mehr>$", pdf_info(pdf), re.M)
    root = PdfReader(pdf).trailer["/Root"]
    assert root["/Lang"] == "de-AT"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True


@needs_html
def test_build_without_browser_writes_the_rest_and_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(chromium, "find", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    status = cli.main(["build", str(SAMPLE), "--format", "html,pdf", "--out", str(tmp_path)])
    assert status == 0
    err = capsys.readouterr().err
    pdf = tmp_path / "sample" / "sample-slides.pdf"
    assert f"{pdf}: warning: skipped: no Chromium or Chrome found; install it" in err
    assert (tmp_path / "sample" / "sample.html").is_file()
    assert not (tmp_path / "sample" / "sample-slides.pdf").exists()
