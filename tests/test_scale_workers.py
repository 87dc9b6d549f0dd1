"""One file per table on every core: with --workers N, N threads compute a table's blocks
while one more encodes them, in block order; the bytes are those of one worker."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from datagen.engine import block, executors
from datagen.engine.execute import generate_dataset
from datagen.engine.load import load_dataset
from datagen.engine.writers.parquet import ParquetTableWriter
from tests.test_scale_parts import SHOP, tree_hashes


def test_two_workers_compute_blocks_together_beside_the_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = load_dataset(SHOP)
    rows = {"customer": 2_000}
    monkeypatch.setattr(block, "BLOCK_ROWS", 1_000)  # a few blocks per table
    generate_dataset(shop, tmp_path / "one", seed=4, rows=rows, workers=1)

    # the first two blocks wait for each other: the run finishes only if two threads
    # compute blocks at once (a single computing thread breaks the barrier)
    together = threading.Barrier(2, timeout=60)
    computed: set[str] = set()
    encoded: set[str] = set()
    real_output, real_write = executors.block_output, ParquetTableWriter.write

    def output(*args: Any) -> Any:
        if len(computed) < 2 and threading.current_thread().name not in computed:
            computed.add(threading.current_thread().name)
            together.wait()
        return real_output(*args)

    def write(self: ParquetTableWriter, batch: Any) -> None:
        encoded.add(threading.current_thread().name)
        real_write(self, batch)

    monkeypatch.setattr(executors, "block_output", output)
    monkeypatch.setattr(ParquetTableWriter, "write", write)
    generate_dataset(shop, tmp_path / "two", seed=4, rows=rows, workers=2)
    assert len(computed) == 2 and all(name.startswith("datagen-block") for name in computed)
    assert encoded == {"datagen-writer"}
    assert tree_hashes(tmp_path / "two") == tree_hashes(tmp_path / "one")
    assert len(tree_hashes(tmp_path / "one")) == len(shop.nodes)


def test_the_next_table_is_computed_while_the_last_one_is_encoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No barrier at a table's end: a block of the next table is computed while the
    writer thread still encodes the table before (it waits here until one is)."""
    shop = load_dataset(SHOP)
    monkeypatch.setattr(block, "BLOCK_ROWS", 1_000)
    generate_dataset(shop, tmp_path / "one", seed=4, rows={"customer": 2_000}, workers=1)
    first = shop.nodes[0].id
    later_block = threading.Event()
    overlapped: list[bool] = []
    real_output, real_close = executors.block_output, ParquetTableWriter.close

    def output(plan: Any, run: Any, *args: Any) -> Any:
        if run.table.node.id != first:
            later_block.set()
        return real_output(plan, run, *args)

    def close(self: ParquetTableWriter) -> None:
        if self.filename == f"{first}.parquet":
            overlapped.append(later_block.wait(timeout=20))
        real_close(self)

    monkeypatch.setattr(executors, "block_output", output)
    monkeypatch.setattr(ParquetTableWriter, "close", close)
    generate_dataset(shop, tmp_path / "two", seed=4, rows={"customer": 2_000}, workers=2)
    assert overlapped == [True]
    assert tree_hashes(tmp_path / "two") == tree_hashes(tmp_path / "one")


@pytest.mark.parametrize("where", ["writer", "block"])
def test_a_failure_on_either_side_stops_the_run_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    shop = load_dataset(SHOP)
    monkeypatch.setattr(block, "BLOCK_ROWS", 1_000)
    last = shop.nodes[-1].id
    real_output, real_write = executors.block_output, ParquetTableWriter.write

    def output(plan: Any, run: Any, b: int, *args: Any) -> Any:
        if where == "block" and run.table.node.id == last and b == 1:
            raise RuntimeError("block failed")
        return real_output(plan, run, b, *args)

    def write(self: ParquetTableWriter, batch: Any) -> None:
        if where == "writer" and self.filename == f"{last}.parquet":
            raise RuntimeError("encoding failed")
        real_write(self, batch)

    monkeypatch.setattr(executors, "block_output", output)
    monkeypatch.setattr(ParquetTableWriter, "write", write)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match=f"{where if where == 'block' else 'encoding'} failed"):
        generate_dataset(shop, out, seed=4, rows={"customer": 2_000}, workers=2)
    assert not out.exists()  # staged, never published
    assert not [t for t in threading.enumerate() if t.name == "datagen-writer"]


def _independent_tables() -> Any:
    from datagen.engine.load import parse_dataset

    def node(name: str) -> dict[str, Any]:
        return {
            "id": name,
            "kind": "entity",
            "rows": 2_000,
            "pk": f"{name}_id",
            "columns": [
                {"name": f"{name}_id", "type": "int", "generator": {"sequence": {"start": 1}}},
                {
                    "name": "score",
                    "type": "float",
                    "generator": {
                        "distribution": {"type": "normal", "params": {"mean": 0, "std": 1}}
                    },
                },
            ],
        }

    return parse_dataset({"version": "1.0", "nodes": [node("a"), node("b"), node("c")]})


def test_a_table_that_reads_no_unfinished_table_starts_beside_the_one_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three unrelated tables of two blocks: the last block of the first table waits
    until a block of the next one has started, which happens only if the next table
    is started before the first is read whole (no idle core between small tables)."""
    dataset = _independent_tables()
    monkeypatch.setattr(block, "BLOCK_ROWS", 1_000)
    generate_dataset(dataset, tmp_path / "one", seed=4, workers=1)
    first, following = (n.id for n in dataset.nodes[:2])
    next_started = threading.Event()
    waited: list[bool] = []
    real_output = executors.block_output

    def output(plan: Any, run: Any, b: int, *args: Any) -> Any:
        if run.table.node.id == following:
            next_started.set()
        elif run.table.node.id == first and b == run.blocks - 1:
            waited.append(next_started.wait(timeout=20))
        return real_output(plan, run, b, *args)

    monkeypatch.setattr(executors, "block_output", output)
    generate_dataset(dataset, tmp_path / "two", seed=4, workers=2)
    assert waited == [True]
    assert tree_hashes(tmp_path / "two") == tree_hashes(tmp_path / "one")
    assert len(tree_hashes(tmp_path / "one")) == 3
