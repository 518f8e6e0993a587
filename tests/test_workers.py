"""The PPTX writer started early (slides.workers.Early): it gets ready while the lecture is
planned, is given the placed build pickled, and must give what the same build gives in one
process; a build that stops before handing it over leaves no process behind.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE, copy_lecture, run_cli

from slides import workers
from slides.assets import pictures_of
from slides.build import build_lecture, prepare_build
from slides.render import Options, renderer

GENAI = ROOT / "content" / "genai-intro"

_got_ready_in: int | None = None  # set by _get_ready in the process it runs in


def _get_ready() -> None:
    global _got_ready_in
    _got_ready_in = os.getpid()


def _where(argument: str) -> tuple[str, int, int | None]:
    return argument.upper(), os.getpid(), _got_ready_in


def _fail(argument: str) -> None:
    raise ValueError(f"no good: {argument}")


@pytest.mark.parametrize("lecture", [SAMPLE, GENAI], ids=["sample", "genai-intro"])
def test_a_pickled_build_renders_the_same_bytes(lecture: Path, tmp_path: Path) -> None:
    """Its pictures, rooms and diagram layouts are found again by the loaded nodes (they were
    keyed by id()), and what the loader noted on the nodes (files, folder) comes along."""
    build, _ = prepare_build(lecture, tmp_path / "here", Options())
    copy = pickle.loads(pickle.dumps(build, pickle.HIGHEST_PROTOCOL))
    copy.out_dir = tmp_path / "there" / copy.out_dir.name
    nodes, copied = pictures_of(build.lecture), pictures_of(copy.lecture)
    assert nodes and len(nodes) == len(copied)
    for node, twin in zip(nodes, copied, strict=True):
        assert copy.assets.picture(twin) == build.assets.picture(node)
    for fmt in ("pptx", "qmd"):
        here, there = renderer(fmt)(build), renderer(fmt)(copy)
        assert here != there and here.read_bytes() == there.read_bytes(), fmt


def test_an_early_worker_gets_ready_then_does_its_task_elsewhere() -> None:
    with workers.start(_get_ready, _where) as early:
        assert early is not None
        results = list(workers.run([early.give("pptx"), lambda: "here"], jobs=2))
    (shouted, pid, ready_in), here = results
    assert (shouted, here) == ("PPTX", "here")
    assert pid != os.getpid() and ready_in == pid  # got ready in the process that worked


def test_an_early_workers_exception_is_raised_here_with_its_traceback() -> None:
    with workers.start(_get_ready, _fail) as early, pytest.raises(ValueError) as raised:
        early.give("input")()
    assert str(raised.value) == "no good: input"
    assert "_fail" in str(raised.value.__cause__)  # where it was raised, in the worker


def test_an_early_worker_never_given_its_input_is_gone_after_its_block() -> None:
    with workers.start(_get_ready, _where) as early:
        pid = early._process.pid
        assert _alive(pid)
    assert not _alive(pid)


def test_no_early_worker_inside_a_worker() -> None:
    """One level of workers: a course's lectures, built in workers, start no writer of their own."""
    inside = list(workers.run([lambda: workers.start(_get_ready, _where)] * 2, jobs=2))
    assert inside == [None, None]


