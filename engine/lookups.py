"""Lookups beyond one FK: paths of FKs, computed keys, and filtered foreign keys.

- `"on": "l_orderkey.o_custkey"`: this row's FK `l_orderkey` gives a row of
  `orders`, whose FK `o_custkey` gives a row of `customer`, whose column
  `from` names is the value (`order.customer.country`).
- `"on": "ps_key"` where `ps_key` is computed (an expression): its value is
  matched against the `from` table's `key` column (default its pk); a value
  without a match gives null.
- `"where": "c_custkey % 3 != 0"`: a foreign key samples only the rows of the
  referenced table where the expression holds; a fact whose first parent
  fails it gets no children there.

Each hop resolves key values to row indexes of the next table: arithmetic for
a `sequence` key, a binary search over the kept key column otherwise. All of
it is numpy over whole blocks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from datagen.engine import dsl
from datagen.engine.errors import Problem, did_you_mean
from datagen.engine.expressions import ExpressionError, column_type, compile_expression, fits
from datagen.engine.relations import split_ref


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
    spec = dsl.generator_spec(col.generator)
    if isinstance(spec, dsl.LookupSpec) and spec.on is None:
        return split_ref(spec.from_)
    return None


def hops(dataset: dsl.Dataset, node: dsl.Node, spec: dsl.LookupSpec) -> list[Hop] | None:
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


def first_hop(spec: dsl.LookupSpec) -> str | None:
    """The column of the row itself an attribute lookup reads."""
    return spec.on.split(".")[0] if spec.on else None


def kept_by(dataset: dsl.Dataset, node: dsl.Node, spec: dsl.LookupSpec) -> set[tuple[str, str]]:
    """(table, column)s of earlier tables a lookup reads beyond `from`: hop FKs, match keys,
    the columns of its `where`."""
    out: set[tuple[str, str]] = set()
    ref_table, _ = split_ref(spec.from_)
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
    dataset: dsl.Dataset, node: dsl.Node, col: dsl.Column, spec: dsl.LookupSpec, gpath: str
) -> Iterator[Problem]:
    """Problems of `on` (paths and computed keys), `key` and `where`."""
    ref_table, _ = split_ref(spec.from_)
    ref = dataset.node(ref_table)
    if ref is None:
        return
    if spec.where is not None:
        from datagen.engine.typecheck import static_types

        types = static_types(dataset, ref)
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
        assert current is not None
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
                    key == ref.pk
                    or key_col.unique
                    or isinstance(dsl.generator_spec(key_col.generator), dsl.SequenceSpec)
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
