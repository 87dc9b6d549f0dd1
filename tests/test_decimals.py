"""Exact decimals (engine/decimals.py): arithmetic in integer units equal to Python's
Decimal, and the docs' invoice example exact to the cent in Parquet, DuckDB and a real
PostgreSQL, checked with SQL on DECIMAL columns."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from datagen.engine import decimals
from datagen.engine.execute import generate_dataset
from datagen.engine.load import parse_dataset
from tests.dsl_doc_examples import (
    cli_here,
    doc_example,
    generate_here_for_any_workers,
    write_doc_example,
)


def exact(values: list[str], scale: int) -> decimals.Decimals:
    return decimals.from_floats(np.array([float(v) for v in values]), scale)


def dec(units: int, scale: int) -> Decimal:
    with localcontext(prec=80):  # the default context keeps 28 digits
        return Decimal(units).scaleb(-scale)


def as_python(values: decimals.Decimals) -> list[Decimal]:
    assert values.units is not None
    return [dec(int(u), values.scale) for u in values.units.tolist()]


def test_arithmetic_and_round_equal_pythons_decimal() -> None:
    rng = np.random.default_rng(3)
    price = [f"{c / 100:.2f}" for c in rng.integers(-(10**9), 10**9, 2000)]
    rate = [f"{c / 100:.2f}" for c in rng.integers(0, 11, 2000)]
    p, r = exact(price, 2), exact(rate, 2)
    got = p * (1 + r) * (1 - r) - p * 0.0125
    assert isinstance(got, decimals.Decimals) and got.scale == 6
    want = [
        Decimal(a) * (1 + Decimal(b)) * (1 - Decimal(b)) - Decimal(a) * Decimal("0.0125")
        for a, b in zip(price, rate, strict=True)
    ]
    assert as_python(got) == want
    # half away from zero, as ROUND on a DECIMAL in DuckDB and PostgreSQL
    assert as_python(got.rounded(2)) == [w.quantize(Decimal("0.01"), ROUND_HALF_UP) for w in want]
    halves = exact(["0.05", "-0.05", "0.15", "2.5"], 2) * 0.5
    assert [str(v) for v in as_python(halves.rounded(2))] == ["0.03", "-0.03", "0.08", "1.25"]


def test_past_int64_units_stay_exact_and_write_as_decimal128() -> None:
    big = exact(["9999999999999.99", "-9999999999999.99", "0.01"], 2)
    square = big * big  # 30 digits: Python ints, not int64
    assert square.units is not None and square.units.dtype == object
    want = dec(999999999999999**2, 4)  # 99999999999999800000000000.0001
    assert as_python(square)[:2] == [want, want]
    mask = np.array([False, False, True])
    array = decimals.to_arrow(square, 38, 4, mask)
    assert array.type == pa.decimal128(38, 4)
    assert array.to_pylist() == [want, want, None]
    negative = decimals.to_arrow(-square, 38, 4, None).to_pylist()
    assert negative[:2] == [want.copy_negate()] * 2
    sums = decimals.reduce_sum(square, None, np.array([0, 2]))
    assert sums is not None and as_python(sums) == [dec(2 * 999999999999999**2, 4), dec(1, 4)]


def test_other_operations_read_the_float() -> None:
    p = exact(["1.10", "2.20"], 2)
    assert not isinstance(p / 2, decimals.Decimals)
    assert list(p > 2) == [False, True]
    assert (p[1:].units == np.array([220])).all()  # a slice keeps its units


TOTAL = "round(sum(price * qty * (1 + tax) * (1 - discount)), 2)"


def check_sql(con: duckdb.DuckDBPyConnection) -> None:
    [(types,)] = con.execute("select list(distinct typeof(total)) from invoice").fetchall()
    assert types == ["DECIMAL(18,2)"]
    wrong = con.execute(
        f"""select count(*) filter (where i.total != t.total), count(*) from invoice i
            join (select invoice_id, {TOTAL} total from line group by 1) t using (invoice_id)"""
    ).fetchall()
    assert wrong == [(0, 400)]
    [(bad_net, bad_half, lines)] = con.execute(
        """select count(*) filter (where net != round(price * (1 - discount), 2)),
                  count(*) filter (where half != round(price * 0.5, 2)), count(*) from line"""
    ).fetchall()
    assert (bad_net, bad_half) == (0, 0) and lines > 20_000


def test_invoice_totals_are_exact_in_parquet_and_duckdb(tmp_path: Path) -> None:
    out = generate_here_for_any_workers("exact-decimals", tmp_path, 7, "parquet,duckdb")
    line = pq.read_table(out / "line.parquet")
    assert line.schema.field("price").type == pa.decimal128(12, 2)
    con = duckdb.connect()
    for table in ("invoice", "line"):
        con.execute(f"create view {table} as select * from '{out / table}.parquet'")
    check_sql(con)
    check_sql(duckdb.connect(str(out / "invoices.duckdb"), read_only=True))


def test_invoice_totals_are_exact_in_postgres(postgres_server: str, tmp_path: Path) -> None:
    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute('DROP DATABASE IF EXISTS "decimals"')
        conn.execute('CREATE DATABASE "decimals"')
    dsn = postgres_server.replace("postgresql:///postgres", "postgresql:///decimals")
    dataset = parse_dataset(doc_example("exact-decimals"))
    generate_dataset(dataset, tmp_path / "out", seed=7, fmt="parquet,postgres", dsn=dsn)
    with psycopg.connect(dsn) as conn:
        kinds = conn.execute(
            "select format_type(atttypid, atttypmod) from pg_attribute "
            "where attrelid = 'invoice'::regclass and attname = 'total'"
        ).fetchone()
        wrong = conn.execute(
            f"""select count(*) filter (where i.total != t.total), count(*) from invoice i
                join (select invoice_id, {TOTAL} total from line group by 1) t using (invoice_id)"""
        ).fetchone()
        [(pg_sum,)] = conn.execute("select sum(total) from invoice").fetchall()
    assert kinds == ("numeric(18,2)",) and wrong == (0, 400)
    parquet = pq.read_table(tmp_path / "out" / "invoice.parquet").column("total").to_pylist()
    assert pg_sum == sum(parquet)


def test_the_validator_sees_a_total_one_cent_off(tmp_path: Path) -> None:
    schema = write_doc_example("exact-decimals", tmp_path)
    out = tmp_path / "out"
    generate_dataset(parse_dataset(doc_example("exact-decimals")), out, seed=3)
    assert cli_here("validate", schema, "--data", out).returncode == 0
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "line.parquet").write_bytes((out / "line.parquet").read_bytes())
    duckdb.sql(
        f"""copy (select * replace (case when invoice_id = 7 then total + 0.01 else total end
                  as total) from '{out}/invoice.parquet') to '{broken}/invoice.parquet'"""
    )
    result = cli_here("validate", schema, "--data", broken)
    failed = result.stdout.split("Checks by kind")[0]
    assert result.returncode == 1 and "aggregate" in failed and "invoice" in failed, failed


def test_case_and_where_over_decimals_stay_exact() -> None:
    from datagen.engine.expressions import Scope, compiled

    rng = np.random.default_rng(5)
    cents = rng.integers(1, 10**8, 3000)
    qty = rng.integers(1, 30, 3000)
    price = exact([f"{c / 100:.2f}" for c in cents], 2)
    source = "case(qty > 20, round(price * 0.9, 2), qty > 10, price - 0.05, price * qty)"
    got = compiled(source)(Scope({"price": price, "qty": qty}, 3000))
    assert isinstance(got, decimals.Decimals) and got.scale == 2
    want = []
    for c, q in zip(cents.tolist(), qty.tolist(), strict=True):
        p = dec(c, 2)
        if q > 20:
            want.append((p * Decimal("0.9")).quantize(Decimal("0.01"), ROUND_HALF_UP))
        elif q > 10:
            want.append(p - Decimal("0.05"))
        else:
            want.append(p * q)
    assert as_python(got) == want
    where = compiled("where(qty > 10, price * 0.5, price)")(
        Scope({"price": price, "qty": qty}, 3000)
    )
    assert isinstance(where, decimals.Decimals) and where.scale == 3
    # a null branch reads the floats (nulls travel as NaN)
    with_null = compiled("price if qty > 10 else null")(Scope({"price": price, "qty": qty}, 3000))
    assert not isinstance(with_null, decimals.Decimals)


def test_rounding_widened_units_past_int64() -> None:
    """Units past 2^62 are Python ints in an object array; rounding them to a smaller
    scale used np.divmod, which has no object loop (an internal error found by the
    hostile sweep: a choice of 10**12 summed into a decimal)."""
    import numpy as np

    from datagen.engine.decimals import _rescale_down

    units = np.array([10**30 + 5, -(10**30) - 5, 14], dtype=object)
    assert list(_rescale_down(units, 2, 1)) == [10**29 + 1, -(10**29) - 1, 1]
    assert list(_rescale_down(np.array([15, -15, 14]), 1, 0)) == [2, -2, 1]
