"""The Arrow side of a table: its schema, which columns are dictionary encoded, conforming.

Part of the byte contract: the types and encodings chosen here are what
every writer receives.
"""

from __future__ import annotations

import pyarrow as pa

from datagen.engine import dsl
from datagen.engine.values import ARROW_TYPES


def arrow_schema(node: dsl.Node) -> pa.Schema:
    fields = []
    for col in node.columns:
        if col.hidden:  # a helper column is not written
            continue
        arrow_type = ARROW_TYPES[col.type]
        if col.type == "string" and _dictionary_encoded(col):
            arrow_type = pa.dictionary(pa.int32(), pa.string())
        fields.append(pa.field(col.name, arrow_type, nullable=col.nullable or _may_be_null(col)))
    return pa.schema(fields)


def _dictionary_encoded(col: dsl.Column) -> bool:
    spec = dsl.generator_spec(col.generator)
    if any(isinstance(m, dsl.ExpressionMod) for m in col.modifiers):
        return False
    if isinstance(spec, dsl.FakerSpec):
        return not col.unique and spec.method not in ("uuid4", "name", "user_name")
    return isinstance(spec, (dsl.ChoiceSpec, dsl.EnumListSpec, dsl.LookupSpec))


DICTIONARY_MAX_KEYS = 1 << 16


def dictionary_columns(node: dsl.Node, row_counts: dict[str, int] | None = None) -> list[str]:
    """Columns whose values repeat a lot: strings from pools, flags, picks, keys of small tables.

    A lookup into a large table (lineitem -> orders) has too many distinct values
    for a dictionary to pay: encoding it costs 4x a plain write and the file grows.
    """
    out = []
    row_counts = row_counts or {}
    for col in node.columns:
        if col.hidden:
            continue
        spec = dsl.generator_spec(col.generator)
        repeats = isinstance(spec, (dsl.ChoiceSpec, dsl.EnumListSpec))
        if isinstance(spec, dsl.LookupSpec):
            source = spec.from_.split(".", 1)[0]
            repeats = row_counts.get(source, 0) <= DICTIONARY_MAX_KEYS
        if (
            col.type == "bool"
            or (col.type == "string" and _dictionary_encoded(col))
            or (repeats and not col.unique)
        ):
            out.append(col.name)
    return out


def _may_be_null(col: dsl.Column) -> bool:
    spec = dsl.generator_spec(col.generator)
    return isinstance(spec, dsl.LookupSpec)


def conform(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """The batch with the schema's types (dictionary encoded where the schema says)."""
    arrays = []
    for array, field_ in zip(batch.columns, schema, strict=True):
        if array.type != field_.type:
            if pa.types.is_dictionary(field_.type):
                array = array.cast(pa.string()).dictionary_encode()
            else:
                array = array.cast(field_.type)
        arrays.append(array)
    return pa.RecordBatch.from_arrays(arrays, schema=schema)
