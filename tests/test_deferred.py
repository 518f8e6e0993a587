"""Modules no build uses are not imported by one (slides.deferred), yet work when used."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SAMPLE


def run_python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_pptx_build_imports_neither_the_http_client_nor_exif_tags(tmp_path: Path) -> None:
    """python-pptx pulls in urllib.request (through xml.sax.saxutils) and with it http.client,
    ssl and email; Pillow's Image pulls in its Exif tags: 50-60 ms of CPU a build never uses
    (a lecture without photos)."""
    lecture = tmp_path / "lecture"
    lecture.mkdir()
    (lecture / "lecture.yaml").write_text(
        "title: Deferred\nauthor: A. Lecturer\ntopics:\n"
        "  - title: One\n    slides:\n      - title: A slide\n        bullets: [plain text]\n",
        "utf-8",
    )
    printed = run_python(
        "import sys\n"
        "from slides.cli import main\n"
        f"status = main(['build', {str(lecture)!r}, '--format', 'pptx', '--jobs', '1',"
        f" '--out', {str(tmp_path / 'out')!r}])\n"
        "assert status == 0, status\n"
        "assert 'pptx' in sys.modules and 'xml.sax.saxutils' in sys.modules\n"
        "print(sorted(m for m in ('http.client', 'ssl', 'email.message') if m in sys.modules))\n"
        "print(type(sys.modules['urllib.request']).__name__)\n"
        "print(type(sys.modules['PIL.ExifTags']).__name__)\n"
    )
    assert printed.split()[-3:] == ["[]", "_OnFirstUse", "_OnFirstUse"]
    assert (tmp_path / "out" / "lecture" / "lecture.pptx").is_file()


def test_a_deferred_module_works_when_used(tmp_path: Path) -> None:
    page = tmp_path / "page.xml"
    page.write_text("<a>b</a>", "utf-8")
    printed = run_python(
        "import sys, slides, urllib.request, xml.sax.saxutils as sax\n"
        "assert type(sys.modules['urllib.request']).__name__ == '_OnFirstUse'\n"
        f"url = urllib.request.pathname2url({str(page)!r})\n"
        "real = sys.modules['urllib.request']\n"
        "from urllib.request import urlopen\n"
        "assert urlopen is real.urlopen and urllib.request is real and sax.urllib.request is real\n"
        "source = sax.prepare_input_source('file://' + url)\n"
        "print(source.getByteStream().read().decode())\n"
        "from PIL import Image, ImageOps\n"
        "import PIL.ExifTags\n"
        "print(int(PIL.ExifTags.Base.Orientation), type(sys.modules['PIL.ExifTags']).__name__)\n"
        "exif = Image.Exif()\n"
        "exif[0x0112] = 6\n"
        "image = Image.new('RGB', (4, 2))\n"
        "image.info['exif'] = exif.tobytes()\n"
        "print(ImageOps.exif_transpose(image).size)\n"
    )
    assert printed.split("\n")[:3] == ["<a>b</a>", "274 module", "(2, 4)"]


def test_a_module_imported_already_or_missing_is_as_without_it() -> None:
    printed = run_python(
        "import sys, urllib.request\n"
        "real = sys.modules['urllib.request']\n"
        "import slides.deferred\n"
        "slides.deferred.DEFERRED.add('no_such_module_here')\n"
        "try:\n"
        "    import no_such_module_here\n"
        "except ModuleNotFoundError:\n"
        "    print('missing')\n"
        "print(sys.modules['urllib.request'] is real and urllib.request is real)\n"
    )
    assert printed.split() == ["missing", "True"]


def test_planning_loads_pillow_and_lxml_only_for_what_needs_them(tmp_path: Path) -> None:
    """The parent's path to the hand-over (load, plan, lay out, place: prepare_build) of a
    lecture with native diagrams but no photo or PowerPoint template needs neither Pillow's
    image modules nor lxml: 20-25 ms before the writer can start. A photo still loads Pillow."""
    lecture = tmp_path / "lecture"
    (lecture / "images").mkdir(parents=True)
    (lecture / "lecture.yaml").write_text(
        "title: Imports\ntopics:\n  - title: One\n    slides:\n"
        "      - title: A hub\n        diagram: {kind: hub, centre: LLM, spokes: [Chat, Code]}\n"
        "      - title: A flow\n        diagram: {kind: flow, steps: [One, Two, Three]}\n",
        "utf-8",
    )
    heavy = ("PIL.Image", "PIL.ImageFont", "PIL.ImageDraw", "lxml.etree")

    def loaded() -> list[str]:
        printed = run_python(
            "import sys\n"
            "from pathlib import Path\n"
            "from slides.build import prepare_build\n"
            "from slides.render import Options\n"
            f"build, _ = prepare_build(Path({str(lecture)!r}), Path({str(tmp_path / 'out')!r}),"
            " Options())\n"
            "assert build.placed\n"
            f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
        )
        return ast.literal_eval(printed)

    assert loaded() == []
    shutil.copyfile(SAMPLE / "images" / "photo.png", lecture / "images" / "photo.png")
    text = (lecture / "lecture.yaml").read_text("utf-8")
    photo = "      - title: A photo\n        image: {src: images/photo.png, alt: A photo}\n"
    (lecture / "lecture.yaml").write_text(text + photo, "utf-8")
    assert "PIL.Image" in loaded()
