"""Inequalities enforced by construction: across types, on the column's grid."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.engine_helpers import entity, run, schema


def _parent_child(op: str, child_type: str, child_gen: dict) -> dict:
    parent = entity(
        "customer",
        [
            {
                "name": "signup_at",
                "type": "datetime",
                "generator": {
                    "datetime_series": {"within": {"start": "2022-01-01", "end": "2024-01-01"}}
                },
            }
        ],
        rows=400,
    )
    child = {
        "id": "loan",
        "kind": "fact",
        "pk": "loan_id",
        "parents": ["customer"],
        "fanout": {"distribution": "poisson", "lambda": 3},
        "columns": [
            {"name": "loan_id", "type": "int", "generator": {"sequence": {}}},
            {
                "name": "customer_id",
                "type": "int",
                "generator": {"lookup": {"from": "customer.id"}},
            },
            {"name": "start", "type": child_type, "generator": child_gen},
        ],
    }
    return schema(
        parent,
        child,
        constraints={
            "inequalities": [{"left": "loan.start", "op": op, "right": "customer.signup_at"}]
        },
    )


def _pairs(data: dict) -> list[tuple]:
    tables = run(data)
    signup = dict(
        zip(
            tables["customer"]["id"].to_pylist(),
            tables["customer"]["signup_at"].to_pylist(),
            strict=True,
        )
    )
    return [(row["start"], signup[row["customer_id"]]) for row in tables["loan"].to_pylist()]


@pytest.mark.parametrize("op", [">=", ">"])
def test_date_after_a_datetime_bound(op: str) -> None:
    gen = {"datetime_series": {"within": {"start": "2020-01-01", "end": "2025-01-01"}, "freq": "D"}}
    pairs = _pairs(_parent_child(op, "date", gen))
    for day, bound in pairs:
        midnight = dt.datetime.combine(day, dt.time())
        assert midnight >= bound if op == ">=" else midnight > bound


def test_date_window_entirely_before_the_bound_still_holds() -> None:
    # The semantic guard warns (every row is moved to its bound), the engine still holds it.
    gen = {"datetime_series": {"within": {"start": "2018-01-01", "end": "2019-01-01"}, "freq": "D"}}
    for day, bound in _pairs(_parent_child(">=", "date", gen)):
        assert dt.datetime.combine(day, dt.time()) >= bound


def test_date_window_mostly_before_the_bound_still_holds() -> None:
    gen = {"datetime_series": {"within": {"start": "2021-06-01", "end": "2022-06-01"}, "freq": "D"}}
    for day, bound in _pairs(_parent_child(">=", "date", gen)):
        assert dt.datetime.combine(day, dt.time()) >= bound


def test_repaired_datetimes_stay_on_the_freq_grid() -> None:
    gen = {"datetime_series": {"within": {"start": "2021-01-01", "end": "2025-01-01"}, "freq": "h"}}
    pairs = _pairs(_parent_child(">=", "datetime", gen))
    assert all(start >= bound for start, bound in pairs)
    assert all(
        start.minute == 0 and start.second == 0 and start.microsecond == 0 for start, _ in pairs
    )


@pytest.mark.parametrize("op", ["<", "<="])
def test_before_a_bound(op: str) -> None:
    gen = {
        "datetime_series": {"within": {"start": "2021-01-01", "end": "2025-01-01"}, "freq": "min"}
    }
    for start, bound in _pairs(_parent_child(op, "datetime", gen)):
        assert start < bound if op == "<" else start <= bound
        assert start.second == 0
