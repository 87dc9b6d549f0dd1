"""The Arrow side of a table: its schema, which columns are dictionary encoded, conforming.

Part of the byte contract: the types and encodings chosen here are what
every writer receives.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from datagen.engine import dsl
from datagen.engine.errors import Problem, SchemaError
from datagen.engine.generators.kind import kind_of, kinds_with_specs, spec_of
from datagen.engine.logical import format_of
from datagen.engine.modifiers.kind import modifier_of
from datagen.engine.values import ARROW_TYPES


def arrow_schema(node: dsl.Node) -> pa.Schema:
    fields = []
    for col in node.columns:
        if col.hidden:  # a helper column is not written
            continue
        arrow_type = format_of(col.format).arrow if col.format else ARROW_TYPES[col.type]
        if col.type == "string" and not col.format and _dictionary_encoded(col):
            arrow_type = pa.dictionary(pa.int32(), pa.string())
        fields.append(
            pa.field(col.name, arrow_type, nullable=col.nullable or kind_of(col).nullable_output)
        )
    return pa.schema(fields)


def _dictionary_encoded(col: dsl.Column) -> bool:
    if not all(modifier_of(m).keeps_dictionary for m in col.modifiers):
        return False
    return kind_of(col).dictionary_encoded(spec_of(col), col)


def dictionary_columns(node: dsl.Node, row_counts: dict[str, int] | None = None) -> list[str]:
    """Columns whose values repeat a lot: strings from pools, flags, picks, keys of small
    tables (each kind says whether its values repeat, given the row counts so far)."""
    out = []
    row_counts = row_counts or {}
    for col, kind, spec in kinds_with_specs(node):
        if col.hidden:
            continue
        repeats = kind.repeats(spec, col, row_counts)
        if col.format is not None:  # stored as its own Arrow type, never a dictionary
            continue
        if (
            col.type == "bool"
            or (col.type == "string" and _dictionary_encoded(col))
            or (repeats and not col.unique)
        ):
            out.append(col.name)
    return out


def conform(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """The batch with the schema's types (dictionary encoded where the schema says)."""
    arrays = []
    for array, field_ in zip(batch.columns, schema, strict=True):
        if array.type != field_.type:
            if pa.types.is_dictionary(field_.type):
                array = array.cast(pa.string()).dictionary_encode()
            else:
                try:
                    array = array.cast(field_.type)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                    raise SchemaError(
                        [
                            Problem(
                                field_.name,
                                f"a value does not fit {field_.type}: {exc}",
                                "a larger precision, or a clamp to the values it can hold",
                            )
                        ]
                    ) from None
        arrays.append(array)
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def parquet_writer(where: Any, schema: pa.Schema, dictionary_columns: list[str]) -> Any:
    """The Parquet writer of every table file and part file (the same options everywhere)."""
    import pyarrow.parquet as pq

    # Dictionary encoding only where values repeat: trying it on every float
    # column costs more than the whole rest of the write.
    return pq.ParquetWriter(
        where,
        schema,
        compression="snappy",
        use_dictionary=[c for c in dictionary_columns if c in schema.names],
        # DECIMAL(p <= 18) as INT32/INT64, as DuckDB, Spark and parquet-rs write it:
        # ~8% less encoding than fixed-length byte arrays, and smaller files
        store_decimal_as_integer=True,
    )
