"""Checks, the report that holds them, and the quality score.

Score = 100 x sum(weight x pass rate) over the categories that have checks,
the base weights (structural 0.4, value 0.3, behavioral 0.3, fidelity 0.4)
renormalized over those categories: an empty category is left out, never
counted as a free 100%. Fidelity is claims honoured / claims stated (the
description's own words, see claims.py); a claim not honoured, not modelled or
unmeasurable keeps the score below 100.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import numpy as np

Category = Literal["structural", "value", "behavioral"]
BASE_WEIGHTS: dict[str, float] = {
    "structural": 0.4,
    "value": 0.3,
    "behavioral": 0.3,
    "fidelity": 0.4,
}
MAX_EXAMPLES = 5
# the highest score while a claim of the description is not honoured
CAPPED_SCORE = 99.99
SCORE_FORMULA = (
    "score = 100 * sum(weight[c] * passed[c] / total[c]) over the categories c that have "
    "checks; base weights structural 0.4, value 0.3, behavioral 0.3, fidelity 0.4 (claims "
    "honoured / claims stated), divided by the sum of the base weights of those categories "
    "(a category without checks is left out); below 100 while any claim is not honoured"
)


@dataclass
class Check:
    category: Category
    name: str
    table: str | None
    column: str | None
    passed: bool
    measured: Any
    expected: Any
    examples: list[Any] = field(default_factory=list)
    message: str = ""
    # rows (or parents, values) the measurement is over: a statistical check over fewer
    # than its kind's minimum is set aside as "not enough data" (sample_size.py)
    sample: int | None = None

    def __post_init__(self) -> None:
        self.measured = jsonable(self.measured)
        self.expected = jsonable(self.expected)
        self.examples = [jsonable(e) for e in self.examples[:MAX_EXAMPLES]]

    @property
    def where(self) -> str:
        return ".".join(p for p in (self.table, self.column) if p) or "-"

    def to_dict(self) -> dict[str, Any]:
        out = {
            "category": self.category,
            "name": self.name,
            "table": self.table,
            "column": self.column,
            "passed": self.passed,
            "measured": self.measured,
            "expected": self.expected,
            "examples": self.examples,
            "message": self.message,
        }
        if self.sample is not None:
            out["sample"] = self.sample
        return out


@dataclass
class Report:
    score: float
    categories: dict[str, dict[str, Any]]
    checks: list[Check]
    context: dict[str, Any] = field(default_factory=dict)
    # checks that could not run, each {category, name, table, column, reason}
    skipped: list[dict[str, Any]] = field(default_factory=list)
    # the description's claims as measured: {id, text, kind, bound_to, expected, measured,
    # status, message}, status honoured | not_honoured | not_modelled | unmeasurable
    claims: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_checks(
        cls,
        checks: list[Check],
        context: dict[str, Any] | None = None,
        skipped: list[dict[str, Any]] | None = None,
        claims: list[dict[str, Any]] | None = None,
    ) -> Report:
        score, categories = compute_score(checks, claims)
        return cls(
            score, categories, list(checks), context or {}, list(skipped or []), list(claims or [])
        )

    def with_check(self, check: Check) -> Report:
        """A new report with one more check (e.g. the replay check), score recomputed."""
        return Report.from_checks([*self.checks, check], self.context, self.skipped, self.claims)

    def unmet_claims(self) -> list[dict[str, Any]]:
        """The claims not honoured (not_honoured, not_modelled, unmeasurable), in order."""
        return [c for c in self.claims if c["status"] != "honoured"]

    @property
    def checks_score(self) -> float:
        """The score over the checks alone, claims left out: the quality bar of `create`."""
        return compute_score(self.checks)[0]

    @property
    def fidelity(self) -> float | None:
        """Claims honoured / claims stated (None without claims)."""
        if not self.claims:
            return None
        return sum(c["status"] == "honoured" for c in self.claims) / len(self.claims)

    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    @property
    def structural_ok(self) -> bool:
        return not any(c.category == "structural" and not c.passed for c in self.checks)

    def ok(self, min_score: float) -> bool:
        """The CLI's pass rule: score at least `min_score` and no structural failure."""
        return self.structural_ok and self.score >= min_score

    def to_dict(self) -> dict[str, Any]:
        failed = self.failed()
        return {
            "report_version": "1",
            **{
                k: self.context[k]
                for k in ("datagen_version", "schema", "data")
                if k in self.context
            },
            "score": self.score,
            "score_formula": SCORE_FORMULA,
            "categories": self.categories,
            "claims": self.claims,
            "summary": {
                "checks": len(self.checks),
                "passed": len(self.checks) - len(failed),
                "failed": len(failed),
                "structural_failed": sum(c.category == "structural" for c in failed),
                "skipped": len(self.skipped),
            },
            "checks": [c.to_dict() for c in self.checks],
            "skipped": self.skipped,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def write(self, path: str | Path) -> Path:
        from datagen.engine.outfile import write_output_file

        return write_output_file(path, self.to_json())


def compute_score(
    checks: list[Check], claims: list[dict[str, Any]] | None = None
) -> tuple[float, dict[str, dict[str, Any]]]:
    counts = {name: [0, 0] for name in BASE_WEIGHTS}
    for check in checks:
        counts[check.category][1] += 1
        counts[check.category][0] += check.passed
    for claim in claims or []:
        counts["fidelity"][1] += 1
        counts["fidelity"][0] += claim["status"] == "honoured"
    present = sum(BASE_WEIGHTS[c] for c, (_, total) in counts.items() if total)
    categories: dict[str, dict[str, Any]] = {}
    score = 0.0
    for name, (passed, total) in counts.items():
        weight = BASE_WEIGHTS[name] / present if total else 0.0
        rate = passed / total if total else None
        categories[name] = {
            "passed": passed,
            "total": total,
            "rate": None if rate is None else round(rate, 6),
            "weight": round(weight, 6),
        }
        if rate is not None:
            score += weight * rate
    final = round(100 * score, 2)
    if counts["fidelity"][0] < counts["fidelity"][1]:
        final = min(final, CAPPED_SCORE)
    return final, categories


def jsonable(value: Any) -> Any:
    """Plain JSON types for measured values and examples (numpy, Arrow, dates...)."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return (
            None if math.isnan(value) else round(value, 6) if math.isfinite(value) else str(value)
        )
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if hasattr(value, "as_py"):  # a pyarrow scalar
        return jsonable(value.as_py())
    return str(value)
