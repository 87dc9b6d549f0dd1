"""Part files to S3 (a moto server on 127.0.0.1): each part put by whoever computed it (a
thread, a Dask worker process), then the metadata, the ownership marker, `_SUCCESS` last;
the bytes those of a local run."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

import pytest

from datagen.engine.execute import generate_dataset
from datagen.engine.load import load_dataset
from datagen.engine.parts import Partitioning
from datagen.engine.plan import BLOCK_ROWS
from tests.test_scale_parts import tree_hashes

pytest.importorskip("moto")
pytest.importorskip("s3fs")

SHOP = Path(__file__).parent / "data" / "shop_small.json"
ROWS = {"customer": 40_000}  # orders: ~160,000 rows, two parts
PARTS = Partitioning(rows=BLOCK_ROWS)


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, list[str]]]:
    """An S3 server of ours on 127.0.0.1, its bucket `data`, and the keys put, in order."""
    import s3fs
    from moto.s3.models import S3Backend
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    reset = Request(f"http://{host}:{port}/moto-api/reset", method="POST")
    urlopen(reset).close()  # moto keeps its buckets per process, across servers
    # credentials and endpoint from the environment, as a user's; worker processes inherit it
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
    }.items():
        monkeypatch.setenv(name, value)
    put: list[str] = []
    real_put = S3Backend.put_object

    def recording_put(self: Any, bucket_name: str, key_name: str, *args: Any, **kw: Any) -> Any:
        put.append(key_name)
        return real_put(self, bucket_name, key_name, *args, **kw)

    monkeypatch.setattr(S3Backend, "put_object", recording_put)
    s3fs.S3FileSystem.clear_instance_cache()  # a cached client would keep an old endpoint
    fs = s3fs.S3FileSystem()
    fs.mkdir("data")
    try:
        yield fs, put
    finally:
        s3fs.S3FileSystem.clear_instance_cache()
        server.stop()


def remote_hashes(fs: Any, root: str) -> dict[str, str]:
    return {
        key[len(root) + 1 :]: hashlib.sha256(fs.cat_file(key)).hexdigest()
        for key in sorted(fs.find(root))
        if key.endswith(".parquet")
    }


def check_published(fs: Any, put: list[str], root: str, reference: Path) -> None:
    """The parts hold the bytes of the local run; every part came before the metadata, the
    marker and `_SUCCESS`, which came last."""
    assert remote_hashes(fs, f"data/{root}") == tree_hashes(reference)
    ours = [key for key in put if key.startswith(f"{root}/")]
    parts = [key for key in ours if key.endswith(".parquet")]
    assert len(parts) == len(tree_hashes(reference)) == 3  # customer: one part, order: two
    assert ours[len(parts) :] == [
        f"{root}/.metadata.json",
        f"{root}/.datagen-output",
        f"{root}/_SUCCESS",
    ]


def test_threads_put_their_parts_on_s3_and_success_last(s3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fs, put = s3
    shop = load_dataset(SHOP)
    generate_dataset(shop, tmp_path / "local", seed=2, rows=ROWS, partition=PARTS)
    generate_dataset(shop, "s3://data/shop", seed=2, rows=ROWS, workers=2, partition=PARTS)
    check_published(fs, put, "shop", tmp_path / "local")
    assert fs.cat_file("data/shop/_SUCCESS") == b""


@pytest.mark.slow  # a LocalCluster of worker processes
def test_dask_workers_put_their_parts_on_s3_and_the_client_gets_listings(
    s3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed")
    from tests.test_distributed_parts import cluster, spy_received

    fs, put = s3
    shop = load_dataset(SHOP)
    generate_dataset(shop, tmp_path / "local", seed=2, rows=ROWS, partition=PARTS)
    received = spy_received(monkeypatch)
    with cluster(2) as running:
        result = generate_dataset(
            shop,
            "s3://data/dask",
            seed=2,
            rows=ROWS,
            workers=2,
            scheduler="dask",
            address=running.scheduler_address,
            partition=PARTS,
        )
    check_published(fs, put, "dask", tmp_path / "local")
    order = next(t for t in result.tables if t.name == "order")
    assert 0 < received[-1]["order"] < order.bytes / 1000  # listings, not the table
