"""The validator on real generated files: a clean dataset, then one corruption at a time.

Each corruption must make exactly the check it targets fail, name the
offending keys or rows, and make `datagen validate` exit 1.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from datagen.agent.cli import main
from datagen.engine.errors import InputError
from datagen.engine.execute import generate_dataset
from datagen.engine.load import parse_dataset
from datagen.engine.validate import Report, replay, validate_dataset, validate_generated

SEED = 7

SHOP: dict[str, Any] = {
    "version": "1.0",
    "metadata": {"name": "shop"},
    "timeframe": {"start": "2024-01-01", "end": "2025-01-01", "freq": "s"},
    "nodes": [
        {
            "id": "customer",
            "kind": "entity",
            "rows": 600,
            "pk": "customer_id",
            "columns": [
                {"name": "customer_id", "type": "int", "generator": {"sequence": {"start": 1}}},
                {
                    "name": "country",
                    "type": "string",
                    "generator": {
                        "choice": {"choices": ["US", "DE", "FR"], "weights": [0.6, 0.25, 0.15]}
                    },
                },
                {
                    "name": "signup_at",
                    "type": "datetime",
                    "generator": {
                        "datetime_series": {"within": {"start": "2023-01-01", "end": "2024-03-01"}}
                    },
                },
                {
                    "name": "referred_by",
                    "type": "int",
                    "nullable": True,
                    "null_rate": 0.7,
                    "generator": {"lookup": {"from": "customer.customer_id"}},
                },
            ],
        },
        {
            "id": "order",
            "kind": "fact",
            "pk": "order_id",
            "parents": ["customer"],
            "fanout": {"distribution": "poisson", "lambda": 3, "min": 0, "max": 15},
            "columns": [
                {"name": "order_id", "type": "int", "generator": {"sequence": {}}},
                {
                    "name": "customer_id",
                    "type": "int",
                    "generator": {"lookup": {"from": "customer.customer_id"}},
                },
                {
                    "name": "ordered_at",
                    "type": "datetime",
                    "generator": {
                        "datetime_series": {
                            "pattern": {"dimension": "dow", "weights": [1, 1, 1, 1, 1.2, 1.6, 1.5]}
                        }
                    },
                },
                {
                    "name": "status",
                    "type": "string",
                    "generator": {"choice": {"choices": ["paid", "refunded"], "weights": [9, 1]}},
                },
                {
                    "name": "amount",
                    "type": "float",
                    "generator": {
                        "distribution": {
                            "type": "lognormal",
                            "params": {"mean": 3.5, "sigma": 0.5},
                            "clamp": [1, 5000],
                        }
                    },
                },
            ],
        },
    ],
    "constraints": {
        "inequalities": [{"left": "order.ordered_at", "op": ">=", "right": "customer.signup_at"}],
        "ranges": [{"column": "order.amount", "min": 1, "max": 5000}],
        "enum": [{"column": "order.status", "values": ["paid", "refunded"]}],
        "pattern": [{"column": "customer.country", "regex": "[A-Z]{2}"}],
    },
    "targets": {
        "weekend_share": [{"table": "order", "column": "ordered_at", "min": 0.3, "max": 0.42}],
        "mean_in_range": [{"table": "order", "column": "amount", "min": 30, "max": 45}],
    },
}


@pytest.fixture(scope="module")
def shop() -> Any:
    return parse_dataset(copy.deepcopy(SHOP))


@pytest.fixture(scope="module")
def clean_dir(shop: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean") / "shop"
    generate_dataset(shop, out, seed=SEED)
    return out


@pytest.fixture
def data_dir(clean_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the clean dataset, to corrupt."""
    copy_dir = tmp_path / "shop"
    shutil.copytree(clean_dir, copy_dir)
    return copy_dir


@pytest.fixture
def schema_file(tmp_path: Path) -> Path:
    path = tmp_path / "shop.json"
    path.write_text(json.dumps(SHOP))
    return path


