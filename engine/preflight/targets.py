"""Checks of the behavioural targets: their tables and columns, types, bounds and shapes."""

from __future__ import annotations

from collections.abc import Iterator

from datagen.engine import dsl
from datagen.engine.errors import Problem, did_you_mean
from datagen.engine.preflight.common import NUMERIC, TEMPORAL


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
                yield Problem(
                    f"{path}.table",
                    f"unknown table `{target.table}`",
                    None,
                    did_you_mean(target.table, tables),
                )
                continue
            names = [c.name for c in node.columns]
            col = node.column(target.column)
            if col is None:
                yield Problem(
                    f"{path}.column",
                    f"table `{target.table}` has no column `{target.column}`",
                    None,
                    did_you_mean(target.column, names),
                )
            elif col.type not in types:
                yield Problem(
                    f"{path}.column", f"`{target.column}` is {col.type}", " or ".join(sorted(types))
                )
            extra = getattr(target, "value", None) or getattr(target, "time_column", None)
            if extra and node.column(extra) is None:
                yield Problem(
                    path,
                    f"table `{target.table}` has no column `{extra}`",
                    None,
                    did_you_mean(extra, names),
                )
            if hasattr(target, "min") and hasattr(target, "max") and target.min > target.max:
                yield Problem(path, f"min {target.min} is greater than max {target.max}")
            if kind == "seasonality":
                expected = dsl.PATTERN_LENGTH[target.dimension]
                if len(target.weights) != expected:
                    yield Problem(
                        f"{path}.weights",
                        f"a {target.dimension} shape needs {expected} weights, got {len(target.weights)}",
                    )
