"""Write examples/tpch.json: the eight TPC-H tables following the spec's data rules.

Run `python benchmarks/tpch_schema.py` to regenerate the example (it is a
committed file; this script documents how it is made).

Row counts are TPC-H SF1: region 5 and nation 25 are `vocab` tables (fixed,
never scaled); supplier 10k, customer 150k, part 200k and orders 1.5M are
entities (scaled by `--scale`); partsupp (4 per part) and lineitem (1..7 per
order, the order's `o_lines`) are facts and follow their parents.

The columns the counts of TPC-H queries 11, 18 and 20 depend on are drawn on
dbgen's own random streams (`tpc_random`, `tpc_words`: dbgen's Seed[] table), so
they equal dbgen's row for row at any scale: o_custkey, o_orderdate, lines per
order, l_quantity, l_partkey, l_suppkey, l_shipdate, p_name, s_nationkey,
ps_availqty and ps_supplycost (docs/tpch.md).

The spec's rules (TPC-H 2.18, section 4.2.3, and dbgen's build.c) hold by
construction: the 4 suppliers of a part by the spec's formula (`position()` and
`table_rows('supplier')`), lineitem's (partkey, suppkey) one of those 4,
`l_linenumber = position()`, the date windows, the return flag and line status
from the dates against 1995-06-17, `o_orderstatus` and `o_totalprice` as
aggregates of the order's lines, `l_extendedprice = quantity * p_retailprice`,
the retail price formula, no orders for customers with `custkey % 3 = 0`,
sparse order keys (8 of every 32), addresses (random v-strings), phone numbers,
balances, names, and comments: pieces of a text pool of the grammar's sentences
(the spec's word lists and weights), of a fixed size, at a random offset and of a
random length in the spec's range, as dbgen cuts its comments from its pool.
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
# the 92 colours of p_name (dists.dss `colors`)
COLORS = [
    "almond",
    "antique",
    "aquamarine",
    "azure",
    "beige",
    "bisque",
    "black",
    "blanched",
    "blue",
    "blush",
    "brown",
    "burlywood",
    "burnished",
    "chartreuse",
    "chiffon",
    "chocolate",
    "coral",
    "cornflower",
    "cornsilk",
    "cream",
    "cyan",
    "dark",
    "deep",
    "dim",
    "dodger",
    "drab",
    "firebrick",
    "floral",
    "forest",
    "frosted",
    "gainsboro",
    "ghost",
    "goldenrod",
    "green",
    "grey",
    "honeydew",
    "hot",
    "indian",
    "ivory",
    "khaki",
    "lace",
    "lavender",
    "lawn",
    "lemon",
    "light",
    "lime",
    "linen",
    "magenta",
    "maroon",
    "medium",
    "metallic",
    "midnight",
    "mint",
    "misty",
    "moccasin",
    "navajo",
    "navy",
    "olive",
    "orange",
    "orchid",
    "pale",
    "papaya",
    "peach",
    "peru",
    "pink",
    "plum",
    "powder",
    "puff",
    "purple",
    "red",
    "rose",
    "rosy",
    "royal",
    "saddle",
    "salmon",
    "sandy",
    "seashell",
    "sienna",
    "sky",
    "slate",
    "smoke",
    "snow",
    "spring",
    "steel",
    "tan",
    "thistle",
    "tomato",
    "turquoise",
    "violet",
    "wheat",
    "white",
    "yellow",
]
# the comment grammar's word lists with their weights (dists.dss)
NOUNS = {
    "packages": 40, "requests": 40, "accounts": 40, "deposits": 40, "foxes": 20, "ideas": 20,
    "theodolites": 20, "pinto beans": 20, "instructions": 20, "dependencies": 10, "excuses": 10,
    "platelets": 10, "asymptotes": 10, "courts": 5, "dolphins": 5, "multipliers": 1,
    "sauternes": 1, "warthogs": 1, "frets": 1, "dinos": 1, "attainments": 1, "somas": 1,
    "Tiresias": 1, "patterns": 1, "forges": 1, "braids": 1, "frays": 1, "warhorses": 1,
    "dugouts": 1, "notornis": 1, "epitaphs": 1, "pearls": 1, "tithes": 1, "waters": 1,
    "orbits": 1, "gifts": 1, "sheaves": 1, "depths": 1, "sentiments": 1, "decoys": 1,
    "realms": 1, "pains": 1, "grouches": 1, "escapades": 1, "hockey players": 1,
}  # fmt: skip
VERBS = {
    "sleep": 20, "wake": 20, "are": 20, "cajole": 20, "haggle": 20, "nag": 10, "use": 10,
    "boost": 10, "affix": 5, "detect": 5, "integrate": 5, "maintain": 1, "nod": 1, "was": 1,
    "lose": 1, "sublate": 1, "solve": 1, "thrash": 1, "promise": 1, "engage": 1, "hinder": 1,
    "print": 1, "x-ray": 1, "breach": 1, "eat": 1, "grow": 1, "impress": 1, "mold": 1,
    "poach": 1, "serve": 1, "run": 1, "dazzle": 1, "snooze": 1, "doze": 1, "unwind": 1,
    "kindle": 1, "play": 1, "hang": 1, "believe": 1, "doubt": 1,
}  # fmt: skip
ADVERBS = {
    "sometimes": 1, "always": 1, "never": 1, "furiously": 50, "slyly": 50, "carefully": 50,
    "blithely": 40, "quickly": 30, "fluffily": 20, "slowly": 1, "quietly": 1, "ruthlessly": 1,
    "thinly": 1, "closely": 1, "doggedly": 1, "daringly": 1, "bravely": 1, "stealthily": 1,
    "permanently": 1, "enticingly": 1, "idly": 1, "busily": 1, "regularly": 1, "finally": 1,
    "ironically": 1, "evenly": 1, "boldly": 1, "silently": 1,
}  # fmt: skip
ADJECTIVES = {
    "special": 20, "pending": 20, "unusual": 20, "express": 20, "furious": 1, "sly": 1,
    "careful": 1, "blithe": 1, "quick": 1, "fluffy": 1, "slow": 1, "quiet": 1, "ruthless": 1,
    "thin": 1, "close": 1, "dogged": 1, "daring": 1, "brave": 1, "stealthy": 1, "permanent": 1,
    "enticing": 1, "idle": 1, "busy": 1, "regular": 50, "final": 40, "ironic": 40, "even": 30,
    "bold": 20, "silent": 10,
}  # fmt: skip
PREPOSITIONS = {
    "about": 50, "above": 50, "according to": 50, "across": 50, "after": 50, "against": 40,
    "along": 40, "alongside of": 30, "among": 30, "around": 20, "at": 10, "atop": 1,
    "before": 1, "behind": 1, "beneath": 1, "beside": 1, "besides": 1, "between": 1,
    "beyond": 1, "by": 1, "despite": 1, "during": 1, "except": 1, "for": 1, "from": 1,
    "in place of": 1, "inside": 1, "instead of": 1, "into": 1, "near": 1, "of": 1, "on": 1,
    "outside": 1, "over": 1, "past": 1, "since": 1, "through": 1, "throughout": 1, "to": 1,
    "toward": 1, "under": 1, "until": 1, "up": 1, "upon": 1, "without": 1, "with": 1,
    "within": 1,
}  # fmt: skip
TERMINATORS = {".": 50, ";": 1, ":": 1, "?": 1, "!": 1, "--": 1}
# comment lengths: the spec's average x 0.4 .. x 1.6 (shared.h *_CMNT_LEN)
COMMENT_LENGTHS = {
    "r": (28, 115), "n": (28, 115), "s": (25, 100), "c": (29, 116), "p": (5, 22),
    "ps": (49, 198), "o": (19, 78), "l": (10, 43),
}  # fmt: skip
CURRENT_DATE = "1995-06-17"


def col(
    name: str, type_: str, generator: dict[str, Any], *mods: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "type": type_, "generator": generator}
    if mods:
        out["modifiers"] = list(mods)
    out.update(extra)
    return out


def hidden(name: str, type_: str, generator: dict[str, Any]) -> dict[str, Any]:
    return col(name, type_, generator, hidden=True)


def seq(start: int = 1) -> dict[str, Any]:
    return {"sequence": {"start": start}}


def choice(values: list[Any], weights: list[float] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"choices": values}
    if weights is not None:
        spec["weights"] = weights
    return {"choice": spec}


def weighted(words: dict[str, int]) -> dict[str, Any]:
    return choice(list(words), [float(w) for w in words.values()])


def lookup(ref: str, on: str | None = None, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"from": ref, **extra}
    if on is not None:
        spec["on"] = on
    return {"lookup": spec}


def expression(text: str) -> dict[str, Any]:
    return {"expression": {"expr": text}}


def aggregate(fn: str, child: str, expr: str) -> dict[str, Any]:
    return {"aggregate": {"fn": fn, "child": child, "expr": expr}}


MONEY = "decimal(15,2)"  # the spec's DECIMAL: computed exactly (engine/decimals.py)


def money(low_cents: int, high_cents: int) -> dict[str, Any]:
    """dbgen's money: whole cents drawn uniformly, a DECIMAL(15,2)."""
    return expression(f"randint({low_cents}, {high_cents}) / 100")