def read(data_dir: Path, table: str) -> pa.Table:
    return pq.read_table(data_dir / f"{table}.parquet")


def write(data_dir: Path, table: str, data: pa.Table) -> None:
    pq.write_table(data, data_dir / f"{table}.parquet")


def replace_column(data: pa.Table, name: str, values: list[Any] | pa.Array) -> pa.Table:
    index = data.schema.get_field_index(name)
    array = (
        values if isinstance(values, pa.Array) else pa.array(values, data.schema.field(name).type)
    )
    return data.set_column(index, pa.field(name, array.type), array)


def failed(report: Report) -> list[tuple[str, str | None, str | None]]:
    return [(c.name, c.table, c.column) for c in report.failed()]


def cli(*args: str) -> Any:
    return CliRunner().invoke(main, ["validate", *args])


# --------------------------------------------------------------------------- clean


def test_clean_dataset_scores_high_with_no_failed_check(shop: Any, clean_dir: Path) -> None:
    report = validate_dataset(shop, clean_dir)
    assert report.failed() == []
    assert report.score >= 95
    names = {c.name for c in report.checks}
    # every family of check ran on this schema
    assert {"pk_unique", "fk_resolves", "fanout_bounds", "row_count", "column_type"} <= names
    assert {"inequality", "range", "enum", "pattern"} <= names
    assert {"weekend_share", "mean_in_range", "choice_weights", "null_rate", "fanout_mean"} <= names
    self_ref = [c for c in report.checks if c.name == "fk_resolves" and c.column == "referred_by"]
    assert self_ref and "self-reference" in self_ref[0].message


