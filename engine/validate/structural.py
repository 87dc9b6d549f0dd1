"""Structural checks: tables and columns present and typed, keys, nullability, row counts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine import dsl, relations
from datagen.engine.fanout import fanout_span
from datagen.engine.generators.kind import kinds_with_specs
from datagen.engine.logical import format_of
from datagen.engine.validate import keys
from datagen.engine.validate.context import Context, valid_mask
from datagen.engine.validate.report import Check
from datagen.engine.validate.source import (
    PHYSICAL_TYPE,
    declared_type,
    type_family,
    type_matches,
)

DEFAULT_ENTITY_ROWS = 1000


def structural_checks(ctx: Context) -> Iterator[Check]:
    for node in ctx.dataset.nodes:
        yield table_present(ctx, node)
        if node.id not in ctx.sources:
            continue
        yield columns_match(ctx, node)
        for col in node.columns:
            if col.name in ctx.sources[node.id].names:
                yield column_type(ctx, node, col)
    for node in ctx.dataset.nodes:
        if node.id not in ctx.sources:
            continue
        count = row_count(ctx, node)
        if count is not None:
            yield count
        if node.pk and ctx.usable(node.id, node.pk):
            yield from primary_key(ctx, node, node.pk)
        for col in node.columns:
            if col.name != node.pk and not col.nullable and ctx.usable(node.id, col.name):
                yield not_null(ctx, node, col)
    for fk in relations.foreign_keys(ctx.dataset):
        if ctx.ready("structural", "fk_resolves", fk.table, fk.column) and ctx.ready(
            "structural", "fk_resolves", fk.ref_table, fk.ref_column
        ):
            yield fk_resolves(ctx, fk)
    for node in ctx.dataset.nodes:
        if node.kind == "fact" and node.fanout is not None:
            check = fanout_bounds(ctx, node, node.fanout)
            if check is not None:
                yield check


def table_present(ctx: Context, node: dsl.Node) -> Check:
    source = ctx.sources.get(node.id)
    present = source is not None
    return Check(
        "structural",
        "table_present",
        node.id,
        None,
        present,
        source.location if source else "missing",
        "a readable table",
        message="" if present else f"table `{node.id}` is missing: its other checks were skipped",
    )


def columns_match(ctx: Context, node: dsl.Node) -> Check:
    found = ctx.sources[node.id].names
    declared = [c.name for c in node.columns]
    missing = [c for c in declared if c not in found]
    unexpected = [c for c in found if c not in declared]
    for name in missing:
        ctx.unusable.add((node.id, name))
    parts = []
    if missing:
        parts.append(f"missing {', '.join(missing)}")
    if unexpected:
        parts.append(f"not in the schema: {', '.join(unexpected)}")
    return Check(
        "structural",
        "columns",
        node.id,
        None,
        not parts,
        {"missing": missing, "unexpected": unexpected},
        {"columns": declared},
        message="; ".join(parts),
    )


def column_type(ctx: Context, node: dsl.Node, col: dsl.Column) -> Check:
    arrow_type = ctx.sources[node.id].schema.field(col.name).type
    ok = type_matches(declared_type(col), arrow_type, lenient=ctx.lenient_types)
    message = ""
    if ok and col.type == "int" and type_family(arrow_type) == "float":
        for batch in ctx.scan(node.id, [col.name]):
            values = batch.column(col.name)
            if pc.any(pc.not_equal(values, pc.floor(values))).as_py():
                ok, message = False, "has fractional values"
                break
    if not ok:
        ctx.unusable.add((node.id, col.name))
        message = message or (
            f"stored as {arrow_type} ({type_family(arrow_type)}), declared {col.type}; "
            "its other checks were skipped"
        )
    return Check(
        "structural",
        "column_type",
        node.id,
        col.name,
        ok,
        f"{type_family(arrow_type)} ({arrow_type})",
        f"{col.format or col.type} ({format_of(col.format).arrow if col.format else PHYSICAL_TYPE[col.type]})",
        message=message,
    )


def expected_rows(ctx: Context, node: dsl.Node) -> tuple[int, int | None, str] | None:
    """(low, high, where the expectation comes from), or None when nothing is declared."""
    if node.id in ctx.rows_expected:
        rows = ctx.rows_expected[node.id]
        return rows, rows, ctx.rows_origin
    if node.kind == "fact":
        assert node.fanout is not None
        parent = node.parents[0]
        if parent not in ctx.sources:
            return None
        parents = ctx.num_rows(parent)
        low, most = fanout_span(node.fanout)
        high = None if most is None else parents * most
        return parents * low, high, f"fanout x {parents} {parent} rows"
    if node.rows is not None:
        return node.rows, node.rows, "schema"
    if node.kind == "entity":
        return DEFAULT_ENTITY_ROWS, DEFAULT_ENTITY_ROWS, "schema default"
    sizes = [
        rows
        for _, kind, spec in kinds_with_specs(node)
        if (rows := kind.vocabulary_rows(spec)) is not None
    ]
    if sizes:
        return max(sizes), max(sizes), "longest enum_list"
    return None


def row_count(ctx: Context, node: dsl.Node) -> Check | None:
    bounds = expected_rows(ctx, node)
    if bounds is None:
        return None
    low, high, origin = bounds
    rows = ctx.num_rows(node.id)
    ok = rows >= low and (high is None or rows <= high)
    if low == high:
        expected: object = low
        text = f"{low}"
    else:
        expected = {"min": low, "max": high}
        text = f"between {low} and {high if high is not None else 'any'}"
    return Check(
        "structural",
        "row_count",
        node.id,
        None,
        ok,
        rows,
        expected,
        message=f"expected {text} rows ({origin}), found {rows}",
    )


def primary_key(ctx: Context, node: dsl.Node, pk: str) -> Iterator[Check]:
    extra, repeated = unique_keys(ctx, node.id, pk)
    valid = ctx.num_rows(node.id) - ctx.sources[node.id].null_count(pk)
    yield Check(
        "structural",
        "pk_unique",
        node.id,
        pk,
        extra == 0,
        extra,
        0,
        [{pk: key, "count": count} for key, count in repeated],
        message=f"{extra} duplicate key(s) among {valid} rows" if extra else "",
    )
    nulls = ctx.sources[node.id].null_count(pk)
    yield Check(
        "structural",
        "pk_not_null",
        node.id,
        pk,
        nulls == 0,
        nulls,
        0,
        null_examples(ctx, node.id, pk) if nulls else [],
        message=f"{nulls} row(s) without a key" if nulls else "",
    )


def unique_keys(ctx: Context, table: str, column: str) -> tuple[int, list[tuple[object, int]]]:
    """Repeated keys: streamed when keys increase (the usual case), else the whole column."""
    if keys.increasing(batch.column(column) for batch in ctx.scan(table, [column])):
        return 0, []
    return keys.duplicates(ctx.column(table, column))


def null_examples(ctx: Context, table: str, column: str) -> list[dict[str, object]]:
    found = ctx.examples(table)
    for batch in ctx.scan(table, [column], with_pk=True):
        values = batch.column(column)
        if values.null_count:
            found.add(batch, ~valid_mask(values))
    return found.rows


def not_null(ctx: Context, node: dsl.Node, col: dsl.Column) -> Check:
    nulls = ctx.sources[node.id].null_count(col.name)
    return Check(
        "structural",
        "not_null",
        node.id,
        col.name,
        nulls == 0,
        nulls,
        0,
        null_examples(ctx, node.id, col.name) if nulls else [],
        message=f"{nulls} null(s) in a column that is not nullable" if nulls else "",
    )


@dataclass
class Resolution:
    """What one pass over an FK column found."""

    dangling: int
    dangling_keys: int
    examples: list[dict[str, object]]
    children: np.ndarray  # rows pointing at each parent row


def resolve(ctx: Context, fk: relations.ForeignKey) -> Resolution:
    """Look every FK value up in the parent's keys, batch by batch (cached per FK column)."""
    key = (fk.table, fk.column)
    if key in ctx.resolved:
        return ctx.resolved[key]  # type: ignore[no-any-return]
    index = ctx.key_index(fk.ref_table, fk.ref_column)
    children = np.zeros(ctx.num_rows(fk.ref_table), dtype=np.int64)
    found = ctx.examples(fk.table)
    dangling = 0
    dangling_keys: set[object] = set()
    for batch in ctx.scan(fk.table, [fk.column], with_pk=True):
        child = batch.column(fk.column)
        rows = index.rows(child)
        matched = rows[rows >= 0]
        children += np.bincount(matched, minlength=len(children))
        missing = (rows < 0) & valid_mask(child)
        count = int(missing.sum())
        if count:
            dangling += count
            if len(dangling_keys) < 100_000:
                dangling_keys.update(pc.unique(child.filter(pa.array(missing))).to_pylist())
            found.add(batch, missing, {fk.column: child})
    ctx.resolved[key] = Resolution(dangling, len(dangling_keys), found.rows, children)
    return ctx.resolved[key]  # type: ignore[no-any-return]


