"""The slides PDF: the reveal.js deck printed by headless Chromium, one page per slide.

Chromium's own `--print-to-pdf` prints before reveal.js has built its print layout, so the
browser is driven instead: open the deck with `?print-pdf`, wait until reveal.js has made its
`.pdf-page` elements (and fonts and pictures have loaded), then print at the page size reveal.js
asks for. reveal.js gives a slide taller than the frame extra pages; that is reported as an error
naming the slide, since the PDF must match the deck plan page for page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from slides import chromium
from slides.errors import BuildError
from slides.render import Build, atomic_path

# Every fragment shown on one page (reveal.js would print a page per fragment step otherwise),
# and no speaker notes on the pages.
QUERY = "?print-pdf&pdfSeparateFragments=false&showNotes=false"
TIMEOUT_MS = 60_000

# Set by reveal.js when its print layout is complete (registered before any script runs).
_READY_FLAG = """
document.addEventListener('pdf-ready', () => { window.__slidesPdfReady = true; });
"""
_LAID_OUT = """
() => (window.__slidesPdfReady === true || document.querySelector('.pdf-page') !== null)
    && document.readyState === 'complete'
"""
_SETTLED = """
async () => {
  await document.fonts.ready;
  const pending = [...document.images].filter(img => !img.complete);
  await Promise.all(pending.map(img => img.decode().catch(() => null)));
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
}
"""
# Each printed slide: its title and how many PDF pages its .pdf-page element spans.
_PAGES = """
() => {
  const config = Reveal.getConfig();
  const size = Reveal.getComputedSlideSize(window.innerWidth, window.innerHeight);
  const pageHeight = Math.floor(size.height * (1 + config.margin)) + config.pdfPageHeightOffset;
  return [...document.querySelectorAll('.pdf-page')].map(page => {
    const heading = page.querySelector('h1, h2, h3');
    return {
      title: heading ? heading.textContent.trim() : '',
      pages: Math.max(1, Math.round(page.getBoundingClientRect().height / pageHeight)),
    };
  });
}
"""


@dataclass(frozen=True)
class Printed:
    """One slide as printed: its heading and the number of PDF pages it took."""

    title: str
    pages: int


def render(build: Build) -> Path:
    """Print <lecture>.html to <lecture>-slides.pdf; exactly one page per frame of the deck."""
    html = build.output("html")
    if not html.is_file():
        raise BuildError(f"the slides PDF is printed from the HTML deck, and {html} is missing")
    target = build.output("pdf")
    titles = [frame.display_title for frame in build.deck.frames]
    with atomic_path(target) as temp:
        printed = print_deck(html, temp)
        check_pages(temp, printed, titles)
    return target


def print_deck(html: Path, pdf: Path, timeout_ms: int = TIMEOUT_MS) -> list[Printed]:
    """Print a reveal.js deck to `pdf` in reveal.js's print mode; returns each slide's pages."""
    from playwright.sync_api import Error

    with chromium.browser("the slides PDF") as browser:
        page = browser.new_page()
        try:
            page.add_init_script(_READY_FLAG)
            page.goto(html.resolve().as_uri() + QUERY, wait_until="load", timeout=timeout_ms)
            page.wait_for_function(_LAID_OUT, timeout=timeout_ms)
            page.evaluate(_SETTLED)
            printed = [Printed(p["title"], p["pages"]) for p in page.evaluate(_PAGES)]
            page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        except Error as error:
            raise BuildError(f"printing {html} failed: {error.message.splitlines()[0]}") from None
    return printed


def check_pages(pdf: Path, printed: list[Printed], titles: list[str]) -> None:
    """Raise BuildError unless the PDF has one page per frame, naming the slides that spill over."""
    pages = count_pages(pdf)
    if pages == len(titles) and len(printed) == len(titles):
        return
    problems = []
    if len(printed) != len(titles):
        problems.append(f"the HTML deck has {len(printed)} slides, the deck plan {len(titles)}")
    for number, (slide, title) in enumerate(zip(printed, titles, strict=False), start=1):
        if slide.pages > 1:
            problems.append(
                f"slide {number} '{title}' is taller than the slide frame and prints on "
                f"{slide.pages} pages"
            )
    details = "; ".join(problems) or "reason unknown"
    raise BuildError(f"the slides PDF has {pages} pages for {len(titles)} slides: {details}")


def count_pages(pdf: Path) -> int:
    """The number of pages of a PDF file."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf.read_bytes())).pages)
