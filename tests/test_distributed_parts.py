"""Dask with partitioned output: workers write their part files themselves, the client only
gets hashes, counts and the kept columns later tables read; a killed worker changes nothing."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from datagen.engine import distributed
from datagen.engine.block import block_output
from datagen.engine.execute import generate_dataset
from datagen.engine.load import load_dataset
from datagen.engine.parts import Partitioning, write_part
from datagen.engine.plan import BLOCK_ROWS

pytest.importorskip("distributed")

SHOP = Path(__file__).parent / "data" / "shop_small.json"
ROWS = {"customer": 70_000}  # orders: ~280,000 rows, three blocks
KILL_MARKER = "DATAGEN_TEST_KILL_MARKER"


def tree_hashes(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name not in (".metadata.json", ".datagen-output")
    }


def cluster(workers: int) -> Any:
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        host="127.0.0.1",
        protocol="tcp",
    )


def spy_received(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, int]]:
    """Each Dask run, as it closes, adds the bytes its client received per table."""
    received: list[dict[str, int]] = []
    real_close = distributed.DaskExecutor.close

    def close(self: distributed.DaskExecutor) -> None:
        received.append(dict(self.received_bytes))
        real_close(self)

    monkeypatch.setattr(distributed.DaskExecutor, "close", close)
    return received


@pytest.mark.slow  # two LocalClusters of worker processes
def test_dask_parts_are_identical_for_1_and_3_processes_and_skip_the_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = load_dataset(SHOP)
    cases = {
        "single": None,
        "rows": Partitioning(rows=BLOCK_ROWS),
        "by": Partitioning(rows=BLOCK_ROWS, by="country"),
    }
    reference = {}
    for name, partition in cases.items():
        generate_dataset(
            dataset, tmp_path / f"threads-{name}", seed=6, rows=ROWS, partition=partition
        )
        reference[name] = tree_hashes(tmp_path / f"threads-{name}")
    received = spy_received(monkeypatch)
    for processes in (1, 3):
        with cluster(processes) as running:
            for name, partition in cases.items():
                out = tmp_path / f"dask{processes}-{name}"
                result = generate_dataset(
                    dataset,
                    out,
                    seed=6,
                    rows=ROWS,
                    workers=processes,
                    scheduler="dask",
                    address=running.scheduler_address,
                    partition=partition,
                )
                assert tree_hashes(out) == reference[name], (processes, name)
                if partition is not None:
                    # what came back for orders (no later table reads them): part listings only
                    order = next(t for t in result.tables if t.name == "order")
                    assert 0 < received[-1]["order"] < order.bytes / 1000, (received, order)
            # an fsspec URL: the workers put their parts there, `_SUCCESS` comes last
            url = f"file://{tmp_path}/url{processes}"
            generate_dataset(
                dataset,
                url,
                seed=6,
                rows=ROWS,
                workers=processes,
                scheduler="dask",
                address=running.scheduler_address,
                partition=cases["by"],
            )
            landed = tmp_path / f"url{processes}"
            assert (landed / "_SUCCESS").is_file()
            assert {k: v for k, v in tree_hashes(landed).items() if k != "_SUCCESS"} == reference[
                "by"
            ]


def killing_write_part(*args: Any) -> Any:
    """The first attempt of the order table's part 1 dies mid-write, leaving a torn file."""
    plan, run, part, _store, _keep, destination = args[:6]
    marker = Path(os.environ[KILL_MARKER])
    if run.table.node.id == "order" and part == 1 and not marker.exists():
        marker.write_text("killed")
        torn = Path(destination) / "order" / ".part-00001.parquet.torn.tmp"
        torn.parent.mkdir(parents=True, exist_ok=True)
        torn.write_bytes(b"PAR1 half a file")
        os._exit(1)  # the worker process dies; its nanny restarts it, Dask retries the task
    return write_part(*args)


def killing_block_output(*args: Any) -> Any:
    """The first attempt of the order table's block 1 kills its worker process."""
    run, block = args[1], args[2]
    marker = Path(os.environ[KILL_MARKER])
    if run.table.node.id == "order" and block == 1 and not marker.exists():
        marker.write_text("killed")
        os._exit(1)
    return block_output(*args)


@pytest.mark.slow  # a LocalCluster of worker processes, one of them killed
@pytest.mark.parametrize(
    "partition", [Partitioning(rows=BLOCK_ROWS), None], ids=["parts", "single"]
)
def test_a_worker_killed_mid_run_is_retried_and_bytes_stay_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, partition: Partitioning | None
) -> None:
    dataset = load_dataset(SHOP)
    generate_dataset(dataset, tmp_path / "reference", seed=8, rows=ROWS, partition=partition)
    marker = tmp_path / "killed"
    monkeypatch.setenv(KILL_MARKER, str(marker))  # worker processes inherit it
    if partition is None:
        monkeypatch.setattr(distributed, "block_output", killing_block_output)
    else:
        monkeypatch.setattr(distributed, "write_part", killing_write_part)
    with cluster(2) as running:
        generate_dataset(
            dataset,
            tmp_path / "retried",
            seed=8,
            rows=ROWS,
            workers=2,
            scheduler="dask",
            address=running.scheduler_address,
            partition=partition,
        )
    assert marker.read_text() == "killed"
    assert tree_hashes(tmp_path / "retried") == tree_hashes(tmp_path / "reference")
