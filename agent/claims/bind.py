"""The provider-independent binder: each claim tied to the measure that checks it.

`bind_claims(dataset, claims)` finds, for every claim, where the schema holds
what it talks about (the table named by its noun, the categorical value named
by its words, the main fact's timestamp...) and sets `bound_to` to a
registered measure (engine/validate/claims.py). A claim it cannot place comes
back `not_modelled` with the reason, and an assumption says so. A claim the
author bound already is kept as the author bound it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from datagen.agent.claims.words import stems
from datagen.engine import dsl, relations
from datagen.engine.plan import TEMPORAL, default_time_column

# nouns people use for the same table
SYNONYMS = {
    "client": {"customer", "user", "buyer"},
    "customer": {"client", "user", "buyer", "shopper", "member"},
    "user": {"customer", "member", "account", "player", "subscriber"},
    "member": {"user", "customer"},
    "rider": {"passenger", "customer"},
    "driver": {"courier"},
    "order": {"purchase", "sale", "transaction"},
    "purchase": {"order", "sale", "transaction"},
    "sale": {"order", "purchase", "transaction"},
    "transaction": {"payment", "order", "transfer"},
    "payment": {"transaction"},
    "visit": {"appointment", "encounter", "admission"},
    "appointment": {"visit", "booking"},
    "booking": {"reservation", "appointment", "order"},
    "reservation": {"booking"},
    "patient": {"person"},
    "employee": {"staff", "worker", "person"},
    "store": {"shop", "branch", "location", "outlet"},
    "shop": {"store"},
    "product": {"item", "sku"},
    "item": {"product", "line"},
    "line": {"item", "order_line"},
    "reading": {"measurement", "event", "sample", "record"},
    "event": {"reading", "activity"},
    "trip": {"ride", "journey"},
    "ride": {"trip"},
    "play": {"stream", "listen", "view"},
    "stream": {"play"},
    "show": {"title", "podcast", "series"},
    "claim": {"insurance_claim"},
    "policy": {"contract"},
    "account": {"user", "customer"},
    "call": {"cdr"},
}


@dataclass
class SchemaView:
    """What binding asks of a schema: tables by noun, columns, sizes, timestamps."""

    dataset: dsl.Dataset

    @cached_property
    def estimated_rows(self) -> dict[str, int]:
        from datagen.engine.plan import build_plan

        try:
            plan = build_plan(self.dataset, 0)
        except Exception:  # an unplannable draft: every table counts the same
            return {n.id: 0 for n in self.dataset.nodes}
        return {t: p.estimated_rows for t, p in plan.tables.items()}

    def table_for(self, words: list[str]) -> dsl.Node | None:
        """The table a noun names: its id, a synonym, or a table whose id contains it."""
        wanted = set().union(*(stems(w) for w in words)) if words else set()
        if not wanted:
            return None
        best: tuple[int, dsl.Node] | None = None
        for node in self.dataset.nodes:
            names = stems(node.id)
            score = 0
            if names & wanted:
                score = 3 if stems(node.id) <= wanted or node.id in wanted else 2
            elif any(names & SYNONYMS.get(w, set()) for w in wanted):
                score = 1
            if score and (best is None or score > best[0]):
                best = (score, node)
        return best[1] if best else None

    @cached_property
    def main_fact(self) -> dsl.Node:
        """The largest fact (else the largest table): what 'rows', windows and peaks mean."""
        facts = [n for n in self.dataset.nodes if n.kind == "fact"] or list(self.dataset.nodes)
        return max(facts, key=lambda n: (self.estimated_rows.get(n.id, 0), -facts.index(n)))

    def time_column(self, node: dsl.Node) -> str | None:
        return default_time_column(node)

    def timed_table(self, preferred: dsl.Node | None = None) -> tuple[dsl.Node, str] | None:
        """A table with a timestamp: `preferred`, else the main fact, else any."""
        for node in [preferred, self.main_fact, *self.dataset.nodes]:
            if node is not None and (column := self.time_column(node)):
                return node, column
        return None


Binder = Callable[[SchemaView, dsl.Claim], dict[str, Any] | str]
BINDERS: dict[str, Binder] = {}


def binder(*kinds: str) -> Callable[[Binder], Binder]:
    def register(fn: Binder) -> Binder:
        for kind in kinds:
            BINDERS[kind] = fn
        return fn

    return register


def bind_claims(dataset: dsl.Dataset, claims: list[dsl.Claim]) -> tuple[dsl.Dataset, list[str]]:
    """(the dataset with its `claims` set, assumptions naming each claim left unmodelled)."""
    from datagen.engine.validate.claims import binding_problems

    view = SchemaView(dataset)
    bound: list[dsl.Claim] = []
    assumptions: list[str] = []
    for claim in claims:
        if claim.status == "bound" and claim.bound_to is not None:
            if not binding_problems(dataset, claim.bound_to):
                bound.append(claim)
                continue
        if claim.status == "not_modelled":
            bound.append(claim)
            continue
        fn = BINDERS.get(claim.kind)
        result: dict[str, Any] | str = fn(view, claim) if fn else f"no binder for {claim.kind}"
        if isinstance(result, dict):
            binding = dsl.ClaimBinding.model_validate(result)
            problems = binding_problems(dataset, binding)
            if not problems:
                bound.append(
                    claim.model_copy(
                        update={"bound_to": binding, "status": "bound", "reason": None}
                    )
                )
                continue
            result = "; ".join(problems)
        bound.append(
            claim.model_copy(update={"bound_to": None, "status": "not_modelled", "reason": result})
        )
        assumptions.append(f"'{claim.text}': not modelled ({result})")
    return dataset.model_copy(update={"claims": bound}), assumptions


# --------------------------------------------------------------------------- binders


@binder("count")
def _count(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    node = view.table_for(claim.about)
    if node is None:
        return f"no table for `{' '.join(claim.about)}`"
    unit = claim.expected.unit or "rows"
    if unit.startswith("per_"):
        found = view.timed_table(node)
        if found is None or found[0].id != node.id:
            return f"`{node.id}` has no timestamp to count rows per {unit[4:]}"
        return {"measure": "rows_per", "table": node.id, "column": found[1], "per": unit[4:]}
    return {"measure": "rows", "table": node.id}


@binder("size")
def _size(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    if claim.expected.unit == "bytes":
        return "sizes on disk depend on the output format: use `--scale` with `datagen size`"
    return {"measure": "rows", "table": view.main_fact.id}


@binder("window")
def _window(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    found = view.timed_table(view.table_for(claim.about))
    if found is None:
        return "no table has a date or datetime column"
    node, column = found
    return {"measure": "window", "table": node.id, "column": column}


@binder("rate", "share")
def _rate(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    words = list(claim.about)
    preferred = view.table_for(words[-1:]) if words else None
    match = value_match(view, words, preferred)
    if match is None:
        return f"no column value or flag matches `{' '.join(words)}`"
    node, where = match
    return {"measure": "share", "table": node.id, "where": where}


def value_match(
    view: SchemaView, words: list[str], preferred: dsl.Node | None
) -> tuple[dsl.Node, str] | None:
    """A categorical value or boolean flag named by `words`: (table, where expression)."""
    wanted = set().union(*(stems(w) for w in words)) if words else set()
    if not wanted:
        return None
    nodes = list(view.dataset.nodes)
    if preferred is not None:
        nodes.remove(preferred)
        nodes.insert(0, preferred)
    for node in nodes:
        for col in node.columns:
            spec = dsl.generator_spec(col.generator)
            values: list[Any] = []
            if isinstance(spec, dsl.ChoiceSpec) and spec.choices:
                values = list(spec.choices)
            elif isinstance(spec, dsl.EnumListSpec):
                values = list(spec.values)
            for value in values:
                if isinstance(value, str) and stems(value) & wanted:
                    return node, f"{col.name} == {value!r}"
            if col.type == "bool" and stems(col.name) & wanted:
                return node, f"{col.name} == true"
    return None


def _date_span(span: tuple[dt.date, dt.date]) -> dict[str, str]:
    return {"start": span[0].isoformat(), "end": span[1].isoformat()}


def is_temporal(node: dsl.Node, column: str) -> bool:
    col = node.column(column)
    return col is not None and col.type in TEMPORAL


def parent_tables(view: SchemaView, node: dsl.Node) -> list[str]:
    return [fk.ref_table for fk in relations.foreign_keys(view.dataset) if fk.table == node.id]
