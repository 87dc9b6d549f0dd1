"""Rows split by the value of a column: the `by` + `cases` of a parent-dependent fanout and
of conditional choices and distributions (weights or parameters per group).

A case key is the value as JSON text writes it: a string as is, an int in decimal,
a bool as `true` / `false`. Every row gets the index of its case in `keys`, or -1
(null, or a value no case names: the column's default shape).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen.engine.errors import Problem, did_you_mean
from datagen.engine.values import Encoded, Values

# the column types a `by` can name (their values have one obvious JSON text)
BY_TYPES = frozenset({"string", "int", "bool"})


def case_key(value: object) -> str:
    """The JSON text of a value, as case keys are written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def fits_key(key: str, column_type: str) -> bool:
    """Whether a case key is a value a column of that type can hold."""
    if column_type == "bool":
        return key in ("true", "false")
    if column_type == "int":
        return re.fullmatch(r"-?[0-9]+", key) is not None and str(int(key)) == key
    return True


def by_problems(
    by: str, keys: Sequence[str], columns: Mapping[str, str], where: str, path: str
) -> Iterator[Problem]:
    """Problems of a `by` naming a column of `where` (columns: name -> type) and of the
    case keys (`path`: the JSON path of the spec holding `by` and `cases`)."""
    if by not in columns:
        yield Problem(
            f"{path}.by", f"{where} has no column `{by}`", None, did_you_mean(by, list(columns))
        )
        return
    if columns[by] not in BY_TYPES:
        yield Problem(
            f"{path}.by", f"`{by}` is {columns[by]}: a `by` needs a string, int or bool column"
        )
        return
    for key in keys:
        if not fits_key(key, columns[by]):
            yield Problem(
                f"{path}.cases.{key}", f"`{key}` is not a value of the {columns[by]} column `{by}`"
            )


def _indexes(values: pa.Array, keys: Sequence[str]) -> np.ndarray:
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    text = values.cast(pa.string())
    found = pc.index_in(text, value_set=pa.array(list(keys), pa.string()))
    return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def case_index(
    values: Values | pa.Array, mask: np.ndarray | None, keys: Sequence[str]
) -> np.ndarray:
    """Per row: the position of its value's case in `keys`, -1 for none (or null)."""
    if isinstance(values, Encoded):
        index = _indexes(values.dictionary, keys)[values.codes]
    elif isinstance(values, pa.Array | pa.ChunkedArray):
        array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
        index = _indexes(array, keys)
    else:
        index = _indexes(pa.array(np.asarray(values)), keys)
    if mask is not None:
        index = np.where(mask, -1, index)
    return index


__all__ = ["BY_TYPES", "by_problems", "case_index", "case_key", "fits_key"]
