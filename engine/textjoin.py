"""concat(), and substr(concat(...), 1, n), built in one vectorized pass over bytes.

Arrow's element-wise join costs about a microsecond a row for a dozen pieces,
and cutting its result to a length is another pass. Here every piece is a small
dictionary of byte strings with a code per row (a literal is a one-word
dictionary; a dictionary-encoded column keeps its own; any other text column is
its own dictionary, code = row), so a row is a list of (source offset, length)
segments. Clipping the segments to the row's length limit and expanding them to
one source index per output byte (`np.repeat` of each segment's shift plus a
running index) gives the result's bytes in one gather: the same strings the
Arrow kernels give, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa

_INT32_MAX = 2**31 - 1


@dataclass(frozen=True)
class Piece:
    """One argument of a concat: words[codes[i]] on row i (codes None: words[0] on every row)."""

    offsets: np.ndarray  # int64, len(words) + 1, into data
    data: np.ndarray  # uint8, the words' bytes
    codes: np.ndarray | None

    @property
    def ascii(self) -> bool:
        return not len(self.data) or int(self.data.max()) < 128


def piece_of(value: Any, n: int) -> Piece | None:
    """value (a str, an Arrow string scalar or array, or an Encoded: codes into an Arrow
    dictionary) as a Piece; None when it holds a null or is not text (the caller falls back
    to Arrow's kernels, which know what a null does)."""
    if isinstance(value, pa.Scalar):
        if not value.is_valid or not pa.types.is_string(value.type):
            return None
        value = value.as_py()
    if isinstance(value, str):
        data = np.frombuffer(value.encode(), dtype=np.uint8)
        return Piece(np.array([0, len(data)], dtype=np.int64), data, None)
    codes = getattr(value, "codes", None)
    if codes is not None:  # an Encoded: its dictionary, its codes
        words = _words(value.dictionary)
        return None if words is None else Piece(words[0], words[1], codes)
    if isinstance(value, pa.ChunkedArray):
        value = value.combine_chunks()
    if isinstance(value, pa.Array) and len(value) == n:
        words = _words(value)
        return None if words is None else Piece(words[0], words[1], np.arange(n, dtype=np.int64))
    return None


def _words(array: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    if array.null_count or not (
        pa.types.is_string(array.type) or pa.types.is_large_string(array.type)
    ):
        return None
    _, offsets_buf, data_buf = array.buffers()
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    offsets = np.frombuffer(offsets_buf, dtype=width)[array.offset : array.offset + len(array) + 1]
    data = (
        np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    )
    return offsets.astype(np.int64), data


def join(pieces: list[Piece], n: int, limit: np.ndarray | None = None) -> pa.Array | None:
    """The pieces joined row by row, each row cut to its first limit[i] characters.

    None when the result cannot be built here: a limit over non-ASCII text (characters are
    not bytes there) or a result beyond a 32-bit string array.
    """
    if limit is not None and not all(p.ascii for p in pieces):
        return None
    if sum(len(p.data) for p in pieces) > _INT32_MAX:
        return None
    built = _gather(_merged(pieces), n, limit)
    if built is None:
        return None
    offsets, data = built
    return pa.Array.from_buffers(
        pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)], null_count=0
    )


def _merged(pieces: list[Piece]) -> list[Piece]:
    """Neighbours whose word tables multiply to at most MERGED_WORDS words become one piece
    (a literal joins its neighbour's words; two small dictionaries become their product):
    fewer, longer segments per row, the same bytes."""
    out: list[Piece] = []
    for piece in pieces:
        last = out[-1] if out else None
        if last is not None and _words_in(last) * _words_in(piece) <= MERGED_WORDS:
            out[-1] = _product(last, piece)
        else:
            out.append(piece)
    return out


MERGED_WORDS = 4096


def _words_in(piece: Piece) -> int:
    return len(piece.offsets) - 1


