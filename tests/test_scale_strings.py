"""Text built from text functions stays Arrow: no numpy object array between the block's
dictionary-encoded columns and the writer, and the same strings as the numpy path."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from datagen.engine import expressions
from datagen.engine.expressions import Scope, compiled
from datagen.engine.values import Encoded

SOURCE = "substr(concat('the ', upper(adj), ' ', noun, ' #', n), 1, randint(3, 14))"


def _scope(raw: bool) -> Scope:
    rng = np.random.default_rng(1)
    adj = Encoded(rng.integers(0, 3, 500).astype(np.int32), pa.array(["sly", "quick", "bold"]))
    noun = Encoded(rng.integers(0, 2, 500).astype(np.int32), pa.array(["foxes", "ideas"]))
    n = np.arange(500)
    columns = {"adj": adj.decode(), "noun": noun.decode(), "n": n}
    return Scope(
        columns,
        500,
        rng=lambda site: np.random.default_rng(abs(hash(site)) % 1000),
        raw_strings={"adj": adj, "noun": noun} if raw else None,
    )


def test_arrow_path_gives_the_numpy_paths_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    expression = compiled(SOURCE)
    numpy_result = expression(_scope(raw=False))
    real = expressions._arrow

    def no_objects(value):  # type: ignore[no-untyped-def]
        assert not (isinstance(value, np.ndarray) and value.dtype == object), "decoded strings"
        return real(value)

    monkeypatch.setattr(expressions, "_arrow", no_objects)
    arrow_result = expression.fn.arrow(_scope(raw=True))  # type: ignore[attr-defined]
    assert isinstance(arrow_result, pa.Array)
    assert arrow_result.to_pylist() == list(numpy_result)
    with pytest.raises(AssertionError, match="decoded strings"):
        expression.fn.arrow(_scope(raw=False))  # type: ignore[attr-defined]


def test_prefix_cuts_each_string_to_its_length_on_sliced_arrays() -> None:
    rng = np.random.default_rng(7)
    words = ["", "a", "bb", "ccc", "the quick brown fox", "x" * 50]
    for _ in range(200):
        values = [words[i] for i in rng.integers(0, len(words), int(rng.integers(0, 40)))]
        text = pa.array(values, pa.string()).slice(int(rng.integers(0, max(1, len(values)))))
        lengths = rng.integers(-2, 60, len(text))
        got = expressions._prefix(text, len(text), lengths).to_pylist()
        assert got == [v[: max(0, int(k))] for v, k in zip(text.to_pylist(), lengths, strict=True)]
    with_nulls = pa.array(["hello", None, "world", ""], pa.string())
    cut = expressions._prefix(with_nulls, 4, np.array([2, 3, 10, 1])).to_pylist()
    assert cut == ["he", None, "world", ""]
