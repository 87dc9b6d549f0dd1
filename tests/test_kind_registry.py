"""The generator-kind registry: a kind defined and registered here, in a test module,
is accepted by the models and the JSON Schema, checked by the preflight, generated,
written to Parquet, read back and scored by the validator, with no other file touched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from pydantic import Field

from datagen.engine import dsl
from datagen.engine.dslbase import Strict
from datagen.engine.errors import Problem, SchemaError
from datagen.engine.execute import generate_dataset
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import (
    KINDS,
    Kind,
    Picks,
    Site,
    register_kind,
    unregister_kind,
)
from datagen.engine.load import parse_dataset
from datagen.engine.validate import validate_dataset
from tests.engine_helpers import entity, schema


class CoinSpec(Strict):
    """A biased coin: 1 with probability `heads`, else 0."""

    heads: float = Field(0.5, ge=0, le=1)


class CoinKind(Kind[CoinSpec]):
    name = "coin"
    spec = CoinSpec
    types = frozenset({"int"})

    def problems(self, spec: CoinSpec, site: Site) -> list[Problem]:
        if spec.heads in (0.0, 1.0):
            return [Problem(f"{site.gpath}.heads", "a coin that always lands one way")]
        return []

    def generate(self, spec: CoinSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
        return (ctx.rng(col.name).random(ctx.n) < spec.heads).astype(np.int64)

    def picks(self, spec: CoinSpec) -> Picks:
        return Picks((1, 0), None, (spec.heads, 1 - spec.heads))


@pytest.fixture
def coin() -> Iterator[CoinKind]:
    kind = CoinKind()
    register_kind(kind)
    dsl.rebuild()
    try:
        yield kind
    finally:
        unregister_kind("coin")
        dsl.rebuild()


def coin_schema(heads: float, type_: str = "int", rows: int = 20_000) -> dict:  # type: ignore[type-arg]
    gen = {"coin": {"heads": heads}}
    return schema(entity("flips", [{"name": "side", "type": type_, "generator": gen}], rows=rows))


def test_a_registered_kind_is_in_the_models_and_the_json_schema(coin: CoinKind) -> None:
    assert "coin" in dsl.GENERATOR_KINDS
    defs = dsl.json_schema()["$defs"]
    assert defs["CoinGen"]["properties"]["coin"] == {"$ref": "#/$defs/CoinSpec"}
    assert "heads" in defs["CoinSpec"]["properties"]
    dataset = parse_dataset(coin_schema(0.3))
    spec = dataset.nodes[0].columns[1].generator.coin  # type: ignore[union-attr]
    assert spec == CoinSpec(heads=0.3)


def test_unknown_after_unregistering() -> None:
    assert "coin" not in KINDS
    with pytest.raises(SchemaError) as exc:
        parse_dataset(coin_schema(0.3))
    assert "coin" in str(exc.value) and "sequence" in str(exc.value)


def test_the_preflight_asks_the_kind(coin: CoinKind) -> None:
    with pytest.raises(SchemaError) as exc:
        parse_dataset(coin_schema(1.0, type_="string"))
    found = {(p.path, p.message) for p in exc.value.problems}
    assert ("nodes[0].columns[1].type", "a coin generator cannot make a `string` column") in found
    assert (
        "nodes[0].columns[1].generator.coin.heads",
        "a coin that always lands one way",
    ) in found


def test_a_registered_kind_generates_writes_and_validates(coin: CoinKind, tmp_path: Path) -> None:
    dataset = parse_dataset(coin_schema(0.3))
    out = tmp_path / "data"
    generate_dataset(dataset, out, seed=5)
    sides = pq.read_table(out / "flips.parquet").column("side").to_numpy()
    assert set(np.unique(sides)) == {0, 1}
    assert abs(sides.mean() - 0.3) < 0.02
    report = validate_dataset(dataset, out)
    weights = [c for c in report.checks if c.name == "choice_weights" and c.column == "side"]
    assert len(weights) == 1 and weights[0].passed
    assert report.score == 100

    # the validator really compares: the same data against a schema that declares 0.7
    liar = parse_dataset(coin_schema(0.7))
    report = validate_dataset(liar, out)
    weights = [c for c in report.checks if c.name == "choice_weights" and c.column == "side"]
    assert len(weights) == 1 and not weights[0].passed


def test_a_name_is_registered_once(coin: CoinKind) -> None:
    register_kind(coin)  # the same kind again: nothing changes
    with pytest.raises(ValueError, match="generator kind `coin` is already registered"):
        register_kind(CoinKind())
    assert KINDS["coin"] is coin
