"""Small constructors for DSL fragments, so blueprints read like table definitions.

Each returns a plain DSL dict. Windows may be symbolic: "@history" (the three
years before the dataset's timeframe) and "@early" (the three years before
that) are resolved by `compose.py` once the timeframe is known, so that
entities exist before the facts that reference them, by construction.
"""

from __future__ import annotations

from typing import Any

Col = dict[str, Any]
Node = dict[str, Any]

# Relative weights, Monday first / midnight first / January first.
DOW_FLAT = [1.0] * 7
DOW_MILD = [1.0, 1.0, 1.0, 1.0, 1.05, 1.2, 1.1]
DOW_WEEKEND = [1.0, 1.0, 1.0, 1.0, 1.1, 1.7, 1.6]
DOW_WORKWEEK = [1.0, 1.0, 1.0, 1.0, 0.95, 0.25, 0.15]
HOUR_CONSUMER = [
    0.2,
    0.1,
    0.08,
    0.05,
    0.05,
    0.1,
    0.3,
    0.6,
    0.9,
    1.0,
    1.1,
    1.2,
    1.3,
    1.2,
    1.1,
    1.1,
    1.2,
    1.4,
    1.6,
    1.8,
    1.9,
    1.6,
    1.0,
    0.5,
]
HOUR_BUSINESS = [
    0.05,
    0.05,
    0.05,
    0.05,
    0.05,
    0.05,
    0.1,
    0.4,
    1.2,
    1.6,
    1.7,
    1.6,
    1.2,
    1.5,
    1.6,
    1.5,
    1.2,
    0.5,
    0.15,
    0.1,
    0.05,
    0.05,
    0.05,
    0.05,
]
HOUR_EVENING = [
    0.4,
    0.2,
    0.1,
    0.05,
    0.05,
    0.1,
    0.2,
    0.4,
    0.5,
    0.6,
    0.7,
    0.8,
    0.9,
    0.9,
    0.9,
    1.0,
    1.1,
    1.3,
    1.7,
    2.0,
    2.2,
    2.0,
    1.5,
    0.9,
]
HOUR_MEALS = [
    0.1,
    0.05,
    0.02,
    0.02,
    0.02,
    0.05,
    0.1,
    0.3,
    0.4,
    0.4,
    0.6,
    1.6,
    2.2,
    1.5,
    0.6,
    0.5,
    0.7,
    1.3,
    2.4,
    2.6,
    2.0,
    1.2,
    0.6,
    0.3,
]
HOUR_SHIFTS = [
    0.8,
    0.8,
    0.8,
    0.8,
    0.8,
    0.9,
    1.1,
    1.2,
    1.2,
    1.2,
    1.2,
    1.2,
    1.1,
    1.2,
    1.2,
    1.2,
    1.2,
    1.1,
    1.0,
    1.0,
    0.9,
    0.9,
    0.8,
    0.8,
]
MONTH_DECEMBER = [0.9, 0.85, 0.95, 0.95, 1.0, 1.0, 1.0, 1.0, 1.0, 1.05, 1.3, 1.8]
MONTH_SUMMER = [0.8, 0.8, 0.9, 1.0, 1.1, 1.3, 1.5, 1.5, 1.1, 0.9, 0.8, 0.9]


def pk(table: str) -> Col:
    return {
        "name": f"{table}_id",
        "type": "int",
        "generator": {"sequence": {"start": 1, "step": 1}},
    }


def fk(
    table: str, name: str | None = None, *, skew: str | None = None, null_rate: float = 0.0
) -> Col:
    """A foreign key to `table`'s pk; `skew` (zipf@1.2, head_tail@{0.1,0.6}) for extra FKs."""
    lookup: dict[str, Any] = {"from": f"{table}.{table}_id"}
    if skew:
        lookup["weights_kind"] = skew
    col: Col = {"name": name or f"{table}_id", "type": "int", "generator": {"lookup": lookup}}
    if null_rate:
        col.update({"nullable": True, "null_rate": null_rate})
    return col


def attr(name: str, type_: str, ref: str, on: str) -> Col:
    """A parent's attribute through the row's FK: attr('unit_price', 'float', 'product.price', 'product_id')."""
    return {"name": name, "type": type_, "generator": {"lookup": {"from": ref, "on": on}}}


