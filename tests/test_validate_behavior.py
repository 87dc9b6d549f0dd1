"""Behavioural checks: declared patterns, weights, fanout and null rates, targets, tolerances."""

from __future__ import annotations

import copy
import datetime as dt
import math
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from datagen.engine import dsl
from datagen.engine.execute import dry_run
from datagen.engine.load import parse_dataset
from datagen.engine.validate import Report, validate_tables
from datagen.engine.validate.stats import clipped_poisson_moments, share_tolerance
from datagen.engine.validate.time_cells import bins_of, expected_shares, exposure
from tests.test_validate import SHOP

HOURS = [0.2] * 7 + [1.0] * 10 + [2.0] * 5 + [0.5] * 2
DOWS = [1, 1, 1, 1, 1.3, 2.0, 1.8]
MONTHS = [0.8, 0.8, 0.9, 1, 1, 1, 1, 1, 1, 1.1, 1.4, 1.8]
SEASON = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1.2, 1.5, 2.0]

CALENDAR: dict[str, Any] = {
    "version": "1.0",
    "metadata": {"name": "calendar"},
    "timeframe": {"start": "2024-01-01", "end": "2025-01-01", "freq": "min"},
    "nodes": [
        {
            "id": "user",
            "kind": "entity",
            "rows": 800,
            "pk": "user_id",
            "columns": [
                {"name": "user_id", "type": "int", "generator": {"sequence": {}}},
                {
                    "name": "plan",
                    "type": "string",
                    "generator": {"choice": {"choices": ["free", "pro", "team"]}},
                },
                {
                    "name": "nickname",
                    "type": "string",
                    "nullable": True,
                    "null_rate": 0.3,
                    "generator": {"faker": {"method": "first_name"}},
                },
            ],
        },
        {
            "id": "event",
            "kind": "fact",
            "pk": "event_id",
            "parents": ["user"],
            "fanout": {"distribution": "uniform", "min": 2, "max": 10},
            "columns": [
                {"name": "event_id", "type": "int", "generator": {"sequence": {}}},
                {
                    "name": "user_id",
                    "type": "int",
                    "generator": {"lookup": {"from": "user.user_id"}},
                },
                {
                    "name": "at",
                    "type": "datetime",
                    "generator": {
                        "datetime_series": {
                            "pattern": [
                                {"dimension": "hour", "weights": HOURS},
                                {"dimension": "dow", "weights": DOWS},
                                {"dimension": "month", "weights": MONTHS},
                            ]
                        }
                    },
                },
                {
                    "name": "value",
                    "type": "float",
                    "generator": {
                        "distribution": {"type": "normal", "params": {"mean": 100, "std": 15}}
                    },
                    "modifiers": [
                        {
                            "transform": "seasonality",
                            "args": {"dimension": "month", "weights": SEASON},
                        }
                    ],
                },
            ],
        },
    ],
    "targets": {
        "seasonality": [
            {"table": "event", "column": "at", "dimension": "month", "weights": MONTHS},
            {
                "table": "event",
                "column": "at",
                "dimension": "dow",
                "weights": DOWS,
                "tolerance": 0.1,
            },
        ],
        "composite_effect": [
            {
                "table": "event",
                "column": "value",
                "dimension": "month",
                "metric": "mape",
                "max": 0.03,
            }
        ],
    },
}


@pytest.fixture(scope="module")
def calendar() -> Any:
    return parse_dataset(copy.deepcopy(CALENDAR))


@pytest.fixture(scope="module")
def calendar_tables(calendar: Any) -> dict[str, pa.Table]:
    return dry_run(calendar, seed=3, rows_per_table=800)


def validate(dataset: Any, tables: dict[str, pa.Table]) -> Report:
    return validate_tables(dataset, tables, rows_expected={"user": tables["user"].num_rows})


def failed_names(report: Report) -> list[str]:
    return [c.name for c in report.failed()]


def with_column(table: pa.Table, name: str, values: Any) -> pa.Table:
    index = table.schema.get_field_index(name)
    array = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(values)
    return table.set_column(index, name, array)


# --------------------------------------------------------------------------- clean data


