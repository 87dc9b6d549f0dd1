"""Generators, one module per kind; the registry of kinds is engine/generators/kind.py.

The built-in kinds are registered here, in the order the DSL lists them
(`datagen schema`, error messages); a new built-in kind is one module and one
line below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from datagen.engine.generators import (
    aggregate,
    choice,
    distribution,
    enum_list,
    event,
    excerpt,
    expression,
    faker,
    lookup,
    random_string,
    sequence,
    temporal,
    tpc_random,
    uuids,
)
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import KINDS, kind_of, register_kind
from datagen.engine.values import Values

if TYPE_CHECKING:
    from datagen.engine import dsl

for _kind in (
    sequence.SequenceKind(),
    choice.ChoiceKind(),
    distribution.DistributionKind(),
    temporal.DatetimeSeriesKind(),
    faker.FakerKind(),
    lookup.LookupKind(),
    expression.ExpressionKind(),
    enum_list.EnumListKind(),
    aggregate.AggregateKind(),
    uuids.UuidKind(),
    random_string.RandomStringKind(),
    excerpt.ExcerptKind(),
    event.EventKind(),
    tpc_random.TpcRandomKind(),
    tpc_random.TpcWordsKind(),
):
    register_kind(_kind)


def generate_column(col: dsl.Column, ctx: BlockContext) -> Values:
    kind = kind_of(col)
    return kind.generate(getattr(col.generator, kind.name), col, ctx)


__all__ = ["KINDS", "BlockContext", "generate_column"]
