"""Rules of real schemas (Stack Overflow, a ledger, a bank account, ...) that the DSL
got wrong when they were written as a new user would: each fix, checked on generated data
or on the problem preflight reports. The whole schemas are examples/*.json, tested in
tests/test_examples_real_*.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
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
        generate_dataset(dataset, out, seed=3, rows={"account": 4800}, workers=workers)
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


def _forum(**author: Any) -> dict[str, Any]:
    """Users who sign up over four years; comments by users who had signed up."""
    users = entity(
        "users",
        [{"name": "signed_up", "type": "datetime",
          "generator": {"datetime_series": {"within": {"start": "2020-01-01", "end": "2024-01-01"}}}}],
        rows=400,
    )  # fmt: skip
    lookup = {"from": "users.id", "as_of": {"signed_up": "posted_at"}, **author}
    comments = entity(
        "comments",
        [{"name": "posted_at", "type": "datetime",
          "generator": {"datetime_series": {"within": {"start": "2019-06-01", "end": "2024-01-01"}}}},
         {"name": "author_id", "type": "int", "nullable": True, "generator": {"lookup": lookup}}],
        rows=5000,
    )  # fmt: skip
    return schema(users, comments)


def test_an_as_of_fk_points_at_rows_that_came_before(tmp_path: Path) -> None:
    """`as_of`: a comment's author signed up before the comment (GitHub, Stack Overflow);
    comments older than every user have no author. In SQL, for 1 and 2 workers, and the
    validator's `as_of` check fails once a user's signup is moved after their comments."""
    import duckdb
    import pyarrow.parquet as pq

    from datagen.engine.execute import generate_dataset
    from datagen.engine.validate.run import validate_dataset

    dataset = parse_dataset(_forum())
    outs = [tmp_path / f"out{workers}" for workers in (1, 2)]
    for workers, out in zip((1, 2), outs, strict=True):
        generate_dataset(dataset, out, seed=5, rows={"comments": 140_000}, workers=workers)
    assert (outs[0] / "comments.parquet").read_bytes() == (
        outs[1] / "comments.parquet"
    ).read_bytes()
    con = duckdb.connect()
    users, comments = (f"'{outs[0] / name}.parquet'" for name in ("users", "comments"))
    rows, authored, before_signup, early, authors = con.execute(
        f"SELECT count(*), count(author_id), count(*) FILTER (posted_at < u.signed_up),"
        f" count(*) FILTER (author_id IS NULL AND posted_at >= (SELECT min(signed_up)"
        f" FROM {users})), count(DISTINCT author_id) FROM {comments} c"
        f" LEFT JOIN {users} u ON c.author_id = u.id"
    ).fetchone()  # type: ignore[misc]
    assert rows == 140_000 and before_signup == 0 and early == 0 and authors > 390
    assert 0.8 * rows < authored < rows  # comments before the first signup have no author
    report = validate_dataset(dataset, outs[0])
    as_of = [c for c in report.checks if c.name == "as_of"]
    assert len(as_of) == 1 and as_of[0].passed
    # the first comment's author's signup moved to 2030: their comments are all too early
    [(author, written)] = con.execute(
        f"SELECT author_id, count(*) FROM {comments} WHERE author_id = (SELECT author_id"
        f" FROM {comments} WHERE author_id IS NOT NULL LIMIT 1) GROUP BY 1"
    ).fetchall()
    table = pq.read_table(outs[0] / "users.parquet")
    signups = table.column("signed_up").to_pylist()
    row = table.column("id").to_pylist().index(author)
    signups[row] = signups[row].replace(year=2030)
    table = table.set_column(1, "signed_up", pa.array(signups, table.schema.field(1).type))
    pq.write_table(table, outs[0] / "users.parquet")
    as_of = [c for c in validate_dataset(dataset, outs[0]).checks if c.name == "as_of"]
    assert not as_of[0].passed and as_of[0].measured == written


def test_an_as_of_through_a_hidden_column_is_skipped_not_a_crash(tmp_path: Path) -> None:
    """An order item's product launched before the order: the order time is a hidden copy
    of the parent's, so the validator cannot compare it (it crashed): listed as skipped."""
    from datagen.engine.execute import generate_dataset
    from datagen.engine.validate.run import validate_dataset

    data = _forum()
    data["nodes"][1]["columns"][1]["hidden"] = True
    dataset = parse_dataset(data)
    generate_dataset(dataset, tmp_path / "out", seed=2)
    report = validate_dataset(dataset, tmp_path / "out")
    assert report.score == 100 and not [c for c in report.checks if c.name == "as_of"]
    assert [s["reason"] for s in report.skipped if s["name"] == "as_of"] == [
        "`comments.posted_at` hidden: not in the files"
    ]