def test_generated_calendar_passes_every_check(calendar: Any, calendar_tables: Any) -> None:
    report = validate(calendar, calendar_tables)
    assert report.failed() == []
    names = {c.name for c in report.checks}
    assert {
        "hour_pattern",
        "dow_pattern",
        "month_pattern",
        "seasonality",
        "composite_effect",
    } <= names
    assert {"choice_weights", "null_rate", "fanout_mean", "fanout_bounds"} <= names


@pytest.mark.parametrize("seed", range(6))
def test_dry_runs_of_correct_schemas_pass(seed: int) -> None:
    # 300-row dry runs: the tolerances come from the sample size, not fixed bands
    for schema in (SHOP, CALENDAR):
        dataset = parse_dataset(copy.deepcopy(schema))
        tables = dry_run(dataset, seed=seed, rows_per_table=300)
        entities = {n.id: tables[n.id].num_rows for n in dataset.nodes if n.kind == "entity"}
        report = validate_tables(dataset, tables, rows_expected=entities)
        assert [(c.name, c.where, c.message) for c in report.failed()] == []


def test_dry_run_without_rows_expected_flags_the_shrunk_entity(calendar: Any) -> None:
    tables = dry_run(calendar, seed=1, rows_per_table=100)
    report = validate_tables(calendar, tables)
    assert failed_names(report) == ["row_count"]


# --------------------------------------------------------------------------- corruptions


def test_shifted_hours_fail_the_hour_pattern(calendar: Any, calendar_tables: Any) -> None:
    events = calendar_tables["event"]
    # shift inside the same day so weekday and month shares stay as generated
    at = events.column("at").to_pylist()
    shifted = [t.replace(hour=(t.hour + 8) % 24) for t in at]
    tables = {
        **calendar_tables,
        "event": with_column(events, "at", pa.array(shifted, pa.timestamp("us"))),
    }
    report = validate(calendar, tables)
    assert failed_names(report) == ["hour_pattern"]
    worst = report.failed()[0].examples[0]
    assert worst["observed_share"] != pytest.approx(
        worst["expected_share"], abs=worst["allowed_error"]
    )


def test_flat_months_fail_the_month_pattern_and_seasonality(
    calendar: Any, calendar_tables: Any
) -> None:
    events = calendar_tables["event"]
    rng = np.random.default_rng(0)
    start = np.datetime64("2024-01-01T00:00:00", "us")
    flat = start + rng.integers(0, 366 * 86400, len(events)).astype("timedelta64[s]")
    tables = {**calendar_tables, "event": with_column(events, "at", pa.array(flat))}
    names = failed_names(validate(calendar, tables))
    assert "month_pattern" in names and "seasonality" in names


def test_doubled_december_fails_the_composite_effect(calendar: Any, calendar_tables: Any) -> None:
    events = calendar_tables["event"]
    december = pc.equal(pc.month(events.column("at")), 12)
    value = pc.if_else(december, pc.multiply(events.column("value"), 2.0), events.column("value"))
    tables = {**calendar_tables, "event": with_column(events, "value", value)}
    report = validate(calendar, tables)
    assert failed_names(report) == ["composite_effect"]
    assert report.failed()[0].examples[0]["bin"] == "Dec"


def test_missing_nulls_fail_the_null_rate(calendar: Any, calendar_tables: Any) -> None:
    users = calendar_tables["user"]
    filled = pc.fill_null(users.column("nickname"), "x")
    tables = {**calendar_tables, "user": with_column(users, "nickname", filled)}
    report = validate(calendar, tables)
    assert failed_names(report) == ["null_rate"]
    assert report.failed()[0].measured == 0.0


def test_lost_children_fail_the_fanout_mean(calendar: Any, calendar_tables: Any) -> None:
    events = calendar_tables["event"]
    users = events.column("user_id").to_numpy()
    # keep only the first 2 events of every user: within [2, 10], far below the mean of 6
    first = np.ones(len(users), dtype=bool)
    seen: dict[int, int] = {}
    for i, user in enumerate(users):
        seen[user] = seen.get(user, 0) + 1
        first[i] = seen[user] <= 2
    tables = {**calendar_tables, "event": events.filter(pa.array(first))}
    report = validate(calendar, tables)
    assert failed_names(report) == ["fanout_mean"]
    assert report.failed()[0].measured == pytest.approx(2.0)


