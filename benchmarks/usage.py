"""Day-to-day figures: start-up (section e) and database output against Parquet (section f).

e  `datagen --version`, `datagen --help`, `python -m datagen --version`, and the same
   process importing every command first (what the CLI did before it was lazy):
   every shell-completion TAB and every subprocess test pays the start-up.
f  TPC-H (--sf-db, default 0.2) written as parquet, sqlite and duckdb, one format
   per run, 1 core; each time relative to Parquet's.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from harness import ROOT, Bench, measure

EAGER_VERSION = """
import sys
from importlib import import_module
from datagen.agent.cli import COMMANDS, main
for target, _ in COMMANDS.values():
    import_module(target.partition(":")[0])
sys.argv = ["datagen", "--version"]
main()
"""


def section_e(bench: Bench) -> None:
    """Start-up: the whole process, from exec to exit, best of several runs."""
    script = str(Path(bench.python).parent / "datagen")
    commands = {
        "datagen --version": [script, "--version"],
        "datagen --help": [script, "--help"],
        "python -m datagen --version": [bench.python, "-m", "datagen", "--version"],
        "eager imports + --version": [bench.python, "-c", EAGER_VERSION],
    }
    out: dict[str, Any] = {}
    for name, cmd in commands.items():
        out[name] = bench.best([measure(cmd) for _ in range(max(5, bench.opts.repeat * 3))])
        bench.emit("e", name, out[name])
    bench.results["e_startup"] = out


def section_f(bench: Bench) -> None:
    """Database formats against Parquet on the same TPC-H scale, one format per run."""
    sf = bench.opts.sf_db
    out: dict[str, Any] = {"sf": sf, "formats": {}}
    for fmt in ("parquet", "sqlite", "duckdb"):
        runs = []
        for attempt in range(bench.opts.repeat):
            folder = bench.work / f"f-{fmt}-{attempt}"
            spec = {"schema": str(ROOT / "examples" / "tpch.json"), "scale": sf, "fmt": fmt}
            runs.append(bench.child("datagen", {**spec, "out": str(folder)}, cpus=bench.one_core()))
            shutil.rmtree(folder, ignore_errors=True)
        out["formats"][fmt] = bench.best(runs)
        bench.emit("f", f"TPC-H sf {sf:g} as {fmt}", out["formats"][fmt])
    parquet = out["formats"]["parquet"]["seconds"]
    for run in out["formats"].values():
        run["vs_parquet"] = run["seconds"] / parquet
    bench.results["f_databases"] = out


SECTIONS = {"e": section_e, "f": section_f}


def lines(results: dict[str, Any]) -> list[str]:
    """This module's rows of the summary table."""
    out = []
    e = results.get("e_startup")
    if e:
        out.append("(e) start-up, whole process, best run")
        for name, run in e.items():
            out.append(f"  {name:<30} {run['seconds']:>7.3f} s {run['peak_rss_mb']:>7.0f} MB")
    f = results.get("f_databases")
    if f:
        out.append(f"(f) TPC-H sf {f['sf']:g}, one format per run, 1 core")
        for fmt, run in f["formats"].items():
            out.append(
                f"  {fmt:<30} {run['seconds']:>7.2f} s  {run['vs_parquet']:.2f}x Parquet's time"
            )
    return out
