"""Edit requests on an existing schema (chat): the same extractors, applied to what is there.

"make it 50k customers", "add weekend spikes", "drop the payment table",
"add a loyalty_tier column to customer", "rename order to purchase", "move it
to 2023". The roles (main entity, main fact, timestamp, amount) come from the
blueprint the schema was built from when its tables are still there, else
they are read off the schema itself.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any

from datagen.agent.offline import surgery
from datagen.agent.offline.behaviours import apply_behaviours
from datagen.agent.offline.blueprints import BLUEPRINTS, Blueprint
from datagen.agent.offline.columns import apply_columns, apply_countries
from datagen.agent.offline.counts import apply_counts
from datagen.agent.offline.draft import Draft, resolve_window
from datagen.agent.offline.finish import finish
from datagen.agent.offline.naming import singular
from datagen.agent.offline.parse import REFERENCE_DATE, Parsed, parse
from datagen.agent.offline.tables import MONTH_NAMES, NOT_TABLES, add_table

_DROP = re.compile(
    r"\b(?:remove|drop|delete|without|get\s+rid\s+of|exclude)\s+(?:the\s+|all\s+)?"
    r"(?:(table|column)\s+)?`?([a-z][a-z_]*)`?(?:\s+(table|column))?",
    re.IGNORECASE,
)
_RENAME = re.compile(
    r"\brename\s+(?:the\s+)?(?:table\s+)?`?([a-z][a-z_]*)`?\s+(?:table\s+)?(?:to|as|into)\s+"
    r"`?([a-z][a-z_]*)`?",
    re.IGNORECASE,
)
_ADD_COLUMN = re.compile(
    r"\badd\s+(?:a|an|the)?\s*`?([a-z][a-z_]*)`?\s+(?:column|field)\s+(?:to|on|in)\s+"
    r"(?:the\s+)?`?([a-z][a-z_]*)`?",
    re.IGNORECASE,
)
_ADD_TABLE = re.compile(
    r"\badd\s+(?:a\s+|an\s+|some\s+)?(?:table\s+(?:of\s+|for\s+|called\s+)?)?`?([a-z][a-z_-]*)`?"
    r"(?:\s+table)?",
    re.IGNORECASE,
)


def edit(current: dict[str, Any], request: str, today: date = REFERENCE_DATE) -> dict[str, Any]:
    """The current schema changed as the request says; what was done is appended to assumptions."""
    schema = copy.deepcopy(current)
    schema.setdefault("constraints", {})
    schema.setdefault("targets", {})
    for kind in ("inequalities", "ranges", "foreign_keys", "unique", "pattern", "enum"):
        schema["constraints"].setdefault(kind, [])
    for kind in ("weekend_share", "mean_in_range", "seasonality", "composite_effect"):
        schema["targets"].setdefault(kind, [])
    metadata = schema.get("metadata", {})
    old_window = _timeframe(schema)
    parsed = parse(request, today)
    blueprint = _blueprint_for(schema)
    draft = Draft(
        blueprint,
        {
            "nodes": schema["nodes"],
            "constraints": schema["constraints"],
            "targets": schema["targets"],
        },
        _roles(schema, blueprint),
        old_window,
        aliases={n["id"]: n["id"] for n in schema["nodes"]},
    )
    if parsed.window is not None:
        window, note = resolve_window(parsed.window, today)
        _move_window(draft, old_window, window)
        draft.note(note)
    _apply_renames(draft, request)
    _apply_drops(draft, request)
    _apply_additions(draft, request, parsed)
    apply_counts(draft, parsed)
    apply_columns(draft, parsed)
    apply_countries(draft, parsed)
    apply_behaviours(draft, parsed)
    finish(draft)
    if not draft.assumptions:
        draft.note(f"edit {request!r}: nothing in it could be applied; the schema is unchanged")
    notes = list(metadata.get("assumptions", [])) + [f"edit: {a}" for a in draft.assumptions]
    timeframe = dict(schema.get("timeframe") or {"freq": "s"})
    timeframe.update({"start": draft.window[0].isoformat(), "end": draft.window[1].isoformat()})
    return {
        **{k: v for k, v in schema.items() if k not in ("nodes", "constraints", "targets")},
        "metadata": {**metadata, "assumptions": notes},
        "timeframe": timeframe,
        "nodes": draft.schema["nodes"],
        "constraints": {k: v for k, v in draft.schema["constraints"].items() if v},
        "targets": {k: v for k, v in draft.schema["targets"].items() if v},
    }


def _timeframe(schema: dict[str, Any]) -> tuple[date, date]:
    frame = schema.get("timeframe") or {}
    try:
        return date.fromisoformat(frame["start"][:10]), date.fromisoformat(frame["end"][:10])
    except (KeyError, ValueError):
        return date(2024, 1, 1), date(2025, 1, 1)


def _blueprint_for(schema: dict[str, Any]) -> Blueprint:
    ids = {n["id"] for n in schema["nodes"]}
    name = schema.get("metadata", {}).get("name", "")
    found = BLUEPRINTS.get(name)
    if found is not None and {found.main_entity, found.main_fact} <= ids:
        return found
    return Blueprint(
        domain=name or "edited",
        title="edited schema",
        keywords={},
        nodes=[],
        main_entity="",
        main_fact="",
        time_column="",
        synonyms=dict(found.synonyms) if found else {},
    )


def _roles(schema: dict[str, Any], blueprint: Blueprint) -> dict[str, str | None]:
    nodes = schema["nodes"]
    if blueprint.main_fact:
        main_fact, main_entity = blueprint.main_fact, blueprint.main_entity
    else:
        facts = [n for n in nodes if n["kind"] == "fact"]
        timed = [n for n in facts if _series_column(n)]
        fact_node = (timed or facts or [None])[0]
        main_fact = fact_node["id"] if fact_node else None
        main_entity = (
            fact_node["parents"][0]
            if fact_node
            else next((n["id"] for n in nodes if n["kind"] == "entity"), None)
        )
    fact_node = surgery.node(schema, main_fact) if main_fact else None
    entity_node = surgery.node(schema, main_entity) if main_entity else None
    series = _series_column(fact_node) if fact_node else None
    amount = (
        blueprint.amount_column
        if blueprint.main_fact
        else next(
            (
                c["name"]
                for c in (fact_node or {}).get("columns", [])
                if c["type"] == "float" and "distribution" in c["generator"]
            ),
            None,
        )
    )
    signup = next(
        (c["name"] for c in (entity_node or {}).get("columns", []) if c["type"] == "datetime"),
        None,
    )
    country = next(
        (c["name"] for c in (entity_node or {}).get("columns", []) if c["name"] == "country"), None
    )
    return {
        "main_entity": main_entity,
        "main_fact": main_fact,
        "time": f"{main_fact}.{blueprint.time_column or series}" if main_fact and series else None,
        "amount": f"{main_fact}.{amount}" if main_fact and amount else None,
        "signup": f"{main_entity}.{signup}" if main_entity and signup else None,
        "country": f"{main_entity}.{country}" if main_entity and country else None,
        "person_fk": blueprint.person_fk,
        "popular_fk": blueprint.popular_fk,
        "fraud": blueprint.fraud_table or main_fact,
    }


def _series_column(node: dict[str, Any] | None) -> str | None:
    for col in (node or {}).get("columns", []):
        if "datetime_series" in col["generator"] and col["type"] == "datetime":
            return str(col["name"])
    return None


def _move_window(draft: Draft, old: tuple[date, date], new: tuple[date, date]) -> None:
    shift_histories(draft.schema["nodes"], old, new)
    draft.window = new


def shift_histories(
    nodes: list[dict[str, Any]], old: tuple[date, date], new: tuple[date, date]
) -> None:
    """Own windows that ended before the old timeframe (entity histories) move with it."""
    shift = new[0] - old[0]
    for node in nodes:
        for col in node["columns"]:
            spec = col["generator"].get("datetime_series")
            within = spec.get("within") if spec else None
            if not isinstance(within, dict):
                continue
            start, end = (
                date.fromisoformat(within["start"][:10]),
                date.fromisoformat(within["end"][:10]),
            )
            if end <= old[0]:
                spec["within"] = {
                    "start": (start + shift).isoformat(),
                    "end": (end + shift).isoformat(),
                }


def _apply_renames(draft: Draft, request: str) -> None:
    for m in _RENAME.finditer(request):
        old = draft.resolve(singular(m.group(1).lower()))
        new = singular(m.group(2).lower())
        if old and draft.node(new) is None:
            draft.rename(old, new)
            draft.note(f"table `{old}` renamed `{new}`")


def _apply_drops(draft: Draft, request: str) -> None:
    for m in _DROP.finditer(request):
        word = m.group(2).lower()
        what = (m.group(1) or m.group(3) or "").lower()
        table = draft.resolve(singular(word)) if what != "column" else None
        if table is not None and what != "column":
            removed = surgery.drop_table(draft.schema, table)
            draft.note("dropped table(s) " + ", ".join(f"`{t}`" for t in removed))
            continue
        hits = [
            (n["id"], c["name"])
            for n in draft.schema["nodes"]
            for c in n["columns"]
            if c["name"] == word and c["name"] != n.get("pk")
        ]
        for table_id, name in hits:
            removed = surgery.drop_column(draft.schema, table_id, name)
            draft.note("dropped " + ", ".join(f"`{r}`" for r in removed))
        if not hits and table is None:
            draft.note(f"could not drop `{word}`: no such table or column")


def _apply_additions(draft: Draft, request: str, parsed: Parsed) -> None:
    consumed: set[str] = set()
    phrases = " ".join(b.phrase for b in parsed.behaviours)
    for m in _ADD_COLUMN.finditer(request):
        table = draft.resolve(singular(m.group(2).lower()))
        name = m.group(1).lower()
        consumed.add(name)
        if table is None or draft.column(table, name) is not None:
            continue
        from datagen.agent.offline.columns import guess_column

        node = draft.node(table)
        assert node is not None
        col = guess_column(name, node["kind"], table=node["id"])
        node["columns"].append(col)
        draft.note(f"added `{table}.{name}` ({col['type']})")
    for m in _ADD_TABLE.finditer(request):
        word = m.group(1).lower().replace("-", "_")
        if word in consumed or word in ("column", "field", "weekend", "a", "the"):
            continue
        noun = singular(word)
        if noun in NOT_TABLES or noun in MONTH_NAMES or word in phrases.split():
            continue
        if draft.resolve(noun) is None and len(noun) > 2:
            add_table(draft, noun)
