"""Behavioural checks of what the generators declare, and helpers of the target checks.

Implied checks compare what a generator kind declares with what the data
shows: choice weights (a kind's `picks`), hour/dow/month patterns (its
`time_shape`), the fanout's mean and null rates. The schema's targets
(weekend_share, mean_in_range, seasonality, composite_effect) are one module
each in engine/validate/checks/, their bands widened by the sampling error
of the estimate. Every tolerance comes from the sample size (see stats.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine import dsl, relations
from datagen.engine.fanout import describe_fanout
from datagen.engine.generators.kind import Picks, TimeShape, kind_of, spec_of
from datagen.engine.modifiers.kind import modifier_of
from datagen.engine.validate import stats, time_cells
from datagen.engine.validate.context import Context, to_numpy, valid_mask
from datagen.engine.validate.report import Check
from datagen.engine.validate.structural import fanout_groups
from datagen.engine.validate.values import Extremes


def declared_checks(ctx: Context) -> Iterator[Check]:
    """What the generators and the schema declare, checked in the data: choice weights,
    hour/dow/month patterns, null rates, the fanout's mean."""
    # the engine moves rows that break an inequality, so their timestamps no longer
    # follow the generator's pattern: those columns get no pattern check
    repaired = {relations.split_ref(i.left) for i in ctx.dataset.constraints.inequalities}
    for node in ctx.dataset.nodes:
        if node.id not in ctx.sources:
            continue
        for col in node.columns:
            if not ctx.usable(node.id, col.name):
                continue
            kind, spec = kind_of(col), spec_of(col)
            picks = None if col.modifiers else kind.picks(spec)
            if picks is not None:
                check = choice_weights(ctx, node, col, picks)
                if check is not None:
                    yield check
            shape = kind.time_shape(spec, ctx.dataset)
            if (
                shape is not None
                and not any(modifier_of(m).moves_time for m in col.modifiers)
                and (node.id, col.name) not in repaired
            ):
                yield from time_patterns(ctx, node, col, shape)
            if col.nullable and col.null_rate > 0:
                yield null_rate(ctx, node, col)
        if node.kind == "fact" and node.fanout is not None:
            check = fanout_mean(ctx, node, node.fanout)
            if check is not None:
                yield check


# --------------------------------------------------------------------------- targets


def series_window(ctx: Context, node: dsl.Node, column: str) -> tuple[np.datetime64, np.datetime64]:
    """The window a datetime column was drawn from: its generator's, else the data's span."""
    col = node.column(column)
    if col is not None:
        shape = time_cells.column_shape(ctx.dataset, col)
        if shape is not None:
            return time_cells.shape_window(shape)
    extremes = Extremes()
    for batch in ctx.scan(node.id, [column]):
        extremes.add(batch.column(column).cast(pa.timestamp("us")))
    first = np.datetime64(extremes.low, "us")
    last = np.datetime64(extremes.high, "us")
    return first, last + np.timedelta64(1, "h")


