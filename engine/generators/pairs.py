"""Pairs of references: a row's FK that must differ from another FK of the same row
(`distinct_from`: nobody follows themselves), k distinct partners per parent (`distinct`:
sampling without replacement within each first parent: no duplicate follow, no track twice
in a playlist), and unique pairs of two sampled FKs (`permuted_pairs`: partsupp's (part,
supplier) when neither is a parent link). Vectorized: no loop over rows or parents.
"""

from __future__ import annotations

import numpy as np


def avoid(
    rng: np.random.Generator, index: np.ndarray, excluded: np.ndarray, items: int
) -> np.ndarray:
    """`index` with every row equal to `excluded` moved to another item, uniformly among the
    `items - 1` others (a collision is rare, so the declared skew is kept elsewhere)."""
    clash = index == excluded
    if not clash.any():
        return index
    out = index.copy()
    offset = 1 + np.floor(rng.random(int(clash.sum())) * (items - 1)).astype(np.int64)
    out[clash] = (excluded[clash] + offset) % items
    return out


def group_starts(group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows sorted by group: the first row of each row's group, and each group's size
    (per row)."""
    n = len(group)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    new = np.concatenate(([True], group[1:] != group[:-1]))
    starts = np.flatnonzero(new)
    sizes = np.diff(np.append(starts, n))
    ids = np.cumsum(new) - 1
    return starts[ids], sizes[ids]


def distinct_per_group(
    rng: np.random.Generator,
    group: np.ndarray,
    items: int | np.ndarray,
    excluded: np.ndarray | None = None,
) -> np.ndarray:
    """For rows grouped by `group` (consecutive, as a fact's rows are by parent), an index in
    [0, items) per row, all distinct within a group and never the group's `excluded` item
    (constant within a group; -1: none). `items` may differ by group (one value per row,
    constant within a group: the rows that came before the parent's time, `as_of`).

    A group of c rows draws c values from [0, m - c + 1) with replacement, sorts them and
    adds their ranks 0..c-1: c distinct sorted values in [0, m) (the classic bijection
    between multisets and sets); a random order within the group then hides the sort.
    The caller makes sure no group has more than `items` (minus the excluded one) rows.
    """
    n = len(group)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    first, size = group_starts(group)
    rank = np.arange(n, dtype=np.int64) - first
    available = np.array(np.broadcast_to(items, n), dtype=np.int64)
    if excluded is not None:
        available -= (excluded >= 0).astype(np.int64)
    draws = np.floor(rng.random(n) * (available - size + 1)).astype(np.int64)
    ordered = np.lexsort((draws, group))  # rows are grouped: this sorts within each group
    chosen = draws[ordered] + rank
    if excluded is not None:
        chosen += (excluded >= 0) & (chosen >= excluded)
    placement = np.lexsort((rng.random(n), group))
    out = np.empty(n, dtype=np.int64)
    out[placement] = chosen
    return out


FEISTEL_ROUNDS = 4


def permuted_pairs(
    rows: np.ndarray, left_items: int, right_items: int, keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Row i of a table -> a pair (left, right) of indexes, all pairs distinct: row i takes
    the i-th value of a keyed pseudo-random permutation of the left_items x right_items
    pairs. A pure function of the row index, so any block layout gives the same pairs; the
    caller makes sure the table has no more rows than pairs.

    The permutation is a balanced Feistel network over the next even power of two, walked
    back into range (a value past the last pair is permuted again: fewer than 4 rounds
    expected, a loop over rounds, not rows).
    """
    size = left_items * right_items
    assert size < 1 << 62 and (len(rows) == 0 or int(rows.max()) < size)
    half = max(1, (max(size - 1, 1).bit_length() + 1) // 2)
    values = rows.astype(np.uint64)
    todo = np.arange(len(values))
    while len(todo):
        values[todo] = _feistel(values[todo], half, keys)
        todo = todo[values[todo] >= np.uint64(size)]
    pairs = values.astype(np.int64)
    return pairs // right_items, pairs % right_items


def _feistel(x: np.ndarray, half: int, keys: np.ndarray) -> np.ndarray:
    mask = np.uint64((1 << half) - 1)
    shift = np.uint64(half)
    left, right = x >> shift, x & mask
    with np.errstate(over="ignore"):
        for key in keys[:FEISTEL_ROUNDS]:
            mixed = (right ^ np.uint64(key)) * np.uint64(0x9E3779B97F4A7C15)
            mixed ^= mixed >> np.uint64(29)
            mixed *= np.uint64(0xBF58476D1CE4E5B9)
            mixed ^= mixed >> np.uint64(32)
            left, right = right, left ^ (mixed & mask)
    return (left << shift) | right


__all__ = ["avoid", "distinct_per_group", "group_starts", "permuted_pairs"]
