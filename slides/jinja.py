"""One Jinja environment per output format: content is data, escaped for the target format.

Every `{{ value }}` goes through the target's escaper unless a filter already made it safe
(a `Markup` value). So a template that forgets a filter shows markup characters literally
instead of letting content change the document's structure. Templates come only from the
`templates/` folder; content is never used as template source.

Targets: "html" (HTML escaping), "qmd" (Pandoc/Quarto markdown), "typst" (Typst markup),
"css" (theme values only; anything that could break out of a declaration is refused), "xml"
(Office Open XML parts: text escaped as lxml writes it; characters XML cannot hold are
dropped).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from itertools import groupby
from operator import attrgetter
from urllib.parse import quote

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, optimizeconst
from markupsafe import Markup, escape

from slides import contrast, inline, model, tex
from slides.theme import TEMPLATES

TARGETS = ("html", "qmd", "typst", "css", "xml")

# Whitespace that ends a line or a block in markdown/Typst; collapsed to one space in text
# (a non-breaking space stays: it is content, not structure).
_BREAKING_SPACE = re.compile(r"[\t\n\v\f\r \x1c-\x1f\x85\u2028\u2029]+")
# Every ASCII punctuation character: Pandoc markdown (and so Quarto) and Typst both take a
# backslash before any of them as "this character, literally". Markdown escapes only those that
# can start or end syntax (lists, headings, divs, emphasis, math, smart quotes, raw HTML,
# entities, citations, …); the harmless , ; ? / % stay readable.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_MD_SYNTAX = re.compile(r"([\\`*_{}\[\]<>#+\-.!|:$~^@&()\"'=])")


def one_line(text: str) -> str:
    """Text with every run of line breaks, tabs and spaces made one space."""
    return _BREAKING_SPACE.sub(" ", text)


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a plain text: blocks separated by blank lines."""
    return [p for p in re.split(r"\n[ \t]*\n", text.strip()) if p.strip()]


# --- markdown (Pandoc / Quarto) --------------------------------------------------------------


def md_escape(text: str) -> str:
    """Plain text as markdown that shows exactly this text, on one line."""
    return _MD_SYNTAX.sub(r"\\\1", one_line(text))


def md_inline(text: str) -> Markup:
    """Lecture text with its inline syntax (slides.inline) as escaped Pandoc markdown."""
    # Whitespace collapses before parsing, as slides.place measures it (markdown would anyway).
    spans = inline.parse(" ".join(text.split()))
    out: list[str] = []
    # Bold runs enclose italic runs, so the delimiters always nest properly.
    for bold, run in groupby(spans, key=attrgetter("bold")):
        inner = []
        for italic, part in groupby(run, key=attrgetter("italic")):
            body = "".join(_md_span(span) for span in part)
            inner.append(_delimit(body, "*") if italic else body)
        body = "".join(inner)
        out.append(_delimit(body, "**") if bold else body)
    return Markup("".join(out).strip())


def md_notes(text: str) -> Markup:
    """Speaker notes (plain text but for math, slides.inline.notes_spans) as markdown."""
    return Markup("".join(_md_span(span) for span in inline.notes_spans(one_line(text))))


def quarto_verbatim(text: str) -> str:
    """Text for a place Quarto reads verbatim (code, attribute values) with no shortcode live.

    Quarto parses shortcodes in the raw .qmd before pandoc reads it, and again in code, code
    blocks, attribute values and link targets (quarto-cli src/resources/pandoc/datadir/
    readqmd.lua:128, src/resources/filters/customnodes/shortcodes.lua:276-300). Its own escape,
    `{{</* … */>}}`, shows `{{< … >}}` literally (lpegshortcode.lua:145, shortcodes.lua:211).
    A `{{<` without a later `>}}` (or right after a `{`) has no escape: Quarto's parser stops
    there and drops the rest of the document (lpegshortcode.lua:165-171), so an invisible word
    joiner breaks it up.
    """
    out = []
    pos = 0
    while (start := text.find("{{<", pos)) != -1:
        end = text.find(">}}", start + 3)
        if end == -1 or text[start - 1 : start] == "{":
            out.append(text[pos:start] + "{{\u2060<")
            pos = start + 3
        else:
            out.append(text[pos:start] + "{{</*" + text[start + 3 : end] + "*/>}}")
            pos = end + 3
    out.append(text[pos:])
    return "".join(out)


def md_code_span(code: str) -> str:
    """Inline code with a backtick fence longer than any backtick run inside it."""
    code = quarto_verbatim(one_line(code))
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if code.startswith(("`", " ")) or code.endswith(("`", " ")) else ""
    return f"{fence}{pad}{code}{pad}{fence}"


