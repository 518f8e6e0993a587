"""The Quarto source: parsed back by pandoc, its structure must be the deck plan's; content must
never change that structure, whatever characters it holds."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from urllib.parse import unquote

import jinja2
import pytest
import yaml
from conftest import SAMPLE, code_box_texts, copy_lecture, require, run_cli
from lxml import html
from markupsafe import Markup

from slides import inline
from slides.deck import plan
from slides.jinja import environment, md_code_block, md_inline, typst_inline
from slides.load import load_lecture
from slides.render.html import pandoc_path
from slides.render.qmd import HEAD
from slides.theme import load_theme

HOSTILE = "# <script>alert(1)</script> {{x}} ::: *a*"
# Characters that mean something to markdown, Quarto, HTML, YAML or Jinja, and mixed inline syntax.
NASTY = [
    HOSTILE,
    "```\nfenced? no\n```",
    "::: {.notes}\nnot notes\n:::",
    "$x^2$ and @citation and [^note] and ~sub~ ^sup^",
    "<!-- comment --> <b>bold?</b> &amp; &lt; & < >",
    "1. not a list",
    "- not a list",
    "+ not a list",
    "> not a quote",
    "| not | a | table |",
    "(a) not a list (1) either",
    "## not a heading",
    "a\\*b\\* \\\\ backslashes \\",
    "{.class} {#id} {=html}",
    "\"smart\" 'quotes' -- and --- and ...",
    "**bold *both* bold** *it* `code` [link](https://example.org/a_b?c=(d)&e=<f>)",
    "[bad link](javascript:alert(1)) and `` `tick` `` and ``` ``double`` ```",
    "line one\nline two\n\n    indented four",
    "**a***b* and *a***b** and ***ab***",
    "emoji 🎓 non\u00a0breaking — dash – · ü",
    "trailing spaces inside **bold ** and * italic*",
    "{{ 7 * 7 }} {% if true %}jinja{% endif %} {# c #}",
    "=== and *** and ___ and +++",
    "\\",
    "`",
    "**",
]


# --- the pandoc AST, read back --------------------------------------------------------------


# What a diagram drawn from data may put into the deck as raw HTML (templates/diagram.svg.j2).
DIAGRAM_TAGS = {"figure", "figcaption", "svg", "title", "rect", "ellipse", "polyline", "polygon"}
DIAGRAM_TAGS |= {"text", "em", "strong", "code", "a"}


def pandoc_json(text: str) -> dict:
    """Parse markdown as pandoc (and so Quarto) does."""
    done = subprocess.run(
        [pandoc_path(), "--from=markdown", "--to=json"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def stringify(node) -> str:
    """The text of an AST node as a reader sees it."""
    if isinstance(node, list):
        return "".join(stringify(n) for n in node)
    kind, content = node["t"], node.get("c")
    if kind == "Str":
        return content
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind == "Code":
        return content[1]
    if kind in ("Emph", "Strong", "Underline", "Strikeout", "SmallCaps"):
        return stringify(content)
    if kind in ("Span", "Link", "Image"):
        return stringify(content[1])
    if kind == "Quoted":
        return stringify(content[1])
    if kind == "Plain" or kind == "Para":
        return stringify(content)
    raise AssertionError(f"unexpected inline {kind}: {content!r}")


def styled(node, bold=False, italic=False, code=False, href=None) -> list[tuple]:
    """Each character of inlines with its style: (char, bold, italic, code, href)."""
    if isinstance(node, list):
        return [c for n in node for c in styled(n, bold, italic, code, href)]
    kind, content = node["t"], node.get("c")
    if kind == "Str":
        return [(ch, bold, italic, False, href) for ch in content]
    if kind in ("Space", "SoftBreak"):
        return [(" ", bold, italic, False, href)]
    if kind == "Code":
        return [(ch, bold, italic, True, href) for ch in content[1]]
    if kind == "Strong":
        return styled(content, True, italic, code, href)
    if kind == "Emph":
        return styled(content, bold, True, code, href)
    if kind == "Math":  # a formula is one unit: its kind and TeX
        return [(f"{content[0]['t']}:{content[1]}", bold, italic, False, href)]
    if kind == "Link":
        # Targets are percent-encoded where markdown would read syntax: compare decoded.
        return styled(content[1], bold, italic, code, unquote(content[2][0]))
    raise AssertionError(f"unexpected inline {kind}: {content!r}")


def expected_styled(text: str) -> list[tuple]:
    """The same for lecture text, from slides.inline, whitespace collapsed as markdown does."""
    chars = []
    for span in inline.parse(" ".join(text.split())):
        body = span.text.strip(" ") if span.code else span.text
        if span.code and body != span.text:
            # Markdown trims a code span's outer spaces: they are plain spaces outside it.
            body = span.text
            core = body.strip(" ")
            lead, trail = body[: len(body) - len(body.lstrip(" "))], body[len(body.rstrip(" ")) :]
            chars += [(" ", span.bold, span.italic, False, span.href) for _ in lead]
            chars += [(ch, span.bold, span.italic, True, span.href) for ch in core]
            chars += [(" ", span.bold, span.italic, False, span.href) for _ in trail]
            continue
        href = unquote(span.href) if span.href else None
        if span.math:
            kind = "DisplayMath" if span.math == "display" else "InlineMath"
            chars.append((f"{kind}:{span.text}", span.bold, span.italic, False, href))
            continue
        chars += [(ch, span.bold, span.italic, span.code, href) for ch in body]
    # Runs of spaces collapse to one, and leading/trailing spaces go.
    out: list[tuple] = []
    for c in chars:
        if c[0] == " " and out and out[-1][0] == " " and not c[3]:
            continue
        out.append(c)
    while out and out[0][0] == " ":
        out.pop(0)
    while out and out[-1][0] == " ":
        out.pop()
    return out


def unstyled_spaces(chars: list[tuple]) -> list[tuple]:
    """Spaces outside code look the same bold or not: markdown keeps them outside emphasis."""
    return [(" ", False, False, False, None) if c[0] == " " and not c[3] else c for c in chars]


def blocks_of(tree: dict, kind: str) -> list[dict]:
    """Every block of a kind, at any depth."""
    found = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("t") == kind:
                found.append(node)
            walk(node.get("c"))
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(tree["blocks"])
    return found


def headers(tree: dict, level: int) -> list[dict]:
    return [h for h in blocks_of(tree, "Header") if h["c"][0] == level]


def div_classes(div: dict) -> list[str]:
    return div["c"][0][1]


# --- the sample lecture ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("qmd")
    result = run_cli("build", SAMPLE, "--format", "qmd", "--out", out)
    assert result.returncode == 0, result.stderr
    source = out / "sample" / "sample.qmd"
    return source, pandoc_json(source.read_text("utf-8"))


@pytest.fixture(scope="module")
def deck():
    lecture, _ = load_lecture(SAMPLE)
    return plan(lecture)


def test_topics_are_sections_and_frames_are_slides(sample, deck) -> None:
    _, tree = sample
    sections = [f for f in deck.frames if f.kind in ("section", "closing")]
    slides = [f for f in deck.frames if f.kind in ("agenda", "content")]
    assert [stringify(h["c"][2]) for h in headers(tree, 1)] == [
        inline.plain(f.title) for f in sections
    ]
    assert [stringify(h["c"][2]) for h in headers(tree, 2)] == [
        inline.plain(f.display_title) for f in slides
    ]
    # Ids come from positions, so editing a title keeps the browser on its slide.
    assert [h["c"][1][0] for h in headers(tree, 2)][:3] == [
        "agenda",
        "topic-1-slide-1",
        "topic-1-slide-2",
    ]
    assert not headers(tree, 3)  # nothing else makes a slide


def test_notes_columns_and_incremental_bullets(sample, deck) -> None:
    _, tree = sample
    divs = blocks_of(tree, "Div")
    notes = [d for d in divs if "notes" in div_classes(d)]
    assert len(notes) == sum(1 for f in deck.frames if f.notes)
    assert [stringify(n["c"][1]) for n in notes] == [f.notes for f in deck.frames if f.notes]
    columns = [d for d in divs if div_classes(d) == ["columns"]]
    assert len(columns) == 1
    assert [div_classes(c) for c in columns[0]["c"][1]] == [["column"], ["column"]]
    # The incremental slide: one fragment per top-level bullet (three), each a list of one.
    fragments = [d for d in divs if div_classes(d) == ["fragment"]]
    assert len(fragments) == 3
    assert all([b["t"] for b in f["c"][1]] == ["BulletList"] for f in fragments)
    assert [len(f["c"][1][0]["c"]) for f in fragments] == [1, 1, 1]


def test_pictures_tables_and_code(sample) -> None:
    source, tree = sample
    images = []
    for block in blocks_of(tree, "Figure") + blocks_of(tree, "Para"):
        images += [i for i in block["c"] if isinstance(i, dict) and i.get("t") == "Image"]
    images += [
        i
        for fig in blocks_of(tree, "Figure")
        for plain in fig["c"][2]
        for i in plain["c"]
        if i.get("t") == "Image"
    ]
    unique = {json.dumps(i) for i in images}
    assert len(unique) == 2  # the image files; the diagram is drawn from data as inline SVG
    raws = blocks_of(tree, "RawBlock")
    (raw,) = [r for r in raws if r["c"][1].startswith("<figure")]  # the rest: code boxes
    fmt, code = raw["c"]
    assert fmt == "html" and code.startswith('<figure class="diagram"><svg class="diagram"')
    assert 'role="img" aria-label="' in code and "<text " in code
    for image in map(json.loads, unique):
        attributes = dict(image["c"][0][2])
        # In a figure, pandoc moves the alt attribute into the image's description.
        alt = attributes.get("alt") or stringify(image["c"][1])
        assert alt and alt == attributes["fig-alt"]
        assert int(attributes["width"]) <= 1152 and int(attributes["height"]) <= 507
        target = image["c"][2][0]
        assert target.startswith("images/") and (source.parent / target).is_file()
    captions = [stringify(f["c"][1][1]) for f in blocks_of(tree, "Figure")]
    assert captions == ["A picture"]
    (table,) = blocks_of(tree, "Table")
    assert "pandoc" in json.dumps(table) and "Marp" in json.dumps(table)
    (code,) = code_box_texts(blocks_of(tree, "RawBlock"))
    assert code == 'def greet(name):\n    return f"Hello, {name}!"'


def test_front_matter_is_quarto_revealjs(sample) -> None:
    source, tree = sample
    text = source.read_text("utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == "Every Slide Kind"
    assert front["lang"] == "en"
    reveal = front["format"]["revealjs"]
    assert (reveal["width"], reveal["height"]) == (1280, 720)
    assert reveal["slide-number"] and reveal["hash"] is True
    assert reveal["navigation-mode"] == "vertical"
    assert stringify(tree["meta"]["author"]["c"]) == "Test Author"


# --- content is data ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, dict]:
    """The sample lecture with markup-like text in every field a renderer writes."""
    tmp = tmp_path_factory.mktemp("hostile")
    folder = copy_lecture(SAMPLE, tmp)
    data = yaml.safe_load((folder / "lecture.yaml").read_text("utf-8"))
    data["title"] = HOSTILE
    data["subtitle"] = NASTY[4]
    data["author"] = NASTY[12]
    data["footer"] = NASTY[2]
    topic = data["topics"][0]
    topic["title"] = HOSTILE
    bullets = topic["slides"][0]
    bullets["title"] = HOSTILE
    bullets["bullets"] = [*NASTY[:10], NASTY[16]]
    bullets["notes"] = "::: {.notes}\n\n## heading in notes\n\n<script>alert(2)</script>"
    topic["slides"][1]["quote"] = {"text": NASTY[5], "attribution": NASTY[8]}
    pictures = data["topics"][1]["slides"]
    pictures[0]["image"]["caption"] = HOSTILE
    pictures[0]["image"]["alt"] = 'alt with "quotes" \\ and } and &amp;'
    pictures[1]["diagram"]["steps"] = [
        HOSTILE,
        "{{< pagebreak >}} </text><script>x</script>",
        "&amp;",
    ]
    pictures[1]["diagram"]["caption"] = NASTY[4]
    pictures[3]["table"] = {"header": ["a | b", HOSTILE], "rows": [["`x|y`", "\\|"], ["", "<i>"]]}
    pictures[4]["code"] = {"language": "c++", "source": "```\n~~~\n::: x\n<script>\n"}
    data["closing"] = NASTY[14]
    (folder / "lecture.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    out = tmp / "out"
    result = run_cli("build", folder, "--format", "qmd,html", "--out", out)
    assert result.returncode == 0, result.stderr
    lecture, _ = load_lecture(folder)
    return out / folder.name, {"deck": plan(lecture), "data": data}


def test_hostile_titles_round_trip_literally(hostile) -> None:
    folder, facts = hostile
    tree = pandoc_json((folder / "sample.qmd").read_text("utf-8"))
    deck = facts["deck"]
    assert stringify(tree["meta"]["title"]["c"]) == inline.plain(HOSTILE)
    assert [stringify(h["c"][2]) for h in headers(tree, 1)] == [
        inline.plain(f.title) for f in deck.frames if f.kind in ("section", "closing")
    ]
    assert [stringify(h["c"][2]) for h in headers(tree, 2)] == [
        inline.plain(f.display_title) for f in deck.frames if f.kind in ("agenda", "content")
    ]
    # The structure is the sample's: the same number of slides, notes and code blocks.
    assert code_box_texts(blocks_of(tree, "RawBlock")) == ["```\n~~~\n::: x\n<script>"]
    notes = [d for d in blocks_of(tree, "Div") if "notes" in div_classes(d)]
    assert len(notes) == sum(1 for f in deck.frames if f.notes)
    # No raw HTML from content (the head content of include-in-header is front matter): the
    # only raw blocks are the drawn diagrams' figures and the highlighted code boxes, every
    # character of their text escaped.
    for raw in blocks_of(tree, "RawBlock"):
        fmt, code = raw["c"]
        assert fmt == "html"
        if code.startswith('<pre class="code">'):
            assert "<script" not in code and "```" not in code
            continue
        assert code.startswith('<figure class="diagram"><svg class="diagram"')
        tags = {el.tag for el in html.fragment_fromstring(code).iter()}
        assert tags <= DIAGRAM_TAGS, tags - DIAGRAM_TAGS
    assert '"t": "RawInline"' not in json.dumps(tree["blocks"])


def test_hostile_text_is_text_in_the_html(hostile) -> None:
    folder, _ = hostile
    page = html.parse(str(folder / "sample.html")).getroot()
    scripts = page.findall(".//script")
    # reveal.js and its plugins, the inline script that starts it, the head's (qmd.HEAD,
    # which lets the page zoom) and, as the deck has math, KaTeX and pandoc's script that
    # typesets each formula: nothing from content.
    inline_scripts = [s.text for s in scripts if not s.get("src")]
    assert len(inline_scripts) == 3 and "Reveal.initialize" in inline_scripts[2]
    assert "katex.render(texText.data" in inline_scripts[0]
    assert f"<script>{inline_scripts[1]}</script>" in HEAD
    sources = [s.get("src") for s in scripts if s.get("src")]
    assert all(src.startswith(("reveal.js/", "katex/")) for src in sources)
    assert page.find(".//i") is None and page.find(".//b") is None
    titles = [" ".join(h.text_content().split()) for h in page.iterfind(".//section/h2")]
    assert inline.plain(HOSTILE) in titles
    assert page.find(".//h1[@class='title']").text_content() == inline.plain(HOSTILE)
    text = page.text_content()
    for needle in ("<script>alert(1)</script>", "{{x}}", ":::", "<i>", "javascript:alert(1)"):
        assert needle in text
    # A diagram's labels are text of its SVG, shortcodes and markup included.
    labels = " ".join(t.text_content() for t in page.iter("text"))
    for needle in ("{{< pagebreak >}}", "&amp;", "{{x}}"):
        assert needle in labels
    # A word too long for its shape is cut with '…' (never broken inside): its start is text.
    assert "</text><script>x" in labels
    links = [a.get("href") for a in page.iterfind(".//a") if a.get("href")]
    assert not [h for h in links if h.lower().startswith("javascript")]


# --- the inline syntax as markdown, checked character by character --------------------------


def _random_texts(count: int) -> list[str]:
    alphabet = list("ab *_`\\[]()<>#{}:|-.!$@~^&\"'=+%\n") + ["**", "https://x.org", "é", "🎓"]
    rng = random.Random(20261128)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24))) for _ in range(count)]


def test_md_inline_keeps_every_character_and_style() -> None:
    texts = NASTY + _random_texts(600)
    document = "\n\n".join(f"::: {{.case}}\n{md_inline(t)}\n:::" for t in texts)
    cases = [d for d in pandoc_json(document)["blocks"] if d["t"] == "Div"]
    assert len(cases) == len(texts)
    for text, case in zip(texts, cases, strict=True):
        blocks = case["c"][1]
        got = styled(blocks[0]["c"]) if blocks else []
        assert len(blocks) <= 1, (text, md_inline(text))
        assert unstyled_spaces(got) == unstyled_spaces(expected_styled(text)), (
            text,
            str(md_inline(text)),
        )


def test_code_block_fence_outgrows_the_code() -> None:
    source = "a ```` b\n```\n"
    block = md_code_block(source, "python")
    assert block.startswith("`````python\n") and block.endswith("\n`````")
    (code,) = pandoc_json(block)["blocks"]
    assert code["c"][1] == source.rstrip("\n")


# --- the Jinja environments ---------------------------------------------------------------


def test_environment_escapes_for_its_target() -> None:
    qmd = environment("qmd").from_string("{{ text }}|{{ text | inline }}|{{ n }}")
    assert qmd.render(text="*a* #1", n=2.5) == "\\*a\\* \\#1|*a* \\#1|2.5"
    page = environment("html").from_string("{{ text }}|{{ text | inline }}")
    assert page.render(text="<b>*x*</b>") == "&lt;b&gt;*x*&lt;/b&gt;|&lt;b&gt;<em>x</em>&lt;/b&gt;"
    typst = environment("typst").from_string("{{ text }}|{{ text | inline }}")
    assert typst.render(text="#x *b* $") == "\\#x \\*b\\* \\$|\\#x #emph[b] \\$"
    assert environment("qmd").from_string("{{ v }}").render(v=Markup("**kept**")) == "**kept**"


def test_xml_environment_escapes_each_value_once() -> None:
    """The xml target escapes in finalize alone: text through a macro, a call block and a set
    block is escaped exactly once, Markup and numbers pass as they are."""
    xml = environment("xml").from_string(
        "{% macro m(v) %}<a:t>{{ v }}</a:t>{% endmacro %}"
        "{% macro wrap() %}<w>{{ caller() }}</w>{% endmacro %}"
        "{% set held %}{{ text }}{% endset %}"
        "{{ text }}|{{ m(text) }}|{% call wrap() %}{{ text }}{% endcall %}|{{ held }}|"
        "{{ kept }}|{{ n }}|{{ x }}|{{ bad }}"
    )
    text = 'a < b & "c" > d'
    escaped = "a &lt; b &amp; &quot;c&quot; &gt; d"
    got = xml.render(text=text, kept=Markup("<k/>"), n=12700, x=2.5, bad="x\x01y")
    wrapped = [f"<a:t>{escaped}</a:t>", f"<w>{escaped}</w>"]
    assert got == "|".join([escaped, *wrapped, escaped, "<k/>", "12700", "2.5", "xy"])
    with pytest.raises(TypeError, match="printed None"):
        environment("xml").from_string("{{ v }}").render(v=None)


def test_xml_environment_looks_up_attributes_as_jinja_does() -> None:
    """The xml target's generated attribute lookup (`name.attr` by Python's getattr) and its
    whole-number filters give what Jinja's own code gives: an attribute first, else a dict's
    key, else undefined (an error, as the environment is strict)."""

    class Thing:
        size = 2.5
        items = "an attribute, not the dict method"

    source = (
        "{{ t.size }}|{{ d.size }}|{% if d.items is defined %}True{% endif %}|{{ t.items }}|"
        "{{ t.size | emu }}|{{ t.size | hundredths }}|{% for k in [d] %}{{ k.size }}{% endfor %}"
        "|{% if t.missing is defined %}x{% else %}none{% endif %}"
    )
    values = {"t": Thing(), "d": {"size": "<big>"}}
    xml = environment("xml").from_string(source).render(**values)
    plain = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    plain.filters |= {"emu": lambda v: round(v * 12700), "hundredths": lambda v: round(v * 100)}
    assert xml == plain.from_string(source).render(**values)
    assert (
        xml == "2.5|&lt;big&gt;|True|an attribute, not the dict method|31750|250|&lt;big&gt;|none"
    )
    for broken in ("{{ t.missing }}", "{{ nothing.size }}", "{{ t.missing.size }}"):
        with pytest.raises(jinja2.UndefinedError):
            environment("xml").from_string(broken).render(**values)


def test_environment_is_strict() -> None:
    with pytest.raises(jinja2.UndefinedError):
        environment("qmd").from_string("{{ missing }}").render()
    with pytest.raises(TypeError, match="printed None"):
        environment("qmd").from_string("{{ v }}").render(v=None)
    with pytest.raises(ValueError, match="unsafe value for CSS"):
        environment("css").from_string("color: {{ c }};").render(c="red; } body { x: y")
    with pytest.raises(ValueError, match="unknown template target"):
        environment("latex")


def test_typst_inline_compiles_to_the_same_text(tmp_path: Path) -> None:
    typst = pytest.importorskip("typst")
    pdftotext = require("pdftotext")
    texts = NASTY + _random_texts(100)
    body = "\n#pagebreak()\n".join(str(typst_inline(t)) for t in texts)
    source = tmp_path / "t.typ"
    # The theme's fallbacks draw what DejaVu Sans lacks (the emoji), as in the handout.
    fallbacks = load_theme("default").sans_stack("en")[1:]
    fonts = ", ".join(f'"{f}"' for f in ["DejaVu Sans", *fallbacks])
    source.write_text(
        f"#set page(width: 30cm, height: auto)\n#set text(font: ({fonts}), ligatures: false)\n"
        + body
    )
    typst.compile(str(source), output=str(tmp_path / "t.pdf"))
    done = subprocess.run(
        [pdftotext, "-raw", str(tmp_path / "t.pdf"), "-"], capture_output=True, text=True
    )
    pages = done.stdout.split("\f")
    for text, page in zip(texts, pages, strict=False):
        want = "".join(inline.plain(" ".join(text.split())).split())
        assert "".join(page.split()) == want, (text, str(typst_inline(text)))
