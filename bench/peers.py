"""The peers we compare with, installed for the benchmark only, and their input files.

- pandoc 3 from the pypandoc-binary wheel (`pypandoc.get_pandoc_path()`);
- Marp CLI from npm into bench/.peers (never a project dependency), driving Debian's chromium;
- the Marp markdown of a lecture, and a pandoc markdown used while our .qmd renderer is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PEERS = BENCH / ".peers"
MARP = PEERS / "node_modules" / ".bin" / "marp"
REVEAL = ROOT / "node_modules" / "reveal.js"


def pandoc() -> str:
    """The pandoc binary of the pypandoc-binary wheel."""
    import pypandoc

    return pypandoc.get_pandoc_path()


def marp() -> Path:
    """Marp CLI, installed into bench/.peers on first use (npm, no browser download)."""
    if not MARP.exists():
        PEERS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(PEERS),
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "@marp-team/marp-cli",
            ],
            check=True,
            env=marp_env(),
        )
    return MARP


def marp_env() -> dict[str, str]:
    """Marp uses Debian's chromium; as root it adds --no-sandbox itself (CHROME_NO_SANDBOX too)."""
    env = dict(os.environ)
    env.update(
        CHROME_PATH=shutil.which("chromium") or "/usr/bin/chromium",
        CHROME_NO_SANDBOX="1",
        PUPPETEER_SKIP_DOWNLOAD="1",
    )
    return env


# --- markdown of a lecture for the peers -------------------------------------------------------


def markdown(folder: Path, flavour: str, pictures_dir: Path) -> str:
    """The lecture as one markdown deck for Marp (`marp`) or pandoc (`pandoc`).

    The deck follows our deck plan frame by frame, with the same diagram pictures (drawn by our
    asset step into pictures_dir), so the peers lay out the same content we do.
    """
    from slides.assets import prepare
    from slides.build import plan_lecture

    deck, theme, _ = plan_lecture(folder)
    assets = prepare(deck.lecture, theme, pictures_dir)
    lecture = deck.lecture
    slides: list[str] = []
    for frame in deck.frames:
        if frame.kind == "title":
            lines = [f"# {lecture.title}"]
            lines += [x for x in (lecture.subtitle, lecture.author, lecture.date) if x]
            body = "\n\n".join(lines)
        elif frame.kind == "agenda":
            body = "## Agenda\n\n" + "\n".join(f"- {t.title}" for t in lecture.topics)
        elif frame.kind in ("section", "closing"):
            body = f"# {frame.title}"
        else:
            body = f"## {frame.display_title}\n\n" + _body(frame.slide, assets, flavour)
        if frame.notes:
            body += (
                f"\n\n<!--\n{frame.notes}\n-->"
                if flavour == "marp"
                else f"\n\n::: notes\n{frame.notes}\n:::"
            )
        slides.append(body)
    if flavour == "marp":
        head = f"---\nmarp: true\nsize: 16:9\ntitle: {lecture.title!r}\npaginate: true\n---\n\n"
        return head + "\n\n---\n\n".join(slides) + "\n"
    head = f"---\ntitle: {lecture.title!r}\n---\n\n"
    return head + "\n\n".join(slides) + "\n"


def _body(slide, assets, flavour: str) -> str:
    from slides import model

    def picture(node) -> str:
        pic = assets.picture(node)
        size = "h:380" if flavour == "marp" else ""
        alt = (size + " " + pic.alt.replace("\n", " ")).strip()
        caption = f"\n\n*{node.caption}*" if getattr(node, "caption", None) else ""
        return f"![{alt}]({pic.path.resolve()}){caption}"

    def bullets(items, depth: int = 0) -> list[str]:
        lines = []
        for item in items:
            bullet = model.as_bullet(item)
            lines.append("  " * depth + f"- {bullet.text}")
            lines += bullets(bullet.items, depth + 1)
        return lines

    kind = slide.kind
    if kind == "bullets":
        return "\n".join(bullets(slide.bullets))
    if kind in ("image", "diagram"):
        return picture(getattr(slide, kind))
    if kind == "columns":
        parts = []
        for column in slide.columns:
            part = f"**{column.heading}**\n\n" if column.heading else ""
            if column.bullets:
                part += "\n".join(bullets(column.bullets))
            else:
                part += picture(column.image or column.diagram)
            parts.append(part)
        return "\n\n".join(parts)
    if kind == "quote":
        who = f"\n>\n> — {slide.quote.attribution}" if slide.quote.attribution else ""
        return f"> {slide.quote.text}{who}"
    if kind == "questions":
        return "\n".join(
            f"- **{q.question}** {q.answer}" + (f" *{q.example}*" if q.example else "")
            for q in slide.questions
        )
    if kind == "modules":
        lines = []
        for n, module in enumerate(slide.modules, slide.start):
            lines.append(f"{n}. {module.title}")
            lines += [f"   - {n}.{i} {item}" for i, item in enumerate(module.items, 1)]
        return "\n".join(lines)
    if kind == "table":
        rows = [slide.table.header, ["---"] * len(slide.table.header), *slide.table.rows]
        return "\n".join("| " + " | ".join(row) + " |" for row in rows)
    if kind == "code":
        return f"```{slide.code.language}\n{slide.code.source.rstrip()}\n```"
    raise ValueError(f"unknown slide kind {kind}")
