"""Partitioned output: a table as a folder of Parquet part files, each written by whoever computed it.

A part is a run of whole blocks (`--partition-rows N` rounds N up to whole
blocks of BLOCK_ROWS rows), so its bytes are a function of the schema, the
seed and the part index only: a thread, a Dask worker or a retry of either
writes the same file. With `--partition-by column`, each part's rows are
split by that column's value into Hive-style folders
(`table/column=value/part-00003.parquet`) and the column is left out of the
files, as Hive, Spark, DuckDB and pyarrow.dataset expect.

`write_part` is the unit of work: it computes the part's blocks and writes its
files a block (one row group) at a time, under a temporary name then renamed
(a killed worker leaves no torn part; to a URL: one put per file), and returns
only what the client needs: the kept columns later tables read, and each
file's name, rows, bytes and SHA-256.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine import dsl
from datagen.engine.arrowtypes import arrow_schema, conform, parquet_writer
from datagen.engine.block import TableRun, block_output
from datagen.engine.errors import InputError
from datagen.engine.plan import BLOCK_ROWS, Plan
from datagen.engine.store import TableStore
from datagen.engine.values import Values

HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"  # the folder of null values (Hive's and pyarrow's name)
BY_ALONE_BLOCKS = 8  # --partition-by without --partition-rows: parts of 8 blocks (~1M rows)
PARTITION_TYPES = ("string", "int", "bool", "date")  # values that make a readable folder name


@dataclass(frozen=True)
class Partitioning:
    """--partition-rows / --partition-by: how each table is cut into part files."""

    rows: int | None = None
    by: str | None = None

    @property
    def blocks_per_part(self) -> int:
        if self.rows is None:
            return BY_ALONE_BLOCKS
        return max(1, -(-self.rows // BLOCK_ROWS))

    def column_of(self, node: dsl.Node) -> str | None:
        """The partition column of this table (None: the table has no such column)."""
        if self.by is None:
            return None
        col = node.column(self.by)
        return self.by if col is not None and not col.hidden else None


def check_partitioning(
    dataset: dsl.Dataset, partitioning: Partitioning, formats: list[str]
) -> None:
    """Refuse what partitioned output cannot do, naming the flag."""
    flag = "--partition-by" if partitioning.by else "--partition-rows"
    if formats != ["parquet"]:
        raise InputError(f"{flag} writes Parquet part files: use --format parquet alone")
    if partitioning.rows is not None and partitioning.rows < 1:
        raise InputError(f"--partition-rows {partitioning.rows}: give a positive number of rows")
    if partitioning.by is None:
        return
    found = [n for n in dataset.nodes if partitioning.column_of(n)]
    if not found:
        raise InputError(f"--partition-by {partitioning.by!r}: no table has that column")
    for node in found:
        col = node.column(partitioning.by)
        assert col is not None
        if col.unique or node.key_columns == [col.name]:
            raise InputError(
                f"--partition-by {partitioning.by!r}: `{node.id}.{col.name}` is unique, so every "
                "row would get a folder of its own; partition by a column of few values"
            )
        if col.type not in PARTITION_TYPES:
            raise InputError(
                f"--partition-by {partitioning.by!r}: `{node.id}.{col.name}` is a {col.type}; "
                f"partition by a {', '.join(PARTITION_TYPES)} column"
            )


def part_count(run: TableRun, partitioning: Partitioning) -> int:
    per = partitioning.blocks_per_part
    return -(-run.blocks // per)


def part_blocks(run: TableRun, partitioning: Partitioning, part: int) -> range:
    per = partitioning.blocks_per_part
    return range(part * per, min(run.blocks, (part + 1) * per))


@dataclass
class PartFile:
    file: str  # relative to the output folder: lineitem/part-00000.parquet
    rows: int
    bytes: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "rows": self.rows, "bytes": self.bytes, "sha256": self.sha256}


@dataclass
class PartOutput:
    """What a part's task sends back: never table data, only what later tables read."""

    kept: list[dict[str, tuple[Values, np.ndarray | None]]]  # per block, as block_output's
    files: list[PartFile] = field(default_factory=list)


