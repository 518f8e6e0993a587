"""An Obsidian or plain markdown note becomes a lecture draft: lecture.yaml and images/.

The note is parsed with markdown-it (CommonMark, tables, front matter, $math$). Headings become
topics and slides, lists become bullets, numbered lists become modules, embedded pictures become
image slides with their files found the way Obsidian finds attachments. What has no slide form
(callouts, HTML, math, comments, embeds of other files) is kept as readable text or speaker
notes, and anything that could not be carried over is reported as a warning, never dropped.

The jobs, in order: `sections` shapes the note into topics and slides, `bodies` makes each
slide's body, `inline_text` its text, `vault` finds its pictures, `writing` writes the YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from slides import model
from slides.errors import BuildError, UsageError
from slides.importer.sections import Converter
from slides.importer.vault import Vault, find_vault
from slides.importer.writing import write_lecture

MAX_NOTE_BYTES = 5_000_000


@dataclass
class Result:
    """What `import_note` wrote, and what the user should look at."""

    lecture_file: Path
    topics: int
    slides: int
    images: int
    warnings: list[str] = field(default_factory=list)


def import_note(note: Path, out: Path, vault: Path | None = None, *, force: bool = False) -> Result:
    """Turn `note` into `out/lecture.yaml` and `out/images/`; returns what was written."""
    if not note.is_file():
        raise UsageError(f"'{note}' is not a file; give the note to import (a .md file)")
    target = out / "lecture.yaml"
    if target.exists() and not force:
        raise UsageError(f"{target} already exists; choose a new --out folder or add --force")
    if vault is not None and not vault.is_dir():
        raise UsageError(f"--vault '{vault}' is not a folder")
    raw = note.read_bytes()
    if len(raw) > MAX_NOTE_BYTES:
        raise UsageError(
            f"'{note}' is {len(raw):,} bytes; a note may have at most {MAX_NOTE_BYTES:,}"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise UsageError(f"{note}:{line}: not UTF-8 text; save the note as UTF-8") from None
    converter = Converter(note, Vault(vault or find_vault(note), note))
    data = converter.convert(text.replace("\r\n", "\n"))
    try:
        model.convert(data, model.Lecture)
    except msgspec.ValidationError as error:  # a bug here, not in the note: say so plainly
        raise BuildError(f"the draft made from {note} is not a valid lecture: {error}") from None
    write_lecture(out, data, converter.copies, force)
    slides = sum(len(t["slides"]) for t in data["topics"])
    warnings = [f"{note}:{w.line}: warning: {w.message}" for w in converter.warnings]
    return Result(target, len(data["topics"]), slides, len(converter.copies), warnings)
