"""Small builders for engine tests: a schema from a few columns, run for real."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from datagen.engine.execute import dry_run
from datagen.engine.load import parse_dataset


def entity(
    table: str, columns: list[dict[str, Any]], rows: int = 500, pk: str | None = "id"
) -> dict[str, Any]:
    cols = (
        [{"name": "id", "type": "int", "generator": {"sequence": {}}}] if pk == "id" else []
    ) + columns
    node: dict[str, Any] = {"id": table, "kind": "entity", "rows": rows, "columns": cols}
    if pk:
        node["pk"] = pk
    return node


def schema(*nodes: dict[str, Any], **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": "1.0",
        "timeframe": {"start": "2024-01-01", "end": "2025-01-01"},
        "nodes": list(nodes),
    }
    data.update(extra)
    return data


def run(data: dict[str, Any], seed: int = 7, rows: int = 100_000) -> dict[str, pa.Table]:
    return dry_run(parse_dataset(data), seed=seed, rows_per_table=rows)


def column(data: dict[str, Any], table: str, name: str, seed: int = 7) -> list[Any]:
    return run(data, seed)[table].column(name).to_pylist()
