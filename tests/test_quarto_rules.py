"""The .qmd by Quarto's own rules (quarto-cli, read at commit 5d1da592), with hostile lecture text.

Quarto can't be installed here, so each rule is checked by our own port of it, citing Quarto's
code; the shortcode rules are in tests/quarto_shortcodes.py.
"""

from __future__ import annotations

import datetime
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import SAMPLE, chromium_browser, code_box_texts, copy_lecture, run_cli
from quarto_shortcodes import LIVE, read_as_quarto, shown_in_code
from screenshots import SHOW_SLIDE, open_deck, serve_folder

from slides import inline
from slides.render.html import pandoc_path, reveal_variables
from slides.render.qmd import REVEAL, quarto_date

INCLUDE = "{{< include x >}}"
META = "{{< meta title >}}"
CELL = "```{r}"
# Texts Quarto would take for shortcodes or code cells, where lecture text can be.
HOSTILE = {
    "bullet": f"text {INCLUDE} and {META} and {CELL}",
    "code span": f"a `{INCLUDE}` and `{META}` and `{{{{< a {{{{< b >}}}} c`",
    "unclosed": "`{{< unclosed` and `{{{< tripled >}}}`",
    "code": f"{INCLUDE}\n{CELL}\nx <- 1\n```\nsay('{META}')\n"
    "{{< nested {{< inner >}} >}}\n",
    "alt": f"alt {INCLUDE} {META} {CELL}",
    "caption": f"caption `{META}`",
    "link": f"[a link](https://example.org/{{{{<meta>}}}}?q={{{{<x>}}}}) and {META}",
    "footer": f"footer `{META}`",
}
FREE_DATE = "Spring *term* 2025 [week 1]"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The sample lecture with shortcodes and code cells in text, code, alt, links; built."""
    tmp = tmp_path_factory.mktemp("quarto-rules")
    folder = copy_lecture(SAMPLE, tmp)
    data = yaml.safe_load((folder / "lecture.yaml").read_text("utf-8"))
    data["date"] = FREE_DATE
    data["footer"] = HOSTILE["footer"]
    text, pictures = data["topics"][0]["slides"], data["topics"][1]["slides"]
    text[0]["bullets"] = [HOSTILE["bullet"], HOSTILE["code span"], HOSTILE["unclosed"]]
    text[0]["bullets"].append(HOSTILE["link"])
    pictures[0]["image"]["alt"] = HOSTILE["alt"]
    pictures[0]["image"]["caption"] = HOSTILE["caption"]
    pictures[4]["code"] = {"language": "r", "source": HOSTILE["code"]}
    (folder / "lecture.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    out = tmp / "out"
    result = run_cli("build", folder, "--format", "qmd,html", "--out", out)
    assert result.returncode == 0, result.stderr
    return out / folder.name


def front_matter(qmd: Path) -> dict:
    return yaml.safe_load(qmd.read_text("utf-8").split("\n---\n")[0].removeprefix("---\n"))


def walk(node, kind: str) -> list[dict]:
    """Every AST node of a kind, at any depth (blocks, inlines and metadata)."""
    found = []
    if isinstance(node, dict):
        if node.get("t") == kind:
            found.append(node)
        for value in node.values():
            found += walk(value, kind)
    elif isinstance(node, list):
        for child in node:
            found += walk(child, kind)
    return found


# --- shortcodes: none live, every one shown as written --------------------------------------


def test_no_shortcode_is_live_by_quartos_own_parser(built) -> None:
    tree = read_as_quarto((built / "sample.qmd").read_text("utf-8"))
    shown = json.dumps(tree, ensure_ascii=False)
    assert LIVE not in shown and "quartoshortcode" not in shown
    # Quarto's parser keeps the whole document (it drops everything after a "{{<" it can't
    # read): every slide is there, the last one too.
    headers = [h["c"][1][0] for h in walk(tree, "Header")]
    assert headers[-1] == "closing" and "topic-2-slide-5" in headers
    codes = [c["c"][1] for c in walk(tree, "Code")]
    for code in (INCLUDE, META, "{{< a {{< b >}} c", "{{< unclosed", "{{{< tripled >}}}"):
        assert code in [c.replace("\u2060", "") for c in codes], code
    assert "`{{</* include x */>}}`" in (built / "sample.qmd").read_text("utf-8")  # Quarto's escape
    # The code box is raw HTML whose braces are references: no shortcode in it at all.
    assert HOSTILE["code"].rstrip("\n") in code_box_texts(walk(tree, "RawBlock"))
    images = walk(tree, "Image")
    alts = {dict(i["c"][0][2]).get("fig-alt") for i in images}
    assert HOSTILE["alt"] in alts
    targets = [link["c"][2][0] for link in walk(tree, "Link")]
    assert "https://example.org/%7B%7B%3Cmeta%3E%7D%7D?q=%7B%7B%3Cx%3E%7D%7D" in targets


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("a {{< meta title >}} b", f"a {LIVE} b"),
        ("{{< kbd Ctrl-Q mac=Cmd-Q >}}", LIVE),
        ('{{< video https://x.org/v?a=b width="400" >}}.', f"{LIVE}."),
        ("{{< a {{< b >}} >}}", LIVE),
        ("x {{< a k={{< b >}} >}} y", f"x {LIVE} y"),
        ("{{</* meta title */>}} and {{{< meta >}}}", "{{< meta title >}} and {{< meta >}}"),
        ("a {{< meta\n\nb >}} c", f"a {LIVE} c"),
        # A "{{<" Quarto's grammar can't read: everything from it on is lost.
        ("a {{< unclosed\n\n# next\n", "a "),
        ("a {{< >}} b", "a "),
        ("a {{< a {{< b >}} c\nd", "a "),
        ("a {{{< b >}} c", "a "),
        ('a {{< "open >}} b', "a "),
        ("a {{\u2060< b", "a {{\u2060< b"),
        ("{{< a", "{{< a"),  # nothing read: the second scan keeps the text
    ],
)
def test_our_port_of_quartos_shortcode_grammar(written: str, shown: str) -> None:
    assert shown_in_code(written) == shown


def test_no_line_is_an_include_by_quartos_regex(built) -> None:
    # quarto-cli src/core/lib/parse-shortcode.ts:22-23, used on every line of the markdown,
    # code blocks included (src/core/handlers/base.ts:356-378).
    block_shortcode = re.compile(r"^\s*{{< (?!\/\*)(.+?)(?<!\*\/) >}}\s*$")
    lines = (built / "sample.qmd").read_text("utf-8").splitlines()
    assert not [line for line in lines if block_shortcode.match(line)]
    # The lecture did hold one: the code slide's first line.
    assert block_shortcode.match(HOSTILE["code"].splitlines()[0])


def test_the_html_deck_shows_the_literal_text(built) -> None:
    with chromium_browser("quarto rules") as browser, serve_folder(built) as base:
        page = open_deck(browser, f"{base}/sample.html")
        shown = page.evaluate(
            """() => ({
              text: document.querySelector('.reveal .slides').textContent,
              code: [...document.querySelectorAll('.reveal pre code')].map(c => c.textContent),
              alts: [...document.querySelectorAll('.reveal img')].map(i => i.alt),
              links: [...document.querySelectorAll('.reveal .body a')].map(a => a.href),
              footer: [...document.querySelectorAll('.reveal .footer')]
                .map(f => f.textContent.trim()),
              date: document.querySelector('#title-slide .date').textContent,
            })"""
        )
    text = shown["text"].replace("\u2060", "")
    for needle in (INCLUDE, META, CELL, "{{< a {{< b >}} c", "{{< unclosed", "{{{< tripled >}}}"):
        assert needle in text, needle
    assert "{{</*" not in text and "*/>}}" not in text
    assert HOSTILE["code"].rstrip("\n") in shown["code"]
    assert HOSTILE["alt"] in shown["alts"]
    assert "https://example.org/%7B%7B%3Cmeta%3E%7D%7D?q=%7B%7B%3Cx%3E%7D%7D" in shown["links"]
    assert f"footer {META}" in shown["footer"]
    assert shown["date"] == inline.plain(FREE_DATE)


# --- the engine: markdown, whatever the body holds --------------------------------------------


def quarto_engine(qmd_text: str) -> str:
    """quarto-cli's markdownExecutionEngine (src/execute/engine.ts:146-211) for the standard
    engines: `engine` in the front matter first (an execute option, src/config/constants.ts:176),
    else the languages of ```{lang} lines (src/core/pandoc/pandoc-partition.ts:144-166): knitr
    claims r, jupyter any other language without a handler, otherwise markdown."""
    front = yaml.safe_load(qmd_text.split("\n---\n")[0].removeprefix("---\n")) or {}
    for engine in ("knitr", "jupyter", "julia", "markdown"):
        if front.get(engine) or front.get("engine") == engine:
            return engine
    chunk = re.compile(r"^[\t >]*```+\s*\{([a-zA-Z][a-zA-Z0-9_.]*)([^}]*)?\}\s*$", re.M)
    languages = [match[1].lower() for match in chunk.finditer(qmd_text)]
    handlers = {"ojs", "mermaid", "dot", "include", "embed"}
    for language in languages:
        if language == "r":
            return "knitr"
        if language == "julia":
            return "julia"
        if language not in handlers:
            return "jupyter"
    return "markdown"


