"""Declared checks against what the generator can produce: a range its clamp or choices reach
past, an enum its choices leave, a bound that is not a number or a date.

Databases enforce these as CHECK constraints, so a generator that can leave them
fails the load (an IntegrityError deep in a writer) instead of a schema error here.
Only what is known for certain is reported: a column whose last modifier does
not bound its output (a `clamp` with both bounds does) is left to the validator.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from datagen.engine import dsl
from datagen.engine.errors import Problem
from datagen.engine.generators.kind import kind_of, spec_of
from datagen.engine.modifiers.kind import modifier_of
from datagen.engine.relations import split_ref

NUMERIC = {"int", "float"}
TEMPORAL = {"date", "datetime"}


def _column(dataset: dsl.Dataset, ref: str) -> dsl.Column | None:
    table, column = split_ref(ref)
    node = dataset.node(table)
    return node.column(column) if node is not None else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _instant(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        np.datetime64(value, "s")
    except ValueError:
        return False
    return True


def _output_bounds(col: dsl.Column) -> tuple[float, float] | None:
    """The smallest and largest value the column's generator can make, when certain."""
    if col.modifiers:
        last = col.modifiers[-1]
        return modifier_of(last).value_range(last.args)
    return kind_of(col).value_range(spec_of(col))


def range_problems(dataset: dsl.Dataset) -> Iterator[Problem]:
    for i, rng in enumerate(dataset.constraints.ranges):
        path = f"constraints.ranges[{i}]"
        col = _column(dataset, rng.column)
        if col is None:
            continue  # reported by the reference checks
        bounds = {"min": rng.min, "max": rng.max}
        parsed: dict[str, float | None] = {}
        for name, value in bounds.items():
            if value is None:
                parsed[name] = None
            elif col.type in NUMERIC:
                parsed[name] = _number(value)
                if parsed[name] is None:
                    yield Problem(
                        f"{path}.{name}",
                        f"`{value}` is not a number, and `{rng.column}` is `{col.type}`",
                        "a finite number",
                    )
            elif col.type in TEMPORAL and not _instant(value):
                yield Problem(
                    f"{path}.{name}",
                    f"`{value}` is not an ISO date, and `{rng.column}` is `{col.type}`",
                    '"2024-01-01" or "2024-01-01T08:00:00"',
                )
        lo, hi = parsed.get("min"), parsed.get("max")
        if col.type not in NUMERIC or (lo is None and hi is None):
            continue
        made = _output_bounds(col)
        if made is None:
            continue
        if (lo is not None and made[0] < lo) or (hi is not None and made[1] > hi):
            declared = (
                f"[{'-inf' if lo is None else f'{lo:g}'}, {'inf' if hi is None else f'{hi:g}'}]"
            )
            yield Problem(
                path,
                f"`{rng.column}` is generated in [{made[0]:g}, {made[1]:g}], past the declared "
                f"range {declared}",
                "a generator (or clamp) within the range",
            )


def enum_problems(dataset: dsl.Dataset) -> Iterator[Problem]:
    for i, enum in enumerate(dataset.constraints.enum):
        col = _column(dataset, enum.column)
        if col is None or col.modifiers:
            continue
        choices = kind_of(col).declared_values(spec_of(col))
        if not choices:
            continue
        allowed = {str(v) for v in enum.values}
        outside = [v for v in choices if str(v) not in allowed]
        if outside:
            yield Problem(
                f"constraints.enum[{i}].values",
                f"`{enum.column}` is generated from {len(outside)} value(s) the enum does not "
                f"allow: {', '.join(repr(v) for v in outside[:5])}",
                "the same values in the generator and the enum",
            )
