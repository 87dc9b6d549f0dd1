"""Generators, one module per family; the registry is keyed by spec class."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from datagen.engine import dsl
from datagen.engine.generators import (
    aggregate,
    choice,
    distribution,
    enum_list,
    expression,
    faker,
    lookup,
    sequence,
    temporal,
)
from datagen.engine.generators.context import BlockContext
from datagen.engine.values import Values

REGISTRY: dict[type, Callable[[Any, dsl.Column, BlockContext], Values]] = {
    dsl.SequenceSpec: sequence.generate,
    dsl.ChoiceSpec: choice.generate,
    dsl.DistributionSpec: distribution.generate,
    dsl.DatetimeSeriesSpec: temporal.generate,
    dsl.FakerSpec: faker.generate,
    dsl.LookupSpec: lookup.generate,
    dsl.ExpressionSpec: expression.generate,
    dsl.EnumListSpec: enum_list.generate,
    dsl.AggregateSpec: aggregate.generate,
}


def generate_column(col: dsl.Column, ctx: BlockContext) -> Values:
    spec = dsl.generator_spec(col.generator)
    return REGISTRY[type(spec)](spec, col, ctx)


__all__ = ["REGISTRY", "BlockContext", "generate_column"]
