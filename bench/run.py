"""The speed benchmark of issue 7: ours against pandoc and Marp, no-op rebuilds, serve, scale.

Run from the repository root:  .venv/bin/python bench/run.py [--runs 5] [--only NAME ...]

Every figure is whole-process wall time and CPU time (start-up included), the median of --runs
runs after a warm-up run, with ours and the peer run alternately; ratios against a peer are given
for both. The table is printed as markdown.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# bench/ is on sys.path when run as `python bench/run.py`
import peers
from measure import Contender, compare, run

import content

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
BUILD = ROOT / "build.py"
OUT = content.WORK / "out"
FULL = ("pptx", "qmd", "html", "handout")
CORES = os.cpu_count() or 1


@dataclass
class Row:
    """One line of the result table."""

    target: str
    ours: str
    peer: str = ""
    ratio: str = ""
    goal: str = ""
    met: str = ""


def available() -> list[str]:
    """The formats whose renderer module exists in this checkout."""
    from slides.render import FORMATS

    return [fmt for fmt, (module, _) in FORMATS.items() if importlib.util.find_spec(module)]


def ours(folder: Path | list[Path], formats: list[str], out: Path, *more: str) -> list[str | Path]:
    """The command line of one of our builds (of one lecture folder or several)."""
    folders = folder if isinstance(folder, list) else [folder]
    return [
        PYTHON,
        BUILD,
        "build",
        *folders,
        "--format",
        ",".join(formats),
        "--out",
        out,
        "-q",
        *more,
    ]


def wipe(path: Path) -> Callable[[], None]:
    """A setup that deletes an output folder (outputs and caches): a cold build."""
    return lambda: shutil.rmtree(path, ignore_errors=True)


def verdict(value: float, goal: float) -> str:
    return "yes" if value <= goal else "**no**"


def against(us: Contender, them: Contender, goal: float) -> tuple[str, str, str]:
    """The ratio, goal and met cells of ours against a peer: wall time, CPU time beside it.

    On a shared machine wall times follow the load; CPU time (user + system of the process and
    the children it waited for) follows it much less, so both are reported and both judged.
    """
    wall, cpu = us.wall / them.wall, us.cpu / them.cpu
    return (
        f"{wall:.2f}× (CPU {cpu:.2f}×)",
        f"≤ {goal:g}×",
        f"{verdict(wall, goal)} (CPU {verdict(cpu, goal)})",
    )


def times(contender: Contender) -> str:
    """A contender's median wall time with its median CPU time."""
    return f"{seconds(contender.wall)} (CPU {seconds(contender.cpu)})"


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def missing(formats: tuple[str, ...] | list[str]) -> list[str]:
    have = available()
    return [f for f in formats if f not in have]


# --- the peers' input: our own .qmd, or a markdown deck while the .qmd renderer is missing ------


def pandoc_source(folder: Path) -> tuple[Path, str]:
    """The file pandoc converts for a lecture, and what it is."""
    out = content.WORK / "pandoc-src" / folder.name
    if "qmd" in available():
        shutil.rmtree(out, ignore_errors=True)
        run(ours(folder, ["qmd"], out.parent))
        return out / f"{folder.name}.qmd", "our .qmd"
    out.mkdir(parents=True, exist_ok=True)
    source = out / f"{folder.name}.md"
    source.write_text(peers.markdown(folder, "pandoc", out / "pictures"), "utf-8")
    return source, "a markdown deck generated from the lecture (no .qmd renderer yet)"


def pandoc_pptx(source: Path, out: Path) -> list[str | Path]:
    return [peers.pandoc(), source.name, "-o", out / f"{source.stem}.pptx"]


def pandoc_reveal(source: Path, out: Path) -> list[str | Path]:
    return [
        peers.pandoc(),
        source.name,
        "-t",
        "revealjs",
        "-s",
        "-V",
        f"revealjs-url={peers.REVEAL}",
        "-o",
        out / f"{source.stem}.html",
    ]


