"""TEMPORARY local stand-in for agent/offline/lexicon/columns.py (same signature); deleted
when the offline author's lexicon lands on main."""

from __future__ import annotations

from typing import Any

FAKER_WORDS = {
    "email": "email",
    "phone": "phone_number",
    "fax": "phone_number",
    "first_name": "first_name",
    "firstname": "first_name",
    "last_name": "last_name",
    "lastname": "last_name",
    "city": "city",
    "country": "country",
    "address": "street_address",
    "company": "company",
    "postal_code": "postcode",
    "postalcode": "postcode",
    "state": "state",
    "title": "catch_phrase",
    "name": "word",
    "description": "sentence",
}


def generator_for_column(
    table: str, column: str, dsl_type: str | None = None
) -> tuple[dict[str, Any], str]:
    key = column.lower()
    kind = dsl_type or "string"
    if kind == "string":
        for word, method in FAKER_WORDS.items():
            if key == word or key.endswith(word):
                col = {"name": column, "type": "string", "generator": {"faker": {"method": method}}}
                return col, f"`{table}.{column}`: faker {method}"
        gen: dict[str, Any] = {"choice": {"choices": [f"{column} {c}" for c in "ABCDEF"]}}
        return {"name": column, "type": "string", "generator": gen}, f"`{table}.{column}`: labels"
    if kind in ("date", "datetime"):
        spec: dict[str, Any] = {"within": "timeframe"}
        if kind == "date":
            spec["freq"] = "D"
        return {"name": column, "type": kind, "generator": {"datetime_series": spec}}, "time"
    if kind == "bool":
        return {"name": column, "type": "bool", "generator": {"choice": {"choices": [True, False]}}}, "flag"
    dist = {"type": "lognormal", "params": {"mean": 2.3, "sigma": 0.8}, "clamp": [0, 1e6]}
    return {"name": column, "type": kind, "generator": {"distribution": dist}}, "number"
