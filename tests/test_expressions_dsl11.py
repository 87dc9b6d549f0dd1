"""DSL 1.1 expressions: random draws, null, date literals, strings, case, siblings, hidden
columns, and the preflight type checker (issue 21's reproducers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from datagen.engine.errors import SchemaError
from datagen.engine.execute import generate_dataset
from datagen.engine.expressions import (
    FUNCTIONS,
    ExpressionError,
    Scope,
    Siblings,
    column_type,
    compile_expression,
    function_reference,
)
from datagen.engine.load import parse_dataset
from datagen.engine.plan import BLOCK_ROWS
from datagen.engine.rng import stream
from datagen.engine.validate.run import validate_dataset
from tests.engine_helpers import entity, run, schema


def ev(source: str, **columns: Any) -> list[Any]:
    values = {k: np.asarray(v) for k, v in columns.items()}
    n = len(next(iter(values.values()))) if values else 4
    result = compile_expression(source, set(values))(Scope(values, n))
    return np.broadcast_to(np.asarray(result), (n,)).tolist()


def test_string_functions() -> None:
    names = np.array(["ada", "Bob", None], dtype=object)
    assert ev("upper(s)", s=names) == ["ADA", "BOB", None]
    assert ev("lower(s)", s=names) == ["ada", "bob", None]
    assert ev("substr(s, 2, 1)", s=names) == ["d", "o", None]
    assert ev("substr(s, 2)", s=names) == ["da", "ob", None]
    assert ev("length(s)", s=np.array(["ada", "", "four"], dtype=object)) == [3, 0, 4]
    assert ev("replace(s, 'a', 'A')", s=names) == ["AdA", "Bob", None]
    assert ev("lpad(k, 5, '0')", k=[7, 42, 12345]) == ["00007", "00042", "12345"]
    assert ev("concat('#', k, '-', s)", k=[1, 2, 3], s=names) == ["#1-ada", "#2-Bob", None]


def test_format_matches_python_format() -> None:
    keys = [1, 42, -7, 123456789]
    assert ev("format('Customer#{:09d}', k)", k=keys) == [f"Customer#{k:09d}" for k in keys]
    prices = [1.5, -2.25, 1000.0, 0.004]
    assert ev("format('{:.2f}', x)", x=prices) == [f"{x:.2f}" for x in prices]
    assert ev("format('[{:>6}|{:<4}]', k, s)", k=[1, 22, 333, 4], s=["a", "bb", "c", "d"]) == [
        f"[{k:>6}|{s:<4}]" for k, s in zip([1, 22, 333, 4], ["a", "bb", "c", "d"], strict=True)
    ]
    phone = ev("format('{}-{:03d}', c + 10, n)", c=[3, 14], n=[7, 999])
    assert phone == ["13-007", "24-999"]


def test_case_null_coalesce_and_date_literals() -> None:
    assert ev("case(k > 10, 'big', k > 0, 'small', 'none')", k=[50, 5, -1]) == [
        "big",
        "small",
        "none",
    ]
    out = ev("where(k > 10, null, k)", k=[50, 5])
    assert np.isnan(out[0]) and out[1] == 5
    days = np.array(["1995-06-16", "1995-06-17", "1995-06-18"], dtype="datetime64[D]")
    assert ev("d <= date('1995-06-17')", d=days) == [True, True, False]
    assert ev("add_days(d, 2) == date('1995-06-19')", d=days) == [False, True, False]
    ts = np.array(["2024-01-01T10:00:00"], dtype="datetime64[us]")
    assert ev("add_seconds(t, 90) > timestamp('2024-01-01 10:01:00')", t=ts) == [True]
    nullable = np.array(["2024-01-01", "NaT"], dtype="datetime64[D]")
    assert ev("coalesce(d, date('2000-01-01'))", d=nullable) == [
        np.datetime64("2024-01-01"),
        np.datetime64("2000-01-01"),
    ]
    assert ev("is_null(d)", d=nullable) == [False, True]


def test_random_draws_are_seeded_by_site_and_in_range() -> None:
    def draw(source: str, seed: int = 1) -> np.ndarray:
        scope = Scope({}, 5000, rng=lambda site: stream(seed, site))
        return np.asarray(compile_expression(source)(scope))

    ints = draw("randint(1, 7)")
    assert ints.dtype.kind == "i" and ints.min() == 1 and ints.max() == 7
    floats = draw("uniform(-2, 3)")
    assert floats.min() >= -2 and floats.max() < 3
    assert abs(draw("normal(100, 5)").mean() - 100) < 0.5
    picks = draw("choice(['R', 'A', 'N'], [1, 1, 2])")
    assert set(picks) == {"R", "A", "N"} and 0.45 < np.mean(picks == "N") < 0.55
    assert np.array_equal(draw("uniform(0, 1)"), draw("uniform(0, 1)"))
    assert not np.array_equal(draw("uniform(0, 1)", 1), draw("uniform(0, 1)", 2))
    two = draw("uniform(0, 1) - uniform(0, 1)")  # two call sites: two streams
    assert np.abs(two).max() > 0


def test_sibling_functions() -> None:
    sib = Siblings(np.array([1, 2, 3, 1, 1, 2]), np.array([3, 3, 3, 1, 2, 2]))
    x = np.array([10, 20, 30, 40, 50, 60])
    scope = Scope({"x": x}, 6, siblings=sib)

    def run_(source: str) -> list[Any]:
        return np.asarray(compile_expression(source, {"x"})(scope)).tolist()

    assert run_("position()") == [1, 2, 3, 1, 1, 2]
    assert run_("sibling_count()") == [3, 3, 3, 1, 2, 2]
    assert run_("previous(x, 0)") == [0, 10, 20, 0, 0, 50]
    assert run_("running_sum(x)") == [10, 30, 60, 40, 50, 110]


@pytest.mark.parametrize(
    ("source", "types", "message"),
    [
        ("year(n)", {"n": "int"}, "year() needs a date or datetime, got int"),
        ("s - 1", {"s": "string"}, "on text is not allowed"),
        ("d < '1995-01-01'", {"d": "date"}, "cannot compare date with string"),
        ("t + 1", {"t": "datetime"}, "add_seconds"),
        ("t - u", {"t": "date", "u": "date"}, "days_between"),
        ("where(n > 1, 'a', 2)", {"n": "int"}, "different types: string and int"),
        ("n == null", {"n": "int"}, "is_null"),
        ("upper(s) + 1", {"s": "string"}, "on text"),
        ("format('{:d}', s)", {"s": "string"}, "needs a number"),
        ("lpad(s, 100000)", {"s": "string"}, "width must be"),
        ("choice([a, 'b'])", {"a": "string"}, "must be literals"),
        ("date('1995-13-45')", {}, "not an ISO"),
        ("case(n, 1, 2)", {"n": "string"}, "not bool"),
    ],
)
def test_type_errors_have_a_position(source: str, types: dict[str, str], message: str) -> None:
    with pytest.raises(
        ExpressionError, match=message.replace("(", r"\(").replace(")", r"\)")
    ) as info:
        compile_expression(source, types={k: column_type(v) for k, v in types.items()})
    assert "at column" in str(info.value)


def test_power_with_negative_exponent_is_a_float_not_a_crash() -> None:
    result = compile_expression("2 ** -1", types={})
    assert result.type.kind == "float"
    assert result({}) == 0.5


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(SchemaError) as info:
        parse_dataset(data)
    return [p.render() for p in info.value.problems]


def test_preflight_reports_type_mistakes_with_their_json_path() -> None:
    data = schema(
        entity(
            "t",
            [
                {"name": "name", "type": "string", "generator": {"faker": {"method": "name"}}},
                {
                    "name": "born",
                    "type": "date",
                    "nullable": True,
                    "null_rate": 0.1,
                    "generator": {"datetime_series": {"freq": "D"}},
                },
                {
                    "name": "price",
                    "type": "float",
                    "generator": {"expression": {"expr": "upper(name)"}},
                },
                {
                    "name": "later",
                    "type": "date",
                    "generator": {"expression": {"expr": "add_days(born, 3)"}},
                },
                {
                    "name": "when",
                    "type": "date",
                    "generator": {"expression": {"expr": "'2024-01-01'"}},
                },
                {"name": "pos", "type": "int", "generator": {"expression": {"expr": "position()"}}},
            ],
        )
    )
    problems = "\n".join(_problems(data))
    assert (
        "nodes[0].columns[3].generator.expression.expr: the expression gives string, the column is float"
        in problems
    )
    assert "nodes[0].columns[4].generator.expression.expr: the expression can be null" in problems
    assert (
        "nodes[0].columns[5].generator.expression.expr: the expression gives string, the column is date (use date('2024-01-31'))"
        in problems
    )
    assert "nodes[0].columns[6].generator.expression.expr: `t` is not a fact" in problems


def test_chained_concat_across_columns_is_capped() -> None:
    cols: list[dict[str, Any]] = [
        {"name": "c0", "type": "string", "generator": {"faker": {"method": "name"}}}
    ]
    for i in range(1, 8):
        cols.append(
            {
                "name": f"c{i}",
                "type": "string",
                "generator": {"expression": {"expr": f"concat(c{i - 1}, c{i - 1})"}},
            }
        )
    problems = "\n".join(_problems(schema(entity("t", cols))))
    assert "can grow to" in problems and "columns[6]" in problems


def test_hidden_column_is_used_not_written_and_not_validated(tmp_path: Path) -> None:
    data = schema(
        entity(
            "t",
            [
                {
                    "name": "base",
                    "type": "int",
                    "hidden": True,
                    "generator": {"expression": {"expr": "randint(1, 9)"}},
                },
                {
                    "name": "double",
                    "type": "int",
                    "generator": {"expression": {"expr": "base * 2"}},
                },
                {
                    "name": "code",
                    "type": "string",
                    "generator": {"expression": {"expr": "format('C{:04d}', id)"}},
                },
            ],
            rows=200,
        )
    )
    dataset = parse_dataset(data)
    generate_dataset(dataset, tmp_path / "out", seed=3)
    table = pq.read_table(tmp_path / "out" / "t.parquet")
    assert table.column_names == ["id", "double", "code"]
    doubles = table.column("double").to_pylist()
    assert set(doubles) <= set(range(2, 19, 2)) and len(set(doubles)) > 3
    assert table.column("code").to_pylist()[:2] == ["C0001", "C0002"]
    report = validate_dataset(dataset, tmp_path / "out")
    assert report.score == 100
    assert all("base" not in str(c) for c in report.to_dict()["checks"])


def test_hidden_column_cannot_be_constrained() -> None:
    data = schema(
        entity(
            "t",
            [{"name": "h", "type": "int", "hidden": True, "generator": {"sequence": {}}}],
        ),
        constraints={"ranges": [{"column": "t.h", "min": 0}]},
    )
    assert any("hidden helper column" in p for p in _problems(data))


def _ledger(rows: int, fanout: int) -> dict[str, Any]:
    return schema(
        entity("account", [], rows=rows),
        {
            "id": "entry",
            "kind": "fact",
            "parents": ["account"],
            "fanout": {"distribution": "uniform", "min": 0, "max": fanout},
            "columns": [
                {
                    "name": "account_id",
                    "type": "int",
                    "generator": {"lookup": {"from": "account.id"}},
                },
                {
                    "name": "line",
                    "type": "int",
                    "generator": {"expression": {"expr": "position()"}},
                },
                {
                    "name": "lines",
                    "type": "int",
                    "generator": {"expression": {"expr": "sibling_count()"}},
                },
                {
                    "name": "amount",
                    "type": "int",
                    "generator": {"expression": {"expr": "randint(1, 100)"}},
                },
                {
                    "name": "balance",
                    "type": "int",
                    "generator": {"expression": {"expr": "running_sum(amount)"}},
                },
                {
                    "name": "before",
                    "type": "int",
                    "generator": {"expression": {"expr": "previous(balance, 0)"}},
                },
            ],
        },
    )


SIBLING_SQL = """
with w as (
  select *, row_number() over (partition by account_id order by file_row_number) as rn,
         count(*) over (partition by account_id) as cnt,
         sum(amount) over (partition by account_id order by file_row_number) as bal,
         coalesce(lag(balance) over (partition by account_id order by file_row_number), 0) as prev
  from read_parquet('{path}', file_row_number = true))
