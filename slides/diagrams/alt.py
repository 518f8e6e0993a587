"""Alt text for a diagram, written from its data, for readers who cannot see the picture."""

from __future__ import annotations

from slides import inline, model


def _text(value: str) -> str:
    return inline.plain(value).strip().rstrip(".")


def _part(item: str | model.Labelled) -> str:
    """'Label' or 'Label (detail, detail)'."""
    part = model.as_labelled(item)
    if part.items:
        return f"{_text(part.label)} ({', '.join(_text(i) for i in part.items)})"
    return _text(part.label)


def _series(parts: list[str]) -> str:
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def describe(node: model.DiagramBase) -> str:
    """A sentence or two saying what the diagram shows."""
    if isinstance(node, model.NestedDiagram):
        parts = [_part(s) for s in node.sets]
        text = f"Nested sets: {parts[0]}"
        if len(parts) > 1:
            text += f" contains {parts[1]}"
            text += "".join(f", which contains {p}" for p in parts[2:])
        body = text + "."
    elif isinstance(node, model.HubDiagram):
        spokes = _series([_part(s) for s in node.spokes])
        body = f"Hub and spokes: {_text(node.centre)} at the centre, connected to {spokes}."
    elif isinstance(node, model.SidesDiagram):
        body = (
            f"{_part(node.centre)} in the centre, between {_part(node.left)} on the left "
            f"and {_part(node.right)} on the right."
        )
    elif isinstance(node, model.FlowDiagram):
        steps = [_part(s) for s in node.steps]
        if len(steps) == 1:
            body = f"One step: {steps[0]}."
        else:
            numbered = "; ".join(f"{i}. {s}" for i, s in enumerate(steps, 1))
            body = f"Flow of {len(steps)} steps: {numbered}."
    elif isinstance(node, model.CompareDiagram):
        labels = _series([_text(c.label) for c in node.columns])
        details = " ".join(
            f"{_text(c.label)}: {', '.join(_text(i) for i in c.items)}."
            for c in node.columns
            if c.items
        )
        body = f"Comparison of {labels}." + (f" {details}" if details else "")
    else:  # pragma: no cover - the model's kinds are all above
        body = f"A {node.kind} diagram."  # type: ignore[attr-defined]
    if node.title:
        title = inline.plain(node.title).strip()
        return f"{title}{'' if title[-1] in '.?!:' else '.'} {body}"
    return body


def texts(node: model.DiagramBase) -> list[str]:
    """Every text the diagram shows (title, labels and their details), as plain text."""
    if isinstance(node, model.NestedDiagram):
        parts = list(node.sets)
    elif isinstance(node, model.HubDiagram):
        parts = [node.centre, *node.spokes]
    elif isinstance(node, model.SidesDiagram):
        parts = [node.left, node.centre, node.right]
    elif isinstance(node, model.FlowDiagram):
        parts = list(node.steps)
    else:
        parts = list(node.columns)  # type: ignore[attr-defined]
    out = [inline.plain(node.title)] if node.title else []
    for item in parts:
        part = model.as_labelled(item)
        out += [inline.plain(part.label), *(inline.plain(i) for i in part.items)]
    return out
