"""Checks of the declared constraints: their references, and inequalities that can hold."""

from __future__ import annotations

import re
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
    for i, pattern in enumerate(c.pattern):
        if p := regex_problem(f"constraints.pattern[{i}].regex", pattern.regex):
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


def regex_problem(path: str, regex: str) -> Problem | None:
    """A regex the validator could spend hours on: RE2 (Arrow's engine) runs in linear time,
    but one with look-arounds or back-references falls back to Python's backtracking `re`,
    where a repetition inside a repetition (`(a+)+`) is exponential on a value that fails."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.match_substring_regex(pa.array([""]), f"^(?:{regex})$")
        return None
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    if not _nested_repetition(regex):
        return None
    return Problem(
        path,
        "a repetition inside a repetition (such as `(a+)+`) in a regex with look-arounds or "
        "back-references: matching can take exponential time",
        "a regex without look-arounds and back-references (RE2 syntax), or no nested repetition",
    )


def _nested_repetition(regex: str) -> bool:
    """Whether a variable-length repetition holds another one (the classic ReDoS shape)."""
    import re._constants as sre
    import re._parser as sre_parse

    def parts(value: object) -> Iterator[sre_parse.SubPattern]:
        if isinstance(value, sre_parse.SubPattern):
            yield value
        elif isinstance(value, list | tuple):
            for item in value:
                yield from parts(item)

    def walk(pattern: sre_parse.SubPattern, inside: bool) -> bool:
        for op, arg in pattern.data:
            if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
                low, high, body = arg
                repeats = high != low and high > 1
                if repeats and inside:
                    return True
                if walk(body, inside or repeats):
                    return True
            elif any(walk(part, inside) for part in parts(arg)):
                return True
        return False

    try:
        return walk(sre_parse.parse(regex), False)
    except (re.error, RecursionError):
        return False
