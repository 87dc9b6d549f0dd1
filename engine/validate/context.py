"""What every check needs: the schema, the tables, and which columns are usable."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from datagen.engine import dsl
from datagen.engine.validate.report import MAX_EXAMPLES
from datagen.engine.validate.source import TableSource


@dataclass
class Context:
    dataset: dsl.Dataset
    sources: dict[str, TableSource]
    rows_expected: dict[str, int] = field(default_factory=dict)
    rows_origin: str = "schema"
    lenient_types: bool = False
    # (table, column) pairs that are missing or of the wrong type: checks skip them.
    unusable: set[tuple[str, str]] = field(default_factory=set)
    # per fact table: children per row of its first parent, shared by two checks
    fanout_counts: dict[str, np.ndarray] = field(default_factory=dict)

    def node(self, table: str) -> dsl.Node:
        node = self.dataset.node(table)
        assert node is not None, table
        return node

    def usable(self, table: str, *columns: str) -> bool:
        return table in self.sources and all((table, c) not in self.unusable for c in columns)

    def num_rows(self, table: str) -> int:
        return self.sources[table].num_rows

    def column(self, table: str, column: str) -> pa.ChunkedArray:
        """One column, dictionary-decoded so every compute function accepts it."""
        values = self.sources[table].column(column)
        if pa.types.is_dictionary(values.type):
            values = values.cast(values.type.value_type)
        return values

    def row_examples(
        self,
        table: str,
        mask: pa.ChunkedArray | pa.Array,
        shown: dict[str, pa.ChunkedArray | pa.Array] | None = None,
    ) -> list[dict[str, Any]]:
        """The first offending rows: their position, primary key and the values at fault."""
        positions = pc.indices_nonzero(pc.fill_null(mask, False))[:MAX_EXAMPLES]
        if len(positions) == 0:
            return []
        examples: list[dict[str, Any]] = [{"row": int(p)} for p in positions.to_pylist()]
        pk = self.node(table).pk
        columns: dict[str, pa.ChunkedArray | pa.Array] = {}
        if pk and pk in self.sources[table].names and (table, pk) not in self.unusable:
            columns[pk] = self.column(table, pk)
        columns.update(shown or {})
        for name, values in columns.items():
            for example, value in zip(examples, values.take(positions).to_pylist(), strict=True):
                example[name] = value
        return examples


def to_numpy(values: pa.ChunkedArray | pa.Array, dtype: Any = None) -> np.ndarray:
    """Non-null values as numpy (nulls must have been filtered out first)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    array = values.to_numpy(zero_copy_only=False)
    return array.astype(dtype) if dtype is not None else array


def datetimes(values: pa.ChunkedArray) -> np.ndarray:
    """A date or datetime column's non-null values as numpy datetime64[us] (naive)."""
    valid = values.drop_null()
    if pa.types.is_timestamp(valid.type) and valid.type.tz is not None:
        valid = valid.cast(pa.timestamp(valid.type.unit))
    if pa.types.is_date(valid.type):
        valid = valid.cast(pa.timestamp("us"))
    return to_numpy(valid).astype("datetime64[us]")
