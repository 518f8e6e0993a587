"""Click builds in the PPTX: `incremental: true` makes a slide's text appear click by click.

PowerPoint's "Appear" entrance effect by paragraph, written as PowerPoint writes it (the
slide's p:timing, from templates/pptx/timing.xml.j2). One click shows a top-level bullet with
its sub-bullets; on a questions slide one click shows the question and the next its answer;
on a columns slide the left column's bullets come first, then the right one's (a column's
heading is there from the start). The handout and the slides PDF show the finished slide.
"""

from __future__ import annotations

from collections.abc import Sequence

from slides import model
from slides.jinja import environment
from slides.place import paragraphs


def click_steps(slide: model.Slide) -> list[list[range]]:
    """Per text shape of the slide's body, in the order they are written: the paragraphs that
    each click shows. Counted with the functions that make the paragraphs (slides.fit)."""
    if slide.bullets is not None:
        return [_bullet_steps(slide.bullets, 0)]
    if slide.questions is not None:
        steps, at = [], 0
        for question in slide.questions:
            count = len(paragraphs.question_paras([question], 1.0))  # the question, then its answer
            steps += [range(at, at + 1), range(at + 1, at + count)]
            at += count
        return [steps]
    if slide.columns is not None:
        return [
            _bullet_steps(column.bullets, len(paragraphs.column_heading(column, 1.0)))
            for column in slide.columns
            if column.bullets is not None
        ]
    return []


def _bullet_steps(items: Sequence[model.BulletItem], first: int) -> list[range]:
    steps, at = [], first
    for item in items:
        count = len(paragraphs.bullet_paras([item], 1.0))  # the bullet and all its sub-bullets
        steps.append(range(at, at + count))
        at += count
    return steps


def timing_xml(shapes: Sequence[tuple[int, list[range]]]) -> str:
    """The p:timing element building each (shape id, click steps) in order; "" for none."""
    steps: list[dict] = []
    next_id = 3  # 1 and 2 are the timing root and the main sequence
    for shape, ranges in shapes:
        for paras in ranges:
            outer, inner = next_id, next_id + 1
            next_id += 2
            effects = []
            for para in paras:
                node = "clickEffect" if para == paras.start else "withEffect"
                effects.append(
                    {"id": next_id, "set": next_id + 1, "shape": shape, "para": para, "node": node}
                )
                next_id += 2
            steps.append({"outer": outer, "inner": inner, "effects": effects})
    if not steps:
        return ""
    animated = list(dict.fromkeys(shape for shape, ranges in shapes if ranges))
    template = environment("xml").get_template("pptx/timing.xml.j2")
    return template.render(steps=steps, shapes=animated)
