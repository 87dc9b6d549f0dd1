"""Seed derivation: every random stream is its own PCG64, named by its purpose.

A stream is identified by (master seed, table, column, block index, purpose),
never by the order in which work happens, so output does not depend on how
blocks are scheduled or how many workers run them.
"""

from __future__ import annotations

import hashlib

import numpy as np


def derive_seed(master_seed: int, *parts: object) -> int:
    key = "\x1f".join([str(master_seed), *map(str, parts)]).encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:16], "little")


def stream(master_seed: int, *parts: object) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(derive_seed(master_seed, *parts)))