# --- the targets -------------------------------------------------------------------------------


def full_build(lectures: dict, runs: int) -> list[Row]:
    """The full cold build of the GenAI lecture against pandoc's pptx plus reveal.js HTML."""
    folder = lectures["genai"]
    formats = [f for f in FULL if f in available()]
    source, what = pandoc_source(folder)
    out = OUT / "full"
    peer_out = OUT / "full-pandoc"
    peer_out.mkdir(parents=True, exist_ok=True)
    us = Contender("ours", [ours(folder, formats, out)], setup=wipe(out))
    them = Contender(
        "pandoc",
        [pandoc_pptx(source, peer_out), pandoc_reveal(source, peer_out)],
        cwd=source.parent,
    )
    compare([us, them], runs)
    gone = missing(FULL)
    note = f" (without {', '.join(gone)}: not built yet)" if gone else ""
    rows = [
        Row(
            f"full cold build, GenAI lecture ({'+'.join(formats)}){note}",
            times(us),
            f"{times(them)} pandoc pptx + reveal.js of {what}",
            *against(us, them, 2.0),
        )
    ]
    rows += sizes(folder, out)
    return rows


def sizes(folder: Path, out: Path) -> list[Row]:
    """PPTX and HTML deck sizes against the pictures they hold (goal: pictures + 10 %)."""
    import zipfile

    from slides.build import prepare_build
    from slides.render import Options

    build, _ = prepare_build(folder, out, Options())
    distinct = build.assets.all()
    # Diagrams drawn natively have no picture file (only `--pptx-diagrams picture` paints them).
    pictures = sum(p.path.stat().st_size for p in distinct if p.path.is_file())
    deck = out / folder.name
    rows = []
    pptx = deck / f"{folder.name}.pptx"
    if pptx.exists():
        with zipfile.ZipFile(pptx) as package:
            media = [n for n in package.namelist() if n.startswith("ppt/media/")]
        once = f"{len(media)} media files for {len(distinct)} distinct pictures"
        rows.append(_size_row(f"PPTX size, {folder.name}", pptx.stat().st_size, pictures, once))
    html = deck / f"{folder.name}.html"
    if html.exists():
        # The deck's own files; reveal.js, KaTeX and the fonts are the same for every deck.
        library = ("reveal.js", "fonts", "katex")
        others = {f"{folder.name}{s}" for s in (".pptx", "-handout.pdf", "-slides.pdf", ".qmd")}
        own = lib = 0
        for path in deck.rglob("*"):
            parts = path.relative_to(deck).parts
            if not path.is_file() or parts[0] == ".cache" or parts[0] in others:
                continue
            if parts[0] in library:
                lib += path.stat().st_size
            else:
                own += path.stat().st_size
        note = f"+ {lib / 1e6:.1f} MB reveal.js, KaTeX and fonts, shared by every deck"
        rows.append(_size_row(f"HTML deck (html, images, css), {folder.name}", own, pictures, note))
    return rows


def _size_row(what: str, size: int, pictures: int, note: str) -> Row:
    if not pictures:  # diagrams drawn natively, no photographs: nothing to compare with
        return Row(what, f"{size / 1e6:.2f} MB", f"no picture files; {note}", "", "≤ 1.10×", "n/a")
    ratio = size / pictures
    return Row(
        what,
        f"{size / 1e6:.2f} MB",
        f"pictures {pictures / 1e6:.2f} MB; {note}",
        f"{ratio:.2f}×",
        "≤ 1.10×",
        verdict(ratio, 1.10),
    )


def _pptx_alone(folder: Path, name: str) -> tuple[Contender, Contender, str]:
    """Our cold PPTX build of a lecture and pandoc's pptx of its source, not yet timed."""
    source, what = pandoc_source(folder)
    out, peer_out = OUT / name, OUT / f"{name}-pandoc"
    peer_out.mkdir(parents=True, exist_ok=True)
    us = Contender("ours", [ours(folder, ["pptx"], out)], setup=wipe(out))
    them = Contender("pandoc", [pandoc_pptx(source, peer_out)], cwd=source.parent)
    return us, them, what


