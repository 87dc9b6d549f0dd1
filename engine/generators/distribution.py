"""`distribution`: numbers from a named distribution, clamped."""

from __future__ import annotations

import numpy as np

from datagen.engine import dsl
from datagen.engine.generators.context import BlockContext


def generate(spec: dsl.DistributionSpec, col: dsl.Column, ctx: BlockContext) -> np.ndarray:
    return sample(spec, ctx.rng(col.name), ctx.n)


def sample(spec: dsl.DistributionSpec, rng: np.random.Generator, n: int) -> np.ndarray:
    p = spec.param
    match spec.type:
        case "normal":
            values = rng.normal(p("mean"), p("std"), n)
        case "lognormal":
            values = rng.lognormal(p("mean"), p("sigma"), n)
        case "uniform":
            values = rng.uniform(p("low"), p("high"), n)
        case "poisson":
            values = rng.poisson(p("lam"), n).astype(np.float64)
        case "exponential":
            values = rng.exponential(p("scale"), n)
        case "beta":
            values = rng.beta(p("a"), p("b"), n)
        case "gamma":
            values = rng.gamma(p("shape"), p("scale"), n)
    if spec.clamp is not None:
        np.clip(values, spec.clamp[0], spec.clamp[1], out=values)
    return values
