"""The command line as a user meets it: exit codes, messages, scaffolding, the schema."""

import json
from pathlib import Path

from conftest import SAMPLE, run_cli


def test_check_accepts_the_sample_lecture() -> None:
    result = run_cli("check", SAMPLE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok, 14 slides")


def test_unknown_format_is_a_usage_error() -> None:
    result = run_cli("build", SAMPLE, "--format", "pptx,docx")
    assert result.returncode == 2
    assert "unknown format 'docx'; choose from pptx, qmd, html, handout, pdf" in result.stderr


def test_missing_lecture_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("check", tmp_path / "nothing")
    assert result.returncode == 2
    assert "is not a lecture folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_new_scaffolds_a_lecture_that_checks(tmp_path: Path) -> None:
    folder = tmp_path / "my-lecture"
    result = run_cli("new", folder, "--title", 'Odd: "quotes" # and *stars*')
    assert result.returncode == 0, result.stderr
    assert run_cli("check", folder).returncode == 0
    again = run_cli("new", folder, "--title", "Again")
    assert again.returncode == 2
    assert "already exists" in again.stderr


def test_schema_is_json_schema_of_the_lecture() -> None:
    result = run_cli("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "Lecture"
    assert {"title", "topics"} <= set(schema["required"])
