"""Lookups: multi-hop paths, computed keys, filtered foreign keys; checked with SQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from datagen.engine.errors import SchemaError
from datagen.engine.execute import generate_dataset
from datagen.engine.load import parse_dataset
from datagen.engine.validate.run import validate_dataset
from tests.engine_helpers import entity, schema


def lookup(ref: str, **extra: Any) -> dict[str, Any]:
    return {"lookup": {"from": ref, **extra}}


def expr(text: str) -> dict[str, Any]:
    return {"expression": {"expr": text}}


def shop(orders_where: str | None = None) -> dict[str, Any]:
    customer_fk: dict[str, Any] = {"from": "customer.id"}
    if orders_where:
        customer_fk["where"] = orders_where
    return schema(
        entity(
            "country",
            [{"name": "code", "type": "string", "generator": expr("format('C{:03d}', id)")}],
            rows=30,
        ),
        entity(
            "customer",
            [
                {"name": "country_id", "type": "int", "generator": lookup("country.id")},
                {"name": "active", "type": "bool", "generator": expr("uniform(0, 1) < 0.7")},
            ],
            rows=600,
        ),
        entity(
            "product",
            [
                # sparse keys computed by an expression, declared unique
                {"name": "sku", "type": "int", "unique": True, "generator": expr("id * 10 + 7")},
                {"name": "price", "type": "float", "generator": expr("round(uniform(1, 99), 2)")},
            ],
            rows=200,
        ),
        {
            "id": "orders",
            "kind": "fact",
            "pk": "order_id",
            "parents": ["customer"],
            "fanout": {"distribution": "uniform", "min": 1, "max": 4},
            "columns": [
                {"name": "order_id", "type": "int", "generator": {"sequence": {}}},
                {"name": "customer_id", "type": "int", "generator": {"lookup": customer_fk}},
                # an extra FK to active customers only
                {
                    "name": "referrer_id",
                    "type": "int",
                    "generator": lookup("customer.id", where="active"),
                },
            ],
        },
        {
            "id": "line",
            "kind": "fact",
            "parents": ["orders"],
            "fanout": {"distribution": "uniform", "min": 1, "max": 3},
            "columns": [
                {"name": "order_id", "type": "int", "generator": lookup("orders.order_id")},
                # two hops: the order's customer's country, then that country's code (three hops)
                {
                    "name": "country_id",
                    "type": "int",
                    "generator": lookup("customer.country_id", on="order_id.customer_id"),
                },
                {
                    "name": "country_code",
                    "type": "string",
                    "generator": lookup("country.code", on="order_id.customer_id.country_id"),
                },
                # a key computed by an expression, then an attribute looked up by it
                {
                    "name": "wanted_sku",
                    "type": "int",
                    "generator": expr("randint(1, 200) * 10 + 7"),
                },
                {
                    "name": "unit_price",
                    "type": "float",
                    "generator": lookup("product.price", on="wanted_sku", key="sku"),
                },
            ],
        },
    )


JOINS = """
select
  (select count(*) from line l join orders o using (order_id) join customer c on c.id = o.customer_id
     where l.country_id != c.country_id) as bad_hop2,
  (select count(*) from line l join orders o using (order_id) join customer c on c.id = o.customer_id
     join country k on k.id = c.country_id where l.country_code != k.code) as bad_hop3,
  (select count(*) from line l join product p on p.sku = l.wanted_sku
     where l.unit_price != p.price) as bad_key,
  (select count(*) from line) as lines,
  (select count(*) from orders o join customer c on c.id = o.referrer_id where not c.active) as bad_active,
  (select count(*) from orders o where o.customer_id % 3 = 0) as orders_of_filtered,
  (select count(distinct customer_id) from orders) as buyers
"""


def _sql(out: Path) -> dict[str, int]:
    con = duckdb.connect()
    for table in ("country", "customer", "product", "orders", "line"):
        con.execute(f"create view {table} as select * from read_parquet('{out / table}.parquet')")
    rel = con.sql(JOINS)
    return dict(zip(rel.columns, rel.fetchall()[0], strict=True))


def test_paths_computed_keys_and_filters_hold_in_the_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    dataset = parse_dataset(shop(orders_where="id % 3 != 0"))
    generate_dataset(dataset, out, seed=2, workers=2)
    found = _sql(out)
    assert found["lines"] > 1000
    assert found["bad_hop2"] == found["bad_hop3"] == found["bad_key"] == 0
    assert found["bad_active"] == 0
    assert found["orders_of_filtered"] == 0 and found["buyers"] == 400  # 600 minus every third
    assert validate_dataset(dataset, out).score == 100


def test_without_a_filter_every_customer_buys(tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate_dataset(parse_dataset(shop()), out, seed=2)
    found = _sql(out)
    assert found["buyers"] == 600 and found["orders_of_filtered"] > 0


def test_a_computed_key_without_a_match_is_null(tmp_path: Path) -> None:
    data = shop()
    line = data["nodes"][4]["columns"]
    line[3]["generator"] = expr("randint(1, 400) * 10 + 7")  # half the skus do not exist
    line[4]["nullable"] = True
    out = tmp_path / "out"
    generate_dataset(parse_dataset(data), out, seed=2)
    nulls, bad = duckdb.sql(
        f"select count(*) filter (where unit_price is null), "
        f"count(*) filter (where unit_price is null and wanted_sku <= 2007) "
        f"from read_parquet('{out}/line.parquet')"
    ).fetchall()[0]
    assert nulls > 100 and bad == 0


def _problems(data: dict[str, Any]) -> str:
    with pytest.raises(SchemaError) as info:
        parse_dataset(data)
    return "\n".join(p.render() for p in info.value.problems)


@pytest.mark.parametrize(
    ("column", "generator", "message"),
    [
        (
            1,
            lookup("customer.country_id", on="order_id.country_id"),
            "`orders` has no column `country_id` (hop 2 of `order_id.country_id`)",
        ),
        (
            1,
            lookup("country.code", on="order_id.customer_id"),
            "the path `order_id.customer_id` ends at `customer`, not at `country`",
        ),
        (4, lookup("product.price", on="wanted_sku", key="price"), "`product.price` is not unique"),
        (4, lookup("product.price", on="wanted_sku", key="nope"), "has no column `nope`"),
    ],
)
def test_preflight_explains_bad_paths(column: int, generator: dict[str, Any], message: str) -> None:
    data = shop()
    data["nodes"][4]["columns"][column]["generator"] = generator
    assert message in _problems(data)


def test_preflight_checks_the_where_expression() -> None:
    data = shop(orders_where="id + 1")
    assert "`where` gives int, not a condition" in _problems(data)
    data = shop(orders_where="nope > 1")
    assert "unknown name `nope`" in _problems(data)


def test_a_path_through_a_key_into_an_unknown_table_is_a_problem_not_a_crash() -> None:
    """The orders table renamed (`ORDERS`): the hops through `order_id` lead nowhere."""
    data = shop()
    data["nodes"][3]["id"] = "ORDERS"
    problems = _problems(data)
    assert "unknown table `orders`" in problems
    assert "internal error" not in problems
