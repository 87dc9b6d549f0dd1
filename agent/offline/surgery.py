"""Edits on a DSL dict that keep it consistent: rename a table, drop a table or a column.

Dropping cascades: a column that reads a dropped column (expression, `on`,
`locale_from`, attribute lookup, modifier) goes too, as do the constraints and
targets that name it; a fact whose first parent goes, goes. Used by the
composer (explicit table lists) and by repairs.
"""

from __future__ import annotations

import re
from typing import Any

Schema = dict[str, Any]
_REF = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")
_REF_KEYS = {"from", "choices_ref", "references", "left", "right"}
_TABLE_KEYS = {"id", "table"}
_COLUMN_KEYS = {"name", "pk", "on", "locale_from", "at", "start", "end", "value", "time_column"}


def node(schema: Schema, table: str) -> dict[str, Any] | None:
    return next((n for n in schema["nodes"] if n["id"] == table), None)


def column(schema: Schema, table: str, name: str) -> dict[str, Any] | None:
    found = node(schema, table)
    if found is None:
        return None
    return next((c for c in found["columns"] if c["name"] == name), None)


def generator_kind(col: dict[str, Any]) -> str:
    return next(iter(col["generator"]))


def rename_table(schema: Schema, old: str, new: str) -> None:
    """Rename a table, its pk `<old>_id` and every FK column and reference named after it."""
    old_id, new_id = f"{old}_id", f"{new}_id"

    def ref(value: str) -> str:
        table, col = value.split(".", 1)
        return f"{new if table == old else table}.{new_id if col == old_id else col}"

    def walk(value: Any, key: str | None) -> Any:
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            if key in ("choices", "values", "weights", "clamp", "magnitude"):
                return value
            return [walk(v, "parents" if key == "parents" else key) for v in value]
        if not isinstance(value, str):
            return value
        if key == "expr":
            return re.sub(rf"\b{re.escape(old_id)}\b", new_id, value)
        if key in _REF_KEYS or (key in ("column", "columns") and _REF.match(value)):
            return ref(value) if _REF.match(value) else value
        if key in _TABLE_KEYS or key == "parents":
            return new if value == old else value
        if key in _COLUMN_KEYS or key in ("column", "columns"):
            return new_id if value == old_id else value
        return value

    renamed = walk(schema, None)
    schema.clear()
    schema.update(renamed)


def references(col: dict[str, Any]) -> list[str]:
    """`table.column` references of a column's generator."""
    spec = col["generator"].get("lookup") or {}
    choice = col["generator"].get("choice") or {}
    refs = [spec["from"]] if "from" in spec else []
    if choice.get("choices_ref"):
        refs.append(choice["choices_ref"])
    return refs


def same_row_dependencies(col: dict[str, Any]) -> set[str]:
    deps: set[str] = set()
    gen = col["generator"]
    if "expression" in gen:
        deps |= set(re.findall(r"\b[A-Za-z_][A-Za-z0-9_]*\b", gen["expression"]["expr"]))
    if "lookup" in gen and gen["lookup"].get("on"):
        deps.add(gen["lookup"]["on"])
    if "faker" in gen and gen["faker"].get("locale_from"):
        deps.add(gen["faker"]["locale_from"])
    for mod in col.get("modifiers", []):
        args = mod.get("args", {})
        for key in ("column", "at"):
            if args.get(key):
                deps.add(args[key])
        if mod.get("transform") == "expression":
            deps |= set(re.findall(r"\b[A-Za-z_][A-Za-z0-9_]*\b", args.get("expr", "")))
    return deps


def drop_table(schema: Schema, table: str) -> list[str]:
    """Remove a table and everything that needs it; returns the names removed."""
    removed: list[str] = []
    pending = [table]
    while pending:
        current = pending.pop()
        if node(schema, current) is None:
            continue
        schema["nodes"] = [n for n in schema["nodes"] if n["id"] != current]
        removed.append(current)
        for other in list(schema["nodes"]):
            if other.get("parents") and other["parents"][0] == current:
                pending.append(other["id"])
                continue
            if "parents" in other:
                other["parents"] = [p for p in other["parents"] if p != current]
            if not other.get("parents") and other["kind"] == "fact":
                pending.append(other["id"])
                continue
            for col in list(other["columns"]):
                if any(r.split(".")[0] == current for r in references(col)):
                    drop_column(schema, other["id"], col["name"])
        _prune_constraints(schema, lambda t, c, gone=current: t == gone)
    return removed


def drop_column(schema: Schema, table: str, name: str) -> list[str]:
    """Remove a column and what reads it; a pk or a first-parent FK takes its table along."""
    target = node(schema, table)
    if target is None or column(schema, table, name) is None:
        return []
    if target.get("pk") == name:
        return drop_table(schema, table)
    parents = target.get("parents") or []
    if parents and target["kind"] == "fact":
        first = parents[0]
        col = column(schema, table, name)
        assert col is not None
        if col["generator"].get("lookup", {}).get("from") == f"{first}.{first}_id" and not col[
            "generator"
        ]["lookup"].get("on"):
            return drop_table(schema, table)
    removed = [f"{table}.{name}"]
    target["columns"] = [c for c in target["columns"] if c["name"] != name]
    _prune_constraints(schema, lambda t, c: t == table and c == name)
    for other in schema["nodes"]:
        for col in list(other["columns"]):
            if column(schema, other["id"], col["name"]) is None:
                continue
            reads_ref = f"{table}.{name}" in references(col)
            reads_row = other["id"] == table and name in same_row_dependencies(col)
            if reads_ref or reads_row:
                removed += drop_column(schema, other["id"], col["name"])
    return removed


def _prune_constraints(schema: Schema, hit: Any) -> None:
    def names(ref: str, table: str | None = None) -> tuple[str, str]:
        if table is not None:
            return table, ref
        t, _, c = ref.partition(".")
        return t, c

    constraints = schema.get("constraints", {})
    for kind in ("ranges", "pattern", "enum"):
        constraints[kind] = [x for x in constraints.get(kind, []) if not hit(*names(x["column"]))]
    constraints["foreign_keys"] = [
        x
        for x in constraints.get("foreign_keys", [])
        if not hit(*names(x["column"])) and not hit(*names(x["references"]))
    ]
    constraints["inequalities"] = [
        x
        for x in constraints.get("inequalities", [])
        if not hit(*names(x["left"])) and not hit(*names(x["right"]))
    ]
    constraints["unique"] = [
        x
        for x in constraints.get("unique", [])
        if not any(hit(x["table"], c) for c in x["columns"])
    ]
    targets = schema.get("targets", {})
    for kind in ("weekend_share", "mean_in_range", "seasonality", "composite_effect"):
        targets[kind] = [
            x
            for x in targets.get(kind, [])
            if not hit(x["table"], x["column"])
            and not (x.get("value") and hit(x["table"], x["value"]))
            and not (x.get("time_column") and hit(x["table"], x["time_column"]))
        ]
    for other in schema.get("nodes", []):
        for col in other["columns"]:
            col["modifiers"] = [
                m
                for m in col.get("modifiers", [])
                if not (
                    m.get("transform") == "effect" and hit(m["args"]["table"], m["args"]["start"])
                )
            ]
            if not col["modifiers"]:
                col.pop("modifiers")