def test_as_of_problems_name_their_place() -> None:
    problems = _problems(_forum(where="id > 3"))
    assert any("lookup.as_of" in p and "cannot go with `where`" in p for p in problems)
    data = _forum()
    data["nodes"][1]["columns"][2]["generator"]["lookup"]["as_of"] = {"signed_up": "id"}
    assert any("`users.signed_up` is datetime but `id` is int" in p for p in _problems(data))


def test_the_docs_as_of_example_runs_and_holds(tmp_path: Path) -> None:
    import duckdb

    from tests.dsl_doc_examples import generate_here_for_any_workers

    out = generate_here_for_any_workers("as-of", tmp_path, 11, "parquet")
    [(wrong, authored)] = duckdb.sql(
        f"SELECT count(*) FILTER (c.posted_at < u.signed_up), count(c.author_id)"
        f" FROM '{out}/comments.parquet' c LEFT JOIN '{out}/users.parquet' u"
        f" ON c.author_id = u.user_id"
    ).fetchall()
    assert wrong == 0 and authored > 4500


def test_a_choice_by_a_hidden_column_is_skipped_not_a_crash(tmp_path: Path) -> None:
    """Diagnoses by a hidden care group (sex and age band in one column, as a hospital
    schema needs): the validator crashed with a KeyError on the missing column; it now lists
    the check as skipped and checks the rest."""
    from datagen.engine.execute import generate_dataset
    from datagen.engine.validate.run import validate_dataset

    patients = entity(
        "patients",
        [{"name": "sex", "type": "string", "generator": {"choice": {"choices": ["F", "M"]}}},
         {"name": "age", "type": "int", "generator": {"expression": {"expr": "randint(0, 90)"}}},
         {"name": "care_group", "type": "string", "hidden": True,
          "generator": {"expression": {"expr": "case(sex == 'M', 'M', age < 14 or age > 50, 'F_other', 'F')"}}},
         {"name": "diagnosis", "type": "string",
          "generator": {"choice": {"choices": ["pregnancy", "fracture"], "weights": [0, 1],
                                   "by": "care_group", "cases": {"F": {"weights": [0.3, 0.7]}}}}}],
        rows=2000,
    )  # fmt: skip
    dataset = parse_dataset(schema(patients))
    generate_dataset(dataset, tmp_path / "out", seed=2)
    report = validate_dataset(dataset, tmp_path / "out")
    assert all(c.passed for c in report.checks) and report.score == 100
    assert [s["reason"] for s in report.skipped if s["name"] == "conditional"] == [
        "`care_group` is hidden: the groups are not written"
    ]


def test_add_months_is_sql_month_arithmetic() -> None:
    """add_months(): monthly billing on the day a subscription started (Jan 31, Feb 29,
    Mar 31...), as DuckDB's `date + INTERVAL n MONTH` computes it, for dates and datetimes."""
    import duckdb
    import numpy as np

    from datagen.engine.expressions import Scope, Ty, compile_expression

    rng = np.random.default_rng(4)
    days = np.datetime64("1999-01-01") + rng.integers(0, 12_000, 5000).astype("timedelta64[D]")
    months = rng.integers(-40, 40, 5000)
    compiled = compile_expression("add_months(d, n)", {"d", "n"}, {"d": Ty("date"), "n": Ty("int")})
    ours = np.asarray(compiled(Scope({"d": days, "n": months}, 5000)))
    assert ours.dtype == np.dtype("datetime64[D]") and compiled.type.kind == "date"
    theirs = duckdb.execute(
        "SELECT (d::DATE + to_months(n))::DATE FROM (SELECT unnest(?) d, unnest(?) n)",
        [days.astype(str).tolist(), months.tolist()],
    ).fetchall()
    assert [str(d) for (d,) in theirs] == ours.astype(str).tolist()
    stamp = np.array(["2024-01-31T10:30:00.5"], dtype="datetime64[us]")
    shifted = compile_expression("add_months(t, 13)")(Scope({"t": stamp}, 1))
    assert str(np.asarray(shifted)[0]) == "2025-02-28T10:30:00.500000"


