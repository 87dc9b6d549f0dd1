"""Behaviours the text describes (weekend spikes, peaks, seasons, fraud, churn, power
users, growth, outliers, missing values) -> patterns and modifiers on the draft's columns."""

from __future__ import annotations

import math
import re
from typing import Any

from datagen.agent.offline import surgery
from datagen.agent.offline.blueprints import parts as P
from datagen.agent.offline.claims_binding import heavy_tailed_fanout
from datagen.agent.offline.draft import Draft
from datagen.agent.offline.parse import Parsed
from datagen.agent.offline.tables import first_series


def main_series(draft: Draft) -> dict[str, Any] | None:
    ref = draft.roles["time"] or first_series(draft, draft.roles["main_fact"])
    col = draft.column(*ref.split(".")) if ref else None
    if col is None or "datetime_series" not in col["generator"]:
        ref = first_series(draft, draft.roles["main_fact"])
        col = draft.column(*ref.split(".")) if ref else None
    if col is not None and "datetime_series" in col["generator"]:
        draft.roles["time"] = ref
        return col["generator"]["datetime_series"]
    return None


def set_pattern(spec: dict[str, Any], dimension: str, weights: list[float]) -> None:
    patterns = [p for p in spec.get("pattern", []) if p["dimension"] != dimension]
    patterns.append({"dimension": dimension, "weights": list(weights)})
    order = {"hour": 0, "dow": 1, "month": 2}
    spec["pattern"] = sorted(patterns, key=lambda p: order[p["dimension"]])
    if dimension == "hour" and spec.get("freq") == "D":
        spec["freq"] = "min"


def _amount(draft: Draft) -> dict[str, Any] | None:
    ref = draft.roles["amount"]
    col = draft.column(*ref.split(".")) if ref else None
    if col is None or col["type"] not in ("int", "float"):
        return None
    return col


def _add_modifier(col: dict[str, Any], modifier: dict[str, Any]) -> None:
    col.setdefault("modifiers", []).append(modifier)


TIMED = ("weekend_spike", "weekday", "business_hours", "evening_peak", "meal_peaks",
         "december_peak", "summer_peak")  # fmt: skip