def test_the_engine_is_markdown_though_the_body_holds_a_code_cell(built) -> None:
    text = (built / "sample.qmd").read_text("utf-8")
    assert quarto_engine(text) == "markdown"
    # The code slide is raw HTML with its backticks as references, so even without the front
    # matter's engine no line of it is a code cell that would make Quarto choose knitr.
    assert "```{r}" in HOSTILE["code"]
    assert quarto_engine(text.replace("engine: markdown\n", "")) == "markdown"


# --- the front matter -------------------------------------------------------------------------


def dayjs_format(date: datetime.date, template: str) -> str:
    """dayjs's format() as Quarto calls it (src/core/date.ts:190-191): [text] is literal."""
    # dayjs's REGEX_FORMAT (dayjs/src/constant.js)
    tokens = re.compile(
        r"\[([^\]]+)]|Y{1,4}|M{1,4}|D{1,2}|d{1,4}|H{1,2}|h{1,2}|a|A|m{1,2}|s{1,2}|Z{1,2}|SSS"
    )
    values = {"YYYY": f"{date.year:04d}", "MM": f"{date.month:02d}", "DD": f"{date.day:02d}"}
    return tokens.sub(lambda m: m[1] if m[1] is not None else values.get(m[0], "?"), template)


def quarto_shows(date: str | dict) -> str:
    """The date Quarto writes to pandoc's metadata (src/core/date.ts:38-83), for our values:
    an ISO date, or {value: today, format}. Anything else would be "Invalid Date"."""
    value, form = (date, "iso") if isinstance(date, str) else (date["value"], date["format"])
    if value == "today":
        parsed = datetime.date.today()
    else:
        try:
            parsed = datetime.date.fromisoformat(value)
        except ValueError:
            return "Invalid Date"
    return dayjs_format(parsed, "YYYY-MM-DD" if form == "iso" else form)


