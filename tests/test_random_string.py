"""The `random_string` generator: TPC-H's random v-string (lengths and characters uniform),
drawn per block with numpy, the same bytes for any worker count."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from datagen.engine.generators.random_string import TPCH_ALPHABET, random_strings
from tests.cli_helpers import run_cli
from tests.dsl_doc_examples import generate_for_any_workers
from tests.engine_helpers import entity, run, schema


def _text(low: int, high: int, **extra: object) -> dict[str, object]:
    return {
        "name": "text",
        "type": "string",
        "generator": {"random_string": {"min_length": low, "max_length": high, **extra}},
    }


def test_lengths_and_characters_are_uniform_over_their_ranges() -> None:
    rows = 200_000  # two blocks
    values = run(schema(entity("t", [_text(10, 40)], rows=rows)), rows=rows)["t"]["text"]
    texts = values.to_pylist()
    lengths = np.array([len(t) for t in texts])
    assert lengths.min() == 10 and lengths.max() == 40
    # every length 10..40 about equally often (31 values: 6,452 expected each)
    counts = np.bincount(lengths, minlength=41)[10:]
    assert counts.min() > 5_900 and counts.max() < 7_000
    chars = np.frombuffer("".join(texts).encode("ascii"), dtype=np.uint8)
    seen = np.bincount(chars, minlength=256)
    alphabet = np.frombuffer(TPCH_ALPHABET.encode(), dtype=np.uint8)
    assert set(np.flatnonzero(seen)) == set(alphabet.tolist())  # all 64 symbols, no others
    expected = len(chars) / 64
    assert np.abs(seen[alphabet] / expected - 1).max() < 0.02
    assert len(set(texts)) == rows  # 10+ characters of 64 symbols: no repeat in practice


def test_an_alphabet_whose_size_is_not_a_power_of_two() -> None:
    rng = np.random.Generator(np.random.PCG64(3))
    values = random_strings(rng, 30_000, 3, 3, "ABC").to_pylist()
    assert {len(v) for v in values} == {3}
    assert set("".join(values)) == set("ABC")
    assert len(set(values)) == 27  # every word of 3 letters over ABC
    empty = random_strings(rng, 5, 0, 0, "xyz").to_pylist()
    assert empty == [""] * 5


def test_the_same_bytes_for_one_and_two_workers(tmp_path: Path) -> None:
    rows = 140_000  # two blocks
    path = tmp_path / "s.json"
    path.write_text(json.dumps(schema(entity("t", [_text(0, 25)], rows=rows))))
    table = pq.read_table(generate_for_any_workers(path, tmp_path, 7, "--quiet") / "t.parquet")
    assert table.num_rows == rows and str(table.schema.field("text").type) == "string"
    other = run(schema(entity("t", [_text(0, 25)], rows=rows)), seed=8, rows=rows)["t"]["text"]
    assert other.to_pylist() != table["text"].to_pylist()  # the seed matters


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"min_length": 5, "max_length": 4}, "max_length 4 is below min_length 5"),
        ({"min_length": 1, "max_length": 4, "alphabet": "abcé"}, "not a printable ASCII"),
        ({"min_length": 1, "max_length": 4, "alphabet": "abca"}, "listed twice"),
        ({"min_length": 1, "max_length": 20_000}, "less than or equal to 10000"),
    ],
)
def test_bad_specs_are_refused_with_their_place(
    tmp_path: Path, spec: dict[str, object], message: str
) -> None:
    col = {"name": "text", "type": "string", "generator": {"random_string": spec}}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(schema(entity("t", [col], rows=10))))
    result = run_cli("generate", str(path), "-o", str(tmp_path / "out"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stdout + result.stderr
    assert (
        "random_string" in result.stdout + result.stderr
        and "Traceback" not in result.stdout + result.stderr
    )
    assert not (tmp_path / "out").exists()


def test_only_string_columns(tmp_path: Path) -> None:
    col = {
        "name": "n",
        "type": "int",
        "generator": {"random_string": {"min_length": 1, "max_length": 2}},
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(schema(entity("t", [col], rows=10))))
    result = run_cli("generate", str(path), "-o", str(tmp_path / "out"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "nodes[0].columns[1]" in result.stdout + result.stderr
