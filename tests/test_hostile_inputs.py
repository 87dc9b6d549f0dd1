"""Every malformed schema file is a message naming the place, and exit 2: never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from datagen.engine.errors import Problem, SchemaError, render_problems
from datagen.engine.load import MAX_DEPTH, load_dataset
from tests.hostile_helpers import HOSTILE, TINY, run


@pytest.mark.parametrize("name", ["utf16_bom.json", "utf8_bom.json"])
def test_a_schema_with_a_bom_is_decoded(name: str) -> None:
    assert load_dataset(HOSTILE / name).metadata.name == "tiny"


def test_a_schema_that_is_not_utf8_names_the_line_and_byte() -> None:
    result = run("describe", HOSTILE / "latin1.json", expect=2)
    assert "latin1.json:3:" in result.output and "0xe9" in result.output
    assert "UTF-8" in result.output


def test_utf16_without_a_bom_is_a_message(tmp_path: Path) -> None:
    schema = tmp_path / "s.json"
    schema.write_bytes(TINY.read_text().encode("utf-16-le"))
    assert "UTF-16 without a BOM" in run("describe", schema, expect=2).output


def test_100000_levels_of_json_are_refused(tmp_path: Path) -> None:
    schema = tmp_path / "deep.json"
    schema.write_text("[" * 100_000 + "]" * 100_000)
    assert "nested too deeply" in run("describe", schema, expect=2).output


def test_moderate_nesting_past_the_limit_names_the_path(tmp_path: Path) -> None:
    data = json.loads(TINY.read_text())
    data["metadata"]["description"] = json.loads("[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5))
    schema = tmp_path / "nested.json"
    schema.write_text(json.dumps(data))
    output = run("describe", schema, expect=2).output
    assert "metadata.description[0]" in output and "nested too deeply" in output


def test_a_4300_digit_integer_is_a_message(tmp_path: Path) -> None:
    schema = tmp_path / "big.json"
    schema.write_text(TINY.read_text().replace('"rows": 40', '"rows": ' + "9" * 4400))
    assert "more than 4,300 digits" in run("describe", schema, expect=2).output


def test_an_integer_beyond_int64_names_its_path(tmp_path: Path) -> None:
    schema = tmp_path / "big.json"
    schema.write_text(TINY.read_text().replace('"rows": 40', '"rows": ' + "9" * 30))
    output = run("describe", schema, expect=2).output
    assert "nodes[0].rows" in output and "out of range" in output


def test_infinity_as_a_bound_is_refused_with_its_path_and_line() -> None:
    output = run("describe", HOSTILE / "infinity_bound.json", expect=2).output
    assert "params.high (line 18:88)" in output and "not a finite number" in output


def test_yaml_alias_bomb_is_refused_quickly() -> None:
    assert "too big for a schema" in run("describe", HOSTILE / "alias_bomb.yaml", expect=2).output


def test_yaml_syntax_error_has_line_and_column() -> None:
    output = run("describe", HOSTILE / "yaml_syntax.yaml", expect=2).output
    assert "invalid YAML" in output and "line 4, column 1" in output


def test_yaml_errors_carry_line_column_and_repeats_are_grouped() -> None:
    output = run("describe", HOSTILE / "nan_and_repeated.yaml", expect=2).output
    assert "nodes[0].columns[1].type (line 10:25)" in output
    assert "(and 2 more like it: nodes[0].columns[2].type (line 11:25)" in output
    assert output.count("is not allowed") == 1
    assert "params.mean (line 13:" in output and "not a finite number" in output


def test_json_model_errors_carry_line_and_column(tmp_path: Path) -> None:
    schema = tmp_path / "s.json"
    schema.write_text(TINY.read_text().replace('"type": "float"', '"type": "flaot"'))
    with pytest.raises(SchemaError) as caught:
        load_dataset(schema)
    (problem,) = caught.value.problems
    assert problem.path == "nodes[1].columns[2].type"
    assert problem.line == "17:35"


def test_107_repeats_print_once_with_a_count() -> None:
    problems = [Problem(f"nodes[0].columns[{i}].type", "bad type") for i in range(107)]
    (line,) = render_problems(problems)
    assert "and 106 more like it" in line and line.endswith(", ...)")


def test_a_missing_and_a_directory_schema_are_messages(tmp_path: Path) -> None:
    assert "not found" in run("describe", tmp_path / "nope.json", expect=2).output
    assert "is a directory" in run("describe", tmp_path, expect=2).output
