"""lecture.yaml written as people write YAML, beside the pictures it shows."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import yaml

from slides.render import atomic_path

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "lecture.schema.json"


def write_lecture(out: Path, data: dict[str, Any], copies: dict[str, Path], force: bool) -> None:
    """Copy the pictures, then write lecture.yaml in one step (never half a file)."""
    images = out / "images"
    images.mkdir(parents=True, exist_ok=True)
    for name, source in copies.items():
        shutil.copyfile(source, images / name)
    text = f"# yaml-language-server: $schema={_schema_ref(out)}\n"
    text += "# Imported from a note: a draft to edit. `python build.py check <folder>` checks it.\n"
    text += yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    with atomic_path(out / "lecture.yaml") as temp:
        temp.write_text(text, encoding="utf-8")


def _schema_ref(out: Path) -> str:
    """The schema as a relative path inside the project, else as an absolute one."""
    out = out.resolve()
    if out.is_relative_to(SCHEMA.parent.parent):
        return os.path.relpath(SCHEMA, out)
    return str(SCHEMA)


class _Dumper(yaml.SafeDumper):
    """YAML as people write it: lists indented under their key, notes as | blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text_block(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        value = "\n".join(line.rstrip().replace("\t", "    ") for line in value.split("\n"))
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _text_block)
