"""Compare two eval reports case by case, so a prompt change is reviewed like a code change.

Changes are ordered by how much they need a reviewer: newly failing cases
first, then cases that disappeared, still-failing cases whose failures
changed, newly passing cases, new cases, and last the passing cases whose
score, repairs, clarifications or tokens moved. Seconds are never compared
(they depend on the machine).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datagen.engine.errors import InputError

# Kinds, in the order a reviewer should read them.
KINDS = (
    "newly failing",
    "removed",
    "still failing",
    "newly passing",
    "new",
    "changed",
    "unchanged",
)
# A removed case is listed second for the reviewer, but only a newly failing case fails.
REGRESSIONS = ("newly failing",)
MEASURES = ("score", "repairs", "clarifications", "tokens")


@dataclass
class CaseChange:
    id: str
    kind: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    deltas: dict[str, float] = field(default_factory=dict)  # measure -> new - old
    failures_added: list[str] = field(default_factory=list)
    failures_fixed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "deltas": self.deltas,
            "failures_added": self.failures_added,
            "failures_fixed": self.failures_fixed,
        }


def load_report(path: str | Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the eval report {path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise InputError(f"{path} is not a `datagen eval` report (no `cases` list)")
    return data


def compare_reports(old: dict[str, Any], new: dict[str, Any]) -> list[CaseChange]:
    before = {c["id"]: c for c in old["cases"]}
    after = {c["id"]: c for c in new["cases"]}
    changes = []
    for case_id in list(before) + [i for i in after if i not in before]:
        changes.append(_change(case_id, before.get(case_id), after.get(case_id)))
    order = {kind: n for n, kind in enumerate(KINDS)}
    # Stable within a kind: the cases keep the order of the reports.
    return sorted(changes, key=lambda c: order[c.kind])


def _change(case_id: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> CaseChange:
    if new is None:
        return CaseChange(case_id, "removed", old, None)
    if old is None:
        return CaseChange(case_id, "new", None, new)
    deltas = {}
    for measure in MEASURES:
        a, b = old.get(measure), new.get(measure)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and a != b:
            deltas[measure] = round(b - a, 2)
    added = [f for f in new.get("failures", []) if f not in old.get("failures", [])]
    fixed = [f for f in old.get("failures", []) if f not in new.get("failures", [])]
    was, now = bool(old.get("passed")), bool(new.get("passed"))
    if was and not now:
        kind = "newly failing"
    elif not was and now:
        kind = "newly passing"
    elif not now:
        kind = "still failing"
    else:
        kind = "changed" if deltas else "unchanged"
    return CaseChange(case_id, kind, old, new, deltas, added, fixed)


def regressions(changes: list[CaseChange]) -> list[CaseChange]:
    return [c for c in changes if c.kind in REGRESSIONS]


def comparison_dict(
    changes: list[CaseChange], old: dict[str, Any], new: dict[str, Any]
) -> dict[str, Any]:
    counts = {kind: sum(c.kind == kind for c in changes) for kind in KINDS}
    return {
        "old": {"provider": old.get("provider"), "totals": old.get("totals")},
        "new": {"provider": new.get("provider"), "totals": new.get("totals")},
        "counts": counts,
        "regressions": len(regressions(changes)),
        "changes": [c.to_dict() for c in changes if c.kind != "unchanged"],
    }
