"""The validator's check registry: a check kind defined and registered here, in a test
module, runs in `validate`, shows in the report and counts in the score."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow.compute as pc
import pytest

from datagen.engine.load import parse_dataset
from datagen.engine.validate import validate_tables
from datagen.engine.validate.checks import (
    CHECK_KINDS,
    CheckKind,
    register_check_kind,
    unregister_check_kind,
)
from datagen.engine.validate.context import Context
from datagen.engine.validate.report import Check
from tests.engine_helpers import entity, run, schema


def keys_start_at_one(ctx: Context) -> Iterator[Check]:
    for node in ctx.dataset.nodes:
        if node.pk and ctx.ready("value", "keys_start_at_one", node.id, node.pk):
            first = pc.min(ctx.column(node.id, node.pk)).as_py()
            yield Check("value", "keys_start_at_one", node.id, node.pk, first == 1, first, 1)


@pytest.fixture
def registered() -> Iterator[CheckKind]:
    kind = register_check_kind(CheckKind("keys_start_at_one", "value", keys_start_at_one))
    try:
        yield kind
    finally:
        unregister_check_kind("keys_start_at_one")


def report_for(start: int):  # type: ignore[no-untyped-def]
    data = schema(entity("t", [], rows=50))
    data["nodes"][0]["columns"][0]["generator"] = {"sequence": {"start": start}}
    dataset = parse_dataset(data)
    return validate_tables(dataset, run(data))


def test_the_built_in_checks_are_registered_in_report_order() -> None:
    names = list(CHECK_KINDS)
    assert names[0] == "structural"
    assert names.index("range") < names.index("unique") < names.index("weekend_share")
    assert "keys_start_at_one" not in names


def test_a_registered_check_runs_and_counts_in_the_score(registered: CheckKind) -> None:
    good = report_for(1)
    found = [c for c in good.checks if c.name == "keys_start_at_one"]
    assert [(c.table, c.passed, c.measured) for c in found] == [("t", True, 1)]
    assert good.score == 100

    bad = report_for(10)
    found = [c for c in bad.checks if c.name == "keys_start_at_one"]
    assert [(c.passed, c.measured) for c in found] == [(False, 10)]
    assert bad.score < 100