def test_as_of_with_distinct_people_per_title(tmp_path: Path) -> None:
    """docs/dsl.md's IMDb principals, `as_of` and `distinct` together: a title's principals
    are different people, all born
    at least 5 years before it; a title older than all but a few people gets those few and
    nulls (the first rows take the people). The same bytes for 1 and 2 workers over several
    blocks, and the validator's checks pass."""
    import duckdb

    from datagen.engine.execute import generate_dataset
    from datagen.engine.validate.run import validate_dataset
    from tests.dsl_doc_examples import doc_example

    dataset = parse_dataset(doc_example("principals"))
    outs = [tmp_path / f"out{workers}" for workers in (1, 2)]
    for workers, out in zip((1, 2), outs, strict=True):
        generate_dataset(dataset, out, seed=8, rows={"titles": 26_000}, workers=workers)
    assert (outs[0] / "principals.parquet").read_bytes() == (
        outs[1] / "principals.parquet"
    ).read_bytes()
    con = duckdb.connect()
    for table in ("people", "titles", "principals"):
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM '{outs[0] / table}.parquet'")
    rows, cast, repeated, too_young, wrong_nulls = con.execute(
        "SELECT count(*), count(person_id),"
        " count(person_id) - count(DISTINCT (title_id, person_id)) FILTER (person_id NOT NULL),"
        " count(*) FILTER (b.birth_year > p.latest_birth),"
        " count(*) FILTER ((p.person_id IS NULL) <> (p.ordering > (SELECT count(*) FROM people"
        " WHERE birth_year <= p.latest_birth))) FROM principals p"
        " LEFT JOIN people b USING (person_id)"
    ).fetchone()  # type: ignore[misc]
    assert rows > 131_072 and 0.9 * rows < cast < rows
    assert repeated == too_young == wrong_nulls == 0
    report = validate_dataset(dataset, outs[0])
    assert report.score == 100, [c for c in report.checks if not c.passed][:3]
    assert {c.name for c in report.checks} >= {"as_of", "pk_unique"}


def test_match_with_as_of_is_sqls_asof_join(tmp_path: Path) -> None:
    """`match` + `as_of` (docs/dsl.md's price history, Northwind's "unit price at the time of
    the order"): the product's price version in force on the order's date (the latest one
    that started on or before it), exactly what DuckDB's ASOF JOIN finds; orders before a
    product's first price get null."""
    import duckdb

    from datagen.engine.execute import generate_dataset
    from tests.dsl_doc_examples import doc_example

    dataset = parse_dataset(doc_example("price-history"))
    out = tmp_path / "out"
    generate_dataset(dataset, out, seed=6)
    con = duckdb.connect()
    for table in ("price_history", "orders", "order_details"):
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM '{out / table}.parquet'")
    rows, priced, differ = con.execute(
        "SELECT count(*), count(d.unit_price), count(*) FILTER (d.version_id IS DISTINCT FROM"
        " h.version_id OR d.unit_price IS DISTINCT FROM h.price) FROM order_details d"
        " JOIN orders o USING (order_id) ASOF LEFT JOIN price_history h"
        " ON d.product_id = h.product_id AND o.ordered_on >= h.valid_from"
    ).fetchone()  # type: ignore[misc]
    assert rows > 5000 and 0.5 * rows < priced < rows and differ == 0
    data = doc_example("price-history")
    data["nodes"][3]["columns"][4]["generator"]["lookup"]["distinct"] = True
    problems = _problems(data)
    assert any("`match` with `as_of` takes the latest row: no `distinct`" in p for p in problems)


def test_an_inequality_that_would_reorder_siblings_is_a_warning() -> None:
    """GitHub's comments follow each other (a running sum after the issue's time); declaring
    `comment.created_at >= users.created_at` moved 16% of them before their predecessor,
    silently (the order is not a declared rule). Preflight now warns; the example's own
    inequalities, built on their bound, do not."""
    import json

    from datagen.engine.preflight import preflight
    from tests.example_runs import EXAMPLES_DIR

    data = json.loads((EXAMPLES_DIR / "github.json").read_text())
    assert not [p for p in preflight(parse_dataset(data), warnings=True) if "order" in p.message]
    data["constraints"]["inequalities"].append(
        {"left": "issue_comments.created_at", "op": ">=", "right": "users.created_at"}
    )
    warned = [p for p in preflight(parse_dataset(data), warnings=True) if "order" in p.message]
    assert len(warned) == 1 and warned[0].severity == "warning"
    assert warned[0].path == "constraints.inequalities[4]"
    assert "`issue_comments.created_at` follows its rows' order" in warned[0].message


