"""The format registry: every format that is written is validated and reported.

`generate --format sqlite,jsonl,duckdb` then `validate` and `report` on each of
them (all through the CLI); the events feed is refused with the reason; and a
toy format registered from this module alone goes through generate,
validate and report with no other file touched.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from click.testing import CliRunner

from datagen.agent.cli import main
from datagen.engine.formats import (
    Format,
    ReadRequest,
    SinkRequest,
    format_names,
    register,
    unregister,
)
from datagen.engine.formats.readers import file_tables
from datagen.engine.validate.source import CsvSource

SCHEMA = str(Path(__file__).resolve().parent / "data" / "shop_small.json")
SMALL = ["--rows", "customer=300", "--seed", "5", "--quiet"]


def cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def several(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("several") / "data"
    done = cli("generate", SCHEMA, "--out", str(out), "--format", "sqlite,jsonl,duckdb", *SMALL)
    assert done.exit_code == 0, done.output
    return out


def validate_json(out: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    report = out.parent / "report.json"
    done = cli(
        "validate", SCHEMA, "--data", str(out), "--min-score", "0", "--report", str(report), *extra
    )
    return done.exit_code, json.loads(report.read_text())


def verdicts(report: dict[str, Any]) -> dict[tuple[str, ...], bool]:
    return {
        (c["category"], c["name"], c["table"] or "", c["column"] or ""): c["passed"]
        for c in report["checks"]
    }


@pytest.mark.parametrize("fmt", ["sqlite", "jsonl", "duckdb"])
def test_each_written_format_validates_with_the_same_verdicts(several: Path, fmt: str) -> None:
    code, report = validate_json(several, "--data-format", fmt)
    assert code == 0
    assert report["data"]["format"] == fmt
    _, reference = validate_json(several, "--data-format", "jsonl")
    assert verdicts(report) == verdicts(reference)
    # every table was found and read: no "file missing" structural failure
    assert not [c for c in report["checks"] if c["category"] == "structural" and not c["passed"]]
    assert report["score"] > 80


def test_metadata_names_the_first_written_format_and_validate_reads_it(several: Path) -> None:
    meta = json.loads((several / ".metadata.json").read_text())
    assert meta["format"] == "sqlite"
    assert set(meta["formats"]) == {"sqlite", "jsonl", "duckdb"}
    code, report = validate_json(several)
    assert code == 0
    assert report["data"]["format"] == "sqlite"


@pytest.mark.parametrize("fmt", ["sqlite", "jsonl", "duckdb"])
def test_each_written_format_gets_an_html_report(several: Path, fmt: str, tmp_path: Path) -> None:
    page = tmp_path / f"{fmt}.html"
    done = cli("report", SCHEMA, "--data", str(several), "--data-format", fmt, "--out", str(page))
    assert done.exit_code == 0, done.output
    html = page.read_text()
    assert "customer" in html and "order" in html


def test_events_is_written_but_refused_by_validate_with_the_reason(tmp_path: Path) -> None:
    out = tmp_path / "events"
    assert cli("generate", SCHEMA, "--out", str(out), "--format", "events", *SMALL).exit_code == 0
    done = CliRunner().invoke(main, ["validate", SCHEMA, "--data", str(out)])
    assert done.exit_code == 2
    assert "cannot be validated" in done.output and "not tables" in done.output


def test_unknown_data_format_is_a_usage_error() -> None:
    done = CliRunner().invoke(main, ["validate", SCHEMA, "--data", ".", "--data-format", "xml"])
    assert done.exit_code == 2
    assert "'xml' is not supported" in done.output


# --------------------------------------------------------------------------- a toy format


class TsvWriter:
    def __init__(self, directory: Path, table: str):
        self.filename = f"{table}.tsv"
        self._writer: pacsv.CSVWriter | None = None
        self._path = directory / self.filename

    def write(self, batch: pa.RecordBatch) -> None:
        plain = pa.RecordBatch.from_arrays(
            [a.dictionary_decode() if pa.types.is_dictionary(a.type) else a for a in batch.columns],
            names=batch.schema.names,
        )
        if self._writer is None:
            options = pacsv.WriteOptions(delimiter="\t")
            self._writer = pacsv.CSVWriter(str(self._path), plain.schema, write_options=options)
        self._writer.write_batch(plain)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()

    def __enter__(self) -> TsvWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class TsvSink:
    format = "tsv"

    def __init__(self, request: SinkRequest):
        self._directory = request.directory
        self._files: list[str] = []

    def open_table(
        self, table: str, schema: pa.Schema, rows: int, dictionary_columns: list[str]
    ) -> TsvWriter:
        writer = TsvWriter(self._directory, table)
        self._files.append(writer.filename)
        return writer

    def close(self) -> list[str]:
        return self._files

    def abort(self) -> None:
        pass


class TsvSource(CsvSource):
    def parse(self, path: Path, node: Any) -> pa.Table:
        strings = {c.name: pa.string() for c in node.columns if c.type == "string"}
        return pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(delimiter="\t"),
            convert_options=pacsv.ConvertOptions(column_types=strings, strings_can_be_null=True),
        )


def read_tsv(request: ReadRequest) -> dict[str, Any]:
    return file_tables(".tsv", lambda name, path, node: TsvSource(name, path, node))(request)


@pytest.fixture
def tsv() -> Iterator[str]:
    register(
        Format(
            "tsv", "tab-separated, for this test", TsvSink, extension=".tsv", open_tables=read_tsv
        )
    )
    yield "tsv"
    unregister("tsv")


def test_a_format_registered_from_a_test_module_generates_validates_and_reports(
    tsv: str, tmp_path: Path
) -> None:
    assert tsv in format_names()
    out = tmp_path / "toy"
    done = cli("generate", SCHEMA, "--out", str(out), "--format", tsv, *SMALL)
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in out.glob("*.tsv")) == ["customer.tsv", "order.tsv"]
    code, report = validate_json(out)
    assert code == 0
    assert report["data"]["format"] == "tsv"
    assert not [c for c in report["checks"] if c["category"] == "structural" and not c["passed"]]
    page = tmp_path / "toy.html"
    assert cli("report", SCHEMA, "--data", str(out), "--out", str(page)).exit_code == 0
    assert "customer.tsv" in page.read_text()


def test_a_format_that_is_not_registered_any_more_is_refused(tmp_path: Path) -> None:
    done = CliRunner().invoke(
        main, ["generate", SCHEMA, "--out", str(tmp_path / "x"), "--format", "tsv"]
    )
    assert done.exit_code == 2
    assert "'tsv' is not supported" in done.output


def test_sqlite_refuses_an_orphan_key_at_the_end(tmp_path: Path) -> None:
    from datagen.engine.arrowtypes import arrow_schema, conform
    from datagen.engine.errors import DatagenError
    from datagen.engine.execute import dry_run
    from datagen.engine.load import load_dataset
    from datagen.engine.writers.sqlite import SqliteSink

    dataset = load_dataset(SCHEMA)
    tables = dry_run(dataset, seed=1, rows_per_table=20)
    sink = SqliteSink(tmp_path, dataset)
    for node in dataset.nodes:
        table = tables[node.id]
        if node.id == "order":  # every order points at a customer that does not exist
            index = table.schema.get_field_index("customer_id")
            table = table.set_column(index, "customer_id", pa.array([10**9] * table.num_rows))
        schema = arrow_schema(node)
        with sink.open_table(node.id, schema, table.num_rows, []) as writer:
            for batch in table.to_batches():
                writer.write(conform(batch, schema))
    with pytest.raises(DatagenError, match="foreign_key_check found"):
        sink.close()
