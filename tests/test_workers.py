"""A build pickled (for a worker in another process) renders as the build itself does."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE

from slides.assets import pictures_of
from slides.build import prepare_build
from slides.render import Options, renderer

GENAI = ROOT / "content" / "genai-intro"


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