def markdown_text(text: str) -> str:
    done = subprocess.run(
        [pandoc_path(), "--from=markdown", "--to=plain", "--wrap=none"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.mark.parametrize(
    "written",
    ["2025-03-07", "Spring term 2025", FREE_DATE, "7 March 2025", "2025-02-30", "a]b [c] `d]`"],
)
def test_quarto_shows_the_date_as_written(written: str) -> None:
    shown = quarto_shows(quarto_date(written))
    assert shown != "Invalid Date"
    assert markdown_text(shown) == markdown_text(str(inline.plain(written))).replace("\\", "")


def test_head_content_goes_through_include_in_header(built) -> None:
    front = front_matter(built / "sample.qmd")
    assert "header-includes" not in front  # Quarto writes it back verbatim, fences and all
    (include,) = front["include-in-header"]
    assert set(include) == {"text"} and "```" not in include["text"]
    assert front["date"] == {"value": "today", "format": quarto_date(FREE_DATE)["format"]}


def test_reveal_options_come_from_one_place(built) -> None:
    front = front_matter(built / "sample.qmd")
    reveal = front["format"]["revealjs"]
    assert {key: reveal[key] for key in REVEAL} == REVEAL
    script = (built / "sample.html").read_text("utf-8").split("Reveal.initialize({")[1]
    for name, value in reveal_variables().items():
        if name != "theme":
            assert re.search(rf"\b{name}: '?{re.escape(value)}'?,", script), name
    assert "navigationMode: 'default'" in script  # Quarto maps "vertical" to reveal.js's default


# --- title slide, footer and slide number under Quarto's own CSS and plugin ----------------

# Quarto's rules for them (quarto-cli src/resources/formats/revealjs/plugins/support/
# footer.css:12-37).
QUARTO_FOOTER_CSS = """
.reveal .footer { display: block; position: fixed; bottom: 18px; width: 100%; margin: 0 auto;
  text-align: center; font-size: 18px; z-index: 2; }
.reveal .footer > * { margin-top: 0; margin-bottom: 0; }
.reveal .slide .footer { display: none; }
.reveal .slide-number { bottom: 10px; right: 10px; font-size: 16px; background-color: transparent; }
"""
# What Quarto's plugin does with `footer:` (support.js:143-167): one bar, moved into .reveal.
AS_QUARTO = """
(footer) => {
  const rect = el => { const r = el.getBoundingClientRect(); return [r.left, r.bottom, r.height]; };
  const number = document.querySelector('.reveal .slide-number');
  const slideFooter = Reveal.getCurrentSlide().querySelector('.footer');
  const ours = {footer: rect(slideFooter), number: rect(number)};
  const style = document.createElement('style');
  style.textContent = footer.css;
  document.head.appendChild(style);
  const bar = document.createElement('div');
  bar.className = 'footer footer-default';
  bar.innerHTML = '<p>' + footer.text + '</p>';
  document.querySelector('.reveal').appendChild(bar);
  const quarto = {footer: rect(bar), number: rect(number)};
  bar.remove();
  style.remove();
  return {ours, quarto};
}
"""


@pytest.mark.parametrize("viewport", [(1280, 720), (1000, 800), (1600, 700)])
def test_footer_and_slide_number_sit_where_they_do_under_quarto(built, viewport) -> None:
    front = front_matter(built / "sample.qmd")
    assert front["title-slide-style"] == "pandoc"  # the title slide the theme styles
    assert front["title-slide-attributes"]["data-footer"] == "false"
    with chromium_browser("quarto footer") as browser, serve_folder(built) as base:
        page = open_deck(browser, f"{base}/sample.html")
        page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        page.evaluate(SHOW_SLIDE, 3)  # a content slide
        placed = page.evaluate(AS_QUARTO, {"css": QUARTO_FOOTER_CSS, "text": "Footer"})
    for name in ("footer", "number"):
        assert placed["quarto"][name] == pytest.approx(placed["ours"][name], abs=1), name


def test_a_deck_gets_only_the_rules_it_needs_and_the_same_html(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each Lua filter costs pandoc a pass over the whole deck: the footer rule runs only for a
    lecture with a footer, the shortcode rule only for a .qmd holding an escaped shortcode
    (the hostile deck above needs and gets both). With both always, the deck is the same."""
    from slides.build import prepare_build
    from slides.render import Options, html, qmd

    assert html.quarto_rules("plain text", footer=False) == []
    assert html.quarto_rules("plain text", footer=True) == [html.QUARTO_FOOTER]
    escaped = "a {{</* meta title */>}} b"
    assert html.quarto_rules(escaped, footer=True) == [html.QUARTO_FOOTER, html.QUARTO_SHORTCODES]

    def deck(out: Path) -> bytes:
        build, _ = prepare_build(SAMPLE, out, Options())
        qmd.render(build)
        return html.render(build).read_bytes()

    needed = deck(tmp_path / "needed")
    source = (tmp_path / "needed" / SAMPLE.name / f"{SAMPLE.name}.qmd").read_text("utf-8")
    assert html.quarto_rules(source, footer=True) == [html.QUARTO_FOOTER]  # the footer alone
    monkeypatch.setattr(html, "quarto_rules", lambda text, footer: [*html.QUARTO_RULES])
    assert deck(tmp_path / "all") == needed