def slide_count(folder: Path) -> int:
    """The slides of a lecture's deck, as planned (its agenda may take several)."""
    from slides.build import plan_lecture

    return len(plan_lecture(folder)[0].frames)


def pptx_30(lectures: dict, runs: int) -> list[Row]:
    """PPTX alone, cold, of the GenAI lecture (32 slides) against pandoc's pptx of its .qmd."""
    if missing(["pptx"]):
        return [Row("PPTX alone, GenAI lecture", "n/a: no PPTX renderer yet")]
    us, them, what = _pptx_alone(lectures["genai"], "pptx30")
    compare([us, them], runs)
    return [
        Row(
            f"PPTX alone, cold, GenAI lecture ({slide_count(lectures['genai'])} slides)",
            times(us),
            f"{times(them)} pandoc pptx of {what}",
            *against(us, them, 2.5),
        )
    ]


def pptx_300(lectures: dict, runs: int) -> list[Row]:
    """PPTX alone at about 300 slides against pandoc's pptx of the same deck."""
    if missing(["pptx"]):
        return [Row("PPTX alone, about 300 slides", "n/a: no PPTX renderer yet")]
    folder = lectures["x10"]
    us, them, what = _pptx_alone(folder, "x10")
    # The same build with the pictures already drawn: the PPTX writer without diagram painting.
    cached = Contender("ours, pictures cached", [ours(folder, ["pptx"], OUT / "x10", "--force")])
    compare([us, cached, them], runs)
    # The same deck with every round's words changed: what only repeated text gains shows here.
    varied, varied_peer, varied_what = _pptx_alone(lectures["x10b"], "x10b")
    compare([varied, varied_peer], runs)
    return [
        Row(
            f"PPTX alone, cold, GenAI ×10 ({slide_count(folder)} slides)",
            times(us),
            f"{times(them)} pandoc pptx of {what}",
            *against(us, them, 0.8),
        ),
        Row(
            "PPTX alone, cold, GenAI ×10, each round its own words "
            f"({slide_count(lectures['x10b'])} slides)",
            times(varied),
            f"{times(varied_peer)} pandoc pptx of {varied_what}",
            *against(varied, varied_peer, 0.8),
        ),
        Row(
            "PPTX alone, pictures cached (`--force`), GenAI ×10",
            times(cached),
            f"{times(them)} pandoc pptx",
            against(cached, them, 0.8)[0],
        ),
    ]


def slides_pdf(lectures: dict, runs: int) -> list[Row]:
    """Our slides PDF (through the HTML deck and chromium) against Marp's PDF."""
    if missing(["pdf", "html"]):
        return [Row("slides PDF, GenAI lecture", "n/a: no slides PDF renderer yet")]
    folder = lectures["genai"]
    marp_dir = content.WORK / "marp"
    marp_dir.mkdir(parents=True, exist_ok=True)
    source = marp_dir / f"{folder.name}.md"
    source.write_text(peers.markdown(folder, "marp", marp_dir / "pictures"), "utf-8")
    out = OUT / "pdf"
    us = Contender("ours", [ours(folder, ["pdf"], out)], setup=wipe(out))
    them = Contender(
        "marp",
        [[peers.marp(), "--pdf", "--allow-local-files", source.name, "-o", "deck.pdf"]],
        cwd=marp_dir,
        env=peers.marp_env(),
    )
    compare([us, them], runs)
    return [
        Row(
            "slides PDF, cold (qmd+html+pdf), GenAI lecture",
            times(us),
            f"{times(them)} Marp PDF of the same deck",
            *against(us, them, 1.0),
        )
    ]


