"""Checks of the declared constraints: their references, and inequalities that can hold."""

from __future__ import annotations

from collections.abc import Iterator

from datagen.engine import dsl
from datagen.engine.errors import Problem
from datagen.engine.preflight.common import (
    NUMERIC,
    TEMPORAL,
    missing_column,
    ref_problem,
    unknown_table,
)
from datagen.engine.relations import fk_between, split_ref


def constraint_problems(dataset: dsl.Dataset) -> Iterator[Problem]:
    tables = {n.id: n for n in dataset.nodes}
    c = dataset.constraints
    for kind, items in (("ranges", c.ranges), ("pattern", c.pattern), ("enum", c.enum)):
        for i, item in enumerate(items):
            if p := ref_problem(dataset, f"constraints.{kind}[{i}].column", item.column):
                yield p
    for i, fk in enumerate(c.foreign_keys):
        for side in ("column", "references"):
            if p := ref_problem(
                dataset, f"constraints.foreign_keys[{i}].{side}", getattr(fk, side)
            ):
                yield p
    for i, u in enumerate(c.unique):
        node = tables.get(u.table)
        if node is None:
            yield unknown_table(f"constraints.unique[{i}].table", u.table, tables)
            continue
        for j, name in enumerate(u.columns):
            if missing := missing_column(f"constraints.unique[{i}].columns[{j}]", node, name):
                yield missing
    for i, ineq in enumerate(c.inequalities):
        path = f"constraints.inequalities[{i}]"
        bad = False
        for side in ("left", "right"):
            if p := ref_problem(dataset, f"{path}.{side}", getattr(ineq, side)):
                yield p
                bad = True
        if bad:
            continue
        lt, lc = split_ref(ineq.left)
        rt, rc = split_ref(ineq.right)
        ltype = tables[lt].column(lc).type  # type: ignore[union-attr]
        rtype = tables[rt].column(rc).type  # type: ignore[union-attr]
        if not ({ltype, rtype} <= NUMERIC or {ltype, rtype} <= TEMPORAL):
            yield Problem(path, f"cannot compare {ltype} `{ineq.left}` with {rtype} `{ineq.right}`")
        if lt != rt and fk_between(dataset, lt, rt) is None:
            yield Problem(
                path,
                f"`{lt}` has no foreign key to `{rt}`, so their rows cannot be compared",
                "the same table, or a child table and its parent",
            )
