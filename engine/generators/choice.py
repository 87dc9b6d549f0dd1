"""`choice`: weighted picks from a list or from another table's column values."""

from __future__ import annotations

import numpy as np

from datagen.engine import dsl
from datagen.engine.errors import Problem, SchemaError
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.weights import cdf_of, sample_index, skew_cdf
from datagen.engine.relations import split_ref
from datagen.engine.values import Encoded, Values, encode


def generate(spec: dsl.ChoiceSpec, col: dsl.Column, ctx: BlockContext) -> Values:
    if spec.choices is not None:
        values = encode(spec.choices, col.type)
        n_items = len(spec.choices)
    else:
        assert spec.choices_ref is not None
        values = ctx.store.distinct(*split_ref(spec.choices_ref))
        n_items = len(values)
    cdf = cdf_of(spec.weights) if spec.weights is not None else skew_cdf(spec.weights_kind, n_items)
    if col.unique:
        if ctx.table_rows > n_items:
            raise SchemaError(
                [
                    Problem(
                        f"{ctx.node.id}.{col.name}",
                        f"unique choice needs at most {n_items} rows (one per choice), "
                        f"`{ctx.node.id}` has {ctx.table_rows}",
                        "fewer rows, more choices, or a faker/sequence column",
                    )
                ]
            )
        # unique by construction: a permutation of the choices, one per row
        order = ctx.table_rng(col.name, "unique").permutation(n_items)
        index = order[ctx.start : ctx.stop]
    else:
        index = sample_index(ctx.rng(col.name), n_items, ctx.n, cdf)
    if isinstance(values, Encoded):
        return values.take(index)
    return np.asarray(values)[index]
