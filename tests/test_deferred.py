"""Standard modules no build uses are not imported by one (slides.deferred), yet still work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SAMPLE


def run_python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_pptx_build_does_not_import_the_http_client(tmp_path: Path) -> None:
    """python-pptx pulls in urllib.request (through xml.sax.saxutils) and with it http.client,
    ssl and email: 45-50 ms of CPU that a build never uses."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", str(ROOT / "build.py"), "build", str(SAMPLE)]
        + ["--format", "pptx", "--out", str(tmp_path), "--jobs", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "sample" / "sample.pptx").is_file()
    modules = {
        line.split("|")[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "pptx" in modules and "xml.sax.saxutils" in modules
    assert not modules & {"urllib.request", "http.client", "ssl", "email.message"}


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
    )
    assert printed.strip() == "<a>b</a>"


def test_a_module_imported_already_is_left_as_it_is() -> None:
    printed = run_python(
        "import sys, urllib.request\n"
        "real = sys.modules['urllib.request']\n"
        "import slides\n"
        "from slides import deferred\n"
        "deferred.defer('urllib.request')\n"
        "print(sys.modules['urllib.request'] is real and urllib.request is real)\n"
    )
    assert printed.strip() == "True"
