"""Behavioural check `conditional`: a choice or distribution `by` another column, group by
group. Each group of rows (a case of `by`, or the others) is compared with its own
declared shape: a choice's shares against the case's weights, a distribution's mean
against the case's parameters (the reference mean and spread of a clamped or rounded
distribution come from a large fixed-seed sample of the same generator)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from datagen.engine import dsl
from datagen.engine.cases import case_index, case_key
from datagen.engine.generators.choice import ChoiceSpec
from datagen.engine.generators.distribution import DistributionSpec, sample
from datagen.engine.generators.kind import kind_of
from datagen.engine.validate import stats
from datagen.engine.validate.behavioral import kind_weights
from datagen.engine.validate.context import Context, to_numpy, valid_mask
from datagen.engine.validate.registry import CheckKind
from datagen.engine.validate.report import Check
from datagen.engine.values import as_numpy

REFERENCE_DRAWS = 200_000


def run(ctx: Context) -> Iterator[Check]:
    for node in ctx.dataset.nodes:
        for col in node.columns:
            spec = dsl.generator_spec(col.generator)
            if col.modifiers or col.hidden or getattr(spec, "cases", None) is None:
                continue
            by = node.column(spec.by)
            if by is None or by.hidden:  # hidden: the groups are not in the files
                ctx.skipped.append(
                    {
                        "category": "behavioral",
                        "name": "conditional",
                        "table": node.id,
                        "column": f"{col.name},{spec.by}",
                        "reason": f"`{spec.by}` is hidden: the groups are not written",
                    }
                )
                continue
            if not ctx.ready("behavioral", "conditional", node.id, col.name, spec.by):
                continue
            check = BY_KIND.get(kind_of(col).name)
            if check is not None:
                yield check(ctx, node, col, spec)


def _groups(spec: ChoiceSpec | DistributionSpec) -> list[str]:
    return ["other", *(spec.cases or {})]


def _choice(ctx: Context, node: dsl.Node, col: dsl.Column, spec: ChoiceSpec) -> Check:
    assert spec.choices is not None and spec.cases is not None and spec.by is not None
    keys = [case_key(c) for c in spec.choices]
    width = len(keys) + 1  # the last slot: a value that is no choice
    counts = np.zeros(len(_groups(spec)) * width, dtype=np.int64)
    for batch in ctx.scan(node.id, [col.name, spec.by]):
        values, by = batch.column(col.name), batch.column(spec.by)
        group = case_index(by, ~valid_mask(by), list(spec.cases)) + 1
        position = case_index(values, None, keys)
        position = np.where(position < 0, len(keys), position)
        keep = valid_mask(values)
        counts += np.bincount(group[keep] * width + position[keep], minlength=len(counts))
    table = counts.reshape(-1, width)
    declared = [spec.weights or kind_weights(spec.weights_kind, len(keys))] + [
        c.weights for c in spec.cases.values()
    ]
    cells = int((table.sum(axis=1) > 0).sum()) * width
    found: dict[str, Any] = {}
    worst: list[dict[str, Any]] = []
    for name, row, weights in zip(_groups(spec), table, declared, strict=True):
        n = int(row.sum())
        if n == 0:
            continue
        expected = np.append(np.asarray(weights, dtype=np.float64) / sum(weights), 0.0)
        shares = row / n
        allowed = np.array([stats.share_tolerance(p, n, cells) for p in expected])
        off = np.abs(shares - expected) - allowed
        found[name] = {
            "rows": n,
            "max_share_error": round(float(np.abs(shares - expected).max()), 6),
        }
        for i in np.flatnonzero(off > 0):
            value = spec.choices[i] if i < len(keys) else "(not a choice)"
            worst.append(
                {
                    spec.by: name,
                    "value": value,
                    "observed_share": float(shares[i]),
                    "expected_share": float(expected[i]),
                    "allowed_error": float(allowed[i]),
                }
            )
    return _check(node, col, spec, found, worst)


def _distribution(ctx: Context, node: dsl.Node, col: dsl.Column, spec: DistributionSpec) -> Check:
    assert spec.cases is not None and spec.by is not None
    shapes = spec.shapes()
    moments = [stats.Moments() for _ in shapes]
    for batch in ctx.scan(node.id, [col.name, spec.by]):
        values, by = batch.column(col.name), batch.column(spec.by)
        group = case_index(by, ~valid_mask(by), list(spec.cases)) + 1
        keep = valid_mask(values)
        numbers = to_numpy(values.cast(pa.float64()).fill_null(0.0), np.float64)
        for i, m in enumerate(moments):
            m.add(numbers[keep & (group == i)])
    found: dict[str, Any] = {}
    worst: list[dict[str, Any]] = []
    comparisons = sum(1 for m in moments if m.count)
    for name, shape, m in zip(_groups(spec), shapes, moments, strict=True):
        if m.count == 0:
            continue
        reference = as_numpy(
            sample(shape, np.random.default_rng(0), REFERENCE_DRAWS), col.type
        ).astype(np.float64)
        mean, std = float(reference.mean()), float(reference.std())
        allowed = stats.mean_tolerance(std, m.count, comparisons) + 4 * std / np.sqrt(
            REFERENCE_DRAWS
        )
        found[name] = {"rows": m.count, "mean": round(m.mean, 6), "expected_mean": round(mean, 6)}
        if abs(m.mean - mean) > allowed:
            worst.append(
                {
                    spec.by: name,
                    "observed_mean": m.mean,
                    "expected_mean": mean,
                    "allowed_error": allowed,
                }
            )
    return _check(node, col, spec, found, worst)


def _check(
    node: dsl.Node,
    col: dsl.Column,
    spec: ChoiceSpec | DistributionSpec,
    found: dict[str, Any],
    worst: list[dict[str, Any]],
) -> Check:
    return Check(
        "behavioral",
        "conditional",
        node.id,
        col.name,
        not worst,
        found,
        {"by": spec.by, "groups": _groups(spec)},
        worst[:5],
        message=f"{len(worst)} group value(s) off their declared shape by `{spec.by}`"
        if worst
        else f"each group of `{spec.by}` follows its declared shape",
    )


CHECK = CheckKind(
    "conditional", "behavioral", run, "a group of a choice or distribution `by` off its shape"
)


# the kinds with per-group `cases`, and how each group's shape is checked
BY_KIND: dict[str, Callable[[Context, dsl.Node, dsl.Column, Any], Check]] = {
    "choice": _choice,
    "distribution": _distribution,
}
