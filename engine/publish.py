"""Publishing a finished run: its metadata file, and the move from the staging directory."""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from datagen.engine import __version__, dsl
from datagen.engine.load import schema_hash


@dataclass
class TableResult:
    """One table as written: its file (or table) name, rows, columns and bytes."""

    name: str
    file: str
    rows: int
    columns: int
    bytes: int


def run_metadata(
    dataset: dsl.Dataset, seed: int, fmt: str, results: list[TableResult]
) -> dict[str, Any]:
    return {
        "datagen_version": __version__,
        "schema": {"name": dataset.metadata.name, "hash": schema_hash(dataset)},
        "seed": seed,
        "format": fmt,
        "tables": {
            r.name: {"file": r.file, "rows": r.rows, "columns": r.columns, "bytes": r.bytes}
            for r in results
        },
        # the one field allowed to differ between runs
        "generated_at": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
    }


def publish(tmp: Path, out: Path, files: list[str]) -> None:
    if not out.exists():
        tmp.rename(out)
        return
    previous = out / ".metadata.json"
    if previous.exists():
        try:
            old = json.loads(previous.read_text())
            previous_files = [str(i.get("file", "")) for i in old.get("tables", {}).values()]
            for written in old.get("formats", {}).values():
                previous_files += [str(f) for f in written]
            if old.get("defects"):
                previous_files.append(str(old["defects"].get("file", "")))
            for name in previous_files:
                stale = out / name
                if name and name not in files and stale.is_file():
                    stale.unlink()
        except (json.JSONDecodeError, AttributeError):
            pass
    for name in [*files, ".metadata.json"]:
        os.replace(tmp / name, out / name)
    shutil.rmtree(tmp, ignore_errors=True)
