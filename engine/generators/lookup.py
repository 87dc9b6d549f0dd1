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

from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from pydantic import ConfigDict, Field

from datagen.engine.dslbase import WEIGHTS_KIND_PATTERN, ColumnRef, Identifier, Strict, split_ref
from datagen.engine.errors import Problem, SchemaError, did_you_mean
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import (
    Kind,
    Site,
    column_may_be_null,
    kind_of,
    ref_problem,
    spec_of,
)
from datagen.engine.generators.weights import sample_index, skew_cdf
from datagen.engine.rng import stream
from datagen.engine.values import Values

if TYPE_CHECKING:
    from datagen.engine import dsl

# A lookup into a table of more rows than this has too many distinct values for a
# Parquet dictionary to pay (lineitem -> orders): encoding costs 4x a plain write.
DICTIONARY_MAX_KEYS = 1 << 16


class LookupSpec(Strict):
    """A foreign key (`from` a table's key) or a parent attribute through the row's FK."""

    from_: ColumnRef = Field(alias="from", examples=["customer.customer_id", "customer.country"])
    on: Identifier | None = Field(
        None, description="the FK column of this row to look the attribute up through"
    )
    weights_kind: str = Field(
        "uniform",
        pattern=WEIGHTS_KIND_PATTERN,
        description="skew of the sampled parents for extra FKs (uniform | zipf@A | head_tail@{H,A})",
    )

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)


def generate(spec: LookupSpec, col: dsl.Column, ctx: BlockContext) -> Values:
    ref_table, ref_column = split_ref(spec.from_)
    if spec.on is not None:
        index = ctx.fk_index[spec.on]
        values, mask = ctx.store.take(ref_table, ref_column, index)
        on_mask = ctx.masks.get(spec.on)
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
    if ctx.parent_index is not None and col.name == parent_link(ctx.dataset, ctx.node):
        index = ctx.parent_index
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
    ctx.fk_index[col.name] = index
    values, mask = ctx.store.take(ref_table, ref_column, index)
    if mask is not None:
        ctx.masks[col.name] = mask
    return values


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

    def dependencies(self, spec: LookupSpec, site: Site) -> set[str]:
        return {spec.on} if spec.on else set()

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
        if spec.on is None and ref_table == node.id:
            return True
        ref_node = dataset.node(ref_table)
        ref_col = ref_node.column(ref_column) if ref_node else None
        if ref_node is None or ref_col is None or ref_col is col:
            return True
        if column_may_be_null(dataset, ref_node, ref_col):
            return True
        if spec.on is not None:
            on_col = node.column(spec.on)
            return on_col is None or column_may_be_null(dataset, node, on_col)
        return False


def _lookup_problems(spec: LookupSpec, site: Site) -> Iterator[Problem]:
    """Problems of a lookup whose `from` names an existing column."""
    dataset, node, col, gpath, others = site.dataset, site.node, site.col, site.gpath, site.others
    ref_table, ref_col = split_ref(spec.from_)
    ref_node = dataset.node(ref_table)
    assert ref_node is not None
    target = ref_node.column(ref_col)
    assert target is not None
    if target.type != col.type and not ({target.type, col.type} <= {"int", "float"}):
        yield Problem(
            f"{gpath}.from", f"`{spec.from_}` is {target.type} but `{col.name}` is {col.type}"
        )
    if spec.on is not None:
        if spec.on not in others:
            yield Problem(
                f"{gpath}.on",
                f"no column `{spec.on}` in `{node.id}`",
                None,
                did_you_mean(spec.on, others),
            )
            return
        on_col = node.column(spec.on)
        assert on_col is not None
        on_key = kind_of(on_col).key_reference(spec_of(on_col))
        if on_key is None or split_ref(on_key)[0] != ref_table:
            yield Problem(
                f"{gpath}.on",
                f"`{spec.on}` is not a foreign key to `{ref_table}`",
                f'a column with {{"lookup": {{"from": "{ref_table}.{ref_node.pk}"}}}}',
            )
        return
    target_kind = kind_of(target)
    is_key = ref_node.pk == ref_col or target.unique or target_kind.uniqueness == "always"
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
    if col.unique and ref_node.kind == "fact":
        yield Problem(f"{site.path}.unique", "a unique lookup needs an entity or vocab table")
