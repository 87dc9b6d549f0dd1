"""Fanout shapes: the exact distribution of children per parent, clipped to [min, max].

One function, `fanout_pmf`, gives the support and probabilities of every shape
(poisson, uniform, negative_binomial, zipf, empirical, bernoulli); the planner
takes its mean, the validator its mean and variance, the HTML report its bars,
and the engine draws counts from it by inverse CDF (`draw_counts`), one
uniform number per parent from the table's fanout stream: vectorized and
deterministic. Poisson and uniform keep their own numpy draws (the bytes of
existing datasets do not change).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from datagen.engine.errors import Problem

if TYPE_CHECKING:
    from datagen.engine import dsl

TAIL_SDS = 12  # the support of an unbounded shape reaches mean + 12 standard deviations


def _clip(
    values: np.ndarray, probs: np.ndarray, lo: int, hi: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """The distribution of min(max(X, lo), hi), merged onto distinct values."""
    clipped = np.maximum(values, lo)
    if hi is not None:
        clipped = np.minimum(clipped, hi)
    support, inverse = np.unique(clipped, return_inverse=True)
    merged = np.zeros(len(support))
    np.add.at(merged, inverse, probs)
    return support.astype(np.int64), merged / merged.sum()


def shapes(fanout: dsl.Fanout) -> list[dsl.Fanout]:
    """The fanout's shapes: its own (the default, without `by`), then one per case, in order."""
    if not fanout.cases:
        return [fanout]
    own = fanout.model_copy(update={"by": None, "cases": None})
    return [own, *fanout.cases.values()]


def fanout_span(fanout: dsl.Fanout) -> tuple[int, int | None]:
    """The fewest and most children any parent can get, over every shape (None: unbounded)."""
    if fanout.machine is not None:  # every path has at least its first event
        values, _ = _shape_pmf(fanout)
        return int(values.min()), int(values.max())
    every = shapes(fanout)
    highs = [s.max for s in every]
    return min(s.min for s in every), None if None in highs else max(h or 0 for h in highs)


def fanout_pmf(fanout: dsl.Fanout) -> tuple[np.ndarray, np.ndarray]:
    """(children counts, their probabilities) the fanout declares, after clipping; with `by`,
    the even mix of its shapes (what a parent of unknown value gets: estimates, reports)."""
    if fanout.cases:
        parts = [fanout_pmf(shape) for shape in shapes(fanout)]
        support = np.unique(np.concatenate([values for values, _ in parts]))
        mixed = np.zeros(len(support))
        for values, probs in parts:
            mixed[np.searchsorted(support, values)] += probs / len(parts)
        return support.astype(np.int64), mixed
    return _shape_pmf(fanout)


def _shape_pmf(fanout: dsl.Fanout) -> tuple[np.ndarray, np.ndarray]:
    if fanout.machine is not None:
        from datagen.engine.generators.statemachine import length_pmf

        values, probs = length_pmf(fanout.machine)
        return _clip(values, probs, fanout.min, fanout.max)
    lo, hi = fanout.min, fanout.max
    kind = fanout.distribution
    if kind == "uniform":
        assert hi is not None
        values = np.arange(lo, hi + 1)
        return values, np.full(len(values), 1 / len(values))
    if kind == "poisson":
        lam = float(fanout.lambda_ or 0)
        top = int(lam + TAIL_SDS * math.sqrt(lam) + 30)
        k = np.arange(top + 1)
        logp = -lam + k * math.log(lam) - np.array([math.lgamma(x + 1) for x in k])
        return _clip(k, np.exp(logp), lo, hi)
    if kind == "negative_binomial":
        mean, shape = float(fanout.lambda_ or 0), float(fanout.dispersion or 1)
        p = shape / (shape + mean)  # numpy's success probability
        sd = math.sqrt(mean + mean * mean / shape)
        top = int(mean + TAIL_SDS * sd + 30)
        k = np.arange(top + 1)
        logp = np.array(
            [
                math.lgamma(x + shape)
                - math.lgamma(shape)
                - math.lgamma(x + 1)
                + shape * math.log(p)
                + x * math.log1p(-p)
                for x in k
            ]
        )
        return _clip(k, np.exp(logp), lo, hi)
    if kind == "zipf":
        assert hi is not None
        k = np.arange(max(lo, 1), hi + 1)
        weights = k.astype(np.float64) ** -float(fanout.a or 1)
        return _clip(k, weights / weights.sum(), lo, hi)
    if kind == "empirical":
        assert fanout.values is not None
        values = np.asarray(fanout.values, dtype=np.int64)
        weights = np.asarray(fanout.weights or [1.0] * len(values), dtype=np.float64)
        return _clip(values, weights / weights.sum(), lo, hi)
    if kind == "bernoulli":
        p = float(fanout.p if fanout.p is not None else 0.5)
        return _clip(np.array([0, 1]), np.array([1 - p, p]), lo, hi)
    raise AssertionError(kind)


