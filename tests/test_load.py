"""The loader and validator against a corpus of broken lecture files.

Each file under fixtures/broken/ starts with one or more `# expect: LINE:COL: PATH: MESSAGE`
lines: each is a whole line the user must see, exactly (`{folder}` stands for the lecture
folder). An `# args: --strict` line adds options. The test runs the command line's `main` on it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import SAMPLE, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slides.cli import main
from slides.errors import ContentError
from slides.load import load_lecture

BROKEN = Path(__file__).parent / "fixtures" / "broken"
CASES = sorted(BROKEN.glob("*.yaml"))


def header(case: Path) -> tuple[list[str], list[str]]:
    """The case's expected lines and extra options, from its leading comment lines."""
    expected, options = [], []
    for line in case.read_bytes().decode("utf-8", "replace").splitlines():
        if line.startswith("# expect: "):
            expected.append(line.removeprefix("# expect: "))
        elif line.startswith("# args: "):
            options += line.removeprefix("# args: ").split()
        else:
            break
    return expected, options


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_broken_file_is_reported_at_its_line(case: Path, tmp_path: Path, capsys) -> None:
    folder = tmp_path / case.stem
    folder.mkdir()
    shutil.copy(case, folder / "lecture.yaml")
    expected, options = header(case)
    assert expected, f"{case.name} states no expected line"
    status = main(["check", *options, str(folder)])
    shown = capsys.readouterr().err.splitlines()
    assert status == 2, shown
    for want in expected:
        want = want.replace("{folder}", str(folder))
        if want[0].isdigit():
            want = f"{folder / 'lecture.yaml'}:{want}"
        assert want in shown, "\n".join(shown)


