"""Property tests: random valid lectures of every slide kind build in every format.

Each example goes through the real command line; the outputs are then read back by programs
independent of ours (python-pptx, lxml on the HTML, poppler on the handout).
"""

from __future__ import annotations

import subprocess
import tempfile
import unicodedata
from pathlib import Path

import yaml
from conftest import require, run_cli
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import html
from pptx import Presentation

from slides.deck import plan
from slides.load import load_lecture

# Text a lecturer might type, hostile characters included; no control characters.
text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn", "Zl", "Zp")),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() and s == s.strip())
words = st.lists(text, min_size=1, max_size=4)
bullet = st.one_of(text, st.fixed_dictionaries({"text": text, "items": words}))

bodies = st.one_of(
    st.fixed_dictionaries({"bullets": st.lists(bullet, min_size=1, max_size=4)}),
    st.fixed_dictionaries({"quote": st.fixed_dictionaries({"text": text, "attribution": text})}),
    st.fixed_dictionaries(
        {
            "questions": st.lists(
                st.fixed_dictionaries({"question": text, "answer": text}), min_size=1, max_size=3
            )
        }
    ),
    st.fixed_dictionaries(
        {
            "modules": st.lists(
                st.fixed_dictionaries({"title": text, "items": words}), min_size=1, max_size=3
            )
        }
    ),
    st.integers(1, 3).flatmap(
        lambda n: st.fixed_dictionaries(
            {
                "table": st.fixed_dictionaries(
                    {
                        "header": st.lists(text, min_size=n, max_size=n),
                        "rows": st.lists(
                            st.lists(text, min_size=n, max_size=n), min_size=1, max_size=3
                        ),
                    }
                )
            }
        )
    ),
    st.fixed_dictionaries({"code": st.fixed_dictionaries({"source": text})}),
    st.fixed_dictionaries(
        {"diagram": st.fixed_dictionaries({"kind": st.just("flow"), "steps": words})}
    ),
    st.fixed_dictionaries(
        {
            "columns": st.tuples(
                st.fixed_dictionaries({"bullets": words}),
                st.fixed_dictionaries(
                    {"diagram": st.fixed_dictionaries({"kind": st.just("nested"), "sets": words})}
                ),
            ).map(list)
        }
    ),
)
slide = st.tuples(text, text, bodies).map(lambda t: {"title": t[0], "notes": t[1], **t[2]})
lecture = st.fixed_dictionaries(
    {
        "title": text,
        "topics": st.lists(
            st.fixed_dictionaries(
                {"title": text, "slides": st.lists(slide, min_size=1, max_size=3)}
            ),
            min_size=1,
            max_size=2,
        ),
    }
)


def squash(value: str) -> str:
    """Text as a PDF of our fonts surely carries it: Latin, Greek and Cyrillic, no spaces.

    Glyphs of other scripts depend on the machine's fonts (a missing one leaves no text).
    """
    text = unicodedata.normalize("NFKD", value)
    return "".join(c for c in text if unicodedata.category(c)[0] in "LNPS" and ord(c) <= 0x052F)


@settings(
    max_examples=6,
    deadline=None,
    # Each example is a whole build: report a failing lecture as found, without shrinking it
    # for minutes on a busy machine.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=lecture)
def test_random_lectures_build_in_every_format(data: dict, tmp_path: Path) -> None:
    pdftotext = require("pdftotext")
    # tmp_path is shared by every example of one run: each example gets a folder of its own.
    folder = Path(tempfile.mkdtemp(prefix="random-", dir=tmp_path))
    (folder / "lecture.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    out = tmp_path / "out"
    result = run_cli("build", folder, "--format", "pptx,html,handout", "--out", out, "-q")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr

    frames = plan(load_lecture(folder)[0]).frames
    built = out / folder.name
    assert len(Presentation(built / f"{folder.name}.pptx").slides) == len(frames)
    tree = html.parse(str(built / f"{folder.name}.html"))
    leaves = [s for s in tree.iter("section") if s.find(".//section") is None]
    assert len(leaves) == len(frames)
    handout = subprocess.run(
        [pdftotext, str(built / f"{folder.name}-handout.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for frame in frames:
        if frame.kind == "content":
            # Titles may wrap in the handout; compare without whitespace.
            from slides.inline import plain

            assert squash(plain(frame.title)) in squash(handout), frame.title
