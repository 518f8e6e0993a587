"""The reveal.js deck in a real browser: it loads offline, has the deck plan's slides, every
slide's content stays inside the 1280 × 720 frame, pictures load with alt text, notes are there."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import GENAI, ROOT, SAMPLE, chromium_browser, require, run_cli
from screenshots import SHOW_SLIDE, VIEWPORT, open_deck, serve_folder, shoot

from slides.deck import Deck, plan
from slides.load import load_lecture

LECTURES = {"sample": SAMPLE, "genai": GENAI}

# Everything drawn on the current slide that leaves the slide frame, or a box whose content
# overflows it (clipped text), plus its pictures. Speaker notes are not drawn on the slide.
MEASURE = """
(slideId) => {
  const slide = document.getElementById(slideId);
  const frame = document.querySelector('.reveal .slides').getBoundingClientRect();
  const problems = [];
  const name = el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
    + ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
  for (const el of slide.querySelectorAll('*')) {
    if (el.closest('aside.notes')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.left < frame.left - 1 || box.right > frame.right + 1
        || box.top < frame.top - 1 || box.bottom > frame.bottom + 1) {
      problems.push(`${name(el)} at ${Math.round(box.left)},${Math.round(box.top)}`
        + `-${Math.round(box.right)},${Math.round(box.bottom)} leaves the slide`);
    }
  }
  // (Titles may overflow their line boxes by a glyph's extent: nothing clips them.)
  for (const el of slide.querySelectorAll('.body, .body *')) {
    if (el.closest('aside.notes') || el.clientHeight === 0) continue;
    if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${name(el)}: content ${el.scrollWidth}x${el.scrollHeight} overflows `
        + `its ${el.clientWidth}x${el.clientHeight} box`);
    }
  }
  const pictures = [...slide.querySelectorAll('img')].map(img => ({
    alt: img.getAttribute('alt') || '', width: img.naturalWidth, src: img.currentSrc,
    box: img.getBoundingClientRect().toJSON(),
  }));
  // A diagram drawn from data is inline SVG: its alt text is its aria-label.
  pictures.push(...[...slide.querySelectorAll('svg.diagram')].map(svg => ({
    alt: svg.getAttribute('aria-label') || '', width: svg.getBoundingClientRect().width,
    src: 'inline SVG', box: svg.getBoundingClientRect().toJSON(),
  })));
  return {problems, pictures};
}
"""


# Each printed page: its height, what is drawn outside it, and its visible slide number.
PRINTED = """
() => [...document.querySelectorAll('.pdf-page')].map(page => {
  const frame = page.getBoundingClientRect();
  const outside = [...page.querySelectorAll('section *')].filter(el => {
    if (el.closest('aside.notes')) return false;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) return false;
    return box.left < frame.left - 1 || box.right > frame.right + 1
      || box.top < frame.top - 1 || box.bottom > frame.bottom + 1;
  }).map(el => el.tagName + ' ' + (el.textContent || '').trim().slice(0, 30));
  const number = page.querySelector('.slide-number-pdf');
  const shown = number && getComputedStyle(number).display !== 'none' ? number.textContent : null;
  return {height: frame.height, outside: outside.join('; '), number: shown};
})
"""


@dataclass
class Loaded:
    """A deck open in the browser, and what happened while it loaded."""

    name: str
    deck: Deck
    folder: Path
    page: object
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """Both lectures built once, through the real command line."""
    out = tmp_path_factory.mktemp("html")
    for name, folder in LECTURES.items():
        if not (folder / "lecture.yaml").is_file():
            continue
        result = run_cli("build", folder, "--format", "qmd,html", "--out", out)
        assert result.returncode == 0, f"{name}: {result.stderr}"
    return out


@pytest.fixture(scope="module")
def base_url(out) -> str:
    with serve_folder(out) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    require("chromium")
    with chromium_browser("the browser tests") as launched:
        yield launched


@pytest.fixture(scope="module", params=list(LECTURES))
def loaded(request, out, base_url, browser) -> Loaded:
    folder = LECTURES[request.param]
    if not (folder / "lecture.yaml").is_file():
        pytest.skip(f"{folder} has no lecture.yaml yet")
    lecture, _ = load_lecture(folder)
    result = Loaded(request.param, plan(lecture), out / folder.name, None)
    page = browser.new_page(viewport=VIEWPORT)
    page.on("console", lambda m: result.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: result.errors.append(str(e)))
    page.on("requestfailed", lambda r: result.errors.append(f"{r.url}: {r.failure}"))
    page.on("request", lambda r: result.requests.append(r.url))
    # Anything for another host is refused, so a CDN reference fails loudly here.
    page.route(re.compile(r"^(?!http://127\.0\.0\.1[:/]|data:|blob:).*"), lambda r: r.abort())
    page.goto(f"{base_url}/{folder.name}/{folder.name}.html")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.evaluate("document.fonts.ready")
    result.page = page
    yield result
    page.close()


def test_deck_loads_offline_without_errors(loaded) -> None:
    assert loaded.errors == []
    assert loaded.requests, "no requests recorded"
    foreign = [u for u in loaded.requests if not u.startswith(("http://127.0.0.1", "data:"))]
    assert foreign == []
    # The theme's own fonts are used, from the files beside the deck.
    fonts = loaded.page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert any("Lato" in f for f in fonts)
    assert any(u.endswith("/fonts/Lato-Regular.ttf") for u in loaded.requests)


def test_slides_are_the_deck_plan(loaded) -> None:
    page, deck = loaded.page, loaded.deck
    assert page.evaluate("Reveal.getTotalSlides()") == len(deck.frames)
    # Topics are vertical stacks: their section slide on top, their slides below it.
    stacks = page.evaluate(
        "Reveal.getHorizontalSlides().map(s => s.classList.contains('stack')"
        " ? s.querySelectorAll(':scope > section').length : 1)"
    )
    expected = [1] + ([1] if deck.lecture.agenda else [])
    expected += [len(section.frames) for section in deck.sections]
    expected += [1] if deck.lecture.closing_title else []
    assert stacks == expected
    headings = page.evaluate(
        "Reveal.getSlides().map(s => s.querySelector('h1, h2').textContent.replace(/\\s+/g, ' '))"
    )
    from slides.inline import plain

    assert headings == [" ".join(plain(f.display_title).split()) for f in deck.frames]


def test_every_slide_fits_the_frame_and_its_pictures_load(loaded) -> None:
    page, deck = loaded.page, loaded.deck
    problems, pictures = [], 0
    for index, frame in enumerate(deck.frames):
        slide_id = page.evaluate(SHOW_SLIDE, index)
        found = page.evaluate(MEASURE, slide_id)
        problems += [f"slide {frame.number} ({slide_id}): {p}" for p in found["problems"]]
        for picture in found["pictures"]:
            pictures += 1
            assert picture["width"] > 0, f"slide {frame.number}: {picture['src']} did not load"
            assert picture["alt"].strip(), f"slide {frame.number}: a picture without alt text"
            assert "/" not in picture["alt"] and not picture["alt"].endswith(".png")
    assert problems == [], "\n".join(problems)
    assert pictures == sum(
        sum(n is not None for n in (f.slide.image, f.slide.diagram))
        + sum(c.image is not None or c.diagram is not None for c in f.slide.columns or [])
        for f in deck.frames
        if f.slide
    )


def test_every_slide_with_notes_has_them(loaded) -> None:
    notes = loaded.page.evaluate(
        "Object.fromEntries(Reveal.getSlides().map(s => [s.id,"
        " [...s.querySelectorAll('aside.notes')].map(a => a.textContent).join(' ')]))"
    )
    slides_with_notes = 0
    for frame, (slide_id, text) in zip(loaded.deck.frames, notes.items(), strict=True):
        if frame.notes:
            slides_with_notes += 1
            assert " ".join(text.split()) == " ".join(frame.notes.split()), slide_id
        else:
            assert text == "", slide_id
    assert slides_with_notes > 0


def test_prints_one_page_per_slide(loaded, base_url, browser) -> None:
    """reveal.js's print layout puts a slide taller than the frame on extra pages."""
    page = browser.new_page(viewport=VIEWPORT)
    name = loaded.folder.name
    url = f"{base_url}/{name}/{name}.html?print-pdf&pdfSeparateFragments=false"
    page.goto(url)
    page.wait_for_function("document.querySelectorAll('.pdf-page').length > 0")
    pages = page.evaluate(PRINTED)
    page.close()
    assert len(pages) == len(loaded.deck.frames)
    assert max(p["height"] for p in pages) <= 720.5
    assert [p["outside"] for p in pages if p["outside"]] == []
    # Slide numbers where the PPTX has them: on the agenda and content slides only.
    numbered = [p["number"] for p in pages]
    assert numbered == [
        str(f.number) if f.kind in ("agenda", "content") else None for f in loaded.deck.frames
    ]


def test_navigation_hash_overview_and_speaker_view(base_url, browser) -> None:
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(f"{base_url}/sample/sample.html#/topic-2-slide-2")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    assert page.evaluate("Reveal.getCurrentSlide().id") == "topic-2-slide-2"
    page.keyboard.press("ArrowDown")  # down: the next slide of the topic
    assert page.evaluate("Reveal.getCurrentSlide().id") == "topic-2-slide-3"
    page.keyboard.press("ArrowLeft")  # left: the previous topic, at its section slide
    assert page.evaluate("Reveal.getCurrentSlide().id") == "topic-1"
    page.wait_for_function("location.hash === '#/topic-1'")  # the hash follows the slide
    page.keyboard.press("Escape")  # overview of all slides
    assert page.evaluate("Reveal.isOverview()")
    page.keyboard.press("Escape")
    assert not page.evaluate("Reveal.isOverview()")
    page.goto(f"{base_url}/sample/sample.html#/topic-1-slide-2")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    with page.expect_popup() as opened:
        page.keyboard.press("s")  # speaker view: the notes of the current slide
    speaker = opened.value
    speaker.wait_for_function(
        "document.querySelector('.speaker-controls-notes .value')"
        " && document.querySelector('.speaker-controls-notes .value').textContent.length > 0"
    )
    assert "Notes for the quote." in speaker.inner_text(".speaker-controls-notes .value")
    speaker.close()
    page.close()


def test_self_contained_deck_is_one_file(tmp_path, browser) -> None:
    result = run_cli(
        "build", SAMPLE, "--format", "qmd,html", "--self-contained", "--out", tmp_path / "out"
    )
    assert result.returncode == 0, result.stderr
    alone = tmp_path / "alone" / "sample.html"
    alone.parent.mkdir()
    shutil.copy(tmp_path / "out" / "sample" / "sample.html", alone)
    page = browser.new_page(viewport=VIEWPORT)
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(alone.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    total = page.evaluate("Reveal.getTotalSlides()")
    widths = []
    for index in range(total):
        page.evaluate(SHOW_SLIDE, index)
        widths += page.evaluate(
            "[...Reveal.getCurrentSlide().querySelectorAll('img')].map(i => i.naturalWidth)"
        )
    page.close()
    lecture, _ = load_lecture(SAMPLE)
    assert total == len(plan(lecture).frames)
    assert widths and all(w > 0 for w in widths)
    assert [u for u in requests if not u.startswith(("data:", alone.as_uri()))] == []
    assert errors == []


def test_screenshot_shows_the_themed_title_slide(base_url, browser, tmp_path) -> None:
    """The title slide as a person sees it: the accent bar on the left, the title's colour."""
    from PIL import Image

    path = tmp_path / "title.png"
    page = open_deck(browser, f"{base_url}/sample/sample.html")
    shoot(page, 0, path)
    page.close()
    with Image.open(path) as shot:
        assert shot.size == (1280, 720)
        rgb = shot.convert("RGB")
        assert rgb.getpixel((10, 200)) == (0x1D, 0x6F, 0xA3)  # the accent bar
        colours = {rgb.getpixel((x, y)) for x in range(96, 600, 3) for y in range(300, 400, 3)}
    assert (0x0B, 0x3C, 0x5D) in colours  # heading colour in the title's glyphs


def test_quarto_renders_the_deck_when_it_is_installed(tmp_path) -> None:
    """Quarto can't be installed here: a stand-in `quarto` checks how the build calls it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "quarto"
    fake.write_text(
        "#!/usr/bin/env python3\n"
        "import os, sys\n"
        "out = sys.argv[sys.argv.index('--output') + 1]\n"
        "with open(out, 'w') as f:\n"
        "    f.write('<html>quarto ' + ' '.join(sys.argv[1:]) + ' in ' + os.getcwd() + '</html>')\n"
    )
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", str(SAMPLE), "--format", "qmd,html"]
        + ["--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    deck = out / "sample" / "sample.html"
    # The stand-in's page is no deck, so the parity check that follows the build fails;
    # what matters here is how quarto was run and where its output went.
    assert deck.is_file(), done.stderr
    text = deck.read_text()
    assert text.startswith("<html>quarto render sample.qmd --to revealjs --output .sample.html.")
    assert text.endswith(f" in {out / 'sample'}</html>")
    assert (out / "sample" / "theme.css").is_file()  # Quarto gets the theme beside the .qmd
