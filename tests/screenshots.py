"""Screenshots of reveal.js decks in headless Chromium, for looking at them and for docs/.

    python tests/screenshots.py [OUT_DIR]

builds the sample and the GenAI lecture (qmd + html) into OUT_DIR/build, takes a 1280 × 720
screenshot of every slide into OUT_DIR (default /tmp/slides-shots), and refreshes
docs/html-title.png and docs/html-diagram.png. The browser tests use `serve_folder` and `shoot`.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIEWPORT = {"width": 1280, "height": 720}

# Go to slide i (flattened order) with every fragment shown; wait for its pictures and fonts.
SHOW_SLIDE = """
async (i) => {
  const slide = Reveal.getSlides()[i];
  const where = Reveal.getIndices(slide);
  Reveal.slide(where.h, where.v, 1000);
  const pictures = [...slide.querySelectorAll('img')];
  await Promise.all(pictures.map(img => img.decode().catch(() => null)));
  await document.fonts.ready;
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  return slide.id;
}
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 (a free port) for the block; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def open_deck(browser, url: str):
    """A page showing the deck at url once reveal.js is ready."""
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(url)
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.evaluate("document.fonts.ready")
    return page


def shoot(page, index: int, path: Path) -> str:
    """Screenshot slide `index` (0-based, in deck order) to path; returns the slide's id."""
    slide_id = page.evaluate(SHOW_SLIDE, index)
    page.wait_for_timeout(400)  # fragments fade in (reveal.js transitions take 0.2-0.3 s)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    return slide_id


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    from conftest import chromium_browser

    from slides.cli import main as cli

    shots = Path(argv[0]) if argv else Path("/tmp/slides-shots")
    build = shots / "build"
    lectures = [ROOT / "tests" / "fixtures" / "sample", ROOT / "content" / "genai-intro"]
    lectures = [folder for folder in lectures if (folder / "lecture.yaml").is_file()]
    for folder in lectures:
        if cli(["build", str(folder), "--format", "qmd,html", "--out", str(build), "-q"]):
            return 1
    with chromium_browser("screenshots") as browser, serve_folder(build) as base:
        for folder in lectures:
            page = open_deck(browser, f"{base}/{folder.name}/{folder.name}.html")
            total = page.evaluate("Reveal.getTotalSlides()")
            ids = [shoot(page, i, shots / f"{folder.name}-{i + 1:02d}.png") for i in range(total)]
            if folder == lectures[-1]:  # the real lecture when it is there
                shoot(page, 0, ROOT / "docs" / "html-title.png")
                first_diagram = page.evaluate(
                    "Reveal.getSlides().findIndex(s => s.querySelector('.body-diagram'))"
                )
                shoot(page, first_diagram, ROOT / "docs" / "html-diagram.png")
                print(f"docs/html-diagram.png: slide {ids[first_diagram]}")
            page.close()
            print(f"{folder.name}: {total} slides in {shots}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
