"""The harness: each measurement in its own subprocess (wall time around the process,
CPU time and peak RSS from `os.wait4`), repeated, the best kept; sections a-d."""

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

from reference import DUCKDB_VERSION, TPCHGEN_VERSION, ensure_bench_env
from report import emit
from workloads import FACT_PARENTS

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


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


PART_ROWS = 1 << 20  # datagen_parts: --partition-rows


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
        """TPC-H: datagen (one file per table, then part files) against DuckDB and tpchgen-cli.

        Equal work: the 8 tables at the same scale factor to snappy Parquet. Not equal:
        tpchgen-cli and DuckDB write their own row-group sizes; datagen_parts writes a
        folder of part files per table where the others write one file."""
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
                "datagen_parts": [],
                "duckdb": [],
                "tpchgen": [],
            }
            for _ in range(self.opts.repeat_tpch):
                # datagen_parts: the same tables as part files of ~1M rows (--partition-rows),
                # each encoded on the core that computed it; one file per table otherwise
                for name, parts in (("datagen", None), ("datagen_parts", PART_ROWS)):
                    d = self.work / "d-datagen"
                    spec = {
                        "schema": str(ROOT / "examples" / "tpch.json"),
                        "scale": sf,
                        "out": str(d),
                        "workers": n,
                        "partition_rows": parts,
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
            dp = entry["datagen_parts"]
            for tool in ("duckdb", "tpchgen"):
                entry[f"parts_speed_vs_{tool}"] = entry[tool]["seconds"] / dp["seconds"]
                entry[f"parts_cpu_vs_{tool}"] = entry[tool]["cpu_seconds"] / dp["cpu_seconds"]
            out["by_cores"][str(n)] = entry
            self.emit("d", f"TPC-H SF{sf:g}, {n} core(s)", entry)
        self.results["d_tpch"] = out

    def emit(self, section: str, title: str, entry: dict[str, Any]) -> None:
        emit(section, title, entry)


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
