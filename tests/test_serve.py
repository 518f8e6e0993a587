"""`serve` as a lecturer uses it: a real server process on a copy of the sample lecture."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest
from conftest import SAMPLE, Server, chromium_browser, copy_lecture, require, serving, wait_for
from pptx import Presentation

from slides import cache, theme
from slides.serve import Rebuild, State, index_page, with_banner


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("serve")
    folder = copy_lecture(SAMPLE, tmp)
    with serving(folder, out=tmp / "out", log=tmp / "serve.log") as server:
        yield server


def test_serves_the_index_and_the_deck_on_localhost(served) -> None:
    status, page = served.get("/")
    assert status == 200
    assert 'href="sample.html"' in page and "Every Slide Kind" in page
    assert "livereload.js" in page  # the page reloads itself after a rebuild
    status, deck = served.get("/sample.html")
    assert status == 200 and "Reveal.initialize" in deck and "livereload.js" in deck
    assert served.get("/reveal.js/dist/reveal.js")[0] == 200
    assert f"Serving on http://127.0.0.1:{served.port}" in served.log.read_text()


def test_index_links_every_output_once_the_background_has_built_it(served) -> None:
    def linked() -> bool:
        page = served.get("/")[1]
        return 'href="sample.pptx"' in page and 'href="sample-handout.pdf"' in page

    assert wait_for(linked, 120), served.log.read_text()
    assert served.get("/sample.pptx")[0] == 200


@pytest.mark.parametrize(
    "path",
    [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/reveal.js/../../../../../etc/passwd",
        "/images/..%2f..%2fserve.log",
        "/.cache/manifest.json",
    ],
)
def test_nothing_outside_the_output_folder_is_served(served, path: str) -> None:
    status, body = served.get(path)
    assert status in (403, 404)
    assert "root:" not in body and "Serving on" not in body


def test_symlinks_out_of_the_folder_are_refused(served) -> None:
    secret = served.out.parent / "secret.txt"
    secret.write_text("top secret")
    deck = served.out / "sample"
    (deck / "leak.txt").symlink_to(secret)
    (deck / "leakdir").symlink_to(served.out.parent, target_is_directory=True)
    for path in ("/leak.txt", "/leakdir/secret.txt"):
        status, body = served.get(path)
        assert status in (403, 404) and "top secret" not in body


def test_a_saved_title_shows_in_the_served_deck(served) -> None:
    served.edit(lambda text: text.replace("title: A quote", "title: A quote, edited live"))
    assert wait_for(lambda: "A quote, edited live" in served.get("/sample.html")[1], 30)


def test_a_broken_save_keeps_the_last_good_deck_and_shows_the_error(served) -> None:
    good = (served.folders[0] / "lecture.yaml").read_text("utf-8")
    served.edit(lambda text: text.replace("  - title: Pictures and data", "  - title: [broken"))
    try:
        assert wait_for(lambda: "slides-error" in served.get("/")[1], 30), served.log.read_text()
        index = served.get("/")[1]
        assert re.search(r"lecture\.yaml:\d+:\d+", index)
        status, deck = served.get("/sample.html")
        assert status == 200 and "slides-error" in deck
        assert "Every Slide Kind" in deck and "Pictures and data" in deck  # the last good one
        assert re.search(r"lecture\.yaml:\d+:\d+", served.log.read_text())  # and the terminal
    finally:
        (served.folders[0] / "lecture.yaml").write_text(good, "utf-8")
    assert wait_for(lambda: "slides-error" not in served.get("/sample.html")[1], 30)


def test_the_browser_reloads_on_the_same_slide(served) -> None:
    require("chromium")
    with chromium_browser("the serve test") as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(f"http://127.0.0.1:{served.port}/sample.html#/topic-1-slide-3")
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        page.wait_for_function("window.LiveReload !== undefined")  # connected for reloads
        served.edit(lambda text: text.replace("Questions and answers", "Questions, reloaded"))
        page.wait_for_function(
            "document.getElementById('topic-1-slide-3')"
            " && document.getElementById('topic-1-slide-3').textContent.includes('reloaded')",
            timeout=30_000,
        )
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        assert page.evaluate("Reveal.getCurrentSlide().id") == "topic-1-slide-3"


def test_index_and_banner_escape_the_error(tmp_path) -> None:
    state = State(tmp_path / "lecture", tmp_path / "out", title="<b>T</b>", error="<script>x()")
    page = index_page(state)
    assert "&lt;b&gt;T&lt;/b&gt;" in page and "&lt;script&gt;x()" in page
    assert "<script>x()" not in page
    shown = with_banner("<html><body class='x'><p>deck</p></body></html>", "a < b")
    assert shown.startswith("<html><body class='x'><div id=\"slides-error\"")
    assert "a &lt; b" in shown and shown.endswith("<p>deck</p></body></html>")


def test_rebuild_keeps_serving_through_a_broken_lecture(tmp_path, capsys) -> None:
    """The rebuild step alone (no server): an error is remembered and printed, never raised."""
    folder = copy_lecture(SAMPLE, tmp_path)
    good = (folder / "lecture.yaml").read_text("utf-8")
    (folder / "lecture.yaml").write_text(good.replace("topics:", "topics: [oops"), "utf-8")
    out = tmp_path / "out"
    state = State(folder, out / folder.name)
    rebuild = Rebuild(folder, out, state)
    rebuild()
    assert state.error and re.search(r"lecture\.yaml:\d+:\d+", state.error)
    assert "serving the last good deck" in capsys.readouterr().err
    assert not (out / "sample" / "sample.html").exists()
    assert "Nothing built yet" in index_page(state) and "slides-error" in index_page(state)
    (folder / "lecture.yaml").write_text(good, "utf-8")
    rebuild()
    assert state.error is None and state.title == "Every Slide Kind"
    assert (out / "sample" / "sample.html").is_file()
    assert 'href="sample.html"' in index_page(state)


def test_an_output_made_before_a_save_is_neither_linked_nor_served(tmp_path) -> None:
    """After a save, the PPTX and PDFs on disk are old until the background has rebuilt them."""
    folder = copy_lecture(SAMPLE, tmp_path)
    out = tmp_path / "out"
    state = State(folder, out / folder.name)
    rebuild = Rebuild(folder, out, state)
    rebuild()
    rebuild.wait()
    assert 'href="sample.pptx"' in index_page(state) and not state.stale_file("sample.pptx")
    yaml_file = folder / "lecture.yaml"
    yaml_file.write_text(yaml_file.read_text("utf-8").replace("A quote", "A saved quote"), "utf-8")
    page = index_page(state)
    assert 'href="sample.pptx"' not in page and 'href="sample-handout.pdf"' not in page
    assert "PowerPoint" in page[page.index('id="coming"') :]
    assert state.stale_file("sample.pptx") and state.stale_file("sample-handout.pdf")
    rebuild()
    rebuild.wait()
    assert 'href="sample.pptx"' in index_page(state) and not state.stale_file("sample.pptx")
    deck = Presentation(str(out / "sample" / "sample.pptx"))
    titles = [s.shapes.title.text for s in deck.slides if s.shapes.title is not None]
    assert "A saved quote" in titles


def test_a_theme_edited_under_serve_reaches_the_served_css(tmp_path, monkeypatch) -> None:
    themes = tmp_path / "templates" / "themes"
    shutil.copytree(theme.THEMES, themes)
    monkeypatch.setattr(theme, "THEMES", themes)
    monkeypatch.setattr(cache, "TEMPLATES", themes.parent)
    shutil.copytree(
        cache.PACKAGE.parent / "templates",
        themes.parent,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("themes"),
    )
    folder = copy_lecture(SAMPLE, tmp_path)
    out = tmp_path / "out"
    state = State(folder, out / folder.name)
    rebuild = Rebuild(folder, out, state)
    rebuild()
    css = out / "sample" / "theme.css"
    assert "#0B3C5D" in css.read_text("utf-8").upper()
    theme_yaml = themes / "default" / "theme.yaml"
    theme_yaml.write_text(theme_yaml.read_text("utf-8").replace("#0B3C5D", "#5D0B3C"), "utf-8")
    rebuild()  # what the watcher calls on a save under templates/
    assert state.error is None, state.error
    text = css.read_text("utf-8").upper()
    assert "#5D0B3C" in text and "#0B3C5D" not in text
    rebuild.stop()


def test_an_edited_lecture_template_reaches_the_served_pptx(tmp_path) -> None:
    """The lecture's own PPTX template (inside its folder, so watched) rebuilds the deck."""
    from test_pptx import make_template

    folder = copy_lecture(SAMPLE, tmp_path)
    template = make_template(folder / "brand.pptx")
    with (folder / "lecture.yaml").open("a", encoding="utf-8") as f:
        f.write("pptx_template: brand.pptx\n")
    out = tmp_path / "out"
    state = State(folder, out / folder.name)
    rebuild = Rebuild(folder, out, state)
    rebuild()
    rebuild.wait()
    deck = out / "sample" / "sample.pptx"
    layouts = {s.slide_layout.name for s in Presentation(str(deck)).slides}
    assert "Two Content" in layouts
    make_template(template, delete=("Two Content", "Comparison"))  # saved again, edited
    rebuild()
    rebuild.wait()
    assert "pptx" in state.current()
    layouts = {s.slide_layout.name for s in Presentation(str(deck)).slides}
    assert "Two Content" not in layouts