def fanout_moments(fanout: dsl.Fanout) -> tuple[float, float]:
    """Mean and variance of the children per parent the fanout declares."""
    values, probs = fanout_pmf(fanout)
    mean = float((values * probs).sum())
    return mean, max(float((values * values * probs).sum()) - mean * mean, 0.0)


def draw_counts(
    fanout: dsl.Fanout,
    rng: np.random.Generator,
    parents: int,
    cases: np.ndarray | None = None,
) -> np.ndarray:
    """Children of each parent: one uniform draw per parent through the inverse CDF. With
    `by`, `cases` gives each parent's case (its index in `fanout.cases`, -1: the default)."""
    if fanout.cases:
        assert cases is not None and len(cases) == parents
        uniforms = rng.random(parents)
        counts = np.zeros(parents, dtype=np.int64)
        for i, shape in enumerate(shapes(fanout)):
            chosen = cases == i - 1
            values, probs = _shape_pmf(shape)
            cdf = np.cumsum(probs)
            cdf[-1] = 1.0
            slot = np.searchsorted(cdf, uniforms[chosen], side="right").clip(0, len(values) - 1)
            counts[chosen] = values[slot]
        return counts
    assert fanout.machine is None, "a state machine's counts come from its paths (block.py)"
    if fanout.distribution == "poisson":
        counts = rng.poisson(fanout.lambda_, parents)
    elif fanout.distribution == "uniform":
        counts = rng.integers(fanout.min, (fanout.max or fanout.min) + 1, parents)
    else:
        values, probs = fanout_pmf(fanout)
        cdf = np.cumsum(probs)
        cdf[-1] = 1.0
        counts = values[
            np.searchsorted(cdf, rng.random(parents), side="right").clip(0, len(values) - 1)
        ]
    upper = fanout.max if fanout.max is not None else np.iinfo(np.int64).max
    counts = np.asarray(counts, dtype=np.int64)  # a fresh array from the generator: clip in place
    return np.clip(counts, fanout.min, upper, out=counts)


def describe_fanout(fanout: dsl.Fanout) -> str:
    """One line for reports: the shape, its parameters and the clip."""
    if fanout.cases:
        parts = [f"{key}: {_describe(shape)}" for key, shape in fanout.cases.items()]
        return f"by {fanout.by}: " + "; ".join([*parts, f"other: {_describe(fanout)}"])
    return _describe(fanout)


def _describe(fanout: dsl.Fanout) -> str:
    high = "inf" if fanout.max is None else fanout.max
    clip = f"clipped to [{fanout.min}, {high}]"
    kind = fanout.distribution
    if kind == "uniform":
        return f"uniform integers in [{fanout.min}, {fanout.max}]"
    if kind == "poisson":
        return f"poisson(lambda={fanout.lambda_:g}) {clip}"
    if kind == "negative_binomial":
        return (
            f"negative_binomial(mean={fanout.lambda_:g}, dispersion={fanout.dispersion:g}) {clip}"
        )
    if kind == "zipf":
        return f"zipf(a={fanout.a:g}) over [{max(fanout.min, 1)}, {fanout.max}]"
    if kind == "empirical":
        return f"empirical over {fanout.values} {clip}"
    if fanout.machine is not None:
        machine = fanout.machine
        return (
            f"state machine from `{machine.initial}` over {len(machine.states)} states "
            f"(at most {machine.max_events} events)"
        )
    return f"bernoulli(p={fanout.p:g}) {clip}"


def by_problems(dataset: dsl.Dataset) -> Iterator[Problem]:
    """A fanout's `by`: a string, int or bool column of the first parent, and case keys
    that such a column can hold."""
    from datagen.engine.cases import by_problems as problems

    for i, node in enumerate(dataset.nodes):
        fanout = node.fanout
        parent = dataset.node(node.parents[0]) if node.parents else None
        if fanout is None or fanout.by is None or parent is None:
            continue  # an unknown parent is reported by the structure checks
        columns = {c.name: c.type for c in parent.columns}
        where = f"`{parent.id}` (the first parent)"
        yield from problems(
            fanout.by, list(fanout.cases or {}), columns, where, f"nodes[{i}].fanout"
        )
