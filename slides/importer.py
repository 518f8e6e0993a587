"""An Obsidian or plain markdown note becomes a lecture draft: lecture.yaml and images/.

The note is parsed with markdown-it (CommonMark, tables, front matter, $math$). Headings become
topics and slides, lists become bullets, numbered lists become modules, embedded pictures become
image slides with their files found the way Obsidian finds attachments. What has no slide form
(callouts, HTML, math, comments, embeds of other files) is kept as readable text or speaker
notes, and anything that could not be carried over is reported as a warning, never dropped.
"""

from __future__ import annotations

import html.parser
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from pydantic import ValidationError

from slides import model, tex
from slides.errors import BuildError, UsageError
from slides.inline import literal_dollars
from slides.render import atomic_path

PICTURE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff"}
MAX_NOTE_BYTES = 5_000_000
SECTION_SLIDES = 2  # headings become topics when they hold at least this many slides each
MAX_DEPTH = 4  # bullet levels kept; deeper ones are folded into the fourth
SCHEMA = Path(__file__).resolve().parent.parent / "docs" / "lecture.schema.json"

_EMBED = re.compile(r"!\[\[([^\]\n]+)\]\]")
_WIKILINK = re.compile(r"(?<!!)\[\[([^\]\n]+)\]\]")
_COMMENT = re.compile(r"%%(.*?)(%%|\Z)", re.DOTALL)
# A fenced code block (``` or ~~~, up to its closing fence or the note's end), kept whole.
_FENCED = re.compile(
    r"^[ ]{0,3}(?P<fence>`{3,}|~{3,})[^\n]*\n.*?(?:^[ ]{0,3}(?P=fence)[`~]*[ \t]*$|\Z)",
    re.M | re.S,
)
_TASK = re.compile(r"^\\\[([ xX])\] ")  # a task box at an item's start, as escaped text
_HIGHLIGHT = re.compile(r"==([^=\n]+)==")
_CALLOUT = re.compile(r"^\s*\[!([A-Za-z0-9_-]+)\][+-]?\s*(.*)$")
_NUMBERING = re.compile(r"^\s*(\d+(\.\d+)+[.)]?|\d+[.)])\s+")  # "2.1 " or "3. " before a line
_LANGUAGE = re.compile(r"^[A-Za-z0-9_+#.-]{0,30}$")


@dataclass
class Finding:
    """Something of the note that did not carry over as it was, at a line of the note."""

    line: int
    message: str


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
    converter = _Converter(note, Vault(vault or _find_vault(note), note))
    data = converter.convert(text.replace("\r\n", "\n"))
    try:
        model.Lecture.model_validate(data)
    except ValidationError as error:  # a bug here, not in the note: say so plainly
        raise BuildError(f"the draft made from {note} is not a valid lecture: {error}") from None
    _write(out, data, converter.copies, force)
    slides = sum(len(t["slides"]) for t in data["topics"])
    warnings = [f"{note}:{w.line}: warning: {w.message}" for w in converter.warnings]
    return Result(target, len(data["topics"]), slides, len(converter.copies), warnings)


# --- finding pictures the way Obsidian does ------------------------------------------------


def _find_vault(note: Path) -> Path:
    """The nearest folder above the note holding `.obsidian`, else the note's own folder."""
    for folder in note.resolve().parents:
        if (folder / ".obsidian").is_dir():
            return folder
    return note.resolve().parent