def apply_behaviours(draft: Draft, parsed: Parsed) -> None:
    time_ref = draft.roles["time"]
    series = main_series(draft)
    time_ref = draft.roles["time"] or time_ref
    amount = _amount(draft)
    amount_ref = draft.roles["amount"]
    kinds = {b.kind for b in parsed.behaviours}
    main_spec, main_ref = series, time_ref
    for behaviour in parsed.behaviours:
        kind = behaviour.kind
        series, time_ref = main_spec, main_ref
        if kind == "seasonal":
            if kinds & {"december_peak", "summer_peak"}:
                continue
            # unspecified seasonality: summer for travel, the year-end peak elsewhere
            kind = "summer_peak" if draft.blueprint.domain == "travel" else "december_peak"
        said = repr(behaviour.phrase)
        named = draft.table_before(behaviour.phrase)
        named_node = draft.node(named)
        if (
            named_node
            and named_node["kind"] == "fact"
            and named != draft.roles["main_fact"]
            and (kind in TIMED[:5])
        ):
            # 'data usage peaks in the evening': the data sessions, not the main SMS table
            ref = first_series(draft, named)
            spec = draft.column(*ref.split("."))["generator"]["datetime_series"] if ref else None
            if spec is not None:
                series, time_ref = spec, ref
        if kind in TIMED and series is None:
            draft.note(f"could not place {said}: no generated timestamp in the main table")
            continue
        if kind == "weekend_spike":
            set_pattern(series, "dow", P.DOW_WEEKEND)  # type: ignore[arg-type]
            draft.note(f"{said}: `{time_ref}` weighs Sat/Sun 1.7/1.6 against 1.0 on Mon-Thu")
        elif kind == "weekday":
            set_pattern(series, "dow", P.DOW_WORKWEEK)  # type: ignore[arg-type]
            draft.note(f"{said}: `{time_ref}` mostly on weekdays (Sat/Sun weigh 0.25/0.15)")
        elif kind == "business_hours":
            set_pattern(series, "hour", P.HOUR_BUSINESS)  # type: ignore[arg-type]
            draft.note(f"{said}: `{time_ref}` concentrated 08:00-17:00")
        elif kind == "evening_peak":
            set_pattern(series, "hour", P.HOUR_EVENING)  # type: ignore[arg-type]
            draft.note(f"{said}: `{time_ref}` peaks 18:00-22:00")
        elif kind == "meal_peaks":
            set_pattern(series, "hour", P.HOUR_MEALS)  # type: ignore[arg-type]
            draft.note(f"{said}: `{time_ref}` peaks around 12:00 and 19:00")
        elif kind in ("december_peak", "summer_peak"):
            weights = P.MONTH_DECEMBER if kind == "december_peak" else P.MONTH_SUMMER
            label = "December" if kind == "december_peak" else "July/August"
            set_pattern(series, "month", weights)  # type: ignore[arg-type]
            text = f"{said}: more `{time_ref}` rows in {label}"
            # a bare month ('40% of donations arrive in December') says where the rows are,
            # not that each is bigger: the amount rises only with a peak, a rush, a season
            bare = re.fullmatch(r"[A-Za-z]+", behaviour.phrase.strip()) is not None
            if amount is not None and time_ref and not (bare and kind == "december_peak"):
                _add_modifier(
                    amount,
                    {
                        "transform": "seasonality",
                        "args": {
                            "dimension": "month",
                            "weights": list(weights),
                            "column": time_ref.split(".")[1],
                        },
                    },
                )
                text += f" and higher `{amount_ref}` ({label} x{max(weights):g})"
            draft.note(text)
        elif kind == "fraud":
            apply_fraud(draft, behaviour.rate, said)
        elif kind == "power_users":
            apply_power_users(draft, said)
        elif kind == "popularity":
            ref = draft.roles["popular_fk"]
            col = draft.column(*ref.split(".")) if ref else None
            if col is not None and "lookup" in col["generator"]:
                col["generator"]["lookup"]["weights_kind"] = "zipf@1.3"
                draft.note(f"{said}: `{ref}` drawn zipf(1.3): a few are very popular")
            else:
                draft.note(f"could not place {said}: no skewable reference in this domain")
        elif kind == "churn":
            apply_churn(draft, behaviour.rate, said)
        elif kind in ("growth", "decline"):
            rate = behaviour.rate if behaviour.rate is not None else 0.2
            growth = rate if kind == "growth" else -min(rate, 0.9)
            if (
                amount is not None
                and time_ref
                and amount_ref
                and time_ref.split(".")[0] == amount_ref.split(".")[0]
            ):
                _add_modifier(
                    amount,
                    {
                        "transform": "trend",
                        "args": {"growth": growth, "column": time_ref.split(".")[1]},
                    },
                )
                draft.note(f"{said}: `{amount_ref}` trends {growth:+.0%} per year")
            else:
                draft.note(f"could not place {said}: no amount next to the main timestamp")
        elif kind == "outliers":
            if amount is not None:
                _add_modifier(
                    amount,
                    {
                        "transform": "outliers",
                        "args": {"mode": "spike", "rate": 0.01, "magnitude": [3.0, 10.0]},
                    },
                )
                draft.note(f"{said}: 1% of `{amount_ref}` multiplied by 3-10")
            else:
                draft.note(f"could not place {said}: no numeric amount in the main table")
        elif kind == "missing":
            apply_missing(draft, said)


def apply_average_amount(draft: Draft, parsed: Parsed) -> None:
    """'an average order value of $50': the lognormal amount is centred there."""
    if parsed.average_amount is None:
        return
    value, phrase = parsed.average_amount
    ref = draft.roles["amount"]
    col = _amount(draft)
    spec = col["generator"].get("distribution") if col else None
    if spec is None or spec.get("type") != "lognormal":
        draft.note(f"could not place {phrase!r}: the main amount is not a lognormal column")
        return
    sigma = float(spec["params"].get("sigma", 1.0))
    spec["params"]["mean"] = round(math.log(value) - sigma * sigma / 2, 4)
    low, high = spec.get("clamp", [0.0, value * 100])
    spec["clamp"] = [min(low, value / 20), max(high, value * 50)]
    draft.note(f"`{ref}`: lognormal with mean about {value:g}, from {phrase!r}")


