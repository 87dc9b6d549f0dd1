"""Semantic guards: valid schemas that cannot mean what was meant, caught before any row is made."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from datagen.agent.loop import DraftChecker, DryRunScore, LoopSettings, author
from datagen.agent.providers.scripted import ScriptedProvider
from datagen.engine import dsl
from datagen.engine.errors import Problem, SchemaError
from datagen.engine.load import parse_dataset, schema_problems
from datagen.engine.preflight.semantic import (
    constant_columns,
    impossible_inequalities,
    piled_at_clamp,
    pushed_outside_timeframe,
    unreachable_targets,
)
from datagen.engine.typecheck import expression_problems
from tests.agent_fixtures import small_schema


def shop(**changes: Any) -> dict[str, Any]:
    """The small shop with a signup date and a ship-days column to play with."""
    schema = small_schema(**changes)
    customer, order = schema["nodes"]
    customer["columns"].append(
        {
            "name": "signup_at",
            "type": "datetime",
            "generator": {
                "datetime_series": {"within": {"start": "2023-01-01", "end": "2024-01-01"}}
            },
        }
    )
    order["columns"].append(
        {
            "name": "ship_days",
            "type": "int",
            "generator": {"choice": {"choices": [1, 2, 3, 5]}},
        }
    )
    return schema


def dataset(schema: dict[str, Any]) -> dsl.Dataset:
    return dsl.Dataset.model_validate(schema)


def column(schema: dict[str, Any], table: int, name: str) -> dict[str, Any]:
    return next(c for c in schema["nodes"][table]["columns"] if c["name"] == name)


def test_the_base_schema_raises_nothing() -> None:
    _, problems = schema_problems(shop(), warnings=True)
    assert problems == []


# --------------------------------------------------------------------------- datetime + number


def test_datetime_plus_a_bare_number_is_an_error_with_add_days_as_the_fix() -> None:
    schema = shop()
    schema["nodes"][1]["columns"].append(
        {
            "name": "shipped_at",
            "type": "datetime",
            "generator": {"expression": {"expr": "ordered_at + ship_days * 86400"}},
        }
    )
    # the expression type checker (engine/typecheck.py) reports it, with the rewrite
    (problem,) = expression_problems(dataset(schema))
    assert problem.path == "nodes[1].columns[5].generator.expression.expr"
    assert "adds a bare number to a datetime" in problem.message and not problem.is_warning
    assert "add_days(ordered_at, ship_days)" in problem.message
    with pytest.raises(SchemaError):  # generate refuses it too
        parse_dataset(schema)


def test_add_days_and_a_difference_of_two_datetimes_pass() -> None:
    schema = shop()
    schema["nodes"][1]["columns"].append(
        {
            "name": "shipped_at",
            "type": "datetime",
            "generator": {"expression": {"expr": "add_days(ordered_at, ship_days)"}},
        }
    )
    schema["nodes"][1]["columns"].append(
        {
            "name": "lag",
            "type": "float",
            "generator": {"expression": {"expr": "days_between(ordered_at, shipped_at) + 1"}},
        }
    )
    assert list(expression_problems(dataset(schema))) == []


# --------------------------------------------------------------------------- constants


def test_a_one_value_choice_is_a_constant_column_warning() -> None:
    schema = shop()
    column(schema, 0, "country")["generator"]["choice"] = {
        "choices": ["US", "DE"],
        "weights": [1, 0],
    }
    (problem,) = constant_columns(dataset(schema))
    assert problem.is_warning and "constant 'US'" in problem.message
    parse_dataset(schema)  # a warning does not block generate


def test_two_live_choices_are_not_constant() -> None:
    assert list(constant_columns(dataset(shop()))) == []


# --------------------------------------------------------------------------- clamp


def test_lognormal_mean_50_piles_every_price_at_the_clamp() -> None:
    schema = shop()
    column(schema, 1, "amount")["generator"]["distribution"]["params"]["mean"] = 50
    (problem,) = piled_at_clamp(dataset(schema))
    assert not problem.is_warning
    assert problem.path == "nodes[1].columns[2].generator.distribution.params"
    assert "100% of `order.amount`" in problem.message and "piles at 500" in problem.message
    assert problem.expected is not None and "log space" in problem.expected
    assert "mean = ln(" in problem.expected


def test_a_distribution_inside_its_clamp_passes() -> None:
    assert list(piled_at_clamp(dataset(shop()))) == []


# --------------------------------------------------------------------------- inequalities


def test_signups_after_every_order_push_orders_outside_the_timeframe() -> None:
    schema = shop()
    column(schema, 0, "signup_at")["generator"]["datetime_series"]["within"] = {
        "start": "2024-03-01",
        "end": "2024-12-31",
    }
    schema["constraints"]["inequalities"] = [
        {"left": "order.ordered_at", "op": ">=", "right": "customer.signup_at"}
    ]
    (problem,) = pushed_outside_timeframe(dataset(schema))
    assert problem.is_warning and problem.path == "constraints.inequalities[0]"
    assert (
        "runs until 2024-12-31, after the last `order.ordered_at` (2024-07-01)" in problem.message
    )


def test_an_inequality_the_ranges_rule_out_is_an_error_or_for_dates_a_warning() -> None:
    schema = shop()
    column(schema, 0, "signup_at")["generator"]["datetime_series"]["within"] = {
        "start": "2025-01-01",
        "end": "2025-06-01",
    }
    schema["constraints"]["inequalities"] = [
        {"left": "order.ordered_at", "op": ">=", "right": "customer.signup_at"},
        {"left": "order.amount", "op": ">", "right": "order.ship_days"},
    ]
    problems = list(impossible_inequalities(dataset(schema)))
    assert [p.path for p in problems] == ["constraints.inequalities[0]"]
    assert "can never hold" in problems[0].message
    assert problems[0].is_warning  # the engine moves every row: legal, but surely not meant
    schema["constraints"]["inequalities"][1]["op"] = "<"
    column(schema, 1, "amount")["generator"]["distribution"]["clamp"] = [10, 500]
    problems = list(impossible_inequalities(dataset(schema)))
    assert [p.path for p in problems] == [
        "constraints.inequalities[0]",
        "constraints.inequalities[1]",
    ]
    assert not problems[1].is_warning  # numbers: amount in [10, 500] is never < ship_days


def test_signups_before_the_orders_pass() -> None:
    schema = shop()
    schema["constraints"]["inequalities"] = [
        {"left": "order.ordered_at", "op": ">=", "right": "customer.signup_at"}
    ]
    data = dataset(schema)
    assert list(pushed_outside_timeframe(data)) == [] and list(impossible_inequalities(data)) == []


# --------------------------------------------------------------------------- targets


def test_a_weekend_share_the_pattern_cannot_give_is_an_error() -> None:
    schema = shop()
    schema["targets"] = {
        "weekend_share": [{"table": "order", "column": "ordered_at", "min": 0.9, "max": 1.0}]
    }
    (problem,) = unreachable_targets(dataset(schema))
    assert problem.path == "targets.weekend_share[0]" and "about 0.29" in problem.message
    assert problem.expected is not None and "dow pattern" in problem.expected


def test_a_weekend_share_the_pattern_gives_passes() -> None:
    schema = shop()
    column(schema, 1, "ordered_at")["generator"]["datetime_series"]["pattern"] = [
        {"dimension": "dow", "weights": [1, 1, 1, 1, 1, 2, 2]}
    ]
    schema["targets"] = {
        "weekend_share": [{"table": "order", "column": "ordered_at", "min": 0.4, "max": 0.5}]
    }
    assert list(unreachable_targets(dataset(schema))) == []


def test_a_mean_target_far_from_the_distribution_is_an_error() -> None:
    schema = shop()
    schema["targets"] = {
        "mean_in_range": [{"table": "order", "column": "amount", "min": 200, "max": 300}]
    }
    (problem,) = unreachable_targets(dataset(schema))
    assert problem.path == "targets.mean_in_range[0]" and "mean of about 2" in problem.message
    reachable = copy.deepcopy(schema)
    reachable["targets"]["mean_in_range"][0].update(min=15, max=30)
    assert list(unreachable_targets(dataset(reachable))) == []


# --------------------------------------------------------------------------- the loop


def test_a_semantic_error_comes_back_in_the_repair_turn_with_its_fix() -> None:
    bad = shop()
    column(bad, 1, "amount")["generator"]["distribution"]["params"]["mean"] = 50
    provider = ScriptedProvider([bad, shop()])
    checker = DraftChecker(LoopSettings(), scorer=lambda *a: DryRunScore(100.0, []))
    result = author("shop", provider, checker=checker)
    assert result.repairs_used == 1 and result.attempts[0].check.stage == "preflight"
    text = provider.seen[1].exchanges[0].feedback.text  # type: ignore[union-attr]
    assert "nodes[1].columns[2].generator.distribution.params" in text and "log space" in text


def test_a_warning_rides_along_a_repair_but_does_not_fail_a_draft() -> None:
    warned = shop()
    column(warned, 0, "country")["generator"]["choice"] = {"choices": ["US"]}
    checker = DraftChecker(LoopSettings(), scorer=lambda *a: DryRunScore(100.0, []))
    assert checker.check(warned).ok
    assert any("constant 'US'" in note for note in checker.check(warned).notes)
    failed = DryRunScore(95.0, [Problem("order.amount", "value check `range` failed")])
    check = DraftChecker(LoopSettings(), scorer=lambda *a: failed).check(warned)
    assert check.stage == "dry_run" and not check.ok
    assert [p.is_warning for p in check.problems] == [True, False]
    assert "constant 'US'" in check.problems[0].message