def test_clean_dataset_exits_0(schema_file: Path, clean_dir: Path, tmp_path: Path) -> None:
    result = cli(str(schema_file), "--data", str(clean_dir), "--report", str(tmp_path / "r.json"))
    assert result.exit_code == 0, result.output
    assert "Quality score" in result.output
    written = json.loads((tmp_path / "r.json").read_text())
    assert written["summary"]["failed"] == 0


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json"])
def test_text_formats_validate_like_parquet(shop: Any, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / fmt
    generate_dataset(shop, out, seed=SEED, fmt=fmt)
    report = validate_dataset(shop, out)
    assert report.context["data"]["format"] == fmt
    assert report.failed() == []
    assert len(report.checks) == len(validate_dataset(shop, out, fmt=fmt).checks)


def test_csv_with_text_in_a_number_column_fails_its_type(shop: Any, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    generate_dataset(shop, out, seed=SEED, fmt="csv")
    lines = (out / "order.csv").read_text().splitlines()
    header = lines[0].split(",")
    amount = header.index('"amount"') if '"amount"' in header else header.index("amount")
    cells = lines[5].split(",")
    cells[amount] = "about 20"
    lines[5] = ",".join(cells)
    (out / "order.csv").write_text("\n".join(lines) + "\n")
    report = validate_dataset(shop, out)
    assert failed(report) == [("column_type", "order", "amount")]


# --------------------------------------------------------------------------- corruptions


def assert_exit_1(schema_file: Path, data_dir: Path, *options: str) -> None:
    result = cli(str(schema_file), "--data", str(data_dir), *options)
    assert result.exit_code == 1, result.output


def test_duplicate_pk(shop: Any, data_dir: Path, schema_file: Path) -> None:
    customers = read(data_dir, "customer")
    orders = read(data_dir, "order")
    referenced = set(orders.column("customer_id").to_pylist())
    referenced |= set(customers.column("referred_by").drop_null().to_pylist())
    # overwrite a key nobody points at, so only uniqueness breaks
    ids = customers.column("customer_id").to_pylist()
    victim = next(i for i, key in enumerate(ids) if key not in referenced and i > 0)
    ids[victim] = ids[0]
    write(data_dir, "customer", replace_column(customers, "customer_id", ids))

    report = validate_dataset(shop, data_dir)
    assert failed(report) == [("pk_unique", "customer", "customer_id")]
    check = report.failed()[0]
    assert check.examples == [{"customer_id": ids[0], "count": 2}]
    assert check.measured == 1
    assert_exit_1(schema_file, data_dir)


def test_dangling_fk(shop: Any, data_dir: Path, schema_file: Path) -> None:
    orders = read(data_dir, "order")
    keys = orders.column("customer_id").to_pylist()
    keys[3] = 999_999
    write(data_dir, "order", replace_column(orders, "customer_id", keys))

    report = validate_dataset(shop, data_dir)
    assert failed(report) == [("fk_resolves", "order", "customer_id")]
    example = report.failed()[0].examples
    order_id = orders.column("order_id")[3].as_py()
    assert example == [{"row": 3, "order_id": order_id, "customer_id": 999_999}]
    assert_exit_1(schema_file, data_dir)


def test_dangling_self_reference(shop: Any, data_dir: Path) -> None:
    customers = read(data_dir, "customer")
    refs = customers.column("referred_by").to_pylist()
    row = next(i for i, r in enumerate(refs) if r is not None)
    refs[row] = 123_456
    write(data_dir, "customer", replace_column(customers, "referred_by", refs))

    report = validate_dataset(shop, data_dir)
    assert failed(report) == [("fk_resolves", "customer", "referred_by")]
    assert report.failed()[0].examples[0]["referred_by"] == 123_456


def test_null_in_non_null_column(shop: Any, data_dir: Path, schema_file: Path) -> None:
    orders = read(data_dir, "order")
    amounts = orders.column("amount").to_pylist()
    amounts[7] = None
    write(data_dir, "order", replace_column(orders, "amount", amounts))

    report = validate_dataset(shop, data_dir)
    assert failed(report) == [("not_null", "order", "amount")]
    check = report.failed()[0]
    assert check.measured == 1
    assert check.examples == [{"row": 7, "order_id": orders.column("order_id")[7].as_py()}]
    assert_exit_1(schema_file, data_dir)


def test_broken_inequality(shop: Any, data_dir: Path, schema_file: Path) -> None:
    customers = read(data_dir, "customer")
    orders = read(data_dir, "order")
    signup = dict(
        zip(
            customers.column("customer_id").to_pylist(),
            customers.column("signup_at").to_pylist(),
            strict=True,
        )
    )
    times = orders.column("ordered_at").to_pylist()
    row = 11
    customer = orders.column("customer_id")[row].as_py()
    times[row] = signup[customer] - dt.timedelta(days=7)  # same weekday: weekend share unchanged
    write(data_dir, "order", replace_column(orders, "ordered_at", times))

    report = validate_dataset(shop, data_dir)
    assert failed(report) == [("inequality", "order", "ordered_at")]
    check = report.failed()[0]
    assert check.measured["violations"] == 1
    assert check.examples[0]["row"] == row
    assert check.examples[0]["customer_id"] == customer
    # not structural: the exit code follows the score (1 of 4 value checks: 92.5)
    assert report.score == pytest.approx(92.5)
    assert_exit_1(schema_file, data_dir, "--min-score", "95")
    assert cli(str(schema_file), "--data", str(data_dir)).exit_code == 0


def test_wrong_type(shop: Any, data_dir: Path, schema_file: Path) -> None:
    orders = read(data_dir, "order")
    as_text = pc.cast(orders.column("amount"), pa.string())
    write(data_dir, "order", replace_column(orders, "amount", as_text.combine_chunks()))

    report = validate_dataset(shop, data_dir)
    assert failed(report) == [("column_type", "order", "amount")]
    check = report.failed()[0]
    assert check.measured.startswith("string")
    assert check.expected.startswith("float")
    # the range and the mean target of a column that is not a number were skipped, not failed
    assert not [c for c in report.checks if c.column == "amount" and c.name != "column_type"]
    assert {(s["name"], s["column"]) for s in report.skipped} == {
        ("range", "amount"),
        ("mean_in_range", "amount"),
    }
    assert "`order.amount` is missing or mistyped" in report.skipped[0]["reason"]
    assert_exit_1(schema_file, data_dir)


def test_missing_table(shop: Any, data_dir: Path, schema_file: Path) -> None:
    (data_dir / "order.parquet").unlink()

    report = validate_dataset(shop, data_dir)
    assert failed(report) == [("table_present", "order", None)]
    assert not [c for c in report.checks if c.table == "order" and c.name != "table_present"]
    # what could not be checked is listed, not silently dropped from the score
    skipped = {s["name"] for s in report.skipped}
    assert {"fk_resolves", "inequality", "range", "enum", "weekend_share"} <= skipped
    assert report.to_dict()["summary"]["skipped"] == len(report.skipped)
    assert_exit_1(schema_file, data_dir)


def test_skewed_weekend_share(shop: Any, data_dir: Path, schema_file: Path) -> None:
    orders = read(data_dir, "order")
    times = orders.column("ordered_at").to_pylist()
    # move every weekday order forward to the Saturday of its week
    skewed = [t + dt.timedelta(days=5 - t.weekday()) if t.weekday() < 5 else t for t in times]
    write(data_dir, "order", replace_column(orders, "ordered_at", skewed))

    report = validate_dataset(shop, data_dir)
    assert failed(report) == [("weekend_share", "order", "ordered_at")]
    assert report.failed()[0].measured == 1.0
    assert report.structural_ok
    result = cli(str(schema_file), "--data", str(data_dir), "--min-score", "99")
    assert result.exit_code == 1
    # one behavioural miss alone keeps the score above a lenient minimum
    assert cli(str(schema_file), "--data", str(data_dir), "--min-score", "80").exit_code == 0


def test_truncated_entity_fails_row_count(shop: Any, data_dir: Path) -> None:
    customers = read(data_dir, "customer")
    orders = read(data_dir, "order")
    referenced = set(orders.column("customer_id").to_pylist())
    referenced |= set(customers.column("referred_by").drop_null().to_pylist())
    keep = pa.array([k not in referenced for k in customers.column("customer_id").to_pylist()])
    keep = pc.invert(keep)  # drop only customers nobody points at
    dropped = len(customers) - pc.sum(keep).as_py()
    assert dropped > 0
    write(data_dir, "customer", customers.filter(keep))

    report = validate_dataset(shop, data_dir)
    assert ("row_count", "customer", None) in failed(report)
    check = next(c for c in report.failed() if c.name == "row_count")
    assert check.measured == 600 - dropped
    assert check.expected == 600


def test_fanout_over_max(shop: Any, data_dir: Path) -> None:
    orders = read(data_dir, "order")
    keys = orders.column("customer_id").to_pylist()
    keys[:20] = [keys[0]] * 20  # one customer now has >= 20 orders, the fanout max is 15
    write(data_dir, "order", replace_column(orders, "customer_id", keys))

    report = validate_dataset(shop, data_dir)
    bounds = next(c for c in report.checks if c.name == "fanout_bounds")
    assert not bounds.passed
    assert bounds.examples[0]["customer_id"] == keys[0]
    assert bounds.examples[0]["children"] >= 20


# --------------------------------------------------------------------------- bad input


def test_missing_directory_is_input_error(shop: Any, tmp_path: Path, schema_file: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        validate_dataset(shop, tmp_path / "nowhere")
    result = cli(str(schema_file), "--data", str(tmp_path / "nowhere"))
    assert result.exit_code == 2


def test_unreadable_file_is_input_error(shop: Any, data_dir: Path, schema_file: Path) -> None:
    (data_dir / "customer.parquet").write_bytes(b"not a parquet file")
    with pytest.raises(InputError, match="customer.parquet"):
        validate_dataset(shop, data_dir)
    assert cli(str(schema_file), "--data", str(data_dir)).exit_code == 2


def test_invalid_schema_exits_2(tmp_path: Path, clean_dir: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"version": "1.0", "nodes": []}))
    assert cli(str(bad), "--data", str(clean_dir)).exit_code == 2


# --------------------------------------------------------------------------- outputs


def test_json_output_is_the_report(schema_file: Path, clean_dir: Path) -> None:
    result = cli(str(schema_file), "--data", str(clean_dir), "--output", "json")
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert list(report) == [
        "report_version",
        "datagen_version",
        "schema",
        "data",
        "score",
        "score_formula",
        "categories",
        "claims",
        "summary",
        "checks",
        "skipped",
    ]
    assert list(report["checks"][0]) == [
        "category",
        "name",
        "table",
        "column",
        "passed",
        "measured",
        "expected",
        "examples",
        "message",
    ]
    assert report["data"]["seed"] == SEED
    assert report["data"]["schema_hash_matches"] is True


def test_validate_generated_writes_report_next_to_data(shop: Any, data_dir: Path) -> None:
    report = validate_generated(shop, data_dir)
    written = json.loads((data_dir / "report.json").read_text())
    assert written == report.to_dict()
    # the report file is not mistaken for a table on the next run
    assert validate_dataset(shop, data_dir).failed() == []


def test_failed_checks_are_listed_first_on_the_console(data_dir: Path, schema_file: Path) -> None:
    (data_dir / "order.parquet").unlink()
    result = cli(str(schema_file), "--data", str(data_dir))
    assert result.output.index("Failed checks") < result.output.index("Checks by kind")
    assert "table_present" in result.output


# --------------------------------------------------------------------------- replay


def test_replay_matches_a_clean_dataset(shop: Any, clean_dir: Path) -> None:
    check = replay(shop, clean_dir)
    assert check.passed, check.message
    assert check.measured == {"identical": 2, "files": 2}


def test_replay_detects_an_edited_file(shop: Any, data_dir: Path, schema_file: Path) -> None:
    orders = read(data_dir, "order")
    amounts = orders.column("amount").to_pylist()
    amounts[0] = amounts[0] + 0.01  # a change no other check can see
    write(data_dir, "order", replace_column(orders, "amount", amounts))

    check = replay(shop, data_dir)
    assert not check.passed
    assert [e["file"] for e in check.examples] == ["order.parquet"]
    result = cli(str(schema_file), "--data", str(data_dir), "--replay", "--output", "json")
    assert result.exit_code == 1
    names = [(c["name"], c["passed"]) for c in json.loads(result.output)["checks"]]
    assert ("replay", False) in names


def test_corruption_profile_is_caught_and_replays(shop: Any, tmp_path: Path) -> None:
    out = tmp_path / "dirty"
    generate_dataset(shop, out, seed=SEED, profile="dirty")
    kinds = json.loads((out / ".metadata.json").read_text())["defects"]["by_kind"]
    failing = {c.name for c in validate_dataset(shop, out).failed()}
    # each kind of injected defect shows up as the check that guards against it
    guards = {"duplicate": "pk_unique", "missing": "not_null", "orphan_fk": "fk_resolves"}
    assert {guards[k] for k in kinds if k in guards} <= failing
    # the profile is replayed too: appended duplicates are not counted as generated rows
    check = replay(shop, out)
    assert check.passed, check.message


def test_a_directory_with_two_formats_validates_either(shop: Any, tmp_path: Path) -> None:
    out = tmp_path / "both"
    generate_dataset(shop, out, seed=SEED, fmt=["parquet", "csv"])
    for fmt in ("parquet", "csv"):
        report = validate_dataset(shop, out, fmt=fmt)
        assert report.failed() == []
        assert report.checks[0].measured.endswith(f"customer.{fmt}")
