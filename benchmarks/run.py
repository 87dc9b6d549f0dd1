"""datagen benchmarks: `make bench` (or `python benchmarks/run.py [--quick] [--sf N]`).

Every figure is measured in this run and every headline number is a ratio to
a reference measured in the same run, because the machine is shared and noisy.
Each measurement runs in its own subprocess: wall time around the process,
CPU time (user + sys) and peak RSS from `os.wait4` (the child's own rusage).

Sections
  a  a 10-column fact table under one entity through datagen, against a plain
     numpy + pyarrow writer of the same table (same types, snappy, same row
     groups, same dictionary columns): the practical ceiling. Two sizes, to
     show that peak memory does not grow with fact rows.
  b  every examples/*.json (except tpch, see d) at --scale 10.
  c  validation time beside generation time (dataset a, and one example).
  d  TPC-H: datagen on examples/tpch.json vs DuckDB `CALL dbgen` + COPY to
     Parquet vs tpchgen-cli (Rust), each at the same core count (1 core:
     pinned with sched_setaffinity, DuckDB threads=1, tpchgen -n 1; then all
     cores).

Results: a table on stdout and benchmarks/results.json.

The top level imports only the standard library: the same file runs the
DuckDB child under the benchmark's own environment (benchmarks/.venv-bench,
created on first use with pinned duckdb + duckdb-extension-tpch + tpchgen-cli).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results.json"
BENCH_ENV = HERE / ".venv-bench"
# duckdb-extension-tpch must match the duckdb it is loaded into, exactly.
DUCKDB_VERSION = "1.5.5"
TPCHGEN_VERSION = "4.0.0"
BENCH_PACKAGES = [
    f"duckdb=={DUCKDB_VERSION}",
    f"duckdb-extension-tpch=={DUCKDB_VERSION}",
    f"tpchgen-cli=={TPCHGEN_VERSION}",
]
TPCH_TABLES = ["region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"]

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
    workers = int(args.get("workers", 1))
    if workers > 1:
        kwargs["workers"] = workers
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


def child_reference(args: dict[str, Any]) -> dict[str, Any]:
    """The ceiling: the fact table of (a) written directly with numpy + pyarrow.

    Same column types, the same block size as one row group, snappy, the same
    dictionary-encoded columns as datagen writes; the same sampling methods
    (inverse CDF for weighted picks, FK by the parent's cumulative fanout).
    No schema, no plan, no generic dispatch: only the numpy calls.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from datagen.engine.plan import BLOCK_ROWS

    rows = int(args["fact_rows"])
    fanout = max(1, rows // FACT_PARENTS)
    out = Path(args["out"])
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    # parents: the entity table (small) and the fact's cumulative fanout
    parent_ids = np.arange(1, FACT_PARENTS + 1, dtype=np.int64)
    pq.write_table(
        pa.table(
            {
                "account_id": parent_ids,
                "tier": pa.DictionaryArray.from_arrays(
                    pa.array(np.random.default_rng(1).integers(0, 2, FACT_PARENTS), pa.int32()),
                    pa.array(["free", "pro"]),
                ),
            }
        ),
        out / "account.parquet",
        compression="snappy",
    )
    cumulative = np.cumsum(np.full(FACT_PARENTS, fanout, dtype=np.int64))
    total = int(cumulative[-1])

    def cdf(weights: Any) -> Any:
        c = np.cumsum(np.asarray(weights, dtype=np.float64))
        return c / c[-1]

    status_cdf, channel_cdf = cdf(STATUS[1]), cdf(CHANNEL[1])
    category_cdf = cdf(1.0 / np.power(np.arange(1, N_CATEGORIES + 1, dtype=np.float64), ZIPF_A))
    dictionaries = {
        "status": pa.array(STATUS[0]),
        "channel": pa.array(CHANNEL[0]),
        "category": pa.array([f"cat_{i:02d}" for i in range(N_CATEGORIES)]),
    }
    lo = int(np.datetime64(FACT_START, "s").astype(np.int64))
    hi = int(np.datetime64(FACT_END, "s").astype(np.int64))
    strings = pa.dictionary(pa.int32(), pa.string())
    schema = pa.schema(
        [
            pa.field("event_id", pa.int64(), False),
            pa.field("account_id", pa.int64()),
            pa.field("amount", pa.float64(), False),
            pa.field("quantity", pa.int64(), False),
            pa.field("score", pa.float64(), False),
            pa.field("status", strings, False),
            pa.field("channel", strings, False),
            pa.field("category", strings, False),
            pa.field("created_at", pa.timestamp("us"), False),
            pa.field("is_flagged", pa.bool_(), False),
        ]
    )
    dictionary_columns = ["account_id", "status", "channel", "category", "is_flagged"]
    writer = pq.ParquetWriter(
        out / "event.parquet", schema, compression="snappy", use_dictionary=dictionary_columns
    )

    def pick(rng: Any, c: Any, n: int) -> Any:
        return np.searchsorted(c, rng.random(n), side="right").astype(np.int32)

    for block, start in enumerate(range(0, total, BLOCK_ROWS)):
        stop = min(total, start + BLOCK_ROWS)
        n = stop - start
        rng = [np.random.Generator(np.random.PCG64([block, k])) for k in range(9)]
        row_ids = np.arange(start, stop, dtype=np.int64)
        seconds = rng[7].integers(lo, hi, n, dtype=np.int64)
        arrays = [
            pa.array(row_ids + 1),
            pa.array(parent_ids[np.searchsorted(cumulative, row_ids, side="right")]),
            pa.array(np.clip(rng[0].lognormal(3.5, 0.6, n), 1, 5000)),
            pa.array(rng[1].poisson(3, n).astype(np.int64)),
            pa.array(rng[2].normal(0, 1, n)),
            pa.DictionaryArray.from_arrays(
                pa.array(pick(rng[3], status_cdf, n)), dictionaries["status"]
            ),
            pa.DictionaryArray.from_arrays(
                pa.array(pick(rng[4], channel_cdf, n)), dictionaries["channel"]
            ),
            pa.DictionaryArray.from_arrays(
                pa.array(pick(rng[5], category_cdf, n)), dictionaries["category"]
            ),
            pa.array(seconds.astype("datetime64[s]").astype("datetime64[us]")),
            pa.array(rng[6].random(n) < 0.05),
        ]
        writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema), row_group_size=n)
    writer.close()
    seconds_inner = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in out.glob("*.parquet"))
    return {
        "seconds_inner": seconds_inner,
        "rows": total + FACT_PARENTS,
        "fact_rows": total,
        "bytes": size,
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


def child_duckdb(args: dict[str, Any]) -> dict[str, Any]:
    """DuckDB: CALL dbgen(sf) then COPY each table to Parquet (runs in .venv-bench)."""
    import duckdb
    import duckdb_extension_tpch  # the PyPI package that ships the extension file

    ext = next(Path(duckdb_extension_tpch.__file__).parent.rglob("tpch.duckdb_extension"))
    out = Path(args["out"])
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"SET threads = {int(args['threads'])}")
    t0 = time.perf_counter()
    con.execute(f"LOAD '{ext}'")
    con.execute(f"CALL dbgen(sf = {float(args['sf'])})")
    t1 = time.perf_counter()
    rows = 0
    for table in TPCH_TABLES:
        rows += con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
        con.execute(
            f"COPY {table} TO '{out / (table + '.parquet')}' (FORMAT parquet, COMPRESSION snappy)"
        )
    t2 = time.perf_counter()
    size = sum(p.stat().st_size for p in out.glob("*.parquet"))
    return {
        "seconds_inner": t2 - t0,
        "seconds_dbgen": t1 - t0,
        "seconds_copy": t2 - t1,
        "rows": rows,
        "bytes": size,
        "duckdb": duckdb.__version__,
        "extension": str(ext),
    }


