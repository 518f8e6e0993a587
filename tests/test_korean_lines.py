"""Korean lines break between words in every output, where slides.place measured them.

Korean writes spaces between words, and a line breaks at them: slides.place measures it so, and
PowerPoint and LibreOffice break it so. Chromium and Typst broke a title between any two
syllables ("대규 / 모", "언 / 어"), each at a different place. Read in LibreOffice's PDF of the
PPTX, the slides PDF (the HTML deck) and the handout.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import libreoffice_convert, require
from test_fonts import words_by_page
from test_languages import build

TITLE = "생성형 AI 입문: 교육과 산업에서의 대규모 언어 모델 활용과 앞으로의 과제"
LECTURE = f"""title: "{TITLE}"
language: ko
topics:
  - title: 기초
    slides:
      - title: 생성형 AI란 무엇인가?
        bullets:
          - 텍스트와 이미지 같은 새로운 콘텐츠를 만든다
        notes: 이 슬라이드의 발표자 노트.
"""


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    require("chromium")
    where = tmp_path_factory.mktemp("korean")
    out = build(where, "korean", LECTURE, "pptx,pdf,handout")
    return {
        "pptx": libreoffice_convert(out / "korean.pptx", where, "pdf"),
        "slides PDF": out / "korean-slides.pdf",
        "handout": out / "korean-handout.pdf",
    }


def test_a_long_korean_title_breaks_between_words_in_every_output(pdfs) -> None:
    words = {re.sub(r"\W", "", word) for word in TITLE.split()}
    for output, pdf in pdfs.items():
        cover = words_by_page(pdf)[0]
        lines = {round(w[4]) for w in cover if w[0] in ("생성형", "과제")}
        assert len(lines) == 2, (output, cover)  # the title takes two lines
        found = {re.sub(r"\W", "", w[0]) for w in cover}
        assert words <= found, (output, sorted(words - found))
