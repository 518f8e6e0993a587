"""TeX math, converted once per formula by pandoc's texmath for every output.

texmath (inside the pandoc of pypandoc-binary) is the one TeX parser: a formula it cannot read
is a located error, and what it reads becomes OMML for the PPTX (texmath's, as pandoc's
writers store it) and Typst math for the handout. The HTML deck hands
the same TeX to KaTeX. All formulas of a lecture go through pandoc in one call per output form;
each result is kept on disk, named by the formula, so a formula is converted once.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
from msgspec.structs import asdict

from slides import inline, model

if TYPE_CHECKING:
    from lxml import etree

TEX_VERSION = "9"  # bump when the conversion changes, so cached formulas are redone
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_SEPARATOR = "SLIDES-FORMULA-SEPARATOR"
_NOT_TEXT = {"src", "source", "language", "theme", "pptx_template"}  # fields that are no prose

Key = tuple[str, bool]  # (TeX, displayed)


class Formula(msgspec.Struct, frozen=True):
    """One formula in every output's form, and its size in ems of the surrounding text."""

    tex: str
    display: bool
    omml: str  # an m:oMath (inline) or m:oMathPara (displayed) element, namespace declared
    typst: str  # Typst math: $…$ inline, $ … $ displayed
    text: str  # the formula as one line of Unicode: (a)/(b), x², √(x) (fallback, read-back)
    width: float  # ems
    height: float  # ems


class TexError(ValueError):
    """A formula texmath cannot read."""


_formulas: dict[Key, Formula | str] = {}  # converted in this process: a Formula or an error


def formula(tex: str, display: bool) -> Formula:
    """The converted formula (converting it now if `prepare` has not)."""
    found = _formulas.get((tex, display))
    if found is None:
        prepare([(tex, display)])
        found = _formulas[(tex, display)]
    if isinstance(found, str):
        raise TexError(found)
    return found


def prepare(keys: Iterable[Key]) -> dict[Key, str]:
    """Convert the formulas not converted yet; returns the errors of those (of all the keys)
    that texmath cannot read."""
    asked = set(keys)
    missing = []
    for key in sorted(asked - _formulas.keys()):
        cached = _read_cache(key)
        if cached is None:
            missing.append(key)
        else:
            _formulas[key] = cached
    if missing:
        for key, result in zip(missing, _convert(missing), strict=True):
            _formulas[key] = result
            if isinstance(result, Formula):
                _write_cache(key, result)
    return {key: found for key in asked if isinstance(found := _formulas[key], str)}


def lecture_formulas(lecture: model.Lecture) -> Iterator[tuple[tuple, Key]]:
    """Every formula of the lecture with the key path of the text holding it."""
    texts: list[tuple[tuple, str]] = []
    _texts(lecture, (), texts)
    for loc, text in texts:
        if "math" in loc and "equations" in loc:
            yield loc, (" ".join(text.split()), True)
            continue
        if "$" not in text:  # every formula is between dollars (inline._MATH): most text
            continue
        spans = inline.notes_spans(text) if loc[-1] == "notes" else inline.formulas(text)
        for span in spans:
            if span.math:
                yield loc, (span.text, span.math == "display")


def check(lecture: model.Lecture, located: Any) -> None:
    """Convert every formula of the lecture; each one texmath cannot read is a located error."""
    found = list(lecture_formulas(lecture))
    errors = prepare(key for _, key in found)
    for loc, key in found:
        if key in errors:
            located.problem(loc, errors[key])


def _texts(node: object, loc: tuple, found: list[tuple[tuple, str]]) -> None:
    """Every string of the model under node with its key path, in order, into found (a
    recursion of plain calls: a lecture has some 20 000 values at 300 slides)."""
    if isinstance(node, str):
        found.append((loc, node))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _texts(item, loc + (i,), found)
    elif isinstance(node, model.Node) and not isinstance(node, model.Code):
        for name in _prose_fields(type(node)):
            _texts(getattr(node, name), loc + (name,), found)


@cache
def _prose_fields(kind: type) -> tuple[str, ...]:
    return tuple(name for name in kind.__struct_fields__ if name not in _NOT_TEXT)


# --- pandoc ------------------------------------------------------------------------------------


def _convert(keys: list[Key]) -> list[Formula | str]:
    """One pandoc run per output form for all formulas: a paragraph each, separated."""
    from lxml import etree  # only when something is converted: a cached build never pays

    ommls = _pandoc_omml(keys)
    typsts = _pandoc_typst(keys)
    results: list[Formula | str] = []
    for (tex, display), omml, typ in zip(keys, ommls, typsts, strict=True):
        if omml is None:
            results.append(_error(tex, display))
            continue
        element = etree.fromstring(omml)
        width, height = _size(element)
        text = _linear(element)
        results.append(Formula(tex, display, omml, typ.strip(), text, width, height))
    return results


