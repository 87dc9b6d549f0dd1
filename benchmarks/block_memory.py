"""Where a run's peak memory is reached: the process's VmHWM (peak RSS) after each block.

    python benchmarks/block_memory.py examples/tpch.json --scale 10 [--workers 1]

Generates the schema in this process to a temporary folder and prints, for every block
after which the peak rose by at least 1 MB, the table, the block and the peak (Linux only:
/proc/self/status). The peak is the whole process's (blocks, the writer, kept columns).
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path
from typing import Any

import datagen.engine.block as block_module
from datagen.engine.execute import generate_dataset
from datagen.engine.load import load_dataset


def peak_mb() -> float:
    status = Path("/proc/self/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    assert match, "no VmHWM in /proc/self/status"
    return int(match.group(1)) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("schema", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    dataset = load_dataset(args.schema)
    compute = block_module.compute_block
    rises: list[tuple[str, int, float, float]] = []
    last = [peak_mb()]

    def measured(plan: Any, run: Any, block: int, store: Any) -> Any:
        result = compute(plan, run, block, store)
        now = peak_mb()
        if now - last[0] >= 1:
            rises.append((run.table.node.id, block, now - last[0], now))
        last[0] = max(last[0], now)
        return result

    block_module.compute_block = measured  # type: ignore[assignment]
    print(f"before the run: {last[0]:.0f} MB")
    with tempfile.TemporaryDirectory() as out:
        generate_dataset(
            dataset, Path(out) / "data", seed=dataset.seed or 42, scale=args.scale,
            workers=args.workers,
        )  # fmt: skip
    for table, index, rise, now in rises:
        print(f"{table:>10} block {index:>4}: +{rise:5.1f} MB -> {now:.0f} MB")
    print(f"peak: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
