"""Helpers shared by the preflight checks: references, value types."""

from __future__ import annotations

from datagen.engine import dsl
from datagen.engine.errors import Problem, did_you_mean
from datagen.engine.plan import NUMERIC, TEMPORAL
from datagen.engine.relations import split_ref

__all__ = ["NUMERIC", "TEMPORAL", "fits", "ref_problem"]


def ref_problem(dataset: dsl.Dataset, path: str, ref: str) -> Problem | None:
    """A problem when `table.column` names no column of the schema, else None."""
    tables = {n.id: n for n in dataset.nodes}
    table, column = split_ref(ref)
    node = tables.get(table)
    if node is None:
        return Problem(path, f"unknown table `{table}`", "a table id", did_you_mean(table, tables))
    if node.column(column) is None:
        names = [c.name for c in node.columns]
        return Problem(
            path, f"table `{table}` has no column `{column}`", None, did_you_mean(column, names)
        )
    return None


def fits(value: object, type_: str) -> bool:
    """Whether a literal of the schema (a choice, an enum value) fits a column type."""
    if type_ == "string":
        return isinstance(value, str)
    if type_ == "bool":
        return isinstance(value, bool)
    if type_ == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_ == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if type_ in TEMPORAL:
        if not isinstance(value, str):
            return False
        try:
            dsl.parse_instant(value)
        except ValueError:
            return False
        return True
    return False
