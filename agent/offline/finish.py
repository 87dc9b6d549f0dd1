"""The finished draft: money rounded, ranges kept under modifiers, constraints and
targets derived from what the tables declare, and the DSL document assembled."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from datagen.agent.offline.draft import Draft

WEEKEND_MARGIN = 0.02  # the validator adds the sampling error on top
MONEY_WORDS = {"price", "amount", "cost", "fee", "total", "revenue", "premium", "salary",
               "balance", "budget", "fare", "tip", "subtotal", "charge", "spend", "payout",
               "income", "wage", "value", "rent", "deposit", "payment", "refund"}  # fmt: skip
MONEY_RATES = {"nightly_rate", "hourly_rate", "daily_rate", "day_rate"}


def _round_money(draft: Draft) -> None:
    """Money drawn from a distribution is rounded to cents (after every other modifier)."""
    for node in draft.schema["nodes"]:
        for col in node["columns"]:
            name = col["name"]
            words = set(name.split("_"))
            if col["type"] != "float" or "distribution" not in col["generator"]:
                continue
            if not (words & MONEY_WORDS or name in MONEY_RATES) or words & {"ratio", "pct"}:
                continue
            mods = col.setdefault("modifiers", [])
            if not any("round(" in str(m.get("args", {}).get("expr", "")) for m in mods):
                mods.append({"transform": "expression", "args": {"expr": "round(value, 2)"}})


def finish(draft: Draft) -> None:
    schema = draft.schema
    constraints = schema["constraints"]
    _round_money(draft)
    _clamp_modified_ranges(draft)
    fks = []
    uniques = []
    for node in schema["nodes"]:
        for col in node["columns"]:
            spec = col["generator"].get("lookup")
            if spec and not spec.get("on"):
                fks.append({"column": f"{node['id']}.{col['name']}", "references": spec["from"]})
            if col.get("unique") and col["name"] != node.get("pk"):
                uniques.append({"table": node["id"], "columns": [col["name"]]})
    constraints["foreign_keys"] = fks
    if uniques:
        constraints["unique"] = uniques
    _drop_stale(draft)
    targets = schema["targets"]
    targets["weekend_share"] = []
    targets["seasonality"] = []
    for node in schema["nodes"]:
        if node["kind"] != "fact":
            continue
        for col in node["columns"]:
            spec = col["generator"].get("datetime_series")
            if spec is None or col["type"] != "datetime":
                continue
            is_main = draft.roles["time"] == f"{node['id']}.{col['name']}"
            patterns = {p["dimension"]: p["weights"] for p in spec.get("pattern", [])}
            if not is_main and "dow" not in patterns:
                continue
            window = _window_of(spec, draft.window)
            share = weekend_share(window, patterns.get("dow"), patterns.get("month"))
            targets["weekend_share"].append(
                {
                    "table": node["id"],
                    "column": col["name"],
                    "min": round(max(0.0, share - WEEKEND_MARGIN), 3),
                    "max": round(min(1.0, share + WEEKEND_MARGIN), 3),
                }
            )
            if "month" in patterns and (window[1] - window[0]).days >= 59:
                targets["seasonality"].append(
                    {
                        "table": node["id"],
                        "column": col["name"],
                        "dimension": "month",
                        "weights": list(patterns["month"]),
                        "tolerance": 0.15,
                    }
                )
    modified = {
        f"{n['id']}.{c['name']}"
        for n in schema["nodes"]
        for c in n["columns"]
        if c.get("modifiers")
    }
    targets["mean_in_range"] = [
        m
        for m in targets["mean_in_range"]
        if draft.column(m["table"], m["column"]) is not None
        and f"{m['table']}.{m['column']}" not in modified
    ]


def _clamp_modified_ranges(draft: Draft) -> None:
    """A column that behaviours scale (trend, outliers, seasonality) still keeps its range."""
    scaling = {"seasonality", "trend", "outliers", "multiply", "add", "jitter"}
    for rng in draft.schema["constraints"].get("ranges", []):
        table, _, name = rng["column"].partition(".")
        col = draft.column(table, name)
        if col is None or not any(m["transform"] in scaling for m in col.get("modifiers", [])):
            continue
        bounds = {k: rng[k] for k in ("min", "max") if isinstance(rng.get(k), (int, float))}
        mods = [m for m in col["modifiers"] if m["transform"] != "clamp"]
        col["modifiers"] = [*mods, {"transform": "clamp", "args": bounds}] if bounds else mods


def _drop_stale(draft: Draft) -> None:
    """Constraints and targets naming columns that are not there (after edits)."""
    schema = draft.schema

    def exists(ref: str) -> bool:
        table, _, col = ref.partition(".")
        return draft.column(table, col) is not None

    constraints = schema["constraints"]
    constraints["inequalities"] = [
        i for i in constraints["inequalities"] if exists(i["left"]) and exists(i["right"])
    ]
    constraints["ranges"] = [r for r in constraints["ranges"] if exists(r["column"])]


def _window_of(spec: dict[str, Any], default: tuple[date, date]) -> tuple[date, date]:
    within = spec.get("within", "timeframe")
    if within == "timeframe":
        return default
    return date.fromisoformat(within["start"][:10]), date.fromisoformat(within["end"][:10])


def weekend_share(
    window: tuple[date, date], dow: list[float] | None, month: list[float] | None
) -> float:
    """The share of Sat/Sun rows the declared day and month weights imply over the window."""
    total = weekend = 0.0
    day = window[0]
    while day < window[1]:
        weight = (dow[day.weekday()] if dow else 1.0) * (month[day.month - 1] if month else 1.0)
        total += weight
        if day.weekday() >= 5:
            weekend += weight
        day += timedelta(days=1)
    return weekend / total if total else 2 / 7


def assemble(draft: Draft, text: str, domain: str) -> dict[str, Any]:
    start, end = draft.window
    constraints = {k: v for k, v in draft.schema["constraints"].items() if v}
    targets = {k: v for k, v in draft.schema["targets"].items() if v}
    description = " ".join(text.split())
    return {
        "version": "1.0",
        "metadata": {
            "name": domain,
            "description": description[:500],
            "assumptions": list(draft.assumptions),
            "tags": ["offline", domain],
        },
        "timeframe": {"start": start.isoformat(), "end": end.isoformat(), "freq": "s"},
        "nodes": draft.schema["nodes"],
        "constraints": constraints,
        "targets": targets,
    }