def test_all_problems_are_reported_in_one_run(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    (folder / "lecture.yaml").write_text(
        "title: T\ntopics:\n  - title: A\n    slides:\n"
        "      - titel: S\n        bullets: [x]\n"
        "      - title: S2\n        bullets: 3\n"
        "      - title: S3\n        quote: {text: q, by: me}\n",
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as caught:
        load_lecture(folder)
    lines = [str(p) for p in caught.value.problems]
    assert any(":5:9: topics[0].slides[0].titel: unknown key 'titel'" in line for line in lines)
    assert any(":8:18: topics[0].slides[1].bullets: expected a list" in line for line in lines)
    assert any(":10:26: topics[0].slides[2].quote.by: unknown key 'by'" in line for line in lines)
    assert len(lines) == 3


def test_problems_are_shown_top_to_bottom(tmp_path: Path) -> None:
    """The model reports a slide's mistake before the lecture's own; the user reads the file
    from the top, so the message lists them by line."""
    folder = tmp_path / "order"
    folder.mkdir()
    (folder / "lecture.yaml").write_text(
        "titel: T\ntopics:\n  - title: A\n    slides:\n      - title: S\n        bulets: [x]\n",
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as caught:
        load_lecture(folder)
    shown = [line for line in caught.value.show().splitlines() if "unknown key" in line]
    assert [int(line.split(":")[1]) for line in shown] == [1, 6]


def test_symlink_out_of_the_lecture_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "lecture"
    (folder / "images").mkdir(parents=True)
    outside = tmp_path / "secret.png"
    shutil.copy(SAMPLE / "images" / "photo.png", outside)
    (folder / "images" / "link.png").symlink_to(outside)
    (folder / "lecture.yaml").write_text(
        "title: T\ntopics:\n  - title: A\n    slides:\n"
        "      - title: S\n        image: {src: images/link.png, alt: x}\n",
        encoding="utf-8",
    )
    result = run_cli("check", folder)
    assert result.returncode == 2
    assert "image.src: 'images/link.png' points outside the lecture folder" in result.stderr


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    folder = tmp_path / "bom"
    folder.mkdir()
    text = "title: T\ntopics:\n  - title: A\n    slides:\n      - title: S\n        bullets: [x]\n"
    (folder / "lecture.yaml").write_bytes(b"\xef\xbb\xbf" + text.encode())
    lecture, warnings = load_lecture(folder)
    assert lecture.title == "T"
    assert [w.message for w in warnings] == ["slide has no speaker notes"]


def test_dates_and_numbers_stay_as_written(tmp_path: Path) -> None:
    folder = tmp_path / "dates"
    folder.mkdir()
    (folder / "lecture.yaml").write_text(
        "title: 2025\ndate: 2025-03-07\ntopics:\n  - title: A\n    slides:\n"
        "      - title: S\n        table: {header: [n], rows: [[1.5]]}\n        notes: n\n",
        encoding="utf-8",
    )
    lecture, _ = load_lecture(folder)
    assert (lecture.title, lecture.date) == ("2025", "2025-03-07")
    assert lecture.topics[0].slides[0].table.rows == [["1.5"]]


def test_warning_for_slide_without_notes_names_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "nonotes"
    folder.mkdir()
    (folder / "lecture.yaml").write_text(
        "title: T\ntopics:\n  - title: A\n    slides:\n      - title: S\n        bullets: [x]\n",
        encoding="utf-8",
    )
    result = run_cli("check", folder)
    assert result.returncode == 0
    assert "lecture.yaml:5:9: topics[0].slides[0]: warning: slide has no speaker notes" in (
        result.stderr
    )
    strict = run_cli("check", "--strict", folder)
    assert strict.returncode == 2


def test_diagrams_may_live_in_their_own_files(tmp_path: Path) -> None:
    folder = tmp_path / "lecture"
    (folder / "diagrams").mkdir(parents=True)
    (folder / "diagrams" / "flow.yaml").write_text("kind: flow\nsteps: [A, B]\n", "utf-8")
    (folder / "diagrams" / "bad.yaml").write_text("kind: flow\nstep: [A]\n", "utf-8")
    slides = "".join(
        f"      - title: S{i}\n        diagram: {name}\n        notes: n\n"
        for i, name in enumerate(["diagrams/flow.yaml", "diagrams/bad.yaml", "../x.yaml"])
    )
    (folder / "lecture.yaml").write_text(
        f"title: T\ntopics:\n  - title: A\n    slides:\n{slides}", "utf-8"
    )
    with pytest.raises(ContentError) as caught:
        load_lecture(folder)
    lines = [str(p) for p in caught.value.problems]
    assert lines == [
        f"{folder / 'lecture.yaml'}:12:18: topics[0].slides[2].diagram: "
        "'../x.yaml' leaves the lecture folder ('..' is not allowed)",
        f"{folder / 'diagrams' / 'bad.yaml'}:2:1: topics[0].slides[1].diagram.step: "
        "unknown key 'step' (did you mean 'steps'?)",
    ]
    (folder / "lecture.yaml").write_text(
        f"title: T\ntopics:\n  - title: A\n    slides:\n{slides.split('      - title: S1')[0]}",
        "utf-8",
    )
    lecture, _ = load_lecture(folder)
    assert lecture.topics[0].slides[0].diagram.steps == ["A", "B"]


def test_a_successful_build_never_imports_pydantic(tmp_path: Path) -> None:
    """The content model is msgspec's: loading, validating and building need no pydantic."""
    run = (
        "import sys; from slides.cli import main; status = main(sys.argv[1:]); "
        "print(' '.join(sorted({name.split('.')[0] for name in sys.modules}))); sys.exit(status)"
    )
    args = ["build", SAMPLE, "--format", "pptx,qmd", "--out", tmp_path, "--jobs", "1", "-q"]
    result = subprocess.run(
        [sys.executable, "-c", run, *map(str, args)],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    modules = set(result.stdout.split())
    assert {"slides", "pptx"} <= modules  # it did load and build
    assert not {name for name in modules if name.startswith("pydantic")}


def _places(node: object, loc: tuple = ()) -> Iterator[tuple]:
    yield loc
    if isinstance(node, dict | list):
        for key, value in node.items() if isinstance(node, dict) else enumerate(node):
            yield from _places(value, loc + (key,))


ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 30),
    st.sampled_from(["", "x", "maybe", "venn", "#12", "1-x"]),
    st.lists(st.sampled_from(["a", "", "b"]), max_size=3),
    st.sampled_from([{}, {"x": 1}, {"text": "t"}, {"kind": "hub"}, [[1]]]),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_mistake_is_located_and_said_in_our_words(data, tmp_path_factory) -> None:
    """A value replaced, a key added or removed anywhere: the lecture loads, or every error is
    at a line of the file, in the messages' own words (never msgspec's, which name types)."""
    lecture = yaml.safe_load((SAMPLE / "lecture.yaml").read_text("utf-8"))
    where = data.draw(st.sampled_from(list(_places(lecture))[1:]))
    *parents, last = where
    holder = lecture
    for part in parents:
        holder = holder[part]
    action = data.draw(st.sampled_from(["replace", "add", "remove"]))
    if action == "replace":
        holder[last] = data.draw(ODD_VALUES)
    elif action == "add" and isinstance(holder[last], dict):
        holder[last][data.draw(st.sampled_from(["titel", "kind", "items", "x"]))] = "x"
    elif isinstance(holder, dict):
        del holder[last]
    folder = tmp_path_factory.mktemp("mistake")
    shutil.copytree(SAMPLE / "images", folder / "images")
    (folder / "lecture.yaml").write_text(yaml.safe_dump(lecture, sort_keys=False), "utf-8")
    try:
        load_lecture(folder)
    except ContentError as error:
        errors = [p for p in error.problems if p.severity == "error"]
        assert errors
        for problem in errors:
            assert problem.line >= 1, str(problem)
            assert not re.match(
                r"(?i)(expected `|object (missing|contains)|invalid)", problem.message
            )
