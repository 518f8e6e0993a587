"""The course index: building several lectures writes out/index.html listing each of them.

Built through the real command line; the page is read with an HTML parser (what it says and
links) and opened in Chromium, from disk and from a plain static web server.
"""

from __future__ import annotations

import shutil
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from axe import axe_violations, describe
from conftest import chromium_browser, run_cli, serving
from screenshots import serve_folder

FIRST = """\
title: Cells and **tissues**
subtitle: What bodies are made of
author: Dr Ada Example
institution: Example University
date: "2026-10-01"
topics:
  - title: Cells
    slides:
      - title: What a cell is
        bullets: [The smallest living unit, It divides]
"""
SECOND = """\
title: Organs
date: "2026-10-08"
topics:
  - title: Organs
    slides:
      - title: What an organ is
        bullets: [Tissues working together]
"""


class Page(HTMLParser):
    """The index's lectures: each list item's text, links and images."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[dict] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "li":
            self.items.append({"text": "", "links": {}, "images": []})
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if self.items:
                self.items[-1]["links"].setdefault(attrs["href"], "")
                self._link = attrs["href"]
        elif tag == "img" and self.items:
            self.items[-1]["images"].append(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._link = None

    def handle_data(self, data: str) -> None:
        if self.items:
            self.items[-1]["text"] += data
            if getattr(self, "_link", None):
                self.items[-1]["links"][self._link] += data.strip()


def read(index: Path) -> Page:
    page = Page()
    page.feed(index.read_text("utf-8"))
    return page


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """Two lectures built in every format; returns the output folder."""
    root = tmp_path_factory.mktemp("course")
    for name, text in (("cells", FIRST), ("organs", SECOND)):
        (root / "content" / name).mkdir(parents=True)
        (root / "content" / name / "lecture.yaml").write_text(text, "utf-8")
    out = root / "out"
    result = run_cli("build", root / "content" / "cells", root / "content" / "organs", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "index.html" in result.stdout
    return out


def resolve(out: Path, href: str) -> Path:
    parts = urlsplit(href)
    assert not parts.scheme and not parts.netloc and not href.startswith("/"), href
    return out / unquote(parts.path)


def test_each_lecture_with_its_details_and_every_output(course: Path) -> None:
    page = read(course / "index.html")
    cells, organs = page.items
    text = " ".join(cells["text"].split())
    for expected in (
        "Cells and tissues",
        "What bodies are made of",
        "Dr Ada Example",
        "Example University",
        "2026-10-01",
    ):
        assert expected in text
    assert "Organs" in organs["text"] and "2026-10-08" in organs["text"]
    for item, name in ((cells, "cells"), (organs, "organs")):
        files = {resolve(course, href).name for href in item["links"]}
        assert files == {
            f"{name}.html",
            f"{name}.pptx",
            f"{name}-handout.pdf",
            f"{name}-slides.pdf",
        }
        assert len(item["images"]) == 1


def test_every_link_is_relative_and_resolves_to_a_file(course: Path) -> None:
    page = read(course / "index.html")
    assert page.links
    for href in page.links:
        assert resolve(course, href).is_file(), href


def test_chromium_shows_the_thumbnails_from_disk_and_from_a_static_server(course: Path) -> None:
    with chromium_browser("the course index") as browser, serve_folder(course) as base:
        for url in ((course / "index.html").as_uri(), f"{base}/index.html"):
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(url)
            page.wait_for_load_state("load")
            shown = page.evaluate(
                "[...document.images].map(i => [i.complete, i.naturalWidth, i.naturalHeight,"
                " i.getBoundingClientRect().width])"
            )
            assert len(shown) == 2
            for complete, width, height, on_screen in shown:
                assert complete and width == 640 and height == 360 and on_screen > 200
            assert page.evaluate("document.fonts.check('700 20px Lato')")
            page.close()
        for href in read(course / "index.html").links:
            with urllib.request.urlopen(f"{base}/{href}") as response:
                assert response.status == 200


def test_the_thumbnail_is_the_title_slide_in_the_theme(course: Path) -> None:
    import base64
    import io

    from PIL import Image

    from slides.theme import hex_to_rgb, load_theme

    theme = load_theme("default")
    (cells, _) = read(course / "index.html").items
    data = cells["images"][0]["src"].split(",", 1)[1]
    image = Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")
    assert image.getpixel((5, 180)) == hex_to_rgb(theme.color("accent"))  # the accent bar
    colours = {colour for _, colour in image.getcolors(640 * 360)}
    assert hex_to_rgb(theme.color("heading")) in colours  # the title's text
    assert hex_to_rgb(theme.color("muted")) in colours  # institution and date


def test_only_current_outputs_are_linked_and_an_unchanged_course_is_not_rewritten(
    course: Path, tmp_path: Path
) -> None:
    content = course.parent / "content"
    root = tmp_path / "copy"
    shutil.copytree(content, root / "content")
    shutil.copytree(course, root / "out")
    out = root / "out"
    again = run_cli("build", root / "content" / "cells", root / "content" / "organs", "--out", out)
    assert again.returncode == 0, again.stderr
    assert "index.html" not in again.stdout  # nothing changed: the index stays as it is

    lecture = root / "content" / "cells" / "lecture.yaml"
    lecture.write_text(lecture.read_text("utf-8").replace("Dr Ada", "Prof Ada"), "utf-8")
    folders = (root / "content" / "cells", root / "content" / "organs")
    result = run_cli("build", *folders, "--out", out, "--format", "pptx")
    assert result.returncode == 0, result.stderr
    cells, organs = read(out / "index.html").items
    assert "Prof Ada Example" in cells["text"]
    assert [resolve(out, href).name for href in cells["links"]] == ["cells.pptx"]
    assert len(organs["links"]) == 4


def test_a_lecture_that_does_not_build_is_listed_by_name(tmp_path: Path) -> None:
    for name, text in (("good", SECOND), ("broken", "title: [unclosed\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "lecture.yaml").write_text(text, "utf-8")
    out = tmp_path / "out"
    result = run_cli("build", tmp_path / "good", tmp_path / "broken", "--out", out, "-q")
    assert result.returncode == 2
    good, broken = read(out / "index.html").items
    assert "Organs" in good["text"] and good["links"]
    assert "broken" in broken["text"] and "did not build" in broken["text"]
    assert not broken["links"] and not broken["images"]


def test_serve_with_several_lectures_serves_the_course_index(tmp_path: Path) -> None:
    folders = []
    for name, text in (("cells", FIRST), ("organs", SECOND)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "lecture.yaml").write_text(text, "utf-8")
        folders.append(tmp_path / name)
    with serving(*folders, out=tmp_path / "out", log=tmp_path / "serve.log") as server:
        page = server.get("/")[1]
        assert "Cells and <strong>tissues</strong>" in page and "Organs" in page
        assert "livereload.js" in page  # the page reloads itself after a rebuild
        index = Page()
        index.feed(page)
        decks = list(dict.fromkeys(h for h in index.links if h.endswith(".html")))
        assert decks == ["cells/cells.html", "organs/organs.html"]
        for href in decks:
            assert server.get(f"/{href}")[0] == 200
        server.edit(lambda text: text.replace("Organs", "Organ systems", 1), folder=1)
        assert server.wait_for(lambda: "Organ systems" in server.get("/")[1], 90), (
            server.log.read_text()
        )


def test_the_course_index_passes_axe(course: Path) -> None:
    with chromium_browser("axe-core") as browser, serve_folder(course) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{base}/index.html")
        page.wait_for_load_state("load")
        assert page.locator("main > ol > li").count() == 2  # both lectures are there to be checked
        violations = axe_violations(page)
        assert not violations, describe(violations)


def test_the_thumbnail_draws_the_title_slide_as_placed_with_the_themes_logo(
    tmp_path: Path,
) -> None:
    """The thumbnail paints what the placement decided for the title slide of every output:
    the accent bars, the title, and the theme's logo in the logo's box."""
    import io

    from PIL import Image

    from slides.course import THUMB_W, title_thumbnail
    from slides.load import load_lecture
    from slides.place import geometry
    from slides.place.frames import Decoration, Picture, place_title_slide
    from slides.theme import hex_to_rgb, load_theme

    theme_dir = tmp_path / "crested"
    shutil.copytree(Path(__file__).parent.parent / "templates" / "themes" / "default", theme_dir)
    Image.new("RGB", (300, 120), "#D81B60").save(theme_dir / "crest.png")
    theme_yaml = theme_dir / "theme.yaml"
    theme_yaml.write_text(
        theme_yaml.read_text("utf-8").replace("logo: null", "logo: crest.png"), "utf-8"
    )
    (tmp_path / "cells").mkdir()
    (tmp_path / "cells" / "lecture.yaml").write_text(FIRST, "utf-8")
    lecture, _ = load_lecture(tmp_path / "cells", theme=theme_dir)
    theme = load_theme(lecture.theme_folder)
    image = Image.open(io.BytesIO(title_thumbnail(lecture, theme))).convert("RGB")
    s = THUMB_W / geometry.SLIDE_W

    def at(x: float, y: float) -> tuple[int, int, int]:
        return image.getpixel((round(x * s), round(y * s)))

    placed = place_title_slide(lecture, theme)
    (logo,) = [e for e in placed.elements if isinstance(e, Picture)]
    assert at(logo.box.x + logo.box.w / 2, logo.box.y + logo.box.h / 2) == (0xD8, 0x1B, 0x60)
    for bar in [e for e in placed.elements if isinstance(e, Decoration)]:
        centre = at(bar.box.x + bar.box.w / 2, bar.box.y + bar.box.h / 2)
        assert centre == hex_to_rgb(theme.color(bar.role))
