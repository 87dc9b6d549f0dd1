"""Scales and their usual values: 'grades A to F with B most common', 'triage levels 1 to 5
with level 3 most common', 'ratings go from 1 to 5 stars, mostly 4 and 5'.

A scale the text names becomes a categorical column of the table it belongs to
(an existing numeric column of that name is turned into it: a `final_grade`
of 0-100 becomes letter grades); the usual value gets the largest weight, the
neighbours less the further they are, so the mode the phrase states is the
mode of the data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from datagen.agent.claims.words import stems
from datagen.agent.offline.claims_binding import MOSTLY, _about_table, honours
from datagen.agent.offline.naming import snake
from datagen.engine import dsl

if TYPE_CHECKING:
    from datagen.agent.offline.draft import Draft

# nouns of an ordinal scale: a range of them is a column of whole steps, not a measurement
SCALE_NOUNS = {"level", "rating", "score", "grade", "tier", "stage", "priority", "severity",
               "star", "rank", "class", "band", "step"}  # fmt: skip
MAX_STEPS = 11  # '1 to 10' is a scale; '0 to 110 km/h' is a measurement


def _named_column(draft: Draft, claim: dsl.Claim) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The column the claim's words name (most words matched; the claim's table first)."""
    wanted = set().union(*(stems(w) for w in claim.about)) if claim.about else set()
    if not wanted:
        return None
    first = _about_table(draft, claim)
    nodes = [n for n in [first] if n is not None]
    nodes += [n for n in draft.schema["nodes"] if n not in nodes]
    best: tuple[int, dict[str, Any], dict[str, Any]] | None = None
    for rank, node in enumerate(nodes):
        for col in node["columns"]:
            name = col["name"]
            if (
                name == node.get("pk")
                or name.endswith("_id")
                or col["type"] in ("date", "datetime")
            ):
                continue
            score = 10 * len(stems(name) & wanted) - rank
            if score > 0 and (best is None or score > best[0]):
                best = (score, node, col)
    return (best[1], best[2]) if best else None


