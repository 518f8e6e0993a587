"""The PPTX writer alone on its cores makes the slides' XML in two halves at once
(slides.workers.halves) and reads its files back while it zips them (slides.workers.meanwhile);
the written file is read back in two halves at once: the same bytes, the same warnings in the
same order, the same errors as one process gives.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SAMPLE, copy_lecture, set_scheme
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from slides import workers
from slides.build import build_lecture, prepare_build
from slides.errors import BuildError
from slides.parity import check_outputs
from slides.parity_pptx import read_pptx
from slides.render import Options
from slides.render.pptx import HYPERLINK, render


def lecture_in_two_halves(tmp_path: Path) -> Path:
    """The sample lecture (links, notes, a native diagram, a table, code) with the same photo
    and a diagram in its first topic as well, a link in its last, and a JPEG of its own on a
    slide of the second half."""
    folder = copy_lecture(SAMPLE, tmp_path)
    Image.new("RGB", (320, 200), "#2A9D8F").save(folder / "images" / "teal.jpg")
    path = folder / "lecture.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    first, last = data["topics"][0]["slides"], data["topics"][-1]["slides"]
    first.insert(1, {"title": "The photo early", "image": {"src": "images/photo.png", "alt": "A"}})
    first.append({"title": "A cycle", "diagram": {"kind": "flow", "steps": ["One", "Two"]}})
    last.append({"title": "A teal picture", "image": {"src": "images/teal.jpg", "alt": "Teal"}})
    last.append({"title": "Read more", "bullets": ["See [the docs](https://example.com/docs)"]})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return folder


def theme_with_a_logo_on_every_slide(folder: Path) -> Path:
    shutil.copytree(ROOT / "templates" / "themes" / "default", folder)
    Image.new("RGB", (300, 120), "#0B3C5D").save(folder / "crest.png")
    theme = folder / "theme.yaml"
    text = theme.read_text("utf-8").replace("logo: null", "logo: crest.png")
    theme.write_text(text.replace("logo_on: title", "logo_on: every"), "utf-8")
    return folder


def template_missing_layouts(path: Path) -> Path:
    """python-pptx's default template (4:3) without its two-content and section layouts."""
    prs = Presentation()
    for name in ("Two Content", "Comparison", "Section Header"):
        prs.slide_layouts.remove(prs.slide_layouts.get_by_name(name))
    set_scheme(prs, {"accent1": "4472C4"})  # Office 2007's accent1 fails the links' contrast
    prs.save(str(path))
    return path


@pytest.fixture
def noted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each helper notes its process id in the file returned (forked helpers inherit the
    patch)."""
    noted = tmp_path / "helpers.txt"

    def noting(step):
        def noted_step(task, argument):
            with noted.open("a") as file:
                file.write(f"{os.getpid()}\n")
            return step(task, argument)

        return noted_step

    monkeypatch.setattr(workers, "_second_half", noting(workers._second_half))
    monkeypatch.setattr(workers, "_whole", noting(workers._whole))
    monkeypatch.setattr(workers, "_idle_core", lambda: True)  # however busy the machine
    return noted


@pytest.fixture
def helpers(noted: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every step split where a core is spare, however short; the helpers noted."""
    monkeypatch.setattr(workers, "HALVES_FROM", 0.0)
    return noted