def test_as_of_through_a_hidden_copy_of_the_parents_time_is_checked(tmp_path: Path) -> None:
    """An order item's product was launched before the order: the order's time is a hidden
    copy in the items (as examples/returns.json), so the validator follows the copy's FK to
    the written column instead of skipping; an order moved to 1990 makes its items fail."""
    import pyarrow.parquet as pq

    from datagen.engine.execute import generate_dataset
    from datagen.engine.validate.run import validate_dataset

    window = {"start": "2022-01-01", "end": "2024-01-01"}
    products = entity(
        "products",
        [{"name": "launched_at", "type": "datetime", "generator": {"datetime_series": {"within": window}}}],
        rows=100,
    )  # fmt: skip
    orders = entity(
        "orders",
        [{"name": "ordered_at", "type": "datetime", "generator": {"datetime_series": {"within": window}}}],
        rows=500,
    )  # fmt: skip
    items = {
        "id": "items", "kind": "fact", "parents": ["orders"], "pk": "item_id",
        "fanout": {"distribution": "uniform", "min": 1, "max": 4},
        "columns": [
            {"name": "item_id", "type": "int", "generator": {"sequence": {}}},
            {"name": "order_id", "type": "int", "generator": {"lookup": {"from": "orders.id"}}},
            {"name": "ordered_at", "type": "datetime", "hidden": True,
             "generator": {"lookup": {"from": "orders.ordered_at", "on": "order_id"}}},
            {"name": "product_id", "type": "int", "nullable": True,
             "generator": {"lookup": {"from": "products.id", "as_of": {"launched_at": "ordered_at"}}}},
        ],
    }  # fmt: skip
    dataset = parse_dataset(schema(products, orders, items))
    out = tmp_path / "out"
    generate_dataset(dataset, out, seed=9)
    report = validate_dataset(dataset, out)
    [as_of] = [c for c in report.checks if c.name == "as_of"]
    assert as_of.passed and not [s for s in report.skipped if s["name"] == "as_of"]
    table = pq.read_table(out / "orders.parquet")
    stamps = table.column("ordered_at").to_pylist()
    written = pq.read_table(out / "items.parquet")
    first_order = written.column("order_id").to_pylist()[0]
    its_products = [
        p
        for o, p in zip(written.column("order_id").to_pylist(), written.column("product_id").to_pylist(), strict=True)
        if o == first_order and p is not None
    ]  # fmt: skip
    row = table.column("id").to_pylist().index(first_order)
    stamps[row] = stamps[row].replace(year=1990)
    table = table.set_column(1, "ordered_at", pa.array(stamps, table.schema.field(1).type))
    pq.write_table(table, out / "orders.parquet")
    [as_of] = [c for c in validate_dataset(dataset, out).checks if c.name == "as_of"]
    assert its_products and not as_of.passed and as_of.measured == len(its_products)


def test_no_vote_on_your_own_post(tmp_path: Path) -> None:
    """Stack Overflow: one vote per user and post (`distinct`), never by the post's owner
    (`distinct_from` a copy of the owner's key through the post: it had to be an FK of the
    row). Five users and up to four votes a post: every vote but the owner's is taken."""
    import duckdb

    from datagen.engine.execute import generate_dataset
    from datagen.engine.validate.run import validate_dataset

    users = entity("users", [], rows=5)
    posts = entity(
        "posts", [{"name": "owner_id", "type": "int", "generator": {"lookup": {"from": "users.id"}}}],
        rows=3000,
    )  # fmt: skip
    votes = {
        "id": "votes", "kind": "fact", "parents": ["posts"], "pk": "vote_id",
        "fanout": {"distribution": "uniform", "min": 0, "max": 4},
        "columns": [
            {"name": "vote_id", "type": "int", "generator": {"sequence": {}}},
            {"name": "post_id", "type": "int", "generator": {"lookup": {"from": "posts.id"}}},
            {"name": "owner_id", "type": "int", "hidden": True,
             "generator": {"lookup": {"from": "users.id", "on": "post_id.owner_id"}}},
            {"name": "voter_id", "type": "int",
             "generator": {"lookup": {"from": "users.id", "distinct": True, "distinct_from": "owner_id"}}},
        ],
    }  # fmt: skip
    dataset = parse_dataset(schema(users, posts, votes))
    generate_dataset(dataset, tmp_path / "out", seed=4)
    out = tmp_path / "out"
    [(rows, own, repeated, full)] = duckdb.sql(
        f"SELECT count(*), count(*) FILTER (v.voter_id = p.owner_id),"
        f" count(*) - count(DISTINCT (v.post_id, v.voter_id)),"
        f" (SELECT count(*) FROM (SELECT post_id FROM '{out}/votes.parquet' GROUP BY 1"
        f" HAVING count(*) = 4)) FROM '{out}/votes.parquet' v"
        f" JOIN '{out}/posts.parquet' p ON v.post_id = p.id"
    ).fetchall()
    assert rows > 5000 and own == 0 and repeated == 0 and full > 300
    report = validate_dataset(dataset, out)
    assert report.score == 100
    assert [s["reason"] for s in report.skipped if s["name"] == "distinct_from"] == [
        "`owner_id` is hidden: not in the files"
    ]
    data = schema(users, posts, votes)
    data["nodes"][2]["columns"][2]["generator"]["lookup"] = {
        "from": "posts.owner_id",
        "on": "post_id",
    }
    assert any("or a copy of it through an FK" in p for p in _problems(data))
