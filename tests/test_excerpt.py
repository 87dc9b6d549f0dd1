"""The `excerpt` generator: pieces of another table's text (its values joined by spaces) at
a random offset, of a random length (TPC-H's text string), built as Arrow string views."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from datagen.engine.generators.excerpt import GrammarPool, TextPool, excerpts, grammar_text
from tests.cli_helpers import run_cli
from tests.dsl_doc_examples import doc_example, generate_for_any_workers, write_doc_example
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


GRAMMAR = {
    "sentences": ["the {adj} {noun} {verb}.", "{adj} {noun} {verb} {adj}!"],
    "words": {"adj": {"final": 3, "ironic": 1}, "noun": ["deposits", "foxes"], "verb": ["nag"]},
    "size": 5_000,
}
SENTENCE = re.compile(
    r"the (final|ironic) (deposits|foxes) nag\.|(final|ironic) (deposits|foxes) nag (final|ironic)!"
)


def _grammar_dataset(rows: int, grammar: dict | None = None) -> dict:
    def piece(name: str, low: int, high: int) -> dict:
        spec = {"pool": grammar or GRAMMAR, "min_length": low, "max_length": high}
        return {"name": name, "type": "string", "generator": {"excerpt": spec}}

    return schema(
        entity("a", [piece("note", 5, 30)], rows=rows),
        entity("b", [piece("memo", 1, 8)], rows=50),
    )


def test_a_grammar_pool_is_its_sentences_cut_to_its_size() -> None:
    text = bytes(grammar_text(GrammarPool.model_validate(GRAMMAR), 7)).decode()
    assert len(text) == GRAMMAR["size"]
    # every whole sentence follows a template, each followed by one space
    whole = text[: max(text.rfind(". "), text.rfind("! ")) + 2]
    assert len(whole) > len(text) - 40
    assert SENTENCE.sub("#", whole).replace("# ", "") == ""
    assert "the " in text and "!" in text and "ironic" in text and "foxes" in text
    # the weights show: "final" three times as often as "ironic"
    ratio = text.count("final") / text.count("ironic")
    assert 2.5 < ratio < 3.6
    other = bytes(grammar_text(GrammarPool.model_validate(GRAMMAR), 8)).decode()
    assert other != text  # the seed draws it


def test_weights_near_the_float_limit_are_drawn_by_their_ratio() -> None:
    words = {"adj": {"final": 1e308, "ironic": 1e308}, "noun": ["foxes"], "verb": ["nag"]}
    spec = GrammarPool.model_validate({**GRAMMAR, "words": words, "size": 20_000})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow in the weights' sum
        text = bytes(grammar_text(spec, 7)).decode()
    assert 0.8 < text.count("final") / text.count("ironic") < 1.25


def test_a_pool_longer_than_one_chunk_of_sentences_is_built_in_chunks() -> None:
    # 65,536 two-byte sentences a chunk: 300,000 bytes take three chunks, each its own draws
    spec = GrammarPool.model_validate(
        {"sentences": ["{x}"], "words": {"x": ["a", "b"]}, "size": 300_000}
    )
    text = bytes(grammar_text(spec, 5))
    assert len(text) == 300_000 and set(text[1::2]) == {ord(" ")}
    assert set(text[::2]) == {ord("a"), ord("b")}
    first, second = text[:131_072], text[131_072:262_144]
    assert first != second and 0.45 < first.count(b"a") / 65_536 < 0.55


def test_the_grammar_pool_is_the_same_at_any_scale_and_shared_by_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import datagen.engine.generators.excerpt as excerpt_module

    built: list[int] = []
    real = excerpt_module.grammar_text

    def counted(spec: GrammarPool, seed: int) -> np.ndarray:
        built.append(seed)
        return real(spec, seed)

    monkeypatch.setattr(excerpt_module, "grammar_text", counted)
    pool = bytes(real(GrammarPool.model_validate(GRAMMAR), 7)).decode()
    for rows in (1_000, 140_000):  # one block, then two blocks
        built.clear()
        tables = run(_grammar_dataset(rows), rows=rows)
        assert built == [7]  # once per run, for both columns of both tables
        notes, memos = tables["a"]["note"].to_pylist(), tables["b"]["memo"].to_pylist()
        assert len(notes) == rows and all(n in pool and 5 <= len(n) <= 30 for n in notes)
        assert all(m in pool and 1 <= len(m) <= 8 for m in memos)


def test_the_docs_grammar_example_runs_the_same_for_one_and_two_workers(tmp_path: Path) -> None:
    out = generate_for_any_workers(write_doc_example("excerpt-pool", tmp_path), tmp_path, 3)
    notes = pq.read_table(out / "ticket.parquet").column("note").to_pylist()
    grammar = GrammarPool.model_validate(
        doc_example("excerpt-pool")["nodes"][0]["columns"][1]["generator"]["excerpt"]["pool"]
    )
    pool = bytes(grammar_text(grammar, 3)).decode()
    assert len(notes) == 2000 and all(n in pool and 10 <= len(n) <= 40 for n in notes)
    assert len(set(notes)) > 1900


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ({"sentences": ["the {adj} {nuon}."]}, "pool", "names the slot `nuon`, not in `words`"),
        ({"sentences": ["the {adj}."]}, "pool", "no sentence uses the slot `noun`"),
        ({"sentences": ["the {adj} {noun} {verb} }"]}, "pool", "a lone brace"),
        ({"words": {**GRAMMAR["words"], "adj": ["café"]}}, "pool", "not printable ASCII"),
        ({"words": {**GRAMMAR["words"], "adj": []}}, "pool", "the slot `adj` has no words"),
        ({"words": {**GRAMMAR["words"], "adj": {"final": 0}}}, "pool.words.adj", "greater than 0"),
        ({"size": 0}, "pool.size", "greater than or equal to 1"),
        ({"from": "b.memo"}, "excerpt", "give the pool as `from`"),
    ],
)
def test_bad_grammar_pools_are_refused_with_their_place(
    tmp_path: Path, change: dict, where: str, message: str
) -> None:
    grammar = {**GRAMMAR, **{k: v for k, v in change.items() if k != "from"}}
    data = _grammar_dataset(10, grammar)
    if "from" in change:
        data["nodes"][0]["columns"][1]["generator"]["excerpt"]["from"] = change["from"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    result = run_cli("generate", str(path), "-o", str(tmp_path / "out"))
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert message in output
    assert "nodes[0].columns[1].generator.excerpt" in output and where in output
    assert not (tmp_path / "out").exists()
