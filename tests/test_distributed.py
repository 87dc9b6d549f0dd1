"""The Dask path: same blocks as tasks, same bytes; a failed task is retried."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from datagen.engine import distributed
from datagen.engine.execute import generate_dataset
from datagen.engine.load import load_dataset
from tests.cli_helpers import datagen, run_cli

pytest.importorskip("distributed")

SHOP = str(Path(__file__).parent / "data" / "shop_small.json")
ROWS = {"customer": 70_000}  # the order table spans three blocks


def _hashes(directory: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.glob("*.parquet"))
    }


# Workers run in this process (processes=False), so the test can inject failures.
FAILED: set[tuple[str, int]] = set()
_LOCK = threading.Lock()
_REAL_BLOCK_OUTPUT = distributed.block_output


def flaky_block_output(plan, run, block, store, keep):  # type: ignore[no-untyped-def]
    """Fails the first attempt of every block; Dask's retry must give the same bytes."""
    key = (run.table.node.id, block)
    with _LOCK:
        first_time = key not in FAILED
        FAILED.add(key)
    if first_time:
        raise RuntimeError(f"injected failure of {key}")
    return _REAL_BLOCK_OUTPUT(plan, run, block, store, keep)


@pytest.mark.slow  # a Dask LocalCluster of worker processes: ~45 s on 2 cores
def test_dask_local_cluster_cli_matches_threads(tmp_path: Path) -> None:
    common = ("generate", SHOP, "--seed", "5", "--rows", "customer=70000", "--quiet")
    threads = datagen(*common, "--workers", "1", "--out", str(tmp_path / "threads"))
    dask = datagen(
        *common, "--scheduler", "dask", "--workers", "2", "--out", str(tmp_path / "dask")
    )
    assert threads.returncode == 0 and dask.returncode == 0, threads.stderr + dask.stderr
    assert _hashes(tmp_path / "threads") == _hashes(tmp_path / "dask")


def test_failed_tasks_are_retried_and_bytes_stay_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distributed import LocalCluster

    dataset = load_dataset(SHOP)
    generate_dataset(dataset, tmp_path / "reference", seed=9, rows=ROWS)

    FAILED.clear()
    monkeypatch.setattr(distributed, "block_output", flaky_block_output)
    with LocalCluster(
        n_workers=2, processes=False, dashboard_address=None, host="127.0.0.1", protocol="tcp"
    ) as cluster:
        generate_dataset(
            dataset,
            tmp_path / "retried",
            seed=9,
            rows=ROWS,
            workers=2,
            scheduler="dask",
            address=cluster.scheduler_address,
        )
    assert ("order", 2) in FAILED
    assert _hashes(tmp_path / "reference") == _hashes(tmp_path / "retried")


def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli(  # in-process: the message and the exit code are the point
        "generate",
        SHOP,
        "--scheduler",
        "dask",
        "--address",
        "tcp://127.0.0.1:9",
        "--out",
        str(tmp_path / "x"),
        env={"DATAGEN_DASK_CONNECT_TIMEOUT": "2"},  # nothing listens there: fail fast
    )
    assert result.returncode == 2
    assert "--address" in result.stderr
    assert not (tmp_path / "x").exists()


def test_dask_with_kept_columns_spilled_gives_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spilled columns (engine/spill.py) travel to the workers as plain arrays: one file per
    table and part files hold the bytes of a run that kept everything in memory."""
    from distributed import LocalCluster

    from datagen.engine import block
    from datagen.engine.parts import Partitioning
    from tests.test_scale_parts import tree_hashes
    from tests.test_scale_spill import force_spilling

    dataset = load_dataset(Path(__file__).parent.parent / "examples" / "tpch.json")
    rows = {"part": 300, "supplier": 20, "customer": 200, "orders": 2_000}  # lineitem: ~8,000
    monkeypatch.setattr(block, "BLOCK_ROWS", 500)
    cases = {"single": None, "parts": Partitioning(rows=1)}  # a part per block
    for name, partition in cases.items():
        generate_dataset(
            dataset, tmp_path / f"memory-{name}", seed=3, rows=rows, partition=partition
        )
    made = force_spilling(monkeypatch)
    # workers in this process (the patches hold there too), data serialized over TCP
    with LocalCluster(
        n_workers=2, processes=False, dashboard_address=None, host="127.0.0.1", protocol="tcp"
    ) as cluster:
        for name, partition in cases.items():
            generate_dataset(
                dataset,
                tmp_path / f"dask-{name}",
                seed=3,
                rows=rows,
                workers=2,
                scheduler="dask",
                address=cluster.scheduler_address,
                partition=partition,
            )
            assert tree_hashes(tmp_path / f"dask-{name}") == tree_hashes(
                tmp_path / f"memory-{name}"
            ), name
    assert len(made) >= 8  # both runs spilled orders' dates, aggregates, running sums
    assert len(tree_hashes(tmp_path / "dask-parts")) > 8 * 2  # several parts a big table
