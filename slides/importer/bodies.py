"""Markdown blocks as slide bodies: bullets, modules, pictures (copied into images/ or a
placeholder), and the prose of a block for the speaker notes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from markdown_it.token import Token

from slides.importer.inline_text import (
    InlineReader,
    as_plain,
    escape,
    html_text,
    one_line,
    task_box,
)
from slides.importer.vault import Vault, picture_problem

MAX_DEPTH = 4  # bullet levels kept; deeper ones are folded into the fourth
_NUMBERING = re.compile(r"^\s*(\d+(\.\d+)+[.)]?|\d+[.)])\s+")  # "2.1 " or "3. " before a line


@dataclass
class Block:
    """A top-level piece of the note: its tokens and the lines it came from."""

    kind: str
    tokens: list[Token]
    line: int  # 1-based
    source: str  # the note's own lines, for the speaker notes


class BodyReader(InlineReader):
    """Reads the blocks of one note; `copies` are the pictures to copy into images/."""

    def __init__(self, note: Path, vault: Vault) -> None:
        super().__init__()
        self.note = note
        self.vault = vault
        self.copies: dict[str, Path] = {}  # name in images/ -> the file found in the vault
        self.lines: list[str] = []

    def _blocks(self, tokens: list[Token]) -> list[Block]:
        """Top-level tokens grouped into blocks (a list with everything inside it, …)."""
        blocks = []
        i = 0
        while i < len(tokens):
            start = tokens[i]
            j = i
            if start.nesting == 1:
                depth = 0
                while True:
                    depth += tokens[j].nesting
                    if depth == 0:
                        break
                    j += 1
            kind = start.type.removesuffix("_open")
            begin, end = start.map or (0, 0)
            source = "\n".join(self.lines[begin:end]).strip()
            blocks.append(Block(kind, tokens[i : j + 1], begin + 1, source))
            i = j + 1
        return blocks

    def _blocks_of(self, tokens: list[Token]) -> list[Block]:
        """The blocks inside a container (list item, quote): its tokens without open/close."""
        return self._blocks(tokens[1:-1])

    def _flow_items(self, block: Block) -> tuple[list, list[dict], list[str]]:
        """(bullets, pictures, notes) of a paragraph, list, HTML or math block."""
        kind = block.kind
        if kind == "paragraph":
            lines, pictures = self._lines(block.tokens[1])
            return [line for line in lines if line], pictures, []
        if kind == "bullet_list":
            pictures: list[dict] = []
            return self._bullets(block.tokens, pictures, 1), pictures, []
        if kind == "html_block":
            text = html_text(block.tokens[0].content)
            if not text:  # a comment or markup only: nothing to show, keep it in the notes
                return [], [], []  # an HTML comment is private
            self.warn(block.line, "HTML kept as plain text (tags removed)")
            return [escape(text)], [], []
        # $$ math $$: a displayed formula of the lecture's inline syntax
        return [self._math(block.tokens[0].content, True, block.line)], [], []

    def _bullets(self, tokens: list[Token], pictures: list[dict], depth: int) -> list:
        """A bullet list's items as bullet data (text, or {text, items})."""
        items: list = []
        for item_tokens in list_items(tokens):
            text_lines: list[str] = []
            children: list = []
            for sub in self._blocks_of(item_tokens):
                if sub.kind in ("bullet_list", "ordered_list"):
                    children += self._bullets(sub.tokens, pictures, depth + 1)
                elif sub.kind == "paragraph":
                    lines, found = self._lines(sub.tokens[1])
                    pictures += found
                    if not text_lines and not children:
                        lines[0] = task_box(sub.tokens[1], lines[0])
                    target = text_lines if not text_lines and not children else children
                    if target is text_lines:
                        text_lines += [line for line in lines if line]
                    else:
                        children += [line for line in lines if line]
                else:
                    children += [escape(one_line(sub.source))] if sub.source.strip() else []
            text = " ".join(text_lines) or (
                children.pop(0) if children and isinstance(children[0], str) else ""
            )
            if not text and not children:
                continue
            text = text or "…"
            if depth >= MAX_DEPTH and children:  # deeper levels are folded into this one
                text = "; ".join([text, *(flatten(children))])
                children = []
            items.append({"text": text, "items": children} if children else text)
        return items

    def _modules(self, tokens: list[Token]) -> tuple[list[dict], int, list[dict]]:
        """A numbered list as modules: the first line is the title, the rest its items."""
        start = int(tokens[0].attrGet("start") or 1)
        modules, pictures = [], []
        for item_tokens in list_items(tokens):
            lines: list[str] = []
            for sub in self._blocks_of(item_tokens):
                if sub.kind == "paragraph":
                    found_lines, found = self._lines(sub.tokens[1])
                    pictures += found
                    lines += [line for line in found_lines if line]
                elif sub.kind in ("bullet_list", "ordered_list"):
                    lines += flatten(self._bullets(sub.tokens, pictures, 2))
                elif sub.source.strip():
                    lines.append(escape(one_line(sub.source)))
            if not lines:
                continue
            title, items = lines[0], [_NUMBERING.sub("", line) or line for line in lines[1:]]
            modules.append({"title": title, "items": items} if items else {"title": title})
        if not modules:
            modules = [{"title": "…"}]
        return modules, start, pictures

    def _prose(self, block: Block, rows: list[list[str]] | None = None) -> str:
        """A block as clean prose for the speaker notes: one line of plain text per paragraph,
        item or table row, no markdown (what the slide shows in its own form)."""
        if rows is not None:
            return "\n".join(" | ".join(as_plain(cell).strip() for cell in row) for row in rows)
        heard, self.warnings = self.warnings, []  # its warnings were given for the slide
        try:
            texts = []
            for token in (t for t in block.tokens if t.type == "inline"):
                lines = self._lines(token)[0]
                if block.kind == "bullet_list":
                    lines[0] = task_box(token, lines[0])
                texts.append(" ".join(as_plain(line) for line in lines if line))
        finally:
            self.warnings = heard
        return "\n".join(text for text in texts if text.strip())

    def _picture(self, picture: dict, line: int) -> dict[str, Any]:
        """An image body for a found file, else a placeholder diagram and a warning."""
        target, alt = picture["target"], picture.get("alt")
        name = Path(unquote(target)).name or target
        if re.match(r"^[a-z][a-z0-9+.-]*://", target, re.IGNORECASE):
            self.warn(
                line,
                f"'{target}' is on the web and was not downloaded; a placeholder stands in for it",
            )
            return placeholder(name, f"Image from the web: {target}", alt)
        found = self.vault.find(target)
        if found is None:
            self.warn(
                line,
                f"image '{target}' was not found in the vault ({self.vault.root}); "
                f"a placeholder diagram stands in until images/{name} is added",
            )
            return placeholder(name, f"Missing image: {name}", alt)
        problem = picture_problem(found)
        if problem:
            self.warn(line, f"'{found}' cannot be used: {problem}; a placeholder stands in for it")
            return placeholder(name, f"Unreadable image: {name}", alt)
        stored = self._store(name, found)
        image: dict[str, Any] = {"src": f"images/{stored}"}
        if alt:
            image["alt"] = alt
        return {"image": image}

    def _store(self, name: str, found: Path) -> str:
        """The name the file gets in images/, unique per different file."""
        stem, suffix = Path(name).stem, Path(name).suffix
        candidate, n = name, 1
        while candidate in self.copies and self.copies[candidate] != found:
            n += 1
            candidate = f"{stem}-{n}{suffix}"
        self.copies[candidate] = found
        return candidate


def list_items(tokens: list[Token]) -> list[list[Token]]:
    """The tokens of each item of a list (its list_item_open … list_item_close)."""
    items, depth, start = [], 0, None
    for i, token in enumerate(tokens[1:-1], 1):
        if token.type == "list_item_open" and depth == 0:
            start = i
        depth += token.nesting
        if token.type == "list_item_close" and depth == 0 and start is not None:
            items.append(tokens[start : i + 1])
    return items


def flatten(items: list) -> list[str]:
    flat: list[str] = []
    for item in items:
        if isinstance(item, dict):
            flat.append(item["text"])
            flat += flatten(item.get("items", []))
        else:
            flat.append(item)
    return flat


def placeholder(name: str, label: str, alt: str | None) -> dict[str, Any]:
    """A diagram standing in for a picture: shown until images/<name> is added."""
    diagram: dict[str, Any] = {"kind": "flow", "source": name, "steps": [escape(label)]}
    diagram["alt"] = alt or f"Placeholder for the picture {name}, which is not available."
    return {"diagram": diagram}
