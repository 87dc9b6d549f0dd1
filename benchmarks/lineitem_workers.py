"""TPC-H lineitem alone: `--workers 2` against `--workers 1`, and where each thread's CPU goes.

    .venv/bin/python benchmarks/lineitem_workers.py              # SF1, 3 repetitions of each
    .venv/bin/python benchmarks/lineitem_workers.py --sf 0.2 --repeat 1

The schema is examples/tpch.json's lineitem, whole, over its three parents cut to
the columns it reads and what those are made from (orders: key and date, as an
entity of 1.5M rows per scale factor; part: key and price; supplier: key and the
sentences lineitem's comments are cut from), so the run is lineitem's work.
Each run is its own process (`--child`); it times lineitem's phase (from the
progress report of the last parent block to the end of the run) and samples
every thread's CPU (/proc/self/task/*/stat) over that phase. Printed: the best
phase wall time of each worker count, their ratio, the load average before each
run, and for the 2-worker run the CPU of the writer thread, the block threads
and the main thread: the writer's CPU against half the total bounds the speed-up
a second core can give (`critical path`), whatever the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PARENT_ROWS = {"orders": 1_500_000, "part": 200_000, "supplier": 10_000}  # per scale factor
PARENT_KEYS = {"orders": "o_orderkey", "part": "p_partkey", "supplier": "s_suppkey"}


def _needed(node: dict[str, Any], wanted: set[str]) -> list[dict[str, Any]]:
    """The node's columns in `wanted` and those their generators name, transitively."""
    by_name = {c["name"]: c for c in node["columns"]}
    todo, seen = list(wanted), set(wanted)
    while todo:
        text = json.dumps(by_name[todo.pop()]["generator"])
        for name in set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)) & by_name.keys() - seen:
            seen.add(name)
            todo.append(name)
    return [c for c in node["columns"] if c["name"] in seen]


def lineitem_schema() -> dict[str, Any]:
    """examples/tpch.json's lineitem over its parents cut to the columns it reads."""
    tpch = json.loads((ROOT / "examples" / "tpch.json").read_text())
    nodes = {node["id"]: node for node in tpch["nodes"]}
    read = json.dumps(nodes["lineitem"])
    kept: list[dict[str, Any]] = []
    for table, rows in PARENT_ROWS.items():
        wanted = set(re.findall(rf"\b{table}\.([A-Za-z0-9_]+)", read)) | {PARENT_KEYS[table]}
        kept.append(
            {
                "id": table,
                "kind": "entity",
                "rows": rows,
                "pk": PARENT_KEYS[table],
                "columns": _needed(nodes[table], wanted),
            }
        )
    kept.append(nodes["lineitem"])
    known = {f"{n['id']}.{c['name']}" for n in kept for c in n["columns"]}

    def holds(rule: dict[str, Any]) -> bool:
        refs = [v for k, v in rule.items() if k in ("column", "references", "left", "right")]
        return all(ref in known for ref in refs)

    constraints = {
        kind: [rule for rule in rules if holds(rule)]
        for kind, rules in tpch.get("constraints", {}).items()
    }
    return {
        "version": tpch["version"],
        "metadata": {"name": "tpch_lineitem", "description": "TPC-H lineitem alone"},
        "seed": tpch.get("seed", 42),
        "nodes": kept,
        "constraints": {kind: rules for kind, rules in constraints.items() if rules},
    }


