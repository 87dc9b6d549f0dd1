"""Sort-based key matching against a plain Python reference, on generated key columns."""

from __future__ import annotations

from collections import Counter

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from datagen.engine.validate.keys import KeyIndex, duplicates, increasing

keys = st.one_of(st.none(), st.integers(-50, 50))
parents = st.one_of(
    st.lists(keys, max_size=40),
    # sequence keys: the arithmetic fast path
    st.builds(
        lambda start, step, n: list(range(start, start + step * n, step)),
        st.integers(-5, 5),
        st.integers(1, 4),
        st.integers(0, 30),
    ),
)


def reference_rows(child: list[int | None], parent: list[int | None]) -> list[int]:
    first: dict[int, int] = {}
    for row, key in enumerate(parent):
        if key is not None and key not in first:
            first[key] = row
    return [-1 if key is None else first.get(key, -1) for key in child]


@settings(max_examples=150, deadline=None)
@given(parents, st.lists(keys, max_size=60), st.integers(1, 4))
def test_key_index_finds_the_first_parent_row(
    parent: list[int | None], child: list[int | None], chunks: int
) -> None:
    size = max(1, len(parent) // chunks)
    pieces = [pa.array(parent[i : i + size], pa.int64()) for i in range(0, len(parent), size)]
    index = KeyIndex(pa.chunked_array(pieces, pa.int64()))
    found = index.rows(pa.array(child, pa.int64()))
    assert found.tolist() == reference_rows(child, parent)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.text("abc", max_size=2)), max_size=30),
    st.lists(st.one_of(st.none(), st.text("abcd", max_size=2)), max_size=30),
)
def test_key_index_on_strings(parent: list[str | None], child: list[str | None]) -> None:
    index = KeyIndex(pa.chunked_array([pa.array(parent, pa.string())]))
    assert index.rows(pa.array(child, pa.string())).tolist() == reference_rows(child, parent)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(st.lists(keys, max_size=60), st.integers(1, 4))
def test_duplicates_match_a_counter(values: list[int | None], pieces: int) -> None:
    size = max(1, len(values) // pieces)
    chunks = [pa.array(values[i : i + size], pa.int64()) for i in range(0, len(values), size)]
    column = pa.chunked_array(chunks, pa.int64())
    counts = Counter(v for v in values if v is not None)
    extra, repeated = duplicates(column)
    assert extra == sum(c - 1 for c in counts.values())
    repeated_keys = sorted(k for k, c in counts.items() if c > 1)[:5]
    assert repeated == [(k, counts[k]) for k in repeated_keys]
    # streamed: increasing keys are unique, and a repeat is never called increasing
    if increasing(chunks):
        assert extra == 0


def test_enum_ignores_nulls_and_names_unknown_values() -> None:
    from datagen.engine import dsl
    from datagen.engine.validate import validate_tables

    dataset = dsl.Dataset.model_validate(
        {
            "nodes": [
                {
                    "id": "t",
                    "kind": "entity",
                    "columns": [
                        {
                            "name": "size",
                            "type": "string",
                            "nullable": True,
                            "generator": {"choice": {"choices": ["S", "M"]}},
                            "modifiers": [{"transform": "map_values", "args": {"mapping": {}}}],
                        }
                    ],
                }
            ],
            "constraints": {"enum": [{"column": "t.size", "values": ["S", "M"]}]},
        }
    )
    table = pa.table({"size": pa.array(["S", None, "XL", "M", None], pa.string())})
    report = validate_tables(dataset, {"t": table}, rows_expected={"t": 5})
    enum = next(c for c in report.checks if c.name == "enum")
    assert enum.measured == {"outside": 1, "unknown_values": ["XL"]}
    assert enum.examples == [{"row": 2, "size": "XL"}]
