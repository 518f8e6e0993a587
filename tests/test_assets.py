"""Pictures prepared once: real pasted files win, images converted/downscaled/deduplicated,
broken files refused with a clear message, diagrams cached between builds."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
import yaml
from conftest import CROWDED_DIAGRAMS, GENAI, ROOT, SAMPLE, copy_lecture, run_cli
from PIL import Image

from slides import assets, model, workers
from slides.build import plan_lecture
from slides.errors import ContentError

PASTED = "Pasted image 20990101000000.png"


def _add_slides(folder: Path, slides: list[dict]) -> None:
    """Append a topic with these slides to a lecture copy."""
    path = folder / "lecture.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for slide in slides:
        slide.setdefault("notes", "Notes.")
    data["topics"].append({"title": "Added", "slides": slides})
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _image(title: str, src: str, **more) -> dict:
    return {"title": title, "image": {"src": src, "alt": f"{title} picture", **more}}


def _png_header(width: int, height: int) -> bytes:
    """A small PNG file that declares a huge size (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _prepare(folder: Path, cache: Path) -> tuple[assets.Assets, object]:
    deck, theme, _ = plan_lecture(folder)
    return assets.prepare(deck.lecture, theme, cache), deck.lecture


# --- good pictures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lecture_dir(tmp_path_factory) -> Path:
    folder = copy_lecture(SAMPLE, tmp_path_factory.mktemp("assets"))
    images = folder / "images"
    Image.new("RGB", (640, 360), "#CC3300").save(images / PASTED)
    Image.new("RGB", (200, 100), "#00AA00").save(images / "anim.gif")
    Image.new("RGBA", (300, 150), (0, 0, 255, 128)).save(images / "clear.webp", lossless=True)
    Image.new("RGB", (4000, 3000), "#336699").save(images / "large.jpg", quality=70)
    Image.new("RGB", (2400, 800), "#996633").save(images / "wide.png")
    shutil.copy(images / "photo.png", images / "same-as-photo.png")
    _add_slides(
        folder,
        [
            {"title": "Pasted", "diagram": {"kind": "flow", "source": PASTED, "steps": ["A", "B"]}},
            {"title": "Absent", "diagram": {"kind": "flow", "source": "Pasted none.png",
                                            "steps": ["Drawn"]}},
            {"title": "Described", "diagram": {"kind": "nested", "sets": ["Outer", "Inner"]}},
            _image("GIF", "images/anim.gif"),
            _image("WebP", "images/clear.webp"),
            _image("Large", "images/large.jpg"),
            _image("Wide", "images/wide.png"),
            _image("Copy", "images/same-as-photo.png"),
            {"title": "Caption only", "image": {"src": "images/photo.png", "caption": "A cap"}},
        ],
    )  # fmt: skip
    return folder


@pytest.fixture(scope="module")
def prepared(lecture_dir, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    found, lecture = _prepare(lecture_dir, cache)
    by_title = {}
    for topic in lecture.topics:
        for slide in topic.slides:
            node = slide.image or slide.diagram
            if node is not None:
                by_title[slide.title] = found.picture(node)
    return found, by_title, cache


def test_a_real_pasted_file_replaces_its_drawing(prepared, lecture_dir):
    _, pictures, _ = prepared
    picture = pictures["Pasted"]
    assert picture.path.read_bytes() == (lecture_dir / "images" / PASTED).read_bytes()
    assert (picture.width, picture.height) == (640, 360)
    assert picture.alt == "Flow of 2 steps: 1. A; 2. B."  # still described from the data
    drawn = pictures["Absent"]
    assert drawn.path.name.startswith("diagram-") and drawn.width == 1920
    with Image.open(drawn.path) as image:
        assert image.size == (drawn.width, drawn.height)


def test_a_diagram_is_drawn_for_its_room_whole_slide_or_column(tmp_path):
    """The same flow fills a whole slide (wide picture) and a column (narrower, taller)."""
    folder = copy_lecture(SAMPLE, tmp_path)
    flow = {"kind": "flow", "steps": ["Write the notes", "Build the deck", "Present"]}
    column = {"heading": "Steps", "diagram": {**flow, "caption": "Three steps"}}
    _add_slides(
        folder,
        [
            {"title": "Whole", "diagram": flow},
            {"title": "Half", "columns": [{"bullets": ["A point"]}, column]},
        ],
    )
    deck, theme, _ = plan_lecture(folder)
    lecture = deck.lecture
    whole, half = (
        lecture.topics[-1].slides[0].diagram,
        lecture.topics[-1].slides[1].columns[1].diagram,
    )
    rooms = assets.diagram_rooms(lecture)
    assert rooms[id(whole)] == (864.0, 380.0)
    width, height = rooms[id(half)]
    assert width == 414.0 and 250 < height < 380 - 40  # less the heading and the caption
    found = assets.prepare(lecture, theme, tmp_path / "cache")
    wide, narrow = found.picture(whole), found.picture(half)
    assert wide.width == narrow.width == 1920
    assert wide.aspect >= 864 / 380 - 0.01  # as wide as the body box: no bands beside it
    assert 4 / 3 - 0.01 <= narrow.aspect < wide.aspect
    for picture in (wide, narrow):
        with Image.open(picture.path) as image:
            assert image.size == (picture.width, picture.height)


def test_check_says_which_picture_each_diagram_uses(lecture_dir):
    result = run_cli("check", lecture_dir)
    assert result.returncode == 0, result.stderr
    assert f"diagram '{PASTED}' uses the file images/{PASTED}" in result.stdout
    assert "diagram 'Pasted none.png' uses the drawing (no file images/Pasted none.png)" in (
        result.stdout
    )


def test_gif_and_webp_become_png(prepared):
    _, pictures, _ = prepared
    for title, size, mode in (("GIF", (200, 100), "RGB"), ("WebP", (300, 150), "RGBA")):
        picture = pictures[title]
        with Image.open(picture.path) as image:
            assert image.format == "PNG" and image.size == size and image.mode == mode
        assert picture.path.suffix == ".png"


def test_large_images_are_downscaled_to_slide_resolution(prepared):
    _, pictures, _ = prepared
    large, wide = pictures["Large"], pictures["Wide"]
    assert (large.width, large.height) == (1440, 1080)  # 4:3 kept
    assert large.path.suffix == ".jpg"
    assert (wide.width, wide.height) == (1920, 640)
    for picture in (large, wide):
        with Image.open(picture.path) as image:
            assert image.size == (picture.width, picture.height)


def test_pngs_that_fit_are_kept_byte_for_byte(prepared, lecture_dir):
    _, pictures, _ = prepared
    assert pictures["An image"].path.read_bytes() == (lecture_dir / "images/photo.png").read_bytes()


def test_identical_images_are_stored_once(prepared):
    found, pictures, cache = prepared
    assert pictures["Copy"].path == pictures["An image"].path
    files = sorted(p.name for p in cache.iterdir())
    assert len(files) == len(set(files)) == len({p.path for p in found.all()})
    assert not [f for f in files if f.startswith(".tmp")]


def test_alt_text_never_a_path(prepared):
    _, pictures, _ = prepared
    assert pictures["An image"].alt == "A green circle in a blue frame"
    assert pictures["Caption only"].alt == "A cap"
    assert pictures["Described"].alt == "Nested sets: Outer contains Inner."
    for picture in pictures.values():
        assert "images/" not in picture.alt and ".png" not in picture.alt


def test_unchanged_diagrams_are_not_redrawn(lecture_dir, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first, _ = _prepare(lecture_dir, cache)
    stamps = {p: p.stat().st_mtime_ns for p in cache.iterdir()}

    def no_drawing(*args):
        raise AssertionError("an unchanged diagram was drawn again")

    monkeypatch.setattr(assets, "_draw_one", no_drawing)
    second, _ = _prepare(lecture_dir, cache)
    assert {p.path for p in second.all()} == {p.path for p in first.all()}
    assert {p: p.stat().st_mtime_ns for p in cache.iterdir()} == stamps


def test_a_changed_diagram_gets_a_new_file_and_the_old_one_goes(lecture_dir, tmp_path):
    folder = copy_lecture(lecture_dir, tmp_path)
    cache = tmp_path / "cache"
    before, _ = _prepare(folder, cache)
    old = {p.path for p in before.all() if p.path.name.startswith("diagram-")}
    text = (folder / "lecture.yaml").read_text(encoding="utf-8")
    (folder / "lecture.yaml").write_text(text.replace("- Drawn", "- Redrawn"), encoding="utf-8")
    after, _ = _prepare(folder, cache)
    new = {p.path for p in after.all() if p.path.name.startswith("diagram-")}
    assert len(old - new) == 1 and len(new - old) == 1
    assert all(not p.exists() for p in old - new)  # pruned


# --- bad pictures --------------------------------------------------------------------------


def _expect_errors(result, *fragments: str) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    return result.stderr


def test_paths_leaving_the_lecture_folder_are_refused(tmp_path):
    folder = copy_lecture(SAMPLE, tmp_path)
    outside = tmp_path / "secret.png"
    shutil.copy(SAMPLE / "images/photo.png", outside)
    os.symlink(outside, folder / "images" / "link.png")
    _add_slides(
        folder,
        [
            _image("Up", "../secret.png"),
            _image("Absolute", str(outside)),
            _image("Link", "images/link.png"),
        ],
    )
    stderr = _expect_errors(
        run_cli("check", folder),
        "topics[2].slides[0].image.src: '../secret.png' leaves the lecture folder",
        f"topics[2].slides[1].image.src: '{outside}' is an absolute path",
        "topics[2].slides[2].image.src: 'images/link.png' points outside the lecture folder",
    )
    assert "lecture.yaml:" in stderr


BROKEN = {
    "garbage.png": b"this is not a picture at all, only text with a .png name\n" * 20,
    "empty.png": b"",
    "truncated.png": None,  # the sample PNG cut in half
    "bomb.png": _png_header(20_000, 20_000),  # 400 M pixels: Pillow refuses
    "nearbomb.png": _png_header(10_000, 10_000),  # 100 M pixels: Pillow only warns
    "picture.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
}
MESSAGES = {
    "garbage.png": "not a picture Pillow can read",
    "empty.png": "the file is empty (0 bytes)",
    "truncated.png": "the picture is damaged or cut short",
    "bomb.png": "the picture is too large to open safely",
    "nearbomb.png": "the picture is too large to open safely",
    "picture.svg": "not a picture Pillow can read",
}


@pytest.fixture(scope="module")
def broken_dir(tmp_path_factory) -> Path:
    folder = copy_lecture(SAMPLE, tmp_path_factory.mktemp("broken"))
    photo = (SAMPLE / "images/photo.png").read_bytes()
    for name, data in BROKEN.items():
        (folder / "images" / name).write_bytes(photo[: len(photo) // 2] if data is None else data)
    _add_slides(folder, [_image(name, f"images/{name}") for name in BROKEN])
    _add_slides(folder, [{"title": "Pasted broken", "diagram": {
        "kind": "flow", "source": "garbage.png", "steps": ["x"]}}])  # fmt: skip
    return folder


@pytest.mark.parametrize("command", ["check", "build"])
def test_broken_files_are_clear_errors_naming_each_file(command, broken_dir, tmp_path):
    args = ["--out", tmp_path / "out", "--format", "pptx"] if command == "build" else []
    stderr = _expect_errors(run_cli(command, broken_dir, *args))
    for i, name in enumerate(BROKEN):
        line = next(ln for ln in stderr.splitlines() if f"images/{name}:" in ln)
        assert f"topics[2].slides[{i}].image.src: images/{name}: {MESSAGES[name]}" in line
        assert line.startswith(f"{broken_dir}/lecture.yaml:") or "lecture.yaml:" in line
    assert "topics[3].slides[0].diagram.source: images/garbage.png: not a picture" in stderr
    assert f"{len(BROKEN) + 1} errors found; nothing was built." in stderr
    if command == "build":
        assert not (tmp_path / "out" / broken_dir.name / f"{broken_dir.name}.pptx").exists()


def test_the_decompression_bomb_guard_stays_on():
    assert Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS <= 200_000_000
    with pytest.raises(assets.BadImage, match="too large"):
        assets._open(_png_header(10_000, 10_000))


def test_prepare_reports_the_line_of_the_broken_image(broken_dir, tmp_path):
    deck, theme, _ = plan_lecture(broken_dir)
    with pytest.raises(ContentError) as caught:
        assets.prepare(deck.lecture, theme, tmp_path)
    problem = caught.value.problems[0]
    text = (broken_dir / "lecture.yaml").read_text(encoding="utf-8").splitlines()
    assert "images/garbage.png" in text[problem.line - 1]


def test_diagram_files_are_the_same_bytes_in_every_process(tmp_path):
    """Set order changes between processes (hash seeds); the PNGs must not."""
    lecture_dir = copy_lecture(SAMPLE, tmp_path)
    spokes = ["Customer support", "Content creation", "Education", "Software", "Health", "Ads"]
    columns = [{"label": f"Side {i}", "items": ["One point", "Another"]} for i in range(3)]
    _add_slides(
        lecture_dir,
        [
            {
                "title": "Hub",
                "diagram": {"kind": "hub", "centre": "Generative AI", "spokes": spokes},
            },
            {"title": "Compare", "diagram": {"kind": "compare", "columns": columns}},
        ],
    )
    script = (
        "import sys; from pathlib import Path; from slides.build import plan_lecture; "
        "from slides.assets import prepare; d, t, _ = plan_lecture(Path(sys.argv[1])); "
        "prepare(d.lecture, t, Path(sys.argv[2]))"
    )
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-c", script, lecture_dir, tmp_path / seed],
            check=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )
    first = {p.name: p.read_bytes() for p in (tmp_path / "1").glob("diagram-*.png")}
    second = {p.name: p.read_bytes() for p in (tmp_path / "2").glob("diagram-*.png")}
    third = {p.name: p.read_bytes() for p in (tmp_path / "3").glob("diagram-*.png")}
    assert len(first) == 3 and first == second == third


def test_drawing_in_parallel_gives_the_same_files(lecture_dir, tmp_path):
    deck, theme, _ = plan_lecture(lecture_dir)
    files = {}
    for jobs in (2, 1):  # forked workers, then one after another here
        assets.prepare(deck.lecture, theme, tmp_path / str(jobs), jobs)
        files[jobs] = {p.name: p.read_bytes() for p in (tmp_path / str(jobs)).iterdir()}
    assert len([n for n in files[2] if n.startswith("diagram-")]) == 3
    assert files[2] == files[1]
    assert not list(tmp_path.glob("*/.tmp-*"))


# --- diagram layouts in parallel -----------------------------------------------------------


def test_layouts_made_in_parallel_are_the_serial_ones_with_the_same_warnings(tmp_path, monkeypatch):
    """Forked workers lay the distinct diagrams out (costliest first); the parent gets the same
    layouts, and the cut labels are warned about in the lecture's order, as one after another."""
    folder = copy_lecture(SAMPLE, tmp_path)
    crowded = [
        {"title": kind, "columns": [{"bullets": ["A point"]}, {"diagram": {"kind": kind, **data}}]}
        for kind, data in CROWDED_DIAGRAMS.items()
    ]
    hubs = [
        {"title": f"Hub {i}", "diagram": {"kind": "hub", "centre": "AI", "spokes": ["A", f"B{i}"]}}
        for i in range(3)
    ]
    _add_slides(folder, [*crowded, *hubs, crowded[1]])  # the crowded hub twice: laid out once
    deck, theme, _ = plan_lecture(folder)
    monkeypatch.setattr(assets, "PARALLEL_LAYOUTS_FROM", 0.0)
    asked = []
    run = workers.run
    monkeypatch.setattr(workers, "run", lambda tasks, jobs: asked.append(jobs) or run(tasks, jobs))
    made = {
        jobs: assets.prepare(deck.lecture, theme, tmp_path / f"cache-{jobs}", jobs, paint=False)
        for jobs in (2, 1)
    }
    assert asked[0] == 2 and asked[-1] == 1
    drawn = [n for n in assets.pictures_of(deck.lecture) if isinstance(n, model.DiagramBase)]
    for node in drawn:
        assert made[2].layout(node) == made[1].layout(node)
        parallel, serial = made[2].picture(node), made[1].picture(node)
        assert (parallel.path.name, parallel.width, parallel.height, parallel.alt) == (
            serial.path.name, serial.width, serial.height, serial.alt
        )  # fmt: skip
    warned = [(w.path, w.message) for w in made[2].warnings]
    assert warned == [(w.path, w.message) for w in made[1].warnings]
    assert [key for key, _ in warned][-len(CROWDED_DIAGRAMS) - 1 :] == [
        *(f"topics[2].slides[{s}].columns[1].diagram" for s in range(len(CROWDED_DIAGRAMS))),
        f"topics[2].slides[{len(CROWDED_DIAGRAMS) + 3}].columns[1].diagram",
    ]


def test_diagrams_are_laid_out_in_parallel_only_when_it_pays():
    """The GenAI lecture's seven diagrams are laid out here (starting workers would cost more
    than they save); ten times as many distinct ones in workers when they are also painted
    (Pillow measures their text too), forty times as many when drawn natively only; one job is
    always one."""
    deck, _, _ = plan_lecture(GENAI)
    kinds = [n.kind for n in assets.pictures_of(deck.lecture) if isinstance(n, model.DiagramBase)]
    assert len(kinds) == 7
    assert assets.layout_jobs(kinds, 2, painted=True) == 1
    assert assets.layout_jobs(kinds * 10, 2, painted=True) == 2
    assert assets.layout_jobs(kinds * 10, 2, painted=False) == 1
    assert assets.layout_jobs(kinds * 40, 2, painted=False) == 2
    assert assets.layout_jobs(kinds * 40, 1, painted=False) == 1


def test_pillow_measures_diagram_text_only_for_a_painted_picture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Drawn natively (the default), a diagram's text is measured in the fonts its viewers may
    show it in; Pillow's widths are asked for only when its picture is painted, and the two
    layouts of the GenAI lecture come out the same."""
    from PIL import ImageFont

    asked = []
    length = ImageFont.FreeTypeFont.getlength
    monkeypatch.setattr(
        ImageFont.FreeTypeFont, "getlength", lambda *a, **k: asked.append(a[1]) or length(*a, **k)
    )
    deck, theme, _ = plan_lecture(GENAI)
    native = assets.prepare(deck.lecture, theme, tmp_path / "native", paint=False)
    assert asked == [] and native.style.painted is False
    painted = assets.prepare(deck.lecture, theme, tmp_path / "picture", paint=True)
    assert "Machine Learning" in asked
    drawn = [n for n in assets.pictures_of(deck.lecture) if isinstance(n, model.DiagramBase)]
    assert [native.layout(n) for n in drawn] == [painted.layout(n) for n in drawn]
