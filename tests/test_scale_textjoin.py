"""concat() and substr(concat(...), 1, n) built in one pass over bytes (engine/textjoin.py):
the same strings as Python's own joining and slicing, for every kind of piece."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from datagen.engine import textjoin
from datagen.engine.expressions import Scope, compiled
from datagen.engine.textjoin import join, piece_of
from datagen.engine.values import Encoded, ascii_text

WORDS = ["", "a", "bb", "the quick", "pinto beans", "x" * 40, "--", " "]


def _random_values(rng: np.random.Generator, n: int) -> tuple[list[object], list[list[str]]]:
    """Random concat arguments (literal, Encoded, Arrow array, sliced Arrow array) and, for
    each, its string on every row."""
    values: list[object] = []
    rows: list[list[str]] = []
    for _ in range(int(rng.integers(1, 9))):
        kind = int(rng.integers(0, 4))
        if kind == 0:
            word = WORDS[int(rng.integers(0, len(WORDS)))]
            values.append(word)
            rows.append([word] * n)
            continue
        size = int(rng.integers(1, len(WORDS) + 1))
        words = list(rng.choice(WORDS, size=size, replace=False))
        codes = rng.integers(0, size, n)
        strings = [words[c] for c in codes]
        if kind == 1:
            values.append(Encoded(codes.astype(np.int32), pa.array(words, pa.string())))
        elif kind == 2:
            values.append(pa.array(strings, pa.string()))
        else:
            skip = int(rng.integers(0, 5))
            values.append(pa.array(["pad"] * skip + strings, pa.string()).slice(skip))
        rows.append(strings)
    return values, rows


def test_join_gives_pythons_strings_for_every_kind_of_piece() -> None:
    rng = np.random.default_rng(3)
    for _ in range(150):
        n = int(rng.integers(0, 60))
        values, rows = _random_values(rng, n)
        pieces = [piece_of(v, n) for v in values]
        assert all(p is not None for p in pieces)
        whole = ["".join(parts) for parts in zip(*rows, strict=True)] if n else []
        got = join(pieces, n)  # type: ignore[arg-type]
        assert got is not None and got.to_pylist() == whole
        limit = rng.integers(-3, 70, n)
        cut = join(pieces, n, np.maximum(limit, 0))  # type: ignore[arg-type]
        assert cut is not None
        assert cut.to_pylist() == [w[: max(0, int(k))] for w, k in zip(whole, limit, strict=True)]
        cut.validate(full=True)


def test_join_merges_small_dictionaries_and_keeps_large_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(5)
    n = 300
    big = [f"w{i}" for i in range(70)]
    small = ["x", "yy", "zzz"]
    values: list[object] = [
        "the ",
        Encoded(rng.integers(0, 70, n).astype(np.int32), pa.array(big)),
        " ",
        Encoded(rng.integers(0, 3, n).astype(np.int32), pa.array(small)),
        Encoded(rng.integers(0, 70, n).astype(np.int32), pa.array(big)),
    ]
    pieces = [piece_of(v, n) for v in values]
    # 'the ' x big x ' ' x small = 210 words, x big again would be 14,700: two pieces
    merged = textjoin._merged(pieces)  # type: ignore[arg-type]
    assert [len(p.offsets) - 1 for p in merged] == [210, 70]
    expected = [
        f"the {big[a]} {small[b]}{big[c]}"
        for a, b, c in zip(values[1].codes, values[3].codes, values[4].codes, strict=True)  # type: ignore[attr-defined]
    ]
    assert join(pieces, n).to_pylist() == expected  # type: ignore[arg-type,union-attr]
    monkeypatch.setattr(textjoin, "MERGED_WORDS", 1)  # nothing merged: the same strings
    assert join(pieces, n).to_pylist() == expected  # type: ignore[arg-type,union-attr]
    monkeypatch.setattr(textjoin, "CHUNK_BYTES", 16)  # many small chunks: the same strings
    assert join(pieces, n, np.full(n, 9)).to_pylist() == [e[:9] for e in expected]  # type: ignore[arg-type,union-attr]


def test_nulls_and_non_text_are_left_to_arrow() -> None:
    assert piece_of(pa.array(["a", None]), 2) is None
    assert piece_of(pa.scalar(None, pa.string()), 2) is None
    assert piece_of(pa.array([1, 2]), 2) is None
    accents = piece_of(pa.array(["café", "été"]), 2)
    plain = piece_of("!", 2)
    assert accents is not None and plain is not None
    # whole strings are bytes joined; a cut counts characters, which bytes cannot do here
    assert join([accents, plain], 2).to_pylist() == ["café!", "été!"]  # type: ignore[union-attr]
    assert join([accents, plain], 2, np.array([4, 2])) is None


def _scope(columns: dict[str, object], raw: dict[str, object], n: int) -> Scope:
    return Scope(
        columns,
        n,
        rng=lambda site: np.random.default_rng(len(site)),
        raw_strings=raw,
    )


def test_concat_expression_matches_arrows_kernels_with_nulls_numbers_and_accents() -> None:
    n = 6
    adj = Encoded(np.array([0, 1, 2, 0, 1, 2], np.int32), pa.array(["sly", "bold", "été"]))
    note = np.array(["a", None, "ccc", "dd", None, "f"], dtype=object)
    count = np.array([1, 22, 333, 4, 5, 6])
    columns = {"adj": adj.decode(), "note": note, "count": count}
    raw = {"adj": adj}
    for source in (
        "concat('#', count, ' ', adj)",
        "concat(adj, '-', note)",
        "substr(concat(adj, ' ', count, ' items'), 1, count)",
        "substr(concat('the ', adj, '!'), 1, 5)",
        "substr(concat(note, adj), 1, 2)",
        "substr(concat(adj, adj), 2, 3)",
    ):
        expression = compiled(source)
        got = expression.fn.arrow(_scope(columns, raw, n))  # type: ignore[attr-defined]
        words = [["sly", "bold", "été"][c] for c in adj.codes]
        if source.startswith("concat('#'"):
            want = [f"#{c} {w}" for c, w in zip(count, words, strict=True)]
        elif source.startswith("concat(adj, '-'"):
            want = [None if t is None else f"{w}-{t}" for w, t in zip(words, note, strict=True)]
        elif "' items'" in source:
            want = [f"{w} {c} items"[:c] for w, c in zip(words, count, strict=True)]
        elif "'the '" in source:
            want = [f"the {w}!"[:5] for w in words]
        elif "note, adj" in source:
            want = [None if t is None else f"{t}{w}"[:2] for w, t in zip(words, note, strict=True)]
        else:
            want = [(w + w)[1:4] for w in words]
        assert got.to_pylist() == want, source
        assert pc.all(pc.equal(got.is_null(), pa.array([w is None for w in want]))).as_py()


def test_ascii_text_gives_what_pa_array_gives() -> None:
    rng = np.random.default_rng(9)
    for _ in range(100):
        n = int(rng.integers(0, 40))
        values = np.array(
            ["".join(rng.choice(list("ab \x00Z"), int(rng.integers(0, 7)))) for _ in range(n)],
            dtype="U6",
        )
        got = ascii_text(values)
        assert got is not None and got.equals(pa.array(values.astype(str), type=pa.string()))
    assert ascii_text(np.array(["été", "a"])) is None
