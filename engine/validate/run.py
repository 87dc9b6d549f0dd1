"""Validate a dataset directory or in-memory tables against a schema and build the report."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import pyarrow as pa

from datagen.engine import dsl
from datagen.engine.errors import InputError
from datagen.engine.formats import Format, ReadRequest, detect_format, readable_format
from datagen.engine.load import schema_hash
from datagen.engine.validate.checks import run_checks
from datagen.engine.validate.claims import measure_claims
from datagen.engine.validate.context import Context
from datagen.engine.validate.report import Report
from datagen.engine.validate.sample_size import set_aside
from datagen.engine.validate.source import ArrowSource, TableSource

METADATA_FILE = ".metadata.json"
REPORT_FILE = "report.json"


def validate_dataset(
    dataset: dsl.Dataset, data_dir: str | Path, *, fmt: str | None = None, dsn: str | None = None
) -> Report:
    """Validate the dataset in `data_dir`, in any format the registry reads back.

    The format comes from `fmt`, else `.metadata.json`, else the files found.
    Row counts are expected as recorded in `.metadata.json` when present (it
    knows the `--rows`/scale overrides), else as the schema declares.
    Raises InputError for a missing directory, an unreadable file or a format
    that holds no tables (`events`).
    """
    current_hash = schema_hash(dataset)
    hidden = {(n.id, c.name): c for n in dataset.nodes for c in n.columns if c.hidden}
    dataset = dataset.output_view()  # hidden helper columns are not written
    data_dir = Path(data_dir)
    data = open_data(dataset, data_dir, fmt, dsn=dsn)
    meta = data.metadata
    recorded = meta.get("tables")
    rows_expected = {
        table: int(info["rows"])
        for table, info in (recorded.items() if isinstance(recorded, dict) else [])
        if isinstance(info, dict) and isinstance(info.get("rows"), int)
    }
    recorded_hash = (meta.get("schema") or {}).get("hash") if meta else None
    context: dict[str, Any] = {
        "dir": str(data_dir),
        "format": data.format.name,
        "metadata": bool(meta),
        "seed": meta.get("seed"),
        "schema_hash_matches": None if recorded_hash is None else recorded_hash == current_hash,
    }
    ctx = Context(
        dataset,
        data.sources,
        rows_expected=rows_expected,
        rows_origin=METADATA_FILE,
        lenient_types=not data.format.exact_types,
        hidden=hidden,
    )
    return _run(ctx, _context(dataset, current_hash, context))


@dataclass
class OpenData:
    """A dataset read back: its format, one source per table found, `.metadata.json`."""

    format: Format
    sources: dict[str, TableSource]
    metadata: dict[str, Any]

    def sizes(self) -> dict[str, int | None]:
        """Bytes per table: its own file's, unknown (None) when tables share a file."""
        return {
            name: (Path(source.location).stat().st_size if not self.format.one_file else None)
            for name, source in self.sources.items()
        }


def open_data(
    dataset: dsl.Dataset, data_dir: Path, fmt: str | None = None, *, dsn: str | None = None
) -> OpenData:
    """The tables of `data_dir` as the validator and the report read them (one rule for both)."""
    if not data_dir.is_dir():
        raise InputError(f"data directory not found: {data_dir}")
    meta = read_metadata(data_dir)
    name = fmt or meta.get("format") or detect_format(dataset, data_dir) or "parquet"
    entry = readable_format(str(name), flag="--data-format" if fmt else "format")
    request = ReadRequest(dataset, data_dir, meta, dsn=dsn)
    sources = entry.open_tables(request) if entry.open_tables else {}
    if not sources and not meta and dataset.nodes:
        # a wrong folder, not a dataset missing its tables: nothing to score
        raise InputError(
            f"--data {data_dir} holds no table of this schema in {entry.name} (no "
            f"`{dataset.nodes[0].id}` table, no .metadata.json): give the folder that "
            "`datagen generate` wrote"
        )
    for source in sources.values():
        names = [n.lower() for n in source.names]
        twice = sorted({n for n in source.names if names.count(n.lower()) > 1})
        if twice:  # which of the two would a check read? refuse rather than guess
            raise InputError(
                f"{source.location}: the column(s) {', '.join(twice)} appear more than once"
            )
    return OpenData(entry, sources, meta)


