"""Rules of real schemas (Stack Overflow, a ledger, a bank account, ...) that the DSL
got wrong when they were written as a new user would: each fix, checked on generated data
or on the problem preflight reports. The whole schemas are examples/*.json, tested in
tests/test_examples_real_*.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from datagen.engine.errors import SchemaError
from datagen.engine.load import parse_dataset
from tests.engine_helpers import entity, schema


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(SchemaError) as info:
        parse_dataset(data)
    return [p.render() for p in info.value.problems]


def _posts(**lookup: Any) -> dict[str, Any]:
    """Stack Overflow's posts in one table: an answer's parent must be a question."""
    return schema(
        entity(
            "posts",
            [
                {"name": "post_type_id", "type": "int", "generator": {"choice": {"choices": [1, 2]}}},
                {"name": "parent_id", "type": "int", "nullable": True,
                 "generator": {"lookup": {"from": "posts.id", **lookup}}},
            ],
        )
    )  # fmt: skip


def test_a_self_reference_with_a_filter_is_refused_not_ignored() -> None:
    """It used to be generated ignoring `where` (a third of the answers pointed at answers)
    and scored 100: now preflight says so, at the filter's place."""
    parse_dataset(_posts())
    problems = _problems(_posts(where="post_type_id == 1"))
    assert len(problems) == 1
    assert "nodes[0].columns[2].generator.lookup.where" in problems[0]
    assert "a self-reference cannot be filtered" in problems[0]
    problems = _problems(_posts(weights_kind="zipf@1.1"))
    assert len(problems) == 1 and "lookup.weights_kind" in problems[0]


def _account(balance: str, amount: str = "balance - previous(balance, 0)") -> dict[str, Any]:
    """A checking account without overdraft: requested deposits and withdrawals."""
    account = entity("account", [], rows=300)
    txn = {
        "id": "txn", "kind": "fact", "parents": ["account"], "pk": "txn_id",
        "fanout": {"distribution": "uniform", "min": 0, "max": 60},
        "columns": [
            {"name": "txn_id", "type": "int", "generator": {"sequence": {}}},
            {"name": "account_id", "type": "int", "generator": {"lookup": {"from": "account.id"}}},
            {"name": "requested", "type": "float",
             "generator": {"expression": {"expr": "round(where(uniform(0, 1) < 0.4, uniform(50, 900), -uniform(5, 600)), 2)"}}},
            {"name": "balance", "type": "float", "generator": {"expression": {"expr": balance}}},
            {"name": "amount", "type": "float", "generator": {"expression": {"expr": amount}}},
        ],
    }  # fmt: skip
    return schema(account, txn)


def test_a_running_sum_with_a_floor_never_goes_below_it() -> None:
    """running_sum(x, 0): each step max(0, previous + x), as a loop over the rows would
    compute it (the reference below)."""
    import numpy as np

    from tests.engine_helpers import run

    txn = run(_account("running_sum(requested, 0)"))["txn"]
    account = np.asarray(txn.column("account_id"))
    requested = np.asarray(txn.column("requested"))
    balance = np.asarray(txn.column("balance"))
    amount = np.asarray(txn.column("amount"))
    expected = np.empty_like(requested)
    for i in range(len(requested)):  # the reference: one row at a time
        before = expected[i - 1] if i and account[i - 1] == account[i] else 0.0
        expected[i] = max(0.0, before + requested[i])
    assert len(balance) > 5000 and (balance >= 0).all()
    assert np.allclose(balance, expected, atol=1e-6)
    cut = (requested < 0) & (amount > requested + 1e-9)  # withdrawals cut to the balance
    assert cut.sum() > 100 and (amount >= requested - 1e-9).all()
    # a floor other than 0 (an overdraft of 500), read from the parent's first row
    low = np.asarray(run(_account("running_sum(requested, -500)"))["txn"].column("balance"))
    assert low.min() >= -500 and (low < 0).sum() > 100


def test_a_column_reading_itself_is_explained() -> None:
    """`balance = previous(balance, 0) + amount`, a new user's running balance: the problem
    says the column reads itself and what to write instead (it said "unknown name")."""
    problems = _problems(_account("previous(balance, 0) + requested", amount="requested"))
    assert len(problems) == 1, problems
    assert "`balance` reads itself" in problems[0] and "running_sum(x, 0)" in problems[0]


def test_the_docs_floored_balance_holds_in_sql_for_any_workers(tmp_path: Path) -> None:
    """docs/dsl.md's checking account, with enough accounts for several blocks (whole
    parents each): the same bytes for 1 and 2 workers, and the bank's rules in DuckDB."""
    import duckdb

    from datagen.engine.execute import generate_dataset
    from tests.dsl_doc_examples import doc_example

    dataset = parse_dataset(doc_example("floored-balance"))
    outs = [tmp_path / f"out{workers}" for workers in (1, 2)]
    for workers, out in zip((1, 2), outs, strict=True):
        generate_dataset(dataset, out, seed=3, rows={"account": 6000}, workers=workers)
    for name in ("account.parquet", "txn.parquet"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    con = duckdb.connect()
    for table in ("account", "txn"):
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM '{outs[0] / table}.parquet'")
    rows, negative, broken, declined = con.execute(
        "SELECT count(*), count(*) FILTER (balance_after < 0),"
        " count(*) FILTER (balance_after <> previous + amount),"
        " count(*) FILTER (status = 'declined') FROM (SELECT *, coalesce(lag(balance_after)"
        " OVER (PARTITION BY account_id ORDER BY booked_at), 0) previous FROM txn)"
    ).fetchone()  # type: ignore[misc]
    assert rows > 131_072 and negative == 0 and broken == 0 and declined > 1000
    wrong_current = con.execute(
        "SELECT count(*) FROM account a LEFT JOIN (SELECT account_id,"
        " arg_max(balance_after, booked_at) last FROM txn GROUP BY 1) t USING (account_id)"
        " WHERE a.balance <> coalesce(t.last, 0)"
    ).fetchone()
    assert wrong_current == (0,)
    statuses = dict(con.execute("SELECT status, count(*) FROM txn GROUP BY 1").fetchall())
    assert set(statuses) == {"posted", "declined", "partial"}
