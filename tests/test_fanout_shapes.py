"""Fanout shapes (negative binomial, zipf, empirical, bernoulli): drawn counts follow the
declared distribution, the validator's fanout checks pass, and its tolerance uses each
shape's own variance."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from datagen.engine import dsl
from datagen.engine.fanout import draw_counts, fanout_moments, fanout_pmf
from datagen.engine.load import parse_dataset
from datagen.engine.rng import stream
from datagen.engine.validate.run import validate_tables
from tests.engine_helpers import entity, run, schema

SHAPES: list[dict[str, Any]] = [
    {"distribution": "negative_binomial", "lambda": 4, "dispersion": 0.8, "max": 200},
    {"distribution": "zipf", "a": 1.6, "min": 1, "max": 50},
    {"distribution": "empirical", "values": [1, 2, 3, 5], "weights": [0.5, 0.3, 0.15, 0.05]},
    {"distribution": "bernoulli", "p": 0.3},
    {"distribution": "poisson", "lambda": 2.5, "min": 1, "max": 6},
]


@pytest.mark.parametrize("spec", SHAPES, ids=[s["distribution"] for s in SHAPES])
def test_draws_follow_the_declared_distribution(spec: dict[str, Any]) -> None:
    fanout = dsl.Fanout.model_validate(spec)
    values, probs = fanout_pmf(fanout)
    assert abs(probs.sum() - 1) < 1e-9
    counts = draw_counts(fanout, stream(1, "t", "__fanout__"), 200_000)
    mean, variance = fanout_moments(fanout)
    assert abs(counts.mean() - mean) < 4 * np.sqrt(variance / len(counts)) + 1e-9
    assert abs(counts.var() - variance) < 0.1 * variance + 0.01
    assert set(np.unique(counts)) <= set(values.tolist())
    assert counts.min() >= fanout.min and (fanout.max is None or counts.max() <= fanout.max)


def test_a_negative_binomial_spreads_more_than_a_poisson_of_the_same_mean() -> None:
    nb = fanout_moments(dsl.Fanout.model_validate(SHAPES[0]))
    poisson = fanout_moments(dsl.Fanout.model_validate({"distribution": "poisson", "lambda": 4}))
    assert abs(nb[0] - poisson[0]) < 0.05 and nb[1] > 4 * poisson[1]


@pytest.mark.parametrize("spec", SHAPES[:4], ids=[s["distribution"] for s in SHAPES[:4]])
def test_generated_facts_pass_the_fanout_checks(spec: dict[str, Any]) -> None:
    data = schema(
        entity("customer", [], rows=3000),
        {
            "id": "orders",
            "kind": "fact",
            "parents": ["customer"],
            "fanout": spec,
            "columns": [
                {
                    "name": "customer_id",
                    "type": "int",
                    "generator": {"lookup": {"from": "customer.id"}},
                }
            ],
        },
    )
    dataset = parse_dataset(data)
    tables = run(data)
    report = validate_tables(dataset, tables)
    fanout = [c for c in report.checks if c.name.startswith("fanout")]
    assert len(fanout) == 2 and all(c.passed for c in fanout), [c.to_dict() for c in fanout]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"distribution": "negative_binomial", "lambda": 3}, "needs `dispersion`"),
        ({"distribution": "zipf", "a": 1.2}, "needs `max`"),
        ({"distribution": "empirical", "values": [1, 2], "weights": [1.0]}, "one weight per value"),
        ({"distribution": "bernoulli"}, "needs `p`"),
    ],
)
def test_incomplete_shapes_are_refused(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        dsl.Fanout.model_validate(spec)
