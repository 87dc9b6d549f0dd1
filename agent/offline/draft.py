"""The schema under construction (`Draft`), how it starts from a blueprint and a window,
and the arithmetic of its sizes (rows of an entity, children per parent)."""

from __future__ import annotations

import copy
import difflib
import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from datagen.agent.offline import surgery
from datagen.agent.offline.blueprints import Blueprint
from datagen.agent.offline.parse import TimeWindow

DEFAULT_WINDOW = (date(2024, 1, 1), date(2025, 1, 1))
MAX_ENTITY_ROWS = 1_000_000_000


MAX_VOCAB_ROWS = 1000  # a vocab is a short list of values


@dataclass
class Draft:
    """The schema under construction, its roles and what was guessed."""

    blueprint: Blueprint
    schema: dict[str, Any]
    roles: dict[str, str | None]
    window: tuple[date, date]
    assumptions: list[str] = field(default_factory=list)
    counted: set[str] = field(default_factory=set)  # tables whose size the text gave
    aliases: dict[str, str] = field(default_factory=dict)  # blueprint id -> current id
    extra_synonyms: dict[str, str] = field(default_factory=dict)  # from a merged blueprint
    text: str = ""  # the description, for words around a claim's phrase ('... on average')
    window_given: bool = True  # False: the window is our default, free to shorten
    # weights a claim stated, by id of their `choice` spec: a later claim keeps them
    stated_weights: dict[int, set[int]] = field(default_factory=dict)

    def node(self, table: str | None) -> dict[str, Any] | None:
        return surgery.node(self.schema, table) if table else None

    def column(self, table: str | None, name: str | None) -> dict[str, Any] | None:
        return surgery.column(self.schema, table, name) if table and name else None

    def note(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)

    def resolve(self, noun: str) -> str | None:
        """The current table a noun names (id, synonym, last word, or a close spelling)."""
        ids = [n["id"] for n in self.schema["nodes"]]
        merged = {**self.extra_synonyms, **self.blueprint.synonyms}
        synonyms = {k: self.aliases.get(v, v) for k, v in merged.items()}
        for candidate in (noun, noun.split("_")[-1], noun.replace("_", "")):
            if candidate in ids:
                return candidate
            if candidate in synonyms and synonyms[candidate] in ids:
                return synonyms[candidate]
        for candidate in dict.fromkeys((noun, noun.split("_")[-1])):
            if len(candidate) < 4:
                continue
            close = difflib.get_close_matches(candidate, ids + list(synonyms), n=1, cutoff=0.82)
            if close:
                return close[0] if close[0] in ids else synonyms[close[0]]
        return None

    def table_before(self, phrase: str) -> str | None:
        """The table the words right before a phrase name ('data usage peaks in the evening':
        `data_usage`), else None."""
        low = self.text.lower()
        at = low.find(phrase.lower()) if phrase else -1
        words = re.findall(r"[a-z][a-z-]*", low[max(0, at - 40) : at]) if at > 0 else []
        for size in (2, 1):
            if len(words) >= size:
                table = self.resolve("_".join(words[-size:]))
                if table is not None and len(words[-1]) > 2:
                    return table
        return None

    def rename(self, old: str, new: str) -> None:
        surgery.rename_table(self.schema, old, new)
        for key, value in list(self.roles.items()):
            if value and value.split(".")[0] == old:
                self.roles[key] = new + value[len(old) :].replace(f".{old}_id", f".{new}_id")
        for key, value in list(self.aliases.items()):
            if value == old:
                self.aliases[key] = new
        self.counted = {new if t == old else t for t in self.counted}

    def expected_rows(self, table: str) -> float:
        node = self.node(table)
        if node is None:
            return 0.0
        if node["kind"] != "fact":
            return float(node.get("rows") or len(enum_values(node)) or 1000)
        return self.expected_rows(node["parents"][0]) * fanout_mean(node["fanout"])


def resolve_window(window: TimeWindow | None, today: date) -> tuple[tuple[date, date], str]:
    if window is None:
        start, end = DEFAULT_WINDOW
        return (start, end), (
            f"time window: none given, so calendar {start.year} "
            f"({start.isoformat()} to {end.isoformat()}, end exclusive)"
        )
    note = (
        f"time window: {window.start.isoformat()} to {window.end.isoformat()} (end exclusive), "
        f"from {window.phrase!r}"
    )
    if window.relative:
        note += f", counted back from the fixed reference date {today.isoformat()}"
    return (window.start, window.end), note


def start_draft(blueprint: Blueprint, window: tuple[date, date]) -> Draft:
    start = window[0]
    history = {"start": years_before(start, 3).isoformat(), "end": start.isoformat()}
    early = {"start": years_before(start, 6).isoformat(), "end": history["start"]}

    def resolve(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if value == "@history":
            return dict(history)
        if value == "@early":
            return dict(early)
        return value

    nodes = resolve(copy.deepcopy(blueprint.nodes))
    constraints = {
        "inequalities": [{"left": a, "op": op, "right": b} for a, op, b in blueprint.inequalities],
        "ranges": [_range(col, lo, hi) for col, lo, hi in blueprint.ranges],
    }
    schema = {
        "nodes": nodes,
        "constraints": constraints,
        "targets": {
            "mean_in_range": [
                {"table": ref.split(".")[0], "column": ref.split(".")[1], "min": lo, "max": hi}
                for ref, lo, hi in blueprint.means
            ]
        },
    }
    roles = {
        "main_entity": blueprint.main_entity,
        "main_fact": blueprint.main_fact,
        "time": f"{blueprint.main_fact}.{blueprint.time_column}",
        "amount": f"{blueprint.main_fact}.{blueprint.amount_column}"
        if blueprint.amount_column
        else None,
        "signup": f"{blueprint.main_entity}.{blueprint.signup_column}"
        if blueprint.signup_column
        else None,
        "country": f"{blueprint.main_entity}.{blueprint.country_column}"
        if blueprint.country_column
        else None,
        "person_fk": blueprint.person_fk,
        "popular_fk": blueprint.popular_fk,
        "fraud": blueprint.fraud_table or blueprint.main_fact,
    }
    aliases = {n["id"]: n["id"] for n in nodes}
    return Draft(blueprint, schema, roles, window, aliases=aliases)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _range(ref: str, lo: float | None, hi: float | None) -> dict[str, Any]:
    out: dict[str, Any] = {"column": ref}
    if lo is not None:
        out["min"] = lo
    if hi is not None:
        out["max"] = hi
    return out


def resolve_windows(node: dict[str, Any], draft: Draft) -> dict[str, Any]:
    start = draft.window[0]
    history = {"start": years_before(start, 3).isoformat(), "end": start.isoformat()}

    def resolve(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return dict(history) if value in ("@history", "@early") else value

    return resolve(node)


def enum_spec(node: dict[str, Any]) -> dict[str, Any]:
    return next(
        c["generator"]["enum_list"] for c in node["columns"] if "enum_list" in c["generator"]
    )


def enum_values(node: dict[str, Any]) -> list[str]:
    for col in node["columns"]:
        if "enum_list" in col["generator"]:
            return list(col["generator"]["enum_list"]["values"])
    return []


def fanout_mean(fanout: dict[str, Any]) -> float:
    """The mean children per parent, the poisson's lower clamp included (min 1 adds P(0))."""
    if fanout.get("distribution") == "uniform":
        return (fanout.get("min", 0) + fanout["max"]) / 2
    lam = float(fanout["lambda"])
    low = int(fanout.get("min") or 0)
    lifted = sum((low - k) * math.exp(-lam) * lam**k / math.factorial(k) for k in range(low))
    return lam + lifted