@pytest.mark.parametrize("look", ["logo", "template"])
def test_the_halves_make_the_same_bytes_and_warnings(look: str, tmp_path: Path, helpers) -> None:
    folder = lecture_in_two_halves(tmp_path)
    if look == "logo":
        options = Options(theme=theme_with_a_logo_on_every_slide(tmp_path / "crest"))
    else:
        options = Options(pptx_template=template_missing_layouts(tmp_path / "brand.pptx"))
    made = {}
    for spare in (False, True):
        build, _ = prepare_build(folder, tmp_path / f"spare-{spare}", options)
        build.spare_core = spare
        path = render(build)
        facts = read_pptx(path, build.theme.logo, spare)
        made[spare] = (path.read_bytes(), [p.message for p in build.problems], facts)
        assert build.read_back["pptx"] == facts  # read from the files the zip stores
        assert check_outputs(build.deck, {"pptx": path}, build.theme, spare) == []
    assert made[True] == made[False]
    # One made slides, one read the files back as they were zipped, two read the file back.
    assert len(set(helpers.read_text().split())) == 4
    _, warnings, facts = made[True]
    # What the deck holds in each half: notes, native diagrams, links, the shared photo.
    prs = Presentation(str(tmp_path / "spare-True" / folder.name / f"{folder.name}.pptx"))
    slides = list(prs.slides)
    halves = (range(len(slides) // 2), range(len(slides) // 2, len(slides)))
    for half in halves:
        assert any(facts[n].notes for n in half) and any(facts[n].drawn for n in half)
        assert any(HYPERLINK in slides[n].part.rels.xml.decode() for n in half)
    photos = {
        n: shape._element.blip_rId
        for n, slide in enumerate(slides)
        for shape in slide.shapes
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE and shape.name.startswith("Picture")
    }
    parts = {n: slides[n].part.related_part(rid).partname for n, rid in photos.items()}
    early, late = (min(parts), max(parts))
    assert early in halves[0] and late in halves[1]
    shared = [n for n in parts if parts[n] == parts[early]]
    assert len(shared) >= 2 and shared[-1] in halves[1]  # one photo stored once, both halves
    if look == "logo":
        assert warnings == [] and {f.logos for f in facts} == {1}
    else:  # the size first, then each layout's where its first slide needs it
        assert [w.split(" has ")[1].split(";")[0][:15] for w in warnings] == [
            "10.00 × 7.50 in",
            "no section head",
            "no two-content ",
        ]


def test_an_error_in_the_second_half_names_its_slide_as_one_process_does(
    tmp_path: Path, helpers
) -> None:
    folder = lecture_in_two_halves(tmp_path)
    errors = {}
    for spare in (False, True):
        build, _ = prepare_build(folder, tmp_path / f"spare-{spare}", Options())
        build.spare_core = spare
        teal = next(p for p in build.placed if p.frame.title == "A teal picture")
        for picture in teal.elements:
            if getattr(picture, "path", None) and picture.path.suffix == ".jpg":
                picture.path.unlink()  # its prepared file gone: the slide cannot be written
        with pytest.raises(BuildError) as raised:
            render(build)
        errors[spare] = str(raised.value).replace(f"spare-{spare}", "out")
    assert errors[True] == errors[False]
    assert errors[True].startswith(f"PPTX: slide {teal.frame.number} (")
    assert "No such file" in errors[True]
    assert helpers.read_text()  # the slide was the helper's


def test_halves_run_the_second_half_elsewhere_only_when_it_pays(monkeypatch) -> None:
    def where(half: int, of: int) -> list[tuple[int, int, int]]:
        return [(half, of, os.getpid())]

    here = os.getpid()
    monkeypatch.setattr(workers, "_idle_core", lambda: True)
    assert workers.halves(where, spare=False, cost=1.0) == [(0, 1, here)]
    assert workers.halves(where, spare=True, cost=workers.HALVES_FROM / 2) == [(0, 1, here)]
    (first, second) = workers.halves(where, spare=True, cost=workers.HALVES_FROM)
    assert first == (0, 2, here) and second[:2] == (1, 2) and second[2] != here
    monkeypatch.setattr(workers, "_idle_core", lambda: False)  # others' work took the core
    assert workers.halves(where, spare=True, cost=1.0) == [(0, 1, here)]


def test_a_core_is_idle_when_fewer_run_than_there_are_cores(monkeypatch, tmp_path) -> None:
    """/proc/loadavg's fourth field: running / all (this process among the running)."""
    cores = len(os.sched_getaffinity(0))
    loadavg = tmp_path / "loadavg"
    monkeypatch.setattr(workers, "LOADAVG", str(loadavg))
    for running, idle in ((cores - 1, True), (cores, False), (cores + 5, False)):
        loadavg.write_text(f"0.52 0.40 0.30 {running}/120 4242\n")
        assert workers._idle_core() is idle
    loadavg.write_text("")
    assert workers._idle_core()  # unknown: the build's own rule decides


def _fail_in(bad: tuple[int, ...]):
    def task(half: int, of: int) -> list[int]:
        if half in bad:
            raise BuildError(f"half {half} of {of}")
        return [half]

    return task


@pytest.mark.parametrize(("bad", "message"), [((0, 1), "half 0 of 2"), ((1,), "half 1 of 2")])
def test_the_first_halfs_error_wins_as_in_one_process(bad, message, monkeypatch) -> None:
    monkeypatch.setattr(workers, "_idle_core", lambda: True)
    with pytest.raises(BuildError) as raised:
        workers.halves(_fail_in(bad), spare=True, cost=1.0)
    assert str(raised.value) == message


def test_a_core_is_spare_only_beside_fewer_groups_and_not_in_a_worker(monkeypatch) -> None:
    assert workers.spare_core(1, 2) and workers.spare_core(3, 4)
    assert not workers.spare_core(1, 1) and not workers.spare_core(3, 2)
    monkeypatch.setattr(workers, "_in_worker", True)  # a course's lecture, built in a worker
    assert not workers.spare_core(1, 8)


@pytest.mark.parametrize(("jobs", "split"), [(2, True), (1, False)])
def test_a_build_splits_the_pptx_only_when_it_may_fork(
    jobs: int, split: bool, tmp_path: Path, helpers
) -> None:
    """Beside other groups no core is spare (workers.spare_core, above); a build of several
    groups is not run here: a pool forked beside pytest-xdist's threads can hang."""
    written = build_lecture(SAMPLE, ["pptx"], tmp_path, Options(), jobs=jobs)
    assert [p.name for p in written] == ["sample.pptx"]
    assert helpers.exists() == split


def test_a_short_deck_is_not_split(tmp_path: Path, noted: Path) -> None:
    """The sample's 13 slides cost less to make and read than a helper would save."""
    build_lecture(SAMPLE, ["pptx"], tmp_path, Options(), jobs=2)
    assert not noted.exists()


def test_an_interrupt_in_the_first_half_leaves_no_helper_behind(
    tmp_path: Path, monkeypatch
) -> None:
    """Ctrl-C raised here while the helper works: it finishes its half and is waited for."""
    monkeypatch.setattr(workers, "_idle_core", lambda: True)
    noted = tmp_path / "helper.txt"

    def task(half: int, of: int) -> list[int]:
        if half == 0 and of == 2:
            raise KeyboardInterrupt
        noted.write_text(str(os.getpid()))
        return [half]

    with pytest.raises(KeyboardInterrupt):
        workers.halves(task, spare=True, cost=1.0)
    helper = int(noted.read_text())
    assert helper != os.getpid() and not Path(f"/proc/{helper}").exists()
