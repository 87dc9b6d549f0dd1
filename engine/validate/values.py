"""Value checks: the schema's declared constraints (ranges, inequalities, patterns, enums, unique)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from datagen.engine import dsl, relations
from datagen.engine.validate.context import Context
from datagen.engine.validate.report import Check
from datagen.engine.validate.structural import parent_index


def value_checks(ctx: Context) -> Iterator[Check]:
    constraints = ctx.dataset.constraints
    for rng in constraints.ranges:
        table, column = relations.split_ref(rng.column)
        if ctx.usable(table, column):
            yield range_check(ctx, table, column, rng)
    for ineq in constraints.inequalities:
        check = inequality(ctx, ineq)
        if check is not None:
            yield check
    for pattern in constraints.pattern:
        table, column = relations.split_ref(pattern.column)
        if ctx.usable(table, column):
            yield pattern_check(ctx, table, column, pattern.regex)
    for enum in constraints.enum:
        table, column = relations.split_ref(enum.column)
        if ctx.usable(table, column):
            yield enum_check(ctx, table, column, enum.values)
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for unique in constraints.unique:
        seen.add((unique.table, tuple(unique.columns)))
        if ctx.usable(unique.table, *unique.columns):
            yield unique_check(ctx, unique.table, unique.columns)
    for node in ctx.dataset.nodes:
        for col in node.columns:
            key = (node.id, (col.name,))
            if (
                col.unique
                and col.name != node.pk
                and key not in seen
                and ctx.usable(*key[:1], col.name)
            ):
                seen.add(key)
                yield unique_check(ctx, node.id, [col.name])


def bound_scalar(bound: float | str, like: pa.DataType) -> pa.Scalar:
    """A range bound typed like the column (ISO strings for dates and datetimes)."""
    if pa.types.is_timestamp(like) or pa.types.is_date(like):
        instant = dsl.parse_instant(str(bound)).astype("datetime64[us]")
        return pa.scalar(instant, pa.timestamp("us")).cast(like)
    if pa.types.is_string(like) or pa.types.is_large_string(like):
        return pa.scalar(str(bound))
    return pa.scalar(float(bound))


def range_check(ctx: Context, table: str, column: str, rng: dsl.RangeConstraint) -> Check:
    values = ctx.column(table, column)
    outside = pa.chunked_array([pa.array([], pa.bool_())]) if len(values) == 0 else None
    if outside is None:
        checks = []
        if rng.min is not None:
            checks.append(pc.less(values, bound_scalar(rng.min, values.type)))
        if rng.max is not None:
            checks.append(pc.greater(values, bound_scalar(rng.max, values.type)))
        outside = checks[0] if checks else pc.is_null(values)
        for more in checks[1:]:
            outside = pc.or_(outside, more)
        outside = pc.fill_null(outside, False)
    bad = pc.sum(outside).as_py() or 0
    extremes = pc.min_max(values)
    return Check(
        "value",
        "range",
        table,
        column,
        bad == 0,
        {"min": extremes["min"], "max": extremes["max"]},
        {"min": rng.min, "max": rng.max},
        ctx.row_examples(table, outside, {column: values}) if bad else [],
        message=f"{bad} value(s) outside the range" if bad else "",
    )


OPS = {"<": pc.less, "<=": pc.less_equal, ">": pc.greater, ">=": pc.greater_equal}


def _aligned(left: Any, right: Any) -> tuple[Any, Any]:
    """Make two columns comparable: dates meet datetimes as timestamps."""
    temporal = (pa.types.is_date, pa.types.is_timestamp)
    lt, rt = left.type, right.type
    if lt != rt and any(f(lt) for f in temporal) and any(f(rt) for f in temporal):
        left, right = left.cast(pa.timestamp("us")), right.cast(pa.timestamp("us"))
    return left, right


def inequality(ctx: Context, ineq: dsl.Inequality) -> Check | None:
    left_table, left_col = relations.split_ref(ineq.left)
    right_table, right_col = relations.split_ref(ineq.right)
    if not (ctx.usable(left_table, left_col) and ctx.usable(right_table, right_col)):
        return None
    name = f"{ineq.left} {ineq.op} {ineq.right}"
    if left_table == right_table:
        table = left_table
        left = ctx.column(table, left_col)
        right = ctx.column(table, right_col)
        shown = {left_col: left, right_col: right}
        via = ""
    else:
        # child vs. parent: bring the parent's value to each child row through the FK
        fk = relations.fk_between(ctx.dataset, left_table, right_table)
        child_is_left = fk is not None
        if fk is None:
            fk = relations.fk_between(ctx.dataset, right_table, left_table)
        if fk is None or not (
            ctx.usable(fk.table, fk.column) and ctx.usable(fk.ref_table, fk.ref_column)
        ):
            return Check(
                "value",
                "inequality",
                left_table,
                left_col,
                False,
                None,
                name,
                message=f"no usable foreign key between {left_table} and {right_table}",
            )
        table = fk.table
        _, index = parent_index(ctx, fk)
        child_col, parent_col = (left_col, right_col) if child_is_left else (right_col, left_col)
        child_values = ctx.column(table, child_col)
        parent_values = ctx.column(fk.ref_table, parent_col).take(index)
        left, right = (
            (child_values, parent_values) if child_is_left else (parent_values, child_values)
        )
        shown = {
            child_col: child_values,
            fk.column: ctx.column(table, fk.column),
            f"{fk.ref_table}.{parent_col}": parent_values,
        }
        via = f" (through {table}.{fk.column})"
    left, right = _aligned(left, right)
    holds = OPS[ineq.op](left, right)
    broken = pc.fill_null(pc.invert(holds), False)
    bad = pc.sum(broken).as_py() or 0
    compared = len(holds) - holds.null_count
    return Check(
        "value",
        "inequality",
        table,
        left_col if table == left_table else right_col,
        bad == 0,
        {"violations": bad, "compared": compared},
        name,
        ctx.row_examples(table, broken, shown) if bad else [],
        message=f"{bad} of {compared} row(s) break {name}{via}" if bad else f"{name}{via}",
    )


def _full_match(values: pa.ChunkedArray, regex: str) -> pa.ChunkedArray:
    """Whether each value matches the whole regex (RE2 in Arrow, Python's re as a fallback)."""
    try:
        return pc.match_substring_regex(values, f"^(?:{regex})$")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        # RE2 lacks look-arounds and back-references: test each distinct value in Python
        compiled = re.compile(regex)
        distinct = pc.unique(values.drop_null()).to_pylist()
        matching = pa.array([v for v in distinct if compiled.fullmatch(str(v))], values.type)
        return pc.if_else(pc.is_null(values), None, pc.is_in(values, value_set=matching))


def pattern_check(ctx: Context, table: str, column: str, regex: str) -> Check:
    values = ctx.column(table, column)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = values.cast(pa.string())
    mismatch = pc.fill_null(pc.invert(_full_match(values, regex)), False)
    bad = pc.sum(mismatch).as_py() or 0
    return Check(
        "value",
        "pattern",
        table,
        column,
        bad == 0,
        bad,
        regex,
        ctx.row_examples(table, mismatch, {column: values}) if bad else [],
        message=f"{bad} value(s) do not fully match /{regex}/" if bad else "",
    )


def enum_check(ctx: Context, table: str, column: str, allowed: list[Any]) -> Check:
    values = ctx.column(table, column)
    try:
        value_set = pa.array(allowed).cast(values.type)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        values = values.cast(pa.string())
        value_set = pa.array([str(v) for v in allowed], pa.string())
    outside = pc.fill_null(pc.invert(pc.is_in(values, value_set=value_set)), False)
    bad = pc.sum(outside).as_py() or 0
    unknown: list[Any] = []
    if bad:
        unknown = pc.unique(values.filter(outside))[:10].to_pylist()
    return Check(
        "value",
        "enum",
        table,
        column,
        bad == 0,
        {"outside": bad, "unknown_values": unknown},
        allowed,
        ctx.row_examples(table, outside, {column: values}) if bad else [],
        message=f"{bad} value(s) outside the allowed set" if bad else "",
    )


def unique_check(ctx: Context, table: str, columns: list[str]) -> Check:
    # SQL semantics: rows with a null in the key are not compared
    rows = ctx.sources[table].read(columns)
    keyed = rows.filter(
        np.logical_and.reduce([rows.column(c).is_valid().to_numpy() for c in columns])
        if len(rows)
        else pa.array([], pa.bool_())
    )
    groups = keyed.group_by(columns, use_threads=False).aggregate([([], "count_all")])
    repeated = groups.filter(pc.greater(groups.column("count_all"), 1))
    duplicates = keyed.num_rows - groups.num_rows
    examples = [
        {**{c: row[c] for c in columns}, "count": row["count_all"]}
        for row in repeated.slice(0, 5).to_pylist()
    ]
    return Check(
        "value",
        "unique",
        table,
        ",".join(columns),
        duplicates == 0,
        duplicates,
        0,
        examples,
        message=f"{duplicates} duplicate row(s) of ({', '.join(columns)})" if duplicates else "",
    )
