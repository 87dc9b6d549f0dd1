"""Partitioned output to an fsspec URL: part files put by whoever computed them, then the
metadata, then `_SUCCESS` last; a failed run leaves no `_SUCCESS`, others' files are kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from datagen.engine import executors
from datagen.engine.errors import InputError
from datagen.engine.execute import generate_dataset
from datagen.engine.load import load_dataset
from datagen.engine.parts import Partitioning
from datagen.engine.plan import BLOCK_ROWS
from tests.test_scale_parts import tree_hashes

SHOP = Path(__file__).parent / "data" / "shop_small.json"
ROWS = {"customer": 40_000}  # orders: ~160,000 rows, two blocks
PARTS = Partitioning(rows=BLOCK_ROWS)


@pytest.fixture(scope="module")
def shop():  # type: ignore[no-untyped-def]
    return load_dataset(SHOP)


def test_a_url_gets_the_same_parts_and_success_last(shop, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    generate_dataset(shop, tmp_path / "local", seed=2, rows=ROWS, partition=PARTS)
    url = f"file://{tmp_path}/remote"
    generate_dataset(shop, url, seed=2, rows=ROWS, workers=2, partition=PARTS)
    remote = tmp_path / "remote"
    assert tree_hashes(remote) == tree_hashes(tmp_path / "local")
    assert len(tree_hashes(remote)) == 3  # customer: one part, order: two
    assert (remote / "_SUCCESS").read_bytes() == b""
    assert (remote / ".metadata.json").is_file() and (remote / ".datagen-output").is_file()


def test_a_failed_run_leaves_no_success_and_others_files_are_refused(
    shop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    url = f"file://{tmp_path}/remote"
    generate_dataset(shop, url, seed=2, rows=ROWS, partition=PARTS)
    real = executors.write_part

    def failing(plan, run, part, *args):  # type: ignore[no-untyped-def]
        if run.table.node.id == "order" and part == 1:
            raise OSError("connection reset by the object store")
        return real(plan, run, part, *args)

    monkeypatch.setattr(executors, "write_part", failing)
    with pytest.raises(OSError, match="connection reset"):
        generate_dataset(shop, url, seed=3, rows=ROWS, partition=PARTS)
    remote = tmp_path / "remote"
    assert not (remote / "_SUCCESS").exists()  # the previous dataset was retracted first

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    with pytest.raises(InputError, match="notes.txt"):
        generate_dataset(shop, f"file://{mine}", seed=2, rows=ROWS, partition=PARTS)
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]
    with pytest.raises(InputError, match="--partition-rows"):
        generate_dataset(shop, f"file://{tmp_path}/plain", seed=2, rows=ROWS)


def test_an_unknown_url_scheme_is_refused_naming_the_url(shop, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="--out nope://bucket/data"):
        generate_dataset(shop, "nope://bucket/data", seed=2, rows=ROWS, partition=PARTS)
