"""Property tests: for random small schemas, keys are unique, FKs resolve,
declared inequalities hold, and two runs give identical bytes."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datagen.engine.execute import generate_dataset
from datagen.engine.load import parse_dataset
from datagen.engine.relations import foreign_keys

OPS = ["<", "<=", ">", ">="]


@st.composite
def schemas(draw: st.DrawFn) -> dict[str, Any]:
    parent_rows = draw(st.integers(1, 400))
    lam = draw(st.floats(0.2, 6))
    fan_max = draw(st.one_of(st.none(), st.integers(1, 10)))
    self_ref = draw(st.booleans())
    skew = draw(st.sampled_from(["uniform", "zipf@1.1", "head_tail@{0.1,0.9}"]))
    op_child = draw(st.sampled_from(OPS))
    op_row = draw(st.sampled_from(OPS))
    null_rate = draw(st.sampled_from([0.0, 0.3]))
    parent_cols: list[dict[str, Any]] = [
        {
            "name": "pid",
            "type": "int",
            "generator": {
                "sequence": {
                    "start": draw(st.integers(-5, 5)),
                    "step": draw(st.sampled_from([1, 3])),
                }
            },
        },
        {
            "name": "since",
            "type": "datetime",
            "generator": {"datetime_series": {"within": "timeframe"}},
        },
        {
            "name": "score",
            "type": "float",
            "generator": {"distribution": {"type": "normal", "params": {"mean": 0, "std": 5}}},
        },
    ]
    if self_ref:
        parent_cols.append(
            {
                "name": "boss",
                "type": "int",
                "nullable": True,
                "generator": {"lookup": {"from": "p.pid"}},
            }
        )
    other = {
        "id": "o",
        "kind": "entity",
        "rows": draw(st.integers(1, 50)),
        "pk": "oid",
        "columns": [{"name": "oid", "type": "int", "generator": {"sequence": {}}}],
    }
    fanout: dict[str, Any] = {"distribution": "poisson", "lambda": lam}
    if fan_max is not None:
        fanout["max"] = fan_max
    child = {
        "id": "c",
        "kind": "fact",
        "pk": "cid",
        "parents": ["p"],
        "fanout": fanout,
        "columns": [
            {"name": "cid", "type": "int", "generator": {"sequence": {}}},
            {"name": "pid", "type": "int", "generator": {"lookup": {"from": "p.pid"}}},
            {
                "name": "oid",
                "type": "int",
                "nullable": null_rate > 0,
                "null_rate": null_rate,
                "generator": {"lookup": {"from": "o.oid", "weights_kind": skew}},
            },
            {
                "name": "at",
                "type": "datetime",
                "generator": {"datetime_series": {"within": "timeframe"}},
            },
            {
                "name": "lo",
                "type": "float",
                "generator": {
                    "distribution": {"type": "uniform", "params": {"low": 0, "high": 10}}
                },
            },
            {
                "name": "hi",
                "type": "float",
                "generator": {
                    "distribution": {"type": "uniform", "params": {"low": 0, "high": 10}}
                },
            },
        ],
    }
    return {
        "timeframe": {"start": "2023-01-01", "end": "2024-01-01"},
        "nodes": [
            {"id": "p", "kind": "entity", "rows": parent_rows, "pk": "pid", "columns": parent_cols},
            other,
            child,
        ],
        "constraints": {
            "inequalities": [
                {"left": "c.at", "op": op_child, "right": "p.since"},
                {"left": "c.hi", "op": op_row, "right": "c.lo"},
            ]
        },
    }


def _hashes(directory: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.glob("*.parquet"))
    }


COMPARE = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=schemas(), seed=st.integers(0, 2**32))
def test_keys_fks_inequalities_and_determinism(data: dict[str, Any], seed: int) -> None:
    dataset = parse_dataset(data)
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp) / "a", Path(tmp) / "b"
        generate_dataset(dataset, first, seed=seed)
        generate_dataset(dataset, second, seed=seed)
        assert _hashes(first) == _hashes(second)
        tables = {p.stem: pq.read_table(p) for p in first.glob("*.parquet")}

    for node in dataset.nodes:
        keys = tables[node.id][node.pk].to_numpy()
        assert len(np.unique(keys)) == len(keys)
    for fk in foreign_keys(dataset):
        child = tables[fk.table][fk.column].drop_null().to_numpy()
        parent = tables[fk.ref_table][fk.ref_column].to_numpy()
        assert np.isin(child, parent).all()
        if fk.self_reference:
            own = tables[fk.table].filter(tables[fk.table][fk.column].is_valid())
            assert (own[fk.column].to_numpy() != own["pid"].to_numpy()).all()

    child, parent = tables["c"], tables["p"]
    since = dict(zip(parent["pid"].to_pylist(), parent["since"].to_numpy(), strict=True))
    at = child["at"].to_numpy()
    bound = np.array([since[k] for k in child["pid"].to_pylist()], dtype="datetime64[us]")
    ineq = dataset.constraints.inequalities
    assert COMPARE[ineq[0].op](at, bound).all()
    assert COMPARE[ineq[1].op](child["hi"].to_numpy(), child["lo"].to_numpy()).all()
    fanout = dataset.nodes[2].fanout
    counts = np.bincount(
        np.searchsorted(parent["pid"].to_numpy(), child["pid"].to_numpy()),
        minlength=parent.num_rows,
    )
    if fanout.max is not None:
        assert counts.max(initial=0) <= fanout.max


@settings(max_examples=200, deadline=None)
@given(
    counts=st.lists(st.integers(0, 5), min_size=1, max_size=60),
    start=st.integers(0, 200),
    size=st.integers(1, 50),
)
def test_block_parent_rows_match_a_search_per_row(counts: list[int], start: int, size: int) -> None:
    from datagen.engine.block import _parent_rows

    cumulative = np.cumsum(np.array(counts, dtype=np.int64))
    total = int(cumulative[-1])
    start = min(start, total)
    stop = min(total, start + size)
    expected = np.searchsorted(cumulative, np.arange(start, stop), side="right")
    assert _parent_rows(cumulative, start, stop).tolist() == expected.tolist()
