"""A diagram drawn from data as inline SVG for the HTML deck (templates/diagram.svg.j2)."""

from __future__ import annotations

from markupsafe import Markup

from slides import model
from slides.diagrams import vector_of
from slides.jinja import environment
from slides.render import Build


def diagram_svg(build: Build, node: model.DiagramBase, alt: str, width: int, height: int) -> Markup:
    """The diagram as one line of SVG `width` × `height` CSS pixels, its labels as text."""
    svg = (
        environment("html")
        .get_template("diagram.svg.j2")
        .render(d=vector_of(build, node), alt=alt, width=width, height=height)
    )
    return Markup("".join(svg.split("\n")))  # one line: raw HTML in markdown ends at a blank one