def handout(lectures: dict, runs: int) -> list[Row]:
    """The handout of its own: pictures already drawn, the PDF rebuilt (--force)."""
    if missing(["handout"]):
        return [Row("handout alone", "n/a: no handout renderer yet")]
    folder = lectures["genai"]
    out = OUT / "handout"
    run(ours(folder, ["handout"], out))  # draws the pictures once
    warm = Contender("handout", [ours(folder, ["handout"], out, "--force")])
    cold = Contender("cold", [ours(folder, ["handout"], out)], setup=wipe(out))
    compare([warm, cold], runs)
    own = _handout_in_process(folder, out, runs)
    return [
        Row(
            "handout PDF alone (pictures cached, --force)",
            seconds(warm.wall),
            f"cold, pictures drawn too: {seconds(cold.wall)}",
            "",
            "≤ 0.30 s",
            verdict(warm.wall, 0.30),
        ),
        Row(
            "handout renderer's own time, in one process (Typst source, compile, read-back)",
            seconds(own),
            "the same process loaded and planned the lecture first (not timed)",
            "",
            "≤ 0.30 s",
            verdict(own, 0.30),
        ),
    ]


# Times the handout renderer and its read-back in a process that has already planned the
# lecture: the handout's own share of a build, apart from start-up and loading. Its first
# render only, as in a build (Typst keeps fonts and layouts for later compiles in a process).
_HANDOUT_ONLY = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from slides.build import prepare_build
from slides.parity import check_outputs
from slides.render import Options, renderer
build, _ = prepare_build(Path(sys.argv[2]), Path(sys.argv[3]), Options())
render = renderer("handout")
start = time.perf_counter()
assert not check_outputs(build.deck, {"handout": render(build)})
print(time.perf_counter() - start)
"""


def _handout_in_process(folder: Path, out: Path, runs: int) -> float:
    """The median time of the handout renderer plus its read-back, one process per run."""
    command = [PYTHON, "-c", _HANDOUT_ONLY, ROOT, folder, out]
    times = [
        float(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
        for _ in range(runs + 1)
    ]
    return statistics.median(times[1:])


def noop(lectures: dict, runs: int) -> list[Row]:
    """A rebuild with nothing changed, and `check`, as whole processes."""
    folder = lectures["genai"]
    formats = [f for f in FULL if f in available()]
    out = OUT / "noop"
    shutil.rmtree(out, ignore_errors=True)
    run(ours(folder, formats, out))
    rebuild = Contender("no-op", [ours(folder, formats, out)])
    check = Contender("check", [[PYTHON, BUILD, "check", "-q", folder]])
    compare([rebuild, check], runs)
    return [
        Row(
            f"no-op rebuild ({'+'.join(formats)}), GenAI lecture",
            times(rebuild),
            f"`check`: {times(check)}",
            "",
            "≤ 0.35 s",
            verdict(rebuild.wall, 0.35),
        )
    ]


def serve(lectures: dict, runs: int) -> list[Row]:
    """Edit-to-browser latency: save the YAML, wait until a browser on the deck shows the edit.

    Chromium (driven by Playwright) has the served deck open, with livereload's script in it;
    the time runs from the save to the edited text being in the reloaded page. The time until
    the served file has it (HTTP polling) is reported beside it.
    """
    help_text = subprocess.run(
        [PYTHON, BUILD, "serve", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    if help_text.returncode != 0:
        return [Row("serve: edit to browser", "n/a: no `serve` command yet", goal="≤ 1.0 s")]
    folder = lectures["genai"]
    yaml_path = folder / "lecture.yaml"
    original = yaml_path.read_text("utf-8")
    port = 8765 + os.getpid() % 1000
    out = OUT / "serve"
    shutil.rmtree(out, ignore_errors=True)
    command = [PYTHON, BUILD, "serve", folder, "--port", str(port), "--out", str(out)]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    browser_times: list[float] = []
    file_times: list[float] = []
    try:
        url = _wait_for_deck(f"http://127.0.0.1:{port}", folder.name, timeout=120)
        with _browser() as page:
            page.goto(url)
            page.wait_for_load_state("load")
            for i in range(runs + 1):
                marker = f"Edited{os.getpid()}x{i}"
                yaml_path.write_text(
                    original.replace("Generative AI is a type of", f"{marker} is a type of", 1),
                    "utf-8",
                )
                saved = time.perf_counter()
                served = shown = None
                while shown is None:
                    # Times are taken when a check returns: the server answers no request
                    # while it rebuilds, so a request sent early comes back late.
                    if time.perf_counter() - saved > 30:
                        raise RuntimeError(f"the edit never showed in the browser at {url}")
                    if served is None and marker in _fetch(url):
                        served = time.perf_counter() - saved
                    if marker in _page_text(page):
                        shown = time.perf_counter() - saved
                    time.sleep(0.01)
                if i:  # the first edit is the warm-up
                    browser_times.append(shown)
                    file_times.append(served if served is not None else shown)
                time.sleep(1.0)  # let the watcher and livereload settle before the next edit
    finally:
        yaml_path.write_text(original, "utf-8")
        server.terminate()
        _, log = server.communicate(timeout=10)
    # serve logs "built … in 0.42 s" per rebuild: the share of the latency that is our build.
    builds = [float(t) for t in re.findall(r"built .* in ([0-9.]+) s", log.decode())[1:]]
    build_part = f"; rebuild {seconds(statistics.median(builds))}" if builds else ""
    browser = statistics.median(browser_times)
    return [
        Row(
            "serve: YAML saved → edit shown in the browser",
            seconds(browser),
            f"served file has it after {seconds(statistics.median(file_times))}{build_part}; "
            f"slowest {seconds(max(browser_times))}",
            "",
            "≤ 1.0 s",
            verdict(browser, 1.0),
        )
    ]


@contextlib.contextmanager
def _browser():
    """A page in Debian's chromium, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    args = [
        "--no-sandbox",
        "--headless",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=args)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def _page_text(page) -> str:
    """The page's HTML, or nothing while it is reloading."""
    from playwright.sync_api import Error

    try:
        return page.content()
    except Error:
        return ""


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _wait_for_deck(base: str, name: str, timeout: float) -> str:
    """The URL of the served deck, once the first build is there."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        for url in (f"{base}/{name}.html", f"{base}/{name}/{name}.html", f"{base}/"):
            if "reveal" in _fetch(url):
                return url
        time.sleep(0.2)
    raise RuntimeError(f"serve did not serve the deck at {base} within {timeout} s")


def course(lectures: dict, runs: int) -> list[Row]:
    """20 lectures × 50 slides: one process after another lecture vs all cores busy."""
    folders = lectures["course"]
    formats = [f for f in FULL if f in available()]
    serial_out = OUT / "course-serial"
    parallel_out = OUT / "course-parallel"
    jobs = _jobs_flag()
    one = [jobs, "1"] if jobs else []
    serial = Contender(
        "one process", [ours(folders, formats, serial_out, *one)], setup=wipe(serial_out)
    )
    if jobs:
        command = ours(folders, formats, parallel_out, jobs, str(CORES))
        parallel = Contender("jobs", [command], setup=wipe(parallel_out))
        how = f"`build {jobs} {CORES}`"
    else:
        # Without a jobs option: xargs runs one build process per core, lectures shared out.
        per = -(-len(folders) // CORES)
        command = " ".join(map(str, ours([], formats, parallel_out)))
        listing = " ".join(map(str, folders))
        parallel = Contender(
            "xargs",
            [["sh", "-c", f"printf '%s\\n' {listing} | xargs -P {CORES} -n {per} {command}"]],
            setup=wipe(parallel_out),
        )
        how = f"xargs -P {CORES}"
    compare([serial, parallel], max(1, runs // 2), warmup=0)
    slides = content.COURSE_LECTURES * content.COURSE_SLIDES
    busy = parallel.cpu / (parallel.wall * CORES)
    return [
        Row(
            f"course 20×50 slides ({'+'.join(formats)}), {how}",
            f"{seconds(parallel.wall)} ({parallel.wall / slides * 1000:.1f} ms/slide)",
            f"one process, one lecture after another: {seconds(serial.wall)}",
            f"{parallel.wall / serial.wall:.2f}×; cores busy {busy:.0%}",
            f"all {CORES} cores busy",
            "yes" if busy >= 0.8 else "**no**",
        ),
        Row(
            "peak memory, course (largest process)",
            f"{max(serial.rss_mb, parallel.rss_mb):.0f} MB",
            goal="≤ 300 MB",
            met=verdict(max(serial.rss_mb, parallel.rss_mb), 300),
        ),
    ]


def _jobs_flag() -> str | None:
    text = subprocess.run(
        [PYTHON, BUILD, "build", "--help"], capture_output=True, text=True, cwd=ROOT
    ).stdout
    found = re.search(r"(--jobs)\b", text)
    return found.group(1) if found else None


def per_slide(lectures: dict, runs: int) -> list[Row]:
    """Time per slide of the full cold build at 1,000 slides against 50 slides."""
    formats = [f for f in FULL if f in available()]
    small, large = lectures["scale-50"], lectures["scale-1000"]
    out_s, out_l = OUT / "scale-50", OUT / "scale-1000"
    s = Contender("50", [ours(small, formats, out_s)], setup=wipe(out_s))
    big = Contender("1000", [ours(large, formats, out_l)], setup=wipe(out_l))
    compare([s, big], max(3, runs // 2 + 1))
    rows = sizes(small, out_s)  # a lecture with photographs, not only diagrams
    per_s, per_l = s.wall / 50, big.wall / 1000
    ratio = per_l / per_s
    return rows + [
        Row(
            f"time per slide, cold ({'+'.join(formats)}): 1,000 vs 50 slides",
            f"{per_l * 1000:.1f} ms ({seconds(big.wall)} in all)",
            f"50 slides: {per_s * 1000:.1f} ms ({seconds(s.wall)} in all)",
            f"{ratio:.2f}×",
            "≤ 1.2×",
            verdict(ratio, 1.2),
        ),
        Row(
            "peak memory, 1,000-slide build",
            f"{big.rss_mb:.0f} MB",
            goal="≤ 300 MB",
            met=verdict(big.rss_mb, 300),
        ),
    ]


TARGETS: dict[str, Callable[[dict, int], list[Row]]] = {
    "full": full_build,
    "pptx30": pptx_30,
    "pptx300": pptx_300,
    "pdf": slides_pdf,
    "handout": handout,
    "noop": noop,
    "serve": serve,
    "course": course,
    "scale": per_slide,
}


def machine() -> str:
    """One line about the machine the numbers come from."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{CORES} cores ({model or platform.processor()}), {memory:.0f} GB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def main(argv: list[str] | None = None) -> int:
    """Generate the content, run the chosen targets and print the markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per contender (5)")
    parser.add_argument("--only", nargs="+", choices=list(TARGETS), help="run only these")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    # Time what a user runs: Python loads our modules from their cached bytecode. A shell with
    # PYTHONDONTWRITEBYTECODE set (some sandboxes and CI images) would otherwise have every
    # run compile the whole package from source (0.1 s). The warm-up runs write the .pyc files.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    print("generating content …", file=sys.stderr)
    lectures = content.generate()
    rows: list[Row] = []
    for name in args.only or list(TARGETS):
        print(f"{name} ", end="", file=sys.stderr, flush=True)
        try:
            rows += TARGETS[name](lectures, args.runs)
        except Exception as error:  # one broken target must not hide the others' numbers
            lines = [line for line in str(error).splitlines() if line.strip()]
            rows.append(Row(name, f"failed: {lines[-1][:200] if lines else error!r}"))
        print(file=sys.stderr)
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\nMachine: {machine()}; load average at the end {load} (1/5/15 min); formats built: "
        f"{', '.join(available())}; median of {args.runs} runs after a warm-up.\n"
    )
    print("| target | ours | peer / reference | ratio | goal | met |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row.target} | {row.ours} | {row.peer} | {row.ratio} | {row.goal} | {row.met} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