def validate_tables(
    dataset: dsl.Dataset,
    tables: dict[str, pa.Table],
    *,
    rows_expected: dict[str, int] | None = None,
) -> Report:
    """Validate in-memory tables (a dry run). Give `rows_expected` when tables were shrunk."""
    current_hash = schema_hash(dataset)
    dataset = dataset.output_view()
    sources: dict[str, TableSource] = {
        name: ArrowSource(name, table) for name, table in tables.items() if dataset.node(name)
    }
    ctx = Context(
        dataset, sources, rows_expected=dict(rows_expected or {}), rows_origin="rows_expected"
    )
    data = {
        "dir": None,
        "format": "arrow",
        "metadata": False,
        "seed": None,
        "schema_hash_matches": None,
    }
    return _run(ctx, _context(dataset, current_hash, data))


def validate_generated(
    dataset: dsl.Dataset, out_dir: str | Path, *, fmt: str | None = None
) -> Report:
    """`datagen generate --validate`: validate and write `<out_dir>/report.json`."""
    report = validate_dataset(dataset, out_dir, fmt=fmt)
    report.write(Path(out_dir) / REPORT_FILE)
    return report


def _run(ctx: Context, context: dict[str, Any]) -> Report:
    # the registered checks in order (structural first: it marks missing and mistyped
    # columns that later checks skip)
    claims = [result.to_dict() for result in measure_claims(ctx)]
    checks, thin = set_aside(run_checks(ctx))  # too few rows: not enough data, not scored
    return Report.from_checks(checks, context, [*ctx.skipped, *thin], claims)


def _context(dataset: dsl.Dataset, digest: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "datagen_version": datagen_version(),
        "schema": {"name": dataset.metadata.name, "hash": digest},
        "data": data,
    }


def datagen_version() -> str:
    try:
        return importlib_metadata.version("datagen")
    except importlib_metadata.PackageNotFoundError:
        return "unknown"


def read_metadata(data_dir: Path) -> dict[str, Any]:
    path = data_dir / METADATA_FILE
    if not path.is_file():
        return {}
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    if not isinstance(meta, dict):
        raise InputError(f"{path} is not a JSON object")
    for where, name in metadata_files(meta):
        if not is_plain_file_name(name):
            raise InputError(
                f"{path}: {where} is {name!r}: a file of the dataset must be a plain file "
                "name inside its folder (no path, no `..`)"
            )
    for table, info in (meta.get("tables") or {}).items():
        rows = info.get("rows") if isinstance(info, dict) else None
        if rows is not None and (isinstance(rows, bool) or not isinstance(rows, int) or rows < 0):
            raise InputError(f"{path}: tables.{table}.rows is {rows!r}: not a row count")
    return meta


def metadata_files(meta: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every file name `.metadata.json` lists, with where it lists it."""
    found: list[tuple[str, Any]] = []
    tables = meta.get("tables")
    if isinstance(tables, dict):
        for table, info in tables.items():
            if isinstance(info, dict) and info.get("file") not in (None, ""):
                found.append((f"tables.{table}.file", info["file"]))
    formats = meta.get("formats")
    if isinstance(formats, dict):
        for fmt, names in formats.items():
            for i, name in enumerate(names if isinstance(names, list) else [names]):
                found.append((f"formats.{fmt}[{i}]", name))
    for key in ("defects", "events"):
        entry = meta.get(key)
        if isinstance(entry, dict) and entry.get("file") not in (None, ""):
            found.append((f"{key}.file", entry["file"]))
    return found


def is_plain_file_name(name: Any) -> bool:
    """A name for a file directly inside the output folder: no separator, no `..`, no NUL."""
    return (
        isinstance(name, str)
        and name not in ("", ".", "..")
        and not any(c in name for c in "/\\\0")
        and name == Path(name).name
        and len(name) <= 255
    )