def pick(
    name: str,
    choices: list[Any],
    weights: list[float] | None = None,
    *,
    type_: str | None = None,
    kind: str | None = None,
) -> Col:
    if type_ is None:
        first = choices[0]
        type_ = (
            "bool"
            if isinstance(first, bool)
            else "int"
            if isinstance(first, int)
            else ("float" if isinstance(first, float) else "string")
        )
    spec: dict[str, Any] = {"choices": list(choices)}
    if weights is not None:
        spec["weights"] = list(weights)
    if kind:
        spec["weights_kind"] = kind
    return {"name": name, "type": type_, "generator": {"choice": spec}}


def flag(name: str, rate: float) -> Col:
    return pick(name, [True, False], [rate, round(1 - rate, 6)])


def num(
    name: str,
    dist: str,
    clamp: tuple[float, float] | None = None,
    *,
    type_: str = "float",
    **params: float,
) -> Col:
    spec: dict[str, Any] = {"type": dist, "params": dict(params)}
    if clamp is not None:
        spec["clamp"] = [clamp[0], clamp[1]]
    return {"name": name, "type": type_, "generator": {"distribution": spec}}


def ts(
    name: str,
    within: str | dict[str, str] = "timeframe",
    *,
    dow: list[float] | None = None,
    hour: list[float] | None = None,
    month: list[float] | None = None,
    freq: str | None = None,
    type_: str = "datetime",
) -> Col:
    spec: dict[str, Any] = {"within": within}
    if freq:
        spec["freq"] = freq
    pattern = [
        {"dimension": d, "weights": list(w)}
        for d, w in (("hour", hour), ("dow", dow), ("month", month))
        if w
    ]
    if pattern:
        spec["pattern"] = pattern
    return {"name": name, "type": type_, "generator": {"datetime_series": spec}}


def day(name: str, start: str, end: str) -> Col:
    """A date in a fixed window (birth dates and the like)."""
    return ts(name, {"start": start, "end": end}, freq="D", type_="date")


def fake(name: str, method: str, *, locale_from: str | None = None, unique: bool = False) -> Col:
    spec: dict[str, Any] = {"method": method}
    if locale_from:
        spec["locale_from"] = locale_from
    col: Col = {"name": name, "type": "string", "generator": {"faker": spec}}
    if unique:
        col["unique"] = True
    return col


def expr(name: str, type_: str, expression: str) -> Col:
    return {"name": name, "type": type_, "generator": {"expression": {"expr": expression}}}


def nullable(col: Col, rate: float) -> Col:
    return {**col, "nullable": True, "null_rate": rate}


def entity(table: str, rows: int, columns: list[Col], description: str | None = None) -> Node:
    node: Node = {
        "id": table,
        "kind": "entity",
        "rows": rows,
        "pk": f"{table}_id",
        "columns": [pk(table), *columns],
    }
    if description:
        node["description"] = description
    return node


def vocab(table: str, column: str, values: list[str], extra: list[Col] | None = None) -> Node:
    return {
        "id": table,
        "kind": "vocab",
        "pk": f"{table}_id",
        "columns": [
            pk(table),
            {
                "name": column,
                "type": "string",
                "generator": {"enum_list": {"values": list(values)}},
            },
            *(extra or []),
        ],
    }


def fact(
    table: str,
    parent: str,
    lam: float,
    columns: list[Col],
    *,
    low: int = 0,
    high: int | None = None,
    extra_parents: list[str] | None = None,
    description: str | None = None,
) -> Node:
    """A fact with poisson(lam) rows per `parent` row; its FK to the parent comes first."""
    fanout: dict[str, Any] = {
        "distribution": "poisson",
        "lambda": lam,
        "min": low,
        "max": high if high is not None else fanout_max(lam),
    }
    node: Node = {
        "id": table,
        "kind": "fact",
        "pk": f"{table}_id",
        "parents": [parent, *(extra_parents or [])],
        "fanout": fanout,
        "columns": [pk(table), fk(parent), *columns],
    }
    if description:
        node["description"] = description
    return node


def fanout_max(lam: float) -> int:
    """A cap that leaves a poisson(lam) practically untouched."""
    return int(lam + 8 * lam**0.5 + 10)


def person(
    country: str = "country",
    *,
    countries: list[str] | None = None,
    weights: list[float] | None = None,
    email: bool = True,
) -> list[Col]:
    """Name, email and country of a person, the name in the country's locale."""
    countries = countries or ["US", "GB", "DE", "FR"]
    weights = weights or [0.55, 0.2, 0.15, 0.1]
    cols = [pick(country, countries, weights), fake("full_name", "name", locale_from=country)]
    if email:
        cols.append(fake("email", "email", unique=True))
    return cols