def apply_fraud(draft: Draft, rate: float | None, said: str) -> None:
    table = draft.roles["fraud"] if draft.node(draft.roles["fraud"]) else draft.roles["main_fact"]
    node = draft.node(table)
    if node is None:
        draft.note(f"could not place {said}: no main table")
        return
    if rate is None:
        rate = 0.01
        draft.note(f"{said}: no rate given, 1% of `{table}` rows flagged as fraud")
    else:
        draft.note(f"{said}: {rate:.4g} of `{table}` rows flagged `is_fraud`")
    col = next((c for c in node["columns"] if c["name"] == "is_fraud"), None)
    flag = P.flag("is_fraud", round(rate, 6))
    if col is None:
        node["columns"].append(flag)
    else:
        col.clear()
        col.update(flag)
    means = draft.schema["targets"]["mean_in_range"]
    means[:] = [m for m in means if not (m["table"] == table and m["column"] == "is_fraud")]
    means.append(
        {
            "table": table,
            "column": "is_fraud",
            "min": round(rate * 0.8, 6),
            "max": round(rate * 1.2, 6),
        }
    )


def apply_power_users(draft: Draft, said: str) -> None:
    ref = draft.roles["person_fk"]
    col = draft.column(*ref.split(".")) if ref else None
    if col is not None and "lookup" in col["generator"]:
        col["generator"]["lookup"]["weights_kind"] = "head_tail@{0.05,0.5}"
        draft.note(f"{said}: the top 5% of users make half of `{ref.split('.')[0]}` rows")  # type: ignore[union-attr]
        return
    main_fact = draft.roles["main_fact"]
    entity = draft.roles["main_entity"]
    node = draft.node(main_fact)
    if node is not None and node.get("fanout", {}).get("distribution", "poisson") == "poisson":
        heavy_tailed_fanout(node)
        draft.note(
            f"{said}: a few `{entity}` rows have many `{main_fact}` rows (negative binomial "
            "fanout, same mean)"
        )


def apply_churn(draft: Draft, rate: float | None, said: str) -> None:
    table = draft.roles["main_entity"]
    node = draft.node(table)
    if node is None:
        draft.note(f"could not place {said}")
        return
    rate = rate if rate is not None else 0.2
    col = P.nullable(P.ts("churned_at"), round(1 - rate, 6))
    node["columns"] = [c for c in node["columns"] if c["name"] != "churned_at"] + [col]
    text = f"{said}: {rate:.0%} of `{table}` rows get a `churned_at` inside the time window"
    signup = draft.roles["signup"]
    if signup and draft.column(*signup.split(".")) is not None and signup.split(".")[0] == table:
        draft.schema["constraints"]["inequalities"].append(
            {"left": f"{table}.churned_at", "op": ">=", "right": signup}
        )
        text += f", always after `{signup}`"
    draft.note(text)


def apply_missing(draft: Draft, said: str) -> None:
    touched = []
    referenced = referenced_columns(draft.schema)
    for table in (draft.roles["main_entity"], draft.roles["main_fact"]):
        node = draft.node(table)
        if node is None:
            continue
        picked = 0
        for col in node["columns"]:
            kind = next(iter(col["generator"]))
            if (
                col["name"] == node.get("pk")
                or col.get("unique")
                or col.get("nullable")
                or kind not in ("choice", "faker", "distribution")
                or f"{table}.{col['name']}" in referenced
                or col["type"] == "bool"
            ):
                continue
            col.update({"nullable": True, "null_rate": 0.05})
            touched.append(f"`{table}.{col['name']}`")
            picked += 1
            if picked == 2:
                break
    if touched:
        draft.note(f"{said}: 5% nulls in " + ", ".join(touched))


def referenced_columns(schema: dict[str, Any]) -> set[str]:
    refs: set[str] = set()
    for node in schema["nodes"]:
        for col in node["columns"]:
            refs.update(surgery.references(col))
            for dep in surgery.same_row_dependencies(col):
                refs.add(f"{node['id']}.{dep}")
    for ineq in schema["constraints"].get("inequalities", []):
        refs.update((ineq["left"], ineq["right"]))
    for ref in (m["table"] + "." + m["column"] for m in schema["targets"].get("mean_in_range", [])):
        refs.add(ref)
    return refs
