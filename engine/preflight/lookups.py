"""Checks of lookups: key or attribute lookups, `on`, self-references."""

from __future__ import annotations

from collections.abc import Iterator

from datagen.engine import dsl
from datagen.engine.errors import Problem
from datagen.engine.lookups import lookup_path_problems
from datagen.engine.preflight.common import NUMERIC
from datagen.engine.relations import split_ref


def lookup_problems(
    dataset: dsl.Dataset,
    node: dsl.Node,
    col: dsl.Column,
    spec: dsl.LookupSpec,
    gpath: str,
    others: list[str],
) -> Iterator[Problem]:
    """Problems of a lookup whose `from` names an existing column."""
    ref_table, ref_col = split_ref(spec.from_)
    ref_node = dataset.node(ref_table)
    target = ref_node.column(ref_col)
    if target.type != col.type and not ({target.type, col.type} <= NUMERIC):
        yield Problem(
            f"{gpath}.from", f"`{spec.from_}` is {target.type} but `{col.name}` is {col.type}"
        )
    yield from lookup_path_problems(dataset, node, col, spec, gpath)
    if spec.on is not None:
        return
    is_key = (
        ref_node.pk == ref_col
        or target.unique
        or isinstance(dsl.generator_spec(target.generator), dsl.SequenceSpec)
    )
    if not is_key:
        fk_cols = [
            c.name
            for c in node.columns
            if isinstance(dsl.generator_spec(c.generator), dsl.LookupSpec)
            and dsl.generator_spec(c.generator).on is None  # type: ignore[union-attr]
            and dsl.generator_spec(c.generator).from_.split(".")[0] == ref_table  # type: ignore[union-attr]
            and c.name != col.name
        ]
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
        if not isinstance(dsl.generator_spec(target.generator), dsl.SequenceSpec):
            yield Problem(
                f"{gpath}.from", f"a self-reference needs `{spec.from_}` to be a sequence"
            )
    if col.unique and ref_node.kind == "fact":
        yield Problem(f"{cpath_of(gpath)}.unique", "a unique lookup needs an entity or vocab table")


def cpath_of(gpath: str) -> str:
    return gpath.rsplit(".generator", 1)[0]
