"""The system prompt's worked examples: what they cover, and that they are right."""

from __future__ import annotations

import json
from typing import Any

import pytest

from datagen.agent.claims import extract_claims
from datagen.agent.loop import DraftChecker, LoopSettings
from datagen.prompts import Example, load_prompts


def _generators(schema: dict[str, Any]) -> set[str]:
    return {next(iter(c["generator"])) for n in schema["nodes"] for c in n["columns"]}


def test_the_examples_cover_aggregates_events_and_a_link_table() -> None:
    examples = load_prompts().examples
    kinds = set().union(*(_generators(e.schema) for e in examples))
    assert {"aggregate", "event"} <= kinds
    links = [n for e in examples for n in e.schema["nodes"] if n.get("pk_columns")]
    assert links, "no worked example has a link table (a composite key)"
    system = load_prompts().system()
    assert '"pk_columns": [' in system and '"aggregate": {' in system and '"event": {' in system


@pytest.mark.parametrize("example", load_prompts().examples, ids=lambda e: e.name)
def test_each_example_passes_every_check_honours_its_claims_and_warns_of_nothing(
    example: Example,
) -> None:
    """What the model copies must be what the loop accepts at once: canonical spelling,
    no semantic warning, every claim of its description honoured in the dry run."""
    checker = DraftChecker(LoopSettings(min_fidelity=1.0))
    checker.claims = extract_claims(example.description)
    check = checker.check(json.loads(json.dumps(example.schema)))
    assert check.ok, [p.render() for p in check.problems]
    assert check.warnings == [] and check.notes == [], check.notes
    assert check.score == 100.0


def test_the_schema_tool_stays_strict_compatible_as_the_dsl_grows() -> None:
    """Every object closed, every map (free keys, or keys of a pattern such as lookup's
    `match`) a list of pairs: else strict mode is silently lost for the whole schema."""
    from datagen.agent.providers.strict import from_strict, strict_schema
    from datagen.agent.providers.tooluse import dsl_input_schema

    strict = strict_schema(dsl_input_schema())
    assert strict is not None
    text = json.dumps(strict)
    assert '"patternProperties"' not in text and '"propertyNames"' not in text
    lookup = {"from": "partsupp.ps_suppkey", "match": [{"key": "ps_partkey", "value": "l_partkey"}]}
    assert from_strict(lookup) == {
        "from": "partsupp.ps_suppkey",
        "match": {"ps_partkey": "l_partkey"},
    }