class Vault:
    """Finds an embedded file: beside the note, in the attachment folder, then anywhere."""

    def __init__(self, root: Path, note: Path) -> None:
        self.root = root.resolve()
        self.note_dir = note.resolve().parent
        self._by_name: dict[str, list[Path]] | None = None
        self.attachments = self._attachment_folder()

    def _attachment_folder(self) -> Path | None:
        """Obsidian's 'Default location for new attachments' from .obsidian/app.json."""
        try:
            settings = json.loads((self.root / ".obsidian" / "app.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        folder = settings.get("attachmentFolderPath") if isinstance(settings, dict) else None
        if not isinstance(folder, str) or not folder:
            return None
        if folder == "/":
            return self.root
        if folder.startswith("./"):
            return self.note_dir / folder[2:]
        return self.root / folder

    def find(self, target: str) -> Path | None:
        """The file an embed names, inside the vault, or None."""
        target = unquote(target).strip().lstrip("/")
        if not target or "\0" in target:
            return None
        name = Path(target).name
        places = [self.note_dir / target]
        if self.attachments is not None:
            places.append(self.attachments / name)
        places.append(self.root / target)
        for place in places:
            found = self._inside(place)
            if found:
                return found
        matches = self._index().get(name.lower(), [])
        # Obsidian takes the match with the shortest path when a name is not unique.
        for match in sorted(matches, key=lambda p: (len(p.parts), str(p))):
            found = self._inside(match)
            if found:
                return found
        return None

    def _inside(self, path: Path) -> Path | None:
        try:
            real = path.resolve()
        except (OSError, RuntimeError):
            return None
        inside = real.is_relative_to(self.root) or real.is_relative_to(self.note_dir)
        return real if inside and real.is_file() else None

    def _index(self) -> dict[str, list[Path]]:
        if self._by_name is None:
            self._by_name = {}
            for folder, dirs, files in os.walk(self.root):
                dirs[:] = [d for d in dirs if not d.startswith(".")]  # .obsidian, .git, .trash
                for file in files:
                    self._by_name.setdefault(file.lower(), []).append(Path(folder) / file)
        return self._by_name


# --- markdown to lecture data --------------------------------------------------------------


def _parser() -> MarkdownIt:
    # Without text_join, a backslash escape stays a token of its own (text_special): `\[ ]`
    # is then told apart from a task's `[ ]`.
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("text_join")
    # Dollars as pandoc and slides.inline read them: no space inside, no digit outside.
    math = {"allow_space": False, "allow_digits": False, "double_inline": True}
    return md.use(front_matter_plugin).use(dollarmath_plugin, **math)


@dataclass
class _Block:
    """A top-level piece of the note: its tokens and the lines it came from."""

    kind: str
    tokens: list[Token]
    line: int  # 1-based
    source: str  # the note's own lines, for the speaker notes


@dataclass
class _Slide:
    title: str
    line: int
    body: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


class _Converter:
    def __init__(self, note: Path, vault: Vault) -> None:
        self.note = note
        self.vault = vault
        self.copies: dict[str, Path] = {}  # name in images/ -> the file found in the vault
        self.warnings: list[Finding] = []
        self.lines: list[str] = []

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Finding(line, message))

    # The whole note ---------------------------------------------------------------------

    def convert(self, text: str) -> dict[str, Any]:
        text = self._without_comments(text)
        self.lines = text.split("\n")
        tokens = _parser().parse(text)
        blocks = self._blocks(tokens)
        meta: dict[str, Any] = {}
        if blocks and blocks[0].kind == "front_matter":
            meta = self._front_matter(blocks.pop(0))
        headings = [b for b in blocks if b.kind == "heading"]
        title = meta.get("title")
        levels = [int(b.tokens[0].tag[1]) for b in headings]
        if levels and levels[0] == 1 and levels.count(1) == 1:
            title_block = headings[0]
            title = title or _plain(self._inline(title_block.tokens[1]))
            blocks.remove(title_block)
            levels = levels[1:]
        title = title or self.note.stem
        topic_level = min(levels) if levels else 7
        lecture: dict[str, Any] = {"title": _one_line(str(title))}
        for key in ("subtitle", "author", "institution", "date"):
            if meta.get(key) not in (None, ""):
                lecture[key] = _one_line(str(meta[key]))
        lecture["topics"] = self._by_shape(
            self._topics(blocks, topic_level, lecture["title"]), lecture["title"]
        )
        return lecture

    def _by_shape(self, topics: list[dict[str, Any]], title: str) -> list[dict[str, Any]]:
        """Topics as the note's shape asks: when its headings hold fewer than SECTION_SLIDES
        slides each on average, they are slides of one topic, not sections of their own (a
        short note with five headings is one talk, not five parts)."""
        slides = [slide for topic in topics for slide in topic["slides"]]
        if len(topics) < 2 or len(slides) >= SECTION_SLIDES * len(topics):
            return topics
        self.warn(
            1,
            f"the note's {len(topics)} headings hold {len(slides)} slides: they became slides "
            "of one topic, not sections",
        )
        return [{"title": title, "slides": slides}]

    def _without_comments(self, text: str) -> str:
        """The note without its Obsidian comments (%%…%%, to the end if unclosed): they are
        private and reach no output. Code fences keep theirs; line numbers stay as they were.
        """

        def without(start: int, end: int) -> str:
            def blank(match: re.Match) -> str:
                line = text[: start + match.start()].count("\n") + 1
                self.warn(line, "an Obsidian comment (%%…%%) was left out: it stays private")
                return "\n" * match.group(0).count("\n")

            return _COMMENT.sub(blank, text[start:end])

        out, pos = [], 0
        for fence in _FENCED.finditer(text):
            out += [without(pos, fence.start()), fence.group(0)]  # code stays as written
            pos = fence.end()
        out.append(without(pos, len(text)))
        return "".join(out)

    def _front_matter(self, block: _Block) -> dict[str, Any]:
        try:
            data = yaml.safe_load(block.tokens[0].content)
        except yaml.YAMLError as error:
            self.warn(block.line, f"front matter is not valid YAML ({error}); it was skipped")
            return {}
        if not isinstance(data, dict):
            return {}
        if data.get("authors") and not data.get("author"):
            authors = data["authors"]
            data["author"] = ", ".join(map(str, authors)) if isinstance(authors, list) else authors
        return data

    def _blocks(self, tokens: list[Token]) -> list[_Block]:
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
            blocks.append(_Block(kind, tokens[i : j + 1], begin + 1, source))
            i = j + 1
        return blocks

    def _topics(self, blocks: list[_Block], level: int, title: str) -> list[dict[str, Any]]:
        topics: list[dict[str, Any]] = []
        current: dict[str, Any] | None = None
        slide: _Slide | None = None
        pending_notes: list[str] = []  # headings that had nothing under them

        def finish_topic() -> None:
            if current is None:
                return
            if current["slides"]:
                topics.append(current)
            else:
                pending_notes.append(f"(The note's heading '{current['title']}' had no text.)")
                self.warn(
                    current["line"],
                    f"heading '{current['title']}' has no content; "
                    "its title is kept in the notes of the next slide",
                )

        for block in blocks:
            if block.kind == "heading":
                depth = int(block.tokens[0].tag[1])
                text = _one_line(self._inline(block.tokens[1])) or "Untitled"
                if depth <= level:
                    self._end_slide(current, slide, pending_notes)
                    finish_topic()
                    current = {"title": text, "slides": [], "line": block.line}
                    slide = _Slide(text, block.line)
                else:
                    self._end_slide(current, slide, pending_notes)
                    if current is None:
                        current = {"title": title, "slides": [], "line": block.line}
                    slide = _Slide(text, block.line)
                    if not self._section_has_content(blocks, block):
                        pending_notes.append(f"(The note's heading '{text}' had no text.)")
                        self.warn(
                            block.line,
                            f"heading '{text}' has no content; its title is "
                            "kept in the notes of the next slide",
                        )
                continue
            if current is None:
                current = {"title": title, "slides": [], "line": block.line}
                slide = _Slide(title, block.line)
            assert slide is not None
            slide = self._add_block(current, slide, block, pending_notes)
        self._end_slide(current, slide, pending_notes)
        finish_topic()
        if not topics:
            note = "The note had no content to turn into slides; write the lecture here."
            topics.append(
                {
                    "title": title,
                    "slides": [{"title": title, "bullets": ["(empty)"], "notes": note}],
                }
            )
            self.warn(1, "the note has no text, lists or pictures; the draft has one empty slide")
        for topic in topics:
            topic.pop("line", None)
        if pending_notes:  # headings at the very end
            last = topics[-1]["slides"][-1]
            last["notes"] = "\n\n".join([last.get("notes", ""), *pending_notes]).strip()
        for slide in (slide for topic in topics for slide in topic["slides"]):
            if "notes" in slide:
                slide["notes"] = _readable_math(slide["notes"])
        return topics

    def _section_has_content(self, blocks: list[_Block], heading: _Block) -> bool:
        after = blocks[blocks.index(heading) + 1 :]
        return bool(after) and after[0].kind not in ("heading",)

    # Slides -----------------------------------------------------------------------------

    def _end_slide(self, topic, slide: _Slide | None, pending: list[str]) -> None:
        """Add the slide being filled to its topic, if it has a body."""
        if topic is None or slide is None or slide.body is None:
            return
        entry: dict[str, Any] = {"title": slide.title, **slide.body}
        notes = "\n\n".join(n for n in [*pending, *slide.notes] if n.strip()).strip()
        pending.clear()
        entry["notes"] = notes or "(No notes in the original.)"
        topic["slides"].append(entry)
        slide.body, slide.notes = None, []

    def _add_block(self, topic, slide: _Slide, block: _Block, pending: list[str]) -> _Slide:
        kind = block.kind
        if kind in ("paragraph", "bullet_list", "html_block", "math_block", "math_block_label"):
            self._add_flow(topic, slide, block, pending)
        elif kind == "ordered_list":
            self._end_slide(topic, slide, pending)
            modules, start, pictures = self._modules(block.tokens)
            slide.body = {"modules": modules}
            if start != 1:
                slide.body["start"] = start
            slide.notes.append(self._prose(block))
            self._add_pictures(topic, slide, pictures, pending, block.line)
        elif kind == "blockquote":
            self._quote(topic, slide, block, pending)
        elif kind in ("fence", "code_block"):
            self._end_slide(topic, slide, pending)
            token = block.tokens[0]
            language = (token.info or "").split(maxsplit=1)[0] if token.info else ""
            if not _LANGUAGE.match(language):
                language = ""
            source = token.content.rstrip("\n") or " "
            slide.body = {"code": {"language": language, "source": source}}
        elif kind == "table":
            self._table(topic, slide, block, pending)
        elif kind == "hr":
            self._end_slide(topic, slide, pending)
        elif kind == "front_matter":
            self.warn(block.line, "a second front matter block was kept as notes")
            slide.notes.append(block.source)
        else:
            self.warn(block.line, f"{kind.replace('_', ' ')} kept as speaker notes")
            slide.notes.append(block.source)
        return slide

    def _add_flow(self, topic, slide: _Slide, block: _Block, pending: list[str]) -> None:
        """Text blocks become bullets; pictures in them become their own slides."""
        bullets, pictures, notes = self._flow_items(block)
        if bullets:
            if slide.body is None or "bullets" not in slide.body:
                self._end_slide(topic, slide, pending)
                slide.body = {"bullets": []}
            slide.body["bullets"].extend(bullets)
        slide.notes.extend(notes)
        if not notes and (bullets or not pictures):
            slide.notes.append(self._prose(block))
        self._add_pictures(topic, slide, pictures, pending, block.line)

    def _add_pictures(self, topic, slide: _Slide, pictures, pending, line: int) -> None:
        for picture in pictures:
            self._end_slide(topic, slide, pending)
            slide.body = self._picture(picture, picture.get("line", line))

    def _flow_items(self, block: _Block) -> tuple[list, list[dict], list[str]]:
        """(bullets, pictures, notes) of a paragraph, list, HTML or math block."""
        kind = block.kind
        if kind == "paragraph":
            lines, pictures = self._lines(block.tokens[1])
            return [line for line in lines if line], pictures, []
        if kind == "bullet_list":
            pictures: list[dict] = []
            return self._bullets(block.tokens, pictures, 1), pictures, []
        if kind == "html_block":
            text = _html_text(block.tokens[0].content)
            if not text:  # a comment or markup only: nothing to show, keep it in the notes
                return [], [], []  # an HTML comment is private
            self.warn(block.line, "HTML kept as plain text (tags removed)")
            return [_escape(text)], [], []
        # $$ math $$: a displayed formula of the lecture's inline syntax
        return [self._math(block.tokens[0].content, True, block.line)], [], []

    def _bullets(self, tokens: list[Token], pictures: list[dict], depth: int) -> list:
        """A bullet list's items as bullet data (text, or {text, items})."""
        items: list = []
        for item_tokens in _list_items(tokens):
            text_lines: list[str] = []
            children: list = []
            for sub in self._blocks_of(item_tokens):
                if sub.kind in ("bullet_list", "ordered_list"):
                    children += self._bullets(sub.tokens, pictures, depth + 1)
                elif sub.kind == "paragraph":
                    lines, found = self._lines(sub.tokens[1])
                    pictures += found
                    if not text_lines and not children:
                        lines[0] = _task(sub.tokens[1], lines[0])
                    target = text_lines if not text_lines and not children else children
                    if target is text_lines:
                        text_lines += [line for line in lines if line]
                    else:
                        children += [line for line in lines if line]
                else:
                    children += [_escape(_one_line(sub.source))] if sub.source.strip() else []
            text = " ".join(text_lines) or (
                children.pop(0) if children and isinstance(children[0], str) else ""
            )
            if not text and not children:
                continue
            text = text or "…"
            if depth >= MAX_DEPTH and children:  # deeper levels are folded into this one
                text = "; ".join([text, *(_flatten(children))])
                children = []
            items.append({"text": text, "items": children} if children else text)
        return items

    def _modules(self, tokens: list[Token]) -> tuple[list[dict], int, list[dict]]:
        """A numbered list as modules: the first line is the title, the rest its items."""
        start = int(tokens[0].attrGet("start") or 1)
        modules, pictures = [], []
        for item_tokens in _list_items(tokens):
            lines: list[str] = []
            for sub in self._blocks_of(item_tokens):
                if sub.kind == "paragraph":
                    found_lines, found = self._lines(sub.tokens[1])
                    pictures += found
                    lines += [line for line in found_lines if line]
                elif sub.kind in ("bullet_list", "ordered_list"):
                    lines += _flatten(self._bullets(sub.tokens, pictures, 2))
                elif sub.source.strip():
                    lines.append(_escape(_one_line(sub.source)))
            if not lines:
                continue
            title, items = lines[0], [_NUMBERING.sub("", line) or line for line in lines[1:]]
            modules.append({"title": title, "items": items} if items else {"title": title})
        if not modules:
            modules = [{"title": "…"}]
        return modules, start, pictures

    def _quote(self, topic, slide: _Slide, block: _Block, pending: list[str]) -> None:
        inner = self._blocks_of(block.tokens)
        first = inner[0] if inner else None
        callout = None
        if first is not None and first.kind == "paragraph":
            head = first.tokens[1].content.split("\n", 1)[0]
            callout = _CALLOUT.match(head)
        if callout:  # > [!note] Title — a callout: a bullet with its lines under it
            kind, heading = callout.group(1), callout.group(2).strip()
            label = _escape(heading) if heading else kind.capitalize()
            lines, pictures = self._lines(first.tokens[1])
            children = [line for line in lines[1:] if line]
            for sub in inner[1:]:
                bullets, found, notes = (
                    self._flow_items(sub)
                    if sub.kind in ("paragraph", "bullet_list", "html_block", "math_block")
                    else ([_escape(_one_line(sub.source))], [], [])
                )
                children += _flatten(bullets)
                pictures += found
                slide.notes.extend(notes)
            bullet = {"text": f"**{label}**", "items": children} if children else f"**{label}**"
            if slide.body is None or "bullets" not in slide.body:
                self._end_slide(topic, slide, pending)
                slide.body = {"bullets": []}
            slide.body["bullets"].append(bullet)
            slide.notes.append(self._prose(block))
            self._add_pictures(topic, slide, pictures, pending, block.line)
            return
        texts, pictures = [], []
        for sub in inner:
            if sub.kind == "paragraph":
                lines, found = self._lines(sub.tokens[1])
                texts += [line for line in lines if line]
                pictures += found
            elif sub.source.strip():
                texts.append(_escape(_one_line(sub.source.lstrip("> "))))
        attribution = None
        if len(texts) > 1 and re.match(r"^(—|--|-|~)\s*\S", texts[-1]):
            attribution = re.sub(r"^(—|--|-|~)\s*", "", texts.pop())
        self._end_slide(topic, slide, pending)
        if texts:
            quote: dict[str, Any] = {"text": " ".join(texts)}
            if attribution:
                quote["attribution"] = attribution
            slide.body = {"quote": quote}
            slide.notes.append(self._prose(block))
        self._add_pictures(topic, slide, pictures, pending, block.line)

    def _prose(self, block: _Block, rows: list[list[str]] | None = None) -> str:
        """A block as clean prose for the speaker notes: one line of plain text per paragraph,
        item or table row, no markdown (what the slide shows in its own form)."""
        if rows is not None:
            return "\n".join(" | ".join(_plain(cell).strip() for cell in row) for row in rows)
        heard, self.warnings = self.warnings, []  # its warnings were given for the slide
        try:
            texts = []
            for token in (t for t in block.tokens if t.type == "inline"):
                lines = self._lines(token)[0]
                if block.kind == "bullet_list":
                    lines[0] = _task(token, lines[0])
                texts.append(" ".join(_plain(line) for line in lines if line))
        finally:
            self.warnings = heard
        return "\n".join(text for text in texts if text.strip())

    def _table(self, topic, slide: _Slide, block: _Block, pending: list[str]) -> None:
        rows: list[list[str]] = []
        row: list[str] | None = None
        for token in block.tokens:
            if token.type == "tr_open":
                row = []
            elif token.type == "inline" and row is not None:
                lines, pictures = self._lines(token)
                row.append(" ".join(lines) or " ")
                for picture in pictures:
                    row[-1] = (row[-1] + " " + _escape(picture["name"])).strip()
            elif token.type == "tr_close" and row is not None:
                rows.append(row)
                row = None
        self._end_slide(topic, slide, pending)
        if not rows:
            return
        header, body = rows[0][:8], rows[1:]
        if len(rows[0]) > 8:
            self.warn(
                block.line,
                "a table with more than 8 columns: only the first 8 are kept; "
                "the whole table is in the speaker notes",
            )
        width = len(header)
        cells = [(r + [""] * width)[:width] for r in body] or [[""] * width]
        slide.body = {"table": {"header": [h or " " for h in header], "rows": cells}}
        slide.notes.append(self._prose(block, rows))

    def _blocks_of(self, tokens: list[Token]) -> list[_Block]:
        """The blocks inside a container (list item, quote): its tokens without open/close."""
        return self._blocks(tokens[1:-1])

    # Pictures ---------------------------------------------------------------------------

    def _picture(self, picture: dict, line: int) -> dict[str, Any]:
        """An image body for a found file, else a placeholder diagram and a warning."""
        target, alt = picture["target"], picture.get("alt")
        name = Path(unquote(target)).name or target
        if re.match(r"^[a-z][a-z0-9+.-]*://", target, re.IGNORECASE):
            self.warn(
                line,
                f"'{target}' is on the web and was not downloaded; a placeholder stands in for it",
            )
            return _placeholder(name, f"Image from the web: {target}", alt)
        found = self.vault.find(target)
        if found is None:
            self.warn(
                line,
                f"image '{target}' was not found in the vault ({self.vault.root}); "
                f"a placeholder diagram stands in until images/{name} is added",
            )
            return _placeholder(name, f"Missing image: {name}", alt)
        problem = _picture_problem(found)
        if problem:
            self.warn(line, f"'{found}' cannot be used: {problem}; a placeholder stands in for it")
            return _placeholder(name, f"Unreadable image: {name}", alt)
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

    # Inline text ------------------------------------------------------------------------

    def _lines(self, inline: Token) -> tuple[list[str], list[dict]]:
        """An inline token as lines of lecture text (inline syntax) and the pictures in it."""
        lines: list[str] = [""]
        pictures: list[dict] = []
        link: list[str | None] = []
        first = (inline.map[0] + 1) if inline.map else 1
        for child in inline.children or []:
            kind = child.type
            line = first + len(lines) - 1  # the note's line this child is on
            if kind == "text":
                lines[-1] += self._text(child.content, pictures, line)
            elif kind == "text_special":  # an escaped character (or an entity): literal
                lines[-1] += _escape(child.content)
            elif kind in ("softbreak", "hardbreak"):
                lines.append("")
            elif kind == "strong_open" or kind == "strong_close":
                lines[-1] += "**"
            elif kind == "em_open" or kind == "em_close":
                lines[-1] += "*"
            elif kind == "code_inline":
                lines[-1] += f"`{child.content.replace('`', chr(39))}`" if child.content else ""
            elif kind in ("math_inline", "math_inline_double"):
                lines[-1] += self._math(child.content, kind != "math_inline", line)
            elif kind == "link_open":
                href = child.attrGet("href") or ""
                safe = re.match(r"^(https?://|mailto:)[^\s()]+$", str(href))
                link.append(str(href) if safe else None)
                if safe:
                    lines[-1] += "["
            elif kind == "link_close":
                href = link.pop() if link else None
                if href:
                    lines[-1] += f"]({href})"
            elif kind == "image":
                src, alt = str(child.attrGet("src") or ""), _plain_children(child) or None
                name = Path(unquote(src)).name
                pictures.append(
                    {
                        "target": src,
                        "alt": alt,
                        "name": name,
                        "line": line,
                        "source": f"![{alt or ''}]({src})",
                    }
                )
            elif kind == "html_inline" and re.match(r"^<br\s*/?>$", child.content, re.I):
                lines.append("")
            # s_open/s_close (strikethrough): the text stays, the marks go
        return [_tidy(line) for line in lines], pictures

    def _math(self, source: str, display: bool, line: int) -> str:
        """TeX math as the lecture writes it ($…$, $$…$$); a formula texmath cannot read stays
        readable as code, with a warning."""
        formula = " ".join(source.split())
        if not formula:
            return ""
        if tex.prepare([(formula, display)]):
            self.warn(line, "TeX math that texmath cannot read is kept as code")
            return f"`{formula.replace('`', chr(39))}`"
        fence = "$$" if display else "$"
        return f"{fence}{formula}{fence}"

    def _inline(self, inline: Token) -> str:
        """A heading's text on one line; a picture in a heading is kept as its name."""
        lines, pictures = self._lines(inline)
        names = [_escape(p["name"]) for p in pictures]
        if pictures:
            line = (inline.map[0] + 1) if inline.map else 1
            self.warn(line, "a picture in a heading is kept as its file name")
        return " ".join(line for line in [*lines, *names] if line)

    def _text(self, text: str, pictures: list[dict], line: int) -> str:
        """Plain text of the note: Obsidian's embeds, links, comments and highlights handled."""
        out = []
        pos = 0
        for match in _EMBED.finditer(text):
            out.append(self._plain_text(text[pos : match.start()], line))
            target, _, alias = match.group(1).partition("|")
            target = target.split("#", 1)[0].strip()
            if Path(target).suffix.lower() in PICTURE_TYPES:
                alt = (
                    alias.strip()
                    if alias and not re.match(r"^\d+(x\d+)?$", alias.strip())
                    else None
                )
                pictures.append(
                    {
                        "target": target,
                        "alt": alt,
                        "name": Path(target).name,
                        "source": match.group(0),
                        "line": line,
                    }
                )
            else:
                kind = "note" if not Path(target).suffix else "file"
                out.append(_escape(f"(embedded {kind}: {target})"))
                self.warn(
                    line, f"embedded {kind} '{target}' is not a picture; its name is kept as text"
                )
            pos = match.end()
        out.append(self._plain_text(text[pos:], line))
        return "".join(out)

    def _plain_text(self, text: str, line: int) -> str:
        if "%%" in text:
            self.warn(line, "an Obsidian comment (%%…%%) was left out of the slide text")
        text = _COMMENT.sub("", text)
        text = _WIKILINK.sub(lambda m: m.group(1).split("|")[-1].split("#")[0].strip(), text)
        parts = _HIGHLIGHT.split(text)  # ==highlight== becomes bold
        return "".join(f"**{_escape(p)}**" if i % 2 else _escape(p) for i, p in enumerate(parts))


def _task(inline: Token, line: str) -> str:
    """A list item's task box `[ ]` / `[x]` as ☐ / ☑ (an escaped one stays text)."""
    first = (inline.children or [None])[0]
    if first is None or first.type != "text":
        return line
    return _TASK.sub(lambda m: "☐ " if m.group(1) == " " else "☑ ", line, count=1)


def _list_items(tokens: list[Token]) -> list[list[Token]]:
    """The tokens of each item of a list (its list_item_open … list_item_close)."""
    items, depth, start = [], 0, None
    for i, token in enumerate(tokens[1:-1], 1):
        if token.type == "list_item_open" and depth == 0:
            start = i
        depth += token.nesting
        if token.type == "list_item_close" and depth == 0 and start is not None:
            items.append(tokens[start : i + 1])
    return items


def _flatten(items: list) -> list[str]:
    flat: list[str] = []
    for item in items:
        if isinstance(item, dict):
            flat.append(item["text"])
            flat += _flatten(item.get("items", []))
        else:
            flat.append(item)
    return flat


def _placeholder(name: str, label: str, alt: str | None) -> dict[str, Any]:
    """A diagram standing in for a picture: shown until images/<name> is added."""
    diagram: dict[str, Any] = {"kind": "flow", "source": name, "steps": [_escape(label)]}
    diagram["alt"] = alt or f"Placeholder for the picture {name}, which is not available."
    return {"diagram": diagram}


def _picture_problem(path: Path) -> str | None:
    """Why a found picture file cannot be used, or None."""
    from slides.assets import BadImage, _read

    try:
        _read(path)[1].close()
    except BadImage as error:
        return str(error)
    except OSError as error:
        return f"could not be read ({error.strerror})"
    return None


_SPECIAL = re.compile(r"([\\`*\[$])")


def _escape(text: str) -> str:
    """Plain text made literal in the lecture's inline syntax."""
    return _SPECIAL.sub(r"\\\1", text)


def _readable_math(notes: str) -> str:
    """Notes whose $…$ texmath cannot read made literal text (the lecture would not load).

    A dollar made literal can pair the ones after it anew: again until nothing changes, and
    when that does not settle, every dollar literal."""
    for _ in range(4):
        fixed = literal_dollars(notes, lambda tex_, display: not tex.prepare([(tex_, display)]))
        if fixed == notes:
            return notes
        notes = fixed
    return notes.replace("$", "\\$")


def _tidy(line: str) -> str:
    line = " ".join(line.split())
    return re.sub(r"\*\*\s*\*\*", "", line).strip()  # empty bold left by removed content


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _plain(text: str) -> str:
    from slides.inline import plain

    return plain(text)


def _plain_children(token: Token) -> str:
    kinds = ("text", "text_special", "code_inline")
    return "".join(c.content for c in token.children or [] if c.type in kinds)


class _TextOnly(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _html_text(markup: str) -> str:
    """The text of an HTML fragment, tags and comments removed."""
    parser = _TextOnly()
    parser.feed(markup)
    parser.close()
    return _one_line(" ".join(parser.parts))


# --- writing -------------------------------------------------------------------------------


def _write(out: Path, data: dict[str, Any], copies: dict[str, Path], force: bool) -> None:
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
