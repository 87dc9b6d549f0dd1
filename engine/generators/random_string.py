"""`random_string`: random characters of a random length, TPC-H's "random v-string".

Each row's length is drawn uniformly in [min_length, max_length] and each character
uniformly from the alphabet (by default dbgen's 64 symbols). Lengths and characters
are drawn for the whole block at once and the Arrow string array is built from one
offsets buffer and one bytes buffer: no Python object per row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
from pydantic import Field, model_validator

from datagen.engine.dslbase import Strict
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import Kind

if TYPE_CHECKING:
    from datagen.engine import dsl

# dbgen's (and tpchgen-cli's) alphabet for a v-string: TPC-H 4.2.2.7 asks at least 64 symbols
TPCH_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ,"
MAX_LENGTH = 10_000  # a block of 131,072 rows stays under Arrow's 2 GiB of string bytes


class RandomStringSpec(Strict):
    """Random characters of the alphabet, each row's length uniform in [min_length,
    max_length] (TPC-H's "random v-string", e.g. addresses: 10 to 40)."""

    min_length: int = Field(ge=0, le=MAX_LENGTH, description="shortest value, in characters")
    max_length: int = Field(ge=0, le=MAX_LENGTH, description="longest value, in characters")
    alphabet: str = Field(
        TPCH_ALPHABET,
        min_length=1,
        max_length=256,
        description="the characters drawn, each equally likely (printable ASCII, no repeats; "
        "default: dbgen's 64 symbols, letters, digits, space and comma)",
    )

    @model_validator(mode="after")
    def _valid(self) -> RandomStringSpec:
        if self.max_length < self.min_length:
            raise ValueError(f"max_length {self.max_length} is below min_length {self.min_length}")
        outside = [c for c in self.alphabet if not " " <= c <= "~"]
        if outside:
            raise ValueError(f"alphabet: {outside[0]!r} is not a printable ASCII character")
        if len(set(self.alphabet)) != len(self.alphabet):
            raise ValueError("alphabet: a character is listed twice")
        return self


def random_strings(
    rng: np.random.Generator, n: int, low: int, high: int, alphabet: str
) -> pa.Array:
    """n strings, lengths uniform in [low, high], characters uniform over `alphabet`."""
    lengths = rng.integers(low, high + 1, n, dtype=np.int64)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    symbols = np.frombuffer(alphabet.encode("ascii"), dtype=np.uint8)
    total = int(offsets[-1])
    k = len(symbols)
    if k & (k - 1) == 0:  # a power of two: one random byte per character, masked
        picks = np.frombuffer(rng.bytes(total), dtype=np.uint8) & np.uint8(k - 1)
    else:
        picks = rng.integers(0, k, total, dtype=np.uint8)
    chars = symbols[picks]
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(chars))


class RandomStringKind(Kind[RandomStringSpec]):
    name = "random_string"
    spec = RandomStringSpec
    types = frozenset({"string"})

    def generate(self, spec: RandomStringSpec, col: dsl.Column, ctx: BlockContext) -> pa.Array:
        rng = ctx.rng(col.name)
        return random_strings(rng, ctx.n, spec.min_length, spec.max_length, spec.alphabet)

    def plot(self, spec: RandomStringSpec) -> bool:
        return False
