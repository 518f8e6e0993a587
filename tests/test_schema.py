"""The JSON Schema for editors: current with the model; accepts and rejects what it should."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml
from conftest import GENAI, ROOT, SAMPLE, run_cli
from jsonschema import Draft202012Validator

SCHEMA_FILE = ROOT / "docs" / "lecture.schema.json"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def lecture_data(folder) -> dict[str, Any]:
    return yaml.safe_load((folder / "lecture.yaml").read_text("utf-8"))


def errors(validator: Draft202012Validator, data: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


def test_schema_file_is_what_build_py_schema_prints() -> None:
    result = run_cli("schema")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(SCHEMA_FILE.read_text("utf-8")), (
        "docs/lecture.schema.json is stale: python build.py schema > docs/lecture.schema.json"
    )


@pytest.mark.parametrize("folder", [GENAI, SAMPLE], ids=["genai", "sample"])
def test_schema_accepts_the_lectures(validator: Draft202012Validator, folder) -> None:
    assert errors(validator, lecture_data(folder)) == []


@pytest.mark.parametrize(
    ("where", "key"),
    [((), "titel"), (("topics", 0, "slides", 0), "bulets"), (("topics", 0), "notes")],
    ids=["lecture", "slide", "topic"],
)
def test_schema_rejects_an_unknown_key(
    validator: Draft202012Validator, where: tuple, key: str
) -> None:
    data = copy.deepcopy(lecture_data(SAMPLE))
    node = data
    for part in where:
        node = node[part]
    node[key] = "x"
    found = errors(validator, data)
    assert found, f"an unknown key {key!r} at {where} was accepted"
    assert any(key in message for message in found), found


def test_schema_rejects_an_unknown_diagram_kind(validator: Draft202012Validator) -> None:
    data = copy.deepcopy(lecture_data(SAMPLE))
    diagram = data["topics"][1]["slides"][1]["diagram"]
    assert diagram["kind"] == "flow"
    diagram["kind"] = "pie"
    assert errors(validator, data)


THEME_SCHEMA_FILE = ROOT / "docs" / "theme.schema.json"
BUILT_IN_THEMES = sorted((ROOT / "templates" / "themes").glob("*/theme.yaml"))


@pytest.fixture(scope="module")
def theme_validator() -> Draft202012Validator:
    schema = json.loads(THEME_SCHEMA_FILE.read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_theme_schema_file_is_what_build_py_schema_theme_prints() -> None:
    result = run_cli("schema", "theme")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(THEME_SCHEMA_FILE.read_text("utf-8")), (
        "docs/theme.schema.json is stale: python build.py schema theme > docs/theme.schema.json"
    )


@pytest.mark.parametrize("path", BUILT_IN_THEMES, ids=lambda p: p.parent.name)
def test_theme_schema_accepts_the_built_in_themes(theme_validator, path) -> None:
    assert len(BUILT_IN_THEMES) >= 2
    first = path.read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../../docs/theme.schema.json"
    assert errors(theme_validator, yaml.safe_load(path.read_text("utf-8"))) == []


@pytest.mark.parametrize(
    ("where", "key", "value"),
    [((), "logo_on", "sometimes"), (("colors",), "accent", "blue"), (("fonts",), "serif", {})],
    ids=["logo_on", "colour", "unknown-key"],
)
def test_theme_schema_rejects_a_mistake(theme_validator, where, key, value) -> None:
    data = yaml.safe_load(BUILT_IN_THEMES[0].read_text("utf-8"))
    node = data
    for part in where:
        node = node[part]
    node[key] = value
    found = errors(theme_validator, data)
    assert found and any(key in message or repr(value) in message for message in found), found
