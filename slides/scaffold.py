"""`new --theme`: a theme folder of the user's own, the default theme's file ready to edit."""

from __future__ import annotations

import os
import re
from pathlib import Path

from slides.errors import UsageError
from slides.theme import TEMPLATES, THEMES

SCHEMA = TEMPLATES.parent / "docs" / "theme.schema.json"
NAME = re.compile(r"^[A-Za-z0-9_-]+$")
HEADER = """\
# yaml-language-server: $schema={schema}
# The theme '{name}', made from the default theme: edit it, then name it in a lecture
# (`theme: {name}`) or give it to a build (`--theme {folder}`). Every key: docs/themes.md.
# Your own fonts: put their files in this folder (e.g. fonts/) and write, for instance,
#   sans: {{family: Source Serif 4, folder: fonts, regular: SourceSerif4-Regular.ttf, ...}}
# Paths are relative to this folder. Contrast is checked at build time (WCAG 2.1 AA).
"""


def new_theme(name: str, themes: Path) -> Path:
    """Make themes/<name>/theme.yaml from the default theme; returns its path."""
    if not NAME.match(name):
        raise UsageError(f"--theme {name!r}: a theme's name is letters, digits, '-' and '_'")
    folder = themes / name
    target = folder / "theme.yaml"
    if target.exists():
        raise UsageError(f"{target} already exists; edit it, or choose a new name")
    folder.mkdir(parents=True, exist_ok=True)
    default = (THEMES / "default" / "theme.yaml").read_text("utf-8").splitlines(keepends=True)
    body = "".join(line for line in default[2:])  # its own two comment lines replaced
    body = body.replace("name: default\n", f"name: {name}\n", 1)
    schema = Path(os.path.relpath(SCHEMA, folder.resolve())).as_posix()
    header = HEADER.format(schema=schema, name=name, folder=folder.as_posix())
    target.write_text(header + body, "utf-8")
    return target
