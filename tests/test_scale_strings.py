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
