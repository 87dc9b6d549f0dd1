"""Weighted picks by bucket table: the same indexes as a binary search, so the same bytes."""

from __future__ import annotations

import numpy as np

from datagen.engine import weights
from datagen.engine.weights import BUCKETS, cdf_of, inverse_cdf


def test_inverse_cdf_equals_searchsorted_on_edges_ties_and_zero_weights() -> None:
    rng = np.random.default_rng(11)
    for _ in range(40):
        n_items = int(rng.integers(8, 300))
        raw = rng.exponential(1.0, n_items) * (rng.random(n_items) < 0.8)  # some weights 0
        raw[0] += 1e-3
        cdf = cdf_of(raw)
        uniforms = np.concatenate(
            [
                rng.random(5 * BUCKETS),
                cdf[:-1],  # exactly on a cdf value
                np.nextafter(cdf[:-1], 0),  # just below one
                np.arange(BUCKETS) / BUCKETS,  # exactly on a bucket's low end
                np.nextafter(np.arange(1, BUCKETS + 1) / BUCKETS, 0),  # just below its high end
            ]
        )
        uniforms = uniforms[uniforms < 1.0]  # numbers from Generator.random(): [0, 1)
        expected = np.searchsorted(cdf, uniforms, side="right")
        assert np.array_equal(inverse_cdf(cdf, uniforms), expected)


def test_a_wrong_table_is_caught() -> None:
    """The table really answers (the check above is not a searchsorted against itself)."""
    cdf = cdf_of([5.0, 1, 1, 1, 1, 1, 1, 1, 1, 1])
    uniforms = np.random.default_rng(2).random(8 * BUCKETS)
    answer, cut = weights._bucket_table(cdf.tobytes())
    assert cut.sum() <= len(cdf) and not cut.all()
    answer[:] += 1  # the cached table, spoiled
    try:
        assert not np.array_equal(
            inverse_cdf(cdf, uniforms), np.searchsorted(cdf, uniforms, side="right")
        )
    finally:
        weights._bucket_table.cache_clear()
