"""Write examples/tpch.json: the eight TPC-H tables as a datagen schema.

Run `python benchmarks/tpch_schema.py` to regenerate the example (it is a
committed file; this script documents how the long choice lists were made).

Row counts are TPC-H SF1: region 5 and nation 25 are `vocab` tables (fixed,
never scaled); supplier 10k, customer 150k and part 200k are entities (scaled
by `--scale`); partsupp (4 per part), orders (~10 per customer) and lineitem
(1..7 per order) are facts and follow their parents.

Where the DSL cannot say what dbgen does, the nearest honest approximation is
used and listed in the schema's `metadata.assumptions`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

REGIONS = ["AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"]
NATIONS = [
    ("ALGERIA", 0),
    ("ARGENTINA", 1),
    ("BRAZIL", 1),
    ("CANADA", 1),
    ("EGYPT", 4),
    ("ETHIOPIA", 0),
    ("FRANCE", 3),
    ("GERMANY", 3),
    ("INDIA", 2),
    ("INDONESIA", 2),
    ("IRAN", 4),
    ("IRAQ", 4),
    ("JAPAN", 2),
    ("JORDAN", 4),
    ("KENYA", 0),
    ("MOROCCO", 0),
    ("MOZAMBIQUE", 0),
    ("PERU", 1),
    ("CHINA", 2),
    ("ROMANIA", 3),
    ("SAUDI ARABIA", 4),
    ("VIETNAM", 2),
    ("RUSSIA", 3),
    ("UNITED KINGDOM", 3),
    ("UNITED STATES", 1),
]
SEGMENTS = ["AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY", "HOUSEHOLD"]
PRIORITIES = ["1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"]
TYPE_S1 = ["STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"]
TYPE_S2 = ["ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"]
TYPE_S3 = ["TIN", "NICKEL", "BRASS", "STEEL", "COPPER"]
CONTAINER_S1 = ["SM", "LG", "MED", "JUMBO", "WRAP"]
CONTAINER_S2 = ["CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM"]
SHIP_INSTRUCT = ["DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"]
SHIP_MODE = ["REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"]
CLERKS = 1000  # SF1: 1000 clerks, Clerk#000000001 .. Clerk#000001000


def col(
    name: str, type_: str, generator: dict[str, Any], *mods: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "type": type_, "generator": generator}
    if mods:
        out["modifiers"] = list(mods)
    out.update(extra)
    return out


def seq(start: int = 1) -> dict[str, Any]:
    return {"sequence": {"start": start}}


def choice(values: list[Any], weights: list[float] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"choices": values}
    if weights is not None:
        spec["weights"] = weights
    return {"choice": spec}


def uniform(low: float, high: float, clamp: tuple[float, float] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"type": "uniform", "params": {"low": low, "high": high}}
    if clamp is not None:
        spec["clamp"] = list(clamp)
    return {"distribution": spec}


def faker(method: str) -> dict[str, Any]:
    return {"faker": {"method": method}}


def lookup(ref: str, on: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"from": ref}
    if on is not None:
        spec["on"] = on
    return {"lookup": spec}


def expr(text: str) -> dict[str, Any]:
    return {"transform": "expression", "args": {"expr": text}}


def expression(text: str) -> dict[str, Any]:
    return {"expression": {"expr": text}}


def time_jitter(days: float) -> dict[str, Any]:
    return {"transform": "time_jitter", "args": {"scale": days, "unit": "D"}}


ROUND2 = expr("round(value, 2)")
FLOOR = expr("floor(value)")


def schema() -> dict[str, Any]:
    nodes = [
        {
            "id": "region",
            "kind": "vocab",
            "rows": 5,
            "pk": "r_regionkey",
            "columns": [
                col("r_regionkey", "int", seq(0)),
                col("r_name", "string", {"enum_list": {"values": REGIONS}}),
                col("r_comment", "string", faker("paragraph")),
            ],
        },
        {
            "id": "nation",
            "kind": "vocab",
            "rows": 25,
            "pk": "n_nationkey",
            "columns": [
                col("n_nationkey", "int", seq(0)),
                col("n_name", "string", {"enum_list": {"values": [n for n, _ in NATIONS]}}),
                col("n_regionkey", "int", {"enum_list": {"values": [r for _, r in NATIONS]}}),
                col("n_comment", "string", faker("paragraph")),
            ],
        },
        {
            "id": "supplier",
            "kind": "entity",
            "rows": 10_000,
            "pk": "s_suppkey",
            "columns": [
                col("s_suppkey", "int", seq()),
                col("s_name", "string", expression("concat('Supplier#', s_suppkey)")),
                col("s_address", "string", faker("street_address")),
                col("s_nationkey", "int", lookup("nation.n_nationkey")),
                col("s_phone", "string", faker("phone_number")),
                col("s_acctbal", "float", uniform(-999.99, 9999.99), ROUND2),
                col("s_comment", "string", faker("paragraph")),
            ],
        },
        {
            "id": "customer",
            "kind": "entity",
            "rows": 150_000,
            "pk": "c_custkey",
            "columns": [
                col("c_custkey", "int", seq()),
                col("c_name", "string", expression("concat('Customer#', c_custkey)")),
                col("c_address", "string", faker("street_address")),
                col("c_nationkey", "int", lookup("nation.n_nationkey")),
                col("c_phone", "string", faker("phone_number")),
                col("c_acctbal", "float", uniform(-999.99, 9999.99), ROUND2),
                col("c_mktsegment", "string", choice(SEGMENTS)),
                col("c_comment", "string", faker("paragraph")),
            ],
        },
        {
            "id": "part",
            "kind": "entity",
            "rows": 200_000,
            "pk": "p_partkey",
            "columns": [
                col("p_partkey", "int", seq()),
                col("p_name", "string", faker("catch_phrase")),
                col("p_mfgr", "string", choice([f"Manufacturer#{m}" for m in range(1, 6)])),
                col(
                    "p_brand",
                    "string",
                    choice([f"Brand#{m}{n}" for m in range(1, 6) for n in range(1, 6)]),
                ),
                col(
                    "p_type",
                    "string",
                    choice([f"{a} {b} {c}" for a in TYPE_S1 for b in TYPE_S2 for c in TYPE_S3]),
                ),
                col("p_size", "int", uniform(1, 51), FLOOR),
                col(
                    "p_container",
                    "string",
                    choice([f"{a} {b}" for a in CONTAINER_S1 for b in CONTAINER_S2]),
                ),
                # dbgen's formula: (90000 + ((key / 10) mod 20001) + 100 * (key mod 1000)) / 100
                col(
                    "p_retailprice",
                    "float",
                    expression(
                        "round((90000 + (p_partkey // 10) % 20001 + 100 * (p_partkey % 1000)) / 100, 2)"
                    ),
                ),
                col("p_comment", "string", faker("company")),
            ],
        },
        {
            "id": "partsupp",
            "kind": "fact",
            "parents": ["part", "supplier"],
            "fanout": {"distribution": "uniform", "min": 4, "max": 4},
            "columns": [
                col("ps_partkey", "int", lookup("part.p_partkey")),
                col("ps_suppkey", "int", lookup("supplier.s_suppkey")),
                col("ps_availqty", "int", uniform(1, 10000), FLOOR),
                col("ps_supplycost", "float", uniform(1.0, 1000.0), ROUND2),
                col("ps_comment", "string", faker("text")),
            ],
        },
        {
            "id": "orders",
            "kind": "fact",
            "pk": "o_orderkey",
            "parents": ["customer"],
            "fanout": {"distribution": "poisson", "lambda": 10, "min": 0, "max": 40},
            "columns": [
                col("o_orderkey", "int", seq()),
                col("o_custkey", "int", lookup("customer.c_custkey")),
                col("o_orderstatus", "string", choice(["F", "O", "P"], [0.487, 0.487, 0.026])),
                col(
                    "o_totalprice",
                    "float",
                    {
                        "distribution": {
                            "type": "lognormal",
                            "params": {"mean": 11.75, "sigma": 0.6},
                            "clamp": [850.0, 560000.0],
                        }
                    },
                    ROUND2,
                ),
                col(
                    "o_orderdate",
                    "date",
                    {
                        "datetime_series": {
                            "within": {"start": "1992-01-01", "end": "1998-08-03"},
                            "freq": "D",
                        }
                    },
                ),
                col("o_orderpriority", "string", choice(PRIORITIES)),
                col("o_clerk", "string", choice([f"Clerk#{i:09d}" for i in range(1, CLERKS + 1)])),
                col("o_shippriority", "int", choice([0])),
                col("o_comment", "string", faker("sentence")),
            ],
        },
        {
            "id": "lineitem",
            "kind": "fact",
            "parents": ["orders", "part", "supplier"],
            "fanout": {"distribution": "uniform", "min": 1, "max": 7},
            "columns": [
                col("l_orderkey", "int", lookup("orders.o_orderkey")),
                col("l_partkey", "int", lookup("part.p_partkey")),
                col("l_suppkey", "int", lookup("supplier.s_suppkey")),
                col("l_linenumber", "int", uniform(1, 8), FLOOR),
                col("l_quantity", "float", uniform(1, 51), FLOOR),
                # quantity x the part's retail price, through the l_partkey FK
                col(
                    "l_extendedprice",
                    "float",
                    lookup("part.p_retailprice", on="l_partkey"),
                    expr("round(value * l_quantity, 2)"),
                ),
                col("l_discount", "float", choice([round(i / 100, 2) for i in range(11)])),
                col("l_tax", "float", choice([round(i / 100, 2) for i in range(9)])),
                col("l_returnflag", "string", choice(["R", "A", "N"], [0.25, 0.25, 0.5])),
                col("l_linestatus", "string", choice(["O", "F"])),
                # order date + ~N(61, 30) days, then repaired to be after the order date
                col(
                    "l_shipdate",
                    "date",
                    lookup("orders.o_orderdate", on="l_orderkey"),
                    time_jitter(30),
                    expr("add_days(value, 61)"),
                ),
                col(
                    "l_commitdate",
                    "date",
                    lookup("orders.o_orderdate", on="l_orderkey"),
                    time_jitter(15),
                    expr("add_days(value, 60)"),
                ),
                col(
                    "l_receiptdate", "date", expression("add_days(l_shipdate, 15)"), time_jitter(8)
                ),
                col("l_shipinstruct", "string", choice(SHIP_INSTRUCT)),
                col("l_shipmode", "string", choice(SHIP_MODE)),
                col("l_comment", "string", faker("bs")),
            ],
        },
    ]
    return {
        "version": "1.0",
        "metadata": {
            "name": "tpch",
            "description": "The eight TPC-H tables at scale factor 1 (region, nation, supplier, customer, part, "
            "partsupp, orders, lineitem) with their keys, foreign keys and dbgen-like value domains; "
            "`--scale N` scales supplier, customer and part, and the facts follow.",
            "assumptions": [
                "decimals are floats rounded to 2 places; dates are dates; flags and statuses are choices",
                "comments are drawn from pools of Faker text of comparable length (dbgen writes a distinct "
                "random string per row, so these files compress far better than dbgen's)",
                "ps_suppkey, l_partkey and l_suppkey are uniform random FKs (dbgen derives them from the part key), "
                "so (ps_partkey, ps_suppkey) is not guaranteed unique",
                "l_linenumber is uniform 1..7, not the line's position within its order",
                "o_totalprice is lognormal, not the sum of the order's lines",
                "l_shipdate / l_commitdate are the order date plus ~N(61,30) / ~N(60,15) days, "
                "l_receiptdate the ship date plus ~N(15,8) days, repaired to be strictly later",
                "names are `Customer#<key>` / `Supplier#<key>` without dbgen's zero padding",
            ],
            "tags": ["tpch", "benchmark", "example"],
        },
        "seed": 42,
        "nodes": nodes,
        "constraints": {
            "foreign_keys": [{"column": "nation.n_regionkey", "references": "region.r_regionkey"}],
            "ranges": [
                {"column": "part.p_size", "min": 1, "max": 50},
                {"column": "partsupp.ps_availqty", "min": 1, "max": 9999},
                {"column": "partsupp.ps_supplycost", "min": 1.0, "max": 1000.0},
                {"column": "lineitem.l_quantity", "min": 1, "max": 50},
                {"column": "lineitem.l_discount", "min": 0.0, "max": 0.1},
                {"column": "lineitem.l_tax", "min": 0.0, "max": 0.08},
                {"column": "orders.o_orderdate", "min": "1992-01-01", "max": "1998-08-02"},
            ],
            "inequalities": [
                {"left": "lineitem.l_shipdate", "op": ">", "right": "orders.o_orderdate"},
                {"left": "lineitem.l_commitdate", "op": ">", "right": "orders.o_orderdate"},
                {"left": "lineitem.l_receiptdate", "op": ">", "right": "lineitem.l_shipdate"},
            ],
            "enum": [
                {"column": "lineitem.l_returnflag", "values": ["R", "A", "N"]},
                {"column": "lineitem.l_linestatus", "values": ["O", "F"]},
                {"column": "orders.o_orderstatus", "values": ["F", "O", "P"]},
                {"column": "customer.c_mktsegment", "values": SEGMENTS},
            ],
        },
    }


def dumps(data: dict[str, Any]) -> str:
    """Indented JSON with one line per column and per constraint (readable diffs)."""
    inline: dict[str, str] = {}

    def mark(value: Any) -> str:
        key = f"@@{len(inline)}@@"
        inline[key] = json.dumps(value, ensure_ascii=False)
        return key

    data = json.loads(json.dumps(data))
    for node in data["nodes"]:
        node["columns"] = [mark(c) for c in node["columns"]]
        if "fanout" in node:
            node["fanout"] = mark(node["fanout"])
    for kind, items in data["constraints"].items():
        data["constraints"][kind] = [mark(item) for item in items]
    data["metadata"]["tags"] = mark(data["metadata"]["tags"])
    text = json.dumps(data, indent=2, ensure_ascii=False)
    for key, value in inline.items():
        text = text.replace(f'"{key}"', value)
    return text + "\n"


def main() -> None:
    path = ROOT / "examples" / "tpch.json"
    path.write_text(dumps(schema()))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
