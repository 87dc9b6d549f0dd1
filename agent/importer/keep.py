"""`datagen create --from FILE.sql`: the imported schema is where the author starts.

The author (offline or LLM) receives the imported schema as the current schema
(an LLM sees that JSON, never the DDL text) and may refine generators, row
counts and behaviours. `KeepingChecker` makes the rest binding: a constraint
read from the DDL that a draft leaves out is put back (it is the DDL's, not the
author's), and a draft that drops or retypes a table or column, or changes a
key, a reference or the composite-key formula, fails its check with one
problem per change, which the loop sends back as a repair.
"""

from __future__ import annotations

from typing import Any

from datagen.agent.loop import CheckResult, DraftChecker, LoopSettings, engine_scorer
from datagen.engine import dsl
from datagen.engine.errors import Problem

INSTRUCTION = (
    "This schema was imported from the user's SQL DDL. Keep every table, column, type, key "
    "and reference, and every constraint listed under `constraints`; change only generators "
    "of ordinary columns, row counts, fanouts and behaviours (patterns, modifiers, targets)."
)


def starting_description(description: str) -> str:
    """The user's words after the rule that the imported structure stays."""
    return f"{INSTRUCTION}\n\n{description}"


def fixed_rows(start: dsl.Dataset) -> dict[str, int]:
    """Tables whose row counts a composite-key formula was built on: they keep them."""
    formulas = {
        f"{node.id}.{col.name}"
        for node in start.nodes
        for col in node.columns
        if dsl.generator_kind(col.generator) == "expression"
    }
    fixed = {}
    for fk in start.constraints.foreign_keys:
        table = fk.references.split(".")[0]
        node = start.node(table)
        if fk.column in formulas and node is not None and node.rows is not None:
            fixed[table] = node.rows
    return fixed


def structure_problems(start: dsl.Dataset, draft: dsl.Dataset) -> list[Problem]:
    """Every way `draft` departs from the imported structure of `start`."""
    problems: list[Problem] = []
    keep = "as imported from the DDL"
    fixed = fixed_rows(start)
    for node in start.nodes:
        index = next((i for i, n in enumerate(draft.nodes) if n.id == node.id), None)
        if index is None:
            problems.append(Problem("nodes", f"table `{node.id}` was dropped", keep))
            continue
        mine = draft.nodes[index]
        where = f"nodes[{index}]"
        if node.id in fixed and mine.rows != fixed[node.id]:
            problems.append(
                Problem(
                    f"{where}.rows",
                    f"`{node.id}` keeps {fixed[node.id]} rows: a composite key's formula "
                    "counts on them",
                    str(fixed[node.id]),
                )
            )
        if mine.key_columns != node.key_columns:
            field = "pk_columns" if node.pk_columns or mine.pk_columns else "pk"
            problems.append(
                Problem(
                    f"{where}.{field}",
                    f"key of `{node.id}` changed",
                    ", ".join(node.key_columns) or keep,
                )
            )
        for col in node.columns:
            position = next((i for i, c in enumerate(mine.columns) if c.name == col.name), None)
            if position is None:
                problems.append(
                    Problem(f"{where}.columns", f"column `{node.id}.{col.name}` was dropped", keep)
                )
                continue
            other = mine.columns[position]
            path = f"{where}.columns[{position}]"
            if other.type != col.type:
                problems.append(Problem(f"{path}.type", f"type of `{col.name}` changed", col.type))
            if _fixed(node, col) and _generator(other) != _generator(col):
                problems.append(
                    Problem(
                        f"{path}.generator",
                        f"`{node.id}.{col.name}` is a key or reference: its generator stays",
                        str(_generator(col)),
                    )
                )
            if col.unique and not other.unique:
                problems.append(Problem(f"{path}.unique", f"`{col.name}` must stay unique", "true"))
            if not col.nullable and other.nullable:
                problems.append(
                    Problem(f"{path}.nullable", f"`{col.name}` is NOT NULL in the DDL", "false")
                )
    return problems


CONSTRAINT_KINDS = ("unique", "foreign_keys", "ranges", "inequalities", "enum")


def restore_constraints(start: dsl.Dataset, draft: dict[str, Any]) -> list[str]:
    """Put back the imported constraints a draft left out (they are the DDL's, not the
    author's) where their columns are still there; what was put back, for the notes.
    A dropped column or table is reported by `structure_problems` instead."""
    constraints = draft.setdefault("constraints", {})
    if not isinstance(constraints, dict):
        return []
    present = {
        f"{node.get('id')}.{col.get('name')}"
        for node in draft.get("nodes") or []
        if isinstance(node, dict)
        for col in node.get("columns") or []
        if isinstance(col, dict)
    }
    restored = []
    for kind in CONSTRAINT_KINDS:
        items = constraints.setdefault(kind, [])
        if not isinstance(items, list):
            continue
        for item in getattr(start.constraints, kind):
            plain = _plain(item)
            if plain not in items and _columns_of(plain) <= present:
                items.append(plain)
                restored.append(f"{kind}: {plain}")
    return restored


def _columns_of(constraint: dict[str, Any]) -> set[str]:
    if "table" in constraint:  # unique
        return {f"{constraint['table']}.{c}" for c in constraint["columns"]}
    return {
        str(constraint[key])
        for key in ("column", "references", "left", "right")
        if key in constraint
    }


def _fixed(node: dsl.Node, col: dsl.Column) -> bool:
    """Keys, references, composite-key formulas and their hidden helpers: what loading into
    the DDL depends on."""
    kind = dsl.generator_kind(col.generator)
    return (
        col.name in node.key_columns or col.hidden or kind in ("lookup", "expression", "enum_list")
    )


def _generator(col: dsl.Column) -> Any:
    return col.generator.model_dump(mode="json", by_alias=True)


def _plain(item: Any) -> Any:
    return item.model_dump(mode="json", by_alias=True, exclude_none=True)


class KeepingChecker(DraftChecker):
    """The loop's checks, then the imported structure (see the module docstring)."""

    def __init__(self, settings: LoopSettings, start: dsl.Dataset) -> None:
        # the dry run must not shrink the tables a composite-key formula counts on
        least = max(fixed_rows(start).values(), default=0)
        super().__init__(
            settings, lambda dataset, seed, rows: engine_scorer(dataset, seed, max(rows, least))
        )
        self.start = start

    def check(self, draft: Any) -> CheckResult:
        restored = restore_constraints(self.start, draft) if isinstance(draft, dict) else []
        result = super().check(draft)
        if restored:
            result.notes.append(f"restored {len(restored)} imported constraint(s)")
        if result.dataset is None:
            return result
        problems = structure_problems(self.start, result.dataset)
        if not problems:
            return result
        return CheckResult(
            False,
            "preflight",
            problems + result.problems,
            result.dataset,
            result.score,
            result.report,
            result.notes,
        )
