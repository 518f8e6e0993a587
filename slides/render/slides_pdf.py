"""The slides PDF: the reveal.js deck printed by headless Chromium, one page per slide.

Chromium's own `--print-to-pdf` prints before reveal.js has built its print layout, so the
browser is driven instead, over its DevTools pipe (`chromium.Devtools`): open the deck with
`?print-pdf`, wait until reveal.js has made its `.pdf-page` elements (and fonts and pictures
have loaded), then print at the page size reveal.js asks for. reveal.js gives a slide taller
than the frame extra pages; that is reported as an error naming the slide, since the PDF must
match the deck plan page for page.
"""

from __future__ import annotations

import base64
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
# Run after the load event: waits for reveal.js's print layout, then for fonts and pictures.
_SETTLED = """
async (timeoutMs) => {
  const deadline = Date.now() + timeoutMs;
  while (!(window.__slidesPdfReady === true || document.querySelector('.pdf-page') !== null)) {
    if (Date.now() > deadline) {
      throw new Error(`reveal.js did not lay the deck out for printing in ${timeoutMs / 1000} s`);
    }
    await new Promise(done => setTimeout(done, 10));
  }
  await document.fonts.ready;
  const pending = [...document.images].filter(img => !img.complete);
  await Promise.all(pending.map(img => img.decode().catch(() => null)));
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
}
"""
# reveal.js hides every slide but the current one from assistive technology (aria-hidden and
# hidden), and Chromium tags a PDF from what assistive technology sees. Printed, every slide is
# shown: every slide is content.
_ACCESSIBLE = """
() => {
  for (const slide of document.querySelectorAll('.reveal .slides section')) {
    slide.removeAttribute('aria-hidden');
    slide.removeAttribute('hidden');
  }
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


def render(build: Build, browser: chromium.Devtools | None = None) -> Path:
    """Print <lecture>.html to <lecture>-slides.pdf; exactly one page per frame of the deck.

    `browser` is a Chromium started earlier (it comes up while the HTML is made); closed here.
    """
    html = build.output("html")
    if not html.is_file():
        raise BuildError(f"the slides PDF is printed from the HTML deck, and {html} is missing")
    target = build.output("pdf")
    titles = [frame.display_title for frame in build.deck.frames]
    with atomic_path(target) as temp:
        printed = print_deck(html, temp, browser=browser)
        check_pages(temp, printed, titles)
    return target


def print_deck(
    html: Path,
    pdf: Path,
    timeout_ms: int = TIMEOUT_MS,
    browser: chromium.Devtools | None = None,
) -> list[Printed]:
    """Print a reveal.js deck to `pdf` in reveal.js's print mode; returns each slide's pages.

    Prints with `browser` if given (closing it), else with a Chromium started here.
    """
    timeout = timeout_ms / 1000 + 5  # the page's own waits time out first, with a better message
    with browser or chromium.Devtools("the slides PDF") as devtools:
        try:
            tab = devtools.first_tab(timeout)
            devtools.call("Page.enable", tab, timeout)
            devtools.call("Page.addScriptToEvaluateOnNewDocument", tab, timeout, source=_READY_FLAG)
            url = html.resolve().as_uri() + QUERY
            navigated = devtools.call("Page.navigate", tab, timeout, url=url)
            if navigated.get("errorText"):
                raise chromium.PageError(navigated["errorText"])
            devtools.forget("Page.loadEventFired", tab)  # the blank tab's, if any
            devtools.event("Page.loadEventFired", tab, timeout)
            devtools.evaluate(tab, _SETTLED, timeout_ms, timeout=timeout)
            devtools.evaluate(tab, _ACCESSIBLE, timeout=timeout)
            printed = [
                Printed(p["title"], p["pages"])
                for p in devtools.evaluate(tab, _PAGES, timeout=timeout)
            ]
            printing = devtools.send(
                "Page.printToPDF",
                tab,
                preferCSSPageSize=True,
                printBackground=True,
                **dict.fromkeys(("marginTop", "marginBottom", "marginLeft", "marginRight"), 0),
                generateTaggedPDF=True,  # for screen readers: +0.02 s CPU at 32 slides
            )
            import pypdf  # noqa: F401  (check_pages reads the PDF: import it while Chromium prints)

            pdf.write_bytes(base64.b64decode(devtools.result(printing, timeout)["data"]))
        except chromium.PageError as error:
            raise BuildError(f"printing {html} failed: {error}") from None
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
