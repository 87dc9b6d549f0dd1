"""Checks of the tables themselves: parents, a fact's key to its parent, vocab rows, pks."""

from __future__ import annotations

from collections.abc import Iterator

from datagen.engine import dsl
from datagen.engine.errors import Problem
from datagen.engine.generators.kind import kind_of, kinds_with_specs, unknown_table
from datagen.engine.plan import parent_fk_column


def node_problems(dataset: dsl.Dataset) -> Iterator[Problem]:
    tables = {n.id: n for n in dataset.nodes}
    for ni, node in enumerate(dataset.nodes):
        npath = f"nodes[{ni}]"
        for pi, parent in enumerate(node.parents):
            if parent not in tables:
                yield unknown_table(f"{npath}.parents[{pi}]", parent, tables)
        if node.kind == "fact" and node.parents and node.parents[0] in tables:
            parent = tables[node.parents[0]]
            if parent.pk is None:
                yield Problem(
                    f"{npath}.parents[0]", f"parent `{parent.id}` has no `pk` to reference"
                )
            elif parent_fk_column(node, parent) is None:
                yield Problem(
                    f"{npath}.columns",
                    f"fact `{node.id}` needs a column that looks up its parent's key "
                    f"`{parent.id}.{parent.pk}`",
                    f'{{"name": "{parent.pk}", "type": "int", "generator": {{"lookup": '
                    f'{{"from": "{parent.id}.{parent.pk}"}}}}}}',
                )
        if (
            node.kind == "vocab"
            and node.rows is None
            and not any(kind.vocabulary_rows(spec) for _, kind, spec in kinds_with_specs(node))
        ):
            yield Problem(f"{npath}.rows", "a vocab table needs `rows` or an `enum_list` column")
        if node.pk is not None:
            pk_col = node.column(node.pk)
            assert pk_col is not None
            if not (kind_of(pk_col).uniqueness == "always" or pk_col.unique):
                yield Problem(
                    f"{npath}.pk",
                    f"pk `{node.pk}` must be unique by construction",
                    'a `sequence` generator or `"unique": true`',
                )
            if pk_col.nullable:
                yield Problem(f"{npath}.pk", f"pk `{node.pk}` must not be nullable")
