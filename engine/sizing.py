"""Choose `--scale` from a target: total rows, or bytes on disk after a calibration run.

Row counts are linear in the scale (entities scale, facts follow their
parents, vocab tables stay), so `--target-rows` is solved from the plan's
estimates. Bytes are not quite linear (dictionaries and page headers amortize),
so `--target-size` measures: a small calibration run, a second one at a tenth
of the estimated scale, then a linear solve from the second.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from datagen.engine import dsl
from datagen.engine.errors import InputError
from datagen.engine.plan import build_plan

UNITS = {
    "": 1,
    "B": 1,
    "K": 1024,
    "KB": 1024,
    "M": 1024**2,
    "MB": 1024**2,
    "G": 1024**3,
    "GB": 1024**3,
    "T": 1024**4,
    "TB": 1024**4,
}
CALIBRATION_ROWS = 20_000


def parse_size(text: str) -> int:
    """'5GB', '500 MB', '1.5G', '2048' -> bytes (binary units)."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([A-Za-z]*)\s*", text)
    unit = match.group(2).upper() if match else ""
    if not match or unit not in UNITS:
        raise InputError(f"--target-size {text!r}: expected a size such as 500MB, 5GB or 2048")
    size = int(float(match.group(1)) * UNITS[unit])
    if size <= 0:
        raise InputError(f"--target-size {text!r}: must be more than 0 bytes")
    return size


@dataclass
class SizingPlan:
    scale: float
    estimated_rows: int
    estimated_bytes: int | None
    calibration: list[tuple[float, int, int]]  # (scale, rows, bytes) of each calibration run

    def describe(self) -> str:
        text = f"scale {self.scale:.4g} -> ~{self.estimated_rows:,} rows"
        if self.estimated_bytes is not None:
            text += f", ~{self.estimated_bytes / 1024**2:,.1f} MB"
        runs = ", ".join(
            f"scale {s:.3g}: {r:,} rows / {b / 1024:,.0f} KB" for s, r, b in self.calibration
        )
        return text + (f" (calibrated on {runs})" if runs else "")


def _scaling_rows(dataset: dsl.Dataset, rows: dict[str, int], scale: float) -> tuple[int, int]:
    """(rows that grow with the scale, rows that do not) by the plan's estimates."""
    plan = build_plan(dataset, seed=0, rows=rows, scale=scale)
    fixed = sum(
        t.estimated_rows for name, t in plan.tables.items() if _is_fixed(dataset, name, rows)
    )
    return plan.estimated_total_rows - fixed, fixed


def _is_fixed(dataset: dsl.Dataset, table: str, rows: dict[str, int]) -> bool:
    """Tables whose rows do not follow the scale (vocab, explicit --rows, and their facts)."""
    node = dataset.node(table)
    assert node is not None
    if node.kind == "vocab" or table in rows:
        return True
    if node.kind == "fact":
        return _is_fixed(dataset, node.parents[0], rows)
    return False


def scale_for_rows(
    dataset: dsl.Dataset, target_rows: int, rows: dict[str, int] | None = None
) -> SizingPlan:
    rows = rows or {}
    if target_rows <= 0:
        raise InputError("--target-rows must be more than 0")
    growing, fixed = _scaling_rows(dataset, rows, 1.0)
    if growing <= 0:
        raise InputError(
            "--target-rows: no table grows with the scale (all are vocab or fixed by --rows)"
        )
    scale = max(1e-6, (target_rows - fixed) / growing)
    estimated = build_plan(dataset, seed=0, rows=rows, scale=scale).estimated_total_rows
    return SizingPlan(scale, estimated, None, [])


def scale_for_size(
    dataset: dsl.Dataset,
    target_bytes: int,
    *,
    seed: int,
    fmt: str = "parquet",
    rows: dict[str, int] | None = None,
    workers: int = 1,
) -> SizingPlan:
    from datagen.engine.execute import generate_dataset

    rows = rows or {}
    growing, fixed = _scaling_rows(dataset, rows, 1.0)
    if growing <= 0:
        raise InputError(
            "--target-size: no table grows with the scale (all are vocab or fixed by --rows)"
        )
    calibration: list[tuple[float, int, int]] = []
    scale = max(1e-6, CALIBRATION_ROWS / growing)
    with tempfile.TemporaryDirectory(prefix="datagen-calibrate-") as tmp:
        for attempt in range(2):
            out = Path(tmp) / f"run{attempt}"
            result = generate_dataset(
                dataset, out, seed=seed, fmt=fmt, rows=rows, scale=scale, workers=workers
            )
            total = sum(t.bytes for t in result.tables)
            fixed_bytes = sum(t.bytes for t in result.tables if _is_fixed(dataset, t.name, rows))
            calibration.append((scale, result.total_rows, total))
            shutil.rmtree(out, ignore_errors=True)
            per_scale = max(1.0, (total - fixed_bytes) / scale)
            estimate = max(1e-6, (target_bytes - fixed_bytes) / per_scale)
            # refine once from a run at a tenth of the estimate when that is much larger
            if attempt == 0 and estimate / scale > 20:
                scale = estimate / 10
                continue
            scale = estimate
            break
    estimated_rows = build_plan(dataset, seed=0, rows=rows, scale=scale).estimated_total_rows
    return SizingPlan(scale, estimated_rows, target_bytes, calibration)
