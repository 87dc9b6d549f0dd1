"""The worked examples of docs/dsl.md that tests run (a ```json block right after a
`<!-- test: NAME -->` line), and running them through the CLI."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from tests.cli_helpers import datagen, run_cli

DOCS = Path(__file__).resolve().parent.parent / "docs" / "dsl.md"


def doc_example(name: str) -> dict[str, Any]:
    """The schema of the docs' worked example `name` (fails when it is missing)."""
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(rf"<!-- test: {re.escape(name)} -->\s*```json\n(.*?)\n```", text, re.S)
    assert match, f"docs/dsl.md has no worked example `{name}`"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def write_doc_example(name: str, folder: Path) -> Path:
    path = folder / f"{name}.json"
    path.write_text(json.dumps(doc_example(name)), encoding="utf-8")
    return path


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The installed `datagen` in a subprocess (tests/cli_helpers.py), paths as text."""
    return datagen(*map(str, args), timeout=120)


def cli_here(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The same command in this process (click's runner): for exit codes and messages."""
    return run_cli(*map(str, args))


def generate_for_any_workers(schema: Path, folder: Path, seed: int, *extra: str) -> Path:
    """Generate with --workers 1 and 2; every Parquet file must be byte-identical. The first
    output folder."""
    outs = []
    for workers in ("1", "2"):
        out = folder / f"out{workers}"
        result = cli(
            "generate", schema, "--out", out, "--seed", str(seed), "--workers", workers, *extra
        )
        assert result.returncode == 0, result.stdout + result.stderr
        outs.append(out)
    files = sorted(p.name for p in outs[0].glob("*.parquet"))
    assert files and files == sorted(p.name for p in outs[1].glob("*.parquet"))
    for name in files:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    return outs[0]


def generate_here_for_any_workers(name: str, folder: Path, seed: int, fmt: str) -> Path:
    """The docs' example `name` generated in this process with 1 and 2 workers (faster than
    the CLI twice); every Parquet file must be byte-identical. The first output folder."""
    from datagen.engine.execute import generate_dataset
    from datagen.engine.load import parse_dataset

    dataset = parse_dataset(doc_example(name))
    outs = [folder / f"out{workers}" for workers in (1, 2)]
    for workers, out in zip((1, 2), outs, strict=True):
        generate_dataset(dataset, out, seed=seed, fmt=fmt, workers=workers)
    files = sorted(p.name for p in outs[0].glob("*.parquet"))
    assert files and files == sorted(p.name for p in outs[1].glob("*.parquet"))
    for file in files:
        assert (outs[0] / file).read_bytes() == (outs[1] / file).read_bytes(), file
    return outs[0]