CHILDREN = {
    "datagen": child_datagen,
    "reference": child_reference,
    "validate": child_validate,
    "duckdb": child_duckdb,
}


def child_main(job: str, spec: str, result_path: str) -> None:
    args = json.loads(spec)
    if job != "duckdb":
        import pyarrow as pa

        # the core count under test: Arrow's own thread pool may not use more
        pa.set_cpu_count(max(1, int(args.get("workers", 1))))
        pa.set_io_thread_count(max(1, int(args.get("workers", 1))))
    # import first, so that cpu_inner (like seconds_inner) measures the work, not start-up
    if job == "duckdb":
        import duckdb  # noqa: F401
    else:
        import datagen.engine.execute  # noqa: F401
        import datagen.engine.load  # noqa: F401

        if job == "validate":
            import datagen.engine.validate.run  # noqa: F401
    cpu0 = time.process_time()
    result = CHILDREN[job](args)
    result["cpu_inner"] = time.process_time() - cpu0
    Path(result_path).write_text(json.dumps(result))


# --------------------------------------------------------------------------- measuring


def measure(
    cmd: list[str],
    *,
    cpus: set[int] | None = None,
    result_file: Path | None = None,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run cmd as a child: wall seconds, CPU seconds and peak RSS of that child alone."""

    def pin() -> None:
        if cpus is not None:
            os.sched_setaffinity(0, cpus)

    load1 = os.getloadavg()[0]
    with tempfile.TemporaryFile() as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, preexec_fn=pin, env=env)
        # wait4, not wait: the rusage of this child alone (RUSAGE_CHILDREN would be the max so far)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            log.seek(0)
            tail = log.read().decode(errors="replace")[-3000:]
            raise RuntimeError(f"{' '.join(cmd[:6])}... exited {proc.returncode}:\n{tail}")
    out: dict[str, Any] = {
        "seconds": wall,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,  # Linux: KiB
        "load1_before": load1,
    }
    if result_file is not None and result_file.exists():
        out.update(json.loads(result_file.read_text()))
    return out


class Bench:
    def __init__(self, opts: argparse.Namespace, work: Path):
        self.opts = opts
        self.work = work
        self.results: dict[str, Any] = {}
        self.python = sys.executable
        self.cores = sorted(os.sched_getaffinity(0))

    def child(
        self,
        job: str,
        spec: dict[str, Any],
        *,
        python: str | None = None,
        cpus: set[int] | None = None,
    ) -> dict[str, Any]:
        result_file = self.work / f"result-{job}-{time.monotonic_ns()}.json"
        cmd = [
            python or self.python,
            str(HERE / "run.py"),
            "--child",
            job,
            json.dumps(spec),
            str(result_file),
        ]
        return measure(cmd, cpus=cpus, result_file=result_file)

    def best(self, runs: list[dict[str, Any]]) -> dict[str, Any]:
        """The fastest of repeated runs (least disturbed by the neighbours), with the spread."""
        best = dict(min(runs, key=lambda r: r["seconds"]))
        best["runs_seconds"] = [round(r["seconds"], 3) for r in runs]
        best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
        if "rows" in best:
            best["rows_per_s"] = best["rows"] / best["seconds"]
            best["rows_per_cpu_s"] = best["rows"] / best["cpu_seconds"]
        return best

    def one_core(self) -> set[int] | None:
        """Pin to the first core only with --pin: on a shared machine, a pinned child
        cannot move away from a busy neighbour. Unpinned, one core is a thread limit."""
        return {self.cores[0]} if self.opts.pin else None

    def cpus(self, n: int) -> set[int] | None:
        return set(self.cores[:n]) if self.opts.pin else None

    # ------------------------------------------------------------------ (a)
    def section_a(self) -> None:
        sizes = [500_000, 2_000_000] if self.opts.quick else [2_000_000, 10_000_000]
        repeat = self.opts.repeat
        out: dict[str, Any] = {"parents": FACT_PARENTS, "columns": 10, "sizes": {}}
        for rows in sizes:
            dg, ref = [], []
            for _ in range(repeat):  # interleaved, so both see the same neighbours
                d = self.work / f"a-dg-{rows}"
                r = self.work / f"a-ref-{rows}"
                dg.append(
                    self.child("datagen", {"fact_rows": rows, "out": str(d)}, cpus=self.one_core())
                )
                ref.append(
                    self.child(
                        "reference", {"fact_rows": rows, "out": str(r)}, cpus=self.one_core()
                    )
                )
                shutil.rmtree(r, ignore_errors=True)
            b_dg, b_ref = self.best(dg), self.best(ref)
            entry = {"datagen": b_dg, "reference": b_ref}
            for run in entry.values():
                run["rows_per_s"] = run["rows"] / run["seconds"]
                run["rows_per_s_inner"] = run["rows"] / run["seconds_inner"]
            entry["ratio_to_ceiling"] = b_ref["seconds"] / b_dg["seconds"]
            entry["ratio_to_ceiling_inner"] = b_ref["seconds_inner"] / b_dg["seconds_inner"]
            entry["ratio_cpu"] = b_ref["cpu_seconds"] / b_dg["cpu_seconds"]
            entry["ratio_cpu_inner"] = b_ref["cpu_inner"] / b_dg["cpu_inner"]
            for run in (b_dg, b_ref):
                run["rows_per_cpu_s_inner"] = run["rows"] / run["cpu_inner"]
            out["sizes"][str(rows)] = entry
            self.emit("a", f"fact {rows:,} rows, 1 core", entry)
        big = str(sizes[-1])
        if len(self.cores) > 1 and not self.opts.quick:
            runs = [
                self.child(
                    "datagen",
                    {
                        "fact_rows": sizes[-1],
                        "out": str(self.work / "a-dg-workers"),
                        "workers": len(self.cores),
                    },
                )
                for _ in range(repeat)
            ]
            b = self.best(runs)
            b["rows_per_s"] = b["rows"] / b["seconds"]
            out["all_cores"] = {
                "workers": len(self.cores),
                "datagen": b,
                "speedup_vs_1_core": out["sizes"][big]["datagen"]["seconds"] / b["seconds"],
            }
            shutil.rmtree(self.work / "a-dg-workers", ignore_errors=True)
        small, large = (out["sizes"][str(s)]["datagen"]["peak_rss_mb"] for s in sizes)
        out["rss_growth_mb"] = large - small
        out["rss_growth_ratio"] = large / small
        self.results["a_fact"] = out

    # ------------------------------------------------------------------ (b)
    def section_b(self) -> None:
        scale = 1.0 if self.opts.quick else self.opts.example_scale
        out: dict[str, Any] = {"scale": scale, "examples": {}}
        for path in sorted((ROOT / "examples").glob("*.json")):
            if path.stem == "tpch":
                continue  # section d
            d = self.work / f"b-{path.stem}"
            runs = []
            for _ in range(self.opts.repeat):
                runs.append(
                    self.child(
                        "datagen",
                        {"schema": str(path), "scale": scale, "out": str(d)},
                        cpus=self.one_core(),
                    )
                )
            b = self.best(runs)
            b["rows_per_s"] = b["rows"] / b["seconds"]
            b["rows_per_s_inner"] = b["rows"] / b["seconds_inner"]
            out["examples"][path.stem] = b
            self.emit("b", f"{path.stem} --scale {scale:g}, 1 core", b)
        self.results["b_examples"] = out

    # ------------------------------------------------------------------ (c)
    def section_c(self) -> None:
        try:
            import datagen.engine.validate.run  # noqa: F401
        except ImportError:
            self.results["c_validation"] = {"skipped": "datagen.engine.validate not available"}
            return
        out: dict[str, Any] = {}
        rows = 2_000_000 if self.opts.quick else 10_000_000
        d = self.work / f"a-dg-{rows}"
        if not d.is_dir():
            self.child("datagen", {"fact_rows": rows, "out": str(d)}, cpus=self.one_core())
        gen = self.results.get("a_fact", {}).get("sizes", {}).get(str(rows), {}).get("datagen")
        val = self.best(
            [
                self.child("validate", {"fact_rows": rows, "out": str(d)}, cpus=self.one_core())
                for _ in range(self.opts.repeat)
            ]
        )
        out["fact"] = {
            "rows": rows,
            "validate": val,
            "generate_seconds": gen["seconds"] if gen else None,
        }
        if gen:
            out["fact"]["validate_over_generate"] = val["seconds"] / gen["seconds"]
            out["fact"]["generate_cpu_seconds"] = gen["cpu_seconds"]
            out["fact"]["validate_over_generate_cpu"] = val["cpu_seconds"] / gen["cpu_seconds"]
        self.emit("c", f"validate fact {rows:,} rows, 1 core", val)
        example = ROOT / "examples" / "bank.json"
        if example.exists():
            d = self.work / "b-bank"
            scale = 1.0 if self.opts.quick else self.opts.example_scale
            bgen = self.results.get("b_examples", {}).get("examples", {}).get("bank")
            if not d.is_dir() or bgen is None:
                bgen = self.child(
                    "datagen",
                    {"schema": str(example), "scale": scale, "out": str(d)},
                    cpus=self.one_core(),
                )
            val = self.best(
                [
                    self.child(
                        "validate", {"schema": str(example), "out": str(d)}, cpus=self.one_core()
                    )
                    for _ in range(self.opts.repeat)
                ]
            )
            out["bank"] = {
                "scale": scale,
                "rows": bgen["rows"],
                "validate": val,
                "generate_seconds": bgen["seconds"],
                "generate_cpu_seconds": bgen["cpu_seconds"],
                "validate_over_generate": val["seconds"] / bgen["seconds"],
                "validate_over_generate_cpu": val["cpu_seconds"] / bgen["cpu_seconds"],
            }
            self.emit("c", f"validate bank --scale {scale:g}, 1 core", val)
        self.results["c_validation"] = out

    # ------------------------------------------------------------------ (d)
    def section_d(self) -> None:
        sf = 0.1 if self.opts.quick else self.opts.sf
        bench_python = ensure_bench_env()
        tpchgen = str(Path(bench_python).parent / "tpchgen-cli")
        out: dict[str, Any] = {
            "sf": sf,
            "by_cores": {},
            "versions": {"duckdb": DUCKDB_VERSION, "tpchgen-cli": TPCHGEN_VERSION},
        }
        core_counts = [1] + ([len(self.cores)] if len(self.cores) > 1 else [])
        for n in core_counts:
            cpus = self.cpus(n)
            runs: dict[str, list[dict[str, Any]]] = {
                "datagen": [],
                "datagen_distinct": [],
                "duckdb": [],
                "tpchgen": [],
            }
            for _ in range(self.opts.repeat_tpch):
                for name, distinct in (("datagen", False), ("datagen_distinct", True)):
                    d = self.work / "d-datagen"
                    spec = {
                        "schema": str(ROOT / "examples" / "tpch.json"),
                        "scale": sf,
                        "out": str(d),
                        "workers": n,
                        "distinct_comments": distinct,
                    }
                    runs[name].append(self.child("datagen", spec, cpus=cpus))
                    shutil.rmtree(d, ignore_errors=True)
                d = self.work / "d-duckdb"
                runs["duckdb"].append(
                    self.child(
                        "duckdb",
                        {"sf": sf, "threads": n, "out": str(d)},
                        python=bench_python,
                        cpus=cpus,
                    )
                )
                shutil.rmtree(d, ignore_errors=True)
                d = self.work / "d-tpchgen"
                shutil.rmtree(d, ignore_errors=True)
                run = measure(
                    [
                        tpchgen,
                        "parquet",
                        "-s",
                        f"{sf:g}",
                        "-o",
                        str(d),
                        "-n",
                        str(n),
                        "-c",
                        "SNAPPY",
                        "--no-progress",
                        "-q",
                    ],
                    cpus=cpus,
                )
                run["bytes"] = sum(p.stat().st_size for p in d.glob("*.parquet"))
                run["rows"] = runs["duckdb"][-1]["rows"]  # the same TPC-H row counts
                runs["tpchgen"].append(run)
                shutil.rmtree(d, ignore_errors=True)
            entry: dict[str, Any] = {name: self.best(r) for name, r in runs.items()}
            for run in entry.values():
                run["rows_per_s"] = run["rows"] / run["seconds"]
            dg = entry["datagen"]
            entry["datagen_speed_vs_duckdb"] = entry["duckdb"]["seconds"] / dg["seconds"]
            entry["datagen_speed_vs_tpchgen"] = entry["tpchgen"]["seconds"] / dg["seconds"]
            entry["datagen_cpu_vs_duckdb"] = entry["duckdb"]["cpu_seconds"] / dg["cpu_seconds"]
            entry["datagen_cpu_vs_tpchgen"] = entry["tpchgen"]["cpu_seconds"] / dg["cpu_seconds"]
            dd = entry["datagen_distinct"]
            for tool in ("duckdb", "tpchgen"):
                entry[f"distinct_speed_vs_{tool}"] = entry[tool]["seconds"] / dd["seconds"]
                entry[f"distinct_cpu_vs_{tool}"] = entry[tool]["cpu_seconds"] / dd["cpu_seconds"]
            out["by_cores"][str(n)] = entry
            self.emit("d", f"TPC-H SF{sf:g}, {n} core(s)", entry)
        self.results["d_tpch"] = out

    # ------------------------------------------------------------------ output
    def emit(self, section: str, title: str, entry: dict[str, Any]) -> None:
        keys = ("seconds", "cpu_seconds", "peak_rss_mb", "rows_per_s", "rows_per_cpu_s", "score")

        def brief(value: Any) -> Any:
            if isinstance(value, dict) and "seconds" in value:
                return {k: value[k] for k in keys if k in value}
            if isinstance(value, dict):
                return {k: brief(v) for k, v in value.items() if k != "tables"}
            return value

        print(f"[{section}] {title}: " + json.dumps(_rounded(brief(entry))), flush=True)


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def ensure_bench_env() -> str:
    """benchmarks/.venv-bench with the pinned comparison tools; created once."""
    python = BENCH_ENV / "bin" / "python"
    stamp = BENCH_ENV / ".installed"
    wanted = " ".join(BENCH_PACKAGES)
    if not (stamp.exists() and stamp.read_text().strip() == wanted):
        print(f"creating {BENCH_ENV} ({wanted})", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_ENV)], check=True)
        (BENCH_ENV / ".gitignore").write_text("*\n")  # the environment ignores itself
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *BENCH_PACKAGES], check=True
        )
        stamp.write_text(wanted + "\n")
    return str(python)


def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": model,
        "mem_gb": mem_gb,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "loadavg_at_start": load,
    }


def table(results: dict[str, Any]) -> str:
    """The human summary: one line per measured thing, ratios last."""
    lines = []

    def row(name: str, run: dict[str, Any], extra: str = "") -> None:
        lines.append(
            f"  {name:<30} {run['rows']:>11,} {run['seconds']:>7.2f} {run['rows'] / run['seconds']:>11,.0f}"
            f" {run['cpu_seconds']:>7.2f} {run['rows'] / run['cpu_seconds']:>11,.0f}"
            f" {run['peak_rss_mb']:>7.0f}  {extra}"
        )

    head = (
        f"  {'':<30} {'rows':>11} {'wall s':>7} {'rows/s':>11} {'cpu s':>7} {'rows/cpu-s':>11}"
        f" {'RSS MB':>7}"
    )
    a = results.get("a_fact")
    if a:
        lines.append(
            "(a) 10-column fact under one entity, 1 core; ceiling = numpy + pyarrow directly"
        )
        lines.append(head)
        for size, e in a["sizes"].items():
            row(
                f"datagen {int(size):,}",
                e["datagen"],
                f"ratio to ceiling {e['ratio_to_ceiling']:.2f}"
                f" (in-process: wall {e['ratio_to_ceiling_inner']:.2f}, cpu {e['ratio_cpu_inner']:.2f};"
                f" {e['datagen']['rows_per_cpu_s_inner']:,.0f} rows/cpu-s)",
            )
            row(f"ceiling {int(size):,}", e["reference"])
        if "all_cores" in a:
            w = a["all_cores"]
            row(
                f"datagen --workers {w['workers']}",
                w["datagen"],
                f"speedup {w['speedup_vs_1_core']:.2f}x",
            )
        lines.append(
            f"  datagen peak RSS growth from smallest to largest: {a['rss_growth_mb']:+.0f} MB"
            f" (x{a['rss_growth_ratio']:.2f})"
        )
    b = results.get("b_examples")
    if b:
        lines.append(f"(b) examples at --scale {b['scale']:g}, 1 core")
        lines.append(head)
        for name, run in b["examples"].items():
            row(name, run, f"in-process {run['rows_per_s_inner']:,.0f} rows/s")
    c = results.get("c_validation")
    if c and "skipped" not in c:
        lines.append("(c) validation vs generation, 1 core")
        for name, e in c.items():
            v = e["validate"]
            line = (
                f"  {name:<30} {e['rows']:>11,} rows  validate {v['seconds']:.2f}s wall"
                f" {v['cpu_seconds']:.2f}s cpu (RSS {v['peak_rss_mb']:.0f} MB, score {v['score']:.1f})"
            )
            if e.get("validate_over_generate"):
                line += (
                    f"  generate {e['generate_seconds']:.2f}s wall {e['generate_cpu_seconds']:.2f}s cpu;"
                    f" validate/generate {e['validate_over_generate']:.2f} wall,"
                    f" {e['validate_over_generate_cpu']:.2f} cpu"
                )
            lines.append(line)
    elif c:
        lines.append(f"(c) skipped: {c['skipped']}")
    d = results.get("d_tpch")
    if d:
        for n, e in d["by_cores"].items():
            lines.append(f"(d) TPC-H SF{d['sf']:g} to Parquet (snappy), {n} core(s)")
            lines.append(head + f" {'MB out':>7} {'MB/cpu-s':>8}")
            for name in ("datagen", "datagen_distinct", "duckdb", "tpchgen"):
                if name not in e:
                    continue
                run = e[name]
                mb = run["bytes"] / 1e6
                row(name, run, f"{mb:>5.0f} {mb / run['cpu_seconds']:>8.1f}")
            lines.append(
                f"  datagen vs DuckDB dbgen+COPY: {e['datagen_speed_vs_duckdb']:.2f}x wall,"
                f" {e['datagen_cpu_vs_duckdb']:.2f}x cpu;  vs tpchgen-cli:"
                f" {e['datagen_speed_vs_tpchgen']:.2f}x wall, {e['datagen_cpu_vs_tpchgen']:.2f}x cpu"
                "  (>1 = datagen faster)"
            )
            if "distinct_speed_vs_duckdb" in e:
                lines.append(
                    f"  datagen_distinct (comments distinct per row, like dbgen) vs DuckDB:"
                    f" {e['distinct_speed_vs_duckdb']:.2f}x wall, {e['distinct_cpu_vs_duckdb']:.2f}x cpu;"
                    f" vs tpchgen-cli: {e['distinct_speed_vs_tpchgen']:.2f}x wall,"
                    f" {e['distinct_cpu_vs_tpchgen']:.2f}x cpu"
                )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, one repetition (a smoke run)"
    )
    parser.add_argument(
        "--sf", type=float, default=1.0, help="TPC-H scale factor for section d (default 1)"
    )
    parser.add_argument("--only", default="abcd", help="sections to run, e.g. --only ad")
    parser.add_argument(
        "--repeat", type=int, default=None, help="runs per measurement (best is kept)"
    )
    parser.add_argument(
        "--repeat-tpch", type=int, default=None, help="runs per TPC-H tool (default 2; quick 1)"
    )
    parser.add_argument(
        "--example-scale", type=float, default=10.0, help="--scale for section b (default 10)"
    )
    parser.add_argument(
        "--work", type=Path, default=None, help="scratch directory (default: a temp dir, removed)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument(
        "--pin", action="store_true", help="pin children to the first N cores (sched_setaffinity)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--child", nargs=3, metavar=("JOB", "SPEC", "RESULT"), help=argparse.SUPPRESS
    )
    opts = parser.parse_args()
    if opts.child:
        child_main(*opts.child)
        return
    if opts.repeat is None:
        opts.repeat = 1 if opts.quick else 3
    if opts.repeat_tpch is None:
        opts.repeat_tpch = 1 if opts.quick else 2

    work = opts.work or Path(tempfile.mkdtemp(prefix="datagen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(opts, work)
    started = time.time()
    bench.results["machine"] = machine()
    bench.results["command"] = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])
    bench.results["started_utc"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started))
    try:
        from datagen.engine import __version__
        from datagen.engine.plan import BLOCK_ROWS

        bench.results["datagen"] = {
            "version": __version__,
            "block_rows": BLOCK_ROWS,
            "git": _git_head(),
        }
        for section in opts.only:
            getattr(bench, f"section_{section}")()
            _save(bench.results, opts.output, started)
    finally:
        if not opts.keep and opts.work is None:
            shutil.rmtree(work, ignore_errors=True)
    _save(bench.results, opts.output, started)
    print()
    print(table(bench.results))
    print(f"\nresults: {opts.output}  ({time.time() - started:.0f}s)")


def _save(results: dict[str, Any], path: Path, started: float) -> None:
    results["elapsed_s"] = round(time.time() - started, 1)
    path.write_text(json.dumps(_rounded(results), indent=2) + "\n")


def _git_head() -> str | None:
    try:
        return subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


if __name__ == "__main__":
    main()
