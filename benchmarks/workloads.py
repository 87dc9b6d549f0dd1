"""The workloads measured: dataset (a), the examples and TPC-H through datagen, and
validation; each a child job run in its own process by the harness."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

# Dataset (a): one entity, one 10-column fact. The entity is fixed at
# FACT_PARENTS rows; the fact's size is set by its (exact) fanout, so the
# memory that depends on the parent (kept keys, cumulative fanout) is the same
# at every size and only fact rows grow.
FACT_PARENTS = 100_000
FACT_START, FACT_END = "2024-01-01", "2025-01-01"
STATUS = (["new", "paid", "shipped", "returned", "cancelled"], [0.1, 0.5, 0.3, 0.06, 0.04])
CHANNEL = (["web", "app", "store"], [0.5, 0.35, 0.15])
N_CATEGORIES = 20
ZIPF_A = 1.1


def fact_schema(rows: int) -> dict[str, Any]:
    fanout = max(1, rows // FACT_PARENTS)
    return {
        "version": "1.0",
        "metadata": {
            "name": "bench_fact",
            "description": "benchmark (a): a 10-column fact under one entity",
        },
        "timeframe": {"start": FACT_START, "end": FACT_END, "freq": "s"},
        "nodes": [
            {
                "id": "account",
                "kind": "entity",
                "rows": FACT_PARENTS,
                "pk": "account_id",
                "columns": [
                    {"name": "account_id", "type": "int", "generator": {"sequence": {"start": 1}}},
                    {
                        "name": "tier",
                        "type": "string",
                        "generator": {"choice": {"choices": ["free", "pro"]}},
                    },
                ],
            },
            {
                "id": "event",
                "kind": "fact",
                "pk": "event_id",
                "parents": ["account"],
                "fanout": {"distribution": "uniform", "min": fanout, "max": fanout},
                "columns": [
                    {"name": "event_id", "type": "int", "generator": {"sequence": {"start": 1}}},
                    {
                        "name": "account_id",
                        "type": "int",
                        "generator": {"lookup": {"from": "account.account_id"}},
                    },
                    {
                        "name": "amount",
                        "type": "float",
                        "generator": {
                            "distribution": {
                                "type": "lognormal",
                                "params": {"mean": 3.5, "sigma": 0.6},
                                "clamp": [1, 5000],
                            }
                        },
                    },
                    {
                        "name": "quantity",
                        "type": "int",
                        "generator": {"distribution": {"type": "poisson", "params": {"lam": 3}}},
                    },
                    {
                        "name": "score",
                        "type": "float",
                        "generator": {
                            "distribution": {"type": "normal", "params": {"mean": 0, "std": 1}}
                        },
                    },
                    {
                        "name": "status",
                        "type": "string",
                        "generator": {"choice": {"choices": STATUS[0], "weights": STATUS[1]}},
                    },
                    {
                        "name": "channel",
                        "type": "string",
                        "generator": {"choice": {"choices": CHANNEL[0], "weights": CHANNEL[1]}},
                    },
                    {
                        "name": "category",
                        "type": "string",
                        "generator": {
                            "choice": {
                                "choices": [f"cat_{i:02d}" for i in range(N_CATEGORIES)],
                                "weights_kind": f"zipf@{ZIPF_A}",
                            }
                        },
                    },
                    {
                        "name": "created_at",
                        "type": "datetime",
                        "generator": {"datetime_series": {"within": "timeframe"}},
                    },
                    {
                        "name": "is_flagged",
                        "type": "bool",
                        "generator": {
                            "choice": {"choices": [True, False], "weights": [0.05, 0.95]}
                        },
                    },
                ],
            },
        ],
    }


def distinct_comments(schema: dict[str, Any]) -> dict[str, Any]:
    """TPC-H closer to dbgen's work: every Faker `*comment` column made unique.

    (The spec-faithful examples/tpch.json builds its comments from the spec's
    grammar, distinct per row, and has no Faker comment: this is then a no-op.)

    A unique Faker column is a pool value plus the row id, a distinct string per
    row, written plain (not dictionary-encoded), as dbgen writes its comments.
    """
    for node in schema["nodes"]:
        for col in node["columns"]:
            if "faker" in col["generator"] and col["name"].endswith("comment"):
                col["unique"] = True
    return schema


# --------------------------------------------------------------------------- children


def child_datagen(args: dict[str, Any]) -> dict[str, Any]:
    """Generate a schema (a path, or the fact schema of `fact_rows`) with datagen."""
    from datagen.engine.execute import generate_dataset
    from datagen.engine.load import load_dataset, parse_dataset

    if "fact_rows" in args:
        dataset = parse_dataset(fact_schema(int(args["fact_rows"])))
    elif args.get("distinct_comments"):
        dataset = parse_dataset(distinct_comments(json.loads(Path(args["schema"]).read_text())))
    else:
        dataset = load_dataset(args["schema"])
    kwargs: dict[str, Any] = {"seed": 42, "scale": float(args.get("scale", 1.0))}
    if args.get("fmt"):
        kwargs["fmt"] = args["fmt"]
    workers = int(args.get("workers", 1))
    if workers > 1:
        kwargs["workers"] = workers
    if args.get("partition_rows"):
        from datagen.engine.parts import Partitioning

        kwargs["partition"] = Partitioning(rows=int(args["partition_rows"]))
    t0 = time.perf_counter()
    result = generate_dataset(dataset, args["out"], **kwargs)
    seconds = time.perf_counter() - t0
    tables = {t.name: {"rows": t.rows, "bytes": t.bytes} for t in result.tables}
    return {
        "seconds_inner": seconds,
        "rows": result.total_rows,
        "tables": tables,
        "bytes": sum(t.bytes for t in result.tables),
    }


def child_validate(args: dict[str, Any]) -> dict[str, Any]:
    from datagen.engine.load import load_dataset, parse_dataset
    from datagen.engine.validate.run import validate_dataset

    if "fact_rows" in args:
        dataset = parse_dataset(fact_schema(int(args["fact_rows"])))
    else:
        dataset = load_dataset(args["schema"])
    t0 = time.perf_counter()
    report = validate_dataset(dataset, args["out"])
    seconds = time.perf_counter() - t0
    failed = [
        f"{c.category}:{getattr(c, 'name', getattr(c, 'kind', '?'))}" for c in report.failed()
    ]
    return {
        "seconds_inner": seconds,
        "score": report.score,
        "checks": len(report.checks),
        "failed": failed[:10],
    }