def test_one_job_starts_no_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--jobs 1 and the preview server (which runs threads, so builds with jobs=1) fork nothing."""

    def refuse(*args: object) -> None:
        raise AssertionError("a writer was started")

    monkeypatch.setattr(workers, "start", refuse)
    written = build_lecture(SAMPLE, ["pptx"], tmp_path, Options(), jobs=1)
    assert [p.name for p in written] == ["sample.pptx"]


@pytest.mark.parametrize("formats", ["pptx", "pptx,qmd", "pptx,handout,qmd"])
def test_with_the_writer_or_without_the_same_bytes_and_messages(
    formats: str, tmp_path: Path
) -> None:
    """The writer beside no other group, beside one run here, beside a pool of workers."""
    runs = {}
    for jobs in ("1", "2"):
        root = tmp_path / f"jobs-{jobs}"
        root.mkdir()
        runs[jobs] = run_cli("build", SAMPLE, "--format", formats, "-v", "--jobs", jobs, cwd=root)
        assert runs[jobs].returncode == 0, runs[jobs].stderr
    assert runs["1"].stdout == runs["2"].stdout and runs["1"].stderr == runs["2"].stderr
    for name in ("sample.pptx", "sample.qmd"):
        if name.split(".")[1] in formats:
            one = (tmp_path / "jobs-1" / "out" / "sample" / name).read_bytes()
            assert one == (tmp_path / "jobs-2" / "out" / "sample" / name).read_bytes()


@pytest.mark.parametrize("mistake", ["yaml", "picture"])
def test_a_content_error_while_the_writer_runs_is_reported_as_before(
    mistake: str, tmp_path: Path
) -> None:
    """Found while loading (broken YAML) or preparing the pictures (a broken image): the same
    located message and exit code as without a writer, no traceback, no process left behind."""
    lecture = copy_lecture(SAMPLE, tmp_path / "lectures")
    if mistake == "yaml":
        yaml_file = lecture / "lecture.yaml"
        text = yaml_file.read_text("utf-8")
        yaml_file.write_text(text.replace("topics:", "topics: [", 1), "utf-8")
    else:
        (lecture / "images" / "photo.png").write_bytes(b"not a picture")
    runs = {}
    for jobs in ("1", "2"):
        runs[jobs] = run_cli("build", lecture, "--format", "pptx,qmd", "--jobs", jobs, cwd=tmp_path)
        assert not _processes_naming(lecture), "a writer outlived its build"
    assert runs["1"].returncode == runs["2"].returncode == 2
    assert runs["1"].stderr == runs["2"].stderr and "Traceback" not in runs["2"].stderr
    assert "lecture.yaml:" in runs["2"].stderr
    assert not (tmp_path / "out" / lecture.name / f"{lecture.name}.pptx").exists()


def _alive(pid: int) -> bool:
    """Whether a process exists, not as a zombie (an exited child not yet waited for)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return status.rsplit(")", 1)[1].split()[0] != "Z"


def _processes_naming(folder: Path) -> list[int]:
    """Processes whose command line names the folder (a build of it, or a worker it forked)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _alive(int(entry.name)):
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if str(folder).encode() in command:
                found.append(int(entry.name))
    return found


def test_no_writer_without_a_pptx_to_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing stale (a no-op build forks nothing), or no PPTX asked for: no writer."""
    assert build_lecture(SAMPLE, ["pptx"], tmp_path, Options(), jobs=1)

    def refuse(*args: object) -> None:
        raise AssertionError("a writer was started")

    monkeypatch.setattr(workers, "start", refuse)
    assert build_lecture(SAMPLE, ["pptx"], tmp_path, Options(), jobs=2) == []
    written = build_lecture(SAMPLE, ["qmd"], tmp_path, Options(), jobs=2)
    assert [p.name for p in written] == ["sample.qmd"]


def test_a_build_pauses_the_cycle_collector_and_turns_it_back_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Off while a build runs (its workers fork from that state), on again after it, also after
    a failed one: serve and a course build in a process that goes on."""
    import gc

    from slides import build
    from slides.errors import ContentError

    states = []
    real = build.prepare_build

    def watched(*args: object, **kwargs: object):
        states.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(build, "prepare_build", watched)
    assert gc.isenabled()
    assert build_lecture(SAMPLE, ["pptx"], tmp_path / "out", Options(), jobs=1)
    assert states == [False] and gc.isenabled()
    lecture = copy_lecture(SAMPLE, tmp_path / "lectures")
    yaml_file = lecture / "lecture.yaml"
    yaml_file.write_text(yaml_file.read_text("utf-8").replace("topics:", "topics: [", 1), "utf-8")
    with pytest.raises(ContentError):
        build_lecture(lecture, ["pptx"], tmp_path / "out", Options(), jobs=1)
    assert states == [False, False] and gc.isenabled()
