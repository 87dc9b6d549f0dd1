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
    """Indexes in [0, n_items): uniform, or by inverse CDF (vectorized searchsorted)."""
    if cdf is None:
        return rng.integers(0, n_items, size=size, dtype=np.int64)
    return np.searchsorted(cdf, rng.random(size), side="right").clip(0, n_items - 1)


def pick(uniforms: np.ndarray, n_items: int, cdf: np.ndarray | None) -> np.ndarray:
    """Indexes in [0, n_items) from given uniform numbers (uniform, or by inverse CDF)."""
    if cdf is None:
        return np.minimum((uniforms * n_items).astype(np.int64), n_items - 1)
    return np.searchsorted(cdf, uniforms, side="right").clip(0, n_items - 1)