def _document(keys: list[Key]) -> str:
    """The formulas as a pandoc AST (JSON): no markdown parsing between us and texmath."""
    blocks: list[dict] = []
    for tex, display in keys:
        kind = "DisplayMath" if display else "InlineMath"
        blocks.append({"t": "Para", "c": [{"t": "Math", "c": [{"t": kind}, tex]}]})
        blocks.append({"t": "Para", "c": [{"t": "Str", "c": _SEPARATOR}]})
    return json.dumps({"pandoc-api-version": _api_version(), "meta": {}, "blocks": blocks})


def _run(keys: list[Key], to: str, output: Path | None = None) -> subprocess.CompletedProcess:
    from slides.render.html import pandoc_path

    command = [pandoc_path(), "--from=json", f"--to={to}", "--quiet"]
    if output is not None:
        command.append(f"--output={output}")
    return subprocess.run(
        command, input=_document(keys), capture_output=True, text=True, check=True
    )


def _pandoc_omml(keys: list[Key]) -> list[str | None]:
    """Each formula's OMML, or None where texmath failed. pandoc's docx writer stores
    texmath's OMML as its pptx writer does (the same elements, checked on every kind of
    formula in tests/test_math.py) in half the time: it builds no slides."""
    from lxml import etree

    from slides.omml import delimit_brackets

    with tempfile.TemporaryDirectory(prefix="slides-tex.") as folder:
        document = Path(folder) / "formulas.docx"
        _run(keys, "docx", document)
        with zipfile.ZipFile(document) as package:
            body = etree.fromstring(package.read("word/document.xml"))
    found: list[str | None] = []
    current: str | None = None
    for para in body.iter(f"{{{W}}}p"):
        if _SEPARATOR in "".join(para.itertext()):
            found.append(current)
            current = None
            continue
        maths = [e for e in para if etree.QName(e).localname in ("oMath", "oMathPara")]
        if maths:
            formula = copy.deepcopy(maths[0])  # without the document's namespaces
            etree.cleanup_namespaces(formula)
            for props in formula.iter(f"{{{M}}}mcPr"):  # the schema's order: count, mcJc
                props[:] = sorted(props, key=lambda e: etree.QName(e).localname != "count")
            delimit_brackets(formula)  # as LibreOffice can read it
            current = etree.tostring(formula, encoding="unicode")
    return found


def _pandoc_typst(keys: list[Key]) -> list[str]:
    paired = [(_paired_bars(tex), display) for tex, display in keys]
    pieces = _run(paired, "typst").stdout.split(_SEPARATOR)
    return pieces[: len(keys)]


# Bars that TeX sets as ordinary symbols, by the delimiter they are a pair of.
_BARS = {"|": "|", r"\vert": "|", r"\lvert": "|", r"\rvert": "|"}
_BARS |= {r"\|": r"\Vert ", r"\Vert": r"\Vert ", r"\lVert": r"\Vert ", r"\rVert": r"\Vert "}
_SIZED = {r"\left", r"\right", r"\middle"} | {
    f"\\{size}{side}" for size in ("big", "Big", "bigg", "Bigg") for side in ("", "l", "r", "m")
}
_TEXT = {r"\text", r"\textrm", r"\textit", r"\textbf", r"\mbox", r"\operatorname"}
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[{}&|]|[^\\{}&|]+", re.S)


def _paired_bars(tex: str) -> str:
    """tex with each pair of bars in one group written as \\left…\\right, for Typst.

    texmath gives Typst a lone `|` or `‖` (`\\|x\\|_2` becomes `parallel x parallel_2`), which
    Typst spaces as a relation and puts a subscript under; a \\left…\\right pair becomes
    `lr(…)`, set tight as TeX sets it. A group (braces, \\left…\\right, an environment, a
    cell) with an odd number of one kind of bar (`P(A | B)`) is left as it is."""
    tokens = _TOKEN.findall(tex)
    groups: list[dict[str, list[int]] | None] = [{}]  # None: text, whose bars are letters
    previous = ""

    def close() -> None:
        for kind, where in (groups.pop() or {}).items():
            if len(where) % 2 == 0:
                for opening, closing in zip(where[::2], where[1::2], strict=True):
                    tokens[opening], tokens[closing] = rf"\left{kind}", rf"\right{kind}"

    for index, token in enumerate(tokens):
        if token == r"\|" and previous in _SIZED:  # texmath reads \left\| as \parallel
            tokens[index] = r"\Vert "
        elif token in _BARS and previous not in _SIZED and groups[-1] is not None:
            groups[-1].setdefault(_BARS[token], []).append(index)
        elif token == "{" or token in (r"\left", r"\begin"):
            groups.append(None if previous in _TEXT or groups[-1] is None else {})
        elif token in ("&", r"\\") and len(groups) > 1:
            text = groups[-1] is None
            close()
            groups.append(None if text else {})
        elif token in ("}", r"\right", r"\end") and len(groups) > 1:
            close()
        if token.strip():
            previous = token
    while groups:
        close()
    return "".join(tokens)


