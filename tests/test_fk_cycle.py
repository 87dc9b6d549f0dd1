"""An FK cycle broken by the aggregate's later pass: customer.last_order_id -> orders is a
declared foreign key computed after the orders (the docs' example `fk-cycle`): it loads into
DuckDB with the constraint, points at each customer's last order, and the validator checks
it resolves."""

from __future__ import annotations

from pathlib import Path

import duckdb

from datagen.engine.ddl import ddl_script
from datagen.engine.load import parse_dataset
from tests.dsl_doc_examples import cli_here, doc_example, write_doc_example


def test_the_last_order_is_a_declared_foreign_key(tmp_path: Path) -> None:
    schema = write_doc_example("fk-cycle", tmp_path)
    out = tmp_path / "out"
    result = cli_here("generate", schema, "--out", out, "--format", "parquet,duckdb")
    assert result.returncode == 0, result.stdout
    con = duckdb.connect(str(out / "last_orders.duckdb"), read_only=True)
    keys = con.execute(
        "select constraint_column_names from duckdb_constraints()"
        " where table_name = 'customer' and constraint_type = 'FOREIGN KEY'"
    ).fetchall()
    assert keys == [(["last_order_id"],)]
    [(customers, without, wrong)] = con.execute(
        """select count(*), count(*) filter (where last_order_id is null),
                  count(*) filter (where last_order_id is distinct from (
                      select max(order_id) from orders o where o.customer_id = c.customer_id))
           from customer c"""
    ).fetchall()
    assert customers == 200 and 0 < without < 30 and wrong == 0
    assert cli_here("validate", schema, "--data", out).returncode == 0
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "orders.parquet").write_bytes((out / "orders.parquet").read_bytes())
    duckdb.sql(
        f"""copy (select * replace (case when customer_id = 5 then 999999 else last_order_id
                  end as last_order_id) from '{out}/customer.parquet')
            to '{broken}/customer.parquet'"""
    )
    result = cli_here("validate", schema, "--data", broken)
    failed = result.stdout.split("Checks by kind")[0]
    assert result.returncode == 1 and "fk_resolves" in failed and "last_order_id" in failed


def test_the_ddl_declares_one_side_and_notes_the_other() -> None:
    ddl = ddl_script(parse_dataset(doc_example("fk-cycle")), "postgres")
    assert 'FOREIGN KEY ("last_order_id") REFERENCES "orders" ("order_id")' in ddl
    assert "customer_id -> customer.customer_id: not declared" in ddl
    assert ddl.index('CREATE TABLE "orders"') < ddl.index('CREATE TABLE "customer"')
