"""The modifier registry: a modifier defined and registered here, in a test module, is
accepted by the models and the JSON Schema, checked by the preflight (types, its own
problems, the columns it reads) and applied by the real engine, with no other file
touched."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from datagen.engine import dsl
from datagen.engine.dslbase import Identifier, Strict
from datagen.engine.errors import Problem, SchemaError
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import Site
from datagen.engine.load import parse_dataset
from datagen.engine.modifiers.kind import (
    MODIFIERS,
    NUMERIC,
    ModifierKind,
    register_modifier,
    unregister_modifier,
)
from datagen.engine.values import Values, as_numpy
from tests.engine_helpers import entity, run, schema


class FloorArgs(Strict):
    """Never below another column of the row."""

    at_least: Identifier


class Floor(ModifierKind[FloorArgs]):
    name = "floor_by"
    args = FloorArgs
    types = NUMERIC

    def problems(self, args: FloorArgs, site: Site, path: str) -> list[Problem]:
        if args.at_least not in site.others:
            return [Problem(f"{path}.args.at_least", f"no column `{args.at_least}`")]
        return []

    def dependencies(self, args: FloorArgs, site: Site) -> set[str]:
        return {args.at_least}

    def apply(
        self,
        values: Values,
        args: FloorArgs,
        col: dsl.Column,
        ctx: BlockContext,
        rng: np.random.Generator,
    ) -> Values:
        return np.maximum(as_numpy(values, "float"), as_numpy(ctx.columns[args.at_least], "float"))


@pytest.fixture
def floor() -> Iterator[Floor]:
    modifier = Floor()
    register_modifier(modifier)
    dsl.rebuild()
    try:
        yield modifier
    finally:
        unregister_modifier("floor_by")
        dsl.rebuild()


def floor_schema(at_least: str = "low", type_: str = "float") -> dict:  # type: ignore[type-arg]
    # `value` is listed before `low` but reads it: the plan must generate `low` first
    value = {
        "name": "value",
        "type": type_,
        "generator": {"distribution": {"type": "uniform", "low": 0, "high": 10}},
        "modifiers": [{"transform": "floor_by", "args": {"at_least": at_least}}],
    }
    low = {
        "name": "low",
        "type": "float",
        "generator": {"distribution": {"type": "uniform", "low": 4, "high": 6}},
    }
    return schema(entity("t", [value, low], rows=2_000))


def test_a_registered_modifier_is_in_the_models_and_the_json_schema(floor: Floor) -> None:
    assert "floor_by" in dsl.MODIFIER_KINDS
    defs = dsl.json_schema()["$defs"]
    assert defs["FloorMod"]["properties"]["args"] == {"$ref": "#/$defs/FloorArgs"}
    dataset = parse_dataset(floor_schema())
    mod = dataset.nodes[0].columns[1].modifiers[0]
    assert mod.transform == "floor_by" and mod.args == FloorArgs(at_least="low")


def test_unknown_after_unregistering() -> None:
    assert "floor_by" not in MODIFIERS
    with pytest.raises(SchemaError) as exc:
        parse_dataset(floor_schema())
    assert "floor_by" in str(exc.value)


def test_the_preflight_asks_the_modifier(floor: Floor) -> None:
    with pytest.raises(SchemaError) as exc:
        parse_dataset(floor_schema(at_least="nope", type_="string"))
    found = {(p.path, p.message) for p in exc.value.problems}
    assert (
        "nodes[0].columns[1].modifiers[0].transform",
        "`floor_by` needs a numeric column, `value` is string",
    ) in found
    assert ("nodes[0].columns[1].modifiers[0].args.at_least", "no column `nope`") in found


def test_a_registered_modifier_is_applied_after_what_it_reads(floor: Floor) -> None:
    table = run(floor_schema())["t"]
    value = np.asarray(table.column("value").to_pylist())
    low = np.asarray(table.column("low").to_pylist())
    assert (value >= low).all()
    assert (value > low).any() and (value == low).any()