def write_part(
    plan: Plan,
    run: TableRun,
    part: int,
    store: TableStore,
    keep: tuple[str, ...],
    destination: str,
    partitioning: Partitioning,
    dictionary_columns: list[str],
) -> PartOutput:
    """Compute the part's blocks and write its file(s) under destination/<table>/, a block
    (one row group per file) at a time: memory holds one block, not the part."""
    node = run.table.node
    schema = arrow_schema(node)
    name = f"part-{part:05d}.parquet"
    by = partitioning.column_of(node)
    out = PartOutput(kept=[])
    files: dict[str, _PartWriter] = {}
    try:
        for block in part_blocks(run, partitioning, part):
            batch, kept = block_output(plan, run, block, store, keep)
            batch = conform(batch, schema)
            out.kept.append(kept)
            if by is None:
                pieces = [(f"{node.id}/{name}", batch)]
            else:
                rest = batch.drop_columns([by])
                pieces = [
                    (f"{node.id}/{by}={folder}/{name}", rest.take(rows))
                    for folder, rows in _groups(batch.column(by))
                ]
            for relative, piece in pieces:
                if relative not in files:
                    files[relative] = _PartWriter(
                        destination, relative, piece.schema, dictionary_columns
                    )
                files[relative].write(piece)
        if by is None and not files:  # a part of empty blocks still has its file
            relative = f"{node.id}/{name}"
            files[relative] = _PartWriter(destination, relative, schema, dictionary_columns)
        out.files = [files[relative].finish() for relative in sorted(files)]
    except BaseException:
        for writer in files.values():
            writer.abort()
        raise
    return out


def _groups(values: pa.Array | pa.ChunkedArray) -> list[tuple[str, pa.Array]]:
    """(Hive folder value, row indexes) per distinct value, rows in their order, values sorted."""
    plain = values.cast(values.type.value_type) if pa.types.is_dictionary(values.type) else values
    encoded = pc.dictionary_encode(plain)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    names = [_folder_value(v) for v in encoded.dictionary.to_pylist()] + [HIVE_NULL]
    codes = encoded.indices.fill_null(len(names) - 1).to_numpy(zero_copy_only=False)
    order = np.argsort(codes, kind="stable")
    cuts = np.flatnonzero(np.diff(codes[order])) + 1
    groups = [(names[int(codes[rows[0]])], pa.array(rows)) for rows in np.split(order, cuts)]
    return sorted((g for g in groups if len(g[1])), key=lambda g: g[0])


def _folder_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return quote(text, safe="")  # pyarrow and Spark URI-decode the folder name


def is_url(destination: str | Path) -> bool:
    """An fsspec URL (s3://, gs://, abfs://, file://...) rather than a local folder."""
    return "://" in str(destination)


class _PartWriter:
    """One part file, written a block at a time: locally under a temporary name renamed at
    the end (a retry after a lost worker rewrites the same bytes; nothing half-written ever
    carries the part's name); to a URL, encoded in memory and stored with one put (an object
    appears whole or not at all)."""

    def __init__(
        self, destination: str, relative: str, schema: pa.Schema, dictionary_columns: list[str]
    ):
        self.destination, self.relative, self.rows = destination, relative, 0
        self.scratch: Path | None = None
        self.sink: pa.BufferOutputStream | None = None
        where: Any
        if is_url(destination):
            self.sink = where = pa.BufferOutputStream()
        else:
            path = Path(destination) / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            self.scratch = where = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        self.writer = parquet_writer(where, schema, dictionary_columns)

    def write(self, batch: pa.RecordBatch) -> None:
        if batch.num_rows:
            self.writer.write_batch(batch, row_group_size=batch.num_rows)
            self.rows += batch.num_rows

    def finish(self) -> PartFile:
        self.writer.close()
        if self.sink is not None:
            return self._put(self.sink.getvalue().to_pybytes())
        assert self.scratch is not None
        digest, size = _sha256(self.scratch), self.scratch.stat().st_size
        os.replace(self.scratch, Path(self.destination) / self.relative)
        return PartFile(self.relative, self.rows, size, digest)

    def _put(self, data: bytes) -> PartFile:
        import fsspec

        fs, root = fsspec.core.url_to_fs(self.destination)
        path = f"{root.rstrip('/')}/{self.relative}"
        fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
        fs.pipe_file(path, data)
        return PartFile(self.relative, self.rows, len(data), hashlib.sha256(data).hexdigest())

    def abort(self) -> None:
        try:
            self.writer.close()
        except Exception:  # the original failure matters more
            pass
        if self.scratch is not None:
            self.scratch.unlink(missing_ok=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def remove_strays(destination: Path, table: str, files: list[PartFile]) -> None:
    """Drop what a killed worker left in the table's folder (temporary files, never a part)."""
    listed = {destination / f.file for f in files}
    folder = destination / table
    if not folder.is_dir():
        return
    for path in folder.rglob("*"):
        if path.is_file() and path not in listed:
            path.unlink()
