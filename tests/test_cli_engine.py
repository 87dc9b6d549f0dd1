"""`datagen generate / describe / schema` end to end, through the real executable."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq

from datagen.engine.load import load_dataset
from tests.cli_helpers import run_cli as datagen  # in-process: the flags and files are the point

DATA = Path(__file__).parent / "data"
SHOP = str(DATA / "shop_small.json")


def _hashes(directory: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.glob("*.parquet"))
    }


def test_generate_writes_typed_parquet_and_metadata(tmp_path: Path) -> None:
    out = tmp_path / "shop"
    result = datagen("generate", SHOP, "--out", str(out), "--seed", "3", "--rows", "customer=2000")
    assert result.returncode == 0, result.stderr
    meta = json.loads((out / ".metadata.json").read_text())
    assert meta["seed"] == 3 and meta["tables"]["customer"]["rows"] == 2000
    assert len(meta["schema"]["hash"]) == 64
    order = pq.read_table(out / "order.parquet")
    assert str(order.schema.field("ordered_at").type) == "timestamp[us]"
    assert str(order.schema.field("amount").type) == "double"
    assert order.num_rows == meta["tables"]["order"]["rows"]
    assert not list(tmp_path.glob(".shop.tmp-*"))


def test_same_seed_same_bytes_across_runs_and_block_boundaries(tmp_path: Path) -> None:
    # 300k customers span three blocks; the bytes must not depend on anything but the seed
    args = ("generate", SHOP, "--seed", "11", "--rows", "customer=300000", "--quiet")
    first = datagen(*args, "--out", str(tmp_path / "a"))
    second = datagen(*args, "--out", str(tmp_path / "b"))
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert _hashes(tmp_path / "a") == _hashes(tmp_path / "b")
    other = datagen(
        "generate", SHOP, "--seed", "12", "--rows", "customer=1000", "--out", str(tmp_path / "c")
    )
    assert other.returncode == 0
    assert _hashes(tmp_path / "c") != _hashes(tmp_path / "a")


def test_csv_format(tmp_path: Path) -> None:
    result = datagen(
        "generate",
        SHOP,
        "--out",
        str(tmp_path / "csv"),
        "--format",
        "csv",
        "--rows",
        "customer=100",
    )
    assert result.returncode == 0, result.stderr
    header, first = (tmp_path / "csv" / "order.csv").read_text().splitlines()[:2]
    assert header == '"order_id","customer_id","country","ordered_at","amount"'
    assert "T" in first.split(",")[3]


def test_dry_run_prints_samples_and_writes_nothing(tmp_path: Path) -> None:
    result = datagen("generate", SHOP, "--dry-run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "customer" in result.stdout and "order" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_bad_schema_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    result = datagen("generate", str(DATA / "ten_mistakes.json"), "--out", str(tmp_path / "x"))
    assert result.returncode == 2
    assert "10 problem(s)" in result.stderr
    assert "nodes[1].parents[0]" in result.stderr
    assert not (tmp_path / "x").exists()


def test_bad_flags_name_the_flag(tmp_path: Path) -> None:
    missing = datagen("generate", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "nope.json" in missing.stderr
    rows = datagen("generate", SHOP, "--rows", "custmer=5", "--out", str(tmp_path / "y"))
    assert rows.returncode == 2 and "did you mean `customer`" in rows.stderr
    fact = datagen("generate", SHOP, "--rows", "order=5", "--out", str(tmp_path / "y"))
    assert fact.returncode == 2 and "fanout" in fact.stderr
    assert not (tmp_path / "y").exists()


def test_invalid_json_names_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"nodes": [\n  {"id": "a",,}\n]}')
    result = datagen("generate", str(broken))
    assert result.returncode == 2 and "line 2" in result.stderr


def test_describe_shows_tables_levels_and_fks() -> None:
    result = datagen("describe", SHOP)
    assert result.returncode == 0, result.stderr
    for text in (
        "customer",
        "order",
        "poisson",
        "order.customer_id",
        "order.ordered_at >= customer.signup_at",
    ):
        assert text in result.stdout


def test_schema_prints_a_json_schema_that_accepts_the_canonical_form() -> None:
    result = datagen("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    canonical = load_dataset(SHOP).to_json_dict()
    jsonschema.validate(canonical, schema)
    canonical["nodes"][0]["kind"] = "table"
    assert not jsonschema.Draft202012Validator(schema).is_valid(canonical)


def test_help_teaches_with_examples() -> None:
    for command in ("generate", "describe", "schema"):
        result = datagen(command, "--help")
        assert result.returncode == 0 and "Example" in result.stdout


def test_output_is_identical_for_any_number_of_workers(tmp_path: Path) -> None:
    hashes = []
    for workers in ("1", "2", "3"):
        out = tmp_path / f"w{workers}"
        result = datagen(
            "generate",
            SHOP,
            "--seed",
            "5",
            "--rows",
            "customer=70000",
            "--workers",
            workers,
            "--out",
            str(out),
            "--quiet",
        )
        assert result.returncode == 0, result.stderr
        hashes.append(_hashes(out))
    assert hashes[0] == hashes[1] == hashes[2]
    assert len(hashes[0]) == 2
