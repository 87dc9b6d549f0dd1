"""Tolerances that come from the sample size, and the moments of declared fanouts.

A behavioural check compares an estimate with what the schema declares. A
correct dataset misses by sampling error only, so the allowed error is z
standard errors, where z makes a false alarm on a correct dataset rarer than
ALPHA per check (split across the k comparisons one check makes). A 300-row
dry run therefore gets wide tolerances and 10M rows get tight ones; 1/n is
added so an exact engine is never failed by rounding.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

from datagen.engine import dsl

ALPHA = 1e-4


def z_value(comparisons: int = 1) -> float:
    """Two-sided z for a false-alarm rate ALPHA shared by `comparisons` tests (Bonferroni)."""
    return NormalDist().inv_cdf(1 - ALPHA / (2 * max(comparisons, 1)))


def share_tolerance(p: float, n: int, comparisons: int = 1) -> float:
    """Allowed |observed share - p| for a share over n rows."""
    if n <= 0:
        return 1.0
    p = min(max(p, 0.0), 1.0)
    return z_value(comparisons) * math.sqrt(p * (1 - p) / n) + 1 / n


def mean_tolerance(std: float, n: int, comparisons: int = 1) -> float:
    """Allowed |observed mean - expected mean| for a mean over n values."""
    if n <= 0:
        return math.inf
    return z_value(comparisons) * std / math.sqrt(n) + 1 / n


class Moments:
    """Count, mean and spread over batches (Chan et al.'s parallel update: no cancellation)."""

    def __init__(self) -> None:
        self.count = 0
        self.mean = 0.0
        self.m2 = 0.0

    def add(self, values: np.ndarray) -> None:
        n = len(values)
        if n == 0:
            return
        mean = float(values.mean())
        m2 = float(((values - mean) ** 2).sum())
        total = self.count + n
        delta = mean - self.mean
        self.mean += delta * n / total
        self.m2 += m2 + delta * delta * self.count * n / total
        self.count = total

    @property
    def std(self) -> float:
        return math.sqrt(self.m2 / (self.count - 1)) if self.count > 1 else 0.0


def fanout_moments(fanout: dsl.Fanout) -> tuple[float, float]:
    """Mean and variance of the children per parent the fanout declares (every shape)."""
    from datagen.engine.fanout import fanout_moments as moments

    return moments(fanout)


def clipped_poisson_moments(lam: float, lo: int, hi: int | None) -> tuple[float, float]:
    """Mean and variance of min(max(X, lo), hi) for X ~ Poisson(lam)."""
    top = int(lam + 12 * math.sqrt(lam) + 30)
    mean = second = 0.0
    log_lam = math.log(lam)
    for k in range(top + 1):
        pmf = math.exp(-lam + k * log_lam - math.lgamma(k + 1))
        value = max(k, lo)
        if hi is not None:
            value = min(value, hi)
        mean += pmf * value
        second += pmf * value * value
    return mean, max(second - mean * mean, 0.0)