def test_choice_tolerance_shrinks_with_the_sample() -> None:
    # shares 0.55/0.30/0.15 against declared 0.6/0.25/0.15: noise at 300 rows, a defect at 40k
    dataset = dsl.Dataset.model_validate(
        {
            "nodes": [
                {
                    "id": "c",
                    "kind": "entity",
                    "columns": [
                        {
                            "name": "country",
                            "type": "string",
                            "generator": {
                                "choice": {
                                    "choices": ["US", "DE", "FR"],
                                    "weights": [0.6, 0.25, 0.15],
                                }
                            },
                        }
                    ],
                }
            ]
        }
    )

    def report_for(n: int) -> Report:
        values = ["US"] * int(0.55 * n) + ["DE"] * int(0.30 * n) + ["FR"] * int(0.15 * n)
        return validate_tables(
            dataset, {"c": pa.table({"country": values})}, rows_expected={"c": n}
        )

    assert "choice_weights" not in failed_names(report_for(300))
    large = report_for(40_000)
    assert failed_names(large) == ["choice_weights"]
    assert {e["value"] for e in large.failed()[0].examples} == {"US", "DE"}


# --------------------------------------------------------------------------- helpers


def test_expected_dow_shares_of_a_plain_week() -> None:
    start, end = np.datetime64("2024-01-01T00:00:00"), np.datetime64("2024-01-08T00:00:00")
    assert np.allclose(expected_shares(start, end, [], "dow"), 1 / 7)
    pattern = dsl.Pattern(dimension="dow", weights=DOWS)
    shares = expected_shares(start, end, [pattern], "dow")
    assert np.allclose(shares, np.array(DOWS) / sum(DOWS))