def _product(a: Piece, b: Piece) -> Piece:
    """Every word of a followed by every word of b; code = a's code * len(b) + b's code."""
    nb = _words_in(b)
    offsets, data = _product_words(
        a.offsets.tobytes(), a.data.tobytes(), b.offsets.tobytes(), b.data.tobytes()
    )
    if a.codes is None and b.codes is None:
        codes = None
    elif a.codes is None:
        codes = b.codes
    elif b.codes is None:
        codes = a.codes
    else:
        codes = a.codes.astype(np.int64) * nb + b.codes
    return Piece(offsets, data, codes)


@lru_cache(maxsize=64)
def _product_words(
    a_offsets: bytes, a_data: bytes, b_offsets: bytes, b_data: bytes
) -> tuple[np.ndarray, np.ndarray]:
    """The word table of a product, once per process for the same two tables (every block
    of a table joins the same dictionaries)."""
    a = Piece(np.frombuffer(a_offsets, np.int64), np.frombuffer(a_data, np.uint8), None)
    b = Piece(np.frombuffer(b_offsets, np.int64), np.frombuffer(b_data, np.uint8), None)
    na, nb = _words_in(a), _words_in(b)
    first = np.repeat(np.arange(na, dtype=np.int64), nb)
    second = np.tile(np.arange(nb, dtype=np.int64), na)
    built = _gather([Piece(a.offsets, a.data, first), Piece(b.offsets, b.data, second)], na * nb)
    assert built is not None  # at most MERGED_WORDS words of two dictionaries: far from 2 GB
    offsets, data = built
    offsets_64 = offsets.astype(np.int64)
    offsets_64.flags.writeable = data.flags.writeable = False  # shared by every caller
    return offsets_64, data


def _gather(
    pieces: list[Piece], n: int, limit: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray] | None:
    """Row offsets (int32) and bytes of the pieces joined row by row (cut to limit)."""
    # one source buffer: the pieces' words one after the other
    bases = np.cumsum([0] + [len(p.data) for p in pieces])
    source = np.concatenate([p.data for p in pieces]) if pieces else np.zeros(0, np.uint8)
    # one row of segments per output row: (where its bytes start in source, how many)
    lengths = np.empty((n, len(pieces)), dtype=np.int32)
    starts = np.empty((n, len(pieces)), dtype=np.int32)
    for k, piece in enumerate(pieces):
        word_lengths = np.diff(piece.offsets).astype(np.int32)
        word_starts = (piece.offsets[:-1] + bases[k]).astype(np.int32)
        lengths[:, k] = word_lengths[0] if piece.codes is None else word_lengths[piece.codes]
        starts[:, k] = word_starts[0] if piece.codes is None else word_starts[piece.codes]
    if limit is not None:
        before = np.cumsum(lengths, axis=1, dtype=np.int64) - lengths  # segment start in its row
        np.clip(limit[:, None] - before, 0, lengths, out=lengths, casting="unsafe")
    row_lengths = lengths.sum(axis=1, dtype=np.int64)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(row_lengths, out=offsets[1:])
    total = int(offsets[-1])
    if total > _INT32_MAX:
        return None
    segment_lengths = lengths.ravel()
    written = np.cumsum(segment_lengths, dtype=np.int64) - segment_lengths  # first output byte
    # source index of output byte b in segment s: starts[s] + (b - written[s])
    shift = (starts.ravel() - written).astype(np.int32)
    data = np.empty(total, dtype=np.uint8)
    # a few hundred kB of output at a time: the int32 index per byte stays small and in cache
    step = max(1024, CHUNK_BYTES * n // max(total, 1))
    width = len(pieces)
    for first in range(0, n, step):
        last = min(n, first + step)
        lo, hi = int(offsets[first]), int(offsets[last])
        index = np.repeat(
            shift[first * width : last * width], segment_lengths[first * width : last * width]
        )
        index += np.arange(lo, hi, dtype=np.int32)
        np.take(source, index, out=data[lo:hi])
    return offsets.astype(np.int32), data


CHUNK_BYTES = 1 << 18
