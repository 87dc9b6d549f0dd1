"""`lookup`: foreign keys by index sampling, and parent attributes through an FK.

- the fact's key to its first parent: `parent_keys[parent_index]` (rows were
  laid out by the parent's fanout, so this is exact by construction); only
  the one link column (`parent_link`) takes it, so `follow(follower_id,
  followee_id) -> user` does not follow itself on every row;
- other FKs, into the first parent too: an index into the referenced table,
  uniform or skewed;
- a unique FK (one child per parent at most): a permutation of parent rows;
- a self-reference: row i points at a row j < i (never itself, no cycles);
- an attribute (`on`): the referenced table's column at the FK's row index.
Every FK column records its row indexes in `ctx.fk_index` for later columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from pydantic import ConfigDict, Field, field_validator

from datagen.engine.dslbase import WEIGHTS_KIND_PATTERN, ColumnRef, Identifier, Strict, split_ref
from datagen.engine.errors import Problem, SchemaError, did_you_mean
from datagen.engine.expressions import ExpressionError, column_type, compile_expression, fits
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import (
    Kind,
    Site,
    column_may_be_null,
    kind_of,
    ref_problem,
    spec_of,
)
from datagen.engine.generators.pairs import (
    FEISTEL_ROUNDS,
    avoid,
    distinct_per_group,
    group_starts,
    permuted_pairs,
)
from datagen.engine.rng import stream
from datagen.engine.values import Encoded, Values
from datagen.engine.weights import sample_index, skew_cdf

if TYPE_CHECKING:
    from datagen.engine import dsl

ON_PATH = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"

# A lookup into a table of more rows than this has too many distinct values for a
# Parquet dictionary to pay (lineitem -> orders): encoding costs 4x a plain write.
DICTIONARY_MAX_KEYS = 1 << 16


class LookupSpec(Strict):
    """A foreign key (`from` a table's key) or a parent attribute through the row's FK."""

    from_: ColumnRef = Field(alias="from", examples=["customer.customer_id", "customer.country"])
    on: str | None = Field(
        None,
        pattern=ON_PATH,
        max_length=300,
        description="the column of this row to look the attribute up through: an FK column, "
        "a column holding a key of the `from` table (see `key`), or a path of FKs "
        "`l_orderkey.o_custkey` (this row's FK, then that table's FK...)",
        examples=["customer_id", "l_orderkey.o_custkey"],
    )
    key: Identifier | None = Field(
        None,
        description="with `on` naming a computed (non-FK) column: the column of the `from` "
        "table it holds (default: that table's pk); rows without a match get null",
    )
    where: str | None = Field(
        None,
        max_length=2000,
        description="a foreign key only to the rows of the `from` table where this expression "
        "over its columns holds (e.g. `active`, `c_custkey % 3 != 0`); a fact's first parent "
        "that fails it gets no children",
    )
    weights_kind: str = Field(
        "uniform",
        pattern=WEIGHTS_KIND_PATTERN,
        description="skew of the sampled parents for extra FKs (uniform | zipf@A | head_tail@{H,A})",
    )
    distinct_from: Identifier | None = Field(
        None,
        description="another FK column of this row into the same table: this one never points "
        "at the same row (follow: `followee_id` distinct_from `follower_id`, no self-follow)",
        examples=["follower_id"],
    )
    distinct: bool = Field(
        False,
        description="a fact's FK (not the one to its first parent): no two rows of one first "
        "parent point at the same row, i.e. k distinct partners per parent, sampled without "
        "replacement (no track twice in a playlist, no duplicate follow)",
    )

    match: dict[str, Identifier] | None = Field(  # str keys: a map the strict schema can pair
        None,
        min_length=1,
        max_length=1,
        description="a row of the `from` table whose column (the key of this object) equals "
        "this row's column (its value), uniformly among those rows: only the suppliers of "
        'this line\'s part, `{"ps_partkey": "l_partkey"}`; a row whose value no row '
        "holds gets null. With a composite key of `from` it makes a composite FK",
        examples=[{"ps_partkey": "l_partkey"}],
    )
    as_of: dict[str, Identifier] | None = Field(
        None,
        min_length=1,
        max_length=1,
        description="a row of the `from` table whose column (the key of this object) is at "
        "most this row's column (its value), uniformly among those rows: a comment's author "
        'had signed up before commenting, `{"created_at": "commented_at"}`; a row that no '
        "row precedes gets null. With `distinct`: k distinct such rows per first parent; "
        "with `match`: the latest such row (SQL's ASOF JOIN: a price history's version in "
        "force)",
        examples=[{"created_at": "commented_at"}],
    )

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    @field_validator("match", "as_of")
    @classmethod
    def _match_keys(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        for key in value or {}:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
                raise ValueError(f"`{key}` is not a column name of the `from` table")
        return value


def generate(spec: LookupSpec, col: dsl.Column, ctx: BlockContext) -> Values:
    ref_table, ref_column = split_ref(spec.from_)
    if spec.as_of is not None and distinct_pairs(ctx.dataset, ctx.node, col, spec):
        return _as_of_distinct(spec, col, ctx)
    if spec.match is not None and spec.as_of is not None:
        return _latest_matched(spec, col, ctx)
    if spec.match is not None or spec.as_of is not None:
        return _matched(spec, col, ctx)
    if spec.on is not None:
        index, on_mask = _follow(spec, ctx)
        values, mask = ctx.store.take(ref_table, ref_column, index)
        if on_mask is not None or mask is not None:
            ctx.masks[col.name] = _or(on_mask, mask)
        return values

    if ref_table == ctx.node.id:
        index, first_row = self_reference_index(ctx, col.name)
        ctx.fk_index[col.name] = index
        if first_row.any():
            ctx.masks[col.name] = first_row
        return ctx.store.key_values(ref_table, ref_column, index)

    ref_rows = ctx.store.rows(ref_table)
    if ref_rows == 0 and ctx.n > 0:
        raise SchemaError(
            [Problem(f"{ctx.node.id}.{col.name}", f"`{ref_table}` has no rows to reference")]
        )
    candidates = ctx.store.rows_where(ref_table, spec.where) if spec.where else None
    if candidates is not None and len(candidates) == 0 and ctx.n > 0:
        raise SchemaError(
            [Problem(f"{ctx.node.id}.{col.name}", f"no `{ref_table}` row satisfies `{spec.where}`")]
        )
    distinct = distinct_pairs(ctx.dataset, ctx.node, col, spec)
    if ctx.parent_index is not None and col.name == parent_link(ctx.dataset, ctx.node):
        index = ctx.parent_index  # parents failing `where` have no children (see block.py)
    elif distinct:
        index = _distinct_index(spec, col, ctx, ref_table, ref_rows, candidates)
    elif (pair := sampled_pair(ctx.dataset, ctx.node)) is not None and col.name in pair:
        index = _pair_index(pair, col, ctx)
    elif candidates is not None:
        if col.unique and ctx.table_rows > len(candidates):
            raise SchemaError(
                [
                    Problem(
                        f"{ctx.node.id}.{col.name}",
                        f"unique lookup needs at most {len(candidates)} rows (the `{ref_table}` "
                        f"rows where `{spec.where}`), `{ctx.node.id}` has {ctx.table_rows}",
                    )
                ]
            )
        pick = (
            ctx.table_rng(col.name, "unique").permutation(len(candidates))[ctx.start : ctx.stop]
            if col.unique
            else sample_index(
                ctx.rng(col.name),
                len(candidates),
                ctx.n,
                skew_cdf(spec.weights_kind, len(candidates)),
            )
        )
        index = candidates[pick]
    elif col.unique:
        if ctx.table_rows > ref_rows:
            raise SchemaError(
                [
                    Problem(
                        f"{ctx.node.id}.{col.name}",
                        f"unique lookup needs at most {ref_rows} rows (one per `{ref_table}` row), "
                        f"`{ctx.node.id}` has {ctx.table_rows}",
                    )
                ]
            )
        order = ctx.table_rng(col.name, "unique").permutation(ref_rows)
        index = order[ctx.start : ctx.stop]
    else:
        cdf = skew_cdf(spec.weights_kind, ref_rows)
        index = sample_index(ctx.rng(col.name), ref_rows, ctx.n, cdf)
        if cdf is not None:  # the popular parents are random rows, not always id 1, 2, 3...
            index = popularity_order(ctx.seed, ref_table, ref_rows)[index]
    if spec.distinct_from is not None and not distinct:
        index = _avoid_other(spec.distinct_from, index, col, ctx, ref_table, ref_rows, candidates)
    ctx.fk_index[col.name] = index
    values, mask = ctx.store.take(ref_table, ref_column, index)
    if mask is not None:
        ctx.masks[col.name] = mask
    return values


def distinct_pairs(dataset: dsl.Dataset, node: dsl.Node, col: dsl.Column, spec: LookupSpec) -> bool:
    """Whether this FK takes k distinct rows per first parent: `distinct: true`, or a
    composite pk or a `constraints.unique` over exactly (the parent link, this column)."""
    if spec.distinct:
        return True
    if spec.on is not None or node.kind != "fact":
        return False
    link = parent_link(dataset, node)
    if link is None or link == col.name:
        return False
    pair = sorted((link, col.name))
    return sorted(node.pk_columns or []) == pair or any(
        u.table == node.id and sorted(u.columns) == pair for u in dataset.constraints.unique
    )


def _matched(spec: LookupSpec, col: dsl.Column, ctx: BlockContext) -> Values:
    """A row of the `from` table whose `match` column equals this row's (or whose `as_of`
    column is at most this row's), uniformly among them (a binary search over that column
    sorted once per run: no loop over rows)."""
    condition = spec.match if spec.match is not None else spec.as_of
    assert condition is not None
    ref_table, ref_column = split_ref(spec.from_)
    [(theirs, ours)] = condition.items()
    order, ordered = ctx.store.sorted_rows(ref_table, theirs)
    raw = ctx.columns[ours]
    keys = raw.decode() if isinstance(raw, Encoded) else np.asarray(raw)
    own_mask = ctx.masks.get(ours)
    if len(ordered) == 0:
        first = last = np.zeros(len(keys), np.int64)
    else:
        probe = keys if own_mask is None else np.where(own_mask, ordered[0], keys)
        last = np.searchsorted(ordered, probe, side="right")
        # as of: every row up to this value (NaT and NaN sort last: never picked)
        first = np.searchsorted(ordered, probe, side="left") if spec.match else np.zeros_like(last)
    count = last - first
    missing = count == 0 if own_mask is None else (count == 0) | own_mask
    offset = np.floor(ctx.rng(col.name, "match").random(len(keys)) * count).astype(np.int64)
    position = np.minimum(first + offset, max(len(order) - 1, 0))
    index = np.where(missing, 0, order[position] if len(order) else 0)
    ctx.fk_index[col.name] = index
    values, mask = ctx.store.take(ref_table, ref_column, index)
    if missing.any() or mask is not None:
        ctx.masks[col.name] = _or(mask, missing if missing.any() else None)
    return values


def _per_row(ctx: BlockContext, table: str, column: str) -> np.ndarray:
    """A column of an earlier table in row order, from its sorted copy (kept once per run)."""
    order, ordered = ctx.store.sorted_rows(table, column)
    values = np.empty_like(ordered)
    values[order] = ordered
    return values


def _latest_matched(spec: LookupSpec, col: dsl.Column, ctx: BlockContext) -> Values:
    """`match` and `as_of` together, as SQL's ASOF JOIN: among the rows of `from` whose match
    column equals this row's and whose as_of column is at most this row's, the latest (a
    price history's version in force at the order's time). Both columns of `from` become
    dense ranks and one sorted key (rank of the match value, rank of the time), found by
    one binary search per row; no such row gives null."""
    assert spec.match is not None and spec.as_of is not None
    ref_table, ref_column = split_ref(spec.from_)
    [(their_key, our_key)] = spec.match.items()
    [(their_time, our_time)] = spec.as_of.items()
    values_key = (ref_table, f"{their_key}#{their_time}#values")
    sorted_key = (ref_table, f"{their_key}#{their_time}#sorted")
    if sorted_key not in ctx.store.key_cache:  # threads may race here: both compute the same
        keys, key_rank = np.unique(_per_row(ctx, ref_table, their_key), return_inverse=True)
        times, time_rank = np.unique(_per_row(ctx, ref_table, their_time), return_inverse=True)
        combined = key_rank.astype(np.int64) * (len(times) + 1) + time_rank + 1
        order = np.argsort(combined, kind="stable")
        ctx.store.key_cache[values_key] = (keys, times)
        ctx.store.key_cache[sorted_key] = (order, combined[order])
    keys, times = ctx.store.key_cache[values_key]
    order, combined = ctx.store.key_cache[sorted_key]
    mine = [ctx.columns[name] for name in (our_key, our_time)]
    our_keys, our_times = (m.decode() if isinstance(m, Encoded) else np.asarray(m) for m in mine)
    slot = np.searchsorted(keys, our_keys).clip(0, max(len(keys) - 1, 0))
    found = (keys[slot] == our_keys) if len(keys) else np.zeros(len(our_keys), bool)
    before = np.searchsorted(times, our_times, side="right")  # time ranks <= ours, plus one
    query = slot.astype(np.int64) * (len(times) + 1) + before
    at = np.searchsorted(combined, query, side="right") - 1
    hit = found & (at >= 0)
    hit &= combined[at.clip(0)] // (len(times) + 1) == slot if len(combined) else False
    for name in (our_key, our_time):
        if (own := ctx.masks.get(name)) is not None:
            hit &= ~own
    index = np.where(hit, order[at.clip(0)] if len(order) else 0, 0)
    ctx.fk_index[col.name] = index
    values, mask = ctx.store.take(ref_table, ref_column, index)
    if not hit.all() or mask is not None:
        ctx.masks[col.name] = _or(mask, ~hit if not hit.all() else None)
    return values


def _as_of_distinct(spec: LookupSpec, col: dsl.Column, ctx: BlockContext) -> Values:
    """`as_of` with distinct pairs: k distinct rows per first parent among the rows that came
    before the parent's first row's value (a title's principals born before it). The rows
    before a value are a prefix of the `from` column sorted once per run, so the distinct
    draw is over that prefix's positions; a parent with more children than such rows gets
    nulls on its last rows."""
    assert spec.as_of is not None and ctx.parent_index is not None
    ref_table, ref_column = split_ref(spec.from_)
    [(theirs, ours)] = spec.as_of.items()
    order, ordered = ctx.store.sorted_rows(ref_table, theirs)
    raw = ctx.columns[ours]
    keys = raw.decode() if isinstance(raw, Encoded) else np.asarray(raw)
    own_mask = ctx.masks.get(ours)
    before = np.searchsorted(ordered, keys, side="right") if len(ordered) else np.zeros(len(keys))
    if own_mask is not None:
        before = np.where(own_mask, 0, before)
    first, _ = group_starts(ctx.parent_index)
    available = np.asarray(before, dtype=np.int64)[first]  # read on the parent's first row
    rank = np.arange(len(keys), dtype=np.int64) - first
    kept = rank < available
    index = np.zeros(len(keys), dtype=np.int64)
    rng = ctx.rng(col.name, "distinct")
    chosen = distinct_per_group(rng, ctx.parent_index[kept], available[kept])
    index[kept] = order[chosen] if len(order) else 0
    ctx.fk_index[col.name] = index
    values, mask = ctx.store.take(ref_table, ref_column, index)
    if not kept.all() or mask is not None:
        ctx.masks[col.name] = _or(mask, ~kept if not kept.all() else None)
    return values


def sampled_pair(dataset: dsl.Dataset, node: dsl.Node) -> tuple[str, str] | None:
    """The two columns of a composite pk or `constraints.unique` that are both plain sampled
    FKs (no parent link, `on`, `where`, skew or `distinct`): their pairs are drawn without
    replacement from all pairs of the two tables' rows (`permuted_pairs`), unique by
    construction (partsupp-like (partkey, suppkey) in an entity table)."""
    link = parent_link(dataset, node) if node.kind == "fact" else None
    pairs = [node.pk_columns or []] + [
        u.columns for u in dataset.constraints.unique if u.table == node.id
    ]
    for names in pairs:
        if len(names) != 2 or link in names:
            continue
        cols = [node.column(name) for name in names]
        if all(c is not None and _plain_fk(c, node) for c in cols):
            return names[0], names[1]
    return None


def _plain_fk(col: dsl.Column, node: dsl.Node) -> bool:
    kind, spec = kind_of(col), spec_of(col)
    if kind.name != "lookup" or kind.key_reference(spec) is None or col.unique:
        return False
    assert isinstance(spec, LookupSpec)
    return (
        spec.on is None
        and spec.where is None
        and not spec.distinct
        and spec.distinct_from is None
        and spec.weights_kind == "uniform"
        and split_ref(spec.from_)[0] != node.id
    )


def _pair_index(pair: tuple[str, str], col: dsl.Column, ctx: BlockContext) -> np.ndarray:
    """This column's half of the row's unique pair (see `sampled_pair`)."""
    tables = []
    for name in pair:
        other = ctx.node.column(name)
        assert other is not None
        tables.append(split_ref(spec_of(other).from_)[0])  # type: ignore[attr-defined]
    left_rows, right_rows = (ctx.store.rows(t) for t in tables)
    if ctx.table_rows > left_rows * right_rows:
        raise SchemaError(
            [
                Problem(
                    f"{ctx.node.id}.{col.name}",
                    f"the unique pair ({pair[0]}, {pair[1]}) has {left_rows * right_rows} "
                    f"possible values (`{tables[0]}` x `{tables[1]}` rows) for "
                    f"{ctx.table_rows} `{ctx.node.id}` rows",
                    "fewer rows, or more rows in the referenced tables",
                )
            ]
        )
    keys = ctx.table_rng(f"{pair[0]}+{pair[1]}", "pair").integers(
        0, 1 << 63, FEISTEL_ROUNDS, dtype=np.uint64
    )
    left, right = permuted_pairs(ctx.row_ids, left_rows, right_rows, keys)
    return left if col.name == pair[0] else right


def _positions(rows: np.ndarray, candidates: np.ndarray | None) -> np.ndarray:
    """Each referenced row's position among the candidates (-1: not a candidate)."""
    if candidates is None:
        return rows
    if len(candidates) == 0:
        return np.full(len(rows), -1, dtype=np.int64)
    slot = np.minimum(np.searchsorted(candidates, rows), len(candidates) - 1)
    return np.where(candidates[slot] == rows, slot, -1)


def _rows_of(ctx: BlockContext, other: str, col: dsl.Column) -> np.ndarray:
    """The rows of this lookup's table the column `other` points at: an FK's recorded rows,
    or the rows of the keys an attribute lookup copied (a post's owner); -1 for a null."""
    if other in ctx.fk_index:
        return ctx.fk_index[other]
    table, key = split_ref(spec_of(col).from_)  # type: ignore[union-attr]
    raw = ctx.columns[other]
    keys = raw.decode() if isinstance(raw, Encoded) else np.asarray(raw)
    rows, missing = ctx.store.row_of(table, key, keys)
    mask = ctx.masks.get(other)
    gone = missing if mask is None else (missing | mask)
    return np.where(gone, -1, rows)


def _avoid_other(
    other: str,
    index: np.ndarray,
    col: dsl.Column,
    ctx: BlockContext,
    ref_table: str,
    ref_rows: int,
    candidates: np.ndarray | None,
) -> np.ndarray:
    """`index` moved off the row the column `other` points at, where they meet."""
    items = ref_rows if candidates is None else len(candidates)
    excluded = _positions(_rows_of(ctx, other, col), candidates)
    position = _positions(index, candidates)
    clash = (position == excluded) & (excluded >= 0)
    if items < 2 and clash.any():
        raise SchemaError(
            [
                Problem(
                    f"{ctx.node.id}.{col.name}",
                    f"`distinct_from: {other}` needs at least 2 `{ref_table}` rows to choose from",
                )
            ]
        )
    moved = avoid(ctx.rng(col.name, "distinct_from"), position, excluded, items)
    return moved if candidates is None else candidates[moved]


def _distinct_index(
    spec: LookupSpec,
    col: dsl.Column,
    ctx: BlockContext,
    ref_table: str,
    ref_rows: int,
    candidates: np.ndarray | None,
) -> np.ndarray:
    """k distinct rows per first parent (blocks hold whole parents: see `whole_parents`),
    never the row `distinct_from` points at."""
    assert ctx.parent_index is not None, "checked by preflight: a fact's FK"
    items = ref_rows if candidates is None else len(candidates)
    excluded = (
        _positions(_rows_of(ctx, spec.distinct_from, col), candidates)
        if spec.distinct_from is not None
        else None
    )
    _, size = group_starts(ctx.parent_index)
    room = np.full(len(size), items, dtype=np.int64)
    if excluded is not None:
        room -= excluded >= 0
    short = np.flatnonzero(size > room)
    if len(short):
        raise SchemaError(
            [
                Problem(
                    f"{ctx.node.id}.{col.name}",
                    f"`distinct` needs {int(size[short[0]])} different `{ref_table}` rows for "
                    f"one parent but only {int(room[short[0]])} can be chosen",
                    "a fanout `max` no larger than the rows it can pick from",
                )
            ]
        )
    chosen = distinct_per_group(ctx.rng(col.name, "distinct"), ctx.parent_index, items, excluded)
    return chosen if candidates is None else candidates[chosen]


@lru_cache(maxsize=16)
def popularity_order(seed: int, table: str, rows: int) -> np.ndarray:
    """Rank -> row of `table`: one fixed shuffle per table and seed, shared by every skewed
    lookup into it (the most popular product is the same one in orders and in reviews)."""
    return stream(seed, table, "popularity").permutation(rows)


def parent_link(dataset: dsl.Dataset, node: dsl.Node) -> str | None:
    """The fact's column that links each row to its first parent: the first plain lookup of
    the parent's key (the plan lays the rows out by that parent's fanout)."""
    if not node.parents:
        return None
    parent = dataset.node(node.parents[0])
    if parent is None:
        return None

    for col in node.columns:
        if kind_of(col).key_reference(spec_of(col)) == f"{parent.id}.{parent.pk}":
            return col.name
    return None


def _follow(spec: LookupSpec, ctx: BlockContext) -> tuple[np.ndarray, np.ndarray | None]:
    """Row indexes of the `from` table reached through `on` (FKs, a path, a computed key)."""
    assert spec.on is not None
    names = spec.on.split(".")
    first = names[0]
    mask = ctx.masks.get(first)
    if first in ctx.fk_index:
        index = ctx.fk_index[first]
        target = fk_target(ctx.dataset, ctx.node.id, first)
        assert target is not None
        table = target[0]
    else:  # a computed key of the `from` table
        table, _ = split_ref(spec.from_)
        ref = ctx.dataset.node(table)
        assert ref is not None
        key = spec.key or ref.pk
        assert key is not None, "checked by preflight"
        raw = ctx.columns[first]
        keys = raw.decode() if isinstance(raw, Encoded) else np.asarray(raw)
        index, missing = ctx.store.row_of(table, key, keys)
        mask = _or(mask, missing) if missing.any() else mask
    for name in names[1:]:
        target = fk_target(ctx.dataset, table, name)
        assert target is not None, "a hop is an FK (checked by preflight)"
        next_table, key = target
        keys, key_mask = ctx.store.take(table, name, index)
        plain = keys.decode() if isinstance(keys, Encoded) else np.asarray(keys)
        index, missing = ctx.store.row_of(next_table, key, plain)
        for extra in (key_mask, missing if missing.any() else None):
            if extra is not None:
                mask = _or(mask, extra)
        table = next_table
    return index, mask


def self_reference_index(ctx: BlockContext, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Row i -> some row j < i, skewed to early rows (few managers, many reports)."""
    rows = ctx.row_ids
    u = ctx.rng(column, "self").random(ctx.n)
    index = np.floor(rows * u * u).astype(np.int64)
    return index, rows == 0


def _or(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray:
    if a is None:
        assert b is not None
        return b
    return a if b is None else (a | b)


@dataclass(frozen=True)
class Hop:
    """From a row of `table`, its column `column` (a key of `to`, matched on `key`) leads to `to`."""

    table: str
    column: str
    to: str
    key: str


def fk_target(dataset: dsl.Dataset, table: str, column: str) -> tuple[str, str] | None:
    """(table, key column) the column is a plain FK lookup of, if it is one."""
    node = dataset.node(table)
    col = node.column(column) if node else None
    if col is None:
        return None
    key = kind_of(col).key_reference(spec_of(col))
    return split_ref(key) if key is not None else None


def hops(dataset: dsl.Dataset, node: dsl.Node, spec: LookupSpec) -> list[Hop] | None:
    """The hops of an `on` path (None when a hop is not an FK; preflight says which)."""
    assert spec.on is not None
    ref_table, _ = split_ref(spec.from_)
    names = spec.on.split(".")
    out: list[Hop] = []
    table = node.id
    for i, name in enumerate(names):
        target = fk_target(dataset, table, name)
        if target is None:
            if i == 0 and len(names) == 1:  # a computed key of the `from` table
                ref = dataset.node(ref_table)
                key = spec.key or (ref.pk if ref else None)
                if key is None:
                    return None
                return [Hop(table, name, ref_table, key)]
            return None
        out.append(Hop(table, name, target[0], target[1]))
        table = target[0]
    if out and spec.key is not None and len(names) == 1:
        out[-1] = Hop(out[-1].table, out[-1].column, out[-1].to, spec.key)
    return out


def first_hop(spec: LookupSpec) -> str | None:
    """The column of the row itself an attribute lookup reads."""
    return spec.on.split(".")[0] if spec.on else None


def kept_by(dataset: dsl.Dataset, node: dsl.Node, spec: LookupSpec) -> set[tuple[str, str]]:
    """(table, column)s of earlier tables a lookup reads beyond `from`: hop FKs, match keys,
    the columns of its `where`."""
    out: set[tuple[str, str]] = set()
    ref_table, _ = split_ref(spec.from_)
    for condition in (spec.match, spec.as_of):
        out |= {(ref_table, theirs) for theirs in condition or {}}
    if spec.on is not None:
        for i, hop in enumerate(hops(dataset, node, spec) or []):
            if i > 0:
                out.add((hop.table, hop.column))
            out.add((hop.to, hop.key))
    if spec.where is not None:
        ref = dataset.node(ref_table)
        if ref is not None:
            try:
                names = compile_expression(spec.where, {c.name for c in ref.columns}).names
            except ExpressionError:
                names = frozenset()
            out |= {(ref_table, n) for n in names}
    return out


def lookup_path_problems(
    dataset: dsl.Dataset, node: dsl.Node, col: dsl.Column, spec: LookupSpec, gpath: str
) -> Iterator[Problem]:
    """Problems of `on` (paths and computed keys), `key` and `where`."""
    ref_table, _ = split_ref(spec.from_)
    ref = dataset.node(ref_table)
    if ref is None:
        return
    if spec.where is not None:
        types = {c.name: column_type(c.type, c.nullable) for c in ref.columns}
        try:
            where = compile_expression(spec.where, set(types), types)
        except ExpressionError as exc:
            yield Problem(f"{gpath}.where", str(exc), f"a condition over `{ref_table}`'s columns")
        else:
            if where.type.kind not in ("bool", "any"):
                yield Problem(f"{gpath}.where", f"`where` gives {where.type.kind}, not a condition")
            if where.random or "siblings" in where.uses:
                yield Problem(f"{gpath}.where", "`where` cannot draw random values")
        if spec.on is not None:
            yield Problem(
                f"{gpath}.where", "`where` filters a foreign key, not an attribute lookup"
            )
    if spec.key is not None:
        if ref.column(spec.key) is None:
            yield Problem(
                f"{gpath}.key",
                f"table `{ref_table}` has no column `{spec.key}`",
                None,
                did_you_mean(spec.key, [c.name for c in ref.columns]),
            )
        elif spec.on is None:
            yield Problem(f"{gpath}.key", "`key` goes with `on`")
    if spec.on is None:
        return
    names = spec.on.split(".")
    others = [c.name for c in node.columns if c.name != col.name]
    if names[0] not in others:
        yield Problem(
            f"{gpath}.on",
            f"no column `{names[0]}` in `{node.id}`",
            None,
            did_you_mean(names[0], others),
        )
        return
    table = node.id
    for i, name in enumerate(names):
        current = dataset.node(table)
        if current is None:  # a hop through a key into an unknown table: its lookup says so
            return
        if current.column(name) is None:
            yield Problem(
                f"{gpath}.on",
                f"`{table}` has no column `{name}` (hop {i + 1} of `{spec.on}`)",
                None,
                did_you_mean(name, [c.name for c in current.columns]),
            )
            return
        target = fk_target(dataset, table, name)
        if target is None:
            if i == 0 and len(names) == 1:
                key = spec.key or ref.pk
                if key is None:
                    yield Problem(
                        f"{gpath}.key",
                        f"`{names[0]}` is not a foreign key: say which column of `{ref_table}` "
                        "it holds",
                        '"key": "<a unique column>"',
                    )
                    return
                key_col = ref.column(key)
                own = node.column(name)
                if (
                    key_col is not None
                    and own is not None
                    and (fits(column_type(own.type), key_col.type) is not None)
                ):
                    yield Problem(
                        f"{gpath}.on",
                        f"`{name}` is {own.type} but `{ref_table}.{key}` is {key_col.type}",
                    )
                if key_col is not None and not (
                    key == ref.pk or key_col.unique or kind_of(key_col).uniqueness == "always"
                ):
                    yield Problem(
                        f"{gpath}.key",
                        f"`{ref_table}.{key}` is not unique: a key lookup needs a unique column",
                        'the pk, a sequence or a `"unique": true` column',
                    )
                return
            yield Problem(
                f"{gpath}.on",
                f"`{table}.{name}` is not a foreign key (hop {i + 1} of `{spec.on}`)",
                "each hop a column with a lookup of a key",
            )
            return
        if target[0] == table:
            yield Problem(f"{gpath}.on", "a path cannot go through a self-reference")
            return
        table = target[0]
    if table != ref_table:
        yield Problem(
            f"{gpath}.on",
            f"the path `{spec.on}` ends at `{table}`, not at `{ref_table}`",
            f"a path of FKs that reaches `{ref_table}`",
        )


class LookupKind(Kind[LookupSpec]):
    """A foreign key (no `on`) or an attribute of the row an FK points at (`on`)."""

    name = "lookup"
    spec = LookupSpec

    def problems(self, spec: LookupSpec, site: Site) -> Iterator[Problem]:
        p = ref_problem(site.dataset, f"{site.gpath}.from", spec.from_)
        if p:
            yield p
        else:
            yield from _lookup_problems(spec, site)
        on = site.node.column(spec.on) if spec.on is not None else None
        key = kind_of(on).key_reference(spec_of(on)) if on is not None else None
        if key is not None and split_ref(key)[0] == site.node.id:
            yield Problem(
                f"{site.gpath}.on",
                f"`{site.col.name}` looks an attribute up through `{spec.on}`, a reference to "
                "the same table, which is not supported",
                "an `on` column that refers to another table",
            )

    def dependencies(self, spec: LookupSpec, site: Site) -> set[str]:
        deps = {spec.on.split(".")[0]} if spec.on else set()
        for condition in (spec.match, spec.as_of):
            deps |= set((condition or {}).values())
        if spec.distinct_from is not None:
            deps.add(spec.distinct_from)
        return deps

    def whole_parents(self, spec: LookupSpec, site: Site) -> bool:
        return distinct_pairs(site.dataset, site.node, site.col, spec)

    def expressions(self, spec: LookupSpec) -> list[str]:
        return []  # `where` is over another table's columns: typed by path_problems

    def reads(self, spec: LookupSpec, site: Site) -> list[str]:
        return [f"{t}.{c}" for t, c in sorted(kept_by(site.dataset, site.node, spec))]

    def references(self, spec: LookupSpec) -> list[str]:
        return [spec.from_]

    def key_reference(self, spec: LookupSpec) -> str | None:
        return spec.from_ if spec.on is None else None

    def generate(self, spec: LookupSpec, col: dsl.Column, ctx: BlockContext) -> Values:
        return generate(spec, col, ctx)

    def dictionary_encoded(self, spec: LookupSpec, col: dsl.Column) -> bool:
        return True

    def repeats(self, spec: LookupSpec, col: dsl.Column, row_counts: dict[str, int]) -> bool:
        return row_counts.get(split_ref(spec.from_)[0], 0) <= DICTIONARY_MAX_KEYS

    # the Arrow field is nullable: the referenced value may be null
    nullable_output = True

    def may_be_null(self, spec: LookupSpec, site: Site) -> bool:
        """A self-reference's first row, or an attribute looked up through a nullable
        FK or of a nullable column."""
        dataset, node, col = site.dataset, site.node, site.col
        ref_table, ref_column = split_ref(spec.from_)
        if (spec.on is None and ref_table == node.id) or spec.match or spec.as_of:
            return True  # a self-reference's first row; a value no row of `from` holds
        ref_node = dataset.node(ref_table)
        ref_col = ref_node.column(ref_column) if ref_node else None
        if ref_node is None or ref_col is None or ref_col is col:
            return True
        if column_may_be_null(dataset, ref_node, ref_col):
            return True
        if spec.on is not None:
            first = spec.on.split(".")[0]
            if fk_target(dataset, node.id, first) is None:
                return True  # a computed key may match no row
            on_col = node.column(first)
            return on_col is None or column_may_be_null(dataset, node, on_col)
        return False


def _lookup_problems(spec: LookupSpec, site: Site) -> Iterator[Problem]:
    """Problems of a lookup whose `from` names an existing column."""
    dataset, node, col, gpath = site.dataset, site.node, site.col, site.gpath
    ref_table, ref_col = split_ref(spec.from_)
    ref_node = dataset.node(ref_table)
    assert ref_node is not None
    target = ref_node.column(ref_col)
    assert target is not None
    if target.type != col.type and not ({target.type, col.type} <= {"int", "float"}):
        yield Problem(
            f"{gpath}.from", f"`{spec.from_}` is {target.type} but `{col.name}` is {col.type}"
        )
    yield from lookup_path_problems(dataset, node, col, spec, gpath)
    yield from _pair_problems(spec, site)
    yield from _match_problems(spec, site, "match")
    yield from _match_problems(spec, site, "as_of")
    if spec.on is not None:
        return
    target_kind = kind_of(target)
    is_key = (
        ref_node.pk == ref_col
        or target.unique
        or target_kind.uniqueness == "always"
        or ref_col in (ref_node.pk_columns or [])  # a row of a composite key's table
    )
    if not is_key:
        fk_cols = []
        for c in node.columns:
            key = kind_of(c).key_reference(spec_of(c))
            if key is not None and split_ref(key)[0] == ref_table and c.name != col.name:
                fk_cols.append(c.name)
        hint = (
            f'`"on": "{fk_cols[0]}"`'
            if fk_cols
            else f"a foreign key column to `{ref_table}` and `on`"
        )
        yield Problem(
            f"{gpath}",
            f"`{spec.from_}` is not a key of `{ref_table}`: an attribute lookup needs `on`",
            hint,
        )
    if ref_table == node.id:
        if not col.nullable:
            yield Problem(
                f"{gpath}.from",
                f"self-reference `{col.name}` must be nullable (the first row has no one to point at)",
                '"nullable": true',
            )
        if target_kind.value_at(spec_of(target), np.zeros(0, dtype=np.int64)) is None:
            yield Problem(
                f"{gpath}.from", f"a self-reference needs `{spec.from_}` to be a sequence"
            )
        # row i points at an earlier row j < i whatever that row holds: a filter or a skew
        # would be silently ignored (answers pointing at answers) and scored 100
        if spec.where is not None:
            yield Problem(
                f"{gpath}.where",
                f"a self-reference cannot be filtered: `{col.name}` points at any earlier row "
                f"of `{node.id}`, whatever `{spec.where}` says of it",
                "two tables (questions, and answers whose FK to questions has `where` if "
                "needed), or no `where`",
            )
        if spec.weights_kind != "uniform":
            yield Problem(
                f"{gpath}.weights_kind",
                "a self-reference is already skewed to early rows (few managers, many "
                "reports); it takes no `weights_kind`",
                '"weights_kind": "uniform"',
            )
    if col.unique and ref_node.kind == "fact":
        yield Problem(f"{site.path}.unique", "a unique lookup needs an entity or vocab table")


def _match_problems(spec: LookupSpec, site: Site, name: str) -> Iterator[Problem]:
    """Problems of `match` (or `as_of`): columns that exist on both sides, of one type (that
    orders, for `as_of`), nothing else."""
    condition: dict[str, str] | None = getattr(spec, name)
    if condition is None:
        return
    node, gpath = site.node, f"{site.gpath}.{name}"
    ref_table, _ = split_ref(spec.from_)
    ref = site.dataset.node(ref_table)
    assert ref is not None
    for other in ("on", "distinct_from", "where"):
        if getattr(spec, other) is not None:
            yield Problem(gpath, f"`{name}` cannot go with `{other}`")
    if spec.match is not None and spec.as_of is not None and name == "as_of" and spec.distinct:
        yield Problem(gpath, "`match` with `as_of` takes the latest row: no `distinct`")
    if (spec.distinct and name == "match") or site.col.unique or spec.weights_kind != "uniform":
        what = "`distinct`, `unique`" if name == "match" else "`unique`"
        yield Problem(gpath, f"`{name}` picks uniformly: no {what} or `weights_kind`")
    if ref_table == node.id:
        yield Problem(gpath, f"`{name}` is for another table, not a self-reference")
    if node.kind == "fact" and site.col.name == parent_link(site.dataset, node):
        yield Problem(
            gpath,
            f"`{site.col.name}` links each row to its first parent (the fanout's): it is not "
            f"sampled, so it takes no `{name}`",
        )
    for theirs, ours in condition.items():
        their_col, our_col = ref.column(theirs), node.column(ours)
        if their_col is None:
            yield Problem(
                f"{gpath}.{theirs}",
                f"no column `{theirs}` in `{ref_table}`",
                None,
                did_you_mean(theirs, [c.name for c in ref.columns]),
            )
        if our_col is None or ours == site.col.name:
            yield Problem(
                f"{gpath}.{theirs}",
                f"`{ours}` is not another column of `{node.id}`",
                None,
                did_you_mean(ours, site.others),
            )
        elif their_col is not None and their_col.type != our_col.type:
            yield Problem(
                f"{gpath}.{theirs}",
                f"`{ref_table}.{theirs}` is {their_col.type} but `{ours}` is {our_col.type}",
            )
        elif name == "as_of" and our_col.type not in ("int", "float", "date", "datetime"):
            yield Problem(
                f"{gpath}.{theirs}",
                f"`as_of` compares numbers or dates, not {our_col.type}",
                "a date, datetime, int or float column on both sides",
            )


def _pair_problems(spec: LookupSpec, site: Site) -> Iterator[Problem]:
    """Problems of `distinct_from` and `distinct`."""
    dataset, node, col, gpath = site.dataset, site.node, site.col, site.gpath
    ref_table, _ = split_ref(spec.from_)
    if spec.on is not None or ref_table == node.id:
        what = "an attribute lookup" if spec.on is not None else "a self-reference"
        for name in ("distinct_from", "distinct"):
            if getattr(spec, name) not in (None, False):
                yield Problem(f"{gpath}.{name}", f"`{name}` is for a foreign key, not {what}")
        return
    link = parent_link(dataset, node) if node.kind == "fact" else None
    if spec.distinct_from is not None:
        other = node.column(spec.distinct_from)
        target = fk_target(dataset, node.id, spec.distinct_from) if other is not None else None
        if other is None:
            yield Problem(
                f"{gpath}.distinct_from",
                f"no column `{spec.distinct_from}` in `{node.id}`",
                None,
                did_you_mean(spec.distinct_from, site.others),
            )
        elif spec.distinct_from == col.name:
            yield Problem(f"{gpath}.distinct_from", "a column cannot differ from itself")
        elif (target is None or target[0] != ref_table) and not _copies_key(other, spec):
            yield Problem(
                f"{gpath}.distinct_from",
                f"`{spec.distinct_from}` is not a foreign key into `{ref_table}`",
                f"another lookup of `{ref_table}`'s key in this table (or a copy of it "
                f'through an FK: {{"from": "{spec.from_}", "on": "..."}})',
            )
        if col.unique:
            yield Problem(f"{site.path}.unique", "`distinct_from` cannot go with `unique: true`")
    if spec.distinct:
        if link is None or link == col.name:
            yield Problem(
                f"{gpath}.distinct",
                "`distinct` is for a fact's foreign key other than the one to its first parent "
                "(k distinct partners per parent)",
            )
        if col.unique:
            yield Problem(f"{site.path}.unique", "`distinct` cannot go with `unique: true`")
        if spec.weights_kind != "uniform":
            yield Problem(
                f"{gpath}.weights_kind", "`distinct` samples uniformly: remove `weights_kind`"
            )
    if (
        spec.distinct_from is not None
        and spec.distinct_from != link
        and distinct_pairs(dataset, node, col, spec)
        and not _through(node.column(spec.distinct_from), link)
    ):
        yield Problem(
            f"{gpath}.distinct_from",
            f"with distinct pairs, `distinct_from` must be the link to the first parent (`{link}`)"
            " or a copy of a key through it (one value per parent)",
        )


def _copies_key(other: dsl.Column | None, spec: LookupSpec) -> bool:
    """`other` copies the same key through an FK (`{"from": "users.user_id", "on":
    "post_id.owner_user_id"}`: the post's owner), so it names a row of the same table."""
    if other is None or kind_of(other).name != "lookup":
        return False
    theirs = spec_of(other)
    assert isinstance(theirs, LookupSpec)
    return theirs.on is not None and theirs.from_ == spec.from_


def _through(other: dsl.Column | None, link: str | None) -> bool:
    """`other` is looked up through the first-parent link: one value per parent."""
    if other is None or link is None or kind_of(other).name != "lookup":
        return False
    on = spec_of(other).on  # type: ignore[union-attr]
    return isinstance(on, str) and on.split(".")[0] == link