def _thread_cpu() -> dict[int, float]:
    """CPU seconds (user + sys) of every thread of this process, by native thread id."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, float] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except OSError:  # the thread ended
            continue
        fields = stat.rsplit(")", 1)[1].split()
        out[int(task.name)] = (int(fields[11]) + int(fields[12])) / tick
    return out


def child(workers: int, scale: float) -> dict[str, Any]:
    from datagen.engine.execute import generate_dataset
    from datagen.engine.load import load_dataset

    with tempfile.TemporaryDirectory(prefix="datagen-lineitem-") as work:
        schema = Path(work) / "lineitem.json"
        schema.write_text(json.dumps(lineitem_schema()))
        dataset = load_dataset(schema)
        phase: dict[str, Any] = {"start": None, "base": {}}
        samples: dict[int, float] = {}
        names: dict[int, str] = {}
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.02):
                if phase["start"] is None:
                    continue
                samples.update(_thread_cpu())
                for thread in threading.enumerate():
                    if thread.native_id is not None:
                        names.setdefault(thread.native_id, thread.name)

        def on_block(table: str, rows: int, total: int) -> None:
            if table != "lineitem":  # the last parent block so far: lineitem starts after it
                phase["start"] = time.perf_counter()
                phase["base"] = _thread_cpu()

        sampler = threading.Thread(target=sample, name="sampler", daemon=True)
        sampler.start()
        began = time.perf_counter()
        generate_dataset(
            dataset, Path(work) / "out", seed=42, scale=scale, workers=workers, on_block=on_block
        )
        end = time.perf_counter()
        samples.update(_thread_cpu())
        done.set()
        sampler.join()
        me = threading.get_native_id()
        by_role: dict[str, float] = {}
        for tid, cpu in samples.items():
            spent = cpu - phase["base"].get(tid, 0.0)
            name = "main" if tid == me else names.get(tid, "other")
            role = (
                "sampler"
                if name == "sampler"
                else "writer"
                if name.startswith("datagen-writer")
                else "blocks"
                if name.startswith("datagen-block")
                else "main"
                if name == "main"
                else "other"  # Arrow's and numpy's own threads, if any
            )
            by_role[role] = by_role.get(role, 0.0) + max(spent, 0.0)
        return {
            "workers": workers,
            "phase_s": end - phase["start"],
            "run_s": end - began,
            "cpu_by_role": by_role,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sf", type=float, default=1.0, help="TPC-H scale factor [1]")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each worker count [3]")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.child:
        print(json.dumps(child(opts.child, opts.sf)))
        return
    runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
    for repetition in range(opts.repeat):
        for workers in (1, 2):
            load = os.getloadavg()[0]
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(workers), "--sf", str(opts.sf)],
                capture_output=True,
                text=True,
                check=True,
            )
            run = json.loads(done.stdout.strip().splitlines()[-1]) | {"load": load}
            runs[workers].append(run)
            cpu = run["cpu_by_role"]
            print(
                f"run {repetition + 1}, {workers} worker(s), load {load:.2f}: lineitem "
                f"{run['phase_s']:.2f} s wall (whole run {run['run_s']:.2f} s); CPU s: "
                + ", ".join(f"{role} {seconds:.2f}" for role, seconds in sorted(cpu.items())),
                flush=True,
            )
    best = {w: min(r["phase_s"] for r in rs) for w, rs in runs.items()}
    print(f"best lineitem wall: 1 worker {best[1]:.2f} s, 2 workers {best[2]:.2f} s")
    print(f"speed-up, 2 workers against 1: {best[1] / best[2]:.2f}x (goal: 1.7x)")
    one = min(runs[1], key=lambda r: r["phase_s"])["cpu_by_role"]
    two = min(runs[2], key=lambda r: r["phase_s"])["cpu_by_role"]
    serial_cpu = sum(s for role, s in one.items() if role != "sampler")
    total = sum(s for role, s in two.items() if role != "sampler")
    critical = max(two.get("writer", 0.0), two.get("main", 0.0), total / 2)
    print(
        f"CPU: 1 worker {serial_cpu:.2f} s; 2 workers {total:.2f} s in all: writer thread "
        f"{two.get('writer', 0.0):.2f} s, block threads {two.get('blocks', 0.0):.2f} s, main "
        f"thread {two.get('main', 0.0):.2f} s"
    )
    print(
        f"critical path of 2 workers: max(writer, main, total / 2) = {critical:.2f} s; best "
        f"speed-up two free cores allow: {serial_cpu / critical:.2f}x (1-worker CPU / critical "
        "path; time a thread waits for the GIL is not CPU and is not counted)"
    )


if __name__ == "__main__":
    main()
