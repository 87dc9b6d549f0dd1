"""Value check `aggregate`: a parent's aggregate column, recomputed from the written children.

The child expression is evaluated over the child's written columns (the same
compiled expression the engine ran), grouped by the child's foreign key and
aggregated by DuckDB, joined to the parent's key, passed through the
column's expression modifiers (e.g. `round(value, 2)`) and compared: exactly
for ints, strings, bools and dates; a `decimal(p, s)` column exactly too (the
sum is DuckDB's exact DECIMAL sum rounded half away from zero to s digits, as
the engine rounds it); other floats within 1e-6 (relative), or one cent more
when a modifier rounds. An aggregate over hidden child columns or
random draws cannot be recomputed from the files: it is listed as skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from datagen.engine import dsl, relations
from datagen.engine.expressions import Scope, compiled, with_nulls
from datagen.engine.generators.aggregate import AggregateSpec, aggregate_columns, empty_value
from datagen.engine.logical import decimal_digits
from datagen.engine.validate.context import Context, to_numpy, valid_mask
from datagen.engine.validate.registry import CheckKind
from datagen.engine.validate.report import Check

ROUNDED = {"sum", "mean", "min", "max", "first", "last"}  # a decimal column rounds these
SQL_AGGREGATES = {
    "sum": "sum(v)",
    "count": "count(*) filter (where v)",
    "min": "min(v)",
    "max": "max(v)",
    "mean": "avg(v)",
    "first": "arg_min(v, r)",
    "last": "arg_max(v, r)",
    "any": "bool_or(v)",
    "all": "bool_and(v)",
}


def aggregate_checks(ctx: Context) -> Iterator[Check]:
    for node in ctx.dataset.nodes:
        for col, spec in aggregate_columns(node):
            check = _check(ctx, node, col, spec)
            if check is not None:
                yield check


def _skip(ctx: Context, table: str, column: str, reason: str) -> None:
    ctx.skipped.append(
        {
            "category": "value",
            "name": "aggregate",
            "table": table,
            "column": column,
            "reason": reason,
        }
    )


def _check(ctx: Context, node: dsl.Node, col: dsl.Column, spec: AggregateSpec) -> Check | None:
    child = ctx.dataset.node(spec.child)
    fk = relations.fk_between(ctx.dataset, spec.child, node.id) if child else None
    if child is None or fk is None or node.pk is None:
        _skip(ctx, node.id, col.name, f"no key from `{spec.child}` to `{node.id}`")
        return None
    expression = compiled(spec.expr) if spec.expr is not None else None
    names = sorted(expression.names) if expression else []
    hidden = [n for n in names if child.column(n) is None]
    if hidden:
        _skip(
            ctx, node.id, col.name, f"reads hidden column(s) of `{child.id}`: {', '.join(hidden)}"
        )
        return None
    if expression is not None and (expression.random or "siblings" in expression.uses):
        _skip(ctx, node.id, col.name, "the expression draws random values or reads siblings")
        return None
    modifiers = list(col.modifiers)
    if any(m.transform != "expression" for m in modifiers) or any(
        compiled(m.args.expr).random or compiled(m.args.expr).names - {"value"} for m in modifiers
    ):
        _skip(ctx, node.id, col.name, "modifiers other than expressions of `value` change it")
        return None
    if not ctx.ready("value", "aggregate", child.id, fk.column, *names):
        return None
    if not ctx.ready("value", "aggregate", node.id, node.pk, col.name):
        return None
    digits = decimal_digits(col.format)
    scale = digits[1] if digits is not None and spec.fn in ROUNDED else None
    expected, float_children = _recompute(ctx, node, col, spec, fk.column, names, scale)
    for mod in modifiers:
        expected = _apply(mod.args.expr, expected)
    actual = _column(ctx, node.id, node.pk, col.name)
    rounded = bool(modifiers) or (scale is not None and float_children)
    bad = _mismatches(actual, expected, col.type, rounded=rounded, scale=scale)
    examples = [
        {
            node.pk: _py(actual["key"][i]),
            col.name: _py(actual["value"][i]),
            "expected": _py(expected[i]),
        }
        for i in np.flatnonzero(bad)[:5]
    ]
    what = f"{spec.fn}({spec.child}: {spec.expr})" if spec.expr else f"count({spec.child})"
    count = int(bad.sum())
    return Check(
        "value",
        "aggregate",
        node.id,
        col.name,
        count == 0,
        {"mismatches": count},
        {"equals": what},
        examples,
        message=f"{count} row(s) differ from {what}" if count else "",
    )


def _column(ctx: Context, table: str, key: str, column: str) -> dict[str, Any]:
    keys, values, valid = [], [], []
    for batch in ctx.scan(table, [key, column]):
        keys.append(to_numpy(batch.column(key)))
        raw = batch.column(column)
        valid.append(valid_mask(raw))
        values.append(raw.to_numpy(zero_copy_only=False))
    return {
        "key": np.concatenate(keys) if keys else np.zeros(0, np.int64),
        "value": np.concatenate(values) if values else np.zeros(0),
        "valid": np.concatenate(valid) if valid else np.zeros(0, bool),
    }


def _recompute(
    ctx: Context,
    node: dsl.Node,
    col: dsl.Column,
    spec: AggregateSpec,
    fk_column: str,
    names: list[str],
    scale: int | None = None,
) -> tuple[np.ndarray, bool]:
    """The aggregate per parent row, in the parent's file order (None where null), rounded
    to `scale` digits for a decimal column; and whether the children's values are floats
    (whose sum may round a half unit the other way)."""
    pieces: list[pa.Table] = []
    row = 0
    float_children = False
    for batch in ctx.scan(spec.child, [fk_column, *names]):
        n = batch.num_rows
        if spec.expr is None:
            v: Any = np.ones(n, bool)
        else:
            env = {}
            for name in names:
                raw = batch.column(name)
                env[name] = with_nulls(raw.to_numpy(zero_copy_only=False), ~valid_mask(raw))
            v = np.broadcast_to(np.asarray(compiled(spec.expr)(Scope(env, n))), (n,))
        fk = batch.column(fk_column)
        pieces.append(
            pa.table(
                {
                    "fk": fk,
                    "v": pa.array(v, from_pandas=True),
                    "r": pa.array(np.arange(row, row + n, dtype=np.int64)),
                }
            )
        )
        row += n
    children = pa.concat_tables(pieces, promote_options="permissive") if pieces else None
    parent = _column(ctx, node.id, node.pk or "", col.name)
    keys = pa.table({"k": parent["key"], "i": np.arange(len(parent["key"]), dtype=np.int64)})
    import duckdb  # on use: `datagen validate --help` does not pay for it

    con = duckdb.connect()
    try:
        con.register("parent_keys", keys)
        if children is None:
            found = np.full(len(parent["key"]), None, dtype=object)
        else:
            con.register("child_values", children)
            aggregate = SQL_AGGREGATES[spec.fn]
            if spec.fn == "count" and not pa.types.is_boolean(children.schema.field("v").type):
                aggregate = "count(v)"  # count of an expression that is not a condition: non-nulls
            v_type = children.schema.field("v").type
            float_children = pa.types.is_floating(v_type)
            if scale is not None:  # DECIMAL's round is exact, half away from zero
                aggregate = f"round({aggregate}, {scale})"
            sql = (
                f"select a.x from parent_keys p left join (select fk, {aggregate} "
                "as x from child_values group by fk) a on a.fk = p.k order by p.i"
            )
            x = con.sql(sql).fetchnumpy()["x"]
            found = np.asarray(np.ma.getdata(x)).astype(object)
            found[np.ma.getmaskarray(x)] = None
    finally:
        con.close()
    default = empty_value(spec)
    values = np.array([default if _is_missing(v) else v for v in found], dtype=object)
    return values, float_children


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(np.isnat(value)) if isinstance(value, np.datetime64) else False
    except TypeError:
        return False


def _apply(source: str, values: np.ndarray) -> np.ndarray:
    missing = np.array([v is None for v in values], bool)
    numeric = np.where(missing, np.nan, values).astype(np.float64) if len(values) else values
    out = np.broadcast_to(
        np.asarray(compiled(source)(Scope({"value": numeric}, len(values)))), (len(values),)
    )
    result = out.astype(object)
    result[missing] = None
    return result


def _mismatches(
    actual: dict[str, Any],
    expected: np.ndarray,
    kind: str,
    *,
    rounded: bool,
    scale: int | None = None,
) -> np.ndarray:
    valid = actual["valid"]
    values = actual["value"]
    expected_null = np.array([v is None for v in expected], bool)
    bad = valid == expected_null
    both = valid & ~expected_null
    if not both.any():
        return bad
    got = values[both]
    want = expected[both]
    if kind == "float":
        g = got.astype(np.float64)
        w = want.astype(np.float64)
        if scale is not None:  # both rounded to the scale: equal within half a unit
            tolerance = np.full(len(w), 0.5 * 10.0**-scale) + (0.011 if rounded else 0.0)
        else:
            tolerance = 1e-6 * np.maximum(1.0, np.abs(w)) + (0.011 if rounded else 0.0)
        differ = ~(np.abs(g - w) <= tolerance)
    elif kind in ("date", "datetime"):
        differ = got.astype("datetime64[us]") != np.array(list(want), dtype="datetime64[us]")
    elif kind == "int":
        differ = got.astype(np.int64) != np.rint(want.astype(np.float64)).astype(np.int64)
    elif kind == "bool":
        differ = got.astype(bool) != want.astype(bool)
    else:
        differ = got.astype(str) != want.astype(str)
    bad[np.flatnonzero(both)[differ]] = True
    return bad


def _py(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


CHECK = CheckKind(
    "aggregate", "value", aggregate_checks, "a parent's aggregate differs from its children's"
)
