"""The placed table as the HTML deck and the handout write it: the PPTX's column widths, fills,
rules and text colours (`slides.place.frames.TableStyle`), not a look of their own."""

from __future__ import annotations

from markupsafe import Markup

from slides.place.frames import PlacedFrame, Table
from slides.place.geometry import CELL_PAD_X, CELL_PAD_Y

SEPARATOR_DASHES = 100  # more than pandoc's 72 columns: it then reads the dashes as widths


def placed_table(placed: PlacedFrame) -> Table:
    """The slide's table, as placed."""
    return next(e for e in placed.elements if isinstance(e, Table))


def separator(table: Table) -> Markup:
    """A pipe table's separator line with dashes in proportion to the placed column widths.

    A separator longer than pandoc's line width makes pandoc (and Quarto) give each column
    its share of dashes as its relative width (<col style="width: …%">)."""
    total = sum(table.widths)
    dashes = [max(3, round(SEPARATOR_DASHES * w / total)) for w in table.widths]
    return Markup("|" + "|".join("-" * n for n in dashes) + "|")


def typst(table: Table) -> Markup:
    """The table as a Typst value for handout.typ's table-body: widths, style and cells."""
    from slides.render.handout import typst_spans, typst_string

    def cell(para) -> str:
        role = typst_string(para.role) if para.role else "none"
        bold = "true" if para.bold else "false"
        return f"(role: {role}, bold: {bold}, body: {typst_spans(para.spans)})"

    total = sum(table.widths)
    widths = ", ".join(f"{w / total:.4f}" for w in table.widths)
    fills = ", ".join(typst_string(fill) for fill in table.fills)
    rows = ", ".join("(" + "".join(f"{cell(p)}, " for p in row) + ")" for row in table.rows)
    style = table.style
    return Markup(
        f'(kind: "table", table: (widths: ({widths},), fills: ({fills},), '
        f"rule: {typst_string(style.rule)}, rule-pt: {style.rule_pt:g}pt, "
        f"pad-x: {CELL_PAD_X:g}pt, pad-y: {CELL_PAD_Y:g}pt, rows: ({rows},)))"
    )
