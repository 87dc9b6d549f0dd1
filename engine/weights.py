"""Skewed weights shared by `choice` and `lookup`: uniform, zipf@A, head_tail@{H,A}."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=64)
def skew_cdf(kind: str, n: int) -> np.ndarray | None:
    """Cumulative probabilities over n items, or None for uniform."""
    if kind == "uniform" or n <= 1:
        return None
    if kind.startswith("zipf@"):
        a = float(kind.split("@", 1)[1])
        weights = 1.0 / np.power(np.arange(1, n + 1, dtype=np.float64), a)
    else:
        match = re.match(r"head_tail@\{?([0-9.]+),([0-9.]+)\}?$", kind)
        if not match:
            raise ValueError(f"unknown weights_kind `{kind}`")
        head_share, mass = float(match.group(1)), float(match.group(2))
        head = max(1, min(n - 1, int(round(n * head_share))))
        weights = np.empty(n, dtype=np.float64)
        weights[:head] = mass / head
        weights[head:] = (1 - mass) / (n - head)
    return cdf_of(weights)


def cdf_of(weights: np.ndarray | list[float]) -> np.ndarray:
    cdf = np.cumsum(np.asarray(weights, dtype=np.float64))
    cdf /= cdf[-1]
    cdf[-1] = 1.0
    return cdf


def sample_index(
    rng: np.random.Generator, n_items: int, size: int, cdf: np.ndarray | None
) -> np.ndarray:
    """Indexes in [0, n_items): uniform, or by inverse CDF."""
    if cdf is None:
        return rng.integers(0, n_items, size=size, dtype=np.int64)
    return inverse_cdf(cdf, rng.random(size)).clip(0, n_items - 1)


def pick(uniforms: np.ndarray, n_items: int, cdf: np.ndarray | None) -> np.ndarray:
    """Indexes in [0, n_items) from given uniform numbers (uniform, or by inverse CDF)."""
    if cdf is None:
        return np.minimum((uniforms * n_items).astype(np.int64), n_items - 1)
    return inverse_cdf(cdf, uniforms).clip(0, n_items - 1)


BUCKETS = 4096  # a power of two: u * BUCKETS is exact, so a bucket's bounds are too


def inverse_cdf(cdf: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """np.searchsorted(cdf, uniforms, side="right") for uniforms in [0, 1) (Generator.random()):
    the same numbers, ~3x faster. They fall into BUCKETS equal buckets; a bucket that no cdf
    value cuts has one answer (a table lookup), the few that one cuts are searched."""
    if len(cdf) < 8 or len(uniforms) < 4 * BUCKETS:
        return np.searchsorted(cdf, uniforms, side="right")
    answer, cut = _bucket_table(cdf.tobytes())
    bucket = (uniforms * BUCKETS).astype(np.intp)
    out = answer[bucket]
    searched = np.flatnonzero(cut[bucket])
    if len(searched):
        out[searched] = np.searchsorted(cdf, uniforms[searched], side="right")
    return out


@lru_cache(maxsize=256)
def _bucket_table(cdf_bytes: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Per bucket [b, b + 1) / BUCKETS: the answer at its low end, and whether a cdf value
    falls inside it (then the answer depends on where in the bucket a number lies)."""
    cdf = np.frombuffer(cdf_bytes, dtype=np.float64)
    edges = np.arange(BUCKETS + 1, dtype=np.float64) / BUCKETS
    low = np.searchsorted(cdf, edges[:-1], side="right").astype(np.int64)
    high = np.searchsorted(cdf, edges[1:], side="left")
    return low, low != high
