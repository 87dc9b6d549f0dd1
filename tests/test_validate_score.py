"""The quality score: weights, renormalization without free points, report layout."""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
import pytest

from datagen.engine import dsl
from datagen.engine.validate import Check, Report, compute_score, validate_tables


def check(category: Any, passed: bool, name: str = "x") -> Check:
    return Check(category, name, "t", "c", passed, 1, 1)


def test_weights_when_every_category_has_checks() -> None:
    checks = [
        check("structural", True),
        check("structural", False),
        check("value", True),
        check("behavioral", False),
    ]
    score, categories = compute_score(checks)
    assert score == pytest.approx(100 * (0.4 * 0.5 + 0.3 * 1 + 0.3 * 0))
    assert categories["structural"] == {"passed": 1, "total": 2, "rate": 0.5, "weight": 0.4}


def test_an_empty_category_is_left_out_and_the_rest_renormalized() -> None:
    checks = [check("structural", True), check("structural", False), check("behavioral", True)]
    score, categories = compute_score(checks)
    assert categories["value"] == {"passed": 0, "total": 0, "rate": None, "weight": 0.0}
    assert categories["structural"]["weight"] == pytest.approx(0.4 / 0.7, abs=1e-6)
    assert score == pytest.approx(100 * (0.4 * 0.5 + 0.3 * 1.0) / 0.7, abs=0.01)
    # a free 100% for the empty value category would have given 80 instead
    assert score < 100 * (0.4 * 0.5 + 0.3 + 0.3)


def test_no_checks_at_all_scores_zero() -> None:
    score, categories = compute_score([])
    assert score == 0
    assert all(c["weight"] == 0 for c in categories.values())


def test_schema_without_targets_or_constraints_is_not_inflated() -> None:
    # only structural checks apply: one of them failing costs its structural share
    dataset = dsl.Dataset.model_validate(
        {
            "nodes": [
                {
                    "id": "item",
                    "kind": "entity",
                    "rows": 3,
                    "pk": "item_id",
                    "columns": [
                        {"name": "item_id", "type": "int", "generator": {"sequence": {}}},
                        {
                            "name": "price",
                            "type": "float",
                            "generator": {"distribution": {"type": "uniform"}},
                        },
                    ],
                }
            ]
        }
    )
    table = pa.table({"item_id": [1, 1, 3], "price": [0.5, 0.2, 0.9]})
    report = validate_tables(dataset, {"item": table}, rows_expected={"item": 3})
    assert report.categories["value"]["total"] == 0
    assert report.categories["behavioral"]["total"] == 0
    structural = report.categories["structural"]
    assert structural["weight"] == 1.0
    assert [c.name for c in report.failed()] == ["pk_unique"]
    assert report.score == pytest.approx(100 * (structural["total"] - 1) / structural["total"])


def test_report_is_plain_json_with_stable_keys() -> None:
    import datetime as dt

    import numpy as np

    item = Check(
        "value",
        "range",
        "t",
        "c",
        False,
        {"min": np.float64(1.5), "max": dt.datetime(2024, 1, 2, 3, 4, 5)},
        {"min": 0, "max": None},
        examples=[{"row": np.int64(i)} for i in range(9)],
        message="m",
    )
    report = Report.from_checks([item], {"schema": {"name": "s", "hash": "h"}})
    first = report.to_json()
    assert first == Report.from_checks([item], {"schema": {"name": "s", "hash": "h"}}).to_json()
    data = json.loads(first)
    assert data["checks"][0]["measured"] == {"min": 1.5, "max": "2024-01-02T03:04:05"}
    assert len(data["checks"][0]["examples"]) == 5  # capped
    assert data["summary"] == {
        "checks": 1,
        "passed": 0,
        "failed": 1,
        "structural_failed": 0,
        "skipped": 0,
    }
    assert "score_formula" in data


def test_ok_needs_the_score_and_no_structural_failure() -> None:
    only_value_failed = Report.from_checks([check("structural", True), check("value", False)])
    assert only_value_failed.ok(50) and not only_value_failed.ok(90)
    structural_failed = Report.from_checks(
        [check("structural", False)] + [check("value", True)] * 50
    )
    assert structural_failed.score > 25 and not structural_failed.ok(0)


def test_console_says_which_categories_are_left_out() -> None:
    from rich.console import Console

    from datagen.engine.validate import render_console

    report = Report.from_checks(
        [check("structural", True), check("structural", False, "pk_unique")],
        skipped=[
            {
                "category": "value",
                "name": "range",
                "table": "t",
                "column": "c",
                "reason": "`t.c` is missing or mistyped",
            }
        ],
    )
    console = Console(record=True, width=120)
    render_console(report, console, min_score=90)
    text = console.export_text()
    assert "Quality score 50.0 / 100" in text and "FAIL" in text
    assert text.count("no checks (left out of the score)") == 2
    assert "1 check(s) skipped: `t.c` is missing or mistyped" in text
    assert text.index("Failed checks (1)") < text.index("Checks by kind")
