"""`uuid`: version-4 UUIDs, a pure function of (seed, table, column, row): deterministic for
any worker count, and unique by construction (the low 62 bits are a bijection of the row
index), formatted as the usual 36 characters without a loop over rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pyarrow as pa
from pydantic import Field

from datagen.engine.dslbase import Strict
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import Kind
from datagen.engine.rng import stream

if TYPE_CHECKING:
    from datagen.engine import dsl

MASK62 = np.uint64((1 << 62) - 1)
HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
DASHES = (8, 13, 18, 23)  # positions of '-' in the 36 characters


class UuidSpec(Strict):
    """Random-looking version-4 UUIDs, the same for the same seed; unique by construction."""

    version: Literal[4] = Field(4, description="the UUID version written (4: random)")


def _mix62(x: np.ndarray) -> np.ndarray:
    """A bijection of [0, 2^62): odd multiplications and xor-shifts, modulo 2^62."""
    with np.errstate(over="ignore"):
        x = (x * np.uint64(0x9E3779B97F4A7C15)) & MASK62
        x ^= x >> np.uint64(31)
        x = (x * np.uint64(0xBF58476D1CE4E5B9)) & MASK62
        x ^= x >> np.uint64(29)
    return x


def _splitmix(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def uuid_text(high: np.ndarray, low: np.ndarray) -> pa.Array:
    """36-character UUID strings from the two 64-bit halves."""
    n = len(high)
    raw = np.empty((n, 16), dtype=np.uint8)
    raw[:, :8] = high.astype(">u8").view(np.uint8).reshape(n, 8)
    raw[:, 8:] = low.astype(">u8").view(np.uint8).reshape(n, 8)
    digits = np.empty((n, 32), dtype=np.uint8)
    digits[:, 0::2] = HEX[raw >> 4]
    digits[:, 1::2] = HEX[raw & 15]
    text = np.full((n, 36), ord("-"), dtype=np.uint8)
    keep = np.ones(36, dtype=bool)
    keep[list(DASHES)] = False
    text[:, keep] = digits
    return pa.array(text.reshape(-1).view("S36"), pa.binary(36)).cast(pa.string())


def generate(col: dsl.Column, ctx: BlockContext) -> pa.Array:
    key = stream(ctx.seed, ctx.node.id, col.name, "table", "uuid").integers(
        0, np.iinfo(np.int64).max, 2, dtype=np.int64
    )
    rows = ctx.row_ids.astype(np.uint64)
    high = _splitmix(rows ^ np.uint64(key[0]))
    high = (high & ~np.uint64(0xF000)) | np.uint64(0x4000)  # version 4
    low = _mix62(rows ^ (np.uint64(key[1]) & MASK62)) | np.uint64(0x8000000000000000)  # variant
    return uuid_text(high, low)


class UuidKind(Kind[UuidSpec]):
    """UUIDs for a string (or `"type": "uuid"`) column."""

    name = "uuid"
    spec = UuidSpec
    types = frozenset({"string"})
    uniqueness = "always"

    def generate(self, spec: UuidSpec, col: dsl.Column, ctx: BlockContext) -> pa.Array:
        return generate(col, ctx)

    def plot(self, spec: UuidSpec) -> bool:
        return False


HEX_VALUE = np.full(256, 0, dtype=np.uint8)
HEX_VALUE[np.frombuffer(b"0123456789abcdef", np.uint8)] = np.arange(16, dtype=np.uint8)
HEX_VALUE[np.frombuffer(b"ABCDEF", np.uint8)] = np.arange(10, 16, dtype=np.uint8)


def uuid_bytes(text: pa.Array) -> pa.Array:
    """36-character UUID strings as their 16 bytes (PostgreSQL's binary uuid); nulls stay
    null. The strings must be UUIDs (as the `uuid` generator writes them)."""
    if pa.types.is_dictionary(text.type):
        text = text.cast(text.type.value_type)
    filled = text.fill_null("00000000-0000-0000-0000-000000000000")
    raw = np.frombuffer(filled.cast(pa.binary()).buffers()[2], dtype=np.uint8)
    offsets = np.frombuffer(filled.buffers()[1], dtype=np.int32)[filled.offset :][: len(filled) + 1]
    if len(filled) and not np.all(np.diff(offsets) == 36):
        raise ValueError("a uuid column holds a value that is not 36 characters")
    start = offsets[0] if len(offsets) else 0
    chars = raw[start : start + 36 * len(filled)].reshape(len(filled), 36)
    keep = np.ones(36, dtype=bool)
    keep[list(DASHES)] = False
    nibbles = HEX_VALUE[chars[:, keep]]
    packed = (nibbles[:, 0::2] << 4) | nibbles[:, 1::2]
    mask = None if text.null_count == 0 else np.asarray(text.is_null())
    return pa.array(packed.reshape(-1).view("S16"), pa.binary(16), mask=mask)
