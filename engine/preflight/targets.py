"""Checks of the behavioural targets: their tables and columns, types, bounds and shapes."""

from __future__ import annotations

from collections.abc import Iterator

from datagen.engine import dsl
from datagen.engine.errors import Problem
from datagen.engine.preflight.common import NUMERIC, TEMPORAL, missing_column, unknown_table


def target_problems(dataset: dsl.Dataset) -> Iterator[Problem]:
    tables = {n.id: n for n in dataset.nodes}
    t = dataset.targets
    groups = (
        ("weekend_share", t.weekend_share, TEMPORAL),
        ("mean_in_range", t.mean_in_range, NUMERIC | {"bool"}),
        ("seasonality", t.seasonality, TEMPORAL),
        ("composite_effect", t.composite_effect, NUMERIC),
    )
    for kind, items, types in groups:
        for i, target in enumerate(items):
            path = f"targets.{kind}[{i}]"
            node = tables.get(target.table)
            if node is None:
                yield unknown_table(f"{path}.table", target.table, tables)
                continue
            col = node.column(target.column)
            if missing := missing_column(f"{path}.column", node, target.column):
                yield missing
            elif col is not None and col.type not in types:
                yield Problem(
                    f"{path}.column", f"`{target.column}` is {col.type}", " or ".join(sorted(types))
                )
            extra = getattr(target, "value", None) or getattr(target, "time_column", None)
            if extra and (missing := missing_column(path, node, extra)):
                yield missing
            if hasattr(target, "min") and hasattr(target, "max") and target.min > target.max:
                yield Problem(path, f"min {target.min} is greater than max {target.max}")
            if kind == "seasonality":
                expected = dsl.PATTERN_LENGTH[target.dimension]
                if len(target.weights) != expected:
                    yield Problem(
                        f"{path}.weights",
                        f"a {target.dimension} shape needs {expected} weights, got {len(target.weights)}",
                    )
