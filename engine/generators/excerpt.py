"""`excerpt`: a random piece of a text pool, TPC-H's "text string" (spec 4.2.2.10).

The pool is either sentences of a small grammar (`pool`: templates whose
`{slot}`s are words drawn from weighted lists, joined by single spaces and cut
to a fixed size, so it is the same at every scale, as dbgen's) or another
table's string column, its values joined by single spaces (`from`). Either is
built once per run, with its padding, and shared by every block and every
excerpt column that names the same pool. Each row takes the piece that starts
at a random character and has a length uniform in [min_length, max_length]: two
random integers a row, and the pieces reach Arrow as string views into the pool
(built with numpy, no Python object per row) that Arrow copies into a plain
string array.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import numpy as np
import pyarrow as pa
from pydantic import Field, model_validator

from datagen.engine.dslbase import IDENT, ColumnRef, Strict, split_ref
from datagen.engine.errors import Problem, SchemaError
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import Kind, Site, ref_problem
from datagen.engine.rng import stream
from datagen.engine.textjoin import Piece, join
from datagen.engine.weights import cdf_of, sample_index

if TYPE_CHECKING:
    from datagen.engine import dsl

MAX_LENGTH = 10_000  # a block of 131,072 rows stays under Arrow's 2 GiB of string bytes
MAX_POOL = 64 << 20  # a grammar pool's bytes: built in memory once per run
_INT32_MAX = 2**31 - 1
_PAD = 16  # zero bytes after the pool: a string view reads up to 12 bytes from any start
_SLOT = re.compile(r"\{([^{}]*)\}")
_CHUNK = 1 << 16  # sentences built at a time (the pool's memory stays near its size)
_CHUNK_BYTES = 64 << 20  # at most this much text built at a time

Weight = Annotated[float, Field(gt=0)]


class GrammarPool(Strict):
    """A text pool of a fixed size: sentences of a small grammar joined by single spaces.
    Each sentence is one of `sentences` (drawn uniformly), each `{slot}` in it a word of
    `words[slot]` (drawn by its weight); the text is cut to `size` bytes. Built once per
    run from the seed and this spec: every excerpt column with the same pool shares it,
    and it is the same at any scale."""

    sentences: list[str] = Field(
        min_length=1,
        max_length=64,
        description="sentence templates; `{slot}` is a word drawn from `words[slot]`",
        examples=[["the {adj} {noun} {verb} {adv}.", "{adj} {noun} {verb}!"]],
    )
    words: dict[str, list[str] | dict[str, Weight]] = Field(
        description="slot -> its words: a list (equally likely) or word -> weight",
        examples=[{"adj": ["final", "ironic"], "noun": {"packages": 3, "requests": 1}}],
    )
    size: int = Field(ge=1, le=MAX_POOL, description="the pool's length in bytes (ASCII)")

    @model_validator(mode="after")
    def _grammar(self) -> GrammarPool:
        used: set[str] = set()
        for template in self.sentences:
            _ascii(template, "a sentence")
            if "{" in _SLOT.sub("", template) or "}" in _SLOT.sub("", template):
                raise ValueError(f"a lone brace in {template!r}: a slot is `{{name}}`")
            for slot in _SLOT.findall(template):
                if slot not in self.words:
                    raise ValueError(f"{template!r} names the slot `{slot}`, not in `words`")
                used.add(slot)
        for slot, group in self.words.items():
            if not re.match(IDENT, slot):
                raise ValueError(f"slot name `{slot}` must be an identifier")
            if slot not in used:
                raise ValueError(f"no sentence uses the slot `{slot}`")
            if not group:
                raise ValueError(f"the slot `{slot}` has no words")
            for word in group:
                _ascii(word, f"a word of `{slot}`")
        return self

    def key(self) -> str:
        """The pool's identity: equal specs share one pool (and one random stream)."""
        text = json.dumps(self.model_dump(mode="json"), separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def _ascii(text: str, what: str) -> None:
    if any(not (32 <= ord(c) < 127) for c in text):
        raise ValueError(f"{what} {text!r} is not printable ASCII (an excerpt cuts bytes)")


class ExcerptSpec(Strict):
    """A random piece of a text pool: each row's piece starts at a random character, its
    length uniform in [min_length, max_length] (TPC-H's comments: a "text string" cut from
    a pool of the grammar's sentences). The pool is a grammar's sentences of a fixed size
    (`pool`) or another table's text column joined by spaces (`from`)."""

    from_: ColumnRef | None = Field(
        None,
        alias="from",
        description="the pool: a string column of another table (ASCII text), its values "
        "joined by spaces; give `from` or `pool`",
        examples=["supplier.s_sentences"],
    )
    pool: GrammarPool | None = Field(
        None, description="the pool: sentences of a grammar, of a fixed size; or `from`"
    )
    min_length: int = Field(ge=0, le=MAX_LENGTH, description="shortest piece, in characters")
    max_length: int = Field(ge=0, le=MAX_LENGTH, description="longest piece, in characters")

    @model_validator(mode="after")
    def _ordered(self) -> ExcerptSpec:
        if self.max_length < self.min_length:
            raise ValueError(f"max_length {self.max_length} is below min_length {self.min_length}")
        if (self.from_ is None) == (self.pool is None):
            raise ValueError("give the pool as `from` (a table's column) or `pool` (a grammar)")
        return self


@dataclass(frozen=True)
class TextPool:
    """A pool's bytes followed by zero padding, and the 4 bytes from any position (a
    view, read unaligned): what every block's string views read, built once."""

    padded: np.ndarray  # uint8, size + _PAD

    @classmethod
    def of(cls, text: np.ndarray) -> TextPool:
        if len(text) > _INT32_MAX:
            raise ValueError("an excerpt's pool is limited to 2 GiB")
        padded = np.zeros(len(text) + _PAD, dtype=np.uint8)
        padded[: len(text)] = text
        return cls(padded)

    @property
    def size(self) -> int:
        return len(self.padded) - _PAD

    @property
    def words(self) -> np.ndarray:
        return np.ndarray((self.size + 12,), dtype="<u4", buffer=self.padded, strides=(1,))


def excerpts(rng: np.random.Generator, n: int, pool: TextPool, low: int, high: int) -> pa.Array:
    """n pieces of the pool: lengths uniform in [low, high] (at most the pool's length),
    each starting uniformly where it fits.

    Built as Arrow string views into the pool (16 bytes a row, numpy only: a piece of up
    to 12 bytes is inline, a longer one is its first 4 bytes and its offset), then cast
    to a plain string array: Arrow copies each piece in one memcpy."""
    size = pool.size
    lengths = np.minimum(rng.integers(low, high + 1, n, dtype=np.int64), size).astype(np.int32)
    starts = rng.integers(0, size - lengths + 1, dtype=np.int64).astype(np.int32)
    words = pool.words
    short = lengths <= 12
    views = np.empty((n, 4), dtype=np.uint32)
    views[:, 0] = lengths
    views[:, 1] = words[starts]
    views[:, 2] = np.where(short, words[starts + 4], 0)  # long: buffer 0, the pool
    views[:, 3] = np.where(short, words[starts + 8], starts)
    if short.any():  # an inline piece's bytes past its length are zero
        kept = np.clip(lengths[short, None] - np.array([0, 4, 8], dtype=np.int32), 0, 4)
        masks = (np.uint64(1) << (np.uint64(8) * kept.astype(np.uint64))) - np.uint64(1)
        views[short, 1:] &= masks.astype(np.uint32)
    text = pa.Array.from_buffers(
        pa.string_view(), n, [None, pa.py_buffer(views), pa.py_buffer(pool.padded[:size])]
    )
    return text.cast(pa.string())


def _word_piece(words: list[str] | dict[str, float]) -> tuple[Piece, np.ndarray | None]:
    """A slot's words as a textjoin dictionary (codes set per sentence), and its CDF."""
    data = [w.encode() for w in words]
    offsets = np.zeros(len(data) + 1, dtype=np.int64)
    np.cumsum([len(w) for w in data], out=offsets[1:])
    buffer = np.frombuffer(b"".join(data), dtype=np.uint8)
    cdf = None
    if isinstance(words, dict):  # scaled first: weights near the float limit do not overflow
        top = max(words.values())
        cdf = cdf_of([weight / top for weight in words.values()])
    return Piece(offsets, buffer, None), cdf


def _lengths(words: list[str] | dict[str, float]) -> tuple[int, int]:
    return min(map(len, words)), max(map(len, words))


def _literal(text: str) -> Piece:
    data = np.frombuffer(text.encode(), dtype=np.uint8)
    return Piece(np.array([0, len(data)], dtype=np.int64), data, None)


def grammar_text(spec: GrammarPool, seed: int) -> np.ndarray:
    """The pool's `size` bytes: sentences, each followed by one space, drawn a chunk at a
    time (each chunk from its own stream) until the text is long enough."""
    slots = {slot: _word_piece(words) for slot, words in spec.words.items()}
    templates = [_SLOT.split(t) for t in spec.sentences]  # literal, slot, literal, ...
    lengths = [
        [(len(p), len(p)) if i % 2 == 0 else _lengths(spec.words[p]) for i, p in enumerate(parts)]
        for parts in templates
    ]
    shortest = min(sum(low for low, _ in parts) for parts in lengths)
    longest = max(sum(high for _, high in parts) for parts in lengths)
    # from the spec alone (deterministic): enough sentences, a chunk under _CHUNK_BYTES
    per_chunk = min(_CHUNK, spec.size // (shortest + 1) + 1, _CHUNK_BYTES // (longest + 1) + 1)
    text = np.empty(spec.size, dtype=np.uint8)
    filled, chunk = 0, 0
    while filled < spec.size:
        rng = stream(seed, "excerpt pool", spec.key(), chunk)
        which = rng.integers(0, len(templates), per_chunk)
        built: list[pa.Array] = []
        for t, parts in enumerate(templates):
            count = int(np.count_nonzero(which == t))
            pieces = []
            for i, part in enumerate(parts):
                if i % 2 == 0:
                    if part:
                        pieces.append(_literal(part))
                    continue
                piece, cdf = slots[part]
                codes = sample_index(rng, len(piece.offsets) - 1, count, cdf)
                pieces.append(Piece(piece.offsets, piece.data, codes))
            pieces.append(_literal(" "))
            joined = join(pieces, count)
            assert joined is not None  # ASCII words, a few MB: textjoin builds it
            built.append(joined)
        order = np.argsort(which, kind="stable")  # sentence i is the order-th built one
        sentences = pa.concat_arrays(built).take(pa.array(np.argsort(order)))
        offsets = np.frombuffer(sentences.buffers()[1], dtype=np.int32)[: len(sentences) + 1]
        data = np.frombuffer(sentences.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
        taken = min(len(data), spec.size - filled)
        text[filled : filled + taken] = data[:taken]
        filled += taken
        chunk += 1
    return text


class ExcerptKind(Kind[ExcerptSpec]):
    name = "excerpt"
    spec = ExcerptSpec
    types = frozenset({"string"})

    def problems(self, spec: ExcerptSpec, site: Site) -> list[Problem]:
        if spec.from_ is None:
            return []  # a grammar pool: checked by its model
        path = f"{site.gpath}.from"
        problem = ref_problem(site.dataset, path, spec.from_)
        if problem is not None:
            return [problem]
        table, column = split_ref(spec.from_)
        if table == site.node.id:
            return [Problem(path, "the pool must be a column of another table", "table.column")]
        node = site.dataset.node(table)
        pool_col = node.column(column) if node is not None else None
        if pool_col is not None and pool_col.type != "string":
            return [Problem(path, f"`{spec.from_}` is a {pool_col.type} column", "a string column")]
        return []

    def references(self, spec: ExcerptSpec) -> list[str]:
        return [spec.from_] if spec.from_ is not None else []

    def generate(self, spec: ExcerptSpec, col: dsl.Column, ctx: BlockContext) -> pa.Array:
        pool = self._pool(spec, col, ctx)
        return excerpts(ctx.rng(col.name), ctx.n, pool, spec.min_length, spec.max_length)

    def _pool(self, spec: ExcerptSpec, col: dsl.Column, ctx: BlockContext) -> TextPool:
        """The pool, built by the first block that needs it and shared for the run."""
        grammar = spec.pool
        if grammar is not None:
            seed = ctx.seed
            return ctx.store.once(
                f"excerpt pool {grammar.key()}", lambda: TextPool.of(grammar_text(grammar, seed))
            )
        assert spec.from_ is not None
        table, column = split_ref(spec.from_)

        def from_column() -> TextPool | Problem:
            text = ctx.store.text_pool(table, column)
            if len(text) and int(text.max()) >= 128:
                return Problem(
                    f"{ctx.node.id}.{col.name}",
                    f"the pool `{spec.from_}` holds non-ASCII text: an excerpt cuts bytes",
                    "ASCII text in the pool column",
                )
            return TextPool.of(text)

        pool = ctx.store.once(f"excerpt pool {spec.from_}", from_column)
        if isinstance(pool, Problem):
            raise SchemaError([pool])
        return pool

    def plot(self, spec: ExcerptSpec) -> bool:
        return False
