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
