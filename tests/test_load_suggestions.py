"""An unknown key is answered with the fields of the object it stands in (read from the JSON
Schema along the error's path), not with any field name of the whole DSL."""

from __future__ import annotations

import pytest

from datagen.engine.errors import SchemaError
from datagen.engine.load import parse_dataset


def _problems(schema: dict) -> list[str]:
    with pytest.raises(SchemaError) as caught:
        parse_dataset(schema)
    return [p.render() for p in caught.value.problems]


def _table(column: dict) -> dict:
    return {
        "version": "1.0",
        "nodes": [
            {
                "id": "c",
                "kind": "entity",
                "rows": 10,
                "pk": "id",
                "columns": [
                    {"name": "id", "type": "int", "generator": {"sequence": {}}},
                    {"name": "seg", "type": "string", "generator": {"choice": {"choices": ["a"]}}},
                    column,
                ],
            }
        ],
    }


def test_a_key_no_field_resembles_lists_what_that_object_takes() -> None:
    column = {
        "name": "x",
        "type": "float",
        "generator": {
            "distribution": {
                "type": "normal",
                "by": "seg",
                "cases": {"a": {"type": "normal"}},
            }
        },
    }
    (problem,) = _problems(_table(column))
    assert "unknown field `type`" in problem
    assert "one of clamp, params" in problem and "typo" not in problem


def test_a_misspelt_key_is_matched_against_its_own_object() -> None:
    column = {"name": "x", "type": "int", "generator": {"sequence": {"strat": 1}}}
    (problem,) = _problems(_table(column))
    assert "did you mean `start`?" in problem
