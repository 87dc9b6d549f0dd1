"""One test per modifier, each through the real engine."""

from __future__ import annotations

import numpy as np
import pytest

from tests.engine_helpers import entity, run, schema

UNIFORM = {"distribution": {"type": "uniform", "params": {"low": 10, "high": 20}}}
AT = {"name": "at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe"}}}


def values_with(
    modifiers: list[dict], rows: int = 5000, extra: list[dict] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The modified column and the same column without modifiers (same seed, same draws)."""
    cols = [
        *(extra or []),
        {"name": "x", "type": "float", "generator": UNIFORM, "modifiers": modifiers},
    ]
    plain = [*(extra or []), {"name": "x", "type": "float", "generator": UNIFORM}]
    modified = run(schema(entity("t", cols, rows=rows)))["t"]["x"].to_pylist()
    base = run(schema(entity("t", plain, rows=rows)))["t"]["x"].to_pylist()
    return np.array(modified), np.array(base)


def test_multiply_add_clamp() -> None:
    x, base = values_with(
        [
            {"transform": "multiply", "args": {"factor": 2}},
            {"transform": "add", "args": {"delta": 1}},
            {"transform": "clamp", "args": {"max": 30}},
        ]
    )
    assert np.allclose(x, np.minimum(base * 2 + 1, 30))


def test_jitter_relative_keeps_mean_and_adds_spread() -> None:
    x, base = values_with([{"transform": "jitter", "args": {"std": 0.1}}])
    assert x.mean() == pytest.approx(base.mean(), rel=0.01)
    assert not np.allclose(x, base)
    assert np.std(x / base - 1) == pytest.approx(0.1, rel=0.1)


def test_seasonality_scales_by_month() -> None:
    weights = [1] * 11 + [3]
    x, base = values_with(
        [{"transform": "seasonality", "args": {"dimension": "month", "weights": weights}}],
        extra=[AT],
    )
    ratio = x / base
    assert set(np.round(ratio, 6)) == {1.0, 3.0}


def test_trend_grows_with_time() -> None:
    rows = run(
        schema(
            entity(
                "t",
                [
                    AT,
                    {
                        "name": "x",
                        "type": "float",
                        "generator": {
                            "distribution": {
                                "type": "uniform",
                                "params": {"low": 100, "high": 100.0001},
                            }
                        },
                        "modifiers": [{"transform": "trend", "args": {"growth": 0.5}}],
                    },
                ],
                rows=2000,
            )
        )
    )["t"].to_pylist()
    early = [r["x"] for r in rows if r["at"].month == 1]
    late = [r["x"] for r in rows if r["at"].month == 12]
    assert np.mean(late) > np.mean(early) * 1.3


def test_outliers_spike_a_share_of_rows() -> None:
    x, base = values_with(
        [{"transform": "outliers", "args": {"mode": "spike", "rate": 0.05, "magnitude": [5, 6]}}],
        rows=20000,
    )
    spiked = x / base > 4
    assert spiked.mean() == pytest.approx(0.05, abs=0.01)


def test_expression_modifier_uses_value() -> None:
    x, base = values_with([{"transform": "expression", "args": {"expr": "value * 10 - 5"}}])
    assert np.allclose(x, base * 10 - 5)


def test_map_values_maps_strings() -> None:
    cols = [
        {
            "name": "c",
            "type": "string",
            "generator": {"choice": {"choices": ["a", "b"]}},
            "modifiers": [{"transform": "map_values", "args": {"mapping": {"a": "alpha"}}}],
        }
    ]
    values = run(schema(entity("t", cols, rows=300)))["t"]["c"].to_pylist()
    assert set(values) == {"alpha", "b"}


def test_time_jitter_moves_timestamps() -> None:
    cols = [
        {
            "name": "at",
            "type": "datetime",
            "generator": {"datetime_series": {"within": "timeframe", "freq": "D"}},
            "modifiers": [{"transform": "time_jitter", "args": {"scale": 30, "unit": "min"}}],
        }
    ]
    values = run(schema(entity("t", cols, rows=500)))["t"]["at"].to_pylist()
    assert sum(v.hour != 0 or v.minute != 0 for v in values) > 400


def test_effect_scales_rows_inside_event_windows() -> None:
    promo = entity(
        "promo",
        [
            {
                "name": "start_at",
                "type": "datetime",
                "generator": {
                    "datetime_series": {"within": {"start": "2024-06-01", "end": "2024-06-02"}}
                },
            },
            {
                "name": "end_at",
                "type": "datetime",
                "generator": {
                    "datetime_series": {"within": {"start": "2024-07-01", "end": "2024-07-02"}}
                },
            },
        ],
        rows=3,
    )
    sale = entity(
        "sale",
        [
            AT,
            {
                "name": "x",
                "type": "float",
                "generator": {
                    "distribution": {"type": "uniform", "params": {"low": 100, "high": 100.0001}}
                },
                "modifiers": [
                    {
                        "transform": "effect",
                        "args": {
                            "table": "promo",
                            "start": "start_at",
                            "end": "end_at",
                            "factor": 2,
                        },
                    }
                ],
            },
        ],
        rows=3000,
    )
    rows = run(schema(promo, sale))["sale"].to_pylist()
    inside = [r["x"] for r in rows if r["at"].month == 6 and r["at"].day > 2]
    outside = [r["x"] for r in rows if r["at"].month in (1, 2, 3)]
    assert np.mean(inside) == pytest.approx(200, rel=0.01)
    assert np.mean(outside) == pytest.approx(100, rel=0.01)
