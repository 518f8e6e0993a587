"""How a slide that does not fit is cut into parts: the units it splits into (bullets, rows,
equations, columns' items) and the greedy grouping of units, words and characters."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from slides import model


def pieces(words: list[str], ok: Callable[[str], bool]) -> list[str]:
    """Consecutive runs of words, each as long as ok() allows (at least one word)."""
    pieces: list[str] = []
    start = 0
    while start < len(words):
        lo, hi = start + 1, len(words)
        while lo < hi:  # the longest run from start that fits: binary search
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if ok(" ".join(words[start:mid])) else (lo, mid - 1)
        pieces.append(" ".join(words[start:lo]))
        start = lo
    return pieces


def cut(line: str, ok: Callable[[str], bool]) -> list[str]:
    """A line cut into consecutive pieces, each as long as ok() allows (at least a character)."""
    pieces: list[str] = []
    while len(line) > 1 and not ok(line):
        lo, hi = 1, len(line) - 1
        while lo < hi:  # the longest prefix that fits: binary search
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if ok(line[:mid]) else (lo, mid - 1)
        pieces.append(line[:lo])
        line = line[lo:]
    return [*pieces, line]


def greedy(items: Sequence, ok: Callable[[Sequence], bool]) -> list[list]:
    """Contiguous groups, each as long as ok() allows (at least one item)."""
    groups: list[list] = []
    current: list = []
    for item in items:
        if current and not ok([*current, item]):
            groups.append(current)
            current = []
        current.append(item)
    if current:
        groups.append(current)
    return groups


def units(slide: model.Slide):
    """The units a slide splits into and a function building a part from some of them."""
    if slide.bullets is not None:
        return slide.bullets, lambda chunk, offset: model.replace(slide, bullets=chunk)
    if slide.questions is not None:
        return slide.questions, lambda chunk, offset: model.replace(slide, questions=chunk)
    if slide.modules is not None:
        return slide.modules, lambda chunk, offset: model.replace(
            slide, modules=chunk, start=slide.start + offset
        )
    if slide.table is not None:
        table = slide.table
        return table.rows, lambda chunk, offset: model.replace(
            slide, table=model.replace(table, rows=chunk)
        )
    if slide.math is not None:
        math = slide.math
        return math.equations, lambda chunk, offset: model.replace(
            slide, math=model.replace(math, equations=chunk)
        )
    if slide.columns is not None:
        return column_units(slide)
    return None


def column_units(slide: model.Slide):
    """Two columns split together: bullets columns by top-level item, a picture repeats."""
    columns = slide.columns or []
    lists = [c.bullets for c in columns if c.bullets is not None]
    if not lists:
        return None
    longest = max(len(b) for b in lists)
    # Unit i holds the i-th top-level bullet of each bullets column.
    units = list(range(longest))

    def make(chunk: Sequence[int], offset: int) -> model.Slide:
        parts = []
        for column in columns:
            if column.bullets is None:
                parts.append(column)
            else:
                bullets = [column.bullets[i] for i in chunk if i < len(column.bullets)]
                parts.append(model.replace(column, bullets=bullets))
        return model.replace(slide, columns=parts)

    return units, make