def md_code_block(source: str, language: str = "") -> Markup:
    """A fenced code block whose fence is longer than any backtick run in the code."""
    longest = max((len(run) for run in re.findall(r"`+", source)), default=0)
    fence = "`" * max(3, longest + 1)
    # The model restricts language to [A-Za-z0-9_+#.-]; a bare name is never a Quarto cell.
    body = quarto_verbatim(source.rstrip("\n"))
    return Markup(f"{fence}{language}\n{body}\n{fence}")


def md_attr(text: str) -> Markup:
    """A double-quoted attribute value ({alt="…"}): Pandoc decodes \\\\, \\" and entities."""
    value = quarto_verbatim(one_line(text).strip()).replace("\\", "\\\\").replace('"', '\\"')
    return Markup('"' + value.replace("&", "&amp;") + '"')


def md_url(href: str) -> str:
    """A link target with every character that markdown could read as syntax percent-encoded."""
    return quote(href, safe="/:?#[]@!$&*+,;=%-._~")


def _md_span(span: inline.Span) -> str:
    if span.math:
        fence = "$$" if span.math == "display" else "$"
        return f"{fence}{quarto_verbatim(span.text)}{fence}"
    if span.code:
        # Markdown trims spaces at the ends of a code span; keep them outside it.
        core = span.text.strip(" ")
        if not core:
            return span.text
        lead = " " if span.text.startswith(" ") else ""
        trail = " " if span.text.endswith(" ") else ""
        return f"{lead}{md_code_span(core)}{trail}"
    if span.href is not None:
        return f"[{md_escape(span.text)}]({md_url(span.href)})"
    return md_escape(span.text)


def _delimit(body: str, marker: str) -> str:
    """body between emphasis markers, with its outer spaces outside (or it is not emphasis)."""
    core = body.strip(" ")
    if not core:
        return body
    lead = body[: len(body) - len(body.lstrip(" "))]
    trail = body[len(body.rstrip(" ")) :]
    return f"{lead}{marker}{core}{marker}{trail}"


# --- Typst ------------------------------------------------------------------------------------


def typst_escape(text: str) -> str:
    """Plain text as Typst markup that shows exactly this text."""
    return _PUNCTUATION.sub(r"\\\1", one_line(text))


def typst_string(text: str) -> str:
    """A Typst string literal (Typst writes escapes as \\u{hex}, not JSON's \\uXXXX)."""
    body = "".join(
        "\\" + ch if ch in '\\"' else f"\\u{{{ord(ch):x}}}" if ord(ch) < 32 or ch == "\x7f" else ch
        for ch in text
    )
    return f'"{body}"'


def typst_inline(text: str) -> Markup:
    """Lecture text with its inline syntax as Typst markup (functions, never bare * or _)."""
    out = []
    for span in inline.parse(" ".join(text.split())):
        if span.code:
            piece = f"#raw({typst_string(span.text)})"
        elif span.href is not None:
            piece = f"#link({typst_string(span.href)})[{typst_escape(span.text)}]"
        else:
            piece = typst_escape(span.text)
        if span.italic:
            piece = f"#emph[{piece}]"
        if span.bold:
            piece = f"#strong[{piece}]"
        out.append(piece)
    return Markup("".join(out).strip())


# --- HTML -------------------------------------------------------------------------------------


def html_inline(text: str) -> Markup:
    """Lecture text with its inline syntax as escaped HTML."""
    out = []
    for span in inline.parse(" ".join(text.split())):
        piece = escape(span.text)
        if span.code:
            piece = Markup("<code>%s</code>") % piece
        if span.href is not None:
            piece = Markup('<a href="%s">%s</a>') % (span.href, piece)
        if span.italic:
            piece = Markup("<em>%s</em>") % piece
        if span.bold:
            piece = Markup("<strong>%s</strong>") % piece
        out.append(piece)
    return Markup("").join(out)


# --- CSS --------------------------------------------------------------------------------------

_CSS_VALUE = re.compile(r"^[#%\w .,()'\"/+-]*$")


def css_value(value: object) -> str:
    """A theme value for a CSS declaration; refuses anything that could end the declaration."""
    text = str(value)
    if not _CSS_VALUE.match(text) or "/*" in text:
        raise ValueError(f"unsafe value for CSS: {text!r}")
    return text


def css_string(value: object) -> Markup:
    """A quoted CSS string with every character but letters and digits as a CSS escape."""
    body = "".join(ch if ch.isascii() and ch.isalnum() else f"\\{ord(ch):x} " for ch in str(value))
    return Markup(f'"{body}"')


# --- XML (the PPTX's DrawingML) ----------------------------------------------------------------