def _error(tex: str, display: bool) -> str:
    """texmath's own message for a formula it cannot read, on one line."""
    from slides.render.html import pandoc_path

    kind = "DisplayMath" if display else "InlineMath"
    doc = {"t": "Para", "c": [{"t": "Math", "c": [{"t": kind}, tex]}]}
    source = json.dumps({"pandoc-api-version": _api_version(), "meta": {}, "blocks": [doc]})
    run = subprocess.run(
        [pandoc_path(), "--from=json", "--to=typst"],
        input=source,
        capture_output=True,
        text=True,
    )
    lines = [line.strip() for line in run.stderr.splitlines()[1:] if line.strip()]
    reason = next((line for line in lines if not set(line) <= {"^"} and line != tex), "")
    reason = reason.split(", expecting")[0].split("\n")[0]
    shown = tex if len(tex) <= 60 else tex[:57] + "…"
    return (
        f"TeX math ${shown}$ cannot be read ({reason or 'texmath refused it'}); "
        "check braces and command names, or write \\$ for a literal dollar"
    )


@cache
def _api_version() -> list[int]:
    from slides.render.html import pandoc_path

    run = subprocess.run(
        [pandoc_path(), "--to=json"], input="", capture_output=True, text=True, check=True
    )
    return json.loads(run.stdout)["pandoc-api-version"]


# --- the cache ---------------------------------------------------------------------------------


def _cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "slides" / "tex"


def _cache_file(key: Key) -> Path:
    digest = hashlib.sha256(json.dumps([TEX_VERSION, _pandoc(), *key]).encode("utf-8"))
    return _cache_dir() / f"{digest.hexdigest()[:32]}.json"


@cache
def _pandoc() -> str:
    """The converter, for the cache key: the pypandoc-binary release that carries pandoc, read
    from its metadata (a build whose formulas are all cached imports no pypandoc), else the
    path of the pandoc pypandoc finds."""
    import importlib.metadata  # 0.03 s, and only a build with formulas to convert needs it

    try:
        return f"pypandoc-binary {importlib.metadata.version('pypandoc-binary')}"
    except importlib.metadata.PackageNotFoundError:
        from slides.render.html import pandoc_path

        return pandoc_path()