def test_expected_month_shares_follow_days_and_weights() -> None:
    start, end = np.datetime64("2024-01-01T00:00:00"), np.datetime64("2025-01-01T00:00:00")
    days = np.array([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=float)
    pattern = dsl.Pattern(dimension="month", weights=MONTHS)
    expected = days * np.array(MONTHS) / (days * np.array(MONTHS)).sum()
    assert np.allclose(expected_shares(start, end, [pattern], "month"), expected)
    assert np.allclose(exposure(start, end, "month"), days * 24)


def test_partial_hours_at_the_window_edges() -> None:
    start, end = np.datetime64("2024-01-01T10:30:00"), np.datetime64("2024-01-01T12:15:00")
    hours = exposure(start, end, "hour")
    assert hours[10] == pytest.approx(0.5) and hours[11] == 1 and hours[12] == pytest.approx(0.25)


def test_bins_of_match_the_calendar() -> None:
    instant = np.array([np.datetime64("2024-12-29T23:59:59", "us")])  # a Sunday in December
    assert bins_of(instant, "dow")[0] == 6
    assert bins_of(instant, "month")[0] == 11
    assert bins_of(instant, "hour")[0] == 23
    assert dt.date(2024, 12, 29).weekday() == 6


def test_clipped_poisson_moments() -> None:
    lam, lo, hi = 2.0, 1, 3
    pmf = [math.exp(-lam) * lam**k / math.factorial(k) for k in range(60)]
    values = [min(max(k, lo), hi) for k in range(60)]
    mean = sum(p * v for p, v in zip(pmf, values, strict=True))
    var = sum(p * v * v for p, v in zip(pmf, values, strict=True)) - mean**2
    assert clipped_poisson_moments(lam, lo, hi) == pytest.approx((mean, var))
    assert clipped_poisson_moments(4.0, 0, None) == pytest.approx((4.0, 4.0))


def test_share_tolerance_shrinks_like_one_over_root_n() -> None:
    small, large = share_tolerance(0.3, 100), share_tolerance(0.3, 10_000)
    assert 8 < small / large < 11


def test_regex_with_lookahead_falls_back_to_python() -> None:
    dataset = dsl.Dataset.model_validate(
        {
            "nodes": [
                {
                    "id": "t",
                    "kind": "entity",
                    "columns": [
                        {
                            "name": "code",
                            "type": "string",
                            "generator": {"faker": {"method": "word"}},
                        }
                    ],
                }
            ],
            "constraints": {"pattern": [{"column": "t.code", "regex": "(?=.*\\d)[a-z0-9]+"}]},
        }
    )
    table = pa.table({"code": ["ab1", "abc", None, "9z"]})
    report = validate_tables(dataset, {"t": table}, rows_expected={"t": 4})
    pattern = next(c for c in report.checks if c.name == "pattern")
    assert not pattern.passed
    assert pattern.examples == [{"row": 1, "code": "abc"}]


EDGES: dict[str, Any] = {
    "version": "1.0",
    "timeframe": {"start": "2024-01-01", "end": "2024-07-01", "freq": "D"},
    "nodes": [
        {
            "id": "status",
            "kind": "vocab",
            "pk": "code",
            "columns": [
                {
                    "name": "code",
                    "type": "string",
                    "unique": True,
                    "generator": {"enum_list": {"values": ["a", "b", "c"]}},
                }
            ],
        },
        {
            "id": "shop",
            "kind": "entity",
            "rows": 0,
            "pk": "shop_id",
            "columns": [{"name": "shop_id", "type": "int", "generator": {"sequence": {}}}],
        },
        {
            "id": "sale",
            "kind": "fact",
            "parents": ["shop"],
            "pk": "sale_id",
            "fanout": {"distribution": "uniform", "min": 1, "max": 3},
            "columns": [
                {"name": "sale_id", "type": "int", "generator": {"sequence": {}}},
                {
                    "name": "shop_id",
                    "type": "int",
                    "generator": {"lookup": {"from": "shop.shop_id"}},
                },
            ],
        },
        {
            "id": "user",
            "kind": "entity",
            "rows": 400,
            "pk": "uid",
            "columns": [
                {
                    "name": "uid",
                    "type": "string",
                    "unique": True,
                    "generator": {"faker": {"method": "uuid4"}},
                },
                {
                    "name": "vip",
                    "type": "bool",
                    "generator": {"choice": {"choices": [True, False], "weights": [1, 3]}},
                },
                {"name": "tier", "type": "int", "generator": {"choice": {"choices": [1, 2, 3]}}},
                {
                    "name": "status",
                    "type": "string",
                    "generator": {"lookup": {"from": "status.code"}},
                },
                {
                    "name": "fav",
                    "type": "string",
                    "generator": {"choice": {"choices_ref": "status.code"}},
                },
                {
                    "name": "left_on",
                    "type": "date",
                    "nullable": True,
                    "null_rate": 1.0,
                    "generator": {
                        "datetime_series": {"pattern": {"dimension": "dow", "weights": DOWS}}
                    },
                },
                {
                    "name": "seen_on",
                    "type": "date",
                    "generator": {
                        "datetime_series": {"pattern": {"dimension": "dow", "weights": DOWS}}
                    },
                },
            ],
        },
    ],
    "constraints": {
        "ranges": [{"column": "user.seen_on", "min": "2024-01-01", "max": "2024-06-30"}]
    },
    "targets": {"mean_in_range": [{"table": "user", "column": "vip", "min": 0.2, "max": 0.3}]},
}


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_empty_tables_all_null_columns_dates_and_bools(fmt: str, tmp_path: Any) -> None:
    from datagen.engine.execute import generate_dataset
    from datagen.engine.validate import validate_dataset

    dataset = parse_dataset(copy.deepcopy(EDGES))
    generate_dataset(dataset, tmp_path / "out", seed=5, fmt=fmt)
    report = validate_dataset(dataset, tmp_path / "out")
    assert [(c.name, c.where, c.message) for c in report.failed()] == []
    names = {(c.name, c.where) for c in report.checks}
    # checked: a date pattern, bool and int weights, the vocab's size, the empty fact's rows
    assert {("dow_pattern", "user.seen_on"), ("choice_weights", "user.vip")} <= names
    assert {
        ("choice_weights", "user.tier"),
        ("row_count", "status"),
        ("row_count", "sale"),
    } <= names
    fav = next(c for c in report.checks if c.name == "choice_weights" and c.column == "fav")
    assert fav.expected == {"shares": {k: pytest.approx(1 / 3) for k in "abc"}}
    # an all-null column has no shares to compare: no pattern check rather than a failure
    assert ("dow_pattern", "user.left_on") not in names
    assert ("null_rate", "user.left_on") in names


PROMOS: dict[str, Any] = {
    "version": "1.0",
    "timeframe": {"start": "2024-01-01", "end": "2025-01-01", "freq": "h"},
    "nodes": [
        {
            "id": "promo",
            "kind": "entity",
            "rows": 4,
            "pk": "promo_id",
            "columns": [
                {"name": "promo_id", "type": "int", "generator": {"sequence": {}}},
                {"name": "starts_at", "type": "datetime", "generator": {"datetime_series": {}}},
                {"name": "ends_at", "type": "datetime", "generator": {"datetime_series": {}}},
            ],
        },
        {
            "id": "sale",
            "kind": "entity",
            "rows": 6000,
            "pk": "sale_id",
            "columns": [
                {"name": "sale_id", "type": "int", "generator": {"sequence": {}}},
                {"name": "sold_at", "type": "datetime", "generator": {"datetime_series": {}}},
                {
                    "name": "amount",
                    "type": "float",
                    "generator": {
                        "distribution": {"type": "normal", "params": {"mean": 100, "std": 10}}
                    },
                    "modifiers": [
                        {
                            "transform": "effect",
                            "args": {
                                "table": "promo",
                                "start": "starts_at",
                                "end": "ends_at",
                                "factor": 1.8,
                            },
                        },
                        {"transform": "trend", "args": {"growth": 0.5}},
                    ],
                },
                {
                    "name": "brand",
                    "type": "string",
                    "generator": {
                        "choice": {"choices": ["a", "b", "c", "d", "e"], "weights_kind": "zipf@1.5"}
                    },
                },
                {
                    "name": "shelf",
                    "type": "int",
                    "generator": {
                        "choice": {
                            "choices": list(range(10)),
                            "weights_kind": "head_tail@{0.2,0.7}",
                        }
                    },
                },
            ],
        },
    ],
    "constraints": {
        "inequalities": [{"left": "promo.ends_at", "op": ">", "right": "promo.starts_at"}]
    },
    "targets": {
        "composite_effect": [
            {
                "table": "sale",
                "column": "amount",
                "dimension": "month",
                "metric": "mape",
                "max": 0.02,
            }
        ]
    },
}


def test_effects_trends_and_skewed_weights_are_modeled() -> None:
    dataset = parse_dataset(copy.deepcopy(PROMOS))
    tables = dry_run(dataset, seed=11, rows_per_table=6000)
    report = validate_tables(dataset, tables, rows_expected={"promo": 4, "sale": 6000})
    assert report.failed() == []
    effect = next(c for c in report.checks if c.name == "composite_effect")
    assert "effect(promo)" in effect.message and "trend" in effect.message
    shares = {c.column: c.expected["shares"] for c in report.checks if c.name == "choice_weights"}
    assert shares["brand"]["a"] == pytest.approx(1 / sum(1 / r**1.5 for r in range(1, 6)), abs=1e-6)
    assert shares["shelf"]["0"] == pytest.approx(0.35) and shares["shelf"]["9"] == pytest.approx(
        0.3 / 8
    )

    # the same data with the trend taken out no longer has the declared shape
    sales = tables["sale"]
    years = pc.divide(
        pc.cast(
            pc.subtract(
                sales.column("sold_at"), pa.scalar(dt.datetime(2024, 1, 1), pa.timestamp("us"))
            ),
            pa.int64(),
        ),
        365.2425 * 86400e6,
    )
    flat = pc.divide(sales.column("amount"), pc.power(1.5, years))
    report = validate_tables(
        dataset,
        {**tables, "sale": with_column(sales, "amount", flat)},
        rows_expected={"promo": 4, "sale": 6000},
    )
    assert failed_names(report) == ["composite_effect"]

    # reversed brands break the zipf shares
    brand = sales.column("brand").to_pylist()
    swapped = [{"a": "e", "e": "a"}.get(b, b) for b in brand]
    report = validate_tables(
        dataset,
        {**tables, "sale": with_column(sales, "brand", swapped)},
        rows_expected={"promo": 4, "sale": 6000},
    )
    assert failed_names(report) == ["choice_weights"]