select count(*) filter (where line != rn or lines != cnt or balance != bal or before != prev),
       count(*), max(line)
from w
"""


def test_position_running_sum_and_previous_hold_across_blocks(tmp_path: Path) -> None:
    # more than one block of rows: blocks are cut at parent boundaries
    rows = BLOCK_ROWS // 3 + 1000
    out = tmp_path / "ledger"
    generate_dataset(parse_dataset(_ledger(rows, 6)), out, seed=5, workers=2)
    bad, total, longest = duckdb.sql(SIBLING_SQL.format(path=out / "entry.parquet")).fetchall()[0]
    assert total > BLOCK_ROWS and longest == 6
    assert bad == 0


def test_random_expressions_do_not_depend_on_workers(tmp_path: Path) -> None:
    dataset = parse_dataset(_ledger(BLOCK_ROWS // 3 + 1000, 6))
    one, three = tmp_path / "one", tmp_path / "three"
    generate_dataset(dataset, one, seed=9, workers=1)
    generate_dataset(dataset, three, seed=9, workers=3)
    assert (one / "entry.parquet").read_bytes() == (three / "entry.parquet").read_bytes()


def test_dry_run_nulls_from_expressions_become_nulls() -> None:
    data = schema(
        entity(
            "t",
            [
                {
                    "name": "maybe",
                    "type": "int",
                    "nullable": True,
                    "generator": {"expression": {"expr": "where(id % 2 == 0, null, id)"}},
                }
            ],
            rows=10,
        )
    )
    assert run(data)["t"].column("maybe").to_pylist()[:4] == [1, None, 3, None]


def test_every_function_is_described_for_docs_and_prompts() -> None:
    reference = function_reference()
    assert {f["name"] for f in reference} == set(FUNCTIONS)
    for item in reference:
        assert item["signature"].startswith(item["name"] + "(") and item["doc"], item
    docs = (Path(__file__).resolve().parent.parent / "docs" / "dsl.md").read_text()
    missing = [name for name in FUNCTIONS if f"`{name}(" not in docs]
    assert not missing