def v_string(low: int, high: int) -> dict[str, Any]:
    """The spec's random v-string [low, high] (4.2.2.7): dbgen's 64 symbols, a random length."""
    return {"random_string": {"min_length": low, "max_length": high}}


def dbgen_random(
    seed: int, low: int, high: int | None = None, *, per_line: bool = False, **extra: Any
) -> dict[str, Any]:
    """dbgen's RANDOM(low, high) on its stream `seed` (dss.h Seed[]): the same value as dbgen
    for the same row; `per_line`: a line item's draw on its order's stream (7 per order)."""
    spec: dict[str, Any] = {"seed": seed, "low": low, **extra}
    if high is not None:
        spec["high"] = high
    if per_line:
        spec.update(boundary=7, per="parent")
    return {"tpc_random": spec}


def phone(nation: str) -> dict[str, Any]:
    """CC-AAA-EEE-NNNN with CC = 10 + nation key (dbgen gen_phone)."""
    return expression(
        f"format('{{}}-{{}}-{{}}-{{}}', {nation} + 10, randint(100, 999), randint(100, 999), "
        "randint(1000, 9999))"
    )


# The text pool (spec 4.2.2.10): sentences of the grammar, of a fixed size at every scale (dbgen
# builds a fixed 300 MB pool); every comment is a piece of it at a random offset, of a random
# length in the spec's range
POOL_BYTES = 2 << 20  # 4 MB gave the same comments' variety, and more cache misses
POOL = {
    "sentences": [
        "the {adj} {noun} {verb} {adv} {prep} the {adj} {noun}{term}",
        "{adj} {noun} {verb} {adv} {prep} the {adj} {noun}{term}",
    ],
    "words": {
        "adj": ADJECTIVES,
        "noun": NOUNS,
        "verb": VERBS,
        "adv": ADVERBS,
        "prep": PREPOSITIONS,
        "term": TERMINATORS,
    },
    "size": POOL_BYTES,
}


