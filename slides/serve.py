"""`serve`: build a lecture, serve its output folder, rebuild and reload on save.

With several lectures (a course) the whole output folder is served, and the index is the
course index (slides.course), rewritten after every rebuild.

livereload (tornado) watches the lecture folders, templates/ and the user's own themes, calls
`Rebuild` when a file changes and tells the browser to reload; reveal.js keeps the slide in the
URL hash, so the browser comes back on the same slide. The HTML decks are rebuilt first; the
PPTX and the PDFs follow in the background, and until they are current the index does not link
them and they are not served. Only the output folder is served: tornado refuses paths that
leave it (`..`, encoded or not, and symlinks pointing out), and dotfiles are refused too. A save
that breaks the lecture keeps the last good deck; the error is printed in the terminal and shown
on every page until the next good save. Ctrl-C (noted by slides.signals) stops the server at its
next look for changes.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from livereload import Server
from livereload.handlers import LiveReloadHandler, StaticFileHandler
from livereload.watcher import Watcher
from tornado import web

from slides import signals
from slides.errors import SlidesError, display_path
from slides.jinja import environment
from slides.render import Options
from slides.theme import TEMPLATES

FIRST = ["html"]  # what the browser needs (the qmd comes with it): built before it reloads
LATER = ["pptx", "handout", "pdf"]  # then these, one by one, in the background
LINKED = (  # the index links these while they are current (built from the lecture as saved)
    ("html", "{name}.html", "Slides (reveal.js)"),
    ("pptx", "{name}.pptx", "PowerPoint"),
    ("handout", "{name}-handout.pdf", "Handout (PDF)"),
    ("pdf", "{name}-slides.pdf", "Slides (PDF)"),
    ("qmd", "{name}.qmd", "Quarto source"),
)
POLL_MS = 100  # how often the lecture folder and templates are looked at for changes
SETTLE_S = 0.15  # wait for an editor's save to finish before reading the files
BANNER = "slides-error"


@dataclass
class State:
    """What the pages show: the lecture, the last error (None after a good build)."""

    folder: Path
    out_dir: Path
    title: str = ""
    error: str | None = None
    builds: int = 0
    course: list[Path] = field(default_factory=list)  # a course's lectures; out_dir is its out/
    theme: Path | None = None  # a theme folder instead of the lectures' own (--theme)

    def options(self) -> Options:
        return Options(theme=self.theme)

    @property
    def lectures(self) -> list[Path]:
        return self.course or [self.folder]

    def current(self, folder: Path | None = None) -> set[str]:
        """The formats of a lecture whose file on disk was built from it as it is now."""
        from slides.build import current_outputs

        out_root = self.out_dir if self.course else self.out_dir.parent
        return current_outputs(folder or self.folder, out_root, self.options())

    def stale_file(self, relative: str) -> bool:
        """Whether a path of the served folder is an output that is out of date (being made).

        The HTML deck is exempt: after a broken save it is the last good one, with a banner.
        """
        for folder in self.lectures:
            prefix = f"{folder.name}/" if self.course else ""
            for kind, pattern, _ in LINKED:
                if kind != "html" and relative == prefix + pattern.format(name=folder.name):
                    return kind not in self.current(folder)
        return False


class Rebuild:
    """Build the browser decks, then the other outputs in the background.

    On failure keep the last good deck and remember the error. Builds run one at a time (they
    share the manifest and the pictures); a save while the background builds waits for the
    output being made, and the background then starts over for the new save.
    """

    def __init__(self, folder: Path, out_root: Path, state: State) -> None:
        self.folder = folder
        self.out_root = out_root
        self.state = state
        self._one_at_a_time = threading.Lock()
        self._save = 0  # which save the background works for; a newer one supersedes it
        self._later: threading.Thread | None = None

    def __call__(self) -> None:
        lectures = self.state.lectures
        _settle(lectures)
        self._save += 1
        started = time.perf_counter()
        written: list[Path] = []
        errors: list[str] = []  # one broken lecture of a course does not stop the others
        built: list[Path] = []  # the lectures whose other outputs the background makes
        try:
            with self._one_at_a_time:
                for folder in lectures:
                    try:
                        written += self._build(folder, FIRST)
                        built.append(folder)
                    except SlidesError as error:
                        errors.append(error.show())
                self._write_course_index()
        except Exception:  # a bug must not stop the server: show it, keep serving
            self._failed("internal error (please report):\n" + traceback.format_exc())
            return
        if errors:
            self._failed("\n".join(errors))
        else:
            self.state.error = None
            self.state.builds += 1
            self.state.title = _title(self.folder) or self.folder.name
            took = time.perf_counter() - started
            names = ", ".join(display_path(p) for p in written) or "up to date"
            print(f"built {names} in {took:.2f} s", file=sys.stderr, flush=True)
        self._later = threading.Thread(
            target=self._build_later, args=(self._save, built), daemon=True
        )
        self._later.start()

    def stop(self) -> None:
        """Start no more background builds; wait for the one running (it stops at a checkpoint)."""
        self._save = -1
        self.wait()

    def wait(self) -> None:
        """Wait until the background builds of the last save are done."""
        if self._later is not None:
            self._later.join()

    def _build_later(self, save: int, lectures: list[Path]) -> None:
        for folder in lectures:
            for fmt in LATER:
                with self._one_at_a_time:
                    if save != self._save:
                        return  # a newer save (or the end): its own run builds the rest
                    try:
                        written = self._build(folder, [fmt])
                        if written:
                            self._write_course_index()
                    except SlidesError as error:  # the deck is served; say what is missing
                        print(error.show(), file=sys.stderr, flush=True)
                        continue
                    except Exception:  # a bug must not stop the server
                        print(traceback.format_exc(), file=sys.stderr, flush=True)
                        return
                if written:
                    names = ", ".join(display_path(p) for p in written)
                    print(f"built {names} in the background", file=sys.stderr, flush=True)

    def _build(self, folder: Path, formats: list[str]) -> list[Path]:
        """Build some formats of a lecture with one job (this process runs threads)."""
        from slides.build import build_lecture

        def warn(problem) -> None:
            print(problem, file=sys.stderr, flush=True)

        return build_lecture(folder, formats, self.out_root, self.state.options(), on_problem=warn)

    def _write_course_index(self) -> None:
        if self.state.course:
            from slides.course import write_index

            write_index(self.state.course, self.out_root, self.state.options())

    def _failed(self, message: str) -> None:
        self.state.error = message
        print(message, file=sys.stderr)
        print("serving the last good deck; fix the lecture and save again", file=sys.stderr)
        sys.stderr.flush()


def serve(
    folders: list[Path],
    out_root: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    theme: Path | None = None,
) -> int:
    """Build, then serve out/<lecture>/ at http://host:port/ until interrupted; several
    lectures: out/ with the course index. `theme`: a theme folder for them all (--theme)."""
    folders = [folder.resolve() for folder in folders]
    folder = folders[0]
    course = folders if len(folders) > 1 else []
    out_dir = out_root.resolve() if course else (out_root / folder.name).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    state = State(folder, out_dir, course=course, theme=theme)
    rebuild = Rebuild(folder, out_root, state)
    rebuild()
    # livereload drops a reload that comes within DEFAULT_RELOAD_TIME (3 s) of the last one;
    # a lecturer saving twice quickly must still see the second save.
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0.5
    server = DeckServer(state)
    for watched in folders:
        server.watch(str(watched), rebuild, ignore=_ignored)
    server.watch(str(TEMPLATES), rebuild, ignore=_ignored)
    for own in _own_themes(folders, theme):
        server.watch(str(own), rebuild, ignore=_ignored)
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
    url = f"http://{'localhost' if host == '127.0.0.1' else host}:{port}/"
    print(f"serving {out_dir} at {url} (Ctrl-C stops)", file=sys.stderr, flush=True)
    server.serve(port=port, host=host, root=str(out_dir), restart_delay=0)
    rebuild.stop()
    return 0


def _own_themes(folders: list[Path], theme: Path | None) -> set[Path]:
    """The themes the lectures use from outside templates/ (the user's own), to watch too."""
    from slides.cache import theme_folder

    found = {theme_folder(folder, theme) for folder in folders}
    return {f for f in found if f is not None and not f.is_relative_to(TEMPLATES)}


def _ignored(path: str) -> bool:
    """Editor swap and backup files, and hidden files, do not trigger a rebuild."""
    name = os.path.basename(path)
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp"))


def _settle(folders: list[Path]) -> None:
    """Wait until lecture.yaml has stopped changing (an editor may write it in pieces)."""
    last = None
    for _ in range(20):
        now = []
        for folder in folders:
            try:
                stat = (folder / "lecture.yaml").stat()
                now.append((stat.st_mtime_ns, stat.st_size))
            except OSError:
                now.append(None)
        if now == last:
            return
        last = now
        time.sleep(SETTLE_S)


def _title(folder: Path) -> str | None:
    """The lecture's title, for the index page (plain text, from the valid lecture)."""
    try:
        from slides import inline
        from slides.load import load_lecture

        lecture, _ = load_lecture(folder)
        return inline.plain(lecture.title)
    except SlidesError:
        return None


# --- the web side ---------------------------------------------------------------------------


def index_page(state: State) -> str:
    """The index: links to the deck and the outputs that are current, and the last error."""
    name = state.folder.name
    current = state.current()
    links, coming = [], []
    for kind, pattern, label in LINKED:
        href = pattern.format(name=name)
        if not (kind in current or (kind == "html" and (state.out_dir / href).is_file())):
            coming.append(label)  # never hand out a stale file; the last good deck is fine
            continue
        links.append({"href": href, "label": label, "kind": kind})
    return (
        environment("html")
        .get_template("serve-index.html.j2")
        .render(
            title=state.title or name,
            links=links,
            coming=coming,
            error=state.error,
            folder=str(state.folder),
        )
    )


def with_banner(page: str, message: str) -> str:
    """A page with the error as a banner right after its <body> tag (escaped: it quotes text)."""
    banner = environment("html").get_template("serve-error.html.j2").render(error=message)
    at = page.find("<body")
    end = page.find(">", at) + 1 if at >= 0 else 0
    return page[:end] + banner + page[end:]


class IndexHandler(web.RequestHandler):
    """`/`: the index page, made afresh for every request."""

    def initialize(self, state: State) -> None:
        self.state = state

    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        index = self.state.out_dir / "index.html"
        if self.state.course and index.is_file():  # the course index the last rebuild wrote
            page = index.read_text("utf-8")
            self.write(with_banner(page, self.state.error) if self.state.error else page)
        else:
            self.write(index_page(self.state))


class FilesHandler(StaticFileHandler):
    """The output folder's files: livereload's handler, dotfiles refused, the error banner added."""

    def initialize(self, path: str, state: State) -> None:
        super().initialize(path=path, default_filename="index.html")
        self.state = state

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        relative = os.path.relpath(absolute_path, root)
        if any(part.startswith(".") for part in Path(relative).parts):
            raise web.HTTPError(404)  # .cache/ and temporary files are not part of the deck
        valid = super().validate_absolute_path(root, absolute_path)
        # tornado refuses ../ and symlinks out of the root; check the resolved file once more.
        if valid is not None:
            real_root = os.path.realpath(root)
            if os.path.commonpath([real_root, os.path.realpath(valid)]) != real_root:
                raise web.HTTPError(403)
        return valid

    async def get(self, path: str, include_body: bool = True) -> None:
        if self.state.stale_file(path):
            raise web.HTTPError(404, reason="Out of date: being rebuilt, reload the index soon")
        if self.state.error is None or not path.endswith((".html", ".htm")):
            await super().get(path, include_body)
            return
        # The same checks as StaticFileHandler.get, then the page with the banner in it.
        self.path = self.parse_url_path(path)
        absolute = self.get_absolute_path(self.root, self.path)
        self.absolute_path = self.validate_absolute_path(self.root, absolute)
        if self.absolute_path is None:
            return
        page = Path(self.absolute_path).read_text("utf-8", errors="replace")
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(with_banner(page, self.state.error) if include_body else None)


class QuickWatcher(Watcher):
    """livereload's polling watcher, looked at every POLL_MS instead of every 800 ms.

    The 800 ms poll was most of an edit's way to the browser (0.4 s on average, our rebuild
    0.24 s); a look at the lecture folder and templates/ costs about 0.1 ms.
    """

    def start(self, callback) -> bool:
        from tornado import ioloop

        def look() -> None:
            if signals.received():  # Ctrl-C or SIGTERM (noted by slides.signals): stop serving
                ioloop.IOLoop.current().stop()
            else:
                callback()

        ioloop.PeriodicCallback(look, POLL_MS).start()
        return True  # livereload then starts no 800 ms poll of its own


class DeckServer(Server):
    """livereload's server, serving the index at / and the output folder's files."""

    def __init__(self, state: State) -> None:
        super().__init__(watcher=QuickWatcher())
        self.state = state

    def get_web_handlers(self, script):
        return [
            (r"/", IndexHandler, {"state": self.state}),
            (r"/(.+)", FilesHandler, {"path": str(self.state.out_dir), "state": self.state}),
        ]
