"""Value checks: the schema's declared constraints (ranges, inequalities, patterns, enums, unique)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine import dsl, relations
from datagen.engine.validate.aggregates import aggregate_checks
from datagen.engine.validate.context import Context, true_mask, valid_mask
from datagen.engine.validate.lookups import filtered_fk_checks
from datagen.engine.validate.report import Check
from datagen.engine.validate.structural import unique_keys


def value_checks(ctx: Context) -> Iterator[Check]:
    constraints = ctx.dataset.constraints
    for rng in constraints.ranges:
        table, column = relations.split_ref(rng.column)
        if ctx.ready("value", "range", table, column):
            yield range_check(ctx, table, column, rng)
    for ineq in constraints.inequalities:
        check = inequality(ctx, ineq)
        if check is not None:
            yield check
    for pattern in constraints.pattern:
        table, column = relations.split_ref(pattern.column)
        if ctx.ready("value", "pattern", table, column):
            yield pattern_check(ctx, table, column, pattern.regex)
    for enum in constraints.enum:
        table, column = relations.split_ref(enum.column)
        if ctx.ready("value", "enum", table, column):
            yield enum_check(ctx, table, column, enum.values)
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for unique in constraints.unique:
        seen.add((unique.table, tuple(unique.columns)))
        if ctx.ready("value", "unique", unique.table, *unique.columns):
            yield unique_check(ctx, unique.table, unique.columns)
    for node in ctx.dataset.nodes:
        for col in node.columns:
            key = (node.id, (col.name,))
            if (
                col.unique
                and col.name != node.pk
                and key not in seen
                and ctx.ready("value", "unique", node.id, col.name)
            ):
                seen.add(key)
                yield unique_check(ctx, node.id, [col.name])
    yield from aggregate_checks(ctx)
    yield from filtered_fk_checks(ctx)


def bound_scalar(bound: float | str, like: pa.DataType) -> pa.Scalar:
    """A range bound typed like the column (ISO strings for dates and datetimes)."""
    if pa.types.is_timestamp(like) or pa.types.is_date(like):
        instant = dsl.parse_instant(str(bound)).astype("datetime64[us]")
        return pa.scalar(instant, pa.timestamp("us")).cast(like)
    if pa.types.is_string(like) or pa.types.is_large_string(like):
        return pa.scalar(str(bound))
    return pa.scalar(float(bound))


class Extremes:
    """Running min and max over batches."""

    def __init__(self) -> None:
        self.low: object = None
        self.high: object = None

    def add(self, values: pa.Array) -> None:
        found = pc.min_max(values)
        low, high = found["min"].as_py(), found["max"].as_py()
        if low is not None and (self.low is None or low < self.low):
            self.low = low
        if high is not None and (self.high is None or high > self.high):
            self.high = high


def range_check(ctx: Context, table: str, column: str, rng: dsl.RangeConstraint) -> Check:
    bad = 0
    extremes = Extremes()
    found = ctx.examples(table)
    column_type = ctx.sources[table].schema.field(column).type
    like = column_type.value_type if pa.types.is_dictionary(column_type) else column_type
    low = None if rng.min is None else bound_scalar(rng.min, like)
    high = None if rng.max is None else bound_scalar(rng.max, like)
    for batch in ctx.scan(table, [column], with_pk=True):
        values = batch.column(column)
        extremes.add(values)
        outside = np.zeros(batch.num_rows, dtype=bool)
        if low is not None:
            outside |= true_mask(pc.less(values, low))
        if high is not None:
            outside |= true_mask(pc.greater(values, high))
        count = int(outside.sum())
        if count:
            bad += count
            found.add(batch, outside, {column: values})
    return Check(
        "value",
        "range",
        table,
        column,
        bad == 0,
        {"min": extremes.low, "max": extremes.high},
        {"min": rng.min, "max": rng.max},
        found.rows,
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
    if not (
        ctx.ready("value", "inequality", left_table, left_col)
        and ctx.ready("value", "inequality", right_table, right_col)
    ):
        return None
    name = f"{ineq.left} {ineq.op} {ineq.right}"
    compare = OPS[ineq.op]
    bad = compared = 0
    if left_table == right_table:
        table, via = left_table, ""
        found = ctx.examples(table)
        for batch in ctx.scan(table, [left_col, right_col], with_pk=True):
            left, right = _aligned(batch.column(left_col), batch.column(right_col))
            holds = compare(left, right)
            broken = true_mask(pc.invert(holds))
            compared += len(holds) - holds.null_count
            if broken.any():
                bad += int(broken.sum())
                found.add(batch, broken, {left_col: left, right_col: right})
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
        table, via = fk.table, f" (through {fk.table}.{fk.column})"
        child_col, parent_col = (left_col, right_col) if child_is_left else (right_col, left_col)
        index = ctx.key_index(fk.ref_table, fk.ref_column)
        parent_values = ctx.column(fk.ref_table, parent_col)
        found = ctx.examples(table)
        shown_parent = f"{fk.ref_table}.{parent_col}"
        for batch in ctx.scan(table, [child_col, fk.column], with_pk=True):
            rows = index.rows(batch.column(fk.column))
            parent = parent_values.take(pa.array(rows, mask=rows < 0))
            child = batch.column(child_col)
            left, right = (child, parent) if child_is_left else (parent, child)
            holds = compare(*_aligned(left, right))
            broken = true_mask(pc.invert(holds))
            compared += len(holds) - holds.null_count
            if broken.any():
                bad += int(broken.sum())
                found.add(
                    batch,
                    broken,
                    {child_col: child, fk.column: batch.column(fk.column), shown_parent: parent},
                )
    return Check(
        "value",
        "inequality",
        table,
        left_col if table == left_table else right_col,
        bad == 0,
        {"violations": bad, "compared": compared},
        name,
        found.rows,
        message=f"{bad} of {compared} row(s) break {name}{via}" if bad else f"{name}{via}",
    )


def _full_match(values: pa.Array, regex: str) -> pa.Array:
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
    bad = 0
    found = ctx.examples(table)
    for batch in ctx.scan(table, [column], with_pk=True):
        values = batch.column(column)
        if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
            values = values.cast(pa.string())
        mismatch = true_mask(pc.invert(_full_match(values, regex)))
        if mismatch.any():
            bad += int(mismatch.sum())
            found.add(batch, mismatch, {column: values})
    return Check(
        "value",
        "pattern",
        table,
        column,
        bad == 0,
        bad,
        regex,
        found.rows,
        message=f"{bad} value(s) do not fully match /{regex}/" if bad else "",
    )


def enum_check(ctx: Context, table: str, column: str, allowed: list[Any]) -> Check:
    bad = 0
    unknown: dict[Any, None] = {}
    found = ctx.examples(table)
    for batch in ctx.scan(table, [column], with_pk=True):
        values = batch.column(column)
        try:
            value_set = pa.array(allowed).cast(values.type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            values = values.cast(pa.string())
            value_set = pa.array([str(v) for v in allowed], pa.string())
        # is_in says False for a null: nulls are not values outside the set
        outside = true_mask(pc.invert(pc.is_in(values, value_set=value_set)))
        outside &= valid_mask(values)
        if outside.any():
            bad += int(outside.sum())
            if len(unknown) < 10:
                unknown.update(
                    dict.fromkeys(pc.unique(values.filter(pa.array(outside))).to_pylist())
                )
            found.add(batch, outside, {column: values})
    return Check(
        "value",
        "enum",
        table,
        column,
        bad == 0,
        {"outside": bad, "unknown_values": list(unknown)[:10]},
        allowed,
        found.rows,
        message=f"{bad} value(s) outside the allowed set" if bad else "",
    )


def unique_check(ctx: Context, table: str, columns: list[str]) -> Check:
    """SQL semantics: rows with a null in the key are not compared."""
    if len(columns) == 1:
        # like a primary key: the whole column, sorted rather than hashed
        extra, repeated = unique_keys(ctx, table, columns[0])
        examples = [{columns[0]: key, "count": count} for key, count in repeated]
    else:
        rows = ctx.sources[table].read(columns)
        keep = np.logical_and.reduce([valid_mask(rows.column(c)) for c in columns])
        keyed = rows.filter(pa.array(keep))
        groups = keyed.group_by(columns, use_threads=False).aggregate([([], "count_all")])
        repeated_rows = groups.filter(pc.greater(groups.column("count_all"), 1))
        extra = keyed.num_rows - groups.num_rows
        examples = [
            {**{c: row[c] for c in columns}, "count": row["count_all"]}
            for row in repeated_rows.slice(0, 5).to_pylist()
        ]
    return Check(
        "value",
        "unique",
        table,
        ",".join(columns),
        extra == 0,
        extra,
        0,
        examples,
        message=f"{extra} duplicate row(s) of ({', '.join(columns)})" if extra else "",
    )