def _read_cache(key: Key) -> Formula | None:
    try:
        return Formula(**json.loads(_cache_file(key).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _write_cache(key: Key, found: Formula) -> None:
    path = _cache_file(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(f".{os.getpid()}.tmp")
        temp.write_text(json.dumps(asdict(found), ensure_ascii=False), encoding="utf-8")
        os.replace(temp, path)
    except OSError:
        pass  # a cache that cannot be written only costs time


# --- size --------------------------------------------------------------------------------------

SCRIPT = 0.7  # scripts and limits, relative to their base
WIDE = set("=+−-<>≤≥≠≈→←⇒∈∉⊂⊆∪∩×·±∓:")  # characters set with space around them


def _size(element: etree._Element) -> tuple[float, float]:
    """Width and height of an OMML element in ems, estimated from its structure.

    Letters are about half an em, binary operators an em with their spacing; a fraction is as
    wide as its wider part and as tall as both; scripts are set smaller; a matrix is its
    columns side by side and its rows stacked. Deliberately generous: an estimate too large
    only leaves room.
    """
    from lxml import etree

    tag = etree.QName(element).localname

    def part(name: str) -> tuple[float, float]:
        child = element.find(f"{{{M}}}{name}")
        return _size(child) if child is not None else (0.0, 0.0)

    if tag == "r":
        text = _linear(element)
        return sum(1.0 if ch in WIDE else 0.6 for ch in text), 1.0
    if tag == "f":
        (nw, nh), (dw, dh) = part("num"), part("den")
        return max(nw, dw) + 0.3, nh + dh + 0.15
    if tag in ("sSup", "sSub", "sSubSup", "sPre"):
        (ew, eh), (pw, ph), (bw, bh) = part("e"), part("sup"), part("sub")
        return ew + SCRIPT * max(pw, bw) + 0.1, eh + 0.25 * ((ph > 0) + (bh > 0))
    if tag == "nary":
        (ew, eh), (pw, ph), (bw, bh) = part("e"), part("sup"), part("sub")
        return max(1.3, SCRIPT * max(pw, bw)) + ew + 0.2, max(eh, 1.4 + SCRIPT * (ph + bh))
    if tag == "rad":
        (ew, eh), (gw, _) = part("e"), part("deg")
        return 1.0 + SCRIPT * gw + ew, eh + 0.15
    if tag == "d":
        cells = [_size(e) for e in element.findall(f"{{{M}}}e")]
        return sum(w for w, _ in cells) + 0.5 * len(cells) + 0.6, max(h for _, h in cells) + 0.2
    if tag == "m":
        rows = [[_size(e) for e in mr.findall(f"{{{M}}}e")] for mr in element.findall(f"{{{M}}}mr")]
        columns = max((len(row) for row in rows), default=0)
        widths = [
            max((row[c][0] for row in rows if c < len(row)), default=0) for c in range(columns)
        ]
        heights = [max((h for _, h in row), default=1.0) for row in rows]
        return sum(widths) + 1.0 * max(columns - 1, 0), sum(heights) + 0.2 * max(len(rows) - 1, 0)
    if tag in ("limLow", "limUpp", "groupChr"):
        (ew, eh), (lw, lh) = part("e"), part("lim")
        return max(ew, SCRIPT * lw), eh + SCRIPT * lh
    if tag in ("acc", "bar"):
        ew, eh = part("e")
        return ew, eh + 0.3
    if tag == "eqArr":
        rows = [_size(e) for e in element.findall(f"{{{M}}}e")]
        return max(w for w, _ in rows), sum(h for _, h in rows)
    if tag.endswith("Pr") or tag in ("t",):
        return 0.0, 0.0
    sizes = [_size(child) for child in element if isinstance(child.tag, str)]
    return sum(w for w, _ in sizes), max((h for _, h in sizes), default=1.0)


# --- linear text -------------------------------------------------------------------------------

_SUPER = str.maketrans("0123456789+−-=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁱⁿ")
# OMML stores an accent as its spacing character; over a letter in text it is the combining one.
_COMBINING = {"‾": "\u0305", "¯": "\u0304", "^": "\u0302", "ˆ": "\u0302", "~": "\u0303"}
_COMBINING |= {"˜": "\u0303", "˙": "\u0307", "¨": "\u0308", "ˇ": "\u030c", "→": "\u20d7"}
_SUB = str.maketrans("0123456789+−-=()aeijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")


def _linear(element: etree._Element) -> str:
    """An OMML element as a line of Unicode text, the way one types a formula in plain text:
    x², xᵢ or x_(ij), (a)/(b), √(x), ∑_(i=1)^n, (a b; c d)."""
    from lxml import etree

    tag = etree.QName(element).localname

    def part(name: str) -> str:
        child = element.find(f"{{{M}}}{name}")
        return _linear(child) if child is not None else ""

    def script(text: str, table: dict, mark: str) -> str:
        mapped = text.translate(table)
        if all(ch != orig for ch, orig in zip(mapped, text, strict=True)):
            return mapped
        return f"{mark}{_grouped(text)}"

    if tag == "r":
        return "".join(t.text or "" for t in element.iter(f"{{{M}}}t")).replace("\u200b", "")
    if tag == "f":
        return f"{_grouped(part('num'))}/{_grouped(part('den'))}"
    if tag in ("sSup", "sSub", "sSubSup", "sPre", "nary"):
        base = element.find(f"{{{M}}}naryPr/{{{M}}}chr")
        head = (base.get(f"{{{M}}}val") if base is not None else "∫") if tag == "nary" else ""
        sub = script(part("sub"), _SUB, "_") if part("sub") else ""
        sup = script(part("sup"), _SUPER, "^") if part("sup") else ""
        body = part("e")
        return f"{head}{sub}{sup}{body}" if tag == "nary" else f"{body}{sub}{sup}"
    if tag == "rad":
        degree = part("deg")
        return f"{degree.translate(_SUPER)}√{_grouped(part('e'))}"
    if tag == "d":
        props = element.find(f"{{{M}}}dPr")

        def chr_of(name: str, default: str) -> str:
            found = props.find(f"{{{M}}}{name}") if props is not None else None
            return found.get(f"{{{M}}}val", default) if found is not None else default

        cells = [_linear(e) for e in element.findall(f"{{{M}}}e")]
        return chr_of("begChr", "(") + chr_of("sepChr", "|").join(cells) + chr_of("endChr", ")")
    if tag == "m":
        rows = [" ".join(_linear(e) for e in mr.findall(f"{{{M}}}e")) for mr in element]
        return "; ".join(row for row in rows if row)
    if tag == "acc":
        found = element.find(f"{{{M}}}accPr/{{{M}}}chr")
        mark = found.get(f"{{{M}}}val", "\u0302") if found is not None else "\u0302"
        return part("e") + _COMBINING.get(mark, mark)
    if tag.endswith("Pr"):
        return ""
    return "".join(_linear(child) for child in element if isinstance(child.tag, str))


def _grouped(text: str) -> str:
    """text in parentheses when it is more than one symbol."""
    return text if len(text) <= 1 else f"({text})"