def floats(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A numeric batch as float64 (nulls as 0) and its validity mask."""
    numbers = to_numpy(pc.fill_null(values.cast(pa.float64()), 0.0), np.float64)
    return numbers, valid_mask(values)


def by_label(values: np.ndarray, present: np.ndarray, labels: list[str]) -> dict[str, float]:
    return {labels[i]: round(float(values[i]), 4) for i in range(len(labels)) if present[i]}


def empty_check(name: str, table: str, column: str | None) -> Check:
    return Check(
        "behavioral", name, table, column, False, None, "data", message="no non-null values"
    )


def _choice_key(value: Any, declared: str) -> Any:
    if declared == "float":
        return float(value)
    if declared == "int":
        return int(value) if float(value).is_integer() else float(value)
    if declared == "bool":
        return value if isinstance(value, bool) else str(value).lower() in ("true", "1")
    return str(value)


def choice_weights(ctx: Context, node: dsl.Node, col: dsl.Column, spec: Picks) -> Check | None:
    """Observed frequencies vs. the declared weights (explicit, or from `weights_kind`).

    With `choices_ref` the choices are the referenced column's distinct values;
    only a uniform pick is checked there (a skew depends on their order).
    """
    choices = spec.choices
    if choices is None:
        choices = referenced_choices(ctx, spec)
        if choices is None:
            return None
    if spec.weights is not None:
        weights = list(spec.weights)
    else:
        weights = kind_weights(spec.weights_kind, len(choices))
    expected: dict[Any, float] = {}
    for choice, weight in zip(choices, weights, strict=True):
        key = _choice_key(choice, col.type)
        expected[key] = expected.get(key, 0.0) + weight
    total = sum(expected.values())
    expected = {k: w / total for k, w in expected.items()}
    observed: dict[Any, int] = {}
    for batch in ctx.scan(node.id, [col.name]):
        for item in pc.value_counts(batch.column(col.name).drop_null()).to_pylist():
            key = _choice_key(item["values"], col.type)
            observed[key] = observed.get(key, 0) + item["counts"]
    n = sum(observed.values())
    if n == 0:
        return None  # nothing drawn (all null, or no rows): no weights to compare
    keys = list(expected) + [k for k in observed if k not in expected]
    comparisons = len(keys)
    rows = []
    for key in keys:
        p = expected.get(key, 0.0)
        share = observed.get(key, 0) / n
        allowed = stats.share_tolerance(p, n, comparisons)
        rows.append((abs(share - p) - allowed, key, share, p, allowed))
    rows.sort(key=lambda r: -r[0])
    bad = [r for r in rows if r[0] > 0]
    return Check(
        "behavioral",
        "choice_weights",
        node.id,
        col.name,
        not bad,
        {"max_share_error": max(abs(r[2] - r[3]) for r in rows), "rows": n},
        {"shares": {str(k): round(p, 6) for k, p in expected.items()}},
        [
            {"value": key, "observed_share": share, "expected_share": p, "allowed_error": allowed}
            for _, key, share, p, allowed in bad[:5]
        ],
        message=f"{len(bad)} value(s) drawn off their weight" if bad else "",
        sample=n,
    )


MAX_REFERENCED_CHOICES = 10_000


def referenced_choices(ctx: Context, spec: Picks) -> list[Any] | None:
    """The distinct values of a `choices_ref` column, when picked uniformly from few enough."""
    if spec.ref is None or spec.weights_kind != "uniform":
        return None
    table, column = relations.split_ref(spec.ref)
    if not ctx.usable(table, column):
        return None
    distinct: dict[Any, None] = {}
    for batch in ctx.scan(table, [column]):
        distinct.update(dict.fromkeys(pc.unique(batch.column(column).drop_null()).to_pylist()))
        if len(distinct) > MAX_REFERENCED_CHOICES:
            return None
    return list(distinct) or None


def kind_weights(kind: str, n: int) -> list[float]:
    """The weights `weights_kind` gives n choices in their listed order (per the DSL):
    uniform; zipf@A: 1/rank^A; head_tail@{H,A}: the first round(H x n) choices (at least
    one, at most n-1) share A of the picks, the rest share 1-A."""
    if kind.startswith("zipf@"):
        exponent = float(kind.split("@", 1)[1])
        return [1.0 / (rank**exponent) for rank in range(1, n + 1)]
    match = re.match(r"head_tail@\{?([0-9.]+),([0-9.]+)\}?$", kind)
    if match and n > 1:
        share, mass = float(match.group(1)), float(match.group(2))
        head = max(1, min(n - 1, round(n * share)))
        return [mass / head] * head + [(1 - mass) / (n - head)] * (n - head)
    return [1.0] * n


def time_patterns(
    ctx: Context, node: dsl.Node, col: dsl.Column, shape: TimeShape
) -> Iterator[Check]:
    """Shares per hour / weekday / month vs. the shares the declared patterns imply."""
    if not shape.patterns:
        return
    window = time_cells.shape_window(shape)
    dimensions = list(dict.fromkeys(p.dimension for p in shape.patterns))
    day_resolution = col.type == "date" or shape.freq == "D"
    for dimension in dimensions:
        if dimension == "hour" and day_resolution:
            continue
        expected = time_cells.expected_shares(*window, shape.patterns, dimension)
        size = len(expected)
        labels = time_cells.LABELS[dimension]
        counts = time_cells.bin_counts(ctx.bins(node.id, col.name, dimension), size)
        n = int(counts.sum())
        if n == 0:
            continue  # nothing drawn: no shares to compare
        observed = counts / n
        # bins the window never reaches are not compared
        compared = [b for b in range(size) if expected[b] > 0 or observed[b] > 0]
        allowed = np.array(
            [stats.share_tolerance(float(expected[b]), n, len(compared)) for b in range(size)]
        )
        errors = np.abs(observed - expected)
        bad = [b for b in compared if errors[b] > allowed[b]]
        bad.sort(key=lambda b: -(errors[b] - allowed[b]))
        yield Check(
            "behavioral",
            f"{dimension}_pattern",
            node.id,
            col.name,
            not bad,
            {
                "max_share_error": float(errors.max()),
                "shares": by_label(observed, expected > -1, labels),
            },
            {"shares": by_label(expected, expected > -1, labels)},
            [
                {
                    "bin": labels[b],
                    "observed_share": observed[b],
                    "expected_share": expected[b],
                    "allowed_error": allowed[b],
                }
                for b in bad[:5]
            ],
            message=f"{len(bad)} {dimension} bin(s) off the declared pattern" if bad else "",
            sample=n,
        )


def null_rate(ctx: Context, node: dsl.Node, col: dsl.Column) -> Check:
    n = ctx.num_rows(node.id)
    nulls = ctx.sources[node.id].null_count(col.name)
    share = nulls / n if n else math.nan
    allowed = stats.share_tolerance(col.null_rate, n)
    ok = n > 0 and abs(share - col.null_rate) <= allowed
    return Check(
        "behavioral",
        "null_rate",
        node.id,
        col.name,
        ok,
        share,
        {"null_rate": col.null_rate, "allowed_error": allowed},
        message=f"{nulls} null(s) in {n} rows",
        sample=n,
    )


def fanout_mean(ctx: Context, node: dsl.Node, fanout: dsl.Fanout) -> Check | None:
    """The observed children per parent vs. the declared mean; with `by`, per group of
    parents (each case's mean within its own tolerance)."""
    from datagen.engine.fanout import shapes

    groups = fanout_groups(ctx, node)
    if groups is None or len(groups[0]) == 0:
        return None
    counts, cases = groups
    names = ["other", *(fanout.cases or {})]
    found: dict[str, dict[str, float]] = {}
    ok = True
    for i, shape in enumerate(shapes(fanout)):
        group = counts[cases == i - 1]
        if len(group) == 0:
            continue
        mean, variance = stats.fanout_moments(shape)
        allowed = stats.mean_tolerance(math.sqrt(variance), len(group))
        observed = float(group.mean())
        ok &= abs(observed - mean) <= allowed
        found[names[i]] = {"observed": observed, "mean": mean, "allowed_error": allowed}
    described = describe_fanout(fanout)
    if not fanout.cases:
        only = found["other"]
        measured: Any = only["observed"]
        expected: Any = {"mean": only["mean"], "allowed_error": only["allowed_error"]}
    else:
        measured = {name: round(g["observed"], 6) for name, g in found.items()}
        expected = {
            name: {"mean": g["mean"], "allowed_error": g["allowed_error"]}
            for name, g in found.items()
        }
    return Check(
        "behavioral",
        "fanout_mean",
        node.id,
        None,
        ok,
        measured,
        expected,
        message=f"children per {node.parents[0]} row over {len(counts)} parents; "
        f"declared {described}",
        sample=len(counts),
    )
