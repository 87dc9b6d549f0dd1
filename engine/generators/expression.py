"""`expression`: a whitelisted formula over the row's other columns."""

from __future__ import annotations

from typing import Any

import numpy as np

from datagen.engine import dsl
from datagen.engine.expressions import compiled
from datagen.engine.generators.context import BlockContext
from datagen.engine.values import Encoded


def block_env(ctx: BlockContext, names: frozenset[str]) -> dict[str, Any]:
    env: dict[str, Any] = {}
    for name in names:
        value = ctx.columns[name]
        env[name] = value.decode() if isinstance(value, Encoded) else np.asarray(value)
    return env


def generate(spec: dsl.ExpressionSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
    expression = compiled(spec.expr)
    result = expression(block_env(ctx, expression.names))
    return np.broadcast_to(np.asarray(result), (ctx.n,)).copy()
