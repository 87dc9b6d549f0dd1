"""Partitioned output: part files written in parallel, identical for any worker count,
read back as one dataset by DuckDB, pyarrow.dataset and the validator."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as pds
import pyarrow.parquet as pq
import pytest

from datagen.engine.errors import InputError
from datagen.engine.execute import generate_dataset
from datagen.engine.load import load_dataset
from datagen.engine.parts import Partitioning
from datagen.engine.plan import BLOCK_ROWS
from datagen.engine.validate import validate_dataset
from tests.cli_helpers import run_cli as datagen  # in-process: flags, files, exit codes

SHOP = Path(__file__).parent / "data" / "shop_small.json"
ROWS = {"customer": 70_000}  # orders: ~280,000 rows, three blocks


def tree_hashes(directory: Path) -> dict[str, str]:
    """Every data file under directory (metadata aside: it holds a timestamp)."""
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*.parquet"))
    }


@pytest.fixture(scope="module")
def shop():  # type: ignore[no-untyped-def]
    return load_dataset(SHOP)


@pytest.fixture(scope="module")
def single(shop, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("single") / "out"
    generate_dataset(shop, out, seed=4, rows=ROWS)
    return out


@pytest.mark.parametrize(
    "partition",
    [Partitioning(rows=BLOCK_ROWS), Partitioning(by="country")],
    ids=["rows", "by"],
)
def test_parts_are_identical_for_1_2_4_workers(shop, tmp_path: Path, partition) -> None:  # type: ignore[no-untyped-def]
    hashes = []
    for workers in (1, 2, 4):
        out = tmp_path / f"w{workers}"
        generate_dataset(shop, out, seed=4, rows=ROWS, workers=workers, partition=partition)
        hashes.append(tree_hashes(out))
    assert hashes[0] == hashes[1] == hashes[2]
    assert len([f for f in hashes[0] if f.startswith("order/")]) >= 3


def test_duckdb_and_pyarrow_read_the_parts_as_the_single_file_table(
    shop, single: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    rows_out, by_out = tmp_path / "rows", tmp_path / "by"
    generate_dataset(shop, rows_out, seed=4, rows=ROWS, partition=Partitioning(rows=BLOCK_ROWS))
    generate_dataset(shop, by_out, seed=4, rows=ROWS, partition=Partitioning(by="country"))
    expected = pq.read_table(single / "order.parquet")
    columns = ["order_id", "customer_id", "country", "ordered_at", "amount"]

    def same(table: pa.Table) -> None:
        got = table.select(columns).sort_by("order_id")
        want = expected.select(columns).sort_by("order_id")
        assert got.num_rows == want.num_rows
        for name in columns:  # Hive partition values come back as plain strings
            kind = got.schema.field(name).type
            assert (
                got.column(name)
                .combine_chunks()
                .equals(want.column(name).cast(kind).combine_chunks())
            ), name

    same(pds.dataset(rows_out / "order").to_table())
    same(pds.dataset(by_out / "order", partitioning="hive").to_table())
    con = duckdb.connect()
    same(con.sql(f"SELECT * FROM read_parquet('{rows_out}/order/*.parquet')").to_arrow_table())
    same(
        con.sql(
            f"SELECT * FROM read_parquet('{by_out}/order/*/*.parquet', hive_partitioning=true)"
        ).to_arrow_table()
    )
    # the column is in the folder names, not in the files (Hive-style)
    one = next((by_out / "order").glob("country=*/part-*.parquet"))
    assert "country" not in pq.read_schema(one).names


def test_metadata_lists_every_part_with_its_hash(shop, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    generate_dataset(shop, out, seed=4, rows=ROWS, partition=Partitioning(rows=2 * BLOCK_ROWS))
    meta = json.loads((out / ".metadata.json").read_text())
    order = meta["tables"]["order"]
    listed = {p["file"]: p for p in order["parts"]}
    on_disk = {str(p.relative_to(out)) for p in (out / "order").rglob("*") if p.is_file()}
    assert set(listed) == on_disk == {"order/part-00000.parquet", "order/part-00001.parquet"}
    for name, part in listed.items():
        data = (out / name).read_bytes()
        assert part["sha256"] == hashlib.sha256(data).hexdigest()
        assert part["bytes"] == len(data)
        assert part["rows"] == pq.read_metadata(out / name).num_rows
    assert sum(p["rows"] for p in listed.values()) == order["rows"]
    assert meta["partition"] == {"rows": 2 * BLOCK_ROWS, "by": None}
    # the marker names the table folders: a rerun replaces them, as datagen's own files
    assert {"order", "customer"} <= set(json.loads((out / ".datagen-output").read_text())["files"])
    generate_dataset(shop, out, seed=4, rows=ROWS, partition=Partitioning(rows=BLOCK_ROWS))
    assert len(list((out / "order").glob("*.parquet"))) == 3


def test_validate_reads_parts_and_a_missing_part_costs_the_score(shop, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    generate_dataset(shop, out, seed=4, rows=ROWS, partition=Partitioning(by="country"))
    report = validate_dataset(shop, out)
    assert report.score == 100, report.to_dict()
    (out / "order" / "country=DE" / "part-00000.parquet").unlink()
    with pytest.raises(InputError, match="part-00000.parquet"):
        validate_dataset(shop, out)  # a listed part is gone: said, not skipped


def test_bad_partition_flags_exit_2_naming_the_flag(tmp_path: Path) -> None:
    common = ("generate", str(SHOP), "--out", str(tmp_path / "o"), "--quiet")
    floats = datagen(*common, "--partition-by", "amount")
    assert floats.returncode == 2 and "--partition-by 'amount'" in floats.stderr, floats.stderr
    missing = datagen(*common, "--partition-by", "nope")
    assert missing.returncode == 2 and "no table has that column" in missing.stderr
    unique = datagen(*common, "--partition-by", "customer_id")  # the customers' key
    assert unique.returncode == 2 and "`customer.customer_id` is unique" in unique.stderr
    csv = datagen(*common, "--partition-rows", "1000", "--format", "csv")
    assert csv.returncode == 2 and "--format parquet" in csv.stderr
    assert "Traceback" not in floats.stderr + missing.stderr + csv.stderr
    assert not (tmp_path / "o").exists()


def test_a_users_folder_named_like_a_table_is_never_overwritten(shop, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    (out / "order").mkdir(parents=True)
    (out / "order" / "mine.txt").write_text("keep me")
    with pytest.raises(InputError):
        generate_dataset(
            shop, out, seed=4, rows={"customer": 500}, partition=Partitioning(rows=10), force=True
        )
    assert (out / "order" / "mine.txt").read_text() == "keep me"
    assert sorted(p.name for p in out.iterdir()) == ["order"]


@pytest.mark.slow  # several full runs: make test-slow (CI runs both)
def test_workers_auto_is_every_core_and_gives_the_same_bytes(tmp_path: Path) -> None:
    common = ("generate", str(SHOP), "--quiet", "--partition-rows", "1", "--rows", "customer=2000")
    auto = datagen(*common, "--workers", "auto", "--out", str(tmp_path / "auto"))
    one = datagen(*common, "-j", "1", "--out", str(tmp_path / "one"))
    assert auto.returncode == 0 and one.returncode == 0, auto.stderr + one.stderr
    assert tree_hashes(tmp_path / "auto") == tree_hashes(tmp_path / "one")
    zero = datagen(*common, "--workers", "0", "--out", str(tmp_path / "zero"))
    assert zero.returncode == 2 and "or auto" in zero.stderr


def test_replay_regenerates_the_parts_and_names_a_stray_one(shop, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from datagen.engine.validate.replay import replay

    out = tmp_path / "out"
    generate_dataset(shop, out, seed=4, rows=ROWS, partition=Partitioning(by="country"))
    check = replay(shop, out)
    assert check.passed, check.message
    assert check.measured == {"identical": 6, "files": 6}  # (customer + order) x 3 countries
    germany = (out / "order" / "country=DE" / "part-00000.parquet").read_bytes()
    (out / "order" / "country=FR" / "part-00000.parquet").write_bytes(germany)  # a swapped part
    (out / "order" / "country=FR" / "part-00009.parquet").write_bytes(germany)  # a stray one
    check = replay(shop, out)
    assert not check.passed
    assert [d["file"] for d in check.examples] == [
        "order/country=FR/part-00000.parquet",
        "order/country=FR/part-00009.parquet",
    ]


ODD_VALUES = {
    "version": "1.0",
    "metadata": {"name": "odd", "description": "partition values that need care"},
    "nodes": [
        {
            "id": "e",
            "kind": "entity",
            "rows": 3000,
            "pk": "id",
            "columns": [
                {"name": "id", "type": "int", "generator": {"sequence": {}}},
                {
                    "name": "day",
                    "type": "date",
                    "nullable": True,
                    "null_rate": 0.1,
                    "generator": {"choice": {"choices": ["2024-01-01", "2024-01-02"]}},
                },
                {
                    "name": "flag",
                    "type": "bool",
                    "generator": {"choice": {"choices": [True, False]}},
                },
                {
                    "name": "name",
                    "type": "string",
                    "generator": {"choice": {"choices": ["a b", "c/d", "é"]}},
                },
            ],
        }
    ],
}


@pytest.mark.parametrize("by", ["day", "flag", "name"])
def test_dates_nulls_bools_and_odd_strings_make_readable_folders(by: str, tmp_path: Path) -> None:
    from datagen.engine.load import parse_dataset

    dataset = parse_dataset(ODD_VALUES)
    generate_dataset(dataset, tmp_path / "single", seed=1)
    generate_dataset(dataset, tmp_path / "parts", seed=1, partition=Partitioning(by=by))
    folders = sorted(p.name for p in (tmp_path / "parts" / "e").iterdir())
    expected = {
        "day": ["day=2024-01-01", "day=2024-01-02", "day=__HIVE_DEFAULT_PARTITION__"],
        "flag": ["flag=false", "flag=true"],
        "name": ["name=%C3%A9", "name=a%20b", "name=c%2Fd"],
    }[by]
    assert folders == expected
    assert validate_dataset(dataset, tmp_path / "parts").score == 100
    want = pq.read_table(tmp_path / "single" / "e.parquet").sort_by("id")
    got = pds.dataset(tmp_path / "parts" / "e", partitioning="hive").to_table().sort_by("id")
    # the folder names come back as the values (compared as text)
    assert got.column(by).cast(pa.string()).to_pylist() == (
        want.column(by).cast(pa.string()).to_pylist()
    )


def test_the_html_report_reads_part_files(shop, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("matplotlib")
    from datagen.engine.htmlreport import html_report

    out = tmp_path / "out"
    generate_dataset(
        shop, out, seed=4, rows={"customer": 3000}, partition=Partitioning(by="country")
    )
    page = html_report(shop, out)
    assert "100.0" in page and "order" in page and "ordered_at" in page