def fk_resolves(ctx: Context, fk: relations.ForeignKey) -> Check:
    result = resolve(ctx, fk)
    count = result.dangling
    target = f"{fk.ref_table}.{fk.ref_column}"
    kind = "self-reference" if fk.self_reference else "foreign key"
    return Check(
        "structural",
        "fk_resolves",
        fk.table,
        fk.column,
        count == 0,
        count,
        0,
        result.examples,
        message=f"{count} row(s) ({result.dangling_keys} distinct key(s)) point at no {target} "
        f"({kind})"
        if count
        else f"every non-null value is a {target} ({kind})",
    )


def fanout_groups(ctx: Context, node: dsl.Node) -> tuple[np.ndarray, np.ndarray] | None:
    """Children per parent row and each parent's case of a fanout `by` (-1: the default
    shape), only over the parents its FK's `where` admits (the others have none by design,
    checked by `fk_filter`)."""
    from datagen.engine.cases import case_index

    fanout = node.fanout
    found = _children_and_rows(ctx, node)
    if found is None or fanout is None:
        return None
    children, rows = found
    if not fanout.cases or fanout.by is None:
        return children, np.full(len(children), -1, dtype=np.int64)
    parent = node.parents[0]
    if ctx.node(parent).column(fanout.by) is None:  # a hidden helper: not in the files
        ctx.skipped.append(
            {
                "category": "structural",
                "name": "fanout",
                "table": node.id,
                "column": None,
                "reason": f"the fanout's `by` column `{parent}.{fanout.by}` is hidden",
            }
        )
        return None
    if not ctx.usable(parent, fanout.by):
        return None
    values = ctx.column(parent, fanout.by)
    cases = case_index(values, ~valid_mask(values), list(fanout.cases))
    return children, cases if rows is None else cases[rows]