def excerpt(name: str, key: str) -> dict[str, Any]:
    """A comment cut from the text pool, as dbgen cuts its comments from its pool."""
    low, high = COMMENT_LENGTHS[key]
    return col(name, "string", {"excerpt": {"pool": POOL, "min_length": low, "max_length": high}})


def schema() -> dict[str, Any]:
    supp_per_part = "(table_rows('supplier') // 4 + ({key} - 1) // table_rows('supplier'))"
    nodes = [
        {
            "id": "region",
            "kind": "vocab",
            "rows": 5,
            "pk": "r_regionkey",
            "columns": [
                col("r_regionkey", "int", seq(0)),
                col("r_name", "string", {"enum_list": {"values": REGIONS}}),
                excerpt("r_comment", "r"),
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
                excerpt("n_comment", "n"),
            ],
        },
        {
            "id": "supplier",
            "kind": "entity",
            "rows": 10_000,
            "pk": "s_suppkey",
            "columns": [
                col("s_suppkey", "int", seq()),
                col("s_name", "string", expression("format('Supplier#{:09d}', s_suppkey)")),
                col("s_address", "string", v_string(10, 40)),
                col("s_nationkey", "int", dbgen_random(110356601, 0, 24)),
                col("s_phone", "string", phone("s_nationkey")),
                col("s_acctbal", MONEY, money(-99999, 999999)),
                # 5 in 10,000 suppliers have "Customer ... Complaints" in their comment,
                # 5 "Customer ... Recommends" (dbgen's BBB comments, read by query 16)
                hidden("s_bbb", "int", expression("randint(1, 10000)")),
                hidden("s_base", "string", excerpt("s_base", "s")["generator"]),
                col(
                    "s_comment",
                    "string",
                    # whole strings in one pass (a case() of two concat() gave Python objects)
                    expression(
                        "concat(substr(s_base, 1, case(s_bbb <= 10, 60, 100)), case(s_bbb <= 5, "
                        "' Customer Complaints', s_bbb <= 10, ' Customer Recommends', ''))"
                    ),
                ),
            ],
        },
        {
            "id": "customer",
            "kind": "entity",
            "rows": 150_000,
            "pk": "c_custkey",
            "columns": [
                col("c_custkey", "int", seq()),
                col("c_name", "string", expression("format('Customer#{:09d}', c_custkey)")),
                col("c_address", "string", v_string(10, 40)),
                col("c_nationkey", "int", lookup("nation.n_nationkey")),
                col("c_phone", "string", phone("c_nationkey")),
                col("c_acctbal", MONEY, money(-99999, 999999)),
                col("c_mktsegment", "string", choice(SEGMENTS)),
                excerpt("c_comment", "c"),
            ],
        },
        {
            "id": "part",
            "kind": "entity",
            "rows": 200_000,
            "pk": "p_partkey",
            "columns": [
                col("p_partkey", "int", seq()),
                # dbgen's five distinct colours (agg_str over its P_NAME stream)
                col("p_name", "string", {"tpc_words": {"seed": 709314158, "words": COLORS}}),
                hidden("p_m", "int", expression("randint(1, 5)")),
                col("p_mfgr", "string", expression("format('Manufacturer#{}', p_m)")),
                col("p_brand", "string", expression("format('Brand#{}{}', p_m, randint(1, 5))")),
                col(
                    "p_type",
                    "string",
                    choice([f"{a} {b} {c}" for a in TYPE_S1 for b in TYPE_S2 for c in TYPE_S3]),
                ),
                col("p_size", "int", expression("randint(1, 50)")),
                col(
                    "p_container",
                    "string",
                    choice([f"{a} {b}" for a in CONTAINER_S1 for b in CONTAINER_S2]),
                ),
                # the spec: (90000 + ((key / 10) mod 20001) + 100 * (key mod 1000)) / 100
                col(
                    "p_retailprice",
                    MONEY,
                    expression(
                        "(90000 + (p_partkey // 10) % 20001 + 100 * (p_partkey % 1000)) / 100"
                    ),
                ),
                excerpt("p_comment", "p"),
            ],
        },
        {
            "id": "partsupp",
            "kind": "fact",
            "parents": ["part", "supplier"],
            "fanout": {"distribution": "uniform", "min": 4, "max": 4},
            "columns": [
                col("ps_partkey", "int", lookup("part.p_partkey")),
                # the spec: suppliers i = 0..3 of a part, all distinct
                col(
                    "ps_suppkey",
                    "int",
                    expression(
                        "(ps_partkey + (position() - 1) * "
                        + supp_per_part.format(key="ps_partkey")
                        + ") % table_rows('supplier') + 1"
                    ),
                ),
                # dbgen's stream: 4 draws per part, one per partsupp row
                col(
                    "ps_availqty",
                    "int",
                    {
                        "tpc_random": {
                            "seed": 1671059989,
                            "boundary": 4,
                            "per": "parent",
                            "low": 1,
                            "high": 9999,
                        }
                    },
                ),  # fmt: skip
                hidden(
                    "ps_cost_cents",
                    "int",
                    {
                        "tpc_random": {
                            "seed": 1051288424,
                            "boundary": 4,
                            "per": "parent",
                            "low": 100,
                            "high": 100000,
                        }
                    },
                ),  # fmt: skip
                col("ps_supplycost", MONEY, expression("ps_cost_cents / 100")),
                excerpt("ps_comment", "ps"),
            ],
        },
        {
            "id": "orders",
            "kind": "entity",
            "rows": 1_500_000,
            "pk": "o_orderkey",
            "columns": [
                # sparse keys: 8 of every 32 (dbgen mk_sparse)
                col(
                    "o_orderkey",
                    "int",
                    expression("(row_number() // 8) * 32 + row_number() % 8"),
                    unique=True,
                ),
                # dbgen's draw: a customer, moved off a multiple of 3 to the next key (the
                # previous one for the last key)
                hidden("o_ck", "int", dbgen_random(851767375, 1, high_rows="customer")),
                col(
                    "o_custkey",
                    "int",
                    expression(
                        "where(o_ck % 3 == 0, where(o_ck < table_rows('customer'), o_ck + 1, "
                        "o_ck - 1), o_ck)"
                    ),
                ),
                # lines of the order (dbgen's O_LCNT stream): lineitem's fanout
                hidden("o_lines", "int", dbgen_random(1434868289, 1, 7)),
                hidden("o_all_f", "bool", aggregate("all", "lineitem", "l_linestatus == 'F'")),
                hidden("o_all_o", "bool", aggregate("all", "lineitem", "l_linestatus == 'O'")),
                col(
                    "o_orderstatus",
                    "string",
                    expression("case(o_all_f, 'F', o_all_o, 'O', 'P')"),
                ),
                col(
                    "o_totalprice",
                    MONEY,
                    aggregate(
                        "sum", "lineitem", "l_extendedprice * (1 + l_tax) * (1 - l_discount)"
                    ),
                ),
                # 1992-01-01 .. 1998-08-02 (the end date minus 151 days)
                hidden("o_days", "int", dbgen_random(1066728069, 0, 2405)),
                col("o_orderdate", "date", expression("add_days(date('1992-01-01'), o_days)")),
                col("o_orderpriority", "string", choice(PRIORITIES)),
                col(
                    "o_clerk",
                    "string",
                    expression(
                        "format('Clerk#{:09d}', randint(1, max(table_rows('supplier') // 10, 1000)))"
                    ),
                ),
                col("o_shippriority", "int", choice([0])),
                excerpt("o_comment", "o"),
            ],
        },
        {
            "id": "lineitem",
            "kind": "fact",
            "parents": ["orders", "part", "supplier"],
            # the order's `o_lines` lines (dbgen's count, drawn on the order's stream)
            "fanout": {
                "distribution": "uniform",
                "min": 1,
                "max": 7,
                "by": "o_lines",
                "cases": {
                    str(k): {"distribution": "uniform", "min": k, "max": k} for k in range(1, 8)
                },
            },
            "columns": [
                col("l_orderkey", "int", lookup("orders.o_orderkey")),
                col(
                    "l_partkey", "int", dbgen_random(1808217256, 1, high_rows="part", per_line=True)
                ),
                hidden("l_supp", "int", dbgen_random(2095021727, 0, 3, per_line=True)),
                # one of the part's 4 suppliers: (l_partkey, l_suppkey) is in partsupp
                col(
                    "l_suppkey",
                    "int",
                    expression(
                        "(l_partkey + l_supp * "
                        + supp_per_part.format(key="l_partkey")
                        + ") % table_rows('supplier') + 1"
                    ),
                ),
                col("l_linenumber", "int", expression("position()")),
                hidden("l_qty", "int", dbgen_random(209208115, 1, 50, per_line=True)),
                col("l_quantity", MONEY, expression("l_qty")),
                # the part's retail price: the spec's formula of l_partkey (no lookup by key)
                hidden(
                    "l_p_price",
                    MONEY,
                    expression(
                        "(90000 + (l_partkey // 10) % 20001 + 100 * (l_partkey % 1000)) / 100"
                    ),
                ),
                col("l_extendedprice", MONEY, expression("l_quantity * l_p_price")),
                col("l_discount", MONEY, expression("randint(0, 10) / 100")),
                col("l_tax", MONEY, expression("randint(0, 8) / 100")),
                hidden("l_o_date", "date", lookup("orders.o_orderdate", on="l_orderkey")),
                hidden("l_ship_days", "int", dbgen_random(1769349045, 1, 121, per_line=True)),
                col("l_shipdate", "date", expression("add_days(l_o_date, l_ship_days)")),
                col("l_commitdate", "date", expression("add_days(l_o_date, randint(30, 90))")),
                col("l_receiptdate", "date", expression("add_days(l_shipdate, randint(1, 30))")),
                col(
                    "l_returnflag",
                    "string",
                    expression(
                        f"case(l_receiptdate <= date('{CURRENT_DATE}'), choice(['R', 'A']), 'N')"
                    ),
                ),
                col(
                    "l_linestatus",
                    "string",
                    expression(f"where(l_shipdate > date('{CURRENT_DATE}'), 'O', 'F')"),
                ),
                col("l_shipinstruct", "string", choice(SHIP_INSTRUCT)),
                col("l_shipmode", "string", choice(SHIP_MODE)),
                excerpt("l_comment", "l"),
            ],
        },
    ]
    return {
        "version": "1.0",
        "metadata": {
            "name": "tpch",
            "description": "The eight TPC-H tables at scale factor 1 (region, nation, supplier, "
            "customer, part, partsupp, orders, lineitem) following the spec's data rules; "
            "`--scale N` scales supplier, customer, part and orders, and the facts follow.",
            "assumptions": [
                "money, quantities and rates are DECIMAL(15,2) as in the spec, computed exactly: "
                "o_totalprice is the sum of its lines l_extendedprice * (1 + l_tax) * "
                "(1 - l_discount) rounded half away from zero to the cent; dates are dates",
                "orders, their customers and dates, lines per order, and the lines' quantity, "
                "part, supplier and ship date, p_name, s_nationkey, ps_availqty and "
                "ps_supplycost are drawn on dbgen's own random streams: equal to dbgen's row "
                "for row (1,500,000 x SF orders; an order drawn for a customer whose key is a "
                "multiple of 3 goes to the next key, as dbgen does)",
                "every comment is a piece of a text pool "
                "cut at a random offset to the spec's lengths, as dbgen does; the pool is "
                "sentences of the spec's grammar, 2 MB at every scale, where dbgen's is 300 MB "
                "of a richer grammar",
                "(ps_partkey, ps_suppkey) is unique at the spec's scale factors (0.01 and up); "
                "below, the spec's formula repeats a supplier of a part, as dbgen does, so it is "
                "not declared unique",
            ],
            "tags": ["tpch", "benchmark", "example"],
        },
        "seed": 42,
        "nodes": nodes,
        "constraints": {
            "foreign_keys": [
                {"column": "nation.n_regionkey", "references": "region.r_regionkey"},
                {"column": "supplier.s_nationkey", "references": "nation.n_nationkey"},
                {"column": "partsupp.ps_suppkey", "references": "supplier.s_suppkey"},
                {"column": "orders.o_custkey", "references": "customer.c_custkey"},
                {"column": "lineitem.l_partkey", "references": "part.p_partkey"},
                {"column": "lineitem.l_suppkey", "references": "supplier.s_suppkey"},
            ],
            "ranges": [
                {"column": "part.p_size", "min": 1, "max": 50},
                {"column": "partsupp.ps_availqty", "min": 1, "max": 9999},
                {"column": "partsupp.ps_supplycost", "min": 1.0, "max": 1000.0},
                {"column": "lineitem.l_quantity", "min": 1, "max": 50},
                {"column": "lineitem.l_linenumber", "min": 1, "max": 7},
                {"column": "lineitem.l_discount", "min": 0.0, "max": 0.1},
                {"column": "lineitem.l_tax", "min": 0.0, "max": 0.08},
                {"column": "orders.o_orderdate", "min": "1992-01-01", "max": "1998-08-02"},
                {"column": "customer.c_acctbal", "min": -999.99, "max": 9999.99},
                {"column": "supplier.s_acctbal", "min": -999.99, "max": 9999.99},
            ],
            "inequalities": [
                {"left": "lineitem.l_shipdate", "op": ">", "right": "orders.o_orderdate"},
                {"left": "lineitem.l_commitdate", "op": ">", "right": "orders.o_orderdate"},
                {"left": "lineitem.l_receiptdate", "op": ">", "right": "lineitem.l_shipdate"},
            ],
            "pattern": [
                {
                    "column": "customer.c_phone",
                    "regex": "^[1-3][0-9]-[1-9][0-9]{2}-[1-9][0-9]{2}-[1-9][0-9]{3}$",
                },
                {
                    "column": "supplier.s_phone",
                    "regex": "^[1-3][0-9]-[1-9][0-9]{2}-[1-9][0-9]{2}-[1-9][0-9]{3}$",
                },
                {"column": "customer.c_name", "regex": "^Customer#[0-9]{9}$"},
                {"column": "supplier.s_name", "regex": "^Supplier#[0-9]{9}$"},
                {"column": "orders.o_clerk", "regex": "^Clerk#[0-9]{9}$"},
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
