"""The output of a benchmark run: the lines printed as it goes, the summary table,
and results.json."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any


def emit(section: str, title: str, entry: dict[str, Any]) -> None:
    keys = ("seconds", "cpu_seconds", "peak_rss_mb", "rows_per_s", "rows_per_cpu_s", "score")

    def brief(value: Any) -> Any:
        if isinstance(value, dict) and "seconds" in value:
            return {k: value[k] for k in keys if k in value}
        if isinstance(value, dict):
            return {k: brief(v) for k, v in value.items() if k != "tables"}
        return value

    print(f"[{section}] {title}: " + json.dumps(rounded(brief(entry))), flush=True)


def rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v) for v in value]
    return value


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
            for name in ("datagen", "datagen_parts", "datagen_distinct", "duckdb", "tpchgen"):
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
            if "parts_speed_vs_duckdb" in e:
                lines.append(
                    f"  datagen_parts (part files, encoded in parallel) vs DuckDB:"
                    f" {e['parts_speed_vs_duckdb']:.2f}x wall, {e['parts_cpu_vs_duckdb']:.2f}x cpu;"
                    f" vs tpchgen-cli: {e['parts_speed_vs_tpchgen']:.2f}x wall,"
                    f" {e['parts_cpu_vs_tpchgen']:.2f}x cpu"
                )
            if "distinct_speed_vs_duckdb" in e:
                lines.append(
                    f"  datagen_distinct (comments distinct per row, like dbgen) vs DuckDB:"
                    f" {e['distinct_speed_vs_duckdb']:.2f}x wall, {e['distinct_cpu_vs_duckdb']:.2f}x cpu;"
                    f" vs tpchgen-cli: {e['distinct_speed_vs_tpchgen']:.2f}x wall,"
                    f" {e['distinct_cpu_vs_tpchgen']:.2f}x cpu"
                )
    return "\n".join(lines)


def save(results: dict[str, Any], path: Path, started: float) -> None:
    results["elapsed_s"] = round(time.time() - started, 1)
    path.write_text(json.dumps(rounded(results), indent=2) + "\n")