def scale_column(
    draft: Draft, claim: dsl.Claim, values: list[Any]
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The categorical column of a scale, made from a numeric column of its name or added to
    the table the claim is about ('triage levels 1 to 5' -> `encounter.triage_level`)."""
    words = [w for w in claim.about if w]
    if not words or not set().union(*(stems(w) for w in words)) & SCALE_NOUNS:
        return None
    found = _named_column(draft, claim)
    if found is not None and "choice" in found[1]["generator"]:
        return found
    choice = {"choices": list(values), "weights": [1.0] * len(values)}
    kind = "string" if isinstance(values[0], str) else "int"
    if found is not None and not _derived_from(draft, found):
        node, col = found  # 'final_grade' of 0-100 -> letter grades
        col.update({"type": kind, "generator": {"choice": choice}})
        col.pop("modifiers", None)
        _drop_checks(draft, node["id"], col["name"])
        draft.note(f"{claim.text!r}: `{node['id']}.{col['name']}` takes the values {values}")
        return node, col
    node = _about_table(draft, claim)
    if node is None:
        return None
    name = snake(" ".join(words[-2:]))
    if any(c["name"] == name for c in node["columns"]):
        return None
    col = {"name": name, "type": kind, "generator": {"choice": choice}}
    node["columns"].append(col)
    draft.note(f"{claim.text!r}: a column `{node['id']}.{name}` of {values}")
    return node, col


def _derived_from(draft: Draft, found: tuple[dict[str, Any], dict[str, Any]]) -> bool:
    """Another column is computed from this one: it keeps its numbers."""
    from datagen.agent.offline.surgery import same_row_dependencies

    node, col = found
    return any(col["name"] in same_row_dependencies(c) for c in node["columns"] if c is not col)


def _drop_checks(draft: Draft, table: str, column: str) -> None:
    """Targets and ranges of a column that is now categorical."""
    for items in draft.schema.get("targets", {}).values():
        items[:] = [t for t in items if (t.get("table"), t.get("column")) != (table, column)]
    ranges = draft.schema.get("constraints", {}).get("ranges", [])
    ranges[:] = [r for r in ranges if r.get("column") not in (f"{table}.{column}", column)]


@honours("values")
def _values(draft: Draft, claim: dsl.Claim) -> None:
    """'status values: active, churned, paused' -> that column takes exactly those values;
    'grades A to F' -> the grade column is letters."""
    values = [str(v) for v in claim.expected.values or []]
    wanted = set().union(*(stems(w) for w in claim.about)) if claim.about else set()
    if not values or not wanted:
        return
    if wanted & SCALE_NOUNS and scale_column(draft, claim, values) is not None:
        return
    values = [snake(v) for v in values]
    for node in draft.schema["nodes"]:
        for col in node["columns"]:
            if stems(col["name"]) & wanted and col["type"] == "string":
                col["generator"] = {"choice": {"choices": values}}
                draft.note(f"{claim.text!r}: `{node['id']}.{col['name']}` is one of {values}")
                return


def range_scale(draft: Draft, claim: dsl.Claim) -> dict[str, Any] | None:
    """'triage levels 1 to 5' with no such column: a column of the whole steps, bound."""
    low, high = claim.expected.min, claim.expected.max
    if not isinstance(low, (int, float)) or not isinstance(high, (int, float)):
        return None
    if not (float(low).is_integer() and float(high).is_integer() and 0 < high - low < MAX_STEPS):
        return None
    found = scale_column(draft, claim, list(range(int(low), int(high) + 1)))
    if found is None:
        return None
    node, col = found
    return {"measure": "range", "table": node["id"], "column": col["name"]}


@honours("mode")
def _mode(draft: Draft, claim: dsl.Claim) -> dict[str, Any] | None:
    """'B most common': the weights fall away from B; 'mostly 4 and 5': those hold a clear
    majority (at least MOSTLY of the rows), the most common among them."""
    usual = list(claim.expected.values or [])
    found = _named_column(draft, claim)
    if found is None and usual and (scale := _usual_scale(usual)) is not None:
        found = scale_column(draft, claim, scale)  # 'ratings mostly 4 and 5': a 1-5 scale
    if not usual or found is None or "choice" not in found[1]["generator"]:
        return None
    node, col = found
    choice = col["generator"]["choice"]
    keys = [_key(v) for v in choice["choices"]]
    index = [keys.index(_key(v)) for v in usual if _key(v) in keys]
    if len(index) != len(usual):
        return None
    n = len(keys)
    weights = [1 / (1 + min(abs(i - j) for j in index)) for i in range(n)]
    low = claim.expected.min
    if isinstance(low, (int, float)):
        inside = sum(weights[i] for i in index)
        outside = sum(w for i, w in enumerate(weights) if i not in index)
        share = max(MOSTLY, float(low) + 0.1)
        weights = [
            w / inside * share if i in index else (w / outside * (1 - share) if outside else 0.0)
            for i, w in enumerate(weights)
        ]
    total = sum(weights)
    choice["weights"] = [round(w / total, 6) for w in weights]
    choice.pop("weights_kind", None)
    shown = " or ".join(str(v) for v in usual)
    draft.note(f"{claim.text!r}: `{node['id']}.{col['name']}` most often {shown}")
    return {"measure": "mode", "table": node["id"], "column": col["name"], "values": usual}


def _usual_scale(usual: list[Any]) -> list[Any] | None:
    """The scale usual values come from when none was stated: stars 1-5 (or 1-10), grades
    A-F."""
    if all(isinstance(v, int) for v in usual):
        top = 5 if max(usual) <= 5 else 10 if max(usual) <= 10 else None
        return list(range(1, top + 1)) if top and min(usual) >= 1 else None
    letters = ["A", "B", "C", "D", "F"]
    return letters if all(v in letters for v in usual) else None


def _key(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{float(value):g}"
    return str(value).casefold()
