"""The description's claims, honoured by the composed schema and bound to their measures.

`extract_claims` (agent/claims) reads what the description states; here each
claim changes the draft so the data makes it true (a rate becomes the weight of
a value, a count a table's rows, a total size the main fact's rows, a window
the timeframe), then `bind_claims` ties every claim to the measure the
validator checks on the data. One small function per claim kind, registered
in HONOURS; a kind without one is left to the binder, which says what it
could not place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from datagen.agent.claims.words import stems
from datagen.agent.offline.naming import snake
from datagen.engine import dsl

if TYPE_CHECKING:
    from datagen.agent.offline.compose import Draft

Honour = Callable[["Draft", dsl.Claim], None]
HONOURS: dict[str, Honour] = {}
MOSTLY = 0.7  # "mostly" / "most" with no number: a clear majority


def honours(*kinds: str) -> Callable[[Honour], Honour]:
    def register(fn: Honour) -> Honour:
        for kind in kinds:
            HONOURS[kind] = fn
        return fn

    return register


def claim_window(claims: list[dsl.Claim]) -> tuple[date, date, str] | None:
    """The first window the description states, as (start, end, phrase)."""
    for claim in claims:
        low, high = claim.expected.min, claim.expected.max
        if claim.kind == "window" and isinstance(low, str) and isinstance(high, str):
            start, end = date.fromisoformat(low[:10]), date.fromisoformat(high[:10])
            if end > start:
                return start, end, claim.text
    return None


def honour_claims(draft: Draft, claims: list[dsl.Claim]) -> None:
    for claim in claims:
        fn = HONOURS.get(claim.kind)
        if fn is not None:
            fn(draft, claim)


def bind(schema: dict[str, Any], claims: list[dsl.Claim]) -> dict[str, Any]:
    """The schema with its `claims` bound (or marked not_modelled, with an assumption)."""
    from datagen.agent.claims import bind_claims
    from datagen.engine.errors import SchemaError
    from datagen.engine.load import parse_dataset

    if not claims:
        return schema
    try:
        dataset = parse_dataset(schema)
    except SchemaError:
        schema["claims"] = [c.model_dump(mode="json", exclude_none=True) for c in claims]
        return schema  # the loop's check reports the schema's problems first
    dataset, notes = bind_claims(dataset, claims)
    schema["claims"] = [
        c.model_dump(mode="json", by_alias=True, exclude_none=True) for c in dataset.claims
    ]
    assumptions = schema["metadata"].setdefault("assumptions", [])
    assumptions += [n for n in notes if n not in assumptions]
    return schema


# --------------------------------------------------------------------------- per kind


def _target_share(claim: dsl.Claim) -> float | None:
    expected = claim.expected
    if isinstance(expected.value, (int, float)):
        return float(expected.value)
    low = expected.min if isinstance(expected.min, (int, float)) else None
    high = expected.max if isinstance(expected.max, (int, float)) else None
    if low is not None and high is not None:
        return (float(low) + float(high)) / 2
    if low is not None:
        return max(float(low) + 0.1, MOSTLY) if low >= 0.5 else float(low) + 0.05
    if high is not None:
        return float(high) / 2
    return None


@honours("rate", "share")
def _rate(draft: Draft, claim: dsl.Claim) -> None:
    """'8% no-shows' -> the value `no_show` at weight 0.08 (added to a status if missing)."""
    share = _target_share(claim)
    words = [w for w in claim.about if w]
    if share is None or not words or not 0 < share < 1:
        return
    wanted = set().union(*(stems(w) for w in words))
    tables = _preferred_tables(draft, words)
    for node in tables:
        for col in node["columns"]:
            choice = col["generator"].get("choice")
            if not choice or not choice.get("choices"):
                continue
            values = choice["choices"]
            hit = next(
                (i for i, v in enumerate(values) if isinstance(v, str) and stems(v) & wanted), None
            )
            if hit is not None:
                _set_weight(choice, hit, share)
                draft.note(
                    f"{claim.text!r}: `{node['id']}.{col['name']}` = {values[hit]!r} "
                    f"for {share:.1%} of rows"
                )
                return
            if col["type"] == "bool" and stems(col["name"]) & wanted:
                _set_weight(choice, values.index(True), share)
                draft.note(f"{claim.text!r}: `{node['id']}.{col['name']}` true for {share:.1%}")
                return
    if not tables:
        return
    node = tables[0]
    value = snake(words[0])
    status = next(
        (
            c
            for c in node["columns"]
            if (c["name"] == "status" or c["name"].endswith("_status"))
            and c["generator"].get("choice", {}).get("choices")
            and isinstance(c["generator"]["choice"]["choices"][0], str)
        ),
        None,
    )
    if status is not None and _reads_as_status(value):
        choice = status["generator"]["choice"]
        weights = choice.get("weights") or [1.0] * len(choice["choices"])
        choice["choices"].append(value)
        choice["weights"] = [*weights, 0.0]
        _set_weight(choice, len(choice["choices"]) - 1, share)
        draft.note(
            f"{claim.text!r}: `{node['id']}.{status['name']}` gains the value {value!r} "
            f"for {share:.1%} of rows"
        )
        return
    flag = f"is_{value}"
    if any(c["name"] == flag for c in node["columns"]):
        return
    node["columns"].append(
        {
            "name": flag,
            "type": "bool",
            "generator": {"choice": {"choices": [True, False], "weights": [share, 1 - share]}},
        }
    )
    draft.note(f"{claim.text!r}: a flag `{node['id']}.{flag}`, true for {share:.1%} of rows")


def _reads_as_status(value: str) -> bool:
    """'no_show', 'cancelled', 'returned', 'late', 'fraud' read as a row's status; a noun
    ('click', 'conversion') is better a flag."""
    return value.endswith(("ed", "_show", "show")) or value in {
        "late", "lost", "open", "pending", "failed", "overdue", "default", "churn", "fraud",
        "void", "denied", "abandoned",
    }  # fmt: skip


def _preferred_tables(draft: Draft, words: list[str]) -> list[dict[str, Any]]:
    """Tables to look in: those the words name, then the main fact, then the rest."""
    order: list[dict[str, Any]] = []
    for word in reversed(words):
        table = draft.resolve(snake(word))
        node = draft.node(table)
        if node is not None and node not in order:
            order.append(node)
    main = draft.node(draft.roles.get("main_fact"))
    if main is not None and main not in order:
        order.append(main)
    order += [n for n in draft.schema["nodes"] if n not in order and n["kind"] == "fact"]
    return order


def _set_weight(choice: dict[str, Any], index: int, share: float) -> None:
    """Value `index` gets `share` of the picks; the others keep their proportions."""
    n = len(choice["choices"])
    weights = list(choice.get("weights") or [1.0] * n)
    rest = sum(w for i, w in enumerate(weights) if i != index)
    out = []
    for i, w in enumerate(weights):
        if i == index:
            out.append(round(share, 6))
        elif rest > 0:
            out.append(round(w / rest * (1 - share), 6))
        else:
            out.append(round((1 - share) / max(n - 1, 1), 6))
    choice["weights"] = out
    choice.pop("weights_kind", None)


@honours("count")
def _count(draft: Draft, claim: dsl.Claim) -> None:
    """'40 vets' -> `vet` has 40 rows (unless the description's own count placed it)."""
    from datagen.agent.offline.compose import _set_fact_count, _set_rows
    from datagen.agent.offline.parse import Count

    value = claim.expected.value
    unit = claim.expected.unit or "rows"
    if not isinstance(value, (int, float)) or not claim.about or unit != "rows":
        return
    if re.search(r"\b(?:rows|records) of\b", claim.text, re.IGNORECASE):
        return  # '100K rows of card transactions': the parser's count names the whole noun
    table = draft.resolve(snake(claim.about[-1]))
    node = draft.node(table)
    if node is None or table in draft.counted:
        return
    if node["kind"] == "fact":
        _set_fact_count(draft, node, Count(float(value), node["id"], None, claim.text))
    else:
        _set_rows(draft, node, float(value), claim.text)
        draft.counted.add(node["id"])


@honours("size")
def _size(draft: Draft, claim: dsl.Claim) -> None:
    """'1M rows' -> the largest fact has about 1M rows (its root entity scaled to match)."""
    value = claim.expected.value
    if not isinstance(value, (int, float)) or (claim.expected.unit or "rows") != "rows":
        return
    facts = [n for n in draft.schema["nodes"] if n["kind"] == "fact"]
    if not facts:
        return
    largest = max(facts, key=lambda n: draft.expected_rows(n["id"]))
    have = draft.expected_rows(largest["id"])
    if have <= 0 or abs(have - value) <= (claim.expected.tolerance or 0.05 * value):
        return
    root = largest
    while root["kind"] == "fact":
        parent = draft.node(root["parents"][0])
        if parent is None:
            return
        root = parent
    if root["id"] in draft.counted or root.get("rows") is None:
        lam_scale = value / have
        from datagen.agent.offline.compose import _set_lambda, fanout_mean

        _set_lambda(largest, fanout_mean(largest["fanout"]) * lam_scale)
    else:
        root["rows"] = max(1, int(round(root["rows"] * value / have)))
    draft.note(f"{claim.text!r}: `{largest['id']}` sized to about {int(value):,} rows")
