"""The `excerpt` generator: pieces of another table's text (its values joined by spaces) at
a random offset, of a random length (TPC-H's text string), built as Arrow string views."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from datagen.engine.generators.excerpt import TextPool, excerpts
from tests.cli_helpers import run_cli
from tests.dsl_doc_examples import generate_for_any_workers
from tests.engine_helpers import entity, run, schema

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]


def _dataset(low: int, high: int, rows: int = 1_000, pool: str = "src.word") -> dict:
    source = entity(
        "src",
        [{"name": "word", "type": "string", "generator": {"enum_list": {"values": WORDS}}}],
        rows=len(WORDS),
    )
    piece = {
        "name": "text",
        "type": "string",
        "generator": {"excerpt": {"from": pool, "min_length": low, "max_length": high}},
    }
    return schema(source, entity("t", [piece], rows=rows))


def test_pieces_are_substrings_of_the_pool_with_uniform_lengths() -> None:
    rows = 150_000  # two blocks
    tables = run(_dataset(3, 12, rows=rows), rows=rows)
    pool = " ".join(WORDS)
    texts = tables["t"]["text"].to_pylist()
    assert all(t in pool for t in texts)
    lengths = np.bincount([len(t) for t in texts], minlength=13)
    assert lengths[:3].sum() == 0 and lengths[3:].min() > rows / 10 * 0.9
    # starts spread over the whole pool: every position that fits a 3-character piece
    starts = {pool.index(t) for t in texts if len(t) == 3 and pool.count(t) == 1}
    assert len(starts) > 0.9 * len({pool.index(pool[i : i + 3]) for i in range(len(pool) - 2)})


def test_the_pieces_match_a_plain_python_slice_of_the_pool() -> None:
    pool = np.frombuffer(b"the quick brown fox jumps over the lazy dog. " * 50, dtype=np.uint8)
    for low, high in [(0, 3), (10, 12), (11, 40), (2000, 3000), (0, 0)]:
        got = excerpts(np.random.Generator(np.random.PCG64(2)), 3000, TextPool.of(pool), low, high)
        rng = np.random.Generator(np.random.PCG64(2))
        lengths = np.minimum(rng.integers(low, high + 1, 3000, dtype=np.int64), len(pool))
        starts = rng.integers(0, len(pool) - lengths + 1, dtype=np.int64)
        want = [bytes(pool[s : s + n]).decode() for s, n in zip(starts, lengths, strict=True)]
        assert got.to_pylist() == want, (low, high)
    empty = excerpts(
        np.random.Generator(np.random.PCG64(2)), 4, TextPool.of(np.zeros(0, np.uint8)), 1, 5
    )
    assert empty.to_pylist() == [""] * 4


def test_the_same_bytes_for_one_and_two_workers(tmp_path: Path) -> None:
    rows = 140_000
    path = tmp_path / "s.json"
    path.write_text(json.dumps(_dataset(5, 30, rows=rows)))
    out = generate_for_any_workers(path, tmp_path, 7, "--quiet")
    assert pq.read_table(out / "t.parquet").num_rows == rows


@pytest.mark.parametrize(
    ("pool", "low", "high", "message"),
    [
        ("src.nope", 1, 3, "table `src` has no column `nope`"),
        ("t.id", 1, 3, "the pool must be a column of another table"),
        ("src.id", 1, 3, "`src.id` is a int column"),
        ("src.word", 4, 3, "max_length 3 is below min_length 4"),
    ],
)
def test_bad_specs_are_refused_with_their_place(
    tmp_path: Path, pool: str, low: int, high: int, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_dataset(low, high, rows=10, pool=pool)))
    result = run_cli("generate", str(path), "-o", str(tmp_path / "out"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stdout + result.stderr
    assert "nodes[1].columns[1]" in result.stdout + result.stderr
    assert not (tmp_path / "out").exists()


def test_a_non_ascii_pool_is_refused(tmp_path: Path) -> None:
    data = _dataset(1, 3, rows=10)
    data["nodes"][0]["columns"][1]["generator"]["enum_list"]["values"] = ["café", "thé"]
    data["nodes"][0]["rows"] = 2
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data))
    result = run_cli("generate", str(path), "-o", str(tmp_path / "out"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "non-ASCII" in result.stdout + result.stderr
    assert not (tmp_path / "out").exists()
