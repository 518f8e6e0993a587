"""The placed code box as the HTML deck and the handout write it: the very runs the PPTX writes.

Placement (`slides.place.code`) highlighted the code once; here each output only serialises
its paragraphs: a run's colour is its theme role, a line's hanging indent is its placed `left`
(in ems of the line's own size, so it scales with the slide), a marked line gets its fill.
The HTML deck gets these spans rather than pandoc's or Quarto's own highlighting: their
tokeniser (skylighting) colours other characters than Pygments does, and cannot indent a
wrapped line's continuation to that line's indentation.
"""

from __future__ import annotations

from markupsafe import Markup

from slides.place.frames import PlacedFrame, Text
from slides.place.paragraphs import Para
from slides.theme import Theme

# Characters written as references in the .qmd's raw HTML: markup, and what Quarto or pandoc
# would read there first (shortcodes `{{< >}}`, a closing ``` fence).
_HTML_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "{": "&#123;", "}": "&#125;", "`": "&#96;"}
)


def code_box(placed: PlacedFrame) -> Text:
    """The slide's code box, as placed."""
    return next(e for e in placed.elements if isinstance(e, Text) and e.name == "Code")


def _em(para: Para, points: float) -> str:
    return f"{points / para.size:.4g}"


def html(code: Text, theme: Theme) -> Markup:
    """A raw HTML block for the .qmd: a <pre> of one block per line, runs coloured inline."""
    lines = []
    for i, para in enumerate(code.paras):
        style = f"display:block;padding-left:{_em(para, para.left)}em"
        style += f";text-indent:-{_em(para, para.lead)}em"
        if para.mark:
            style += f";background:{theme.color(para.mark)}"
        runs = "".join(
            f'<span style="color:{theme.color(span.role)}">{_html_text(span.text)}</span>'
            if span.role
            else _html_text(span.text)
            for span in para.spans
        )
        marked = ' data-marked=""' if para.mark else ""
        # The line break ends the line's block (no empty line after it), so the code's text
        # (copied, searched, read aloud) has its line breaks.
        end = "\n" if i < len(code.paras) - 1 else ""
        lines.append(f'<span class="code-line" style="{style}"{marked}\n>{runs}{end}</span\n>')
    body = "".join(lines)
    return Markup(f'```{{=html}}\n<pre class="code"><code\n>{body}</code></pre>\n```')


def _html_text(text: str) -> str:
    return text.translate(_HTML_ESCAPES)


def typst(code: Text) -> Markup:
    """The code box as a Typst value for handout.typ's code-body: lines of coloured runs."""
    from slides.render.handout import typst_string

    lines = []
    for para in code.paras:
        runs = ", ".join(
            f"({typst_string(span.text)}, {typst_string(span.role) if span.role else 'none'})"
            for span in para.spans
        )
        mark = typst_string(para.mark) if para.mark else "none"
        lines.append(
            f"(hang: {_em(para, para.left)}em, mark: {mark}, runs: ({runs}{',' if runs else ''}))"
        )
    inset = f"{code.inset:g}pt"
    return Markup(f'(kind: "code", inset: {inset}, lines: ({", ".join(lines)},))')
