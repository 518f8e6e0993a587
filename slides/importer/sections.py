"""A note's headings, blocks and rules shaped into topics and slides: what starts a slide,
what joins the one being filled, and when headings are slides of one topic."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from slides import tex
from slides.importer.bodies import Block, BodyReader, flatten
from slides.importer.inline_text import (
    COMMENT,
    as_plain,
    escape,
    formulas,
    one_line,
    readable_math,
)

SECTION_SLIDES = 2  # headings become topics when they hold at least this many slides each
# A fenced code block (``` or ~~~, up to its closing fence or the note's end), kept whole.
_FENCED = re.compile(
    r"^[ ]{0,3}(?P<fence>`{3,}|~{3,})[^\n]*\n.*?(?:^[ ]{0,3}(?P=fence)[`~]*[ \t]*$|\Z)",
    re.M | re.S,
)
_CALLOUT = re.compile(r"^\s*\[!([A-Za-z0-9_-]+)\][+-]?\s*(.*)$")
_LANGUAGE = re.compile(r"^[A-Za-z0-9_+#.-]{0,30}$")


def _parser() -> MarkdownIt:
    # Without text_join, a backslash escape stays a token of its own (text_special): `\[ ]`
    # is then told apart from a task's `[ ]`.
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("text_join")
    # Dollars as pandoc and slides.inline read them: no space inside, no digit outside.
    math = {"allow_space": False, "allow_digits": False, "double_inline": True}
    return md.use(front_matter_plugin).use(dollarmath_plugin, **math)


@dataclass
class _Slide:
    title: str
    line: int
    body: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


class Converter(BodyReader):
    """A whole note as lecture data (`convert`)."""

    def convert(self, text: str) -> dict[str, Any]:
        text = self._without_comments(text)
        self.lines = text.split("\n")
        tokens = _parser().parse(text)
        tex.prepare(formulas(tokens))  # all at once: one pandoc run per output form, not each
        blocks = self._blocks(tokens)
        meta: dict[str, Any] = {}
        if blocks and blocks[0].kind == "front_matter":
            meta = self._front_matter(blocks.pop(0))
        headings = [b for b in blocks if b.kind == "heading"]
        title = meta.get("title")
        levels = [int(b.tokens[0].tag[1]) for b in headings]
        if levels and levels[0] == 1 and levels.count(1) == 1:
            title_block = headings[0]
            title = title or as_plain(self._inline(title_block.tokens[1]))
            blocks.remove(title_block)
            levels = levels[1:]
        title = title or self.note.stem
        topic_level = min(levels) if levels else 7
        lecture: dict[str, Any] = {"title": one_line(str(title))}
        for key in ("subtitle", "author", "institution", "date"):
            if meta.get(key) not in (None, ""):
                lecture[key] = one_line(str(meta[key]))
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

            return COMMENT.sub(blank, text[start:end])

        out, pos = [], 0
        for fence in _FENCED.finditer(text):
            out += [without(pos, fence.start()), fence.group(0)]  # code stays as written
            pos = fence.end()
        out.append(without(pos, len(text)))
        return "".join(out)

    def _front_matter(self, block: Block) -> dict[str, Any]:
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

    def _topics(self, blocks: list[Block], level: int, title: str) -> list[dict[str, Any]]:
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
                text = one_line(self._inline(block.tokens[1])) or "Untitled"
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
                slide["notes"] = readable_math(slide["notes"])
        return topics

    def _section_has_content(self, blocks: list[Block], heading: Block) -> bool:
        after = blocks[blocks.index(heading) + 1 :]
        return bool(after) and after[0].kind not in ("heading",)

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

    def _add_block(self, topic, slide: _Slide, block: Block, pending: list[str]) -> _Slide:
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

    def _add_flow(self, topic, slide: _Slide, block: Block, pending: list[str]) -> None:
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

    def _quote(self, topic, slide: _Slide, block: Block, pending: list[str]) -> None:
        inner = self._blocks_of(block.tokens)
        first = inner[0] if inner else None
        callout = None
        if first is not None and first.kind == "paragraph":
            head = first.tokens[1].content.split("\n", 1)[0]
            callout = _CALLOUT.match(head)
        if callout:  # > [!note] Title — a callout: a bullet with its lines under it
            kind, heading = callout.group(1), callout.group(2).strip()
            label = escape(heading) if heading else kind.capitalize()
            lines, pictures = self._lines(first.tokens[1])
            children = [line for line in lines[1:] if line]
            for sub in inner[1:]:
                bullets, found, notes = (
                    self._flow_items(sub)
                    if sub.kind in ("paragraph", "bullet_list", "html_block", "math_block")
                    else ([escape(one_line(sub.source))], [], [])
                )
                children += flatten(bullets)
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
                texts.append(escape(one_line(sub.source.lstrip("> "))))
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

    def _table(self, topic, slide: _Slide, block: Block, pending: list[str]) -> None:
        rows: list[list[str]] = []
        row: list[str] | None = None
        for token in block.tokens:
            if token.type == "tr_open":
                row = []
            elif token.type == "inline" and row is not None:
                lines, pictures = self._lines(token)
                row.append(" ".join(lines) or " ")
                for picture in pictures:
                    row[-1] = (row[-1] + " " + escape(picture["name"])).strip()
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
