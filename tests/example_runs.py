"""The examples generated once per session (the `example_run` fixture of tests/conftest.py).

tests/test_examples.py, test_keys_examples.py and test_report_html.py read the same run of
each example instead of each generating it again: `datagen generate` in-process at
EXAMPLE_SEED, as Parquet, full size unless the example is estimated above
EXAMPLE_LARGE_ROWS (tpch), then at EXAMPLE_SMALL_SCALE.

`python -m tests.example_runs FOLDER` generates every example again, with `--workers 2`,
into FOLDER/<name>: tests/test_examples.py compares its bytes with the session's run (one
child process for all of them, not one per example: the interpreter's start-up was half of
their cost).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datagen.engine import dsl
from datagen.engine.load import load_dataset
from datagen.engine.plan import build_plan
from tests.cli_helpers import run_cli

if TYPE_CHECKING:
    import duckdb

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = ROOT / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.json"))
EXAMPLE_SEED = 7
EXAMPLE_LARGE_ROWS = 1_000_000
EXAMPLE_SMALL_SCALE = "0.01"


@dataclass(frozen=True)
class ExampleRun:
    schema: Path
    dataset: dsl.Dataset
    data: Path  # the dataset's directory (Parquet files and .metadata.json)
    size_args: tuple[str, ...]  # ("--scale", "0.01") for a large example, else ()


def sql_views(run: ExampleRun) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection over the run's files, a view per Parquet file (the rules of an
    example checked with SQL)."""
    import duckdb

    con = duckdb.connect()
    for path in run.data.glob("*.parquet"):
        con.execute(f"CREATE VIEW \"{path.stem}\" AS SELECT * FROM '{path}'")
    return con


def sql_one(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """The query's one row: its value, or the tuple of its values."""
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0] if len(row) == 1 else row


def example_size_args(schema: Path) -> tuple[str, ...]:
    """`--scale 0.01` for an example too large for a quick test."""
    plan = build_plan(load_dataset(schema), EXAMPLE_SEED)
    if plan.estimated_total_rows > EXAMPLE_LARGE_ROWS:
        return ("--scale", EXAMPLE_SMALL_SCALE)
    return ()


def generate_example(name: str, folder: Path) -> ExampleRun:
    schema = EXAMPLES_DIR / f"{name}.json"
    size_args = example_size_args(schema)
    data = folder / "data"
    done = run_cli(
        "generate", str(schema), "--out", str(data), "--seed", str(EXAMPLE_SEED),
        "--workers", "1", "-q", *size_args,
    )  # fmt: skip
    assert done.returncode == 0, f"datagen generate {name}:\n{done.stdout}\n{done.stderr}"
    return ExampleRun(schema, load_dataset(schema), data, size_args)


def start_second_runs(folder: Path) -> subprocess.Popen[str]:
    """A child process generating every example into folder/<name> with `--workers 2`: a
    fresh interpreter (another hash seed) and another worker count than the session's run."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.example_runs", str(folder)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _generate_all(folder: Path) -> int:
    for schema in EXAMPLES:
        done = run_cli(
            "generate", str(schema), "--out", str(folder / schema.stem),
            "--seed", str(EXAMPLE_SEED), "--workers", "2", "-q", *example_size_args(schema),
        )  # fmt: skip
        if done.returncode != 0:
            print(f"datagen generate {schema.name}:\n{done.stdout}\n{done.stderr}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(_generate_all(Path(sys.argv[1])))
