"""Peak memory does not grow with fact rows: facts stream to disk block by block."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCHEMA = Path(__file__).parent / "data" / "numeric_fact.json"

PROBE = """
import resource, sys
from datagen.engine.execute import generate_dataset
from datagen.engine.load import load_dataset
dataset = load_dataset(sys.argv[1])
generate_dataset(dataset, sys.argv[2], seed=1, rows={"store": int(sys.argv[3])}, workers=1)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak_kb(tmp_path: Path, stores: int) -> int:
    out = tmp_path / f"s{stores}"
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(SCHEMA), str(out), str(stores)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return int(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow  # two large runs in subprocesses
def test_peak_rss_is_flat_when_fact_rows_grow_five_fold(tmp_path: Path) -> None:
    small = _peak_kb(tmp_path, 60)  # 300k fact rows
    large = _peak_kb(tmp_path, 300)  # 1.5M fact rows
    print(f"peak RSS: {small / 1024:.0f} MB at 300k rows, {large / 1024:.0f} MB at 1.5M rows")
    # generous bound: a table held in memory would need ~5x the small run's data
    assert large < small * 1.3 + 40 * 1024