def _children_and_rows(ctx: Context, node: dsl.Node) -> tuple[np.ndarray, np.ndarray | None] | None:
    """Children per admitted parent row, and which parent rows those are (None: all)."""
    from datagen.engine.validate.lookups import eligible, where_of

    fk = relations.fk_between(ctx.dataset, node.id, node.parents[0])
    if fk is None or not (
        ctx.usable(fk.table, fk.column) and ctx.usable(fk.ref_table, fk.ref_column)
    ):
        return None
    children = resolve(ctx, fk).children
    source = where_of(node, fk.column)
    if source is not None:
        holds = eligible(ctx, fk.ref_table, source)
        return None if holds is None else (children[holds], holds)
    return children, None


def fanout_bounds(ctx: Context, node: dsl.Node, fanout: dsl.Fanout) -> Check | None:
    from datagen.engine.fanout import shapes

    groups = fanout_groups(ctx, node)
    if groups is None:
        return None
    counts, cases = groups
    parent = ctx.node(node.parents[0])
    fk = relations.fk_between(ctx.dataset, node.id, parent.id)
    assert fk is not None
    top = np.iinfo(np.int64).max
    # each parent's bounds are its case's (index 0: the default shape)
    lows = np.array([s.min for s in shapes(fanout)], dtype=np.int64)[cases + 1]
    highs = np.array([top if s.max is None else s.max for s in shapes(fanout)], np.int64)[cases + 1]
    outside = (counts < lows) | (counts > highs)
    bad = int(outside.sum())
    examples = []
    if bad:
        positions = np.flatnonzero(outside)[:5]
        parent_keys = ctx.key_index(parent.id, fk.ref_column).parent
        keys = parent_keys.take(pa.array(positions)).to_pylist()
        examples = [
            {"parent_row": int(p), fk.ref_column: k, "children": int(counts[p])}
            for p, k in zip(positions, keys, strict=True)
        ]
    measured = {"min": int(counts.min()), "max": int(counts.max())} if len(counts) else None
    return Check(
        "structural",
        "fanout_bounds",
        node.id,
        fk.column,
        bad == 0,
        measured,
        {"min": fanout.min, "max": fanout.max}
        | (
            {"cases": {k: {"min": c.min, "max": c.max} for k, c in fanout.cases.items()}}
            if fanout.cases
            else {}
        ),
        examples,
        message=f"{bad} {parent.id} row(s) have a number of {node.id} rows outside the fanout"
        if bad
        else f"children per {parent.id} within the fanout",
    )
