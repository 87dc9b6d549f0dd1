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
  e  start-up of the command line; f  SQLite/DuckDB output against Parquet
     (both in usage.py).

Results: a table on stdout and benchmarks/results.json.

Modules: harness.py (subprocess measuring, the sections), workloads.py (what
datagen runs), reference.py (the ceiling, DuckDB, tpchgen-cli), report.py
(printing, the table, results.json); this file: the command line and the
child entry point. Every module imports only the standard library at its top
level: the same files run the DuckDB child under the benchmark's own
environment (benchmarks/.venv-bench, created on first use with pinned duckdb +
duckdb-extension-tpch + tpchgen-cli).
"""

from __future__ import annotations

import argparse
import compileall
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import Bench, machine
from reference import child_duckdb, child_reference
from report import save, table
from usage import SECTIONS as USAGE_SECTIONS
from usage import lines as usage_lines
from workloads import child_datagen, child_validate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results.json"

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, one repetition (a smoke run)"
    )
    parser.add_argument(
        "--sf", type=float, default=1.0, help="TPC-H scale factor for section d (default 1)"
    )
    parser.add_argument("--only", default="abcd", help="sections to run (a-f), e.g. --only ef")
    parser.add_argument(
        "--sf-db", type=float, default=0.2, help="TPC-H scale factor for section f (default 0.2)"
    )
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

    # An installed datagen has its modules' bytecode (pip compiles a wheel's modules); a
    # checkout run with PYTHONDONTWRITEBYTECODE=1 would compile them again in every child.
    for package in ("engine", "agent"):
        compileall.compile_dir(ROOT / package, quiet=1)
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
            if section in USAGE_SECTIONS:
                USAGE_SECTIONS[section](bench)
            else:
                getattr(bench, f"section_{section}")()
            save(bench.results, opts.output, started)
    finally:
        if not opts.keep and opts.work is None:
            shutil.rmtree(work, ignore_errors=True)
    save(bench.results, opts.output, started)
    print()
    print("\n".join([table(bench.results), *usage_lines(bench.results)]))
    print(f"\nresults: {opts.output}  ({time.time() - started:.0f}s)")


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
