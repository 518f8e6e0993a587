"""The reveal.js deck: out/<lecture>/<lecture>.html, rendered from the .qmd.

With a `quarto` executable on PATH, `quarto render` makes it; otherwise pandoc (from the
pypandoc-binary wheel) with its reveal.js writer. reveal.js comes from the repository's pinned
npm install and is copied beside the deck, with the theme CSS and its fonts, so the deck works
offline from out/ and requests nothing from any other host. `--self-contained` embeds it all
into the one HTML file.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from slides import inline
from slides.errors import BuildError
from slides.jinja import environment, html_inline
from slides.model import Lecture
from slides.place import fit, geometry, paragraphs
from slides.place.frames import TABLE_STYLE, TITLE_RULE
from slides.render import Build, atomic_path, umask
from slides.render.qmd import CSS_NAME, REVEAL, copy_if_changed, head, px, write_text
from slides.theme import TEMPLATES

REVEAL_PACKAGE = TEMPLATES.parent / "node_modules" / "reveal.js"
REVEAL_DIR = "reveal.js"  # beside the deck
KATEX_PACKAGE = TEMPLATES.parent / "node_modules" / "katex"
KATEX_DIR = "katex"  # beside the deck: math typeset in the browser, offline
TIMEOUT = 300  # seconds for one pandoc or quarto run

# reveal.js options whose value pandoc's template quotes itself (`pandoc -D revealjs`); the
# others are written as JavaScript values.
_QUOTED_BY_PANDOC = {"controlsLayout", "navigationMode", "transition", "backgroundTransition"}
# pandoc's template, like Quarto's, forbids zooming; the deck's viewport allows it.
_FIXED_VIEWPORT = "initial-scale=1.0, maximum-scale=1.0, user-scalable=no, minimal-ui"
# What Quarto does on top of pandoc for our .qmd, as Lua filters. Each costs pandoc its Lua
# engine and a pass over the whole deck (the two: a sixth of its instructions for the GenAI
# lecture), so a deck gets only those it needs (quarto_rules).
QUARTO_FOOTER = TEMPLATES / "quarto-footer.lua"
QUARTO_SHORTCODES = TEMPLATES / "quarto-shortcodes.lua"
QUARTO_RULES = (QUARTO_FOOTER, QUARTO_SHORTCODES)  # in the order they run
ESCAPED_SHORTCODE = "{{</*"  # slides.jinja.quarto_verbatim's escape


def reveal_variables() -> dict[str, str]:
    """qmd.REVEAL as pandoc's template variables: reveal.js's names and values, as Quarto maps
    them (quarto-cli src/format/reveal/metadata.ts:36-60 camelCases the names;
    format-reveal.ts:88-91 maps navigation-mode "vertical" to reveal.js's "default").
    """
    variables = {}
    for key, value in REVEAL.items():
        name = re.sub(r"-(\w)", lambda m: m[1].upper(), key)
        if name == "navigationMode" and value == "vertical":
            value = "default"
        if name in _QUOTED_BY_PANDOC:
            variables[name] = str(value)
        else:
            variables[name] = json.dumps(value).replace('"', "'")
    # The deck's own theme.css is the whole theme. pandoc's template links
    # <revealjs-url>/dist/theme/<theme>.css and falls back to black.css without one, so the
    # theme is named by a path that leads back beside the deck. No reveal.js theme is loaded
    # underneath: ours sets everything, and --embed-resources has no unused fonts to inline.
    variables["theme"] = "../../../" + CSS_NAME.removesuffix(".css")
    return variables


def render(build: Build) -> Path:
    """Write build.output("html") (and its theme, fonts and reveal.js); returns its path."""
    source = build.output("qmd")
    if not source.is_file():
        raise BuildError(f"{source} is missing: build the qmd format first")
    target = build.output("html")
    write_theme_css(build)
    quarto = shutil.which("quarto")
    with atomic_path(target) as temp:
        if quarto:
            _quarto(quarto, source, temp)
        else:
            install_reveal(build.out_dir)
            if build.options.self_contained:
                install_katex(build.out_dir)  # pandoc embeds it from there
            rules = quarto_rules(source.read_text("utf-8"), bool(build.lecture.footer))
            lecture = build.lecture
            page = _pandoc(source, temp, build.options.self_contained, lecture, rules)
            # pandoc loads KaTeX only in a deck with math: 70 files not copied for the others.
            if f'="{KATEX_DIR}/' in page:
                install_katex(build.out_dir)
    if not build.options.self_contained:
        prune_pictures(build.out_dir, target.read_text("utf-8"))
    return target


def prune_pictures(out_dir: Path, page: str) -> None:
    """Remove pictures of earlier builds from images/, once the new deck no longer shows them.

    Done after the deck is in place, so the last good deck never loses a picture it shows.
    """
    shown = set(re.findall(r"images/([0-9a-f]{20}\.[a-z]+)", page))
    for path in (out_dir / "images").glob("*"):
        if path.is_file() and path.name not in shown:
            path.unlink()


@cache
def pandoc_path() -> str:
    """The pandoc binary inside the pypandoc-binary wheel, found where the wheel puts it.

    pypandoc is asked only without that file (or with PYPANDOC_PANDOC set): its import and
    its search, which runs every pandoc it finds to compare versions, cost 0.03 s a build.
    """
    spec = importlib.util.find_spec("pypandoc")
    if spec is not None and spec.origin and not os.environ.get("PYPANDOC_PANDOC"):
        bundled = Path(spec.origin).resolve().parent / "files" / "pandoc"
        if os.access(bundled, os.X_OK):
            return str(bundled)
    import pypandoc

    try:
        return pypandoc.get_pandoc_path()
    except OSError as error:
        raise BuildError(f"pandoc not found ({error}); run `make setup`") from None


def quarto_rules(qmd: str, footer: bool) -> list[Path]:
    """The Lua filters this .qmd needs, in order: the footer on each slide (when the lecture
    has one), then escaped shortcodes shown literally (when the .qmd holds one, the footer's
    text included)."""
    return [QUARTO_FOOTER] * footer + [QUARTO_SHORTCODES] * (ESCAPED_SHORTCODE in qmd)


def _pandoc(
    source: Path, target: Path, self_contained: bool, lecture: Lecture, rules: list[Path]
) -> str:
    """pandoc's reveal.js writer: `#` headings become vertical stacks, `##` their slides.
    Returns the page written.

    What Quarto does on top of pandoc for our .qmd, this does too: the head content
    (include-in-header), the footer and escaped shortcodes (`rules`, see quarto_rules), and
    the date as written (the .qmd gives it in Quarto's form; see qmd.quarto_date).
    """
    command = [
        pandoc_path(),
        source.name,
        "--from=markdown-task_lists",  # as the .qmd's front matter says (`from:`)
        "--to=revealjs",
        "--slide-level=2",
        "--standalone",
        "--wrap=none",
        f"--output={target}",
        "--variable",
        f"revealjs-url={REVEAL_DIR}",
        *(f"--lua-filter={rule}" for rule in rules),
        f"--katex={KATEX_DIR}/",  # as the .qmd's html-math-method asks Quarto
        "--variable",
        f"header-includes={head(lecture.language)}",
    ]
    date = lecture.date
    if date:
        command += ["--variable", f"date={html_inline(date)}"]
        command += ["--variable", f"date-meta={inline.plain(date)}"]
    for name, value in reveal_variables().items():
        command += ["--variable", f"{name}={value}"]
    # A main landmark around the deck, so screen readers can jump to the slides.
    command += ["--variable", "include-before=<main>", "--variable", "include-after=</main>"]
    if self_contained:
        command.append("--embed-resources")
    _run(command, source.parent, "pandoc")
    page = target.read_text("utf-8")
    if _FIXED_VIEWPORT not in page:
        raise BuildError("pandoc's reveal.js template changed: its viewport meta was not found")
    page = page.replace(_FIXED_VIEWPORT, "initial-scale=1.0")
    target.write_text(page, "utf-8")
    return page


def _quarto(quarto: str, source: Path, target: Path) -> None:
    """`quarto render` into a temporary name beside the .qmd (Quarto writes next to its input).

    The .qmd's front matter carries the reveal.js options, embed-resources included. Quarto
    can't be installed on our machines, so this path follows its documented command line only.
    """
    command = [quarto, "render", source.name, "--to", "revealjs", "--output", target.name]
    _run(command, source.parent, "quarto")


def _run(command: list[str], cwd: Path, name: str) -> None:
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise BuildError(f"{name} took longer than {TIMEOUT} s; stopped") from None
    except OSError as error:
        raise BuildError(f"could not run {name}: {error}") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise BuildError(f"{name} failed (exit {done.returncode}):\n{detail}")


def install_reveal(out_dir: Path) -> Path:
    """Copy reveal.js (dist/ and plugin/ only) beside the deck, once per reveal.js version."""
    return _install_package(REVEAL_PACKAGE, ("dist", "plugin"), out_dir / REVEAL_DIR)


def install_katex(out_dir: Path) -> Path:
    """Copy KaTeX (its dist/: script, style sheet, fonts) beside the deck as katex/."""
    return _install_package(KATEX_PACKAGE, ("dist",), out_dir / KATEX_DIR, flat=True)


def _install_package(package: Path, parts: tuple[str, ...], target: Path, flat=False) -> Path:
    """Copy parts of an npm package to target, once per package version (`flat`: the one
    part's content itself)."""
    manifest = package / "package.json"
    if not manifest.is_file():
        raise BuildError(
            f"{package.name} is not installed ({package} is missing); run `make setup` "
            "(npm ci installs the version pinned in package-lock.json)"
        )
    version = json.loads(manifest.read_text("utf-8"))["version"]
    out_dir = target.parent
    stamp = target / ".version"
    if stamp.is_file() and stamp.read_text("utf-8") == version:
        return target
    out_dir.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=out_dir))
    try:
        ignore = shutil.ignore_patterns("*.map", "*.esm.js", "*.mjs")
        for part in parts:
            shutil.copytree(
                package / part,
                temp if flat else temp / part,
                ignore=ignore,
                copy_function=shutil.copyfile,
                dirs_exist_ok=True,
            )
        (temp / ".version").write_text(version, "utf-8")
        # Private while copied; then folders as the umask says (copytree gave them npm's modes).
        mode = 0o777 & ~umask()
        for folder in [temp, *(path for path in temp.rglob("*") if path.is_dir())]:
            folder.chmod(mode)
        old = out_dir / f".{target.name}.old.{os.getpid()}"
        if target.exists():
            target.rename(old)
        temp.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return target


@dataclass(frozen=True)
class FontFace:
    """One @font-face rule: a font file copied beside the deck."""

    family: str
    src: str  # relative to the deck
    weight: int
    style: str


def publish_fonts(build: Build) -> list[FontFace]:
    """Copy the theme's font files into fonts/ and describe them as @font-face rules."""
    faces = []
    for font in (build.theme.sans, build.theme.mono):
        for bold in (False, True):
            for italic in (False, True):
                path = font.file(bold=bold, italic=italic)
                if path is None:
                    continue
                copy_if_changed(path, build.out_dir / "fonts" / path.name)
                faces.append(
                    FontFace(
                        font.family,
                        f"fonts/{path.name}",
                        700 if bold else 400,
                        "italic" if italic else "normal",
                    )
                )
    return faces


def write_theme_css(build: Build) -> Path:
    """The reveal.js theme CSS, from the shared theme and the slide geometry of slides.fit."""
    text = (
        environment("css")
        .get_template("reveal-theme.css.j2")
        .render(
            colors=build.theme.colors,
            fonts=publish_fonts(build),
            sans=build.theme.sans_stack(build.lecture.language),
            mono=build.theme.mono.family,
            px=px,
            fit=fit,
            geometry=geometry,
            paragraphs=paragraphs,
            title_box=geometry.title_box(),
            # The accent rule under a content slide's title, as the PPTX draws it.
            title_rule=TITLE_RULE,
            body=geometry.body_box(),
            title_slide=geometry.TITLE_SLIDE_BOX,
            subtitle=geometry.SUBTITLE_BOX,
            section_label=geometry.SECTION_LABEL_BOX,
            section_title=geometry.SECTION_TITLE_BOX,
            logo_box=geometry.LOGO_BOX,
            footer_logo=geometry.FOOTER_LOGO_BOX,
            quote_bar=geometry.QUOTE_BAR_W,
            table=TABLE_STYLE,
        )
    )
    target = build.out_dir / CSS_NAME
    write_text(target, text)
    return target
