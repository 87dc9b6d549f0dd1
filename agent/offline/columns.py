"""Columns the text names (with their listed values, or guessed from the name) and the
countries it names (the main entity's country column and locales)."""

from __future__ import annotations

import re
from typing import Any

from datagen.agent.offline.blueprints import parts as P
from datagen.agent.offline.draft import Draft
from datagen.agent.offline.lexicon.columns import generator_for_column
from datagen.agent.offline.parse import Parsed

MAX_NAMED_COLUMNS = 60


def guess_column(
    name: str, table_kind: str, values: tuple[str, ...] = (), table: str = ""
) -> dict[str, Any]:
    """A column from its name alone (the lexicon's inference), or from the values listed."""
    if values:
        typed = _typed_values(values)
        return P.pick(name, typed)
    col, _ = generator_for_column(table or name, name)
    spec = col["generator"].get("datetime_series")
    if spec is not None and spec.get("within") == "timeframe" and table_kind != "fact":
        spec["within"] = "@history"  # an entity's dates come before the events that use it
    return col


def _typed_values(values: tuple[str, ...]) -> list[Any]:
    if all(re.fullmatch(r"-?\d+", v) for v in values):
        return [int(v) for v in values]
    if all(re.fullmatch(r"-?\d+(?:\.\d+)?", v) for v in values):
        return [float(v) for v in values]
    if all(v.lower() in ("true", "false", "yes", "no") for v in values):
        return [True, False]
    return [re.sub(r"\s+", "_", v.strip().lower()) for v in values]


def apply_columns(draft: Draft, parsed: Parsed) -> None:
    if len(parsed.columns) > MAX_NAMED_COLUMNS:
        draft.note(f"only the first {MAX_NAMED_COLUMNS} named columns were added")
    for mention in parsed.columns[:MAX_NAMED_COLUMNS]:
        table = draft.resolve(mention.table) if mention.table else None
        if table is None and mention.table:
            if mention.table in ("it", "they", "which", "that", "this"):
                table = draft.roles["main_fact"]
            else:
                draft.note(
                    f"could not place column `{mention.column}` of {mention.table!r}: no such table"
                )
                continue
        table = table or draft.roles["main_fact"]
        node = draft.node(table)
        if node is None:
            continue
        name = re.sub(r"[^a-z0-9_]", "_", mention.column)[:50].strip("_")
        if not name or not name[0].isalpha():
            continue
        existing = draft.column(table, name)
        if existing is not None and mention.values:
            typed = _typed_values(mention.values)
            replacement = P.pick(name, typed)
            existing.clear()
            existing.update(replacement)
            draft.note(
                f"`{table}.{name}`: values {', '.join(map(str, typed))} with equal weights "
                "(none were given)"
            )
        elif existing is None:
            col = guess_column(name, node["kind"], mention.values, node["id"])
            node["columns"].append(col)
            kind = next(iter(col["generator"]))
            draft.note(f"added `{table}.{name}` ({col['type']}, {kind}), from {mention.phrase!r}")


def apply_countries(draft: Draft, parsed: Parsed) -> None:
    codes = parsed.countries
    if not codes:
        return
    ref = draft.roles["country"]
    col = draft.column(*ref.split(".")) if ref else None
    if col is None:
        table = draft.roles["main_entity"]
        node = draft.node(table)
        if node is None:
            return
        col = next((c for c in node["columns"] if c["name"] == "country"), None)
        if col is None:
            col = P.pick("country", ["US"])
            node["columns"].insert(1, col)
        ref = f"{table}.country"
    weights = [round(1 / len(codes), 6)] * len(codes)
    col["generator"] = {"choice": {"choices": list(codes), "weights": weights}}
    draft.note(
        f"`{ref}`: {', '.join(codes)} in equal shares; names and cities follow each "
        "country's locale"
    )