_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_SPECIAL = re.compile('[&<>"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


def emu(points: float) -> int:
    """Points as whole English Metric Units (12 700 a point), as DrawingML measures."""
    return round(points * 12700)


def hundredths(points: float) -> int:
    """Points in hundredths (font sizes, line spacing), as DrawingML gives them."""
    return round(points * 100)


_MATH_RUN = re.compile(r"<m:r>(<m:rPr>.*?</m:rPr>)?")


def omml(span: inline.Span, size: int, colour: str | None, alone: bool, lang: str) -> Markup:
    """A formula's OMML (pandoc's, as PowerPoint stores it) with DrawingML run properties in
    every math run, as PowerPoint's equation editor writes them: the size and colour of the
    paragraph, in Cambria Math (the font Office sets equations in). A displayed formula is
    a paragraph of its own (m:oMathPara) only when it is `alone` in its paragraph."""
    found = tex.formula(span.text, span.math == "display")
    fill = f'<a:solidFill><a:srgbClr val="{colour}"/></a:solidFill>' if colour else ""
    props = (
        f'<a:rPr lang="{lang}" sz="{size}" b="0" i="1">{fill}<a:latin typeface="Cambria Math"'
        ' panose="02040503050406030204" pitchFamily="18" charset="0"/></a:rPr>'
    )
    xml = found.omml if alone else _inline_math(found.omml)
    return Markup(_MATH_RUN.sub(lambda m: m.group(0) + props, xml))


def math_requires(paras: list, background: str) -> str:
    """The Requires of the equations' mc:Choice (templates/pptx/equations.xml.j2): "a14"
    when the shape's whole text is one formula (LibreOffice draws it as a formula object),
    "a14 m" when formulas stand within text (LibreOffice then reads the fallback's text).
    LibreOffice draws a formula object black whatever its runs' colour, so on a `background`
    black is unreadable on (a dark theme) the formula goes to the fallback's text as well."""
    spans = [span for para in paras for span in para.spans]
    alone = len(paras) == 1 and len(spans) == 1 and spans[0].math
    return "a14" if alone and contrast.ratio("000000", background) >= contrast.BODY else "a14 m"


def _inline_math(xml: str) -> str:
    """The m:oMath of a displayed formula (inside running text, PowerPoint sets it inline)."""
    start = xml.find("<m:oMath>") if "<m:oMathPara" in xml else -1
    if start < 0:
        return xml
    body = xml[start : xml.rfind("</m:oMath>") + len("</m:oMath>")]
    return body.replace("<m:oMath>", f'<m:oMath xmlns:m="{tex.M}">', 1)


class _JoinedLines(jinja2.FileSystemLoader):
    """XML templates written indented for reading, loaded as one line.

    Every line break and the indentation after it are dropped, so the parts carry no
    whitespace between elements. Template lines so break only between tags and blocks.
    """

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        return _LINE_BREAK.sub("", source), filename, uptodate


_LINE_BREAK = re.compile(r"\n[ \t]*")


# --- the environments -------------------------------------------------------------------------

_ESCAPERS: dict[str, Callable[[str], str]] = {
    "qmd": md_escape,
    "typst": typst_escape,
    "css": css_value,
}
_INLINE: dict[str, Callable[[str], Markup]] = {
    "html": html_inline,
    "qmd": md_inline,
    "typst": typst_inline,
}


def _finalizer(target: str) -> Callable[[object], object]:
    if target == "xml":
        return _xml_finalize
    escaper = _ESCAPERS[target]

    def finalize(value: object) -> object:
        if isinstance(value, Markup):
            return value
        if isinstance(value, bool) or value is None:
            # A None or bool in the output is a template bug, not content.
            raise TypeError(f"{target} template printed {value!r}")
        if isinstance(value, int | float):
            return Markup(format(value, "g") if isinstance(value, float) else value)
        return Markup(escaper(str(value)))

    return finalize


def _xml_finalize(value: object) -> str:
    """XML's finalize, the only step between a printed value and the part (see _XmlCode):
    text escaped as lxml writes it (&, <, > and "), characters XML cannot hold dropped;
    Markup as it is; numbers as text. A large deck prints some 100 000 values: exact types
    are checked first."""
    kind = type(value)
    if kind is str:
        return _xml_escape(value) if _XML_SPECIAL.search(value) else value
    if kind is Markup:
        return value
    if kind is int:
        return str(value)
    if isinstance(value, Markup):
        return value
    if isinstance(value, bool) or value is None:
        # A None or bool in the output is a template bug, not content.
        raise TypeError(f"xml template printed {value!r}")
    if isinstance(value, float):
        return format(value, "g")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return _xml_escape(text) if _XML_SPECIAL.search(text) else text


def _xml_escape(text: str) -> str:
    text = _XML_UNSAFE.sub("", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;")


class _XmlCode(CodeGenerator):
    """The xml target's compiled output: each printed value goes through `finalize` alone, and
    callables are called directly.

    Autoescape would wrap it in `escape()` too, which only makes a new Markup of text the
    finalize has escaped already (some 190 000 times for 300 slides, a fifth of the writing).
    The same hooks Jinja's own NativeCodeGenerator overrides (jinja2/nativetypes.py).
    Macros, call and set blocks still give Markup (autoescape is on), which finalize keeps.
    """

    def _output_child_pre(self, node, frame, finalize) -> None:
        if isinstance(node, nodes.Filter) and node.name in _WHOLE_NUMBER_FILTERS:
            self.write("str(")  # what finalize makes of an int, without asking its type
            return
        self.write(finalize.src)  # "environment.finalize("

    def _output_child_post(self, node, frame, finalize) -> None:
        self.write(")")

    def visit_Call(self, node, frame, forward_caller: bool = False) -> None:
        """A call as Python makes it, `(f)(*(), args)`, not through `context.call`, which looks
        for a function wanting the context (none of the xml target's macros and globals does)
        on each of some 12 000 calls for 300 slides: a tenth of the writing."""
        self.write("(")
        self.visit(node.node, frame)
        self.write(")(*()")  # signature() writes ", arg" for each argument
        self.signature(node, frame, {"caller": "caller"} if forward_caller else None)
        self.write(")")

    @optimizeconst
    def visit_Getattr(self, node, frame) -> None:
        """`name.attr` as Python's getattr with a default, in C, instead of a call of
        `environment.getattr` (110 000 for 300 slides); only when the object has no such
        attribute does Jinja's getattr answer (a dict's key, else undefined), as before. A
        name has no side effects, so looking at it twice changes nothing."""
        if not isinstance(node.node, nodes.Name):
            super().visit_Getattr(node, frame)
            return
        self.write("(x_got if (x_got := getattr(")
        self.visit(node.node, frame)
        self.write(f", {node.attr!r}, missing)) is not missing else environment.getattr(")
        self.visit(node.node, frame)
        self.write(f", {node.attr!r}))")


# Filters that give an int, which finalize would only make text of.
_WHOLE_NUMBER_FILTERS = ("emu", "hundredths")


class _XmlEnvironment(jinja2.Environment):
    code_generator_class = _XmlCode


def _bytecode_cache(target: str) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between processes: compiling costs 0.05 s a template.

    Jinja keeps them in a private folder of the temp directory and checks each against its
    template's source when loading. The file names hold the target, since the compiled code
    depends on the environment's settings (finalize), not only on the source.
    """
    try:
        # The xml target's code is _XmlCode's (finalize alone, direct calls): a name of its own.
        name = "xml-direct-2" if target == "xml" else target
        return jinja2.FileSystemBytecodeCache(pattern=f"__slides_{name}_%s.cache")
    except (OSError, RuntimeError):  # no usable temp directory: compile every time
        return None


@cache
def environment(target: str) -> jinja2.Environment:
    """The Jinja environment for one output format, loading templates from templates/."""
    if target not in TARGETS:
        raise ValueError(f"unknown template target {target!r}; targets: {', '.join(TARGETS)}")
    env = (_XmlEnvironment if target == "xml" else jinja2.Environment)(
        loader=(_JoinedLines if target == "xml" else jinja2.FileSystemLoader)(TEMPLATES),
        # Autoescape is on for every target; non-HTML targets escape in `finalize` instead of
        # HTML-escaping, and macros and filters hand back Markup (already escaped).
        autoescape=True,
        finalize=None if target == "html" else _finalizer(target),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(target),
    )
    env.filters["json"] = lambda value: Markup(json.dumps(value, ensure_ascii=False))
    env.filters["plain"] = inline.plain
    env.filters["paragraphs"] = paragraphs
    if target in _INLINE:
        env.filters["inline"] = _INLINE[target]
    if target == "qmd":
        env.filters["attr"] = md_attr
        env.filters["notes"] = md_notes
        env.filters["code_block"] = md_code_block
        env.filters["url"] = lambda value: Markup(md_url(str(value)))
    if target == "css":
        env.filters["css_string"] = css_string
    if target == "xml":
        env.filters["emu"] = emu
        env.filters["hundredths"] = hundredths
        env.filters["has_math"] = lambda paras: any(s.math for p in paras or () for s in p.spans)
        env.filters["omml"] = omml
        env.filters["math_requires"] = math_requires
        env.filters["math_text"] = lambda span: tex.formula(span.text, span.math == "display").text
        env.tests["right_to_left"] = model.writes_right_to_left
    if target == "typst":
        env.filters["string"] = lambda value: Markup(typst_string(str(value)))
    return env
