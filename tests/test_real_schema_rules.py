"""Rules of real schemas (Stack Overflow, a ledger, a bank account, ...) that the DSL
got wrong when they were written as a new user would: each fix, checked on generated data
or on the problem preflight reports. The whole schemas are examples/*.json, tested in
tests/test_examples_real_*.py."""

from __future__ import annotations

from typing import Any

import pytest

from datagen.engine.errors import SchemaError
from datagen.engine.load import parse_dataset
from tests.engine_helpers import entity, schema


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(SchemaError) as info:
        parse_dataset(data)
    return [p.render() for p in info.value.problems]


def _posts(**lookup: Any) -> dict[str, Any]:
    """Stack Overflow's posts in one table: an answer's parent must be a question."""
    return schema(
        entity(
            "posts",
            [
                {"name": "post_type_id", "type": "int", "generator": {"choice": {"choices": [1, 2]}}},
                {"name": "parent_id", "type": "int", "nullable": True,
                 "generator": {"lookup": {"from": "posts.id", **lookup}}},
            ],
        )
    )  # fmt: skip


def test_a_self_reference_with_a_filter_is_refused_not_ignored() -> None:
    """It used to be generated ignoring `where` (a third of the answers pointed at answers)
    and scored 100: now preflight says so, at the filter's place."""
    parse_dataset(_posts())
    problems = _problems(_posts(where="post_type_id == 1"))
    assert len(problems) == 1
    assert "nodes[0].columns[2].generator.lookup.where" in problems[0]
    assert "a self-reference cannot be filtered" in problems[0]
    problems = _problems(_posts(weights_kind="zipf@1.1"))
    assert len(problems) == 1 and "lookup.weights_kind" in problems[0]
